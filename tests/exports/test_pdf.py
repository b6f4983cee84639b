"""The PDF renderer: front matter, body, annexes, fonts, outline, metadata, page numbers, styles.

The PDFs are read back with pypdf. The sample database (demo plans and the "kitchen sink" plan
with every block kind) is built once for the module; each PDF is rendered once and shared.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import select

from exports.fonts import find_fonts
from exports.pdf import APP_TITLE
from exports.plans.pdf import render_pdf
from exports.result import ExportResult
from exports.styles import MM, load_style
from models.core.database import Database
from models.core.errors import Cancelled
from models.core.uow import unit_of_work
from models.plans.entities import Plan
from models.plans.service import PlanData
from plans.document import Paragraph
from plans.plans import store
from plans.plans.print_model import PrintDocument
from tests.conftest import make_db
from tests.exports.samples import add_kitchen_sink, fill_demo, print_doc
from tests.factories import TESTER

A4 = (595.28, 841.89)


@dataclass
class Rendered:
    """One rendered PDF and what is read back from it (lazily, once)."""

    doc: PrintDocument
    data: bytes
    result: ExportResult

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.data))

    @cached_property
    def texts(self) -> list[str]:
        return [page.extract_text() for page in self.reader.pages]

    @cached_property
    def outline(self) -> list[tuple[int, str, int]]:
        """(depth, title, 1-based page) of every outline entry in order."""
        out: list[tuple[int, str, int]] = []

        def walk(items: list[Any], depth: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    assert isinstance(item, Destination)
                    out.append((depth, item.title or "", self.reader.get_destination_page_number(item) + 1))

        walk(self.reader.outline, 0)
        return out

    def page_of(self, title: str) -> int:
        """The 1-based page an outline entry points to."""
        return next(page for _, t, page in self.outline if t == title)

    def plain(self, page: int) -> str:
        """The text of a 1-based page without spaces, running header and page number."""
        text = squeeze(self.texts[page - 1]).replace(squeeze(self.doc.header_text), "", 1)
        return re.sub(r"^(第\d+页共\d+页|—\d+—)", "", text)


def render(doc: PrintDocument, style_key: str = "default", **kw: Any) -> Rendered:
    buffer = io.BytesIO()
    result = render_pdf(doc, buffer, style=load_style(style_key), **kw)
    return Rendered(doc, buffer.getvalue(), result)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Sample:
    db: Database
    sink_id: int
    draft_id: int
    card_id: int

    def doc(self, plan_id: int) -> PrintDocument:
        return print_doc(self.db, plan_id)


def _add_card(db: Database) -> int:
    with db.read() as s:
        enterprise_id = s.scalar(select(Plan.enterprise_id).limit(1))
    assert enterprise_id is not None
    with unit_of_work(db, TESTER) as uow:
        return store.create_from_template(uow, enterprise_id, PlanData(kind="card", plan_no="KP-TEST-01"),
                                          {"岗位": "液氯充装岗", "场所": "液氯充装站"})


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    db = make_db("sqlite", tmp_path_factory.mktemp("pdf"))
    fill_demo(db)
    sink_id = add_kitchen_sink(db)
    with db.read() as s:
        draft_id = s.scalar(select(Plan.id).where(Plan.status == "draft", Plan.kind == "comprehensive").limit(1))
    assert draft_id is not None
    card_id = _add_card(db)
    yield Sample(db, sink_id, draft_id, card_id)
    db.engine.dispose()


@pytest.fixture(scope="module")
def sink(sample: Sample) -> PrintDocument:
    return sample.doc(sample.sink_id)


@pytest.fixture(scope="module")
def pdfs(sample: Sample, sink: PrintDocument) -> dict[str, Rendered]:
    return {"default": render(sink, "default"), "gbt9704": render(sink, "gbt9704"),
            "draft": render(sample.doc(sample.draft_id), "default")}


STYLES = ["default", "gbt9704"]


# ------------------------------------------------------------------------------------- the file


@pytest.mark.parametrize("key", STYLES)
def test_every_font_is_embedded_truetype(pdfs: dict[str, Rendered], key: str) -> None:
    reader = pdfs[key].reader
    seen = 0

    def check(resources: Any) -> None:
        nonlocal seen
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            seen += 1
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "+" in font["/BaseFont"], "subset fonts carry a tag"
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                check(xobject["/Resources"])

    for page in reader.pages:
        check(page["/Resources"])
    assert seen


@pytest.mark.parametrize("key", STYLES)
def test_result_describes_the_file(pdfs: dict[str, Rendered], key: str) -> None:
    rendered = pdfs[key]
    result = rendered.result
    assert result.format == "pdf"
    assert result.pages == len(rendered.reader.pages) > 8
    assert result.headings == rendered.doc.headings(load_style(key).numbering)
    report = find_fonts().report()
    assert result.fonts[:len(report)] == report  # then what fell back (a machine font without "•")
    assert all("缺少的" in line and "绘制" in line for line in result.fonts[len(report):])
    assert result.warnings == []  # no character without a glyph in the sample


def test_metadata(pdfs: dict[str, Rendered], sink: PrintDocument) -> None:
    meta = pdfs["default"].reader.metadata
    assert meta is not None
    assert meta.title == sink.metadata.title == sink.title
    assert meta.author == sink.metadata.author == "安全环保部"
    assert meta.subject == sink.metadata.subject
    assert meta["/Keywords"] == ", ".join(k for k in sink.metadata.keywords if k)
    assert meta["/Creator"] == APP_TITLE
    assert meta["/CreationDate"].startswith("D:" + sink.metadata.created.strftime("%Y%m%d%H%M%S"))
    assert pdfs["default"].reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_same_content_gives_the_same_bytes(pdfs: dict[str, Rendered], sink: PrintDocument) -> None:
    assert render(sink, "default").data == pdfs["default"].data


def test_writes_a_path_and_a_stream_alike(tmp_path: Path, pdfs: dict[str, Rendered], sink: PrintDocument) -> None:
    target = tmp_path / "预案.pdf"
    result = render_pdf(sink, target, style=load_style("default"))
    assert target.read_bytes() == pdfs["default"].data
    assert result.pages == pdfs["default"].result.pages
    assert [p.name for p in tmp_path.iterdir()] == ["预案.pdf"]


# -------------------------------------------------------------------------------- the contents


@pytest.mark.parametrize("key", STYLES)
def test_headings_appear_in_order_in_the_body(pdfs: dict[str, Rendered], key: str) -> None:
    rendered = pdfs[key]
    headings = rendered.doc.headings(load_style(key).numbering)
    body = squeeze("".join(rendered.texts[rendered.page_of(headings[0]) - 1:]))
    at = 0
    for heading in headings:
        found = body.find(squeeze(heading), at)
        assert found >= 0, f"{heading} missing or out of order"
        at = found + 1


def test_gbt9704_numbers_headings_in_chinese(pdfs: dict[str, Rendered]) -> None:
    text = squeeze("".join(pdfs["gbt9704"].texts))
    assert "一、总则" in text and "（一）适用范围" in text and "1.信息接报" in text
    assert "1总则" not in squeeze("".join(pdfs["gbt9704"].texts[3:]))


@pytest.mark.parametrize("key", STYLES)
def test_outline_lists_front_matter_headings_and_annexes(pdfs: dict[str, Rendered], key: str) -> None:
    rendered = pdfs[key]
    doc = rendered.doc
    front = [doc.title, doc.decree_title, doc.signoff_title, doc.revisions_title, squeeze(doc.toc_title)]
    body = [s.heading(load_style(key).numbering) for s in doc.sections]
    annexes = [squeeze(doc.annex_index_title)] + [a.heading for a in doc.annexes]
    assert [title for _, title, _ in rendered.outline] == front + body + annexes
    depths = [depth for depth, _, _ in rendered.outline]
    assert depths == [0] * len(front) + [s.level - 1 for s in doc.sections] + [0] * len(annexes)
    pages = [page for _, _, page in rendered.outline]
    assert pages[0] == 1 and pages == sorted(pages[:len(front) + len(body)]) + pages[len(front) + len(body):]
    for _, title, page in rendered.outline[len(front):len(front) + len(body)]:
        assert squeeze(title) in squeeze(rendered.texts[page - 1]), f"{title} not on page {page}"
        assert rendered.result.toc[title] == page


@pytest.mark.parametrize("key", STYLES)
def test_toc_shows_the_real_page_numbers(pdfs: dict[str, Rendered], key: str) -> None:
    rendered = pdfs[key]
    toc_page = rendered.page_of(squeeze(rendered.doc.toc_title))
    toc = rendered.plain(toc_page) + rendered.plain(toc_page + 1)
    numbering = load_style(key).numbering
    entries = [(s.heading(numbering), str(rendered.result.toc[s.heading(numbering)]))
               for s in rendered.doc.sections if s.level <= 3]
    entries += [(a.heading, "另行装订" if a.separate else str(rendered.result.toc[a.heading]))
                for a in rendered.doc.annexes]
    assert len(entries) > 20
    # every line: the heading, a dot leader, its page; the pages are where the headings are
    assert re.search("".join(re.escape(squeeze(h)) + r"\.{3,}" + p for h, p in entries), toc)
    for heading, page in entries:
        if page.isdigit():
            assert squeeze(heading) in squeeze(rendered.texts[int(page) - 1])


def test_annex_index_and_generated_annexes(pdfs: dict[str, Rendered], sink: PrintDocument) -> None:
    texts = pdfs["default"].texts
    listed = pdfs["default"].plain(pdfs["default"].page_of(squeeze(sink.annex_index_title)))
    assert all(squeeze(a.heading) in listed for a in sink.annexes)
    assert listed.count("另行装订") == sum(a.separate for a in sink.annexes) + (1 if sink.annex_separate_note else 0)
    generated = [a for a in sink.annexes if not a.separate]
    assert generated, "the sample has annexes built from live data"
    for annex in generated:
        page = squeeze(texts[pdfs["default"].result.toc[annex.heading] - 1])
        assert page.find(squeeze(annex.heading)) < page.find(squeeze(annex.source)), "heading, then the source"


def test_front_matter_pages(pdfs: dict[str, Rendered], sink: PrintDocument) -> None:
    texts = [squeeze(t) for t in pdfs["default"].texts]
    cover = texts[0]
    assert sink.title in cover and sink.enterprise_name in cover
    for f in sink.cover:
        assert squeeze(f.label) + "：" + squeeze(f.value) in cover
    assert squeeze(sink.decree[0])[:40] in texts[1] and squeeze(sink.signer_label) + "王建国" in texts[1]
    signoff = next(t for t in texts if sink.signoff_title in t)
    assert "编制" in signoff and "张编制" in signoff and "王建国" in signoff and sink.revisions_title in signoff
    assert "首次发布" in signoff


def test_tables_repeat_their_header_and_keep_rows_whole(pdfs: dict[str, Rendered]) -> None:
    texts = pdfs["default"].texts
    # squeezed: how a cell wraps depends on the widths of the machine's font
    pages = [i for i, t in enumerate(texts) if "正压式空气呼吸器" in squeeze(t)]
    assert len(pages) >= 3, "the 60-row table crosses pages"
    for i in pages:
        assert "规格型号" in texts[i], f"header row missing on page {i + 1}"
    rows = [int(n) for i in pages for n in re.findall(r"正压式空气呼吸器(\d+)", squeeze(texts[i]))]
    assert rows == list(range(1, 61)), "every row once, in order"
    phones = [squeeze(t) for i in pages for t in re.findall(r"李保管\s*1380000\d{4}", texts[i])]
    assert len(phones) == 60, "a phone number is not broken across lines"


def test_merged_cells_lists_image_and_page_break(pdfs: dict[str, Rendered]) -> None:
    rendered = pdfs["default"]
    text = squeeze("".join(rendered.texts))
    assert "总指挥部" in text and "王建国（总经理）" in text
    assert "•液氯储罐区泄漏" in text and "1.立即报警" in text
    caption = next(i for i, t in enumerate(rendered.texts) if "厂区平面布置及疏散路线图" in t)
    xobjects = rendered.reader.pages[caption]["/Resources"]["/XObject"].values()
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects)
    before = next(i for i, t in enumerate(rendered.texts) if "第39条" in t)
    after = next(i for i, t in enumerate(rendered.texts) if "分页之后的内容" in t)
    assert after == before + 1 and not squeeze(rendered.texts[before]).endswith("分页之后的内容")


def test_text_is_escaped_for_reportlab_markup(sink: PrintDocument) -> None:
    first = sink.sections[0]
    tricky = dataclasses.replace(first, blocks=[Paragraph("A&B <b>不是粗体</b> 1<2>0 &amp;")])
    doc = dataclasses.replace(sink, sections=[tricky, *sink.sections[1:]])
    text = squeeze("".join(render(doc).texts))
    assert squeeze("A&B <b>不是粗体</b> 1<2>0 &amp;") in text


# ------------------------------------------------------------------------------ pages and marks


@pytest.mark.parametrize("key", STYLES)
def test_header_and_page_numbers_on_every_page_but_the_cover(pdfs: dict[str, Rendered], key: str) -> None:
    rendered = pdfs[key]
    texts, total = rendered.texts, len(rendered.texts)
    header = squeeze(rendered.doc.header_text)
    assert header == "YA-TEST-99V1.0受控"
    assert header not in squeeze(texts[0]) and "页" not in texts[0] and "—" not in texts[0]
    for n, text in enumerate(texts[1:], 2):
        assert header in squeeze(text), f"no header on page {n}"
        number = f"第{n}页共{total}页" if key == "default" else f"—{n}—"
        assert number in squeeze(text), f"no page number on page {n}"


def test_gbt9704_page_numbers_sit_outside(pdfs: dict[str, Rendered]) -> None:
    reader = pdfs["gbt9704"].reader
    style = load_style("gbt9704")
    number = style.page_number
    inset = number.inset_chars * number.size_pt
    font = find_fonts().register_reportlab()[number.role]
    for n in (2, 3, 4, 5):
        x = next(x for text, x, _ in _text_spots(reader, n) if text.strip() == f"— {n} —")
        if n % 2:  # odd pages: right, one character in
            right = x + stringWidth(f"— {n} —", font, number.size_pt)
            assert right == pytest.approx(A4[0] - style.page.right_mm * MM - inset, abs=0.5)
        else:  # even pages: left, one character in
            assert x == pytest.approx(style.page.left_mm * MM + inset, abs=0.5)


def test_gbt9704_page_and_text_block(pdfs: dict[str, Rendered], sink: PrintDocument) -> None:
    rendered = pdfs["gbt9704"]
    style = load_style("gbt9704")
    for page in rendered.reader.pages:
        assert [round(float(v), 1) for v in page.mediabox] == [0, 0, 595.3, 841.9]
    body = rendered.result.toc[sink.sections[0].heading("gbt9704")]
    spots = _text_spots(rendered.reader, body)
    top = A4[1] - style.page.top_mm * MM
    left = style.page.left_mm * MM
    # the first line of the body (the title) starts just under the top margin
    first = max((s for s in spots if s[2] < top), key=lambda s: s[2])
    assert top - 1.2 * style.title.size_pt < first[2] < top
    # headings "一、" are indented two characters from the binding margin
    heading = next(s for s in spots if s[0].startswith("一、"))
    assert heading[1] == pytest.approx(left + 2 * style.body.size_pt, abs=0.5)
    # a full page of body text: 22 lines of 16 pt in the text block
    full = next(i for i, t in enumerate(rendered.texts) if "第20条" in t) + 1
    lines = sorted({round(y) for text, _, y in _text_spots(rendered.reader, full)
                    if text.strip() and style.page.bottom_mm * MM - 1 < y < top})
    assert len(lines) == 22
    assert lines[-1] - lines[0] == pytest.approx(21 * style.body.leading, abs=2)


def test_watermark_on_drafts_only(pdfs: dict[str, Rendered]) -> None:
    draft = pdfs["draft"]
    assert draft.doc.watermark == "草稿"
    assert all("草稿" in t for t in draft.texts)
    assert pdfs["default"].doc.watermark is None
    assert not any("草稿" in t for t in pdfs["default"].texts)


def test_card_is_one_or_two_pages_without_front_matter(sample: Sample) -> None:
    doc = sample.doc(sample.card_id)
    assert doc.layout == "card"
    rendered = render(doc)
    assert 1 <= len(rendered.texts) <= 2
    first = squeeze(rendered.texts[0])
    assert doc.title in first and squeeze(doc.header_text) in first
    assert doc.decree_title not in first and squeeze(doc.toc_title) not in first
    assert rendered.result.warnings == []
    assert [title for _, title, _ in rendered.outline] == [s.heading() for s in doc.sections] + [
        a.heading for a in doc.annexes if not a.separate]


# ------------------------------------------------------------------------------- glyphs, cancel


def test_characters_without_a_glyph_are_reported(sink: PrintDocument) -> None:
    odd = "\U0010fffd"  # a private-use code point no font draws
    first = sink.sections[0]
    doc = dataclasses.replace(sink, sections=[dataclasses.replace(first, blocks=[Paragraph(f"无法显示{odd}")]),
                                              *sink.sections[1:]])
    result = render(doc).result
    assert len(result.warnings) == 1
    assert "U+10FFFD" in result.warnings[0] and "方框" in result.warnings[0]


def test_cancel_leaves_no_file(tmp_path: Path, sink: PrintDocument) -> None:
    target = tmp_path / "取消.pdf"
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 40  # while drawing, well after the story was built

    with pytest.raises(Cancelled):
        render_pdf(sink, target, style=load_style("default"), cancel=cancel)
    assert calls > 40
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(Cancelled):
        render_pdf(sink, target, style=load_style("gbt9704"), cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_cancel_into_a_stream_writes_nothing(sink: PrintDocument) -> None:
    buffer = io.BytesIO()
    with pytest.raises(Cancelled):
        render_pdf(sink, buffer, style=load_style("default"), cancel=lambda: True)
    assert buffer.getvalue() == b""


# ------------------------------------------------------------------------------------- helpers


def _text_spots(reader: PdfReader, page_number: int) -> list[tuple[str, float, float]]:
    """(text, x, y) of every line of text on a 1-based page, in page coordinates (x, y: where the
    line starts).

    A line reportlab draws is one text object, but its text is shown in pieces whenever the font
    changes, and the font changes between the 256-glyph subsets of an embedded CJK font: which
    characters share a subset depends on the font and on the order they first appear in. So the
    pieces that start at the same point are joined back into their line."""
    spots: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if spots and spots[-1][1:] == (x, y) and not spots[-1][0].endswith("\n"):
            spots[-1] = (spots[-1][0] + text, x, y)
        else:
            spots.append((text, x, y))

    reader.pages[page_number - 1].extract_text(visitor_text=visit)
    return spots


def test_a_card_longer_than_a_page_is_reported(sample) -> None:
    """A 应急处置卡 is one page: a card whose content runs to several pages says so."""
    from plans.plans.print_model import PrintSection

    card = sample.doc(sample.card_id)
    long = dataclasses.replace(card, sections=[*card.sections, *[
        PrintSection(f"extra{i}", f"补充{i}", 1, (len(card.sections) + i,), [Paragraph("处置步骤说明。" * 40)])
        for i in range(1, 8)]])
    result = render_pdf(long, io.BytesIO(), style=load_style("default"))
    assert result.pages and result.pages > 1
    assert any("应急处置卡应为一页" in w for w in result.warnings)
    short = render_pdf(card, io.BytesIO(), style=load_style("default"))
    assert not any("应急处置卡" in w for w in short.warnings)


@pytest.mark.parametrize("style_key", ["default", "gbt9704"])
def test_a_card_is_set_in_the_styles_card_sizes_on_one_page(sample: Sample, style_key: str) -> None:
    style = load_style(style_key)
    card_style = style.for_layout("card")
    assert style.card is not None and card_style.body.size_pt == style.card.body_size_pt < style.body.size_pt
    assert style.for_layout("plan") is style
    result = render_pdf(sample.doc(sample.card_id), io.BytesIO(), style=style)
    assert result.pages == 1 and not result.warnings
