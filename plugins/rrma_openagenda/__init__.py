"""The `openagenda` connector (being written)."""
