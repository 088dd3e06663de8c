"""Vendored JSON schemas (package data; see SOURCE.md)."""
