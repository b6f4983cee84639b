"""The Word renderer: a PrintDocument → .docx, re-read with python-docx and checked in its XML.

One database per module (demo enterprises with their plans, plus the published "kitchen sink"
plan holding every block kind); every test renders into memory. LibreOffice (``soffice``), when
installed, converts the file to PDF to prove another application opens it and shows the headings.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Mm
from lxml import etree
from sqlalchemy import select

from exports.docx import footer_distance_mm
from exports.files import ExportError
from exports.fonts import FontSet, find_fonts
from exports.plans.docx import TOC_INSTRUCTION, render_docx
from exports.result import ExportResult
from exports.styles import load_style
from models.core.database import Database
from models.core.errors import Cancelled
from models.plans.entities import Plan
from plans.document import Image, Paragraph
from plans.plans.print_model import PrintDocument, PrintSection
from tests.conftest import make_db
from tests.exports import samples

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "v": "urn:schemas-microsoft-com:vml", "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
STYLES = ("default", "gbt9704")
TWIPS_PER_MM = 1440 / 25.4


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclasses.dataclass
class Sample:
    db: Database
    sink: PrintDocument
    draft: PrintDocument
    fonts: FontSet


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    db = make_db("sqlite", tmp_path_factory.mktemp("docx"))
    samples.fill_demo(db)
    plan_id = samples.add_kitchen_sink(db)
    with db.read() as s:
        draft_id = s.scalar(select(Plan.id).where(Plan.status == "draft").order_by(Plan.id).limit(1))
    assert draft_id is not None
    yield Sample(db, samples.print_doc(db, plan_id), samples.print_doc(db, draft_id), find_fonts())
    _CACHE.clear()
    db.dispose()


_CACHE: dict[tuple[int, str], tuple[bytes, ExportResult]] = {}


def render(sample: Sample, doc: PrintDocument, key: str, **kw: Any) -> tuple[bytes, ExportResult]:
    buffer = io.BytesIO()
    result = render_docx(doc, buffer, style=load_style(key), fonts=sample.fonts, **kw)
    return buffer.getvalue(), result


def rendered(sample: Sample, doc: PrintDocument, key: str) -> tuple[bytes, ExportResult]:
    """The document in a house style, rendered once per test module."""
    cache_key = (id(doc), key)
    if cache_key not in _CACHE:
        _CACHE[cache_key] = render(sample, doc, key)
    return _CACHE[cache_key]


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def parts(data: bytes, prefix: str) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith(prefix)}


def xp(element: etree._Element, expr: str) -> Any:
    """XPath with our prefixes on any element (python-docx's own ``xpath`` takes no namespaces)."""
    return etree.XPath(expr, namespaces=NS)(element)


def texts(element: etree._Element) -> str:
    return "".join(element.itertext())


def expected_heading_styles(doc: PrintDocument) -> list[str]:
    return [f"Heading {min(s.level, 4)}" for s in doc.sections] + ["Heading 1"] * len(printed_annexes(doc))


def printed_annexes(doc: PrintDocument) -> list[str]:
    """The annexes printed with the plan (an annex bound separately is only listed, as in the PDF)."""
    return [a.heading for a in doc.annexes if not a.separate]


def word_headings(doc: PrintDocument, scheme: str) -> list[str]:
    return [s.heading(scheme) for s in doc.sections] + printed_annexes(doc)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ content


@pytest.mark.parametrize("key", STYLES)
def test_headings_use_word_heading_styles_in_document_order(sample: Sample, key: str) -> None:
    style = load_style(key)
    data, result = rendered(sample, sample.sink, key)
    document = docx.Document(io.BytesIO(data))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [t for _, t in headings] == word_headings(sample.sink, style.numbering)
    assert [n for n, _ in headings] == expected_heading_styles(sample.sink)
    assert result.headings == sample.sink.headings(style.numbering)
    assert result.format == "docx" and result.pages is None
    assert result.fonts and not result.warnings
    # the navigation pane reads outline levels: the heading styles carry them
    for level in range(1, 4):
        outline = document.styles[f"Heading {level}"].element.find(f"{w('pPr')}/{w('outlineLvl')}")
        assert outline is not None and outline.get(w("val")) == str(level - 1)


def test_front_matter_and_annexes_in_the_order_of_the_pdf(sample: Sample) -> None:
    doc = sample.sink
    data, _ = rendered(sample, doc, "default")
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text.replace("\n", "") for p in document.paragraphs]  # titles: balanced lines
    outside_toc = [p.text.replace("\n", "") for p in document.paragraphs if not p.style.name.startswith("toc")]
    first_printed = printed_annexes(doc)[0]
    order = [doc.title, doc.decree_title, doc.decree[0], doc.signoff_title, doc.revisions_title, doc.toc_title,
             doc.title, doc.sections[0].heading("decimal"), doc.annex_index_title, first_printed]
    at = -1
    for text in order:
        at = outside_toc.index(text, at + 1)
    assert paragraphs[0] == doc.enterprise_name  # the cover: enterprise, then the title large
    assert paragraphs[1] == doc.title
    assert document.paragraphs[1].style.name == "封面标题"
    cover = document.tables[0]
    assert [c.text for c in cover.columns[0].cells] == [f.label + "：" for f in doc.cover]
    assert [c.text for c in cover.columns[1].cells] == [f.value for f in doc.cover]
    signer = next(p for p in paragraphs if p.startswith(doc.signer_label))
    assert doc.signer in signer
    # sign-off rows: role, name, blank signature, date
    signoff = document.tables[1]
    assert [c.text for c in signoff.rows[0].cells] == doc.signoff_columns
    assert [[c.text for c in r.cells] for r in signoff.rows[1:]] == [[s.role, s.name, "", s.date] for s in doc.signoffs]
    revisions = document.tables[2]
    assert [c.text for c in revisions.rows[0].cells] == doc.revision_columns
    assert revisions.rows[1].cells[0].text == doc.revisions[0].version
    # the annex index lists every annex with its page or 另行装订, then the note once (as the PDF);
    # an annex bound separately has no heading and no page of its own
    separate = [a for a in doc.annexes if a.separate]
    assert separate and any(not a.separate for a in doc.annexes)
    body = part(data, "word/document.xml")
    index = ["".join("\t" if n.tag == w("tab") else n.text or "" for n in p.iter(w("t"), w("tab"))
                     if n.getparent().tag == w("r"))
             for p in body.iter(w("p")) if xp(p, "string(w:pPr/w:pStyle/@w:val)") == "AnnexIndex"]
    assert [t.split("\t")[0] for t in index] == [a.heading for a in doc.annexes]
    for annex, line in zip(doc.annexes, index, strict=True):
        assert [*line.split("\t"), ""][1] == ("另行装订" if annex.separate else "")  # no toc_pages here
    assert paragraphs.count("注：" + doc.annex_separate_note) == 1
    assert doc.annex_separate_note not in paragraphs  # no placeholder page
    body = part(data, "word/document.xml")
    heads = {texts(p): p for p in body.iter(w("p")) if p.find(f"{w('pPr')}/{w('pStyle')}") is not None
             and p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")) == "Heading1"}
    for annex in doc.annexes:
        if annex.separate:
            assert annex.heading not in heads
        else:  # on a new page, with no space above it (the PDF drops it at a page's top)
            assert heads[annex.heading].find(f"{w('pPr')}/{w('pageBreakBefore')}") is not None
            assert xp(heads[annex.heading], "string(w:pPr/w:spacing/@w:before)") == "0"


def test_body_blocks(sample: Sample) -> None:
    data, _ = rendered(sample, sample.sink, "default")
    document = docx.Document(io.BytesIO(data))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("List Bullet", "液氯储罐区泄漏") in styles
    assert ("List Number", "立即报警") in styles
    assert ("Body Text", "分页之后的内容。") in styles
    body = part(data, "word/document.xml")
    # the page break: the paragraph after it starts the new page (no empty line at its top)
    after = xp(body, "//w:p[.//w:t[.='分页之后的内容。']]")[0]
    assert after.find(f"{w('pPr')}/{w('pageBreakBefore')}") is not None
    assert xp(body, "count(//w:br[@w:type='page'])") == 0
    # each numbered list restarts at 1: its own w:num with a startOverride
    numbering = part(data, "word/numbering.xml")
    assert xp(numbering, "count(//w:num/w:lvlOverride/w:startOverride[@w:val='1'])") >= 1


# ------------------------------------------------------------------------------------------- styles


@pytest.mark.parametrize("key", STYLES)
def test_every_font_names_an_east_asian_font(sample: Sample, key: str) -> None:
    style = load_style(key)
    data, _ = rendered(sample, sample.sink, key)
    styles = part(data, "word/styles.xml")
    all_fonts = list(styles.iter(w("rFonts")))
    assert all_fonts
    for rfonts in all_fonts:
        for attr in ("eastAsia", "ascii", "hAnsi"):
            assert rfonts.get(w(attr)), (attr, etree.tostring(rfonts.getparent().getparent()))
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            assert rfonts.get(w(attr)) is None  # a theme font would override the name
    default = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}")
    assert default is not None and default.get(w("eastAsia")) == sample.fonts.face(style.body.role).docx_name

    def font_of(name: str) -> str | None:
        found = xp(styles, f"w:style[w:name/@w:val='{name}']/w:rPr/w:rFonts/@w:eastAsia")
        assert found, f"style {name} has no East Asian font"
        return str(found[0])

    face = sample.fonts.face
    expected = {"Normal": style.body.role, "Title": style.title.role, "caption": style.caption.role,
                "List Bullet": style.body.role, "List Number": style.body.role, "Body Text": style.body.role,
                "表格文字": style.table.role, "表头文字": style.table.header_role,
                "toc 1": style.body.role, "toc 2": style.body.role, "toc 3": style.body.role,
                "header": style.header.role, "footer": style.page_number.role}
    expected |= {f"heading {n}": style.heading(n).role for n in range(1, 5)}
    for name, role in expected.items():
        assert font_of(name) == face(role).docx_name, name
    if key == "gbt9704":
        assert font_of("heading 2") == face("kai").docx_name == "楷体"
        assert font_of("Title") == "方正小标宋简体"


