"""The generic Excel import machinery: workbooks people filled in, dates as they type them, the
problems of each row, the error workbook and the templates with drop-down lists."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from exports.excel_import import (
    CellError,
    Column,
    Problem,
    RowReader,
    SheetSpec,
    WorkbookError,
    open_workbook,
    parse_date,
    parse_int,
    read_sheet,
    write_error_workbook,
    write_template,
)

SPEC = SheetSpec("物资", (Column("物资编码", "code", required=True), Column("数量", "qty", required=True),
                        Column("日期", "day", is_date=True), Column("单位", "unit", choices="单位")),
                 aliases=("物资品目",))


def book(rows: list[list[object]], title: str = "物资") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("typed", [
    "2026/11/29", "2026-11-29", "2026年11月29日", "2026.11.29", "2026 年 11 月 29 日", "２０２６-１１-２９",
    "20261129", "2026-11-29 08:30", 46355, 46355.0, "46355", date(2026, 11, 29), datetime(2026, 11, 29, 9, 15),
])
def test_every_date_form_people_type(typed: object) -> None:
    assert parse_date(typed) == date(2026, 11, 29)


@pytest.mark.parametrize("typed", ["2026/1/5", "2026-01-05", "2026年1月5日", "2026.1.5"])
def test_single_digit_months_and_days(typed: str) -> None:
    assert parse_date(typed) == date(2026, 1, 5)


def test_excel_serials() -> None:
    assert parse_date(18264) == date(1950, 1, 1) and parse_date(73415) == date(2100, 12, 31)
    with pytest.raises(CellError, match="年份"):  # a real date, but not one anybody means here
        parse_date(61)


@pytest.mark.parametrize("typed, reason", [("2026-02-30", "不存在"), ("明天", "不是日期"), ("29/11/2026", "不是日期"),
                                           ("3026-01-01", "年份"), (True, "日期"), (-5, "不是日期")])
def test_a_date_that_is_no_date_says_why(typed: object, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_date(typed)


def test_empty_cells_are_no_date_and_no_number() -> None:
    assert parse_date(None) is None and parse_date("  ") is None and parse_int("") is None


@pytest.mark.parametrize("typed, number", [(3, 3), (3.0, 3), ("3", 3), ("３", 3), ("1,200", 1200), (" 7 ", 7)])
def test_whole_numbers(typed: object, number: int) -> None:
    assert parse_int(typed) == number


@pytest.mark.parametrize("typed", [2.5, "两个", "2.5", True])
def test_not_a_whole_number(typed: object) -> None:
    with pytest.raises(CellError):
        parse_int(typed)


def test_a_file_that_is_not_a_workbook_gets_one_clear_message(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="不是 Excel 工作簿"):
        open_workbook(b"name,qty\nA,1\n")
    with pytest.raises(WorkbookError, match=r"\.xls"):
        open_workbook(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    with pytest.raises(WorkbookError, match="损坏"):
        import zipfile
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("hello.txt", "not a workbook")
        open_workbook(buffer.getvalue())
    with pytest.raises(WorkbookError, match="找不到文件"):
        open_workbook(tmp_path / "missing.xlsx")


def test_a_sheet_is_found_by_name_or_alias_and_columns_by_header_in_any_order() -> None:
    wb = open_workbook(book([["说明：请填写"], ["单位", " 数量 ", "物资编码*"], ["套", 2, "A1"], [], ["个", "3", 7]],
                            title="物资品目"))
    sheet = read_sheet(wb, SPEC)
    assert sheet is not None and sheet.header_row == 2
    assert [(r.number, r.values) for r in sheet.rows] == [
        (3, {"unit": "套", "qty": 2, "code": "A1"}), (5, {"unit": "个", "qty": "3", "code": 7})]


def test_a_workbook_without_the_sheet_reads_as_none_and_a_missing_column_is_named() -> None:
    assert read_sheet(open_workbook(book([["物资编码"]], title="Sheet1")), SPEC) is None
    with pytest.raises(WorkbookError, match="缺少必填列：数量"):
        read_sheet(open_workbook(book([["物资编码", "单位"], ["A", "套"]])), SPEC)
    with pytest.raises(WorkbookError, match="找不到表头"):
        read_sheet(open_workbook(book([["名称", "型号"], ["A", "B"]])), SPEC)


def test_every_problem_of_a_row_is_recorded_with_row_column_and_reason() -> None:
    sheet = read_sheet(open_workbook(book([["物资编码", "数量", "日期", "单位"], ["", "两个", "2026-13-01", "吨"]])), SPEC)
    assert sheet is not None
    problems: list[Problem] = []
    r = RowReader(sheet, sheet.rows[0], problems)
    assert r.text("code", required=True) == ""
    assert r.integer("qty", required=True, minimum=1) is None
    assert r.date("day") is None
    assert r.choice("unit", {"套": "套", "个": "个"}) is None
    assert r.failed
    assert [(p.row, p.column) for p in problems] == [(2, "物资编码"), (2, "数量"), (2, "日期"), (2, "单位")]
    assert "必须填写" in problems[0].reason and "不是整数" in problems[1].reason
    assert "一年没有 13 月" in problems[2].reason and "可选" in problems[3].reason
    assert str(problems[0]) == "“物资”第 2 行“物资编码”列：必须填写"


def test_the_error_workbook_is_the_original_rows_with_a_column_naming_each_problem(tmp_path: Path) -> None:
    sheet = read_sheet(open_workbook(book([["物资编码", "数量", "备注"], ["A", 0, "x"], ["B", 5, "好"]])), SPEC)
    assert sheet is not None
    sheet.rows[0].cells[2] = "=1+1"  # text typed with a leading "=" stays text
    problems = [Problem("物资", 2, "数量", "应不小于 1（填的是 0）")]
    target = tmp_path / "errors.xlsx"
    write_error_workbook(target, [sheet], problems)
    wb = load_workbook(target)
    assert wb.sheetnames == ["错误汇总", "物资"]
    assert list(wb["错误汇总"].iter_rows(values_only=True)) == [("工作表", "行号", "列", "问题"),
                                                            ("物资", 2, "数量", "应不小于 1（填的是 0）")]
    rows = list(wb["物资"].iter_rows(values_only=True))
    assert rows[0] == ("错误说明", "原行号", "物资编码", "数量", "备注")
    assert rows[1] == ("数量：应不小于 1（填的是 0）", 2, "A", 0, "=1+1")
    assert rows[2] == (None, 3, "B", 5, "好")
    assert wb["物资"].cell(2, 4).fill.fgColor.rgb.endswith("FFC7CE")  # the cell at fault


def test_a_template_offers_drop_down_lists_from_a_hidden_sheet(tmp_path: Path) -> None:
    target = tmp_path / "template.xlsx"
    units = [f"单位{i}" for i in range(300)]  # longer than an inline list may be
    write_template(target, [SPEC], {"单位": units}, examples={"物资": [["A1", 2, date(2026, 1, 1), "单位1"]]})
    wb = load_workbook(target)
    assert wb.sheetnames == ["填写说明", "物资", "选项"]
    assert wb["选项"].sheet_state == "hidden"
    ws = wb["物资"]
    assert [c.value for c in ws[1]] == ["物资编码*", "数量*", "日期", "单位"]
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == "'选项'!$A$2:$A$301" and "D2:D1001" in str(dv.sqref)
    assert ws["C2"].number_format == "yyyy-mm-dd"
    # the template reads back as an import
    sheet = read_sheet(open_workbook(target), SPEC)
    assert sheet is not None and [r.values for r in sheet.rows] == [
        {"code": "A1", "qty": 2, "day": datetime(2026, 1, 1), "unit": "单位1"}]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_the_clear_message(data: bytes) -> None:
    try:
        wb = open_workbook(data)
        read_sheet(wb, SPEC)
    except WorkbookError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=12))
def test_a_damaged_workbook_never_raises_anything_but_the_clear_message(flips: list[tuple[int, int]]) -> None:
    data = bytearray(book([["物资编码", "数量", "日期"], ["A", 1, date(2026, 1, 1)], ["B", "x", "2026/1/2"]]))
    for at, value in flips:
        data[at % len(data)] = value
    try:
        sheet = read_sheet(open_workbook(bytes(data)), SPEC)
    except WorkbookError:
        return
    if sheet is not None:
        problems: list[Problem] = []
        for row in sheet.rows:
            RowReader(sheet, row, problems).date("day")


CELLS = st.one_of(st.none(), st.text(max_size=12), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                  st.booleans(), st.dates(date(1900, 3, 1), date(2200, 1, 1)), st.sampled_from(["物资编码", "数量", "日期"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, max_size=6), max_size=8))
def test_random_cells_are_read_or_refused_with_reasons(rows: list[list[object]]) -> None:
    try:
        data = book([[_clean(v) for v in r] for r in rows])
    except ValueError:  # openpyxl itself refuses some characters: not a workbook anybody can have
        return
    try:
        sheet = read_sheet(open_workbook(data), SPEC)
    except WorkbookError:
        return
    if sheet is None:
        return
    problems: list[Problem] = []
    for row in sheet.rows:
        r = RowReader(sheet, row, problems)
        r.text("code", required=True, max_length=32)
        r.integer("qty", required=True, minimum=1)
        r.date("day")
        r.choice("unit", {"套": "套"})
    assert all(p.reason and p.row > sheet.header_row for p in problems)


def _clean(value: object) -> object:
    if isinstance(value, str):
        return "".join(ch for ch in value if ch.isprintable())
    return value
