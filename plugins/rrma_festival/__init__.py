"""The `festival` connector (being written)."""
