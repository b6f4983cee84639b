"""The 物资 page: the warehouse tree and the filters narrow the stock list (text, category, expiry
window, below minimum, unusable), the detail shows the item's batches and the batch's ledger, the
movement dialog opens with the selected row, and a stale form save is refused (compare or reload)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop.supplies.forms import ItemDialog, WarehouseDialog
from desktop.supplies.movement import MovementDialog
from desktop.supplies.page import SuppliesPage
from models.core.uow import unit_of_work
from models.supplies import service as ss
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER
from tests.models.supplies.world import DAY, add_batch, build, item_data, move


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """On both backends (the list's filters are SQL)."""
    w = build(db, receive=10)
    with unit_of_work(db, TESTER) as uow:
        sandbags = ss.create_item(uow, item_data(2, name="编织袋（沙袋）", code="FX-001", category_code="3010101",
                                                 unit="条", spec="50×80cm", kind="consumable", flood=True))
        ss.set_minimum(uow, w.south, sandbags, 500, None)
    soon = add_batch(db, sandbags, "S2025-07", date(2026, 12, 20))
    old = add_batch(db, w.item, "B2023-01", date(2026, 10, 1))
    move(db, "receive", soon, w.south, 200)
    move(db, "receive", old, w.north, 2, moved_on=date(2025, 5, 1))
    w.sandbags, w.soon, w.old = sandbags, soon, old  # type: ignore[attr-defined]
    return w


@pytest.fixture
def page(qtbot, db, runner, settings, world):  # type: ignore[no-untyped-def]
    widget = SuppliesPage(db, runner, settings, actor=TESTER, today=lambda: DAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 760)
    widget.show()
    widget.activate()
    qtbot.waitUntil(lambda: widget.tree.topLevelItemCount() == 1 and not widget.tree_task.running, timeout=3000)
    wait_loaded(qtbot, widget.model)
    return widget


def _batches(qtbot, page) -> list[str]:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, page.model)
    return sorted(page.model.row_at(i).batch_no for i in range(page.model.rowCount()))


def test_tree_and_filters_narrow_the_list(qtbot, page, world):  # type: ignore[no-untyped-def]
    assert _batches(qtbot, page) == ["B2023-01", "B2026-01", "S2025-07"]
    assert page.count_label.text() == "共 3 条库存"
    qtbot.waitUntil(lambda: "物资预警" in page.alert_label.text(), timeout=3000)
    assert "已过期 1 项" in page.alert_label.text() and "低于最低库存" in page.alert_label.text()
    assert page.select_warehouse(world.south)
    assert _batches(qtbot, page) == ["S2025-07"]
    page.tree.setCurrentItem(page.tree.topLevelItem(0))  # 全部储备库
    assert len(_batches(qtbot, page)) == 3
    page.expiry_combo.setCurrentIndex(page.expiry_combo.findData(30))
    assert _batches(qtbot, page) == ["S2025-07"]  # 17 days left
    page.expiry_combo.setCurrentIndex(page.expiry_combo.findData("expired"))
    assert _batches(qtbot, page) == ["B2023-01"]
    page.clear_filters()
    page.unusable_check.setChecked(True)
    assert _batches(qtbot, page) == ["B2023-01"]
    page.unusable_check.setChecked(False)
    page.below_check.setChecked(True)
    assert _batches(qtbot, page) == ["S2025-07"]  # 200 of a minimum of 500
    page.clear_filters()
    assert not page.below_check.isChecked()
    page.category_combo.setCurrentIndex(page.category_combo.findData("3000000"))
    assert _batches(qtbot, page) == ["S2025-07"]
    page.clear_filters()
    page.search.setText("呼吸器")
    page.apply_filter()
    assert _batches(qtbot, page) == ["B2023-01", "B2026-01"]
    page.search.setText("没有这种物资")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0 and page.describe_empty()[0] == "没有符合条件的库存"


def test_detail_shows_batches_and_the_ledger(qtbot, page, world):  # type: ignore[no-untyped-def]
    page.model.sort(page.model.column_of("batch"))
    wait_loaded(qtbot, page.model)
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).batch_no == "B2026-01")
    page.select_row(row)
    qtbot.waitUntil(lambda: page.movement_table.rowCount() == 1, timeout=3000)
    assert page.batch_table.rowCount() == 2  # the item's two batches
    assert "HX-001" in page.detail_label.text() and "共 12套" in page.detail_label.text()
    assert page.movement_table.item(0, 1).text() == "入库" and page.movement_table.item(0, 3).text() == "+10"
    assert page.movement_table.item(0, 2).text() == "RK-1"


