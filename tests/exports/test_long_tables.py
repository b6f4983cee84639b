"""A table many pages long splits on every page, its header repeated, each row once and whole. A
stock card of a busy item is such a table; the sizes below stopped with 比一页还高 before (the
split-range of each part shrank page after page)."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from exports.report import report_bytes
from exports.styles import load_style
from plans.document import Cell, Paragraph, Table
from plans.report import ReportDocument, ReportSection

HEAD = ("储备库", "批次号", "生产日期", "有效期至", "状态", "账面数量", "可用数量", "提示")


@pytest.mark.parametrize("landscape, count", [(True, 117), (True, 194), (False, 159), (False, 201)])
def test_a_table_of_many_pages_splits_on_every_page(landscape: bool, count: int) -> None:
    rows = [[Cell(h) for h in HEAD]]
    rows += [[Cell("南湖县应急物资储备库"), Cell(f"B{n:04d}"), Cell("2025-01-01"), Cell("2027-01-01"), Cell("完好"),
              Cell("10"), Cell("10"), Cell("—")] for n in range(1, count + 1)]
    rows.append([Cell("合计", colspan=5), Cell(str(10 * count)), Cell(str(10 * count)), Cell("")])  # merged, as on a card
    doc = ReportDocument(title="物资台账卡", subtitle="测试", author="测试", header_text="物资台账卡",
                         created=datetime(2026, 11, 29), landscape=landscape,
                         sections=[ReportSection("二、库存情况", [Paragraph("截至 2026-11-29，账面结存。"),
                                                                 Table(rows, header_rows=1)])])
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(report_bytes(doc, "pdf", style=load_style()))).pages]
    assert len(pages) >= 4
    found = [int(m) for text in pages for m in re.findall(r"B(\d{4})", text)]
    assert found == list(range(1, count + 1))  # every row once, in order
    for text in pages:  # the header on every page, and never a page with one body row alone
        assert "批次号" in text and len(re.findall(r"B\d{4}", text)) + text.count("合计") >= 2
    assert "合计" in pages[-1]
