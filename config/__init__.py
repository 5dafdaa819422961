"""Settings per environment. Select one with ``WIJKWERK_CONFIG`` (a dotted path); every single
setting can then be overridden from the environment with the ``WIJKWERK_`` prefix (see docs/api.md)."""
