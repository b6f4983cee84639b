"""The Word file as the PDF prints it (issue 9): same pagination rules, a filled 目次 on every export
path, the GB/T 9704 grid, page number, sign-off rows, table and heading keeps, balanced titles,
East Asian line breaking, a card on one page.

The XML tests cover every behaviour; the LibreOffice tests (skipped without ``soffice``) convert
the files and measure what a clerk would see: where the 目次's entries land, characters per line,
lines per page, the page number's dash, 禁则 at line ends, the card's pages. LibreOffice is given
the fonts the PDF used under the names the Word file asks for (a fontconfig file of its own), as a
machine with those fonts installed would have them.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from exports.docx import footer_distance_mm, grid_tracking_tw
from exports.fonts import FontSet, find_fonts
from exports.plans.archive import ArchiveFilter, export_archive
from exports.plans.docx import card_style, render_docx
from exports.plans.export import export_plan, pdf_toc, render_plan
from exports.styles import MM, load_style
from exports.typeset import rules, title_lines
from models.core.database import Database
from models.plans.entities import Plan
from plans.plans.print_model import PrintDocument, SignOff
from tests.conftest import make_db
from tests.exports import samples

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
STYLES = ("default", "gbt9704")


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def xp(element: etree._Element, expr: str) -> Any:
    return etree.XPath(expr, namespaces=NS)(element)


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def texts(element: etree._Element) -> str:
    """The text a reader sees: runs' text and tabs (no field instructions)."""
    return "".join("\t" if node.tag == w("tab") else node.text or ""
                   for node in element.iter(w("t"), w("tab")) if node.getparent().tag == w("r"))


@dataclasses.dataclass
class Sample:
    db: Database
    sink: PrintDocument
    demo: PrintDocument  # a demo comprehensive plan with annexes bound separately
    card: PrintDocument  # a demo card that the PDF shrinks onto one page (default style)
    fonts: FontSet


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    db = make_db("sqlite", tmp_path_factory.mktemp("docx-print"))
    samples.fill_demo(db)
    sink_id = samples.add_kitchen_sink(db)
    with db.read() as s:
        demo_id = s.scalar(select(Plan.id).where(Plan.kind == "comprehensive", Plan.id != sink_id).order_by(Plan.id))
        card_ids = list(s.scalars(select(Plan.id).where(Plan.kind == "card").order_by(Plan.id)))
    assert demo_id is not None and card_ids
    fonts = find_fonts()
    cards = [samples.print_doc(db, i) for i in card_ids]
    default = load_style("default")
    shrunk = [c for c in cards if card_style(c, default.for_layout("card"), fonts).body.size_pt
              < default.for_layout("card").body.size_pt]
    assert shrunk, "no demo card runs a little over a page"
    yield Sample(db, samples.print_doc(db, sink_id), samples.print_doc(db, demo_id), shrunk[0], fonts)
    db.dispose()


def docx_of(sample: Sample, doc: PrintDocument, key: str, **kw: Any) -> bytes:
    buffer = io.BytesIO()
    render_docx(doc, buffer, style=load_style(key), fonts=sample.fonts, **kw)
    return buffer.getvalue()


def toc_numbers(data: bytes) -> dict[str, str]:
    """目次 entry text → the page (or note) it shows."""
    body = part(data, "word/document.xml")
    out = {}
    for p in body.iter(w("p")):
        if xp(p, "string(w:pPr/w:pStyle/@w:val)").startswith("TOC"):
            text, _, number = texts(p).partition("\t")
            out[text] = number
    return out


# ------------------------------------------------------------------------------------ 目次 pages


