"""The 物资 page's delete and 回收站 (ListPage's machinery: the confirm, the write with the version read,
the 回收站 switch and 恢复), the minimum saved with the version the page read (a second desk from the
same read is refused with the conflict dialog), and inspections of a batch or of the item's batches
in a warehouse with their history beside the ledger. On both backends (the writes go to the store)."""

from __future__ import annotations

import os
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.app import install_fonts
from desktop.supplies.forms import SCOPE_ITEM, InspectionDialog, MinimumDialog
from desktop.supplies.page import SuppliesPage
from models.core.uow import unit_of_work
from models.supplies import service as ss
from models.supplies.entities import SupplyBatch, SupplyItem, Warehouse
from models.supplies.queries import StockRow, TrashRow
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER
from tests.models.supplies.world import DAY, add_batch, build, move

SHOTS = os.environ.get("EMERGENCY_DESK_SCREENSHOTS")


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    image = widget.grab()
    if SHOTS:
        image.save(os.path.join(SHOTS, f"{name}.png"))


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = build(db, receive=10)  # B2026-01: 10 in the north
    w.used = add_batch(db, w.item, "B2025-03", date(2027, 3, 31))  # type: ignore[attr-defined]
    move(db, "receive", w.used, w.north, 4)  # type: ignore[attr-defined]
    move(db, "issue", w.used, w.north, 4)  # type: ignore[attr-defined]  # all issued: 0 on the book
    move(db, "transfer", w.batch, w.north, 3, to_warehouse_id=w.south)  # 7 north, 3 south
    return w


@pytest.fixture
def page(qtbot, db, runner, settings, world):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    widget = SuppliesPage(db, runner, settings, actor=TESTER, today=lambda: DAY)
    widget._test_statuses = []  # type: ignore[attr-defined]
    widget.sig_status.connect(widget._test_statuses.append)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(1300, 760)
    widget.show()
    widget.activate()
    qtbot.waitUntil(lambda: widget.tree.topLevelItemCount() == 1 and not widget.tree_task.running, timeout=3000)
    widget._test_qtbot = qtbot  # type: ignore[attr-defined]
    wait_loaded(qtbot, widget.model)
    return widget


def _rows(page) -> list[object]:  # type: ignore[no-untyped-def]
    """The rows shown once the list's latest read is there."""
    wait_loaded(page._test_qtbot, page.model)
    return [page.model.row_at(n) for n in range(page.model.rowCount())]


def _select(page, batch_no: str, warehouse: int | None = None) -> StockRow:  # type: ignore[no-untyped-def]
    for n, row in enumerate(_rows(page)):
        if isinstance(row, StockRow) and row.batch_no == batch_no and warehouse in (None, row.warehouse_id):
            page.select_row(n)
            return row
    raise AssertionError(f"no row of {batch_no}")


def test_delete_is_refused_while_stock_remains_saying_how_much_and_where(qtbot, page, world, db, finish, msgs):  # type: ignore[no-untyped-def]
    _select(page, "B2026-01", world.north)
    assert page.act_delete.shortcut().matches(Qt.Key.Key_Delete) and page.act_delete.isEnabled()
    assert finish(page.delete_selected()) == "refused"
    kind, title, text = msgs.calls[-1]
    assert (kind, title) == ("warn", "无法删除")
    assert text.startswith("批次“B2026-01”仍有库存 10 套（账面数量）：北城区应急物资储备库 7 套、南城区应急物资储备库 3 套。")
    assert msgs.calls[-2][0] == "confirm" and "只有该批次在各储备库的账面数量均为 0 时才能删除" in msgs.calls[-2][2]
    _select(page, "B2026-01", world.north)  # a refusal reads the list again
    assert finish(page.delete_item()) == "refused"
    assert msgs.texts("warn")[-1].startswith("物资“正压式空气呼吸器”仍有库存 10 套（账面数量）：北城区应急物资储备库 7 套、")
    assert page.select_warehouse(world.south)
    page.tree.setFocus()
    assert finish(page.delete_selected()) == "refused"  # Delete in the tree: the warehouse
    assert msgs.texts("warn")[-1].startswith("储备库“南城区应急物资储备库”仍有 1 种物资的库存（账面数量）：正压式空气呼吸器 3 套。")
    with db.read() as s:
        assert all(s.get(cls, i).deleted_at is None
                   for cls, i in ((SupplyBatch, world.batch), (SupplyItem, world.item), (Warehouse, world.south)))


