"""Community grants: programmes, rounds, applications, panels, awards and payments."""
