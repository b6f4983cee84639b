"""Word styles and numbering definitions: heading levels along the ``basedOn`` chain, and the
label Word would show for an automatically numbered paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from plans.word_import.numbering import format_number
from plans.word_import.ooxml import Element, on, part_xml, to_int, val, w

_HEADING_STYLE_RE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TOC_STYLE_RE = re.compile(r"^(?:toc|目录)\s*[1-9]?$|^toc heading$|^目录标题$", re.IGNORECASE)
CAPTION_NAMES = {"caption", "题注"}
TITLE_NAMES = {"title", "标题"}


class Styles:
    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id: dict[str, Element] = {}
        self.default_paragraph: str | None = None
        for st in root.iterchildren(w("style")):
            sid = st.get(w("styleId"))
            if sid is None:
                continue
            self.by_id[sid] = st
            if st.get(w("type")) == "paragraph" and st.get(w("default")) in ("1", "true", "on"):
                self.default_paragraph = sid
        self._names: dict[str, list[str]] = {}
        self._props: dict[tuple[str | None, str], Element | None] = {}
        self._based: dict[tuple[str | None, frozenset[str]], bool] = {}
        self._jc: dict[str | None, str | None] = {}
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        self.default_bold = on(defaults.find(w("b"))) if defaults is not None else False
        size = defaults.find(w("sz")) if defaults is not None else None
        self.default_size = to_int(val(size), 21) / 2 if size is not None else 10.5

    def names(self, sid: str | None) -> list[str]:
        """The style's name and aliases ("heading 1,标题 1,H1"), lower-cased."""
        key = sid or ""
        if key not in self._names:
            st = self.by_id.get(key)
            if st is None:
                self._names[key] = []
            else:
                name = val(st.find(w("name")), sid) or ""
                aliases = val(st.find(w("aliases")), "") or ""
                self._names[key] = [n.strip().lower() for n in (name + "," + aliases).split(",") if n.strip()]
        return self._names[key]

    def chain(self, sid: str | None) -> Iterator[tuple[str, Element]]:
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen and len(seen) < 30:
            seen.add(sid)
            st = self.by_id[sid]
            yield sid, st
            sid = val(st.find(w("basedOn")))

    def heading_level(self, sid: str | None) -> int | None:
        for s, st in self.chain(sid):
            for name in self.names(s):
                m = _HEADING_STYLE_RE.match(name)
                if m:
                    return int(m.group(1))
            lvl = st.find(f"{w('pPr')}/{w('outlineLvl')}")
            if lvl is not None:
                value = to_int(val(lvl), 9)
                return value + 1 if 0 <= value <= 8 else None
        return None

    def is_named(self, sid: str | None, names: set[str]) -> bool:
        return any(n in names for n in self.names(sid))

    def is_based_on(self, sid: str | None, names: set[str]) -> bool:
        """The style or one it is based on has one of ``names`` (封面标题 based on Title)."""
        key = (sid, frozenset(names))
        if key not in self._based:
            self._based[key] = any(self.is_named(s, names) for s, _st in self.chain(sid))
        return self._based[key]

    def run_property(self, sid: str | None, tag: str) -> Element | None:
        """The nearest ``w:rPr/w:tag`` along the style's ``basedOn`` chain."""
        key = (sid, tag)
        if key not in self._props:
            self._props[key] = next((found for _s, st in self.chain(sid)
                                     if (found := st.find(f"{w('rPr')}/{w(tag)}")) is not None), None)
        return self._props[key]

    def justification(self, sid: str | None) -> str | None:
        """The nearest ``w:pPr/w:jc`` value along the style's ``basedOn`` chain."""
        if sid not in self._jc:
            jc = next((found for _s, st in self.chain(sid) if (found := st.find(f"{w('pPr')}/{w('jc')}")) is not None),
                      None)
            self._jc[sid] = val(jc) if jc is not None else None
        return self._jc[sid]

    def is_toc(self, sid: str | None) -> bool:
        return any(_TOC_STYLE_RE.match(n) for n in self.names(sid))

    def num_pr(self, sid: str | None) -> tuple[str, int | None] | None:
        for _s, st in self.chain(sid):
            num = st.find(f"{w('pPr')}/{w('numPr')}")
            if num is not None:
                num_id = val(num.find(w("numId")))
                if num_id is None:
                    continue
                ilvl = num.find(w("ilvl"))
                return num_id, to_int(val(ilvl), 0) if ilvl is not None else None
        return None


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    pstyle: str | None = None
    legal: bool = False


