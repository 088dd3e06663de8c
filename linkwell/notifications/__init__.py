"""Messages to people that really leave: GOV.UK Notify, delivery receipts (README.md)."""
