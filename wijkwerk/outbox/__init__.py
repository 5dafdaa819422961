"""The outbox: mail queued in the transaction that causes it, delivered after the commit."""