@pytest.mark.parametrize("key", STYLES)
def test_sizes_indent_and_line_spacing_from_the_house_style(sample: Sample, key: str) -> None:
    style = load_style(key)
    data, _ = rendered(sample, sample.sink, key)
    document = docx.Document(io.BytesIO(data))
    body = document.styles["Body Text"].element
    ind = body.find(f"{w('pPr')}/{w('ind')}")
    assert ind.get(w("firstLineChars")) == "200"
    spacing = body.find(f"{w('pPr')}/{w('spacing')}")
    assert spacing.get(w("lineRule")) == "exact"
    assert int(spacing.get(w("line"))) == round(style.body.leading * 20)
    if key == "gbt9704":  # 22 lines on a 225 mm text block
        assert int(spacing.get(w("line"))) == 579
        assert pytest.approx(22, abs=0.05) == 225 * 72 / 25.4 / (579 / 20)
    assert document.styles["Normal"].font.size.pt == style.body.size_pt
    assert document.styles["Heading 1"].font.size.pt == style.heading(1).size_pt
    assert document.styles["Title"].font.size.pt == style.title.size_pt
    assert document.styles["表格文字"].font.size.pt == style.table.size_pt


# -------------------------------------------------------------------------------------------- page


@pytest.mark.parametrize("key", STYLES)
def test_a4_margins_header_and_page_numbers(sample: Sample, key: str) -> None:
    style = load_style(key)
    doc = sample.sink
    data, _ = rendered(sample, doc, key)
    document = docx.Document(io.BytesIO(data))
    assert len(document.sections) == 1
    section = document.sections[0]
    page = style.page

    def close(length: int | None, mm: float) -> bool:
        return length is not None and abs(length - Mm(mm)) <= Mm(0.05)

    assert close(section.page_width, 210) and close(section.page_height, 297)
    assert close(section.top_margin, page.top_mm) and close(section.bottom_margin, page.bottom_mm)
    assert close(section.left_margin, page.left_mm) and close(section.right_margin, page.right_mm)
    assert close(section.header_distance, page.header_mm)
    assert close(section.footer_distance, footer_distance_mm(style, sample.fonts))
    assert footer_distance_mm(style, sample.fonts) < page.footer_mm  # the number's baseline at footer_mm
    assert doc.header_text in section.header.paragraphs[0].text

    def instructions(element: etree._Element) -> list[str]:
        return [t.strip() for t in xp(element, ".//w:instrText/text()")]

    odd = section.footer._element
    settings = part(data, "word/settings.xml")
    even_odd = settings.find(w("evenAndOddHeaders")) is not None
    if key == "default":  # 第 X 页 共 Y 页, centred
        assert instructions(odd) == ["PAGE", "NUMPAGES"]
        assert "第" in texts(odd) and "页 共" in texts(odd)
        assert xp(odd, "string(.//w:jc/@w:val)") == "center"
        assert not even_odd
    else:  # — X —: odd pages right, even pages left, one character in
        assert even_odd
        even = section.even_page_footer._element
        assert instructions(odd) == ["PAGE"] and instructions(even) == ["PAGE"]
        assert texts(odd).startswith("— ") and texts(odd).endswith(" —")
        assert xp(odd, "string(.//w:jc/@w:val)") == "right"
        assert xp(odd, "string(.//w:ind/@w:rightChars)") == "100"
        assert xp(even, "string(.//w:jc/@w:val)") == "left"
        assert xp(even, "string(.//w:ind/@w:leftChars)") == "100"
        assert doc.header_text in section.even_page_header.paragraphs[0].text