@pytest.mark.parametrize("key", STYLES)
def test_the_toc_carries_the_pdfs_pages_on_every_export_path(sample: Sample, key: str, tmp_path: Path) -> None:
    doc = sample.sink
    style = load_style(key)
    pages = pdf_toc(doc, style=style, fonts=sample.fonts)
    separate = {a.heading for a in doc.annexes if a.separate}
    expected = {text: str(page) for text, page in pages.items()} | {h: "另行装订" for h in separate}
    # the window and the CLI go through render_plan without pages: it renders the PDF for them
    word = render_plan(doc, "docx", style=style, fonts=sample.fonts)
    assert toc_numbers(word.data) == expected
    # the CLI: export_plan
    target = tmp_path / "plan.docx"
    export_plan(doc, "docx", target, style_key=key)
    assert toc_numbers(target.read_bytes()) == expected
    # the annex index: a page for every printed annex (its PAGEREF's cached result)
    body = part(word.data, "word/document.xml")
    index = {texts(p).split("\t")[0]: texts(p).split("\t")[1] for p in body.iter(w("p"))
             if xp(p, "string(w:pPr/w:pStyle/@w:val)") == "AnnexIndex"}
    assert index == {a.heading: expected[a.heading] for a in doc.annexes}


def test_the_archive_fills_the_toc_with_or_without_the_pdf(sample: Sample, tmp_path: Path) -> None:
    for formats in (("pdf", "docx"), ("docx",)):
        out = tmp_path / "-".join(formats)
        export_archive(sample.db, ArchiveFilter(), out, as_of=samples.AS_OF, exported_at=datetime(2026, 11, 29, 9),
                       exported_by="测试", formats=formats)  # type: ignore[arg-type]
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        entry = next(e for e in manifest["files"] if e["plan_no"] == samples.SINK_NO and e["format"] == "docx")
        numbers = toc_numbers((out / entry["file"]).read_bytes())
        pages = pdf_toc(sample.sink, style=load_style("default"), fonts=sample.fonts)
        assert {t: n for t, n in numbers.items() if n != "另行装订"} == {t: str(p) for t, p in pages.items()}


def test_annexes_bound_separately_have_no_placeholder_page(sample: Sample) -> None:
    doc = sample.demo
    separate = [a for a in doc.annexes if a.separate]
    assert separate
    data = docx_of(sample, doc, "gbt9704", toc_pages=pdf_toc(doc, style=load_style("gbt9704"), fonts=sample.fonts))
    body = part(data, "word/document.xml")
    headings = [texts(p) for p in body.iter(w("p")) if xp(p, "string(w:pPr/w:pStyle/@w:val)").startswith("Heading")]
    assert all(a.heading not in headings for a in separate)
    assert texts(body).count(doc.annex_separate_note) == 1  # the index's note only
    # the 目次 entry of a separate annex leads to its line in the index
    bookmarks = {b.get(w("name")): b.getparent() for b in body.iter(w("bookmarkStart"))}
    for p in body.iter(w("p")):
        if xp(p, "string(w:pPr/w:pStyle/@w:val)") == "TOC1" and texts(p).endswith("另行装订"):
            target = bookmarks[xp(p, "string(w:hyperlink/@w:anchor)")]
            assert xp(target, "string(w:pPr/w:pStyle/@w:val)") == "AnnexIndex"
            assert texts(target).startswith(texts(p).split("\t")[0])


# ------------------------------------------------------------------------------------- the grid


def test_gbt9704_grid_28_characters_by_22_lines(sample: Sample) -> None:
    style = load_style("gbt9704")
    data = docx_of(sample, sample.sink, "gbt9704")
    grid = xp(part(data, "word/document.xml"), "//w:body/w:sectPr/w:docGrid")[0]
    assert grid.get(w("type")) == "lines"
    assert int(grid.get(w("linePitch"))) == round(style.body.leading * 20) == 579
    assert int(225 * MM * 20 / 579) == 22  # 22 lines on the text block
    pitch = style.page.text_width_mm * MM / 28
    assert int(grid.get(w("charSpace"))) == round((pitch - style.body.size_pt) * 4096) == -848
    # 28 characters of 16 pt with the body's spacing fill a 156 mm line, 29 do not
    tracking = grid_tracking_tw(style) / 20
    assert tracking == -0.25
    width = style.page.text_width_mm * MM
    assert 28 * (16 + tracking) <= width < 29 * (16 + tracking)
    styles = part(data, "word/styles.xml")

    def spacing(name: str) -> str:
        return str(xp(styles, f"string(w:style[w:name/@w:val='{name}']/w:rPr/w:spacing/@w:val)"))

    for name in ("Normal", "Body Text", "List Bullet", "List Number", "heading 1", "heading 2", "toc 1", "附件列表"):
        assert spacing(name) == "-5", name
    for name in ("Title", "表格文字", "caption", "footer"):
        assert spacing(name) == "", name
    # no paragraph style snaps to the grid (LibreOffice would give every character two cells)
    for style_el in xp(styles, "w:style[@w:type='paragraph']"):
        assert xp(style_el, "string(w:pPr/w:snapToGrid/@w:val)") == "0", style_el.get(w("styleId"))
    default = docx_of(sample, sample.sink, "default")
    assert not xp(part(default, "word/document.xml"), "//w:sectPr/w:docGrid[@w:type]")
    assert not xp(part(default, "word/styles.xml"), "//w:style/w:rPr/w:spacing")


