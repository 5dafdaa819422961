"""Werkplaatsen: a series of workshops for municipal trios (docs/domain.md §1)."""
