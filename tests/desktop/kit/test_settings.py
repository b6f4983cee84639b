"""Typed, versioned settings stored under EMERGENCY_DESK_DATA_DIR in tests."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray

from desktop.kit.settings import SCHEMA_VERSION, Settings


def test_settings_file_lives_in_the_data_dir():
    settings = Settings.open()
    settings.sync()
    assert Path(settings.path) == Path(os.environ["EMERGENCY_DESK_DATA_DIR"]) / "settings.ini"
    assert settings.schema_version == SCHEMA_VERSION
    assert "schema_version=1" in Path(settings.path).read_text(encoding="utf-8")


def test_defaults():
    settings = Settings.open()
    assert settings.window_geometry is None and settings.window_state is None
    assert settings.last_page == "home"
    assert settings.first_start_answered is False
    assert settings.last_export_dir == ""
    assert settings.enterprise_header_state is None
    assert settings.export_style == "default"


def test_values_round_trip_through_the_file(tmp_path):
    first = Settings.at(tmp_path / "s.ini")
    first.window_geometry = QByteArray(b"\x01\x02geometry")
    first.last_page = "enterprises"
    first.first_start_answered = True
    first.last_export_dir = "/tmp/导出"
    first.export_style = "gbt9704"
    first.sync()
    second = Settings.at(tmp_path / "s.ini")
    assert second.window_geometry == QByteArray(b"\x01\x02geometry")
    assert second.last_page == "enterprises"
    assert second.first_start_answered is True
    assert second.last_export_dir == "/tmp/导出"
    assert second.export_style == "gbt9704"
    second.window_geometry = None
    assert second.window_geometry is None


def test_garbage_values_fall_back_to_defaults(tmp_path):
    path = tmp_path / "s.ini"
    path.write_text("[meta]\nschema_version=abc\n[first_start]\nanswered=maybe\n[exports]\nstyle=fancy\n",
                    encoding="utf-8")
    settings = Settings.at(path)
    assert settings.export_style == "default"
    assert settings.first_start_answered is False
    assert settings.schema_version == SCHEMA_VERSION  # upgraded from "no valid version"


def test_list_layouts_round_trip_per_list(tmp_path):
    first = Settings.at(tmp_path / "s.ini")
    assert first.user_sized_columns("plans") == [] and first.splitter_state("plans") is None
    first.set_user_sized_columns("plans", [1, 7])
    first.set_user_sized_columns("enterprises", [])
    first.set_splitter_state("plans", QByteArray(b"\x00splitter"))
    first.sync()
    second = Settings.at(tmp_path / "s.ini")
    assert second.user_sized_columns("plans") == [1, 7]
    assert second.user_sized_columns("enterprises") == []
    assert second.splitter_state("plans") == QByteArray(b"\x00splitter")


def test_a_garbled_column_list_is_ignored(tmp_path):
    path = tmp_path / "s.ini"
    path.write_text("[plans]\nuser_sized_columns=\"1,x,,3\"\n", encoding="utf-8")
    assert Settings.at(path).user_sized_columns("plans") == [1, 3]
