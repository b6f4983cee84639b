"""The stock card and the inventory: what they say comes from the ledger, as printed in PDF and Word."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from exports.report import landscape, report_bytes
from exports.styles import load_style
from models.core.database import Database
from models.core.errors import NotFoundError
from models.core.uow import unit_of_work
from models.supplies import service as ss
from plans.document import Table
from plans.supplies.documents import build_inventory, build_stock_card
from plans.supplies.labels import batch_labels, item_labels, stock_labels
from tests.factories import TESTER
from tests.models.supplies.world import World, add_batch, build, move

AS_OF = date(2026, 12, 3)


@pytest.fixture
def world(db: Database) -> World:
    w = build(db, receive=30)
    old = add_batch(db, w.item, "B2025-07", date(2026, 12, 20), produced_on=date(2025, 7, 1))
    move(db, "receive", old, w.north, 12, doc_no="RK-2", counterparty="某某安防器材有限公司")
    move(db, "issue", w.batch, w.north, 4, counterparty="市消防救援支队")
    move(db, "transfer", w.batch, w.north, 6, to_warehouse_id=w.south)
    move(db, "scrap", old, w.north, 2, reason="面罩破损")
    with unit_of_work(db, TESTER) as uow:
        ss.set_minimum(uow, w.north, w.item, 40, None)
        ss.record_inspection(uow, ss.InspectionData(batch_id=old, inspected_on=date(2026, 11, 20), inspector="王五",
                                                    result="repair", notes="气瓶压力不足"))
    return w


def _table(doc, title: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    section = next(s for s in doc.sections if s.title == title)
    table = next(b for b in section.blocks if isinstance(b, Table))
    return [[c.text for c in row] for row in table.rows]


def test_the_stock_card_adds_up_the_ledger_and_counts_only_usable_stock(db: Database, world: World) -> None:
    with db.read() as s:
        card = build_stock_card(s, world.item, as_of=AS_OF)
    stock = _table(card, "二、库存情况")
    assert stock[-1][:3] == ["合计", "36", "26"]  # 10 待修 are on the book, not usable
    assert ["北城区应急物资储备库", "B2025-07", "2025-07-01", "2026-12-20", "待修", "10", "0", "30 天内到期；不可用"] in stock
    ledger = _table(card, "三、出入库明细")
    assert [row[7] for row in ledger[1:]] == ["30", "42", "38", "32", "38", "36"]  # 结存 after each line
    assert ledger[3][2] == "出库：市消防救援支队" and ledger[3][6] == "4"
    paragraphs = [b.text for sec in card.sections for b in sec.blocks if hasattr(b, "text")]
    assert any("低于最低库存：北城区应急物资储备库最低库存 40 套，可用 20 套，缺 20 套" in p for p in paragraphs)
    assert _table(card, "四、检查维护记录")[1][:5] == ["2026-11-20", "批次 B2025-07", "—", "王五", "待修"]


def test_a_card_for_one_warehouse_and_the_unknown_item(db: Database, world: World) -> None:
    with db.read() as s:
        card = build_stock_card(s, world.item, as_of=AS_OF, warehouse_id=world.south)
        ledger = _table(card, "三、出入库明细")
        assert "储备库" not in ledger[0] and [r[6] for r in ledger[1:]] == ["6"]  # the one warehouse is in the facts
        assert "储备库" not in _table(card, "二、库存情况")[0]
        with pytest.raises(NotFoundError):
            build_stock_card(s, 999, as_of=AS_OF)


def test_the_card_as_printed_in_pdf_and_word(db: Database, world: World) -> None:
    with db.read() as s:
        card = build_stock_card(s, world.item, as_of=AS_OF)
    for key in ("default", "gbt9704"):
        reader = PdfReader(io.BytesIO(report_bytes(card, "pdf", style=load_style(key))))
        text = "".join(p.extract_text() for p in reader.pages)
        assert "正压式空气呼吸器物资台账卡" in text and "市消防救援支队" in text and "气瓶压力不足" in text
        width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
        assert width > height  # a landscape page for the ledger's columns
    word = Document(io.BytesIO(report_bytes(card, "docx", style=load_style())))
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert {"RK-2", "出库：市消防救援支队", "36"} <= cells
    assert word.sections[0].page_width > word.sections[0].page_height


def test_landscape_keeps_a_character_grid_in_proportion() -> None:
    style = load_style("gbt9704")
    wide = landscape(style)
    assert wide.page.width_mm == style.page.height_mm and wide.body.chars_per_line > style.body.chars_per_line
    assert landscape(wide) is wide


def test_the_inventory_lists_every_batch_held_with_room_to_count(db: Database, world: World) -> None:
    with db.read() as s:
        inventory = build_inventory(s, world.north, as_of=AS_OF)
        labels = stock_labels(s, warehouse_id=world.north)
        assert [lab.batch_no for lab in batch_labels(s, [world.batch])] == ["B2026-01"]
        assert item_labels(s, [world.item])[0].item_code == "HX-001"
        with pytest.raises(NotFoundError):
            batch_labels(s, [999])
    rows = _table(inventory, "二、库存明细")
    assert rows[0][-2:] == ["实盘", "备注"]
    assert [(r[5], r[7], r[8]) for r in rows[1:]] == [("B2025-07", "10", "0"), ("B2026-01", "20", "20")]
    assert [s.title for s in inventory.sections][-1] == "四、盘点签字"
    assert _table(inventory, "三、低于最低库存的物资")[1:] == [["1", "HX-001", "正压式空气呼吸器", "套", "40", "20", "20"]]
    assert {(lab.batch_no, lab.place) for lab in labels} == {("B2025-07", "北城区应急物资储备库"),
                                                              ("B2026-01", "北城区应急物资储备库")}
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        report_bytes(inventory, "pdf", style=load_style()))).pages)
    assert "北城区应急物资储备库库存盘点表" in text and "盘点人（签字）" in text


def test_the_inventory_names_a_minimum_of_an_item_held_nowhere_there(db: Database, world: World) -> None:
    from tests.models.supplies.world import item_data

    with unit_of_work(db, TESTER) as uow:
        kit = ss.create_item(uow, item_data(7, code="JJ-001", name="急救箱", category_code="2080101", unit="包"))
        ss.set_minimum(uow, world.north, kit, 3, None)
    with db.read() as s:
        inventory = build_inventory(s, world.north, as_of=AS_OF)
    assert _table(inventory, "三、低于最低库存的物资")[1:] == [
        ["1", "HX-001", "正压式空气呼吸器", "套", "40", "20", "20"], ["2", "JJ-001", "急救箱", "包", "3", "0", "3"]]


def test_the_card_lists_the_items_inspections_in_a_warehouse_with_the_batches_own(db: Database, world: World) -> None:
    with unit_of_work(db, TESTER) as uow:
        ss.record_inspection(uow, ss.InspectionData(item_id=world.item, warehouse_id=world.north,
                                                    inspected_on=date(2026, 11, 28), inspector="李四", notes="汛前检查"))
        ss.record_inspection(uow, ss.InspectionData(item_id=world.item, warehouse_id=world.south,
                                                    inspected_on=date(2026, 11, 29), inspector="赵六"))
    with db.read() as s:
        every = build_stock_card(s, world.item, as_of=AS_OF)
        north = build_stock_card(s, world.item, as_of=AS_OF, warehouse_id=world.north)
    assert [r[:4] for r in _table(every, "四、检查维护记录")[1:]] == [
        ["2026-11-20", "批次 B2025-07", "—", "王五"], ["2026-11-28", "全部批次", "北城区应急物资储备库", "李四"],
        ["2026-11-29", "全部批次", "南城区应急物资储备库", "赵六"]]
    assert [r[3] for r in _table(north, "四、检查维护记录")[1:]] == ["王五", "李四"]  # not the south's
