"""Writes for volunteering, one module per subject; import from the package."""
