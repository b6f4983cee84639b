"""Reading Excel workbooks people filled in (openpyxl), and what comes back when rows fail.

The counterpart of ``exports.excel`` (the writer), knowing no module:

- ``open_workbook(source)``: a file path, bytes or a binary stream → the workbook; anything that is
  not a readable .xlsx (another format, a damaged or empty file, an encrypted workbook) is one
  ``WorkbookError`` with a Chinese sentence, never openpyxl's own exception.
- ``read_sheet(workbook, spec)``: a sheet found by its name (or an alias), its columns found by
  their header names (in any order, spaces and a required-mark ``*`` ignored, within the first rows),
  every non-empty row below with its Excel row number; a required column missing is a
  ``WorkbookError`` naming it.
- ``RowReader``: the typed value of a cell — text, whole number, choice, yes/no and dates *as people
  type them* (``parse_date``: 2026/11/29, 2026-11-29, 2026年11月29日, 2026.11.29, 20261129, Excel
  serial numbers and real date cells) — each problem recorded as a ``Problem`` (sheet, row, column,
  reason) instead of raised, so one pass finds every problem of a file.
- ``write_error_workbook``: the error workbook — every sheet's original rows as read, plus a column
  naming each problem of the row in Chinese (the cells at fault filled), and a sheet listing every
  problem by row and column.
- ``write_template``: an import template — one sheet per kind, headers (required ones marked), drop-
  down validation lists (kept on a hidden sheet, so lists of any length work), date formats, and a
  sheet explaining the columns.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from exports.excel import APP_TITLE, DATE_FORMAT, _HeaderStyle
from exports.files import ExportError, describe, write_atomically
from models.core.errors import DeskError

__all__ = ["MAX_ROWS", "CellError", "Column", "Problem", "ReadSheet", "Row", "RowReader", "SheetSpec", "WorkbookError",
           "cell_text", "open_workbook", "parse_date", "parse_int", "read_sheet", "write_error_workbook",
           "write_template"]

MAX_ROWS = 50_000  # rows per sheet an import reads (a larger file is refused, not half read)
MAX_BYTES = 50_000_000
HEADER_SEARCH_ROWS = 5  # the header may stand below a title line or two
PROBLEM_HEADER = "错误说明"
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")
PROBLEM_FONT = Font(color="9C0006")
TEMPLATE_ROWS = 1000  # rows of a template that carry the drop-down lists
LISTS_SHEET = "选项"
REQUIRED_MARK = "*"

Source = str | Path | bytes | BinaryIO


class WorkbookError(DeskError):
    """The file as a whole cannot be imported (not a workbook, no sheet to import, a required column
    missing, too large); the message says why in Chinese. Nothing was read from it."""


class CellError(ValueError):
    """A cell's value that cannot be used; the message is the Chinese reason."""


# ------------------------------------------------------------------------------------ the specs


@dataclass(frozen=True)
class Column:
    """One column of an import sheet: its header, the key the rows use, whether it must be filled,
    the drop-down list it offers in the template (a name of ``write_template``'s ``lists``), its
    width in the template, a note shown on its header and in the explanation sheet, and whether it
    holds dates."""

    header: str
    key: str
    required: bool = False
    choices: str | None = None
    width: float = 14
    note: str = ""
    is_date: bool = False


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()  # other sheet names accepted
    note: str = ""  # what a row of the sheet is, for the explanation sheet

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Problem:
    """One reason a row cannot be imported: the sheet, the Excel row number (1-based, as Excel shows
    it), the column's header ("" when the whole row is at fault) and the reason in Chinese."""

    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.reason}"


@dataclass
class Row:
    number: int  # the Excel row number
    values: dict[str, Any]  # column key → the cell's value as read
    cells: list[Any]  # the whole row as read, every column (for the error workbook)


@dataclass
class ReadSheet:
    spec: SheetSpec
    title: str  # the sheet's name in the file
    header_row: int
    headers: list[str]  # the header row as found
    rows: list[Row] = field(default_factory=list)


# --------------------------------------------------------------------------------- opening files


