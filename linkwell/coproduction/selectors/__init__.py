"""Reads for co-production self-assessments: `assessments.py` (scores, history, progress, the
comparison of child teams) and `records.py` (Linkwell's own figures counted into an assessment).
"""