@pytest.mark.parametrize("key", STYLES)
def test_the_cover_has_no_header_and_no_page_number(sample: Sample, key: str) -> None:
    data, _ = rendered(sample, sample.sink, key)
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert section.different_first_page_header_footer
    first_footer = section.first_page_footer._element
    assert not xp(first_footer, ".//w:fldChar | .//w:instrText")
    assert texts(first_footer).strip() == ""
    assert texts(section.first_page_header._element).strip() == ""
    assert xp(section.footer._element, ".//w:instrText")  # the other pages are numbered


# ------------------------------------------------------------------------------------------ tables


@pytest.mark.parametrize("key", STYLES)
def test_tables_repeat_header_rows_keep_rows_whole_and_fit_the_text_width(sample: Sample, key: str) -> None:
    style = load_style(key)
    data, _ = rendered(sample, sample.sink, key)
    body = part(data, "word/document.xml")
    grid_tables = [t for t in body.iter(w("tbl"))
                   if t.find(f"{w('tblPr')}/{w('tblStyle')}") is not None]
    assert grid_tables
    text_width = round(style.page.text_width_mm * TWIPS_PER_MM)
    for table in grid_tables:
        assert table.find(f"{w('tblPr')}/{w('tblStyle')}").get(w("val")) == "TableGrid"
        assert table.find(f"{w('tblPr')}/{w('tblBorders')}") is not None
        columns = [int(c.get(w("w"))) for c in table.iter(w("gridCol"))]
        assert sum(columns) == text_width
        assert min(columns) > 0
        rows = table.findall(w("tr"))
        assert all(r.find(f"{w('trPr')}/{w('cantSplit')}") is not None for r in rows)
        assert rows[0].find(f"{w('trPr')}/{w('tblHeader')}") is not None
    big = max(grid_tables, key=lambda t: len(t.findall(w("tr"))))
    rows = big.findall(w("tr"))
    assert len(rows) == 61
    assert [r.find(f"{w('trPr')}/{w('tblHeader')}") is not None for r in rows] == [True] + [False] * 60


