"""The plain text of a stored section: what is searched and what search snippets show.

Sections keep their content once, as the JSON blocks of ``plans.document`` (``plan_section.blocks``);
the text is derived from them where it is needed (the search index, snippets) and never stored a
second time. ``section_text`` equals ``plans.document.plain_text`` of the same section (a test
holds the two together).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def block_text(block: Mapping[str, Any]) -> str:
    """The words of one stored block (no markup; page breaks have none)."""
    kind = block.get("type")
    if kind == "paragraph":
        return str(block.get("text", ""))
    if kind in ("bullet_list", "numbered_list"):
        return "\n".join(str(item) for item in block.get("items", ()))
    if kind == "table":
        return "\n".join("\t".join(str(cell.get("text", "")) for cell in row) for row in block.get("rows", ()))
    if kind == "image":
        return str(block.get("caption", ""))
    return ""


def body_text(blocks: Iterable[Mapping[str, Any]]) -> str:
    """Paragraphs, list items, table cells and image captions, one per line."""
    return "\n".join(t for t in (block_text(b) for b in blocks) if t)


def section_text(title: str, blocks: Iterable[Mapping[str, Any]]) -> str:
    """The title, then the body (as ``plans.document.plain_text``)."""
    return "\n".join(p for p in (title, body_text(blocks)) if p)
