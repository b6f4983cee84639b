"""Excel workbooks (openpyxl): the enterprise register (企业名录) and the plan list (预案清单).

Each list is a ``Sheet``: its name and columns (header, width, value of a row, number format, cell
style). ``_export`` is the one writer: the rows are read a batch per short read session, streamed
(write-only mode) into a temporary file next to the target, and renamed over it only when
everything was written, so a cancelled or failed export leaves neither a half-written file under
the final name nor a temporary file behind.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from exports.files import ExportError, describe, temp_path
from models.core.calendar import load_calendar
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.enterprises import queries as enterprise_queries
from models.enterprises.queries import EnterpriseFilter, EnterpriseRow
from models.plans import queries as pq
from models.plans.deadlines import PlanDeadlines, plan_deadlines
from models.plans.queries import PlanFilter, PlanRow
from models.plans.rules import Status

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

APP_TITLE = "应急预案与演练管理系统"
ENTERPRISE_SHEET = "企业名录"
PLAN_SHEET = "预案清单"
BATCH = 1000  # rows per read session
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
OVERDUE_COLOUR = "D7263D"

R = TypeVar("R")
CellStyle = tuple[PatternFill | None, Font | None]


@dataclass(frozen=True)
class SheetColumn(Generic[R]):
    """One column of a sheet: header, width in characters, the value of a row, and its looks."""

    header: str
    width: float
    value: Callable[[R], Any]
    number_format: str | None = None
    style: Callable[[R], CellStyle] | None = None  # a row's fill and font for this cell


@dataclass(frozen=True)
class Sheet(Generic[R]):
    title: str  # the sheet's and the workbook's title
    subject: str
    columns: tuple[SheetColumn[R], ...]


def local_time(utc: datetime | None) -> datetime | None:
    """Stored timestamps are naive UTC; a workbook shows the desk's local wall-clock time."""
    if utc is None:
        return None
    return utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


@functools.lru_cache(maxsize=64)
def colour_cell(color: str) -> CellStyle:
    """Fill and font of a cell in a colour of its own (a risk level's 红/橙/黄/蓝), text readable on it."""
    rgb = color.lstrip("#").upper()
    if len(rgb) != 6:
        rgb = "FFFFFF"
    r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    dark_text = 0.299 * r + 0.587 * g + 0.114 * b > 150
    return PatternFill("solid", fgColor=rgb), Font(bold=True, color="000000" if dark_text else "FFFFFF")


_ALERT: CellStyle = (None, Font(bold=True, color=OVERDUE_COLOUR))
_PLAIN: CellStyle = (None, None)


ENTERPRISE_COLUMNS: tuple[SheetColumn[EnterpriseRow], ...] = (
    SheetColumn("企业名称", 42, lambda r: r.name),
    SheetColumn("统一社会信用代码", 22, lambda r: r.uscc),
    SheetColumn("行业", 18, lambda r: r.industry),
    SheetColumn("风险等级", 10, lambda r: r.risk_level, style=lambda r: colour_cell(r.risk_color)),
    SheetColumn("所属区域", 24, lambda r: r.region),
    SheetColumn("监管部门", 18, lambda r: r.department),
    SheetColumn("地址", 46, lambda r: r.address),
    SheetColumn("主要负责人", 12, lambda r: r.principal),
    SheetColumn("联系电话", 16, lambda r: r.principal_phone),
    SheetColumn("从业人数", 10, lambda r: r.employees),
    SheetColumn("更新时间", 18, lambda r: local_time(r.updated_at), TIME_FORMAT),
)


@dataclass(frozen=True)
class PlanLine:
    """A plan of the list with its deadlines on the export's day."""

    row: PlanRow
    deadlines: PlanDeadlines

    @property
    def id(self) -> int:
        return self.row.id


def _due_date(line: PlanLine, kind: str) -> date | None:
    found = line.deadlines.due(kind)
    return found.due if found is not None else None


def _next_due(line: PlanLine) -> str:
    found = line.deadlines.next_due
    return found.describe() if found is not None else ""


def _next_due_style(line: PlanLine) -> CellStyle:
    found = line.deadlines.next_due
    return _ALERT if found is not None and found.status is Status.OVERDUE else _PLAIN


PLAN_COLUMNS: tuple[SheetColumn[PlanLine], ...] = (
    SheetColumn("预案编号", 16, lambda p: p.row.plan_no),
    SheetColumn("预案名称", 44, lambda p: p.row.title),
    SheetColumn("企业", 32, lambda p: p.row.enterprise),
    SheetColumn("类型", 14, lambda p: p.row.kind_label),
    SheetColumn("状态", 9, lambda p: p.row.status_label),
    SheetColumn("版本号", 9, lambda p: p.row.version_label),
    SheetColumn("发布日期", 12, lambda p: p.row.in_force_publish_date, DATE_FORMAT),  # as the list shows it
    SheetColumn("备案期限", 12, lambda p: _due_date(p, "filing"), DATE_FORMAT),
    SheetColumn("备案申报日期", 13, lambda p: p.row.filing_submitted_date, DATE_FORMAT),
    SheetColumn("评估期限", 12, lambda p: _due_date(p, "evaluation"), DATE_FORMAT),
    SheetColumn("下一期限", 34, _next_due, style=_next_due_style),
    SheetColumn("逾期", 12, lambda p: p.deadlines.overdue_text,
                style=lambda p: _ALERT if p.deadlines.overdue else _PLAIN),
)
DELETED_PLAN_COLUMN: SheetColumn[PlanLine] = SheetColumn("删除时间", 18, lambda p: local_time(p.row.deleted_at),
                                                         TIME_FORMAT)