def test_a_batch_with_nothing_left_goes_to_the_bin_and_comes_back(qtbot, page, world, db, finish, msgs):  # type: ignore[no-untyped-def]
    page.empty_check.setChecked(True)  # the batch with nothing left shows among the empty rows
    row = _select(page, "B2025-03")
    assert row.book_qty == 0
    msgs.confirm_answer = False  # 取消: nothing happens
    assert page.delete_current() is None
    msgs.confirm_answer = True
    assert finish(page.delete_current()) == "saved"
    assert "B2025-03" not in [r.batch_no for r in _rows(page)]
    with db.read() as s:
        assert s.get(SupplyBatch, world.used).deleted_by == TESTER.name

    page.trash_button.click()  # 回收站
    wait_loaded(qtbot, page.model)
    assert page.in_trash and page.act_restore.isVisible() and not page.act_delete.isVisible()
    assert not page.tree.isEnabled() and page.count_label.text() == "回收站中共 1 条记录"
    trash = page.model.row_at(0)
    assert isinstance(trash, TrashRow) and (trash.record, trash.batch_no, trash.item) == (
        "batch", "B2025-03", "正压式空气呼吸器")
    assert not page.view.isColumnHidden(page.model.DELETED_COLUMN) and page.view.isColumnHidden(page.model.BOOK_COLUMN)
    assert page.model.index(0, page.model.RECORD_COLUMN).data() == "批次"
    assert TESTER.name in page.model.index(0, page.model.DELETED_COLUMN).data()
    page.select_row(0)
    page.update_actions()
    assert page.act_restore.isEnabled() and [a.text() for a in page.build_context_menu().actions()] == ["恢复"]
    _shot(page, "supplies_trash")
    assert finish(page.restore_current()) == "saved"
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0 and page.describe_empty()[0] == "回收站是空的"
    page.trash_button.click()  # back to the list
    assert not page.in_trash and page.view.isColumnHidden(page.model.DELETED_COLUMN)
    assert "B2025-03" in [r.batch_no for r in _rows(page)]
    with db.read() as s:
        assert s.get(SupplyBatch, world.used).deleted_at is None


def test_a_warehouse_deleted_from_the_tree_is_restored_from_the_bin(qtbot, page, world, db, finish, msgs):  # type: ignore[no-untyped-def]
    with unit_of_work(db, TESTER) as uow:
        ss.create_warehouse(uow, ss.WarehouseData(name="东城区应急物资储备点", region_id=_region(db)))
    page.load_tree()
    qtbot.waitUntil(lambda: page.select_warehouse(_warehouse_id(db, "东城区应急物资储备点")), timeout=3000)
    assert [a.text() for a in page.build_tree_menu().actions() if a.text()][-1] == "删除储备库…"
    assert finish(page.delete_warehouse()) == "saved"
    assert "确定将储备库“东城区应急物资储备点”移入回收站吗？" in msgs.texts("confirm")[-1]
    qtbot.waitUntil(lambda: not page.tree_task.running, timeout=3000)
    assert not page.select_warehouse(_warehouse_id(db, "东城区应急物资储备点"))  # gone from the tree
    page.trash_button.click()
    assert [(r.record, r.warehouse) for r in _rows(page)] == [
        ("warehouse", "东城区应急物资储备点")]
    page.select_row(0)
    assert finish(page.restore_current()) == "saved"
    assert any("已恢复储备库“东城区应急物资储备点”" in m for m in _statuses(page))
    page.trash_button.click()
    qtbot.waitUntil(lambda: not page.tree_task.running and page.select_warehouse(
        _warehouse_id(db, "东城区应急物资储备点")), timeout=3000)


