"""desktop layer."""
