"""Export one plan to Word or PDF: the one entry the window, the CLI and the archive use.

``load_print_document`` reads a plan as it prints; ``render_plan`` turns it into bytes in either
format; ``export_plan`` renders it and writes the file atomically (nothing under the final name unless complete).
The .docx is laid out as the PDF is (same page, line pitch, page breaks and keep rules), so its 目次
and annex index carry the PDF's page numbers: the caller's (``toc_pages``, when it has made the PDF
of the same document in the same style already), else those of a PDF rendered in memory for them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exports.files import write_atomically
from exports.fonts import FontSet, find_fonts
from exports.result import ExportResult, Format
from exports.styles import DEFAULT_STYLE, HouseStyle, load_style
from models.core.database import Database
from plans.plans.annexes import AnnexBuilder
from plans.plans.print_model import PrintDocument, build_print_document

FORMATS: dict[str, str] = {"pdf": "PDF 文档", "docx": "Word 文档"}


@dataclass(frozen=True)
class Rendered:
    data: bytes
    result: ExportResult


def render_plan(doc: PrintDocument, fmt: Format, *, style: HouseStyle, fonts: FontSet | None = None,
                toc_pages: Mapping[str, int] | None = None,
                cancel: Callable[[], bool] | None = None) -> Rendered:
    """The file's bytes in ``fmt`` ("pdf" or "docx") and what the renderer reported. A .docx's 目次
    takes ``toc_pages`` (``ExportResult.toc`` of the PDF of ``doc`` in ``style``) or, without it,
    the pages of that PDF rendered here."""
    fonts = fonts or find_fonts()
    buffer = io.BytesIO()
    if fmt == "pdf":
        from exports.plans.pdf import render_pdf

        result = render_pdf(doc, buffer, style=style, fonts=fonts, cancel=cancel)
    elif fmt == "docx":
        from exports.plans.docx import render_docx

        if toc_pages is None and doc.layout != "card":  # a card has no 目次
            toc_pages = pdf_toc(doc, style=style, fonts=fonts, cancel=cancel)
        result = render_docx(doc, buffer, style=style, fonts=fonts, toc_pages=toc_pages, cancel=cancel)
    else:
        raise ValueError(f"未知的导出格式：{fmt}")
    return Rendered(buffer.getvalue(), result)


def pdf_toc(doc: PrintDocument, *, style: HouseStyle, fonts: FontSet | None = None,
            cancel: Callable[[], bool] | None = None) -> dict[str, int]:
    """Heading → page in the PDF of ``doc`` in ``style`` (rendered in memory, not kept): the page
    numbers of the Word file's 目次."""
    from exports.plans.pdf import render_pdf

    return render_pdf(doc, io.BytesIO(), style=style, fonts=fonts or find_fonts(), cancel=cancel).toc


def load_print_document(db: Database, plan_id: int, *, as_of: date, version_id: int | None = None,
                        annex_builders: Sequence[AnnexBuilder] | None = None) -> PrintDocument:
    """The printed plan; ``annex_builders`` is the product's list (``plans.annexes.BUILDERS``,
    handed down by the window and the CLI; None: the plan package's own)."""
    with db.read() as session:
        if annex_builders is None:
            return build_print_document(session, plan_id, as_of=as_of, version_id=version_id)
        return build_print_document(session, plan_id, as_of=as_of, version_id=version_id,
                                    annex_builders=annex_builders)


def export_plan(doc: PrintDocument, fmt: Format, target: Path, *, style_key: str = DEFAULT_STYLE,
                cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Write the printed plan (from ``load_print_document``) to ``target`` in ``fmt``."""
    rendered = render_plan(doc, fmt, style=load_style(style_key), cancel=cancel)
    write_atomically(Path(target), rendered.data)
    return rendered.result
