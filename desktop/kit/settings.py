"""Typed, versioned user settings (window geometry, last page, first-start answer…) in QSettings.

Domain data never goes here. The file is an INI file: ``emergency-desk/emergency-desk.ini`` in the
user's configuration directory, or ``settings.ini`` in ``EMERGENCY_DESK_DATA_DIR`` when that
variable is set (tests and portable installs), so tests never touch the real user settings.

Each stored key has one typed getter/setter pair here; ``meta/schema_version`` records the layout
so a later release can rename or convert keys in ``_upgrade``.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from models.core.paths import data_dir

ORGANISATION = "emergency-desk"
APPLICATION = "emergency-desk"
SCHEMA_VERSION = 1
DATA_DIR_ENV = "EMERGENCY_DESK_DATA_DIR"

_SCHEMA_KEY = "meta/schema_version"


class Settings:
    """The application's settings; every value has a type and a default."""

    def __init__(self, qsettings: QSettings) -> None:
        self._s = qsettings
        self._upgrade()

    @classmethod
    def open(cls) -> Settings:
        """The settings file for this user (or the one under ``EMERGENCY_DESK_DATA_DIR``)."""
        if os.environ.get(DATA_DIR_ENV):
            return cls.at(data_dir() / "settings.ini")
        return cls(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION))

    @classmethod
    def at(cls, path: Path) -> Settings:
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    @property
    def path(self) -> str:
        return self._s.fileName()

    def sync(self) -> None:
        self._s.sync()

    # --- versioning ------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self._int(_SCHEMA_KEY, 0)

    def _upgrade(self) -> None:
        """Bring an older settings layout to ``SCHEMA_VERSION`` (version 1 is the first layout)."""
        if self.schema_version < SCHEMA_VERSION:
            self._s.setValue(_SCHEMA_KEY, SCHEMA_VERSION)

    # --- typed primitives -------------------------------------------------------------------------

    def _int(self, key: str, default: int) -> int:
        value = self._s.value(key, default)
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def _str(self, key: str, default: str) -> str:
        value = self._s.value(key, default)
        return value if isinstance(value, str) else default

    def _bool(self, key: str, default: bool) -> bool:
        value = self._s.value(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes"}
        return default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        return None

    def _set(self, key: str, value: object) -> None:
        if value is None:
            self._s.remove(key)
        else:
            self._s.setValue(key, value)

    # --- main window ------------------------------------------------------------------------------

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("main_window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray | None) -> None:
        self._set("main_window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("main_window/state")

    @window_state.setter
    def window_state(self, value: QByteArray | None) -> None:
        self._set("main_window/state", value)

    @property
    def last_page(self) -> str:
        return self._str("main_window/last_page", "home")

    @last_page.setter
    def last_page(self, value: str) -> None:
        self._set("main_window/last_page", value)

    # --- lists ------------------------------------------------------------------------------------

    def header_state(self, page: str) -> QByteArray | None:
        """A list's header (column widths, sort) as its page (``Page.key``) saved it."""
        return self._bytes(f"{page}/header_state")

    def set_header_state(self, page: str, value: QByteArray | None) -> None:
        self._set(f"{page}/header_state", value)

    def user_sized_columns(self, page: str) -> list[int]:
        """The columns of a list whose width the user set (the others are fitted to their content)."""
        value = self._str(f"{page}/user_sized_columns", "")
        return [int(part) for part in value.split(",") if part.strip().isdigit()]

    def set_user_sized_columns(self, page: str, columns: list[int]) -> None:
        self._set(f"{page}/user_sized_columns", ",".join(str(c) for c in columns))

    def splitter_state(self, page: str) -> QByteArray | None:
        """How a page's splitter divides it (e.g. the plan list and the 预案体系 panel)."""
        return self._bytes(f"{page}/splitter_state")

    def set_splitter_state(self, page: str, value: QByteArray | None) -> None:
        self._set(f"{page}/splitter_state", value)

    @property
    def enterprise_header_state(self) -> QByteArray | None:
        return self.header_state("enterprises")

    @enterprise_header_state.setter
    def enterprise_header_state(self, value: QByteArray | None) -> None:
        self.set_header_state("enterprises", value)

    @property
    def last_export_dir(self) -> str:
        return self._str("exports/last_dir", "")

    @last_export_dir.setter
    def last_export_dir(self, value: str) -> None:
        self._set("exports/last_dir", value)

    @property
    def export_style(self) -> str:
        """The house style offered for plan documents (``exports.styles`` key), the last one used."""
        value = self._str("exports/style", "default")
        return value if value in ("default", "gbt9704") else "default"

    @export_style.setter
    def export_style(self, value: str) -> None:
        self._set("exports/style", value)

    # --- the home page ------------------------------------------------------------------------------

    def last_seen(self, database: str) -> str:
        """The day (YYYY-MM-DD) the home page last listed what is due in ``database`` ('' never)."""
        return self._str(f"home/last_seen/{_key(database)}", "")

    def set_last_seen(self, database: str, day: str) -> None:
        self._set(f"home/last_seen/{_key(database)}", day)

    # --- first start --------------------------------------------------------------------------------

    @property
    def first_start_answered(self) -> bool:
        """True once the user chose “从空白开始” on the first-start question."""
        return self._bool("first_start/answered", False)

    @first_start_answered.setter
    def first_start_answered(self, value: bool) -> None:
        self._set("first_start/answered", bool(value))


def _key(text: str) -> str:
    """A settings key part for any text (a database's URL or path): no slashes, stable."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
