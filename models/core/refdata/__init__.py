"""Reference data files (JSON), each naming its source."""