def test_east_asian_line_breaking_in_every_style(sample: Sample) -> None:
    data = docx_of(sample, sample.sink, "gbt9704")
    styles = part(data, "word/styles.xml")
    for style_el in xp(styles, "w:style[@w:type='paragraph']"):
        ppr = style_el.find(w("pPr"))
        for name in ("kinsoku", "overflowPunct", "wordWrap"):  # wordWrap on: Latin words stay whole
            found = ppr.find(w(name))
            assert found is not None and found.get(w("val")) in (None, "1", "true", "on"), (name, style_el.get(w("styleId")))
    assert xp(styles, "string(w:style[@w:styleId='BodyText']/w:pPr/w:jc/@w:val)") == "both"
    settings = part(data, "word/settings.xml")
    r = rules()
    before = xp(settings, "w:noLineBreaksBefore")[0]
    after = xp(settings, "w:noLineBreaksAfter")[0]
    assert before.get(w("lang")) == after.get(w("lang")) == "zh-CN"
    assert set(before.get(w("val"))) == set(r.cannot_start) and set(after.get(w("val"))) == set(r.cannot_end)
    names = [etree.QName(c).localname for c in settings]
    assert names.index("characterSpacingControl") + 1 == names.index("noLineBreaksAfter")
    assert names.index("noLineBreaksAfter") + 1 == names.index("noLineBreaksBefore")


# -------------------------------------------------------------------------------------- page number


@pytest.mark.parametrize("key", STYLES)
def test_page_number_baseline_where_the_pdf_draws_it(sample: Sample, key: str) -> None:
    from reportlab.pdfbase import pdfmetrics

    style = load_style(key)
    number = style.page_number
    face = sample.fonts.face(number.role)
    descent = abs(pdfmetrics.getFont(sample.fonts.reportlab_font(face)).face.descent) / 1000 * number.size_pt
    distance = footer_distance_mm(style, sample.fonts)
    assert distance + descent / MM == pytest.approx(style.page.footer_mm, abs=0.01)
    data = docx_of(sample, sample.sink, key)
    footer = int(xp(part(data, "word/document.xml"), "string(//w:body/w:sectPr/w:pgMar/@w:footer)"))
    assert footer == round(distance * 1440 / 25.4)


# ----------------------------------------------------------------------------------------- tables


def test_signoff_rows_grow_with_several_names(sample: Sample) -> None:
    names = "张三（安全环保部部长）\n李四（生产技术部经理）\n王五（设备动力部主任）\n赵六（注册安全工程师）"
    doc = dataclasses.replace(sample.sink, signoffs=[SignOff("审核", names, "2026年3月2日"),
                                                     *sample.sink.signoffs])
    data = docx_of(sample, doc, "gbt9704")
    body = part(data, "word/document.xml")
    assert not xp(body, "//w:trHeight[@w:hRule='exact']")
    table = next(t for t in body.iter(w("tbl")) if texts(t).startswith("".join(doc.signoff_columns)))
    rows = table.findall(w("tr"))
    for row in rows[1:]:
        height = row.find(f"{w('trPr')}/{w('trHeight')}")
        assert height is not None and height.get(w("hRule")) == "atLeast"
        assert int(height.get(w("val"))) == round(14 * 1440 / 25.4)
    cell = rows[1].findall(w("tc"))[1]
    assert texts(cell) == names.replace("\n", "") and len(xp(cell, ".//w:br")) == 3  # one line each
    rule = xp(part(data, "word/styles.xml"), "string(w:style[@w:styleId='TableText']/w:pPr/w:spacing/@w:lineRule)")
    assert rule == "exact"  # each line its own height: the row (atLeast) grows by a line per name


