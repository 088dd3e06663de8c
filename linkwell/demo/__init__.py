"""Demo data for development and evaluation only (see README.md). No domain app imports it."""
