"""Municipality reference data (CBS) and organisations."""