def test_merged_cells(sample: Sample) -> None:
    data, _ = rendered(sample, sample.sink, "default")
    document = docx.Document(io.BytesIO(data))
    merged = next(t for t in document.tables if t.cell(0, 0).text == "应急组织")
    assert merged.cell(0, 1)._tc is merged.cell(0, 2)._tc  # 组成: two columns
    assert merged.cell(0, 1).text == "组成"
    assert merged.cell(1, 0)._tc is merged.cell(2, 0)._tc  # 总指挥部: two rows
    assert merged.cell(1, 0).text == "总指挥部"
    assert [merged.cell(2, c).text for c in (1, 2)] == ["副总指挥", "刘安全（安全总监）"]
    rows = merged._tbl.findall(w("tr"))
    assert xp(rows[0], "string(w:tc[2]/w:tcPr/w:gridSpan/@w:val)") == "2"
    assert xp(rows[1], "string(w:tc[1]/w:tcPr/w:vMerge/@w:val)") == "restart"
    assert xp(rows[2], "count(w:tc[1]/w:tcPr/w:vMerge[not(@w:val)])") == 1


# ------------------------------------------------------------------------------------------- image


@pytest.mark.parametrize("key", STYLES)
def test_image_scaled_to_the_text_width_with_a_centred_caption(sample: Sample, key: str) -> None:
    style = load_style(key)
    data, _ = rendered(sample, sample.sink, key)
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    assert abs(shape.width - Mm(style.page.text_width_mm)) <= Mm(0.1)
    assert shape.height == pytest.approx(shape.width * 200 / 320, rel=0.01)  # the sample PNG is 320 × 200
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if xp(p._p, ".//wp:inline"))
    caption = paragraphs[at + 1]
    assert caption.style.name == "Caption" and caption.text == "图1　厂区平面布置及疏散路线图"
    assert xp(document.styles["Caption"].element, "string(w:pPr/w:jc/@w:val)") == "center"
    # exact line spacing would clip the picture to one line
    assert xp(paragraphs[at]._p, "string(w:pPr/w:spacing/@w:lineRule)") == "auto"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in z.namelist())


