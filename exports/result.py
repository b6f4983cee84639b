"""What an export produced, as both renderers report it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["pdf", "docx"]


@dataclass(frozen=True)
class ExportResult:
    format: Format
    pages: int | None  # PDF: the page count; DOCX: None (Word paginates on opening)
    headings: list[str]  # body and annex headings in order, as printed (numbered in the house style)
    fonts: list[str]  # Chinese lines saying which font served each role (and which fell back)
    warnings: list[str] = field(default_factory=list)  # e.g. characters no font can draw
    toc: dict[str, int] = field(default_factory=dict)  # PDF: heading → page number (fills the Word TOC)
