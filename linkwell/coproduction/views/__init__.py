"""Pages for co-production self-assessments: `teams.py` (teams, history, progress, comparison)
and `assessments.py` (one assessment, its form and its actions)."""
