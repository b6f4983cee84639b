"""Module pages of the main window."""
