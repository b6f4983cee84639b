"""Table models over paged queries."""
