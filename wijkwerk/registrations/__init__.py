"""Registrations: forms, the rules of each kind, places and the lifecycle every kind shares."""
