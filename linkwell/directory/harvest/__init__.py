"""Harvesting remote directory feeds on a schedule, and finding the same service twice.

- `fetch`: every page of a feed over HTTP (timeout, size cap, no private addresses).
- `runs`: `harvest_feed` (fetch all, then import all or nothing; provenance; withdrawals;
  failures recorded and emailed to administrators) and `due_sources`.
- `feeds`: registering and changing a feed (audited).
- `duplicates`: likely duplicate listings, `merge` and `not_duplicate`.
- `tasks`: the django-tasks wrappers (`harvest_source`, `harvest_due_feeds`).
"""
