"""What organisers do to a programme itself: create it, change its settings, publish it, add its
sessions and contacts (editing.py), and the API's request body for a new one (reading.py). Above
the registrations: a larger capacity moves people up, a new session is announced to them."""
