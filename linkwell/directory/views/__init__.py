"""Directory views, split by responsibility: search.py (finding), listings.py (editing)."""
