"""The `rss` connector (being written)."""
