"""Supplies from Excel (I1): the import template and the import of items, batches and movements.

A supplies workbook has up to three sheets — 物资品目, 物资批次, 出入库记录 — read by their header
names (``exports.excel_import``). ``import_supplies(db, actor, source)`` imports a whole file
**all or nothing**, in one unit of work: items first, then batches (of items stored or in the same
file, by 物资编码), then movements (by 物资编码 + 批次号 and the warehouse's name), each row through
the supplies services' own checks (``create_item``, ``create_batch``, ``post_many``) — so a row
that the window would refuse is refused here with the same reason. Every problem of every row is
collected as a ``Problem`` (sheet, row, column, reason); when there is any, the unit of work is
rolled back — nothing is written — and the caller writes the error workbook
(``write_error_workbook``). A file that is not a workbook or has none of the sheets is one
``WorkbookError``.

``write_supplies_template(session, path)`` writes the template: the three sheets, drop-down lists of
the GB/T 38565 categories, the usual units, the warehouses stored, the kinds and conditions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports.excel_import import (
    Column,
    Problem,
    ReadSheet,
    RowReader,
    SheetSpec,
    Source,
    WorkbookError,
    cell_text,
    open_workbook,
    read_sheet,
    write_template,
)
from models.core.actors import Actor
from models.core.database import Database
from models.core.errors import DeskError, FieldError, ValidationError
from models.core.uow import UnitOfWork, unit_of_work
from models.supplies import movements as mv
from models.supplies import rules
from models.supplies import service as svc
from models.supplies.entities import CONDITIONS, ITEM_KINDS, SupplyBatch, SupplyItem, Warehouse

UNITS = ("套", "个", "台", "件", "袋", "顶", "张", "床", "箱", "包", "只", "副", "双", "根", "卷", "块", "组",
         "部", "辆", "艘", "米", "千克", "升", "桶", "瓶", "盒", "支")  # the usual ones; others may be typed

ITEMS = SheetSpec("物资品目", (
    Column("物资编码", "code", True, width=14, note="本单位内唯一，如 WZ-0001"),
    Column("物资名称", "name", True, width=20),
    Column("规格型号", "spec", width=18),
    Column("物资类别", "category", True, "物资类别", width=30, note="GB/T 38565 的 7 位代码，从下拉列表选择"),
    Column("计量单位", "unit", True, "计量单位", width=10, note="按整数计数的单位；零散的请用更小的单位（千克而非吨）"),
    Column("物资性质", "kind", False, "物资性质", width=10, note="装备或消耗品，默认装备"),
    Column("防汛物资", "flood", False, "是否", width=10),
    Column("保质期（月）", "shelf_life_months", width=12, note="填写后，批次未填有效期时按生产日期推算"),
    Column("检查周期（天）", "inspection_days", width=12),
    Column("检定周期（天）", "calibration_days", width=12, note="检测仪器等需要定期检定的物资"),
    Column("备注", "notes", width=24),
), aliases=("物资", "品目"), note="每行一种物资（品目）。")

BATCHES = SheetSpec("物资批次", (
    Column("物资编码", "item_code", True, width=14, note="“物资品目”表或系统中已有的物资编码"),
    Column("批次号", "batch_no", True, width=16, note="同一物资内唯一"),
    Column("生产日期", "produced_on", width=12, is_date=True),
    Column("有效期至", "expires_on", width=12, is_date=True, note="不填时按物资的保质期推算；长期有效的留空"),
    Column("供应商", "supplier", width=20),
    Column("检定日期", "calibrated_on", width=12, is_date=True),
    Column("下次检定", "calibration_due", width=12, is_date=True),
    Column("下次检查", "inspection_due", width=12, is_date=True),
    Column("状态", "condition", False, "状态", width=8, note="完好、待修或报废，默认完好"),
), aliases=("批次",), note="每行一个批次（一次到货）。库存请在“出入库记录”中以入库登记。")

MOVEMENTS = SheetSpec("出入库记录", (
    Column("类型", "kind", True, "出入库类型", width=10, note="入库、出库、调拨、报废、盘点调整"),
    Column("日期", "moved_on", True, width=12, is_date=True),
    Column("物资编码", "item_code", True, width=14),
    Column("批次号", "batch_no", True, width=16),
    Column("储备库", "warehouse", True, "储备库", width=24, note="调拨时为调出的储备库"),
    Column("数量", "quantity", True, width=8, note="正整数；盘点调整盘盈为正、盘亏为负"),
    Column("调入储备库", "to_warehouse", False, "储备库", width=24, note="只有调拨才填"),
    Column("单据号", "doc_no", width=18, note="不填时自动编号（如 RK-20261203-0001）"),
    Column("事由", "reason", width=24, note="报废和盘点调整必须写明"),
    Column("经办人", "handler", width=10),
    Column("领用/来源单位", "counterparty", width=20),
), aliases=("出入库", "台账"), note="每行一笔出入库。按行的先后计算库存：前面入库的，后面可以出库。")

SPECS = (ITEMS, BATCHES, MOVEMENTS)
YES_NO = ("是", "否")
_ITEM_FIELDS = {"code": "code", "name": "name", "spec": "spec", "category_code": "category", "unit": "unit",
                "kind": "kind", "flood": "flood", "shelf_life_months": "shelf_life_months",
                "inspection_days": "inspection_days", "calibration_days": "calibration_days", "notes": "notes"}
_BATCH_FIELDS = {"item_id": "item_code", "batch_no": "batch_no", "produced_on": "produced_on",
                 "expires_on": "expires_on", "supplier": "supplier", "calibrated_on": "calibrated_on",
                 "calibration_due": "calibration_due", "inspection_due": "inspection_due", "condition": "condition"}
_MOVE_FIELDS = {"kind": "kind", "batch_id": "batch_no", "warehouse_id": "warehouse", "quantity": "quantity",
                "moved_on": "moved_on", "doc_no": "doc_no", "reason": "reason", "handler": "handler",
                "counterparty": "counterparty", "to_warehouse_id": "to_warehouse"}


@dataclass
class ImportOutcome:
    """What an import did: the sheets read (for the error workbook), the problems (none: written)
    and how many of each kind were written."""

    sheets: list[ReadSheet]
    problems: list[Problem] = field(default_factory=list)
    items: int = 0
    batches: int = 0
    movements: int = 0  # rows of the sheet (a transfer is one row, two legs)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            rows = len({(p.sheet, p.row) for p in self.problems})
            return f"有 {rows} 行共 {len(self.problems)} 处问题，没有导入任何内容。"
        return f"已导入：物资品目 {self.items} 种，批次 {self.batches} 个，出入库记录 {self.movements} 笔。"


class _Rejected(Exception):
    """Raised inside the unit of work to roll it back when any row failed."""


def category_choices() -> list[str]:
    tree = rules.categories()
    return [f"{code} {tree.by_code[code].name}" for code in tree.order]


def write_supplies_template(session: Session, path: Path) -> None:
    """The import template with its drop-down lists (the warehouses stored now)."""
    warehouses = list(session.scalars(select(Warehouse.name).where(Warehouse.deleted_at.is_(None))
                                      .order_by(Warehouse.name)))
    lists = {"物资类别": category_choices(), "计量单位": list(UNITS), "物资性质": list(ITEM_KINDS.values()),
             "是否": list(YES_NO), "状态": list(CONDITIONS.values()), "出入库类型": list(mv.KINDS.values()),
             "储备库": warehouses or ["（请先在系统中建立储备库）"]}
    write_template(Path(path), SPECS, lists, title="应急物资导入模板", strict={"计量单位": False})


def import_supplies(db: Database, actor: Actor, source: Source) -> ImportOutcome:
    """Import a supplies workbook all or nothing (see the module docstring). ``WorkbookError`` when
    the file cannot be read at all; otherwise the outcome, with problems when nothing was written."""
    workbook = open_workbook(source)
    try:
        sheets = [s for s in (read_sheet(workbook, spec) for spec in SPECS) if s is not None]
    finally:
        workbook.close()
    if not sheets:
        found = "、".join(f"“{n}”" for n in workbook.sheetnames[:6]) or "（无）"
        raise WorkbookError(f"工作簿中没有可导入的工作表：应有“物资品目”“物资批次”或“出入库记录”（找到 {found}），"
                            "请使用导入模板。")
    if not any(s.rows for s in sheets):
        raise WorkbookError("工作簿中没有要导入的行（表头下面是空的）。")
    outcome = ImportOutcome(sheets)
    try:
        with unit_of_work(db, actor) as uow:
            _import(uow, outcome)
            if outcome.problems:
                raise _Rejected()
    except _Rejected:
        outcome.items = outcome.batches = outcome.movements = 0
    return outcome


def _import(uow: UnitOfWork, outcome: ImportOutcome) -> None:
    session = uow.session
    by_spec = {s.spec.name: s for s in outcome.sheets}
    problems = outcome.problems
    codes: dict[str, int] = {c: i for c, i in session.execute(
        select(SupplyItem.code, SupplyItem.id).where(SupplyItem.deleted_at.is_(None)))}
    failed_codes: set[str] = set()  # items of the file that failed: their batches are not blamed twice
    if ITEMS.name in by_spec:
        sheet = by_spec[ITEMS.name]
        for row in sheet.rows:
            r = RowReader(sheet, row, problems)
            data = svc.ItemData(code=r.text("code"), name=r.text("name"), spec=r.text("spec"),
                                category_code=_category(r), unit=r.text("unit"),
                                kind=r.choice("kind", _inverse(ITEM_KINDS), default="equipment") or "equipment",
                                flood=r.flag("flood"), shelf_life_months=r.integer("shelf_life_months"),
                                inspection_days=r.integer("inspection_days"),
                                calibration_days=r.integer("calibration_days"), notes=r.text("notes"))
            item_id = _guarded(r, _ITEM_FIELDS, lambda data=data: svc.create_item(uow, data))  # type: ignore[misc]
            if item_id is None or r.failed:
                failed_codes.add(data.cleaned().code)
            else:
                codes[data.cleaned().code] = item_id
                outcome.items += 1
    batch_ids: dict[tuple[int, str], int] = {}
    if BATCHES.name in by_spec:
        sheet = by_spec[BATCHES.name]
        for row in sheet.rows:
            r = RowReader(sheet, row, problems)
            item_id = _item(r, codes, failed_codes)
            data = svc.BatchData(item_id=item_id, batch_no=r.text("batch_no", required=True),
                                 produced_on=r.date("produced_on"), expires_on=r.date("expires_on"),
                                 supplier=r.text("supplier"), calibrated_on=r.date("calibrated_on"),
                                 calibration_due=r.date("calibration_due"), inspection_due=r.date("inspection_due"),
                                 condition=r.choice("condition", _inverse(CONDITIONS), default="good") or "good")
            batch_id = _guarded(r, _BATCH_FIELDS, lambda data=data: svc.create_batch(uow, data))  # type: ignore[misc]
            if batch_id is not None and not r.failed:
                batch_ids[(item_id, data.cleaned().batch_no)] = batch_id  # type: ignore[index]
                outcome.batches += 1
    if MOVEMENTS.name in by_spec:
        _movements(uow, by_spec[MOVEMENTS.name], problems, codes, failed_codes, outcome)


def _movements(uow: UnitOfWork, sheet: ReadSheet, problems: list[Problem], codes: dict[str, int],
               failed_codes: set[str], outcome: ImportOutcome) -> None:
    session = uow.session
    places: dict[str, list[int]] = {}
    for wid, name in session.execute(select(Warehouse.id, Warehouse.name).where(Warehouse.deleted_at.is_(None))):
        places.setdefault(_key(name), []).append(wid)
    kinds = _inverse(mv.KINDS) | {"调出": "transfer", "盘点": "adjust", "盘盈": "adjust", "盘亏": "adjust"}
    parsed: list[tuple[RowReader, mv.MovementData]] = []
    for row in sheet.rows:
        r = RowReader(sheet, row, problems)
        kind = r.choice("kind", kinds, required=True)
        moved_on = r.date("moved_on", required=True)
        item_id = _item(r, codes, failed_codes)
        batch_no = r.text("batch_no", required=True)
        batch_id = None
        if item_id is not None and batch_no:
            batch_id = session.scalar(select(SupplyBatch.id).where(
                SupplyBatch.item_id == item_id, SupplyBatch.batch_no == " ".join(batch_no.split()),
                SupplyBatch.deleted_at.is_(None)))
            if batch_id is None:
                r.fail("batch_no", f"物资“{cell_text(r.raw('item_code'))}”没有批次“{batch_no}”"
                       "（请先在“物资批次”表或系统中建立该批次）")
        minimum = None if kind == "adjust" else 1
        quantity = r.integer("quantity", required=True, minimum=minimum)
        if quantity is not None and quantity > 0 and cell_text(r.raw("kind")) == "盘亏":
            quantity = -quantity  # 盘亏 5 means five fewer than the book
        warehouse_id = _warehouse(r, "warehouse", places, required=True)
        to_id = _warehouse(r, "to_warehouse", places, required=False)
        if r.failed:
            continue
        parsed.append((r, mv.MovementData(
            kind=kind or "", batch_id=batch_id, warehouse_id=warehouse_id, quantity=quantity or 0, moved_on=moved_on,
            doc_no=r.text("doc_no"), reason=r.text("reason"), handler=r.text("handler"),
            counterparty=r.text("counterparty"), to_warehouse_id=to_id)))
    if not problems and parsed:
        try:  # the usual case, a clean file: every row in one call of the ledger (it checks them all first)
            mv.post_many(uow, [data for _r, data in parsed])
            outcome.movements = len(parsed)
            return
        except DeskError:
            pass  # it wrote nothing: go row by row to name every row at fault
    for r, data in parsed:
        if _guarded(r, _MOVE_FIELDS, lambda data=data: mv.post_many(uow, [data])) is not None:  # type: ignore[misc]
            outcome.movements += 1


def _guarded(r: RowReader, fields: dict[str, str], write: Callable[[], Any]) -> Any:
    """Run a service call for the row; its refusal becomes the row's problems (the service checks
    before it writes, so a refused row leaves nothing behind in the unit of work), except what the
    row's cells were already found to be wrong with (one reason per cell)."""
    seen = {p.column for p in r.problems if p.sheet == r.sheet.title and p.row == r.row.number}
    try:
        return write()
    except ValidationError as exc:
        for e in exc.errors:
            key = fields.get(e.field)
            header = r.sheet.spec.column(key).header if key else ""
            if header not in seen:
                seen.add(header)
                r.fail(key, _reason(e))
    except DeskError as exc:  # StockError and the like: the whole row
        r.fail(None, re.sub(r"^第 \d+ 行：", "", str(exc)).replace("没有写入任何内容。", "").strip())
    return None