def test_movement_dialog_from_the_page_refreshes_the_list(qtbot, page, world, finish):  # type: ignore[no-untyped-def]
    assert page.select_warehouse(world.north)
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    selected = page.current_row()
    dialog = page.open_movement("issue")
    assert isinstance(dialog, MovementDialog)
    qtbot.waitUntil(lambda: dialog.item is not None and not dialog.reading, timeout=3000)
    assert dialog.warehouse.currentData() == world.north and dialog.item.id == world.item
    dialog.keep_open.setChecked(False)
    assert finish(dialog.save()) == "saved"  # 1 by FEFO from the usable batch (the old one is expired)
    wait_loaded(qtbot, page.model)
    assert any(page.model.row_at(i).book_qty == 9 for i in range(page.model.rowCount()))
    assert page.dialog is None
    row = page.current_row()  # the batch selected before the movement is selected again
    assert row is not None and (row.warehouse_id, row.batch_id) == (selected.warehouse_id, selected.batch_id)


def test_a_stale_item_save_is_refused(qtbot, page, world, db, finish, msgs):  # type: ignore[no-untyped-def]
    page.select_row(0)
    row = page.current_row()
    dialog = page.edit_item()
    assert isinstance(dialog, ItemDialog)
    with unit_of_work(db, TESTER) as uow:  # somebody else saves it meanwhile
        data, version = ss.load_item(uow.session, row.item_id)
        data.spec = "别人改的规格"
        ss.update_item(uow, row.item_id, data, version)
    dialog.widgets["notes"].setPlainText("我的备注")
    assert finish(dialog.save()) == "conflict"
    assert dialog.conflict_dialog is not None and dialog.isVisible()
    assert dialog.widgets["notes"].toPlainText() == "我的备注"
    with db.read() as s:
        assert ss.load_item(s, row.item_id)[0].spec == "别人改的规格"


def test_a_refused_warehouse_keeps_the_input(qtbot, page, finish):  # type: ignore[no-untyped-def]
    dialog = page.new_warehouse()
    assert isinstance(dialog, WarehouseDialog)
    dialog.widgets["name"].setText("北城区应急物资储备库")  # taken, and no district chosen
    assert finish(dialog.save()) == "invalid"
    assert "已有名为" in dialog.error_text("name") and "所属区域" in dialog.error_text("region_id")
    assert dialog.widgets["name"].text() == "北城区应急物资储备库"


def test_an_inspection_makes_a_batch_unusable(qtbot, page, world, finish):  # type: ignore[no-untyped-def]
    from desktop.supplies.forms import InspectionDialog

    assert page.select_warehouse(world.south)
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    dialog = page.inspect_current()
    assert isinstance(dialog, InspectionDialog) and "S2025-07" in dialog.batch_text
    assert finish(dialog.save()) == "invalid"  # no inspector
    assert dialog.error_text("inspector") and dialog.isVisible()
    dialog.widgets["inspector"].setText("李四")
    dialog.widgets["result"].setCurrentIndex(dialog.widgets["result"].findData("repair"))
    dialog.widgets["notes"].setPlainText("受潮霉变")
    assert finish(dialog.save()) == "saved"
    wait_loaded(qtbot, page.model)
    assert page.current_row() is not None and page.current_row().batch_no == "S2025-07"  # still selected
    page.unusable_check.setChecked(True)
    assert _batches(qtbot, page) == ["S2025-07"]
    assert page.model.row_at(0).usable_qty == 0 and "待修" in page.model.row_at(0).usable_reason


def test_minimum_and_the_files_from_the_page(qtbot, page, world, finish, tmp_path, msgs):  # type: ignore[no-untyped-def]
    assert page.select_warehouse(world.north)
    page.search.setText("B2026-01")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    dialog = page.set_minimum()
    dialog.widgets["quantity"].setValue(20)
    assert finish(dialog.save()) == "saved"
    wait_loaded(qtbot, page.model)
    assert page.current_row() is not None  # the batch stays selected after the save
    assert page.current_row().minimum == 20 and "低于最低库存" in page.current_row().alerts[0].label
    card, labels = tmp_path / "card.pdf", tmp_path / "labels.pdf"
    for task in (page.export_stock_card(card), page.print_labels(labels)):
        qtbot.waitUntil(lambda t=task: not t.running, timeout=20000)
    assert card.read_bytes()[:4] == b"%PDF" and labels.read_bytes()[:4] == b"%PDF"
    assert [k for k in msgs.kinds()] == ["info", "info"]