def open_workbook(source: Source) -> Workbook:
    """The workbook in ``source`` (read-only, values not formulas), or ``WorkbookError``."""
    name = ""
    try:
        if isinstance(source, str | Path):
            name = Path(source).name
            path = Path(source)
            if not path.is_file():
                raise WorkbookError(f"找不到文件：{path}")
            if path.stat().st_size > MAX_BYTES:
                raise WorkbookError(f"文件“{name}”过大（超过 {MAX_BYTES // 1_000_000} MB），请拆分后再导入。")
            data = path.read_bytes()
        elif isinstance(source, bytes):
            data = source
        else:
            data = source.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise WorkbookError(f"文件过大（超过 {MAX_BYTES // 1_000_000} MB），请拆分后再导入。")
    except OSError as exc:
        raise WorkbookError(f"无法读取文件{('“' + name + '”') if name else ''}：{describe(exc)}") from exc
    what = f"“{name}”" if name else ""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: an old .xls, or an encrypted .xlsx
        raise WorkbookError(f"文件{what}是旧版 Excel 97-2003（.xls）格式或已加密，请在 Excel 或 WPS 中"
                            "“另存为” Excel 工作簿（.xlsx）、取消密码后再导入。")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError(f"文件{what}不是 Excel 工作簿（.xlsx），请使用导入模板填写后再导入。")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything on a damaged package: one message for all of it
        raise WorkbookError(f"文件{what}已损坏或不是 Excel 工作簿（.xlsx），无法读取。") from exc


def _norm(header: Any) -> str:
    """A header as compared: no spaces (any kind), no required marks, full-width brackets as ASCII."""
    text = "" if header is None else str(header)
    text = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").replace("＊", REQUIRED_MARK)
    return text.strip(REQUIRED_MARK)


def find_sheet(workbook: Workbook, spec: SheetSpec) -> str | None:
    wanted = {_norm(n) for n in (spec.name, *spec.aliases)}
    return next((title for title in workbook.sheetnames if _norm(title) in wanted), None)


def read_sheet(workbook: Workbook, spec: SheetSpec) -> ReadSheet | None:
    """The rows of ``spec``'s sheet (None when the workbook has no such sheet). ``WorkbookError``
    when the sheet has no header row with the required columns, or more than ``MAX_ROWS`` rows."""
    title = find_sheet(workbook, spec)
    if title is None:
        return None
    by_header = {_norm(c.header): c for c in spec.columns}
    required = {c.key for c in spec.columns if c.required}
    out: ReadSheet | None = None
    keys: dict[int, str] = {}
    best: tuple[int, list[Any], dict[int, str]] | None = None  # the row most like a header
    try:
        ws = workbook[title]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a file written by another program may state too small a used range
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = list(values)
            if out is None:
                found = {i: by_header[_norm(v)].key for i, v in enumerate(cells) if _norm(v) in by_header}
                if found and required <= set(found.values()):
                    keys, out = found, _start(spec, title, number, cells, found)
                elif found and (best is None or len(found) > len(best[2])):
                    best = (number, cells, found)
                if out is None and number >= HEADER_SEARCH_ROWS:
                    break
                continue
            if all(_blank(v) for v in cells):
                continue
            if len(out.rows) >= MAX_ROWS:
                raise WorkbookError(f"工作表“{title}”超过 {MAX_ROWS} 行，请拆分为几个文件再导入。")
            out.rows.append(Row(number, {key: cells[i] if i < len(cells) else None for i, key in keys.items()},
                                cells))
    except WorkbookError:
        raise
    except Exception as exc:  # a damaged sheet part shows only when it is read
        raise WorkbookError(f"工作表“{title}”已损坏，无法读取。") from exc
    if out is None:
        if best is not None:
            _start(spec, title, *best)  # raises: names the required columns missing
        headers = "、".join(c.header for c in spec.columns if c.required)
        raise WorkbookError(f"工作表“{title}”的前 {HEADER_SEARCH_ROWS} 行中找不到表头（应有：{headers}），"
                            "请使用导入模板。")
    return out


def _start(spec: SheetSpec, title: str, head_at: int, head: list[Any], keys: dict[int, str]) -> ReadSheet:
    missing = [c.header for c in spec.columns if c.required and c.key not in keys.values()]
    if missing:
        raise WorkbookError(f"工作表“{title}”缺少必填列：{'、'.join(missing)}（表头在第 {head_at} 行），"
                            "请使用导入模板。")
    return ReadSheet(spec, title, head_at, ["" if v is None else str(v) for v in head])


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ------------------------------------------------------------------------------------ cell values

