"""Messages back delivered into the GP record over MESH (README.md)."""
