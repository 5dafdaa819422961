"""Back-office accounts (admin, organiser, viewer), log-in and API tokens."""
