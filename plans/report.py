"""A report on the generic document model: a title, a subtitle, titled sections of ``plans.document``
blocks — what the drill reports, the drill's documents, the annual drill plan, the stock card and the
inventory are made of (``plans.drills``, ``plans.supplies``), drawn by ``exports.report``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from plans.document import Block


@dataclass(frozen=True)
class ReportSection:
    title: str
    blocks: list[Block]
    level: int = 1
    row_height_mm: float | None = None  # the least height of its tables' body rows (room to sign or write)


@dataclass(frozen=True)
class ReportDocument:
    title: str
    subtitle: str
    author: str  # the unit (an enterprise, a warehouse) named in the file's properties
    header_text: str
    created: datetime
    sections: list[ReportSection] = field(default_factory=list)
    keywords: tuple[str, ...] = ()
    images: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)  # sha256 → (data, mime) of its Image blocks
    landscape: bool = False  # set on a landscape page (wide ledgers and lists)