def test_tables_keep_their_header_and_last_rows(sample: Sample) -> None:
    data = docx_of(sample, sample.sink, "default")
    body = part(data, "word/document.xml")
    big = max(body.iter(w("tbl")), key=lambda t: len(t.findall(w("tr"))))
    rows = big.findall(w("tr"))

    def kept(row: etree._Element) -> bool:
        paragraphs = row.findall(f"{w('tc')}/{w('p')}")
        keeps = [p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in paragraphs]
        assert all(keeps) or not any(keeps)  # a row is kept as a whole
        return all(keeps)

    assert [kept(r) for r in rows] == [True] + [False] * (len(rows) - 3) + [True, False]
    assert all(r.find(f"{w('trPr')}/{w('cantSplit')}") is not None for r in rows)
    assert rows[0].find(f"{w('trPr')}/{w('tblHeader')}") is not None
    # the PDF's cell padding: 4 pt at the sides, 2.5 pt above, 3.5 pt below (less Word's 0.5 pt rule)
    margins = big.find(f"{w('tblPr')}/{w('tblCellMar')}")
    assert [int(margins.find(w(s)).get(w("w"))) for s in ("top", "left", "bottom", "right")] == [50, 80, 60, 80]
    # 3 pt above a table after a paragraph (here a list), 0.4 of a line below it: the PDF's spacing
    merged = next(t for t in body.iter(w("tbl")) if texts(t).startswith("应急组织"))
    before = merged.getprevious()
    assert xp(before, "string(w:pPr/w:pStyle/@w:val)") == "ListNumber"
    assert xp(before, "string(w:pPr/w:spacing/@w:after)") == "60"
    after = big.getnext()
    assert xp(after, "string(w:pPr/w:spacing/@w:line)") == str(round(load_style("default").body.leading * 0.4 * 20))


def test_headings_keep_with_what_follows(sample: Sample) -> None:
    styles = part(docx_of(sample, sample.sink, "gbt9704"), "word/styles.xml")
    for level in range(1, 5):
        ppr = xp(styles, f"w:style[@w:styleId='Heading{level}']/w:pPr")[0]
        assert ppr.find(w("keepNext")) is not None and ppr.find(w("keepLines")) is not None
        assert ppr.find(w("widowControl")) is not None


# ----------------------------------------------------------------------------------------- titles


@pytest.mark.parametrize("key", STYLES)
def test_titles_break_at_word_boundaries_in_balanced_lines(sample: Sample, key: str) -> None:
    style = load_style(key)
    doc = dataclasses.replace(sample.sink, title="江城区利通石油化工销售有限公司生产安全事故综合应急预案")
    body = part(docx_of(sample, doc, key), "word/document.xml")

    def lines_of(style_id: str) -> list[str]:
        p = next(p for p in body.iter(w("p")) if xp(p, "string(w:pPr/w:pStyle/@w:val)") == style_id
                 and "应急预案" in texts(p))
        out = [""]
        for node in p.iter(w("t"), w("br")):
            if node.tag == w("br"):
                out.append("")
            else:
                out[-1] += node.text or ""
        return out

    advance = sample.fonts.advance
    room = style.page.text_width_mm * MM
    for style_id, ts in (("CoverTitle", style.cover_title), ("Title", style.title)):
        got = lines_of(style_id)
        assert got == title_lines(doc.title, room, lambda t, ts=ts: advance(ts.role)(t, ts.size_pt)), style_id
        assert got == ["江城区利通石油化工销售有限公司", "生产安全事故综合应急预案"]


# ------------------------------------------------------------------------------------------- card


