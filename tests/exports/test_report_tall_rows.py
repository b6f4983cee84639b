"""A report section with tall body rows (a sign-in sheet's room to sign) keeps its tables' merged
cells in the PDF, and its header rows are not made tall."""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Table as RlTable

from exports.fonts import find_fonts
from exports.report import _ReportPdf, section_flowables
from exports.styles import MM, load_style
from plans.document import Cell, Table
from plans.report import ReportDocument, ReportSection


def _tables(flowables: list[object]) -> list[RlTable]:
    return [f for f in flowables if isinstance(f, RlTable)]


def test_tall_rows_keep_merged_cells_and_short_headers() -> None:
    table = Table([[Cell("签到", colspan=2), Cell("备注", rowspan=2)], [Cell("姓名"), Cell("单位")],
                   [Cell("张三"), Cell("应急局"), Cell("")]], header_rows=2)
    section = ReportSection("一、签到", [table], row_height_mm=12)
    doc = ReportDocument("签到表", "", "x", "x", datetime(2026, 1, 1), [section])
    renderer = _ReportPdf(doc, load_style("default"), find_fonts())
    [drawn] = _tables(section_flowables(renderer, section, 1, "k"))
    spans = {(c[1], c[2]) for c in drawn._spanCmds}
    assert spans == {((0, 0), (1, 0)), ((2, 0), (2, 1))}
    heights = drawn._minRowHeights
    assert heights[:2] == [0.0, 0.0] and abs(heights[2] - 12 * MM) < 0.01
