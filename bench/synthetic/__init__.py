"""Pieces of the synthetic Wikidata dump generator (`python -m bench.make_dump`), one job per module.

- `vocabulary`: name words (roots × patterns, foreign syllables, compounds) with Zipf-like frequencies;
- `sources`: what the project's own data gives (seed people and places, ordinary words);
- `wire`: Wikidata's JSON entity shape (statements, ranks, hashes, qualifiers, sitelinks);
- `generator`: the entity kinds and the traps a real gazetteer holds;
- `stats`: the figures `--stats` reports.
"""