class Numbering:
    """Word numbering definitions and the running counters that give each paragraph its label."""

    def __init__(self, document: Any, styles: Styles) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNumId → numbering style it takes levels from
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self.styles = styles
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        self.last_value = 1  # the counter of the paragraph ``next_label`` numbered last
        root = self._root(document)
        if root is None:
            return
        for ab in root.iterchildren(w("abstractNum")):
            aid = ab.get(w("abstractNumId")) or ""
            self.abstract[aid] = {to_int(lvl.get(w("ilvl")), 0): self._level(lvl) for lvl in ab.iterchildren(w("lvl"))}
            link = val(ab.find(w("numStyleLink")))
            if link:
                self.style_link[aid] = link
        for num in root.iterchildren(w("num")):
            nid = num.get(w("numId")) or ""
            aid = val(num.find(w("abstractNumId")), "") or ""
            starts: dict[int, int] = {}
            levels: dict[int, Level] = {}
            for ov in num.iterchildren(w("lvlOverride")):
                ilvl = to_int(ov.get(w("ilvl")), 0)
                so = ov.find(w("startOverride"))
                if so is not None:
                    starts[ilvl] = to_int(val(so), 1)
                lvl = ov.find(w("lvl"))
                if lvl is not None:
                    levels[ilvl] = self._level(lvl)
            self.nums[nid] = (aid, starts, levels)

    @staticmethod
    def _root(document: Any) -> Element | None:
        for rel in document.part.rels.values():
            if rel.reltype.endswith("/numbering") and not rel.is_external:
                return part_xml(rel.target_part)
        return None

    @staticmethod
    def _level(lvl: Element) -> Level:
        return Level(start=to_int(val(lvl.find(w("start"))), 1), fmt=val(lvl.find(w("numFmt")), "decimal") or "decimal",
                      text=val(lvl.find(w("lvlText")), "") or "", pstyle=val(lvl.find(w("pStyle"))),
                      legal=on(lvl.find(w("isLgl"))))

    def abstract_id(self, num_id: str) -> str | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        aid = entry[0]
        link = self.style_link.get(aid)
        if link and not self.abstract.get(aid):
            linked = self.styles.num_pr(link)
            if linked and linked[0] in self.nums and linked[0] != num_id:
                return self.nums[linked[0]][0]
        return aid

    def level(self, num_id: str, ilvl: int) -> Level | None:
        entry = self.nums.get(num_id)
        aid = self.abstract_id(num_id)
        if entry is None or aid is None:
            return None
        return entry[2].get(ilvl) or self.abstract.get(aid, {}).get(ilvl)

    def ilvl_for_style(self, num_id: str, style_id: str | None) -> int:
        aid = self.abstract_id(num_id)
        for ilvl, lvl in self.abstract.get(aid or "", {}).items():
            if style_id and lvl.pstyle == style_id:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, Level] | None:
        """Advance the counters for a paragraph at (num_id, ilvl); its label and level definition."""
        aid = self.abstract_id(num_id)
        level = self.level(num_id, ilvl)
        if aid is None or level is None:
            return None
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.used:
            self.used.add(num_id)
            for lvl_no, start in self.nums[num_id][1].items():
                if 0 <= lvl_no < 9:
                    counters[lvl_no] = start - 1
        ilvl = max(0, min(ilvl, 8))
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        self.last_value = counters[ilvl] or 0
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if level.fmt == "bullet":
            return level.text, level

        def part(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k < 9:
                return ""
            lv = self.level(num_id, k) or Level()
            value = counters[k] if counters[k] is not None else lv.start
            assert value is not None
            return format_number(value, "decimal" if level.legal and k < ilvl else lv.fmt)

        return re.sub(r"%([1-9])", part, level.text), level