def test_a_card_that_runs_a_little_over_is_made_smaller(sample: Sample) -> None:
    style = load_style("default").for_layout("card")
    shrunk = card_style(sample.card, style, sample.fonts)
    assert shrunk.body.size_pt < style.body.size_pt and shrunk.body.leading < style.body.leading
    assert shrunk.table.size_pt < style.table.size_pt
    styles = part(docx_of(sample, sample.card, "default"), "word/styles.xml")
    size = int(xp(styles, "string(w:style[@w:styleId='BodyText']/w:rPr/w:sz/@w:val)"))
    assert size == round(shrunk.body.size_pt * 2)
    short = dataclasses.replace(sample.card, sections=sample.card.sections[:1])  # fits: not shrunk
    assert card_style(short, style, sample.fonts).body.size_pt == style.body.size_pt


# ------------------------------------------------------------------------------------- LibreOffice


@dataclasses.dataclass
class Converted:
    pdf: dict[str, Path]  # name → LibreOffice's PDF of the .docx
    ref: dict[str, Any]  # name → the product's own PDF's ExportResult
    ref_pdf: dict[str, Path]  # name → the product's own PDF


def _fontconfig(fonts: FontSet, where: Path) -> Path:
    """A fontconfig file: the system's, the fonts the PDF used, and the names the .docx asks for
    (宋体, 仿宋 …) mapped to them."""
    dirs = sorted({str(fonts.face(role).path.parent) for role in ("song", "fang", "hei", "kai", "title")})
    aliases = "".join(
        f"<alias binding='same'><family>{fonts.face(role).docx_name or fonts.face(role).family}</family>"
        f"<prefer><family>{fonts.face(role).family}</family></prefer></alias>"
        for role in ("song", "fang", "hei", "kai", "title"))
    conf = where / "fonts.conf"
    conf.write_text("<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
                    "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
                    + "".join(f"<dir>{d}</dir>" for d in dirs)
                    + f"<cachedir>{where / 'fc-cache'}</cachedir>{aliases}</fontconfig>", encoding="utf-8")
    return conf


def libreoffice_pdfs(files: list[Path], fonts: FontSet, where: Path) -> None:
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(fonts, where)))
    profile = (where / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(where), *map(str, files)], check=True, capture_output=True, timeout=600, env=env)


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler's pdftotext are needed to check the Word file as printed; "
           "the XML tests above cover the same behaviours")


@pytest.fixture(scope="module")
def converted(sample: Sample, tmp_path_factory: pytest.TempPathFactory) -> Converted:
    from exports.plans.pdf import render_pdf

    where = tmp_path_factory.mktemp("lo")
    files, ref = [], {}
    for name, doc in (("sink", sample.sink), ("demo", sample.demo), ("card", sample.card)):
        for key in STYLES:
            style = load_style(key)
            stem = f"{name}-{key}"
            result = render_pdf(doc, where / f"{stem}.ref.pdf", style=style, fonts=sample.fonts)
            target = where / f"{stem}.docx"
            target.write_bytes(docx_of(sample, doc, key, toc_pages=result.toc))
            files.append(target)
            ref[stem] = result
    libreoffice_pdfs(files, sample.fonts, where)
    return Converted({f.stem: f.with_suffix(".pdf") for f in files}, ref,
                     {f.stem: f.with_suffix(".ref.pdf") for f in files})


