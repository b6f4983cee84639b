"""The movement dialog from the keyboard: a code typed and Enter, a label scanned (a scanner types the
payload and Enter), the quantity and Enter saves; 出库 proposes first-expiry-first-out and splits a
quantity one batch cannot give; an expired batch is refused with the service's reason and the input
stays; 保存后继续录入 keeps the document's fields for the next line."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.supplies.movement import MovementDialog
from models.supplies.entities import StockBalance, StockMovement
from models.supplies.queries import label_code
from tests.factories import TESTER
from tests.models.supplies.world import DAY, add_batch, build, move


@pytest.fixture
def world(sqlite_db):  # type: ignore[no-untyped-def]
    return build(sqlite_db, receive=10)


def _dialog(qtbot, db, runner, world, kind: str, **kw):  # type: ignore[no-untyped-def]
    dialog = MovementDialog(db, runner, actor=TESTER, as_of=DAY, kind=kind, warehouse_id=world.north, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    qtbot.waitUntil(lambda: bool(dialog.items) and not dialog.reading, timeout=3000)
    return dialog


def _type(qtbot, dialog, text: str) -> None:  # type: ignore[no-untyped-def]
    """What a person or a scanner does: type into 物资, then Enter."""
    dialog.lookup.setFocus()
    if text.isascii():
        qtbot.keyClicks(dialog.lookup, text)
    else:  # QTest types ASCII only: Chinese arrives as an input method commits it
        dialog.lookup.insert(text)
    dialog.completer.popup().hide()
    dialog.activateWindow()  # the offscreen platform leaves the hidden list the active window
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    qtbot.keyClick(dialog.lookup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.reading, timeout=3000)


def _quantity(qtbot, dialog, n: int) -> None:  # type: ignore[no-untyped-def]
    spin = dialog.quantity
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin.lineEdit(), str(n))
    qtbot.waitUntil(lambda: not dialog.reading, timeout=3000)


def _stock(db, warehouse: int, batch: int) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return int(s.scalar(select(StockBalance.quantity).where(StockBalance.warehouse_id == warehouse,
                                                                StockBalance.batch_id == batch)) or 0)


def test_a_scanned_label_picks_item_and_batch(qtbot, sqlite_db, runner, world, finish):  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db, runner, world, "receive")
    assert dialog.focusWidget() is dialog.lookup  # the focus starts in 物资
    _type(qtbot, dialog, label_code(world.batch))  # what the label's QR code or Code 128 holds
    assert dialog.item is not None and dialog.item.id == world.item
    assert dialog.batch.currentData() == world.batch
    assert dialog.focusWidget() in (dialog.quantity, dialog.quantity.lineEdit())  # on to 数量
    _quantity(qtbot, dialog, 4)
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)  # Enter on the quantity saves
    assert finish(dialog.write_op) == "saved"
    assert _stock(sqlite_db, world.north, world.batch) == 14
    # 保存后继续录入: ready for the next line, the item cleared, the focus back in 物资
    assert dialog.isVisible() and dialog.item is None and dialog.lookup.text() == ""
    assert dialog.focusWidget() is dialog.lookup
    assert "已入库" in dialog.errors.banner.text()


def test_a_code_typed_then_fefo_splits_an_issue_over_batches(qtbot, sqlite_db, runner, world, finish):  # type: ignore[no-untyped-def]
    early = add_batch(sqlite_db, world.item, "B2026-02", date(2027, 1, 31))
    move(sqlite_db, "receive", early, world.north, 3)
    dialog = _dialog(qtbot, sqlite_db, runner, world, "issue")
    dialog.line("handler").setText("王五")
    _type(qtbot, dialog, "hx-001")  # any case
    assert dialog.item is not None and dialog.item.id == world.item
    _quantity(qtbot, dialog, 2)
    assert dialog.batch.currentData() == early  # the one expiring first
    _quantity(qtbot, dialog, 5)  # more than that batch holds: 3 from it, 2 from the next
    assert dialog.fefo_parts == [(early, 3), (world.batch, 2)]
    assert "B2026-02 × 3套" in dialog.batch_hint.text()
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)
    assert finish(dialog.write_op) == "saved"
    assert _stock(sqlite_db, world.north, early) == 0 and _stock(sqlite_db, world.north, world.batch) == 8
    with sqlite_db.read() as s:
        rows = s.execute(select(StockMovement.doc_no, StockMovement.handler).where(StockMovement.kind == "issue")).all()
    assert len(rows) == 2 and rows[0].doc_no == rows[1].doc_no and rows[0].handler == "王五"
    assert dialog.line("handler").text() == "王五"  # kept for the next line


def test_an_expired_batch_is_refused_and_the_input_stays(qtbot, sqlite_db, runner, world, finish, msgs):  # type: ignore[no-untyped-def]
    old = add_batch(sqlite_db, world.item, "B2024-09", date(2026, 9, 30))
    move(sqlite_db, "receive", old, world.north, 6, moved_on=date(2025, 1, 10))
    dialog = _dialog(qtbot, sqlite_db, runner, world, "issue")
    dialog.line("doc_no").setText("CK-9")
    _type(qtbot, dialog, label_code(old))  # the old batch's label scanned
    assert dialog.batch.currentData() == old
    _quantity(qtbot, dialog, 2)
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)
    assert finish(dialog.write_op) == "refused"
    assert "过期" in dialog.errors.text("batch_id") and "不能出库" in dialog.errors.banner.text()
    assert msgs.calls == []  # said in the dialog, not in a box
    assert dialog.lookup.text().startswith("HX-001") and dialog.quantity.value() == 2
    assert dialog.batch.currentData() == old and dialog.line("doc_no").text() == "CK-9"
    assert _stock(sqlite_db, world.north, old) == 6


def test_more_than_in_stock_names_what_there_is(qtbot, sqlite_db, runner, world, finish):  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db, runner, world, "scrap")
    dialog.line("reason").setText("老化破损")
    _type(qtbot, dialog, "正压式空气呼吸器")  # by name
    dialog.batch.setCurrentIndex(dialog.batch.findData(world.batch))
    _quantity(qtbot, dialog, 11)
    assert finish(dialog.save()) == "refused"
    assert "现有 10 套" in dialog.errors.text("quantity")
    assert _stock(sqlite_db, world.north, world.batch) == 10


def test_transfer_needs_another_warehouse_and_moves_both_legs(qtbot, sqlite_db, runner, world, finish):  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db, runner, world, "transfer")
    dialog.keep_open.setChecked(False)
    _type(qtbot, dialog, "HX-001")
    _quantity(qtbot, dialog, 3)
    dialog.to_warehouse.setCurrentIndex(dialog.to_warehouse.findData(world.north))
    assert dialog.save() is None and "调入与调出的储备库不能相同" in dialog.errors.text("to_warehouse_id")
    dialog.to_warehouse.setCurrentIndex(dialog.to_warehouse.findData(world.south))
    assert finish(dialog.save()) == "saved"
    assert not dialog.isVisible()
    assert _stock(sqlite_db, world.north, world.batch) == 7 and _stock(sqlite_db, world.south, world.batch) == 3


def test_unknown_text_and_ctrl_number_switch_kind(qtbot, sqlite_db, runner, world):  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db, runner, world, "receive")
    _type(qtbot, dialog, "XX-404")
    assert dialog.item is None and "没有编码、名称或批次号为“XX-404”" in dialog.errors.text("item")
    qtbot.keyClick(dialog, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert dialog.kind == "issue" and dialog.windowTitle() == "物资出库"
    _type(qtbot, dialog, "B2026-01")  # a batch number alone
    assert dialog.item is not None and dialog.batch.currentData() == world.batch


def test_a_qr_payload_and_an_item_label(qtbot, sqlite_db, runner, world):  # type: ignore[no-untyped-def]
    from plans.supplies.labels import ITEM_PREFIX

    dialog = _dialog(qtbot, sqlite_db, runner, world, "issue")
    _type(qtbot, dialog, f"{label_code(world.batch)}|HX-001|B2026-01|20270630")  # the QR code's longer text
    assert dialog.item is not None and dialog.batch.currentData() == world.batch
    dialog.lookup.clear()
    _type(qtbot, dialog, f"{ITEM_PREFIX}{world.item:08d}")  # an item's label: the batch by FEFO
    assert dialog.item is not None and dialog.item.id == world.item and dialog.batch.currentData() in (None, world.batch)


def test_receive_into_a_new_batch_and_a_count_adjustment(qtbot, sqlite_db, runner, world, finish):  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db, runner, world, "receive")
    _type(qtbot, dialog, "HX-001")
    batch_form = dialog.new_batch()
    assert batch_form is not None and batch_form.widgets["item_id"].currentData() == world.item
    batch_form.widgets["batch_no"].setText("B2026-12")
    batch_form.widgets["expires_on"].set_value(date(2029, 11, 30))
    assert finish(batch_form.save()) == "saved"
    qtbot.waitUntil(lambda: not dialog.reading and dialog.batch.currentText().startswith("B2026-12"), timeout=3000)
    _quantity(qtbot, dialog, 6)
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)
    assert finish(dialog.write_op) == "saved"
    new = dialog.batch_dialog.saved_id
    assert _stock(sqlite_db, world.north, new) == 6

    dialog.activateWindow()  # back from the batch form
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    qtbot.keyClick(dialog, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # 盘点
    assert dialog.kind == "adjust" and dialog.labels["reason"].text() == "事由 *"
    _type(qtbot, dialog, "HX-001")
    dialog.batch.setCurrentIndex(dialog.batch.findData(world.batch))
    dialog.quantity.setValue(-2)  # 盘亏 2
    assert dialog.batch_hint.text().startswith("账面 10套，调整后 8套")
    assert dialog.save() is None and "原因" in dialog.errors.text("reason")  # the dialog sees it first
    dialog.line("reason").setText("年终盘点短少")
    assert finish(dialog.save()) == "saved"
    assert _stock(sqlite_db, world.north, world.batch) == 8


def test_a_scan_while_in_the_quantity_goes_to_the_lookup(qtbot, sqlite_db, runner, world):  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, sqlite_db, runner, world, "issue")
    _type(qtbot, dialog, "HX-001")
    _quantity(qtbot, dialog, 3)
    code = label_code(world.batch)
    qtbot.keyClick(dialog.quantity.lineEdit(), code[0])  # the scanner starts typing while 数量 has the focus
    assert dialog.focusWidget() is dialog.lookup and dialog.lookup.text() == code[0]
    assert dialog.quantity.value() == 3
    qtbot.keyClicks(dialog.lookup, code[1:])
    qtbot.keyClick(dialog.lookup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.reading and dialog.item is not None, timeout=3000)
    assert dialog.batch.currentData() == world.batch and dialog.quantity.value() == 3


def test_issue_by_fefo_and_a_refused_expired_batch_on_both_backends(qtbot, db, runner, finish):  # type: ignore[no-untyped-def]
    world = build(db, receive=4)
    early = add_batch(db, world.item, "B2026-02", date(2027, 1, 31))
    old = add_batch(db, world.item, "B2024-09", date(2026, 9, 30))
    move(db, "receive", early, world.north, 3)
    move(db, "receive", old, world.north, 5, moved_on=date(2025, 1, 10))
    dialog = _dialog(qtbot, db, runner, world, "issue")
    _type(qtbot, dialog, "HX-001")
    _quantity(qtbot, dialog, 6)  # the expired batch is never proposed: 3 + 3
    assert dialog.fefo_parts == [(early, 3), (world.batch, 3)]
    assert finish(dialog.save()) == "saved"
    _type(qtbot, dialog, label_code(old))
    _quantity(qtbot, dialog, 1)
    assert finish(dialog.save()) == "refused" and "过期" in dialog.errors.text("batch_id")
    assert (_stock(db, world.north, early), _stock(db, world.north, world.batch), _stock(db, world.north, old)) == (0, 1, 5)


def test_fefo_counts_what_is_usable_on_the_movement_day(qtbot, sqlite_db, runner, world):  # type: ignore[no-untyped-def]
    old = add_batch(sqlite_db, world.item, "B2024-09", date(2026, 9, 30))
    move(sqlite_db, "receive", old, world.north, 5, moved_on=date(2025, 1, 10))
    dialog = _dialog(qtbot, sqlite_db, runner, world, "issue")
    _type(qtbot, dialog, "HX-001")
    _quantity(qtbot, dialog, 2)
    assert dialog.fefo_parts == [(world.batch, 2)]  # today the old batch is expired
    dialog.widgets["moved_on"].set_value(date(2026, 9, 1))  # an issue entered afterwards, dated in September
    qtbot.waitUntil(lambda: dialog.fefo_parts == [(old, 2)], timeout=3000)  # then it was still good, expiring first