def test_a_missing_image_is_reported_not_fatal(sample: Sample) -> None:
    doc = dataclasses.replace(sample.sink, images={})
    data, result = render(sample, doc, "default")
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 0
    assert result.warnings and "图片" in result.warnings[0]
    assert "图1　厂区平面布置及疏散路线图" in [p.text for p in document.paragraphs]


def test_image_width_from_the_block_and_tall_images_kept_on_the_page(sample: Sample) -> None:
    style = load_style("default")
    sha = next(iter(sample.sink.images))
    images = {sha: sample.sink.images[sha], "tall": (samples.png(40, 400), "image/png")}
    doc = dataclasses.replace(sample.sink, images=images, annexes=[], sections=[PrintSection("x", "图", 1, (1,), [
        Image(sha, "image/png", "小图", width_mm=50), Image("tall", "image/png", "长图")])])
    data, result = render(sample, doc, "default")
    small, tall = docx.Document(io.BytesIO(data)).inline_shapes
    assert abs(small.width - Mm(50)) <= Mm(0.05)
    assert tall.height <= Mm(style.page.text_height_mm * 0.85)
    assert tall.width == pytest.approx(tall.height / 10, rel=0.01)
    assert not result.warnings


# --------------------------------------------------------------------------------------------- TOC


def test_toc_is_a_field_prefilled_with_the_headings(sample: Sample) -> None:
    doc = sample.sink
    style = load_style("default")
    headings = doc.headings(style.numbering)
    pages = {h: 3 + i for i, h in enumerate(headings)}
    data, _ = render(sample, doc, "default", toc_pages=pages)
    body = part(data, "word/document.xml")
    instructions = [t.strip() for t in xp(body, "//w:instrText/text()")]
    assert instructions[0] == TOC_INSTRUCTION == 'TOC \\o "1-3" \\h \\z \\u'
    settings = part(data, "word/settings.xml")
    update = settings.find(w("updateFields"))
    assert update is not None and update.get(w("val")) == "true"
    entries = [p for p in body.iter(w("p"))
               if xp(p, "string(w:pPr/w:pStyle/@w:val)").startswith("TOC")]
    listed = [(s.heading(style.numbering), min(s.level, 4)) for s in doc.sections if s.level <= 3]
    listed += [(a.heading, 1) for a in doc.annexes]
    assert len(entries) == len(listed)
    for entry, (text, level) in zip(entries, listed, strict=True):
        assert xp(entry, "string(w:pPr/w:pStyle/@w:val)") == f"TOC{level}"
        link = entry.find(w("hyperlink"))
        assert link is not None and link.get(w("anchor")).startswith("_Toc")
        shown = texts(link)
        assert shown.startswith(text)
        annex = next((a for a in doc.annexes if a.heading == text), None)
        if annex is not None and annex.separate:
            assert shown.endswith("另行装订")
        else:
            assert shown.endswith(str(pages[text]))
            assert f"PAGEREF {link.get(w('anchor'))} \\h" in [t.strip() for t in xp(link, ".//w:instrText/text()")]
    # every TOC link points at a bookmark on a heading, or for an annex bound separately on its
    # line in the annex index (where the PDF's link goes)
    bookmarks = {b.get(w("name")): b.getparent() for b in body.iter(w("bookmarkStart"))}
    for entry in entries:
        target = bookmarks[entry.find(w("hyperlink")).get(w("anchor"))]
        kind = str(xp(target, "string(w:pPr/w:pStyle/@w:val)"))
        shown = "".join(t.text or "" for t in entry.iter(w("t")))
        separate = any(shown.startswith(a.heading) and a.separate for a in doc.annexes)
        assert (kind == "AnnexIndex") if separate else kind.startswith("Heading"), shown
    # the field closes in the last entry, so an overflowing end mark cannot add a blank page
    assert xp(entries[-1], "count(.//w:fldChar[@w:fldCharType='end'])") >= 1


