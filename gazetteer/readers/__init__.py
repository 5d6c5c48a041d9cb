"""Source adapters: each reads one format and yields `EntityRecord`s."""
