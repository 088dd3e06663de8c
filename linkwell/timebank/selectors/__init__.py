"""Reads of the time bank, scoped by the acting user where a person sees them."""
