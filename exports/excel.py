"""Excel workbooks (openpyxl): one writer for every list a module exports.

A list is a ``Sheet``: its name and columns (header, width, value of a row, number format, cell
style). ``export_rows`` is the one writer: the rows are read a batch per short read session
(``batches``), streamed (write-only mode) into a temporary file next to the target, and renamed
over it only when everything was written, so a cancelled or failed export leaves neither a
half-written file under the final name nor a temporary file behind. The lists themselves live with
their modules: ``exports.enterprises.excel`` (企业名录), ``exports.plans.excel`` (预案清单).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from exports.files import ExportError, describe, temp_path
from models.core.database import Database
from models.core.progress import Progress

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = ["ALERT", "BATCH", "DATE_FORMAT", "PLAIN", "TIME_FORMAT", "CellStyle", "ExportError", "Sheet",
           "SheetColumn", "batches", "check_sort", "colour_cell", "export_rows", "local_time"]

APP_TITLE = "应急预案与演练管理系统"
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


ALERT: CellStyle = (None, Font(bold=True, color=OVERDUE_COLOUR))  # an overdue deadline
PLAIN: CellStyle = (None, None)


class _HeaderStyle:
    def __init__(self) -> None:
        thin = Side(style="thin", color="B7B7B7")
        self.font = Font(bold=True, color="FFFFFF")
        self.fill = PatternFill("solid", fgColor="305496")
        self.border = Border(bottom=thin, top=thin, left=thin, right=thin)
        self.align = Alignment(horizontal="center", vertical="center", wrap_text=True)


def batches(db: Database, fetch: Callable[[Session, int, int], list[R]], ident: Callable[[R], int]) -> Iterator[R]:
    """Every row ``fetch(session, offset, limit)`` pages through, ``BATCH`` rows per short read
    session; a row seen twice (when the list shifted under a concurrent save between two batches)
    is yielded once."""
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


def check_sort(sort: str, keys: tuple[str, ...]) -> None:
    if sort not in keys:
        raise ValueError(f"未知的排序字段：{sort}")


def _discard(ws: WriteOnlyWorksheet) -> None:
    """Drop openpyxl's own staging file of an abandoned sheet (it would linger until exit)."""
    if not ws.closed:
        ws.close()
    writer = ws._writer
    if writer is not None and os.path.exists(writer.out):
        writer.cleanup()


def export_rows(path: Path, sheet: Sheet[R], rows: Iterator[R], total: int, progress: Progress) -> int:
    """Write ``rows`` (about ``total`` of them) as ``sheet`` to the .xlsx file ``path``; return the
    row count. Reports ``progress.report(done, total, "正在导出…")``; a cancel (``Cancelled``
    raised by the progress) or a failure leaves no file, and an existing file at ``path`` is
    replaced only when the export succeeds. OS errors become ``ExportError``."""
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
