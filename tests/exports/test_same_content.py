"""Word and PDF of the same plan carry the same headings, tables and images (one model, two renderers)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from exports.plans.export import render_plan
from exports.styles import load_style
from models.core.database import Database
from plans.document import Image, Table
from tests.conftest import make_db
from tests.exports.samples import add_kitchen_sink, fill_demo, print_doc


@pytest.fixture(scope="module")
def sink_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = make_db("sqlite", tmp_path_factory.mktemp("same"))
    fill_demo(db, count=1)
    db.sink_id = add_kitchen_sink(db)  # type: ignore[attr-defined]
    yield db
    db.dispose()


def outline_titles(reader: PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)

    walk(reader.outline)
    return out


@pytest.mark.parametrize("style_key", ["default", "gbt9704"])
def test_word_and_pdf_have_the_same_headings_tables_and_images(sink_db, style_key: str) -> None:
    doc = print_doc(sink_db, sink_db.sink_id)
    style = load_style(style_key)
    pdf = render_plan(doc, "pdf", style=style)
    word = render_plan(doc, "docx", style=style, toc_pages=pdf.result.toc)
    expected = doc.headings(style.numbering)
    assert pdf.result.headings == word.result.headings == expected
    docx = WordDocument(io.BytesIO(word.data))
    word_headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    separate = {a.heading for a in doc.annexes if a.separate}  # only in the annex index, as in the PDF
    assert word_headings == [h for h in expected if h not in separate]
    titles = outline_titles(PdfReader(io.BytesIO(pdf.data)))
    assert [t for t in titles if t in expected] == expected  # bookmarks in the same order
    blocks = [b for s in doc.sections for b in s.blocks] + [b for a in doc.annexes for b in a.blocks]
    body_tables = sum(isinstance(b, Table) for b in blocks)
    front_tables = 2 + 1  # sign-off, revision history, cover fields
    assert len(docx.tables) >= body_tables + 2 and len(docx.tables) <= body_tables + front_tables
    images = sum(isinstance(b, Image) for b in blocks)
    assert len(docx.inline_shapes) == images
    pdf_images = sum(len(page.images) for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert pdf_images == images
