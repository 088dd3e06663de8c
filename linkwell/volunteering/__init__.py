"""Volunteers, befrienders, connectors and peer roles: the community's people as assets."""
