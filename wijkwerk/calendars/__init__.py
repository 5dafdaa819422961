"""Calendars (RFC 5545): a programme's sessions and a registration's personal feed."""