def _reason(error: FieldError) -> str:
    return error.message


def _category(r: RowReader) -> str:
    text = r.text("category")
    if not text:
        r.fail("category", "必须填写（从下拉列表选择 GB/T 38565 类别）")
        return ""
    match = re.match(r"^\s*(\d{7})(?:\D|$)", text)
    if match:
        return match.group(1)
    tree = rules.categories()
    named = [code for code in tree.order if tree.by_code[code].name == text]
    if len(named) == 1:
        return named[0]
    r.fail("category", f"“{text}”不是 GB/T 38565 的类别（请从下拉列表选择，如“2010101 正压式空气呼吸器”）")
    return ""


def _item(r: RowReader, codes: dict[str, int], failed: set[str]) -> int | None:
    code = " ".join(r.text("item_code").split()).upper()
    if not code:
        r.fail("item_code", "必须填写")
        return None
    if code in codes:
        return codes[code]
    if code in failed:
        r.fail("item_code", f"物资“{code}”在“物资品目”表中有错误，未能建立")
    else:
        r.fail("item_code", f"没有物资编码为“{code}”的物资（请先在“物资品目”表或系统中建立）")
    return None


def _warehouse(r: RowReader, key: str, places: dict[str, list[int]], *, required: bool) -> int | None:
    name = r.text(key, required=required)
    if not name:
        return None
    found = places.get(_key(name), [])
    if len(found) == 1:
        return found[0]
    r.fail(key, f"有 {len(found)} 个名为“{name}”的储备库，请在系统中改名区分" if found
           else f"没有名为“{name}”的储备库（请从下拉列表选择，或先在系统中建立）")
    return None


def _key(name: str) -> str:
    return "".join(name.split())


def _inverse(labels: dict[str, str]) -> dict[str, str]:
    return {label: code for code, label in labels.items()}
