"""The generic layout: one column-width rule for both renderers, and documents that are not plans."""

from __future__ import annotations

import io
import re
from datetime import datetime

import docx
import pytest
from pypdf import PdfReader

from exports.docx import CELL_PAD_PT, DocxWriter
from exports.fonts import find_fonts
from exports.layout import DocumentInfo, column_widths
from exports.pdf import CELL_PAD_X, PdfRenderer
from exports.styles import MM, load_style
from plans.document import BulletList, Cell, NumberedList, Paragraph, Table

INFO = DocumentInfo(title="2026年度液氯泄漏应急演练总结报告", author="安全环保部", subject="应急演练", keywords=["演练"],
                    created=datetime(2026, 5, 12, 9, 30), header_text="演练报告　YL-2026-03")
ROWS = [["序号", "参演人员", "岗位", "联系电话", "评价"]] + [
    [str(i), f"队员{i}", "液氯充装站操作工", f"1380000{i:04d}", "按规程佩戴正压式空气呼吸器，处置及时，报告规范"]
    for i in range(1, 6)]


def _width(text: str, _header: bool) -> float:
    """Ten points a CJK character, 5.5 a Latin letter or digit (about what the fonts have at 10 pt)."""
    return sum(5.5 if ord(ch) < 128 else 10.0 for ch in text)


def test_natural_widths_fill_the_line_in_proportion() -> None:
    widths = column_widths([["甲", "乙乙乙乙"]], header_rows=0, available=300, size=10, pad=8, measure=_width)
    assert sum(widths) == pytest.approx(300)
    assert widths[1] / widths[0] == pytest.approx((40 + 8) / (20 + 8))  # a column is at least two characters


def test_a_long_column_wraps_and_a_phone_number_stays_whole() -> None:
    texts = [["电话", "说明"], ["13800001234", "很长的说明" * 20]]
    widths = column_widths(texts, header_rows=1, available=300, size=10, pad=8, measure=_width)
    assert sum(widths) == pytest.approx(300)
    assert widths[0] >= 11 * 5.5 + 8  # the phone number on one line
    assert widths[1] == pytest.approx(300 - widths[0])


def test_cells_under_a_merged_cell_do_not_count() -> None:
    texts = [["很长很长很长很长很长很长的合并单元格", ""], ["甲", "乙"]]
    widths = column_widths(texts, header_rows=0, available=200, size=10, pad=8, measure=_width,
                           spanned={(0, 0), (1, 0)})
    assert widths[0] == pytest.approx(widths[1])


class _Report(PdfRenderer):
    """A document that is not a plan: a title, two sections, a table — only the generic pieces."""

    def story(self) -> list:
        key = self.key
        out = self.page_title(INFO.title)
        out += self.section("一、演练概况", 1, key(), [Paragraph("5月12日在液氯充装站开展泄漏处置演练。"),
                                                      BulletList(["报警", "疏散"]), NumberedList(["堵漏", "洗消"])])
        out += self.section("二、参演人员", 1, key(), [Table([[Cell(t) for t in r] for r in ROWS], header_rows=1)])
        return out


@pytest.mark.parametrize("key", ["default", "gbt9704"])
def test_both_renderers_size_columns_by_the_one_rule(key: str) -> None:
    style = load_style(key)
    fonts = find_fonts()
    ts = style.table
    body, head = fonts.advance(ts.role), fonts.advance(ts.header_role)

    def measure(text: str, header: bool) -> float:
        return (head if header else body)(text, ts.size_pt)

    pdf = _Report(INFO, style, fonts, None).grid(ROWS, 1)
    expected = column_widths(ROWS, header_rows=1, available=style.page.text_width_mm * MM, size=ts.size_pt,
                             pad=2 * CELL_PAD_X, measure=measure)
    assert pdf._colWidths == pytest.approx(expected)

    writer = DocxWriter(INFO, style, fonts)
    writer.table(Table([[Cell(t) for t in r] for r in ROWS], header_rows=1))
    word = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', writer.out[-2])]
    assert sum(word) == round(style.page.text_width_mm * 1440 / 25.4)
    # the same rule, with Word's wider cell margins (in twips)
    expected = column_widths(ROWS, header_rows=1, available=sum(word) / 20, size=ts.size_pt, pad=CELL_PAD_PT,
                             measure=measure)
    assert word == pytest.approx([20 * w for w in expected], abs=len(word))


def test_a_document_that_is_not_a_plan() -> None:
    style = load_style("gbt9704")
    renderer = _Report(INFO, style, find_fonts(), None)
    reader = PdfReader(io.BytesIO(renderer.render()))
    text = "".join(reader.pages[0].extract_text().split())
    assert "演练报告" in text and "一、演练概况" in text and "•报警" in text and "1.堵漏" in text and "—1—" in text
    assert reader.metadata.title == INFO.title
    assert [o.title for o in reader.outline] == [INFO.title.replace(" ", ""), "一、演练概况", "二、参演人员"]
    assert renderer.toc_pages() == {"一、演练概况": 1, "二、参演人员": 1}

    writer = DocxWriter(INFO, style, find_fonts())
    writer.page_title(INFO.title, new_page=False)
    writer.heading("一、演练概况", 1)
    writer.blocks([Paragraph("5月12日在液氯充装站开展泄漏处置演练。"), BulletList(["报警"])])
    document = docx.Document(io.BytesIO(writer.finish(cover=False, check=lambda: None)))
    assert [p.text for p in document.paragraphs] == [INFO.title, "一、演练概况", "5月12日在液氯充装站开展泄漏处置演练。", "报警"]
    assert document.core_properties.title == INFO.title
    assert INFO.header_text in document.sections[0].header.paragraphs[0].text
