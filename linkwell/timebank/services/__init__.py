"""Writes to the time bank: members and accounts, the ledger, listings, packages, issuing."""
