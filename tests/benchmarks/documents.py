"""Plan document benchmarks (``python -m tests.benchmarks --only documents``).

- ``pdf``: a ≈ 200-page plan (the exporter tests' kitchen-sink plan, its chapters repeated) →
  PDF through ``exports.plans.pdf.render_pdf`` (cover, front matter, 目次 with page numbers, headers,
  "第 X 页 共 Y 页", bookmarks); floor: bare reportlab building the same flowables (the renderer's
  own story) on plain page templates — no header, page numbers, outline or number forms; goal ≤ 1.3×.
- ``LibreOffice``: LibreOffice (``soffice --headless --convert-to pdf``) converting this
  product's .docx of the same plan, one cold run, against our PDF export; goal: ours ≥ 10× faster.
  Skipped with a message when ``soffice`` is not installed.
- ``docx``: the same plan → .docx through ``exports.plans.docx.render_docx``; goal ≤ 1 s.
- ``archive``: ``exports.plans.archive.export_archive`` of a demo district sample's plans (PDF only, into
  a fresh folder): plans per second, for information.
"""

from __future__ import annotations

import dataclasses
import io
import math
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tests.benchmarks.results import Result

PDF_GOAL_RATIO = 1.3
LIBREOFFICE_GOAL = 10.0
DOCX_GOAL_S = 1.0
TARGET_PAGES = 200
AS_OF = date(2026, 11, 29)


def _median_s(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _enlarge(doc: Any, copies: int) -> Any:
    """The document with its chapters repeated ``copies`` times (numbers continue, keys stay unique)."""
    from plans.plans.print_model import PrintSection

    chapters = max(s.path[0] for s in doc.sections if s.path)
    sections = [PrintSection(f"{s.key}~{i}", s.title, s.level,
                             (s.path[0] + i * chapters, *s.path[1:]) if s.path else (), s.blocks)
                for i in range(copies) for s in doc.sections]
    return dataclasses.replace(doc, sections=sections)


def _bare_reportlab(doc: Any, style: Any, fonts: Any) -> bytes:
    """The floor: the renderer's flowables built by a plain reportlab document template."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from exports.plans.pdf import PlanPdf

    renderer = PlanPdf(doc, style, fonts, None)
    story = renderer.story()
    for flowable in story:  # the 目次 lines' leader and page number forms are the renderer's own work
        if getattr(flowable, "end", None) is not None:
            flowable.end = None

    buffer = io.BytesIO()
    template = BaseDocTemplate(buffer, pagesize=(renderer.page_w, renderer.page_h), leftMargin=renderer.left,
                               rightMargin=renderer.right, topMargin=renderer.top, bottomMargin=renderer.bottom,
                               invariant=1, initialFontName=renderer.font("song"))
    frame = Frame(renderer.left, renderer.bottom, renderer.text_w, renderer.text_h, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    template.addPageTemplates([PageTemplate(id="cover", frames=[frame]), PageTemplate(id="body", frames=[frame])])
    template.build(story, canvasmaker=Canvas)
    return buffer.getvalue()


def bench_documents(runs: int) -> list[Result]:
    from exports.fonts import find_fonts
    from exports.plans.docx import render_docx
    from exports.plans.pdf import render_pdf
    from exports.styles import load_style
    from models.modules import open_database
    from tests.exports.samples import add_kitchen_sink, fill_demo, print_doc

    work = Path(tempfile.mkdtemp(prefix="edesk-bench-docs-"))
    try:
        db = open_database(str(work / "docs.sqlite"))
        fill_demo(db, count=2)
        base = print_doc(db, add_kitchen_sink(db))
        style, fonts = load_style("default"), find_fonts()
        fonts.register_reportlab()
        one = render_pdf(_enlarge(base, 1), io.BytesIO(), style=style, fonts=fonts).pages or 1
        four = render_pdf(_enlarge(base, 4), io.BytesIO(), style=style, fonts=fonts).pages or 4
        per_copy = max(1.0, (four - one) / 3)  # the front matter and annexes come once
        doc = _enlarge(base, max(1, math.ceil((TARGET_PAGES - (one - per_copy)) / per_copy)))
        pages = render_pdf(doc, io.BytesIO(), style=style, fonts=fonts).pages
        ours = _median_s(lambda: render_pdf(doc, io.BytesIO(), style=style, fonts=fonts), runs)
        floor = _median_s(lambda: _bare_reportlab(doc, style, fonts), runs)
        ratio = ours / floor
        results = [Result(f"{pages}-page plan → PDF", ours * 1000, "ms", floor * 1000, "bare reportlab, same flowables",
                          f"≤ {PDF_GOAL_RATIO}×", ratio <= PDF_GOAL_RATIO)]
        docx_path = work / "plan.docx"
        docx_s = _median_s(lambda: render_docx(doc, docx_path, style=style, fonts=fonts), runs)
        results.append(Result(f"{pages}-page plan → DOCX", docx_s * 1000, "ms", goal=f"≤ {DOCX_GOAL_S:g} s",
                              ok=docx_s <= DOCX_GOAL_S))
        results.append(_libreoffice(docx_path, work, ours, pages))
        results.append(_archive(work))
        db.dispose()
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _libreoffice(docx: Path, work: Path, ours_s: float, pages: int | None) -> Result:
    name = f"LibreOffice: {pages}-page .docx → PDF"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return Result(name, None, "ms", note="skipped: LibreOffice (soffice) is not installed")
    profile = work / "lo-profile"
    start = time.perf_counter()
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work / "lo"), str(docx)], check=True, capture_output=True, timeout=900)
    lo = time.perf_counter() - start
    speedup = lo / ours_s
    return Result(name, lo * 1000, "ms", ours_s * 1000, "this product's PDF export",
                  f"LibreOffice ≥ {LIBREOFFICE_GOAL:g}× slower", speedup >= LIBREOFFICE_GOAL,
                  note="LibreOffice converting this product's .docx of the same plan, cold start")


def _archive(work: Path) -> Result:
    from exports.plans.archive import ArchiveFilter, export_archive
    from models.modules import open_database
    from plans import demo

    db = open_database(str(work / "district.sqlite"))
    demo.generate(db, count=25, seed=3)
    start = time.perf_counter()
    result = export_archive(db, ArchiveFilter(), work / "archive", as_of=AS_OF, exported_at=datetime(2026, 11, 29),
                            exported_by="bench")
    seconds = time.perf_counter() - start
    db.dispose()
    plans = len(result.entries)
    return Result("archive: plans per second", plans / seconds, "plans/s",
                  note=f"{plans} plans of 25 demo enterprises, PDF, default style")
