"""Nytte: dynamic benefits management for cross-agency digital transformation."""

__version__ = "0.1.0"
