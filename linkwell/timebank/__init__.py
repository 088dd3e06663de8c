"""The time bank: members, accounts and a double-entry ledger of hours."""
