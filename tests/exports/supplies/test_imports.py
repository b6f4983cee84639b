"""Importing a supplies workbook: all or nothing, every bad row named in the error workbook."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from exports.excel_import import WorkbookError, write_error_workbook
from exports.supplies.imports import BATCHES, ITEMS, MOVEMENTS, import_supplies, write_supplies_template
from models.core.database import Database
from models.core.entities import AuditLog
from models.supplies.entities import StockBalance, StockMovement, SupplyBatch, SupplyItem
from tests.factories import TESTER
from tests.models.supplies.world import World, build

ITEM_HEAD = [c.header for c in ITEMS.columns]
BATCH_HEAD = [c.header for c in BATCHES.columns]
MOVE_HEAD = [c.header for c in MOVEMENTS.columns]
NORTH, SOUTH = "北城区应急物资储备库", "南城区应急物资储备库"


def workbook(items: list[list[object]] | None = None, batches: list[list[object]] | None = None,
             moves: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, head, rows in (("物资品目", ITEM_HEAD, items), ("物资批次", BATCH_HEAD, batches),
                             ("出入库记录", MOVE_HEAD, moves)):
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        ws.append(head)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def item_row(code: str, name: str = "化学防护服", category: object = "2010201 化学防护服", unit: str = "套",
             **kw: object) -> list[object]:
    values = {"物资编码": code, "物资名称": name, "规格型号": "重型", "物资类别": category, "计量单位": unit, **kw}
    return [values.get(h) for h in ITEM_HEAD]


def batch_row(code: str, batch_no: str, **kw: object) -> list[object]:
    values = {"物资编码": code, "批次号": batch_no, **kw}
    return [values.get(h) for h in BATCH_HEAD]


def move_row(kind: str, code: str, batch_no: str, warehouse: str, quantity: object, day: object = "2026/11/29",
             **kw: object) -> list[object]:
    values = {"类型": kind, "日期": day, "物资编码": code, "批次号": batch_no, "储备库": warehouse, "数量": quantity,
              "经办人": "张三", **kw}
    return [values.get(h) for h in MOVE_HEAD]


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(cls)) or 0  # type: ignore[return-value]
                     for cls in (SupplyItem, SupplyBatch, StockMovement, AuditLog))


@pytest.fixture
def world(db: Database) -> World:
    return build(db)


def test_a_good_workbook_is_imported_items_batches_and_movements(db: Database, world: World) -> None:
    data = workbook(
        items=[item_row("FH-001", 防汛物资="否", **{"保质期（月）": 60}), item_row("SD-001", "沙袋", "3010101", "袋", 物资性质="消耗品")],
        batches=[batch_row("FH-001", "2026-A", 生产日期="2026年3月1日"), batch_row("sd-001", "S1", 有效期至=46355)],
        moves=[move_row("入库", "FH-001", "2026-A", NORTH, 20),
               move_row("调拨", "FH-001", "2026-A", NORTH, 5, 调入储备库=SOUTH, day=date(2026, 11, 30)),
               move_row("出库", "FH-001", "2026-A", SOUTH, 2, day="2026.12.01", 领用单位="化工园区"),
               move_row("入库", "SD-001", "S1", SOUTH, "1,000")])
    outcome = import_supplies(db, TESTER, data)
    assert outcome.ok, outcome.problems
    assert (outcome.items, outcome.batches, outcome.movements) == (2, 2, 4)
    with db.read() as s:
        batch = s.scalars(select(SupplyBatch).where(SupplyBatch.batch_no == "2026-A")).one()
        assert batch.produced_on == date(2026, 3, 1) and batch.expires_on == date(2031, 2, 28)  # from the shelf life (core rule)
        assert s.scalars(select(SupplyBatch.expires_on).where(SupplyBatch.batch_no == "S1")).one() == date(2026, 11, 29)
        stock = {(w, q) for w, q in s.execute(select(StockBalance.warehouse_id, StockBalance.quantity)
                                              .where(StockBalance.batch_id == batch.id))}
        assert stock == {(world.north, 15), (world.south, 3)}
        assert s.scalar(select(SupplyItem.kind).where(SupplyItem.code == "SD-001")) == "consumable"


BAD_ROWS = [
    # (sheet rows, the sheet, the column, a word of the reason)
    ({"items": [item_row("", name="")]}, "物资品目", "物资编码", "不能为空"),
    ({"items": [item_row("X-1", category="9999999")]}, "物资品目", "物资类别", "不在物资分类表中"),
    ({"items": [item_row("X-1", category="帐篷和被子")]}, "物资品目", "物资类别", "不是 GB/T 38565"),
    ({"items": [item_row("X-1", unit="")]}, "物资品目", "计量单位", "不能为空"),
    ({"items": [item_row("X-1", 物资性质="易耗")]}, "物资品目", "物资性质", "不是可选的值"),
    ({"items": [item_row("X-1", **{"保质期（月）": "五年"})]}, "物资品目", "保质期（月）", "不是整数"),
    ({"items": [item_row("HX-001")]}, "物资品目", "物资编码", "已被使用"),
    ({"items": [item_row("X-1"), item_row("x-1")]}, "物资品目", "物资编码", "已被使用"),
    ({"batches": [batch_row("NOPE", "B1")]}, "物资批次", "物资编码", "没有物资编码"),
    ({"batches": [batch_row("HX-001", "B2026-01")]}, "物资批次", "批次号", "已有批次号"),
    ({"batches": [batch_row("HX-001", "B9", 生产日期="2026-02-30")]}, "物资批次", "生产日期", "不存在"),
    ({"batches": [batch_row("HX-001", "B9", 生产日期="2026-05-01", 有效期至="2026-01-01")]}, "物资批次", "有效期至", "不能早于"),
    ({"batches": [batch_row("HX-001", "B9", 状态="坏了")]}, "物资批次", "状态", "不是可选的值"),
    ({"moves": [move_row("借出", "HX-001", "B2026-01", NORTH, 1)]}, "出入库记录", "类型", "不是可选的值"),
    ({"moves": [move_row("出库", "HX-001", "B2026-01", NORTH, 11)]}, "出入库记录", "", "库存不足"),
    ({"moves": [move_row("出库", "HX-001", "B2026-01", NORTH, 1, day="2027-07-01")]}, "出入库记录", "", "不能出库"),
    ({"moves": [move_row("出库", "HX-001", "B2026-01", NORTH, 0)]}, "出入库记录", "数量", "不小于 1"),
    ({"moves": [move_row("入库", "HX-001", "B2026-01", "不存在的库", 1)]}, "出入库记录", "储备库", "没有名为"),
    ({"moves": [move_row("入库", "HX-001", "NOPE", NORTH, 1)]}, "出入库记录", "批次号", "没有批次"),
    ({"moves": [move_row("入库", "HX-001", "B2026-01", NORTH, 1, day="下周")]}, "出入库记录", "日期", "不是日期"),
    ({"moves": [move_row("调拨", "HX-001", "B2026-01", NORTH, 1)]}, "出入库记录", "调入储备库", "请选择调入"),
    ({"moves": [move_row("报废", "HX-001", "B2026-01", NORTH, 1)]}, "出入库记录", "事由", "写明原因"),
    ({"moves": [move_row("盘点调整", "HX-001", "B2026-01", NORTH, -20, 事由="盘亏")]}, "出入库记录", "", "库存不足"),
]


@pytest.mark.parametrize("rows, sheet, column, reason", BAD_ROWS, ids=[f"{b[1]}-{b[2] or '整行'}-{b[3]}" for b in BAD_ROWS])
def test_each_kind_of_bad_row_writes_nothing_and_is_named(db: Database, world: World, tmp_path: Path,
                                                          rows: dict[str, list[list[object]]], sheet: str, column: str,
                                                          reason: str) -> None:
    good_item = item_row("OK-1")  # a good row in the same file is not written either
    data = workbook(items=[good_item, *rows.get("items", [])], batches=rows.get("batches"), moves=rows.get("moves"))
    before = counts(db)
    outcome = import_supplies(db, TESTER, data)
    assert not outcome.ok and counts(db) == before
    assert any(p.sheet == sheet and p.column == column and reason in p.reason for p in outcome.problems), outcome.problems
    report = tmp_path / "errors.xlsx"
    write_error_workbook(report, outcome.sheets, outcome.problems)
    wb = load_workbook(report)
    listed = list(wb["错误汇总"].iter_rows(min_row=2, values_only=True))
    assert any(s == sheet and (c == column or (not column and c == "（整行）")) and reason in str(why)
               for s, _row, c, why in listed)
    bad = next(p for p in outcome.problems if p.sheet == sheet)
    original = list(wb[sheet].iter_rows(values_only=True))
    assert original[0][:2] == ("错误说明", "原行号")
    line = next(r for r in original[1:] if r[1] == bad.row)
    assert reason in line[0] or bad.reason in line[0]


def test_problems_of_several_rows_and_sheets_are_all_reported(db: Database, world: World) -> None:
    data = workbook(items=[item_row("A-1", category=""), item_row("A-2", unit="")],
                    batches=[batch_row("A-1", "B1")],
                    moves=[move_row("入库", "HX-001", "B2026-01", NORTH, "三")])
    outcome = import_supplies(db, TESTER, data)
    assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [
        ("物资品目", 2, "物资类别"), ("物资品目", 3, "计量单位"), ("物资批次", 2, "物资编码"), ("出入库记录", 2, "数量")]
    assert "在“物资品目”表中有错误" in outcome.problems[2].reason
    assert outcome.summary() == "有 4 行共 4 处问题，没有导入任何内容。"


def test_later_movements_count_the_stock_earlier_rows_brought(db: Database, world: World) -> None:
    data = workbook(moves=[move_row("出库", "HX-001", "B2026-01", NORTH, 10), move_row("出库", "HX-001", "B2026-01", NORTH, 1)])
    outcome = import_supplies(db, TESTER, data)
    assert [(p.row, "现有 0" in p.reason) for p in outcome.problems] == [(3, True)]


def test_a_count_loss_may_be_written_as_a_positive_number(db: Database, world: World) -> None:
    outcome = import_supplies(db, TESTER, workbook(moves=[move_row("盘亏", "HX-001", "B2026-01", NORTH, 3, 事由="盘点短少")]))
    assert outcome.ok, outcome.problems
    with db.read() as s:
        assert s.scalar(select(StockBalance.quantity).where(StockBalance.batch_id == world.batch)) == 7


def test_a_file_that_is_no_workbook_or_has_no_supplies_sheet_is_one_message(db: Database) -> None:
    with pytest.raises(WorkbookError, match="不是 Excel 工作簿"):
        import_supplies(db, TESTER, b"PK\x03\x04 broken")
    wb = Workbook()
    wb.active.title = "Sheet1"  # type: ignore[union-attr]
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(WorkbookError, match=r"没有可导入的工作表.*Sheet1"):
        import_supplies(db, TESTER, buffer.getvalue())
    with pytest.raises(WorkbookError, match="没有要导入的行"):
        import_supplies(db, TESTER, workbook(items=[]))


def test_the_template_lists_categories_units_and_warehouses_and_imports_back(db: Database, world: World,
                                                                             tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    with db.read() as s:
        write_supplies_template(s, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["填写说明", "物资品目", "物资批次", "出入库记录", "选项"]
    options = {ws_col[0].value: [c.value for c in ws_col[1:] if c.value] for ws_col in wb["选项"].iter_cols()}
    assert "2010101 正压式空气呼吸器" in options["物资类别"] and "套" in options["计量单位"]
    assert options["储备库"] == [NORTH, SOUTH]
    lists = {str(dv.sqref): dv.formula1 for dv in wb["出入库记录"].data_validations.dataValidation}
    assert any("E2" in ref for ref in lists)  # the warehouse column offers the warehouses
    ws = wb["物资品目"]
    ws.append(item_row("T-1", category="2010101 正压式空气呼吸器"))
    wb["出入库记录"].append(move_row("入库", "HX-001", "B2026-01", SOUTH, 3, day=datetime(2026, 12, 1)))
    wb.save(path)
    outcome = import_supplies(db, TESTER, path)
    assert outcome.ok and (outcome.items, outcome.movements) == (1, 1)


CELL = st.one_of(st.none(), st.text(max_size=8), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                 st.booleans(), st.dates(date(1900, 3, 1), date(2200, 1, 1)),
                 st.sampled_from(["HX-001", "B2026-01", NORTH, "入库", "出库", "调拨", "2010101", "套", "2026/13/01"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=6, max_size=11), min_size=1, max_size=4), st.sampled_from(["items", "batches", "moves"]))
def test_fuzzed_rows_never_raise_and_write_only_when_clean(sqlite_db: Database, rows: list[list[object]], sheet: str) -> None:
    clean = [["".join(ch for ch in v if ch.isprintable()) if isinstance(v, str) else v for v in r] for r in rows]
    try:
        data = workbook(**{sheet: clean})
    except ValueError:
        return
    before = counts(sqlite_db)
    try:
        outcome = import_supplies(sqlite_db, TESTER, data)
    except WorkbookError:
        assert counts(sqlite_db) == before
        return
    if not outcome.ok:
        assert counts(sqlite_db) == before
        assert all(p.reason for p in outcome.problems)
