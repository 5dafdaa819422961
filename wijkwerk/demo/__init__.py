"""The demo: programmes with their sessions, contacts and people (programmes.py) and each kind's
activity in them (activity.py), loaded by ``flask wijkwerk demo``."""
