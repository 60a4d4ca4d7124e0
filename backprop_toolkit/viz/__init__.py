"""Drawings and slide figures (the top layer: it may use everything below)."""