def test_the_detail_follows_the_selection(qtbot, page, world):  # type: ignore[no-untyped-def]
    page.select_row(0)
    qtbot.waitUntil(lambda: page.batch_table.rowCount() > 0, timeout=3000)
    page.search.setText("沙袋")
    page.apply_filter()  # a new filter: no row is current, the detail says so
    qtbot.waitUntil(lambda: page.batch_table.rowCount() == 0, timeout=3000)
    assert page.current_row() is None and "选择一行" in page.detail_label.text()


def test_a_new_enterprise_store_appears_in_the_tree(qtbot, page, db, finish):  # type: ignore[no-untyped-def]
    from tests.factories import create_enterprise

    ent = create_enterprise(db, 7)
    dialog = page.new_warehouse()
    assert isinstance(dialog, WarehouseDialog)
    assert not dialog.widgets["enterprise_id"].isEnabled()  # a government reserve by default
    dialog.widgets["name"].setText("厂区应急物资柜")
    dialog.widgets["kind"].setCurrentIndex(dialog.widgets["kind"].findData("enterprise"))
    assert dialog.widgets["enterprise_id"].isEnabled()
    dialog.widgets["enterprise_id"].set_enterprise_id(ent)
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: not page.tree_task.running, timeout=3000)
    labels = [item.text(0) for item in page.tree.findItems("", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive)]
    assert "企业储备点" in labels and any("测试7号" in label for label in labels)


def test_an_excel_import_with_bad_rows_writes_nothing_and_leaves_an_error_report(qtbot, page, db, msgs,
                                                                                  tmp_path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from tests.exports.supplies.test_imports import NORTH, batch_row, counts, item_row, move_row, workbook

    before = counts(db)
    bad = tmp_path / "物资.xlsx"
    bad.write_bytes(workbook(items=[item_row("FH-101"), item_row("FH-102", unit="")],
                             batches=[batch_row("FH-101", "2026-A")],
                             moves=[move_row("入库", "FH-101", "2026-A", NORTH, 20)]))
    assert page.import_excel(bad) is not None
    qtbot.waitUntil(lambda: any("没有导入任何内容" in t for t in msgs.texts()), timeout=10000)
    assert counts(db) == before  # nothing written
    report = tmp_path / "物资-错误报告.xlsx"
    cells = [c for row in load_workbook(report)["物资品目"].iter_rows(values_only=True) for c in row if c]
    assert any("计量单位" in str(c) for c in cells)

    good = tmp_path / "改正后.xlsx"
    good.write_bytes(workbook(items=[item_row("FH-101")], batches=[batch_row("FH-101", "2026-A")],
                              moves=[move_row("入库", "FH-101", "2026-A", NORTH, 20)]))
    rows = page.model.rowCount()
    assert page.import_excel(good) is not None
    qtbot.waitUntil(lambda: any("已导入：物资品目 1 种" in t for t in msgs.texts()), timeout=10000)
    qtbot.waitUntil(lambda: page.model.rowCount() == rows + 1, timeout=5000)


def test_filtering_sorting_and_scrolling_never_read_on_the_window_thread(qtbot, page, db, world,
                                                                           monkeypatch):  # type: ignore[no-untyped-def]
    from tests.desktop.loading import Reads

    reads = Reads(monkeypatch, db)
    measured = page.columns.measured
    widths = [page.view.columnWidth(c) for c in range(page.model.columnCount())]
    page.search.setText("呼吸器")
    page.apply_filter()  # a keystroke's search
    assert page.model.loading and len(_batches(qtbot, page)) == 2
    page.view.horizontalHeader().setSortIndicator(page.model.column_of("batch"), Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, page.model)
    assert [page.model.row_at(r).batch_no for r in range(2)] == ["B2026-01", "B2023-01"]
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.view.scrollToBottom()
    qtbot.waitUntil(lambda: not page.tree_task.running and not page.alerts_task.running, timeout=3000)
    assert reads.threads and reads.on_window_thread == 0
    assert page.columns.measured == measured  # nothing measured again: no column moved
    assert [page.view.columnWidth(c) for c in range(page.model.columnCount())] == widths
