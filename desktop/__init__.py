"""desktop layer: the PySide6 window and the command line."""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it)
