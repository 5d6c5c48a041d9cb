"""The gazetteer: schema, the Arabic normaliser, source readers, build and loader."""
