"""The WordprocessingML vocabulary every step of the Word import shares: namespaces, the ``w:`` tag
helper, attribute readers, a part's XML and an element's plain text.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS_M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
NS_V = "urn:schemas-microsoft-com:vml"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"


def w(tag: str) -> str:
    return f"{{{NS_W}}}{tag}"


Element = Any  # lxml elements (python-docx's oxml classes); lxml ships no type stubs


def val(el: Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(w("val"), default)


def on(el: Element | None) -> bool:
    """A Word on/off property: present and not switched off."""
    return el is not None and el.get(w("val"), "true") not in ("0", "false", "off")


def to_int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def part_xml(part: Any) -> Element:
    element = getattr(part, "element", None)
    return element if element is not None else etree.fromstring(part.blob)


def plain(el: Element) -> str:
    """All visible text under an element (paragraphs on separate lines)."""
    out: list[str] = []
    for node in el.iter(w("t"), w("tab"), w("p"), f"{{{NS_M}}}t"):
        if node.tag == w("p"):
            if out and out[-1] != "\n":
                out.append("\n")
        elif node.tag == w("tab"):
            out.append("\t")
        else:
            out.append(node.text or "")
    return "".join(out)
