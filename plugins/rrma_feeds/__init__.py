"""Exporters (being written)."""