_DATE_TEXT = re.compile(r"^(\d{4})\s*(?:[-/.．／－]|年)\s*(\d{1,2})\s*(?:[-/.．／－]|月)\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's phantom 1900-02-29 before serial 61)
FIRST_YEAR, LAST_YEAR = 1950, 2100
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_date(value: Any) -> date | None:
    """A date as people enter it, or None for an empty cell; ``CellError`` with the reason otherwise.

    Accepts a real date or date-time cell, an Excel serial number (a date cell whose format was
    lost: 46355 = 2026-11-29), and text: 2026-11-29, 2026/11/29, 2026.11.29, 2026年11月29日 (also
    with full-width digits or spaces), 20261129; a time after the date is ignored. Years outside
    1950–2100 are refused as typing errors."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return _in_range(value.date())
    if isinstance(value, date):
        return _in_range(value)
    if isinstance(value, bool):
        raise CellError("应填写日期，如 2026-11-29")
    if isinstance(value, int | float):
        return _serial(float(value))
    text = str(value).strip().translate(_FULL_WIDTH_DIGITS)
    text = re.split(r"[\sT]+\d{1,2}:\d{2}", text, maxsplit=1)[0].strip()  # "2026-11-29 08:00"
    match = _DATE_TEXT.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return _serial(float(text))
        raise CellError(f"“{_show(value)}”不是日期，请填写如 2026-11-29、2026/11/29 或 2026年11月29日")
    year, month, day = (int(g) for g in match.groups())
    try:
        found = date(year, month, day)
    except ValueError:
        why = f"一年没有 {month} 月" if not 1 <= month <= 12 else f"{year} 年 {month} 月没有 {day} 日"
        raise CellError(f"日期“{_show(value)}”不存在（{why}）") from None
    return _in_range(found)


def _serial(number: float) -> date:
    if number != number or number < 1 or number > 2_958_465:  # NaN, or beyond 9999-12-31
        raise CellError(f"“{_show(number)}”不是日期，请填写如 2026-11-29")
    days = int(number)
    if days < 61:
        days += 1  # before Excel's phantom 1900-02-29
    return _in_range(_EXCEL_EPOCH + timedelta(days=days))


def _in_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise CellError(f"日期 {value.isoformat()} 的年份不在 {FIRST_YEAR}–{LAST_YEAR} 年之间，请检查是否填错")
    return value


def _show(value: Any) -> str:
    text = str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if len(text) <= 30 else text[:29] + "…"


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ".0", dates as YYYY-MM-DD, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_int(value: Any, *, minimum: int | None = None, maximum: int = 10**9) -> int | None:
    """A whole number (3, 3.0, "3", "３", "1,200"), None for an empty cell; ``CellError`` otherwise."""
    if _blank(value):
        return None
    if isinstance(value, bool | date):
        raise CellError("应填写整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or not value.is_integer():
            raise CellError(f"“{_show(value)}”不是整数（数量按计量单位计整数，零散数量请改用更小的单位）")
        number = int(value)
    else:
        text = str(value).strip().translate(_FULL_WIDTH_DIGITS).replace(",", "").replace("，", "")
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            raise CellError(f"“{_show(value)}”不是整数")
        number = int(float(text)) if "." in text else int(text)
    if minimum is not None and number < minimum:
        raise CellError(f"应不小于 {minimum}（填的是 {number}）")
    if abs(number) > maximum:
        raise CellError(f"{number} 过大")
    return number


YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "无", ""})


class RowReader:
    """The typed values of one row; each problem is recorded in ``problems`` (and the value is
    None) instead of raised, so every problem of the row is found in one pass."""

    def __init__(self, sheet: ReadSheet, row: Row, problems: list[Problem]) -> None:
        self.sheet, self.row, self.problems = sheet, row, problems
        self.failed = False

    def fail(self, key: str | None, reason: str) -> None:
        header = self.sheet.spec.column(key).header if key else ""
        self.problems.append(Problem(self.sheet.title, self.row.number, header, reason))
        self.failed = True

    def raw(self, key: str) -> Any:
        return self.row.values.get(key)

    def _missing(self, key: str) -> None:
        self.fail(key, "必须填写")

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = cell_text(self.raw(key))
        if required and not value:
            self._missing(key)
        elif max_length is not None and len(value) > max_length:
            self.fail(key, f"最多 {max_length} 个字（填了 {len(value)} 个）")
        return value

    def integer(self, key: str, *, required: bool = False, minimum: int | None = None) -> int | None:
        return self._parsed(key, required, lambda v: parse_int(v, minimum=minimum))

    def date(self, key: str, *, required: bool = False) -> date | None:
        return self._parsed(key, required, parse_date)

    def choice(self, key: str, choices: Mapping[str, str], *, required: bool = False,
               default: str | None = None) -> str | None:
        """The code of a choice given by its label (or its code): ``choices`` label → code."""
        text = cell_text(self.raw(key))
        if not text:
            if required and default is None:
                self._missing(key)
            return default
        codes = set(choices.values())
        if text in choices:
            return choices[text]
        if text in codes:
            return text
        listed = "、".join(choices) if len(choices) <= 8 else "、".join(list(choices)[:8]) + " 等"
        self.fail(key, f"“{_show(text)}”不是可选的值（可选：{listed}）")
        return None

    def flag(self, key: str) -> bool:
        text = cell_text(self.raw(key)).lower()
        if text in YES:
            return True
        if text not in NO:
            self.fail(key, f"“{_show(text)}”应填“是”或“否”")
        return False

    def _parsed(self, key: str, required: bool, parse: Callable[[Any], Any]) -> Any:
        value = self.raw(key)
        try:
            parsed = parse(value)
        except CellError as exc:
            self.fail(key, str(exc))
            return None
        if parsed is None and required:
            self._missing(key)
        return parsed


# ------------------------------------------------------------------------------ the error workbook


def write_error_workbook(path: Path, sheets: Sequence[ReadSheet], problems: Sequence[Problem], *,
                         title: str = "导入错误报告") -> None:
    """Every sheet's original rows (the header row as found, then each row as read) plus the column
    ``错误说明`` naming each problem of the row, the cells at fault filled; a first sheet lists every
    problem (sheet, row, column, reason). Written atomically (``ExportError`` when it cannot be)."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "错误汇总"
    style = _HeaderStyle()
    _header(summary, ["工作表", "行号", "列", "问题"], style)
    for p in problems:
        summary.append([p.sheet, p.row, p.column or "（整行）", p.reason])
    for col, width in zip("ABCD", (14, 8, 16, 80), strict=True):
        summary.column_dimensions[col].width = width
    summary.freeze_panes = "A2"
    by_row: dict[tuple[str, int], list[Problem]] = {}
    for p in problems:
        by_row.setdefault((p.sheet, p.row), []).append(p)
    for sheet in sheets:
        ws = wb.create_sheet(_unique_title(wb, sheet.title))
        width = max([len(sheet.headers), *(len(r.cells) for r in sheet.rows)], default=0)
        headers = sheet.headers + [""] * (width - len(sheet.headers))
        _header(ws, [PROBLEM_HEADER, "原行号", *headers], style)
        columns = {_norm(h): i for i, h in enumerate(headers) if h}
        headers_by_label = {c.header: columns.get(_norm(c.header)) for c in sheet.spec.columns}
        for row in sheet.rows:
            found = by_row.get((sheet.title, row.number), [])
            text = "；".join(f"{p.column}：{p.reason}" if p.column else p.reason for p in found)
            ws.append([text, row.number, *[_safe(v) for v in row.cells]])
            r = ws.max_row
            if found:
                ws.cell(r, 1).fill, ws.cell(r, 1).font = PROBLEM_FILL, PROBLEM_FONT
                for p in found:
                    index = headers_by_label.get(p.column)
                    if index is not None:
                        ws.cell(r, index + 3).fill = PROBLEM_FILL
            for c, value in enumerate(row.cells, start=3):
                if isinstance(value, date | datetime):
                    ws.cell(r, c).number_format = DATE_FORMAT
                elif isinstance(value, str) and value.startswith("="):
                    ws.cell(r, c).data_type = "s"  # text as typed, not a formula
        ws.column_dimensions["A"].width = 60
        ws.column_dimensions["B"].width = 8
        for i in range(width):
            ws.column_dimensions[get_column_letter(i + 3)].width = 14
        for cells in ws.iter_rows(min_row=2, max_col=1):
            cells[0].alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "C2"
    wb.properties.title, wb.properties.creator = title, APP_TITLE
    _save(wb, path)


def _safe(value: Any) -> Any:
    """A value as openpyxl can write it back."""
    if isinstance(value, str | int | float | bool | date | datetime | timedelta) or value is None:
        return value
    return str(value)


def _unique_title(wb: Workbook, title: str) -> str:
    base = (title or "Sheet")[:28]
    name, n = base, 2
    while name in wb.sheetnames:
        name, n = f"{base}{n}", n + 1
    return name


def _header(ws: Any, texts: Iterable[str], style: _HeaderStyle) -> None:
    ws.append(list(texts))
    for cell in ws[ws.max_row]:
        cell.font, cell.fill, cell.border, cell.alignment = style.font, style.fill, style.border, style.align


def _save(wb: Workbook, path: Path) -> None:
    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        write_atomically(Path(path), buffer.getvalue())
    except ExportError:
        raise
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{describe(exc)}") from exc


# -------------------------------------------------------------------------------------- templates


def write_template(path: Path, specs: Sequence[SheetSpec], lists: Mapping[str, Sequence[str]], *,
                   title: str = "导入模板", examples: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                   strict: Mapping[str, bool] | None = None) -> None:
    """An import template: one sheet per spec with its headers (required ones marked ``*``, a note
    on the header), drop-down lists from ``lists`` (name → values, kept on the hidden sheet
    ``选项``), date columns formatted as dates, optional example rows; and a sheet ``填写说明``."""
    wb = Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = "填写说明"
    style = _HeaderStyle()
    options = wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for n, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(n)
        options.cell(1, n, name)
        for r, value in enumerate(values, start=2):
            options.cell(r, n, value)
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${max(len(values) + 1, 2)}"
        options.column_dimensions[letter].width = 30
    options.sheet_state = "hidden"
    _header(guide, ["工作表", "列", "必填", "说明"], style)
    guide.append(["", "", "", "每个工作表第 1 行是表头，请勿修改表头文字；从第 2 行起每行一条记录。"
                  "日期可填 2026-11-29、2026/11/29、2026.11.29 或 2026年11月29日。"
                  "一个文件全部行都正确才会导入；有任何一行出错时什么也不写入，并给出错误报告。"])
    for spec in specs:
        ws = wb.create_sheet(spec.name, index=wb.sheetnames.index(LISTS_SHEET))
        if spec.note:
            guide.append([spec.name, "", "", spec.note])
        _header(ws, [c.header + (REQUIRED_MARK if c.required else "") for c in spec.columns], style)
        for i, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = column.width
            cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
            if column.note:
                ws.cell(1, i).comment = Comment(column.note, APP_TITLE, width=240, height=90)
            if column.choices and column.choices in ranges:
                hard = (strict or {}).get(column.choices, True)
                dv = DataValidation(type="list", formula1=ranges[column.choices], allow_blank=not column.required,
                                    showErrorMessage=True, errorTitle="不在可选范围内",
                                    errorStyle="stop" if hard else "warning",
                                    error=f"请从下拉列表中选择“{column.header}”。" if hard
                                    else f"“{column.header}”不在常用列表中，确定要使用吗？")
                dv.add(cells)
                ws.add_data_validation(dv)
            if column.is_date:
                for r in range(2, TEMPLATE_ROWS + 2):
                    ws.cell(r, i).number_format = DATE_FORMAT
            guide.append([spec.name, column.header, "是" if column.required else "",
                          column.note + (f"（下拉选择：{column.choices}）" if column.choices else "")])
        for r, row in enumerate((examples or {}).get(spec.name, ()), start=2):
            for c, value in enumerate(row, start=1):
                ws.cell(r, c, value)
        ws.freeze_panes = "A2"
    for col, width in zip("ABCD", (12, 16, 6, 90), strict=True):
        guide.column_dimensions[col].width = width
    for cells in guide.iter_rows(min_row=2, min_col=4, max_col=4):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.title, wb.properties.creator = title, APP_TITLE
    if len(specs) > 0:
        wb.active = 1
    _save(wb, path)