def _outline_pages(pdf: Path) -> dict[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    found: dict[str, int] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.setdefault(re.sub(r"\s+", "", item.title), reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    return found


@needs_libreoffice
@pytest.mark.parametrize("key", STYLES)
def test_libreoffice_puts_the_headings_on_the_pages_the_toc_gives(converted: Converted, key: str) -> None:
    from pypdf import PdfReader

    for name in ("sink", "demo"):
        stem = f"{name}-{key}"
        ref = converted.ref[stem]
        pages = _outline_pages(converted.pdf[stem])
        right = [t for t, page in ref.toc.items() if pages.get(re.sub(r"\s+", "", t)) == page]
        assert abs(len(PdfReader(str(converted.pdf[stem])).pages) - ref.pages) <= 1, stem
        # measured with LibreOffice 7.4: default 24/24 and 6/6 (or 8/8); GB/T 9704 fewer, as
        # LibreOffice does not hang a closing mark past a line's end (the PDF squeezes it in)
        wanted = 1.0 if key == "default" else 0.5
        assert len(right) >= wanted * len(ref.toc), (stem, sorted(set(ref.toc) - set(right)))


def _lines(pdf: Path, page: int) -> list[tuple[float, float, float, str, float]]:
    """(top, left, right, text, height) of each text line on ``page`` (points)."""
    raw = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = etree.fromstring(re.sub(r'xmlns="[^"]+"', "", raw).encode("utf-8"))
    return sorted((float(line.get("yMin")), float(line.get("xMin")), float(line.get("xMax")),
                   "".join(word.text or "" for word in line.iter("word")),
                   float(line.get("yMax")) - float(line.get("yMin"))) for line in root.iter("line"))


@needs_libreoffice
def test_libreoffice_gbt9704_lines_hold_28_characters_and_pages_22_lines(converted: Converted) -> None:
    from pypdf import PdfReader

    style = load_style("gbt9704")
    pdf = converted.pdf["sink-gbt9704"]
    left = style.page.left_mm * MM
    right = (style.page.width_mm - style.page.right_mm) * MM
    full: list[int] = []
    rows_per_page: list[int] = []
    for page in range(6, len(PdfReader(str(pdf)).pages) + 1):
        lines = [ln for ln in _lines(pdf, page) if style.page.top_mm * MM - 5 < ln[0] < (297 - style.page.bottom_mm) * MM]
        body = [ln for ln in lines if 1.2 * style.body.size_pt < ln[4] < 1.5 * style.body.size_pt]  # 3号
        rows_per_page.append(len({round(ln[0]) for ln in body}))
        full += [len(t) for top, x0, x1, t, _ in body
                 if abs(x0 - left) < 3 and x1 > right - 8 and not re.search(r"[A-Za-z0-9]", t)]
    assert full and max(full) == 28
    assert full.count(28) >= 0.6 * len(full)  # 27: a character went down with a closing mark
    text_pages = [n for n in rows_per_page if n > 15]
    assert text_pages and max(text_pages) <= 22


@needs_libreoffice
def test_libreoffice_page_number_dash_where_the_pdf_has_it(converted: Converted, tmp_path: Path) -> None:
    key = "gbt9704"
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is needed to find the dash on the rendered page")
    from PIL import Image

    def dash_mm(pdf: Path, page: int) -> float:
        stem = tmp_path / f"{pdf.stem}-{page}"
        subprocess.run(["pdftoppm", "-r", "300", "-f", str(page), "-l", str(page), "-png", str(pdf), str(stem)],
                       check=True)
        image = Image.open(next(tmp_path.glob(f"{stem.name}*.png"))).convert("L")
        px, (width, height) = image.load(), image.size
        dot = 300 / 25.4
        rows = [y for y in range(int(height - 40 * dot), height)
                if sum(1 for x in range(width) if px[x, y] < 100) > 2 * dot]  # a long thin bar: the dash
        return (height - (rows[0] + rows[-1]) / 2) / dot

    lo, pdf = dash_mm(converted.pdf[f"sink-{key}"], 6), dash_mm(converted.ref_pdf[f"sink-{key}"], 6)
    assert lo == pytest.approx(pdf, abs=0.3)  # the number's line where the PDF draws it
    assert 6.5 < load_style(key).page.bottom_mm - lo < 7.5  # the 一字线 7 mm below the text block


@needs_libreoffice
def test_libreoffice_keeps_chinese_line_breaking_rules(converted: Converted) -> None:
    r = rules()
    starts, ends = set("，。、；：》）”") & r.cannot_start, set("（《“") & r.cannot_end
    found = []
    for stem, pdf in converted.pdf.items():
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        found += [(stem, line) for line in map(str.strip, text.splitlines())
                  if line and (line[0] in starts or line[-1] in ends)]
    assert not found


@needs_libreoffice
@pytest.mark.parametrize("key", STYLES)
def test_libreoffice_prints_a_card_on_one_page(converted: Converted, key: str) -> None:
    from pypdf import PdfReader

    assert len(PdfReader(str(converted.pdf[f"card-{key}"])).pages) == 1
