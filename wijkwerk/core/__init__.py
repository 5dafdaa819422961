"""Site-wide routes: health check, language choice and the statutory pages."""
