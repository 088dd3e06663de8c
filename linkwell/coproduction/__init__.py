"""Co-production self-assessment against the six principles, repeated over time."""
