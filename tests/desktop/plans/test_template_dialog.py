"""预案模板管理: export, edited import as a new version, refused imports, reset (window side)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from desktop.main_window import MainWindow
from desktop.plans import template_dialog as td
from models.core.actors import Actor
from plans.plans import template_store as ts


@pytest.fixture
def dialog(qtbot, sqlite_db, runner):
    dlg = td.TemplateDialog(sqlite_db, runner, actor=Actor("管理员"))
    qtbot.addWidget(dlg)
    return dlg


def choose_files(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_export_edit_import_and_reset(dialog, sqlite_db, tmp_path: Path, monkeypatch, msgs, finish) -> None:
    assert dialog.table.rowCount() == 4 and dialog.table.item(0, 0).text() == "综合应急预案"
    assert dialog.tree.topLevelItemCount() > 5 and dialog.tree.topLevelItem(0).text(0).startswith("★ ")
    assert not dialog.reset_button.isEnabled()
    dialog.table.selectRow(2)
    assert dialog.selected_kind() == "onsite"
    path = tmp_path / "onsite.json"
    choose_files(monkeypatch, path)
    assert dialog.export_selected() == path
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"][0]["title"] = "事故风险描述（区局格式）"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dialog.note_edit.setText("区局格式")
    assert finish(dialog.import_file()) == "saved"
    assert msgs.texts("info")[-1] == "已保存为第 2 版，新建预案将使用它。"
    assert dialog.selected_kind() == "onsite" and dialog.table.item(2, 2).text() == "第 2 版"
    assert dialog.table.item(2, 7).text() == "区局格式" and dialog.note_edit.text() == ""
    assert dialog.tree.topLevelItem(0).text(0).endswith("事故风险描述（区局格式）")
    assert finish(dialog.import_file()) == "conflict"  # the same file again: based on version 1, refused
    assert "已被修改" in msgs.texts("warn")[-1]
    assert finish(dialog.reset_selected()) == "saved"
    with sqlite_db.read() as s:
        assert not any(i.customised for i in ts.template_infos(s))


def test_bad_file_and_no_permission_are_said(qtbot, sqlite_db, runner, tmp_path: Path, monkeypatch, msgs,
                                            finish) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{坏", encoding="utf-8")
    choose_files(monkeypatch, path)
    dlg = td.TemplateDialog(sqlite_db, runner, actor=Actor("办事员", frozenset({"staff"})))
    qtbot.addWidget(dlg)
    assert dlg.import_file() is None and "无法读取模板文件" in msgs.texts("warn")[-1]
    dlg.export_selected()
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert finish(dlg.import_file()) == "refused" and "无权执行“修改预案模板”" in msgs.texts("warn")[-1]


def test_menu_opens_the_dialog(qtbot, sqlite_db, settings) -> None:
    window = MainWindow(sqlite_db, settings, progress_delay_ms=50)
    qtbot.addWidget(window)
    assert window.act_templates.text() == "预案模板…"
    dialog = window.manage_templates()
    assert isinstance(dialog, td.TemplateDialog) and dialog.isVisible()
    dialog.close()
    window.runner.shutdown()
