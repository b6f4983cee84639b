"""Chinese typesetting of the exported PDFs: 禁则, justification, the GB/T 9704 grid, titles, tables.

The line-breaking rules are checked twice: on the engine (``exports.typeset``, with generated
texts) and on every line of every exported demo plan in both house styles, extracted from the PDF
files themselves (``tests.exports.pdf_lines``).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Spacer
from sqlalchemy import select

from exports.fonts import find_fonts
from exports.layout import DocumentInfo
from exports.pdf import KeptTable, PdfRenderer
from exports.pdf_text import CjkParagraph
from exports.plans.pdf import PlanPdf, render_pdf
from exports.styles import MM, load_style
from exports.typeset import break_lines, rules, title_lines, units
from models.core.database import Database
from models.core.uow import unit_of_work
from models.plans import service as ps
from models.plans.entities import Plan
from plans.document import Cell, Table
from plans.document import Paragraph as DocParagraph
from plans.plans import print_model as pm
from tests.conftest import make_db
from tests.exports.pdf_lines import PdfLine, pdf_lines
from tests.exports.samples import add_kitchen_sink, fill_demo, print_doc
from tests.factories import TESTER

STYLES = ["default", "gbt9704"]
R = rules()


def _advance(text: str) -> float:
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def _lines(text: str, width: float) -> list[str]:
    us = units(text, _advance)
    return ["".join(u.text for u in us[line.start:line.end]) for line in break_lines(us, lambda _n: width, 1.0)]


def _violations(lines: list[str]) -> list[str]:
    bad = []
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if i and text[0] in R.cannot_start:
            bad.append(f"starts with {text[0]}: {text}")
        if i < len(lines) - 1 and text[-1] in R.cannot_end:
            bad.append(f"ends with {text[-1]}: {text}")
    return bad


# ------------------------------------------------------------------------------------ the engine

_CJK = "应急预案值班人员立即报告事故现场处置安全生产管理部门"
_ALPHABET = _CJK * 3 + "，。、；：？！）》」”（《「“……——" + "GB/T 29639-2020 0531-88888888 m3 kg "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=120), st.integers(min_value=6, max_value=30))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(text: str, width: int) -> None:
    lines = _lines(text, width)
    us = units(text, _advance)
    if any(u.width > width for u in us):  # a word wider than a line is cut where it must be
        return
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\t", "")
    bad = _violations(lines)
    if bad:  # only where no break is possible at all (a run of marks longer than a line)
        assert all(len(set(line) - R.cannot_start - R.cannot_end - {" "}) <= 1 for line in lines), bad
    for line in lines:
        assert _advance(line.strip()) <= width + R.squeeze_limit_em + 1e-6


def test_latin_words_numbers_and_units_stay_whole() -> None:
    text = "依据GB/T 29639-2020编制，储罐容积为30 m3，值班电话(0531-88888888)，报告时限为1小时。" * 3
    for width in range(8, 30):
        lines = _lines(text, width)
        for whole in ("GB/T 29639-2020", "30 m3", "0531-88888888"):
            assert not _splits(whole, lines), (width, lines)
        assert not _violations(lines), (width, lines)
        assert not any(line.endswith(("(", "（")) for line in lines[:-1])


def _splits(word: str, lines: list[str]) -> bool:
    return any(line.endswith(word[:k]) and lines[i + 1].startswith(word[k:])
               for i, line in enumerate(lines[:-1]) for k in range(1, len(word)))


def test_a_mark_is_pulled_back_by_squeezing_or_a_character_goes_down() -> None:
    # 10 characters fill the line; the 11th is "，": squeezed in, not left to start the next line
    assert _lines("一二三四五六七八九十，后面的字", 10)[0] == "一二三四五六七八九十，"
    # two marks and a character do not fit by squeezing: the last character goes down with them
    lines = _lines("一二三四五六七八九十」。”后面", 10)
    assert lines[0] == "一二三四五六七八九" and lines[1].startswith("十」。”")


def test_titles_break_at_word_boundaries_and_balance() -> None:
    def measure(text: str) -> float:
        return float(len(text))

    assert title_lines("临江福源石化有限责任公司生产安全事故综合应急预案", 20, measure) == [
        "临江福源石化有限责任公司", "生产安全事故综合应急预案"]
    assert title_lines("液氯储罐泄漏事故专项应急预案", 10, measure) == ["液氯储罐泄漏事故", "专项应急预案"]
    assert title_lines("短标题", 10, measure) == ["短标题"]
    lines = title_lines("一个没有任何可以识别的词语边界的很长很长的标题文字", 10, measure)
    assert all(len(line) <= 10 for line in lines) and "".join(lines) == "一个没有任何可以识别的词语边界的很长很长的标题文字"
    assert max(map(len, lines)) - min(map(len, lines)) <= 3  # balanced, not 10 + 10 + 5


# ------------------------------------------------------------------------------ the paragraph


@pytest.fixture(scope="module")
def fonts():  # type: ignore[no-untyped-def]
    return find_fonts()


def _renderer(style_key: str, fonts) -> PdfRenderer:  # type: ignore[no-untyped-def]
    info = DocumentInfo(title="t", author="", subject="", keywords=[], created=pm.datetime(2026, 1, 1),
                        header_text="", watermark=None, images={})
    return PdfRenderer(info, load_style(style_key), fonts, None)


@pytest.mark.parametrize("key", STYLES)
def test_justified_lines_fill_the_text_block_and_never_cross_it(key: str, fonts) -> None:  # type: ignore[no-untyped-def]
    renderer = _renderer(key, fonts)
    style = renderer.para_style("body", renderer.style.body)
    text = ("值班人员接到事故报告后，应立即向带班领导报告，并在1小时内向临江市应急管理局（电话：0531-88888888）"
            "和所在街道报告；情况紧急时可越级上报。") * 4
    para = renderer.para(text, style, renderer.role(renderer.style.body))
    para.wrap(renderer.text_w, renderer.text_h)
    lines = para.layout(renderer.text_w)
    assert len(lines) > 3
    for line in lines:
        assert line.x + line.width <= renderer.text_w + 0.01, line
    for line in lines[:-1]:  # justified: every line but the last ends at the right margin
        assert line.x + line.width == pytest.approx(renderer.text_w, abs=0.05)


def test_gbt9704_body_lines_hold_28_characters(fonts) -> None:  # type: ignore[no-untyped-def]
    renderer = _renderer("gbt9704", fonts)
    body = renderer.style.body
    assert (body.chars_per_line, body.lines_per_page) == (28, 22)
    style = renderer.para_style("body", body)
    para = renderer.para("应" * 200, style, renderer.role(body))
    para.wrap(renderer.text_w, renderer.text_h)
    counts = [sum(len(run) for _, run in line.runs) for line in para.layout(renderer.text_w)]
    assert counts[0] == 26 and set(counts[1:-1]) == {28}  # the first line indented two characters
    assert 22 * body.leading <= renderer.text_h < 23 * body.leading


def test_gbt9704_page_number_sits_7_mm_below_the_text_block() -> None:
    style = load_style("gbt9704")
    number = style.page_number
    dash_mm = style.page.footer_mm + 0.35 * number.size_pt / MM  # the 一字线 is about 0.35 em above the baseline
    assert style.page.bottom_mm - dash_mm == pytest.approx(7.0, abs=0.2)


def test_a_paragraph_never_leaves_a_single_line_at_a_page_foot_or_head(fonts) -> None:  # type: ignore[no-untyped-def]
    renderer = _renderer("default", fonts)
    style = renderer.para_style("body", renderer.style.body)
    para = renderer.para("应急" * 200, style, renderer.role(renderer.style.body))
    width = renderer.text_w
    total = para.line_count(width)
    leading = style.leading
    assert para.split(width, leading * 1.5) == []  # one line would be left alone: move it all
    head, tail = para.split(width, leading * 4.2)
    assert head.line_count(width) == 4 and tail.line_count(width) == total - 4
    head, tail = para.split(width, leading * (total - 1))
    assert tail.line_count(width) == 2  # not one line alone on the next page


# --------------------------------------------------------------------------------- the documents


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = make_db("sqlite", tmp_path_factory.mktemp("typeset"))
    fill_demo(database)
    add_kitchen_sink(database)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="module")
def exported(db: Database) -> dict[tuple[int, str], list[PdfLine]]:
    with db.read() as s:
        ids = s.scalars(select(Plan.id).where(Plan.deleted_at.is_(None)).order_by(Plan.id)).all()
    out = {}
    for plan_id in ids:
        doc = print_doc(db, plan_id)
        for key in STYLES:
            buffer = io.BytesIO()
            render_pdf(doc, buffer, style=load_style(key))
            out[(plan_id, key)] = pdf_lines(io.BytesIO(buffer.getvalue()))
    return out


def test_no_line_of_any_exported_demo_plan_breaks_a_prohibition(exported) -> None:  # type: ignore[no-untyped-def]
    assert len(exported) >= 20
    bad = []
    for (plan_id, key), lines in exported.items():
        for line in lines:
            text = line.text.strip()
            if not text.strip("."):  # a 目次 line's dot leader, drawn apart from the line's text
                continue
            if text[:1] in R.cannot_start:
                bad.append((plan_id, key, line.page, "starts", text))
            if text[-1:] in R.cannot_end:
                bad.append((plan_id, key, line.page, "ends", text))
            if len(text) > 0 and not (set(text) - R.cannot_start - R.cannot_end - set(" 　")):
                bad.append((plan_id, key, line.page, "marks only", text))
    assert bad == [], (len(bad), bad[:20])


def test_gbt9704_demo_body_lines_are_28_characters(exported) -> None:  # type: ignore[no-untyped-def]
    left = load_style("gbt9704").page.left_mm * MM
    counts: Counter[int] = Counter()
    for (_plan, key), lines in exported.items():
        if key == "gbt9704":  # body lines at the left margin, all Chinese (Latin is narrower)
            counts.update(len(line.text) for line in lines if abs(line.x - left) < 0.5 and len(line.text) >= 20
                          and all(not ch.isascii() for ch in line.text))
    assert counts.most_common(1)[0][0] == 28, counts
    assert not any(n > 29 for n in counts), counts  # 28 characters and at most one squeezed-in mark


def test_cover_titles_break_at_word_boundaries(exported, db: Database) -> None:  # type: ignore[no-untyped-def]
    from exports.typeset import _word_breaks

    checked = 0
    for (plan_id, _key), lines in exported.items():
        doc = print_doc(db, plan_id)
        if doc.layout == "card":
            continue
        first_page = [line.text for line in lines if line.page == 1]
        title = " ".join(doc.title.split())
        found = [first_page[i:j] for i in range(len(first_page)) for j in range(i + 1, min(i + 5, len(first_page)) + 1)
                 if "".join(first_page[i:j]) == title]
        assert found, (title, first_page)
        title_lines_ = max(found, key=len)
        cuts = [sum(len(t) for t in title_lines_[:k]) for k in range(1, len(title_lines_))]
        assert set(cuts) <= _word_breaks(title, R), (title_lines_, cuts)  # never "…事故综" / "合应急预案"
        checked += len(cuts)
    assert checked  # some titles are long enough to break


def test_sign_off_rows_grow_with_many_names_and_titles(db: Database, fonts) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.status == "draft", Plan.kind == "comprehensive").limit(1))
    doc = print_doc(db, plan_id)
    names = "、".join(f"{n}（注册安全工程师、应急管理专家）" for n in ("周海燕", "卢春生", "韩丽", "王建国"))
    doc = replace(doc, signoffs=[replace(s, name=names) for s in doc.signoffs])
    renderer = PlanPdf(doc, load_style("gbt9704"), fonts, None)
    table = next(f for f in renderer._signoff() if isinstance(f, KeptTable))
    table.wrap(renderer.text_w, renderer.text_h)
    cells = table._cellvalues
    for r, height in enumerate(table._rowHeights[1:], 1):
        content = max(c.wrap(w - 8, 1e6)[1] if isinstance(c, CjkParagraph) else 0
                      for c, w in zip(cells[r], table._colWidths, strict=True))
        assert height >= content + 5 and height >= 14 * MM - 0.01


def _doc_renderer(fonts, story):  # type: ignore[no-untyped-def]
    class Story(PdfRenderer):
        def story(self):  # type: ignore[no-untyped-def]
            return story(self)

    info = DocumentInfo(title="t", author="", subject="", keywords=[], created=pm.datetime(2026, 1, 1),
                        header_text="页眉", watermark=None, images={})
    return Story(info, load_style("default"), fonts, None)


def test_a_table_header_never_stays_at_a_page_foot_with_one_row(fonts) -> None:  # type: ignore[no-untyped-def]
    table = Table(rows=[[Cell("序号"), Cell("物资名称")]] + [[Cell(str(i)), Cell(f"物资{i}")] for i in range(1, 30)],
                  header_rows=1)

    def story(r: PdfRenderer):  # type: ignore[no-untyped-def]
        row = r.style.table.leading_pt + 6.0
        return [Spacer(1, r.text_h - 2.4 * row), *r.blocks([table])]

    lines = pdf_lines(io.BytesIO(_doc_renderer(fonts, story).render()))
    first = [line.text for line in lines if line.page == 1]
    assert "序号" not in first  # header and one row would fit: the table starts on the next page
    by_page = Counter(line.page for line in lines if line.text.startswith("物资"))
    assert all(n >= 2 for n in by_page.values()), by_page


def test_a_heading_keeps_its_first_lines_without_leaving_more_room_than_needed(fonts) -> None:  # type: ignore[no-untyped-def]
    short = DocParagraph("只有一行的段落。")

    def story_for(room_lines: float):  # type: ignore[no-untyped-def]
        def story(r: PdfRenderer):  # type: ignore[no-untyped-def]
            h = r.style.heading(2)
            need = h.space_before_pt + h.leading + r.style.body.leading * room_lines
            return [Spacer(1, r.text_h - need), *r.section("1.1 适用范围", 2, r.key(), [short])]
        return story

    fits = pdf_lines(io.BytesIO(_doc_renderer(fonts, story_for(1.3)).render()))
    assert {line.page for line in fits if "适用范围" in line.text} == {1}  # heading + its one line fit: stay
    tight = pdf_lines(io.BytesIO(_doc_renderer(fonts, story_for(0.6)).render()))
    assert {line.page for line in tight if "适用范围" in line.text} == {2}  # the line would not: go together
    assert {line.page for line in tight if "只有一行" in line.text} == {2}


# ----------------------------------------------------------------------------- content and status


def test_abolished_plan_prints_void_and_draft_leaves_room_for_dates(db: Database) -> None:
    with db.read() as s:
        draft_id = s.scalar(select(Plan.id).where(Plan.status == "draft", Plan.kind == "comprehensive").limit(1))
        filed_id = s.scalar(select(Plan.id).where(Plan.status.in_(("published", "filed"))).limit(1))
    draft = print_doc(db, draft_id)
    cover = {f.name: f.value for f in draft.cover}
    assert cover["publish_date"].count("　") >= 6 and "年" in cover["publish_date"]
    assert draft.decree_date.count("　") >= 6
    assert "草稿" in draft.metadata.title and "草稿" in draft.metadata.keywords
    with db.read() as s:
        version = ps.load(s, filed_id)[1]
    with unit_of_work(db, TESTER) as uow:
        ps.transition(uow, filed_id, "retire", version)
    retired = print_doc(db, filed_id)
    assert {f.name: f.value for f in retired.cover}["controlled"] == "作废"
    assert "作废" in retired.header_text and "受控" not in retired.header_text
    assert retired.watermark == "作废"


def test_revision_record_names_the_approver_not_the_account(db: Database) -> None:
    with db.read() as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.status.in_(("published", "filed"))).limit(1))
    doc = print_doc(db, plan_id)
    assert doc.revisions and all(r.by == doc.record.get("approver") or r.by for r in doc.revisions)
    assert doc.revisions[-1].by == doc.signer != TESTER.name


def test_demo_plans_cite_the_current_guideline(exported, db: Database) -> None:  # type: ignore[no-untyped-def]
    text = "".join(line.text for lines in exported.values() for line in lines)
    assert "GB/T 29639-2013" not in text and "29639-2020" in text


def test_preprint_check_reports_characters_the_fonts_cannot_draw(db: Database, fonts) -> None:  # type: ignore[no-untyped-def]
    from exports.plans.glyphs import glyph_check
    from plans.plans.preprint import preprint_check

    with db.read() as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.status.in_(("published", "filed"))).limit(1))
    doc = print_doc(db, plan_id)
    section = doc.sections[0]
    odd = replace(section, blocks=[*section.blocks, DocParagraph("古文字\U00013000与私用区\ue000")])
    doc = replace(doc, sections=[odd, *doc.sections[1:]])
    report = preprint_check(doc, glyph_check(load_style("default"), fonts))
    messages = [f.message for f in report.findings]
    assert any("\U00013000" in m and "缺少" in m for m in messages), messages
    assert not report.clean and "检查通过" not in report.summary()


def test_every_demo_card_prints_on_one_page_in_both_styles(db: Database) -> None:
    with db.read() as s:
        cards = s.scalars(select(Plan.id).where(Plan.kind == "card", Plan.deleted_at.is_(None))).all()
    assert cards
    for plan_id in cards:
        doc = print_doc(db, plan_id)
        for key in STYLES:
            result = render_pdf(doc, io.BytesIO(), style=load_style(key))
            assert result.pages == 1, (plan_id, key)
    assert load_style("gbt9704").for_layout("card").body.chars_per_line == 0  # a card is not on the 公文 grid


def test_a_card_with_a_picture_is_measured_without_crashing(db: Database, fonts) -> None:  # type: ignore[no-untyped-def]
    from plans.document import Image
    from tests.exports.samples import png

    with db.read() as s:
        card = s.scalar(select(Plan.id).where(Plan.kind == "card", Plan.deleted_at.is_(None)).limit(1))
    doc = print_doc(db, card)
    digest = "f" * 64
    section = doc.sections[0]
    doc = replace(doc, images={digest: (png(), "image/png")},
                  sections=[replace(section, blocks=[*section.blocks, Image(digest, "image/png", "图1　疏散路线")]),
                            *doc.sections[1:]])
    assert render_pdf(doc, io.BytesIO(), style=load_style("gbt9704"), fonts=fonts).pages >= 1