def test_toc_without_page_numbers_lists_the_headings(sample: Sample) -> None:
    data, _ = rendered(sample, sample.sink, "gbt9704")
    document = docx.Document(io.BytesIO(data))
    entries = [p.text for p in document.paragraphs if p.style.name.startswith("toc")]
    assert entries[0] == sample.sink.sections[0].heading("gbt9704") == "一、总则"


# --------------------------------------------------------------------------------------- watermark


def test_watermark_on_every_header_of_a_draft_and_none_when_published(sample: Sample) -> None:
    assert sample.draft.watermark == "草稿" and sample.sink.watermark is None
    for key in STYLES:
        data, _ = rendered(sample, sample.draft, key)
        headers = parts(data, "word/header")
        assert len(headers) == (3 if key == "gbt9704" else 2)  # (odd,) even and first-page headers
        for name, header in headers.items():
            marks = xp(header, "//v:shape/v:textpath/@string")
            assert marks == ["草稿"], name
            assert "PowerPlusWaterMarkObject" in xp(header, "string(//v:shape/@id)")
        data, _ = rendered(sample, sample.sink, key)
        for header in parts(data, "word/header").values():
            assert not xp(header, "//v:textpath")


# ------------------------------------------------------------------------------ properties, bytes


def test_core_properties(sample: Sample) -> None:
    doc = sample.sink
    data, _ = rendered(sample, doc, "default")
    props = docx.Document(io.BytesIO(data)).core_properties
    meta = doc.metadata
    created = meta.created.replace(microsecond=0, tzinfo=None)
    assert props.title == meta.title
    assert props.author == meta.author == "安全环保部"
    assert props.subject == meta.subject
    assert props.keywords == ", ".join(k for k in meta.keywords if k)
    assert props.created is not None and props.created.replace(tzinfo=None) == created
    assert props.modified is not None and props.modified.replace(tzinfo=None) == created
    assert props.last_printed is not None and props.last_printed.replace(tzinfo=None) == created
    assert props.revision == 1
    assert props.identifier == doc.plan_no and props.version == doc.version_label
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # none of the template's leftovers
        names = z.namelist()
    assert not [n for n in names if "thumbnail" in n or "customXml" in n or "stylesWithEffects" in n]
    assert "python-docx" not in texts(part(data, "docProps/core.xml"))


