"""What the PDF and the Word renderer share: what a document says about itself, and table columns.

``DocumentInfo`` is what the generic renderers draw around any document's blocks (a plan, a
drill report, a roster): metadata for the file's properties, the running header, the watermark
and the pictures the blocks refer to. Each kind of document fills it from its own print model
(``exports.plans.info`` for a plan).

``column_widths`` is the one rule for the widths of a table's columns, used by both renderers
(each measures the text in the fonts it draws with and brings its own cell padding), so a table
has the same proportions in the .pdf and the .docx of a document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

LATIN_RUN = re.compile(r"[!-~]+")  # a run of ASCII that should not be broken inside a table column

Measure = Callable[[str, bool], float]
"""``measure(text, header)``: the width in points of one line of ``text`` in the header font
(``header`` true) or the body font of a table."""


@dataclass(frozen=True)
class DocumentInfo:
    """What a document says about itself, for the renderers (all of it plain text)."""

    title: str
    author: str
    subject: str
    keywords: Sequence[str]
    created: datetime  # the content's own time: the same content gives the same file
    header_text: str = ""  # the running header of every page but a cover
    watermark: str | None = None  # drawn diagonally on every page ("草稿", "作废")
    images: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)  # sha256 → (data, mime)
    category: str = ""  # Word's core properties: category, content status, identifier, version
    status: str = ""
    identifier: str = ""
    version: str = ""


def column_widths(texts: Sequence[Sequence[str]], *, header_rows: int, available: float, size: float,
                  pad: float, measure: Measure, measured: Sequence[Sequence[float]] | None = None,
                  spanned: Collection[tuple[int, int]] = ()) -> list[float]:
    """Column widths in points that fill ``available`` (the text width), for a table whose cells
    (rows of equal length) hold ``texts`` set at ``size`` points with ``pad`` points of padding
    left and right together.

    Each column's *natural* width is its longest line of text (a header counts up to four
    characters: headers wrap well); its *minimum* is two characters, or its longest run of Latin
    letters and digits up to eight characters, or the whole text up to ten characters when it
    holds a run of four or more (a phone number or a model after a name: CJK line breaking would
    cut it in the middle). When the natural widths do not fit, the table is made as short as it
    can be: the smallest number of lines for which every column, given that share of its text (and
    at least its minimum), fits; the width left over unwraps the columns that nearly fit, then goes
    to the others by what they lack. Cells covered by a merged cell (``spanned``, as (column, row))
    do not count. ``measured`` are the cells' widths (their longest line) when the caller has
    them already.
    """
    columns = len(texts[0])
    if measured is None:
        measured = [[max(measure(line, r < header_rows) for line in text.split("\n")) if text else 0.0
                     for text in row] for r, row in enumerate(texts)]
    natural = [2 * size + pad] * columns
    minimum = [2 * size + pad] * columns
    for r, row in enumerate(texts):
        head = r < header_rows
        for c, text in enumerate(row):
            if not text or (c, r) in spanned:
                continue
            width = measured[r][c]
            natural[c] = max(natural[c], (min(width, 4 * size) if head else width) + pad)
            runs = LATIN_RUN.findall(text)
            if runs:  # a phone number or a model number should not be broken
                longest = max(runs, key=len)
                keep = width if len(longest) >= 4 and width <= 10 * size else min(measure(longest, head), 8 * size)
                minimum[c] = max(minimum[c], keep + pad)
    natural = [max(n, m) for n, m in zip(natural, minimum, strict=True)]
    total = sum(natural)
    if total <= available:
        return [n * available / total for n in natural]
    if sum(minimum) >= available:
        return [m * available / sum(minimum) for m in minimum]
    # the fewest lines the wrapping columns can do with: each gets 1/lines of its text, plus a
    # character for the rounding of characters to lines
    lines = 2
    while True:  # ends: at many lines every column is at its minimum, and those fit
        widths = [min(n, max(m, (n - pad) / lines + size + pad)) for n, m in zip(natural, minimum, strict=True)]
        if sum(widths) <= available:
            break
        lines += 1
    left = available - sum(widths)
    gaps = {c: natural[c] - widths[c] for c in range(columns) if natural[c] - widths[c] > 0.01}
    for c in sorted(gaps, key=lambda c: gaps[c]):  # the rest: first to unwrap the nearly fitting,
        if gaps[c] > left:
            break
        left -= gaps[c]
        widths[c] = natural[c]
        del gaps[c]
    wanting = sum(gaps.values())
    for c in gaps:  # then shared by what the others still lack
        widths[c] += left * gaps[c] / wanting
    return widths
