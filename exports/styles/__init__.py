"""House styles (版式) for exported plans: page, fonts by role, sizes, numbering, page numbers.

The styles are data (``exports/styles/*.json``, package data next to this code, each with its source): ``default`` (默认样式, 宋体/
黑体) and ``gbt9704`` (GB/T 9704 样式: A4, 37 mm top and 28 mm binding margins, 156 × 225 mm text
block, 3号仿宋 at 22 lines × 28 characters, headings 一、黑体 /（一）楷体 / 1. 仿宋 /（1）仿宋, page
numbers "— 1 —" in 4号宋体, odd pages right and even pages left). Both renderers read the same
``HouseStyle`` so Word and PDF agree. Font *roles* ("song", "fang", "hei", "kai", "title") are
resolved to real fonts by ``exports.fonts``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

from models.core.errors import DeskError

NumberScheme = Literal["decimal", "gbt9704"]  # how headings are numbered: 1 / 1.1, or 一、/（一）/1./（1）

STYLE_KEYS: tuple[str, ...] = ("default", "gbt9704")
DEFAULT_STYLE = "default"
MM = 72 / 25.4  # points per millimetre


class StyleError(DeskError):
    """An unknown or damaged house style."""


@dataclass(frozen=True)
class Page:
    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    header_mm: float  # distance of the header line from the top edge
    footer_mm: float  # distance of the page number line from the bottom edge

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm

    @property
    def text_height_mm(self) -> float:
        return self.height_mm - self.top_mm - self.bottom_mm


@dataclass(frozen=True)
class TextStyle:
    role: str
    size_pt: float
    leading_pt: float = 0.0  # 0: 1.5 × size
    bold: bool = False
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    first_line_indent_chars: float = 0.0
    indent_chars: float = 0.0  # headings: the first line's indent
    chars_per_line: int = 0  # a character grid (GB/T 9704: 28 × 22), 0: none
    lines_per_page: int = 0

    @property
    def leading(self) -> float:
        return self.leading_pt or round(self.size_pt * 1.5, 2)


@dataclass(frozen=True)
class TableStyle:
    role: str
    size_pt: float
    leading_pt: float
    header_role: str


@dataclass(frozen=True)
class PageNumber:
    format: str  # "第 {page} 页 共 {pages} 页" or "— {page} —"
    role: str
    size_pt: float
    position: Literal["center", "outside"]  # outside: odd pages right, even pages left
    inset_chars: float = 0.0

    def text(self, page: int, pages: int) -> str:
        return self.format.format(page=page, pages=pages)

    @property
    def needs_total(self) -> bool:
        return "{pages}" in self.format


@dataclass(frozen=True)
class Watermark:
    role: str
    size_pt: float
    gray: float
    angle: float


@dataclass(frozen=True)
class CardSizes:
    """A 应急处置卡 is one page: its smaller type sizes in this style."""

    body_size_pt: float
    body_leading_pt: float
    heading_size_pt: float
    title_size_pt: float
    table_size_pt: float
    table_leading_pt: float


@dataclass(frozen=True)
class HouseStyle:
    key: str
    label: str
    source: str
    page: Page
    numbering: NumberScheme
    body: TextStyle
    title: TextStyle
    cover_title: TextStyle
    headings: tuple[TextStyle, ...]
    table: TableStyle
    caption: TextStyle
    header: TextStyle
    page_number: PageNumber
    watermark: Watermark
    card: CardSizes | None = None

    def for_layout(self, layout: str) -> HouseStyle:
        """The style a document of ``layout`` is drawn in: a card ("card") in the card sizes."""
        if layout != "card" or self.card is None:
            return self
        c = self.card
        # a card is not a 公文: no character grid at its smaller sizes
        body = replace(self.body, size_pt=c.body_size_pt, leading_pt=c.body_leading_pt, chars_per_line=0,
                       lines_per_page=0)
        return replace(
            self, body=body, title=replace(self.title, size_pt=c.title_size_pt),
            headings=tuple(replace(h, size_pt=c.heading_size_pt, leading_pt=c.body_leading_pt, space_before_pt=min(
                h.space_before_pt, 4), space_after_pt=min(h.space_after_pt, 2)) for h in self.headings),
            table=replace(self.table, size_pt=c.table_size_pt, leading_pt=c.table_leading_pt),
            caption=replace(self.caption, size_pt=c.table_size_pt))

    def heading(self, level: int) -> TextStyle:
        """The style of a heading at ``level`` (1 = chapter; deeper levels share the last one)."""
        return self.headings[min(max(level, 1), len(self.headings)) - 1]

    def roles(self) -> set[str]:
        return {self.body.role, self.title.role, self.cover_title.role, self.table.role, self.table.header_role,
                self.caption.role, self.header.role, self.page_number.role, self.watermark.role,
                *(h.role for h in self.headings)}


def _text(data: dict[str, Any]) -> TextStyle:
    return TextStyle(**data)


def parse_style(data: dict[str, Any]) -> HouseStyle:
    try:
        return HouseStyle(
            key=data["key"], label=data["label"], source=data["source"], page=Page(**data["page"]),
            numbering=data["numbering"], body=_text(data["body"]), title=_text(data["title"]),
            cover_title=_text(data["cover_title"]), headings=tuple(_text(h) for h in data["headings"]),
            table=TableStyle(**data["table"]), caption=_text(data["caption"]), header=_text(data["header"]),
            page_number=PageNumber(**data["page_number"]), watermark=Watermark(**data["watermark"]),
            card=CardSizes(**data["card"]) if "card" in data else None)
    except (KeyError, TypeError) as exc:
        raise StyleError(f"版式“{data.get('label', data.get('key', '?'))}”的数据有误：{exc}") from None


@cache
def load_style(key: str = DEFAULT_STYLE) -> HouseStyle:
    """The shipped house style ``key`` (one of ``STYLE_KEYS``)."""
    if key not in STYLE_KEYS:
        raise StyleError(f"没有“{key}”版式，可选：" + "、".join(STYLE_KEYS))
    text = resources.files("exports.styles").joinpath(f"{key}.json").read_text(encoding="utf-8")
    return parse_style(json.loads(text))


def style_choices() -> list[tuple[str, str]]:
    """(label, key) for a style chooser."""
    return [(load_style(k).label, k) for k in STYLE_KEYS]
