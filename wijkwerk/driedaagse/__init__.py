"""The driedaagse: a three-day course for individuals (docs/domain.md §2)."""
