"""A report section with tall body rows (a sign-in sheet's room to sign) keeps its tables' merged
cells in the PDF, and its header rows are not made tall."""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Table as RlTable

from exports.fonts import find_fonts
from exports.report import _ReportPdf, section_flowables
from exports.styles import MM, load_style
from plans.document import Cell, Paragraph, Table
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


def test_a_heading_right_above_a_table_at_a_page_foot() -> None:
    """A section whose first block is a table with merged header cells, its heading landing near the foot
    of a page (portrait and landscape, every filler length): the heading goes with the table's first rows.
    ReportLab measures only the rows that fit the room left — the others have no height yet — which
    crashed the keep-with-next rule (TypeError) at 7 of these 80 lengths."""
    from exports.report import report_bytes

    header = [[Cell("部门", rowspan=2), Cell("检查", colspan=2), Cell("隐患")],
              [Cell(""), Cell("次数"), Cell("企业"), Cell("一般")]]
    rows = header + [[Cell(f"部门{i}"), Cell(str(i)), Cell(str(2 * i)), Cell("1")] for i in range(12)]
    for landscape in (False, True):
        for filler in range(40):
            lead = [ReportSection("一、概况", [Paragraph("本周全市安全生产检查情况如下。" * 6) for _ in range(filler)])]
            sections = [*(lead if filler else []), ReportSection("二、分部门统计", [Table(rows, header_rows=2)])]
            doc = ReportDocument("周统计", "", "x", "x", datetime(2026, 1, 1), sections, landscape=landscape)
            assert report_bytes(doc, "pdf", style=load_style("default")).startswith(b"%PDF")
