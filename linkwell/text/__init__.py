"""Linkwell's one text analysis, shared by matching and by directory search (public and staff):
words, Snowball stems, stop words, phrase bigrams, the curated related-terms list
(`data/related_terms.json`: "lonely" <-> befriending, lunch clubs...) and a BM25 index.
Pure Python + NumPy: no settings, no database, no other Linkwell app."""
