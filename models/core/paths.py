"""Where the application keeps its files (no database imports here: the window shows before those)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "emergency-desk"
ENV_DB = "EMERGENCY_DESK_DB"
ENV_DATA_DIR = "EMERGENCY_DESK_DATA_DIR"


def data_dir() -> Path:
    """The per-user directory for the default database, demo database, backups, logs and settings."""
    override = os.environ.get(ENV_DATA_DIR)
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "emergency-desk.sqlite"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"
