"""Pages for volunteering, one module per subject."""
