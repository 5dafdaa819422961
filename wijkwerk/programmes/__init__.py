"""Programmes and their sessions: the public pages and the demo data."""