class _HeaderStyle:
    def __init__(self) -> None:
        thin = Side(style="thin", color="B7B7B7")
        self.font = Font(bold=True, color="FFFFFF")
        self.fill = PatternFill("solid", fgColor="305496")
        self.border = Border(bottom=thin, top=thin, left=thin, right=thin)
        self.align = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _batches(db: Database, fetch: Callable[[Session, int, int], list[R]],
             ident: Callable[[R], int]) -> Iterator[R]:
    """Every row ``fetch(session, offset, limit)`` pages through, a batch per short read session;
    a row seen twice (when the list shifted under a concurrent save between two batches) is
    yielded once."""
    seen: set[int] = set()
    offset = 0
    while True:
        with db.read() as session:
            batch = fetch(session, offset, BATCH)
        for row in batch:
            key = ident(row)
            if key not in seen:
                seen.add(key)
                yield row
        if len(batch) < BATCH:
            return
        offset += len(batch)


def _discard(ws: WriteOnlyWorksheet) -> None:
    """Drop openpyxl's own staging file of an abandoned sheet (it would linger until exit)."""
    if not ws.closed:
        ws.close()
    writer = ws._writer
    if writer is not None and os.path.exists(writer.out):
        writer.cleanup()


def export_enterprises(db: Database, flt: EnterpriseFilter, path: Path, *, sort: str = "name",
                       descending: bool = False, progress: Progress = NULL_PROGRESS) -> int:
    """Write every enterprise matching ``flt`` to the .xlsx file ``path``; return the row count.

    Reports ``progress.report(done, total, "正在导出…")``; a cancel raises ``Cancelled`` and
    leaves no file. An existing file at ``path`` is replaced only when the export succeeds.
    """
    _check_sort(sort, enterprise_queries.SORT_KEYS)
    with db.read() as session:
        total = enterprise_queries.count(session, flt)
    rows = _batches(db, lambda session, offset, limit: enterprise_queries.page(
        session, flt, sort=sort, descending=descending, offset=offset, limit=limit), lambda r: r.id)
    sheet = Sheet(ENTERPRISE_SHEET, "企业名录导出", ENTERPRISE_COLUMNS)
    return _export(Path(path), sheet, rows, total, progress)


def export_plans(db: Database, flt: PlanFilter, path: Path, *, as_of: date, sort: str = "enterprise",
                 descending: bool = False, progress: Progress = NULL_PROGRESS) -> int:
    """Write every plan matching ``flt`` (in the list's order) with its deadlines on ``as_of`` to
    the .xlsx file ``path``; return the row count. Progress, cancel and failure as
    ``export_enterprises``. The recycle bin's export (``flt.deleted``) adds the time of deletion.
    """
    _check_sort(sort, pq.SORT_KEYS)
    with db.read() as session:
        total = pq.count(session, flt)
        calendar = load_calendar(session)

    def fetch(session: Session, offset: int, limit: int) -> list[PlanLine]:
        rows = pq.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit)
        return [PlanLine(row, plan_deadlines(row, as_of, calendar=calendar)) for row in rows]

    columns = PLAN_COLUMNS + ((DELETED_PLAN_COLUMN,) if flt.deleted else ())
    sheet = Sheet(PLAN_SHEET, "预案清单导出（期限按 " + as_of.isoformat() + " 计算）", columns)
    return _export(Path(path), sheet, _batches(db, fetch, lambda line: line.id), total, progress)


def _check_sort(sort: str, keys: tuple[str, ...]) -> None:
    if sort not in keys:
        raise ValueError(f"未知的排序字段：{sort}")


def _export(path: Path, sheet: Sheet[R], rows: Iterator[R], total: int, progress: Progress) -> int:
    message = "正在导出…"
    progress.report(0, total, message)
    try:
        tmp = temp_path(path)
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{describe(exc)}") from exc
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet.title)
    try:
        done = _write_sheet(wb, ws, sheet, rows, total, progress, message)
        progress.report(total, total, message)
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _cleanup(ws, tmp)
        raise ExportError(f"无法写入 {path}：{describe(exc)}") from exc
    except BaseException:
        _cleanup(ws, tmp)
        raise
    return done


def _cleanup(ws: WriteOnlyWorksheet, tmp: Path) -> None:
    try:
        _discard(ws)
    finally:
        with contextlib.suppress(FileNotFoundError):  # already renamed or never written
            tmp.unlink()


def _write_sheet(wb: Workbook, ws: WriteOnlyWorksheet, sheet: Sheet[R], rows: Iterator[R], total: int,
                 progress: Progress, message: str) -> int:
    wb.properties.title = sheet.title
    wb.properties.creator = APP_TITLE
    wb.properties.subject = sheet.subject
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    style = _HeaderStyle()
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill, cell.border, cell.alignment = style.font, style.fill, style.border, style.align
        header.append(cell)
    ws.append(header)

    dressed = [(i, c) for i, c in enumerate(sheet.columns) if c.number_format or c.style]
    done = 0
    for row in rows:
        values: list[Any] = [column.value(row) for column in sheet.columns]
        for i, column in dressed:
            cell = WriteOnlyCell(ws, value=values[i])
            if column.number_format:
                cell.number_format = column.number_format
            if column.style is not None:
                fill, font = column.style(row)
                if fill is not None:
                    cell.fill = fill
                if font is not None:
                    cell.font = font
            values[i] = cell
        ws.append(values)
        done += 1
        if done % BATCH == 0:
            progress.report(min(done, total), max(total, done), message)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{done + 1}"  # written at close
    return done
