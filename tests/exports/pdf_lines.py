"""The lines of an exported PDF as a reader sees them: text extracted from the file itself.

Each line this product's layout draws starts a text line of its own (a ``Tm`` origin); what is shown
from there, run after run (a font subset or a fallback font changes the run), is one line. Lines are
returned per page in drawing order, with their origin, so tests can check where they start and end.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PdfReader


@dataclass(frozen=True)
class PdfLine:
    page: int  # 1-based
    x: float  # the line's origin on the page, in points
    y: float
    text: str


def pdf_lines(source: object) -> list[PdfLine]:
    reader = PdfReader(source)  # type: ignore[arg-type]
    out: list[PdfLine] = []
    for number, page in enumerate(reader.pages, 1):
        lines: dict[tuple[float, float], list[str]] = {}

        def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object,
                  lines: dict[tuple[float, float], list[str]] = lines) -> None:
            if not text:
                return
            x = round(cm[4] + tm[4] * cm[0], 1)
            y = round(cm[5] + tm[5] * cm[3], 1)
            lines.setdefault((x, y), []).append(text.replace("\n", ""))

        page.extract_text(visitor_text=visit)
        for (x, y), parts in lines.items():
            text = "".join(parts)
            if text.strip():
                out.append(PdfLine(number, x, y, text))
    return out
