"""Excel workbooks (openpyxl): the enterprise register (企业名录).

The workbook is streamed (write-only mode) into a temporary file next to the target and renamed
over it only when everything was written, so a cancelled or failed export leaves neither a
half-written file under the final name nor a temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import enterprises
from models.database import Database
from models.enterprises import EnterpriseFilter, EnterpriseRow
from models.errors import DeskError
from models.progress import NULL_PROGRESS, Progress

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

APP_TITLE = "应急预案与演练管理系统"
ENTERPRISE_SHEET = "企业名录"
BATCH = 1000  # rows per read session

# (header, width in characters, value of a row)
_Column = tuple[str, float, Callable[[EnterpriseRow], Any]]


def local_time(utc: datetime | None) -> datetime | None:
    """Stored timestamps are naive UTC; a workbook shows the desk's local wall-clock time."""
    if utc is None:
        return None
    return utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


ENTERPRISE_COLUMNS: tuple[_Column, ...] = (
    ("企业名称", 42, lambda r: r.name),
    ("统一社会信用代码", 22, lambda r: r.uscc),
    ("行业", 18, lambda r: r.industry),
    ("风险等级", 10, lambda r: r.risk_level),
    ("所属区域", 24, lambda r: r.region),
    ("监管部门", 18, lambda r: r.department),
    ("地址", 46, lambda r: r.address),
    ("主要负责人", 12, lambda r: r.principal),
    ("联系电话", 16, lambda r: r.principal_phone),
    ("从业人数", 10, lambda r: r.employees),
    ("更新时间", 18, lambda r: local_time(r.updated_at)),
)


class ExportError(DeskError):
    """The file could not be written; the message says which file and why, in Chinese."""


class _Styles:
    def __init__(self) -> None:
        thin = Side(style="thin", color="B7B7B7")
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor="305496")
        self.header_border = Border(bottom=thin, top=thin, left=thin, right=thin)
        self.header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self._risk: dict[str, tuple[PatternFill, Font]] = {}

    def risk(self, color: str) -> tuple[PatternFill, Font]:
        """Fill and font of a risk-level cell in the level's own colour (红/橙/黄/蓝)."""
        if color not in self._risk:
            rgb = color.lstrip("#").upper()
            if len(rgb) != 6:
                rgb = "FFFFFF"
            r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
            dark_text = 0.299 * r + 0.587 * g + 0.114 * b > 150
            self._risk[color] = (PatternFill("solid", fgColor=rgb),
                                 Font(bold=True, color="000000" if dark_text else "FFFFFF"))
        return self._risk[color]


def _rows(db: Database, flt: EnterpriseFilter, sort: str, descending: bool) -> Iterator[EnterpriseRow]:
    """Every matching row, a batch per short read session; a row seen twice (when the list shifted
    under a concurrent save between two batches) is written once."""
    seen: set[int] = set()
    offset = 0
    while True:
        with db.read() as session:
            batch = enterprises.page(session, flt, sort=sort, descending=descending,
                                     offset=offset, limit=BATCH)
        for row in batch:
            if row.id not in seen:
                seen.add(row.id)
                yield row
        if len(batch) < BATCH:
            return
        offset += len(batch)


def _temp_path(path: Path) -> Path:
    """A fresh hidden name next to ``path`` (same file system, so the final rename is atomic).

    Not ``mkstemp``: its 0600 mode would survive the rename and hide the file from colleagues.
    """
    if not path.parent.is_dir():
        raise FileNotFoundError(2, "No such directory", str(path.parent))
    return path.with_name(f".~{path.stem}.{uuid.uuid4().hex[:12]}.xlsx.part")


def _discard(ws: WriteOnlyWorksheet) -> None:
    """Drop openpyxl's own staging file of an abandoned sheet (it would linger until exit)."""
    if not ws.closed:
        ws.close()
    writer = ws._writer
    if writer is not None and os.path.exists(writer.out):
        writer.cleanup()


def _describe(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有写入权限，或文件正被其他程序（如 Excel）打开"
    if isinstance(exc, FileNotFoundError):
        return "文件夹不存在"
    return exc.strerror or type(exc).__name__


def export_enterprises(db: Database, flt: EnterpriseFilter, path: Path, *, sort: str = "name",
                       descending: bool = False, progress: Progress = NULL_PROGRESS) -> int:
    """Write every enterprise matching ``flt`` to the .xlsx file ``path``; return the row count.

    Reports ``progress.report(done, total, "正在导出…")``; a cancel raises ``Cancelled`` and
    leaves no file. An existing file at ``path`` is replaced only when the export succeeds.
    """
    path = Path(path)
    if sort not in enterprises.SORT_KEYS:
        raise ValueError(f"未知的排序字段：{sort}")
    with db.read() as session:
        total = enterprises.count(session, flt)
    message = "正在导出…"
    progress.report(0, total, message)
    try:
        tmp = _temp_path(path)
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{_describe(exc)}") from exc
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ENTERPRISE_SHEET)
    try:
        done = _write_enterprises(wb, ws, _rows(db, flt, sort, descending), total, progress, message)
        progress.report(total, total, message)
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _cleanup(ws, tmp)
        raise ExportError(f"无法写入 {path}：{_describe(exc)}") from exc
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


def _write_enterprises(wb: Workbook, ws: WriteOnlyWorksheet, rows: Iterator[EnterpriseRow], total: int,
                       progress: Progress, message: str) -> int:
    styles = _Styles()
    wb.properties.title = ENTERPRISE_SHEET
    wb.properties.creator = APP_TITLE
    wb.properties.subject = "企业名录导出"
    for index, (_header, width, _value) in enumerate(ENTERPRISE_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    header = []
    for title, _width, _value in ENTERPRISE_COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = styles.header_font, styles.header_fill
        cell.border, cell.alignment = styles.header_border, styles.header_align
        header.append(cell)
    ws.append(header)

    risk_index = [c[0] for c in ENTERPRISE_COLUMNS].index("风险等级")
    time_index = [c[0] for c in ENTERPRISE_COLUMNS].index("更新时间")
    done = 0
    for row in rows:
        values: list[Any] = [value(row) for _t, _w, value in ENTERPRISE_COLUMNS]
        fill, font = styles.risk(row.risk_color)
        risk = WriteOnlyCell(ws, value=values[risk_index])
        risk.fill, risk.font = fill, font
        values[risk_index] = risk
        stamp = WriteOnlyCell(ws, value=values[time_index])
        stamp.number_format = "yyyy-mm-dd hh:mm"
        values[time_index] = stamp
        ws.append(values)
        done += 1
        if done % BATCH == 0:
            progress.report(min(done, total), max(total, done), message)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ENTERPRISE_COLUMNS))}{done + 1}"  # written at close
    return done
