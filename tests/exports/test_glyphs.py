"""The exports never print a missing glyph: what a role's font lacks is drawn in a font that has it.

The machine this was written on had no CJK font at all, and a machine whose only CJK font is
WenQuanYi Zen Hei has every character but "•": bullets printed as blanks. Here a font made from the
shipped one without "•" (and a few characters of the header, the page numbers and the watermark)
stands in for such a font, so these tests take the fallback path on any machine; and the files
made with the machine's own fonts, and with no installed font at all, are checked the same way:
every character of the PDF is shown in a font with a glyph for it, every run of the .docx names one.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from exports import fonts as font_module
from exports.fonts import ROLES, FontSet, bundled_face, find_fonts
from exports.plans.docx import render_docx
from exports.plans.pdf import render_pdf
from exports.styles import load_style
from models.plans.entities import Plan
from plans.document import Paragraph
from plans.plans.print_model import PrintDocument
from tests.conftest import make_db
from tests.exports.glyphs import docx_misses, lacking_font, pdf_misses, pdf_runs, strings
from tests.exports.samples import add_kitchen_sink, fill_demo, print_doc

# "•" (bullets), "控" (the running header 受控), "页" (第 X 页 共 Y 页), "稿" (the watermark 草稿)
DROPPED = "•控页稿"
STYLES = ["default", "gbt9704"]


@dataclasses.dataclass
class Sample:
    sink: PrintDocument
    draft: PrintDocument
    lacking: FontSet  # every role in a font without the DROPPED characters


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    folder = tmp_path_factory.mktemp("glyphs")
    db = make_db("sqlite", folder)
    fill_demo(db, count=1)
    sink = print_doc(db, add_kitchen_sink(db))
    with db.read() as s:
        draft_id = s.scalar(select(Plan.id).where(Plan.status == "draft").order_by(Plan.id).limit(1))
    assert draft_id is not None
    draft = print_doc(db, draft_id)
    db.dispose()
    # a paragraph with a bullet character in its text, besides the bullet lists
    first = sink.sections[0]
    sink = dataclasses.replace(sink, sections=[
        dataclasses.replace(first, blocks=[*first.blocks, Paragraph("要点：•先救人，•后救物。")]), *sink.sections[1:]])
    keep = "".join(set("".join(strings(sink)) + "".join(strings(draft)) + "第页共—附件另行装订数据来源注：．0123456789"))
    font = lacking_font(bundled_face("song").path, folder / "edesk-test-sans.ttf", keep, DROPPED)
    lacking = find_fonts([folder / "无"], preferences={role: font for role in ROLES})
    assert all(lacking.face(role).path == font for role in ROLES)
    yield Sample(sink, draft, lacking)


def _pdf(doc: PrintDocument, key: str, fonts: FontSet) -> tuple[bytes, list[str], list[str]]:
    buffer = io.BytesIO()
    result = render_pdf(doc, buffer, style=load_style(key), fonts=fonts)
    return buffer.getvalue(), result.fonts, result.warnings


def _docx(doc: PrintDocument, key: str, fonts: FontSet) -> tuple[bytes, list[str], list[str]]:
    buffer = io.BytesIO()
    result = render_docx(doc, buffer, style=load_style(key), fonts=fonts)
    return buffer.getvalue(), result.fonts, result.warnings


def test_the_shipped_font_draws_bullets_numbers_and_page_marks() -> None:
    face = bundled_face("song")
    bundled_only = FontSet({role: bundled_face(role) for role in ROLES})
    assert bundled_only.missing_glyphs("•·●■—…“”‘’（）、。，：；第页共0123456789.ABCabc℃", "song") == set()
    assert bundled_only.chain("fang") == (bundled_only.face("fang"),)  # nothing to fall back to
    assert face.bundled and face.path.name == "wqy-microhei.ttc"


def test_the_chain_puts_the_shipped_font_right_after_the_roles_own(sample: Sample) -> None:
    fonts = sample.lacking
    chain = fonts.chain("fang")
    assert chain[0] == fonts.face("fang") and chain[1].bundled and len(chain) == 2
    assert fonts.missing_glyphs("要点•", "fang") == {"•"}
    assert fonts.unprintable("要点•", "fang") == set()
    assert fonts.unprintable("要点\U0010fffd", "fang") == {"\U0010fffd"}
    runs = fonts.runs("要点：• 先救人", "fang")
    assert [(face.bundled, text) for face, text in runs] == [(False, "要点："), (True, "• "), (False, "先救人")]
    assert fonts.face_for("•", "song").bundled and not fonts.face_for("应急", "song").bundled
    assert fonts.covers("应急预案", "song") and not fonts.covers("应急•预案", "song")


@pytest.mark.parametrize("key", STYLES)
def test_pdf_bullets_come_from_a_font_that_has_them(sample: Sample, key: str) -> None:
    data, font_lines, warnings = _pdf(sample.sink, key, sample.lacking)
    assert warnings == []
    assert pdf_misses(data, sample.lacking) == []
    bullets = [(face, text) for _, face, text in pdf_runs(data, sample.lacking) if "•" in text]
    assert len(bullets) >= 5  # three list bullets, two in the paragraph
    assert all(face.bundled for face, _ in bullets)
    assert any("缺少的" in line and "•" in line and "文泉驿微米黑" in line for line in font_lines)


@pytest.mark.parametrize("key", STYLES)
def test_pdf_header_page_numbers_and_watermark_fall_back_too(sample: Sample, key: str) -> None:
    data, _, warnings = _pdf(sample.draft, key, sample.lacking)
    assert warnings == []
    assert pdf_misses(data, sample.lacking) == []
    shown = {text.strip() for _, face, text in pdf_runs(data, sample.lacking) if face.bundled}
    assert "稿" in "".join(shown) and "控" in "".join(shown)
    if key == "default":
        assert "页" in "".join(shown)


@pytest.mark.parametrize("key", STYLES)
def test_docx_runs_name_a_font_that_has_their_characters(sample: Sample, key: str) -> None:
    for doc in (sample.sink, sample.draft):
        data, font_lines, warnings = _docx(doc, key, sample.lacking)
        assert warnings == []
        assert docx_misses(data, sample.lacking) == []
        assert any("•" in line or "控" in line for line in font_lines)
    body = _docx(sample.sink, key, sample.lacking)[0]
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        xml = z.read("word/document.xml").decode()
    assert 'w:eastAsia="WenQuanYi Micro Hei"' in xml  # the runs of "•" name the shipped font


def test_characters_no_font_has_are_reported_in_both_formats(sample: Sample) -> None:
    first = sample.sink.sections[0]
    doc = dataclasses.replace(sample.sink, sections=[
        dataclasses.replace(first, blocks=[Paragraph("无法显示\U0010fffd")]), *sample.sink.sections[1:]])
    for render in (_pdf, _docx):
        _, _, warnings = render(doc, "default", sample.lacking)
        assert len(warnings) == 1 and "U+10FFFD" in warnings[0] and "方框" in warnings[0]


@pytest.fixture
def no_installed_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FontSet]:
    """The fonts of a machine with no font at all (no fontconfig, empty font folders)."""
    monkeypatch.setattr(font_module, "_fontconfig_records", lambda: ())
    monkeypatch.delenv(font_module.ENV_FONT_DIR, raising=False)
    font_module.clear_cache()
    (tmp_path / "fonts").mkdir()
    yield find_fonts([tmp_path / "fonts"])
    font_module.clear_cache()


@pytest.mark.parametrize("key", STYLES)
def test_without_any_installed_font_bullets_print(sample: Sample, no_installed_fonts: FontSet, key: str) -> None:
    fonts = no_installed_fonts
    assert all(fonts.face(role).bundled for role in ROLES)
    data, _, warnings = _pdf(sample.sink, key, fonts)
    assert warnings == []
    assert pdf_misses(data, fonts) == []
    assert sum("•" in text for _, _, text in pdf_runs(data, fonts)) >= 5
    data, _, warnings = _docx(sample.sink, key, fonts)
    assert warnings == [] and docx_misses(data, fonts) == []


@pytest.mark.parametrize("key", STYLES)
def test_with_the_machine_fonts_every_glyph_is_there(sample: Sample, key: str) -> None:
    fonts = find_fonts()
    for doc in (sample.sink, sample.draft):
        data, _, warnings = _pdf(doc, key, fonts)
        assert warnings == [] and pdf_misses(data, fonts) == []
        data, _, warnings = _docx(doc, key, fonts)
        assert warnings == [] and docx_misses(data, fonts) == []