def test_same_document_gives_the_same_bytes(sample: Sample, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = render(sample, sample.sink, "gbt9704")
    later = time.time() + 3 * 86400  # python-docx stamps zip members with the clock
    monkeypatch.setattr(time, "time", lambda: later)
    second, _ = render(sample, sample.sink, "gbt9704")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        stamps = {i.date_time for i in z.infolist()}
    created = sample.sink.metadata.created
    # the content's own time (a zip stores even seconds)
    assert stamps == {(created.year, created.month, created.day, created.hour, created.minute, created.second // 2 * 2)}


# ------------------------------------------------------------------------------ targets and cancel


def test_writes_a_path(sample: Sample, tmp_path: Path) -> None:
    target = tmp_path / "预案.docx"
    result = render_docx(sample.sink, target, style=load_style("default"), fonts=sample.fonts)
    assert target.read_bytes() == rendered(sample, sample.sink, "default")[0]
    assert result.headings == sample.sink.headings("decimal")
    assert os.listdir(tmp_path) == ["预案.docx"]


def test_unwritable_target_is_a_chinese_error(sample: Sample, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="无法写入"):
        render_docx(sample.sink, tmp_path / "没有" / "预案.docx", style=load_style("default"), fonts=sample.fonts)


@pytest.mark.parametrize("polls", [0, 3, 10])
def test_cancel_leaves_no_file(sample: Sample, tmp_path: Path, polls: int) -> None:
    asked = 0

    def cancel() -> bool:
        nonlocal asked
        asked += 1
        return asked > polls

    target = tmp_path / "预案.docx"
    target_stream = io.BytesIO()
    with pytest.raises(Cancelled):
        render_docx(sample.sink, target, style=load_style("default"), fonts=sample.fonts, cancel=cancel)
    assert not target.exists() and os.listdir(tmp_path) == []
    asked = 0
    with pytest.raises(Cancelled):
        render_docx(sample.sink, target_stream, style=load_style("default"), fonts=sample.fonts, cancel=cancel)
    assert target_stream.getvalue() == b""


def test_cancel_is_polled_per_section(sample: Sample) -> None:
    asked = 0

    def cancel() -> bool:
        nonlocal asked
        asked += 1
        return False

    render(sample, sample.sink, "default", cancel=cancel)
    assert asked >= len(sample.sink.sections) + len(sample.sink.annexes)


# ------------------------------------------------------------------------------------------ layouts


def test_card_layout_has_no_cover_and_no_front_matter(sample: Sample) -> None:
    card = dataclasses.replace(sample.sink, layout="card", annexes=[])
    data, result = render(sample, card, "default")
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text.replace("\n", "") == card.title
    assert document.paragraphs[0].style.name == "Title"
    texts_ = [p.text for p in document.paragraphs]
    assert card.decree_title not in texts_ and card.toc_title not in texts_
    assert TOC_INSTRUCTION not in texts(part(data, "word/document.xml"))
    assert not document.sections[0].different_first_page_header_footer
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == result.headings == card.headings("decimal")
    assert not xp(part(data, "word/document.xml"), "//w:sectPr/w:docGrid[@w:type]")  # a card has no grid


def test_text_is_escaped_and_control_characters_dropped(sample: Sample) -> None:
    odd = "A&B <c> \"d\" 'e'\x01\x0b\tF\r\nG"
    doc = dataclasses.replace(sample.sink, sections=[
        PrintSection("x", "标题 <&>", 1, (1,), [Paragraph(odd)])], annexes=[])
    data, result = render(sample, doc, "default")
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    assert "1 标题 <&>" in paragraphs
    assert "A&B <c> \"d\" 'e'\tF\nG" in paragraphs
    assert result.headings == ["1 标题 <&>"]


# ---------------------------------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_file_and_shows_the_headings(sample: Sample, tmp_path: Path) -> None:
    from pypdf import PdfReader

    files = []
    for key in STYLES:
        target = tmp_path / f"{key}.docx"
        target.write_bytes(rendered(sample, sample.sink, key)[0])
        files.append(str(target))
    from tests.exports.test_docx_print import libreoffice_pdfs

    libreoffice_pdfs([Path(f) for f in files], sample.fonts, tmp_path)  # with the fonts the PDF uses
    for key in STYLES:
        pdf = tmp_path / f"{key}.pdf"
        assert pdf.exists(), f"LibreOffice made no PDF of the {key} file"
        reader = PdfReader(str(pdf))
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))
        for heading in sample.sink.headings(load_style(key).numbering):
            assert re.sub(r"\s+", "", heading) in text, heading
        assert len(reader.pages) >= 12  # cover, front matter, TOC, body with the 60-row table, annexes
        first = re.sub(r"\s+", "", reader.pages[0].extract_text() or "")
        assert "页" not in first and "—" not in first  # the cover carries no page number
