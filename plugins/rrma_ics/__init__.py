"""The `ics` connector (being written)."""
