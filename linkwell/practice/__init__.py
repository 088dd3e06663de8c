"""Per-practice work: MDT lists, practice action plans, and the programme set-up checklist (README.md)."""