def test_two_desks_set_the_same_minimum_from_the_same_read_the_second_is_refused(qtbot, page, world, db, finish):  # type: ignore[no-untyped-def]
    row = _select(page, "B2026-01", world.north)
    assert row.minimum is None and row.minimum_version is None  # what this desk read: no minimum
    dialog = page.set_minimum()
    assert isinstance(dialog, MinimumDialog) and "目前可用 7 套" in dialog.intro()
    _shot(dialog, "minimum_dialog")
    with unit_of_work(db, TESTER) as uow:  # the other desk, from the same read, saves first
        ss.set_minimum(uow, world.north, world.item, 12, None)
    dialog.widgets["quantity"].setValue(20)
    assert finish(dialog.save()) == "conflict"
    conflict = dialog.conflict_dialog
    assert conflict is not None and dialog.isVisible()
    assert conflict.message.text() == ("您打开时还没有这条最低库存，现已由他人设置（编号 1，第 1 版）。"
                                       "保存被拒绝，没有写入任何内容。")
    assert conflict.labels() == ["最低库存"]
    _shot(conflict, "minimum_conflict")
    conflict.reload_button.click()  # 重新载入: the other desk's 12, on its version
    assert dialog.widgets["quantity"].value() == 12 and dialog.version == 1
    dialog.widgets["quantity"].setValue(15)
    assert finish(dialog.save()) == "saved"
    with db.read() as s:
        assert ss.load_minimum(s, world.north, world.item) == (ss.MinimumData(15), 2)


def test_an_inspection_of_the_items_batches_in_the_warehouse_and_its_history(qtbot, page, world, db, finish):  # type: ignore[no-untyped-def]
    second = add_batch(db, world.item, "B2026-05", date(2028, 5, 31))
    move(db, "receive", second, world.north, 2)
    page.refresh()
    _select(page, "B2026-01", world.north)
    dialog = page.inspect_current()
    assert isinstance(dialog, InspectionDialog)
    combo = dialog.widgets["scope"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["本批次（B2026-01）", "本库该物资全部批次（共 2 批）"]
    dialog.choose_scope(SCOPE_ITEM)
    intro = dialog.findChild(type(dialog.errors.banner), "formIntro")
    assert "北城区应急物资储备库中正压式空气呼吸器的全部批次：B2026-01、B2026-05" in intro.text()
    dialog.widgets["inspector"].setText("李四")
    dialog.widgets["result"].setCurrentIndex(dialog.widgets["result"].findData("repair"))
    dialog.widgets["notes"].setPlainText("面罩老化，送修")
    _shot(dialog, "inspection_dialog_item")
    assert finish(dialog.save()) == "saved"
    with db.read() as s:
        assert [s.get(SupplyBatch, b).condition for b in (world.batch, second, world.used)] == ["repair", "repair", "good"]

    _select(page, "B2026-01", world.north)
    qtbot.waitUntil(lambda: page.inspection_table.rowCount() == 1, timeout=3000)
    table = page.inspection_table
    assert [table.item(0, c).text() for c in range(6)] == [DAY.isoformat(), "全部批次", "北城区应急物资储备库", "李四",
                                                         "待修", "面罩老化，送修"]
    assert page.detail_tabs.tabText(2) == "检查维护记录（1）"

    dialog = page.inspect_current()  # the batch on its own, later the same day
    assert isinstance(dialog, InspectionDialog) and dialog.scope == "batch"
    dialog.widgets["inspector"].setText("王五")
    assert finish(dialog.save()) == "saved"
    _select(page, "B2026-01", world.north)
    qtbot.waitUntil(lambda: page.inspection_table.rowCount() == 2, timeout=3000)
    assert [page.inspection_table.item(r, 1).text() for r in range(2)] == ["批次 B2026-01", "全部批次"]
    page.detail_tabs.setCurrentIndex(2)
    _shot(page, "supplies_inspections")
    with db.read() as s:
        assert [s.get(SupplyBatch, b).condition for b in (world.batch, second)] == ["good", "repair"]


def _region(db) -> int:  # type: ignore[no-untyped-def]
    from models.core import reference

    with db.read() as s:
        return next(r.id for r in reference.regions(s) if r.level == 2)


def _warehouse_id(db, name: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    with db.read() as s:
        found = s.scalar(select(Warehouse.id).where(Warehouse.name == name))
    assert found is not None
    return found


def _statuses(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(getattr(page, "_test_statuses", []))


def test_a_page_closed_in_the_bin_opens_on_the_stock_with_its_quantities(qtbot, page, db, runner, settings):  # type: ignore[no-untyped-def]
    page.trash_button.click()
    assert page.view.isColumnHidden(page.model.BOOK_COLUMN)
    page.save_state(settings)
    again = SuppliesPage(db, runner, settings, actor=TESTER, today=lambda: DAY)
    qtbot.addWidget(again)
    again.show()
    again.activate()
    wait_loaded(qtbot, again.model)
    assert not again.in_trash and again.model.rowCount() > 0
    assert not again.view.isColumnHidden(again.model.BOOK_COLUMN)
    assert again.view.isColumnHidden(again.model.DELETED_COLUMN)
