"""演练评估表管理 (window side): the forms read in a task, items by phase and indicator and in the HSEEP
view, export → edit → import as a new version, a stale or invalid file refused and said, reset,
administrators only, and the menu entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from desktop.drills import form_dialog as fd
from desktop.main_window import MainWindow
from models.core.actors import Actor
from models.drills import templates as dt

ADMIN = Actor("管理员")
CLERK = Actor("办事员", frozenset({"staff"}))


def opened(qtbot: Any, db: Any, runner: Any, actor: Actor = ADMIN) -> fd.EvaluationFormDialog:
    dialog = fd.EvaluationFormDialog(db, runner, actor=actor)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    return dialog


def choose_files(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def texts(tree: Any) -> list[str]:
    out = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        out.append(top.text(0))
        out += [top.child(j).text(0) for j in range(top.childCount())]
    return out


def test_the_forms_and_their_items_by_phase_and_in_the_hseep_view(qtbot, sqlite_db, runner) -> None:
    dialog = opened(qtbot, sqlite_db, runner)
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 0).text() == "实战演练评估表"
    assert dialog.table.item(0, 1).text() == "第 1 版" and dialog.table.item(0, 2).text() == "内置（AQ/T 9009-2015）"
    assert texts(dialog.items_tree)[:4] == ["演练准备", "策划与设计", "文件编制", "保障"]
    report = dialog.items_tree.topLevelItem(1).child(0)  # 演练实施 → 预警与信息报告
    assert report.text(0) == "预警与信息报告" and report.childCount() == 2
    assert [report.child(0).text(c) for c in (1, 2, 3)] == ["计量", "10", "3 分钟以内满分，达到或超过 10 分钟不得分"]
    assert report.child(1).text(3) == "是 1、部分 0.5、否 0"
    assert texts(dialog.hseep_tree)[0] == "规划" and dialog.hseep_tree.topLevelItem(0).child(0).text(1) == \
        "演练准备·策划与设计"
    assert "结论等级：优 ≥ 90 分、良 ≥ 80 分、中 ≥ 60 分、差 低于 60 分" in dialog.rules_label.text()
    assert "同一项各评估人得分相差超过满分的 40%" in dialog.rules_label.text()
    assert dialog.source_label.text().startswith("依据：AQ/T 9009-2015")
    assert not dialog.reset_button.isEnabled() and dialog.import_button.isEnabled()
    dialog.table.selectRow(1)
    assert dialog.selected_key() == "tabletop" and "共 9 项" in dialog.rules_label.text()


def test_export_edit_import_stale_invalid_and_reset(qtbot, sqlite_db, runner, tmp_path: Path, monkeypatch, msgs,
                                                    finish) -> None:
    dialog = opened(qtbot, sqlite_db, runner)
    path = tmp_path / "live.json"
    choose_files(monkeypatch, path)
    assert dialog.export_selected() == path
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["key"] == "live" and data["version"] == 1
    data["grade_bands"] = [{"grade": "合格", "min": 60}, {"grade": "不合格", "min": 0}]
    data["items"][0]["criterion"] = "演练目标明确（区局细则）"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dialog.note_edit.setText("区局细则")
    assert finish(dialog.import_file()) == "saved"
    assert msgs.texts("info")[-1] == "已保存为第 2 版，此后开始评估的演练将使用它；已开始评估的演练不受影响。"
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.table.item(0, 1).text() == "第 2 版" and dialog.table.item(0, 2).text() == "管理员修改"
    assert dialog.table.item(0, 4).text() == "管理员" and dialog.table.item(0, 6).text() == "区局细则"
    assert dialog.note_edit.text() == "" and dialog.reset_button.isEnabled()
    assert dialog.items_tree.topLevelItem(0).child(0).child(0).text(0) == "演练目标明确（区局细则）"
    assert "结论等级：合格 ≥ 60 分、不合格 低于 60 分" in dialog.rules_label.text()

    assert finish(dialog.import_file()) == "conflict"  # the same file again: based on version 1
    assert "您的文件基于第 1 版，现在是第 2 版" in msgs.texts("warn")[-1]

    data["version"] = 2
    data["items"][1]["weight"] = 0
    data["disagreement_spread"] = -1
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert finish(dialog.import_file()) == "invalid"
    assert msgs.texts("warn")[-1] == (
        "评估表文件 live.json 有误，没有导入：\n"
        "· 分歧提示阈值（disagreement_spread）：应大于 0、不超过 1（同一项各评估人得分折算为满分比例后最高与最低之差，如 0.4）\n"
        "· 第 2 项评估项“文件编制”（prep.documents）：权重（weight）应是大于 0 的数")
    path.write_text("{坏", encoding="utf-8")
    assert dialog.import_file() is None and "无法读取评估表文件 live.json" in msgs.texts("warn")[-1]

    assert finish(dialog.reset_selected()) == "saved"
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.table.item(0, 1).text() == "第 1 版" and not dialog.reset_button.isEnabled()
    with sqlite_db.read() as s:
        assert not any(i.customised for i in dt.forms_info(s))


def test_only_administrators_change_forms(qtbot, sqlite_db, runner, tmp_path: Path, monkeypatch, msgs,
                                         finish) -> None:
    dialog = opened(qtbot, sqlite_db, runner, CLERK)
    assert not dialog.import_button.isEnabled() and not dialog.reset_button.isEnabled()
    assert dialog.export_button.isEnabled() and not dialog.role_label.isHidden()
    assert dialog.role_label.text() == "只有管理员可以修改评估表；您可以查看和导出。"
    path = tmp_path / "live.json"
    choose_files(monkeypatch, path)
    assert dialog.export_selected() == path
    assert finish(dialog.import_file()) == "refused"  # the command itself checks the role too
    assert "无权执行“修改演练评估表”" in msgs.texts("warn")[-1]


def test_menu_opens_the_dialog(qtbot, sqlite_db, settings) -> None:
    window = MainWindow(sqlite_db, settings, progress_delay_ms=50)
    qtbot.addWidget(window)
    assert window.act_evaluation_forms.text() == "演练评估表…"
    dialog = window.manage_evaluation_forms()
    assert isinstance(dialog, fd.EvaluationFormDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.close()
    window.runner.shutdown()
