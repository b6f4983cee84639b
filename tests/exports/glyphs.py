"""Checking that an exported file draws every character with a font that has a glyph for it.

``pdf_misses`` reads a PDF back (pypdf, every text run with the font it is shown in, form
XObjects included) and ``docx_misses`` a Word file (every run's effective font: its own
``w:rFonts``, else its paragraph style's, through ``w:basedOn``, else the document defaults; list
bullets and numbers with their level's font; the watermark's font-family). Each answers the
characters drawn in a font that lacks them, as readable lines; [] is good. The fonts are known by
the ``FontSet`` the file was made with. A character reportlab finds no glyph for leaves no trace in
the PDF's text at all, so a test also checks that the characters it expects are there.

``lacking_font`` makes a TrueType font from the shipped one without some characters (fontTools),
to stand in for a machine's CJK font that lacks "•" (WenQuanYi Zen Hei does).
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from lxml import etree
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont

from exports.fonts import ROLES, FontFace, FontSet

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "v": "urn:schemas-microsoft-com:vml"}
_TTFONTS: dict[tuple[Path, int], TTFont] = {}


def _ttfont(face: FontFace) -> TTFont:
    key = (face.path, face.subfont_index)
    if key not in _TTFONTS:
        _TTFONTS[key] = TTFont(f"check{len(_TTFONTS)}", str(face.path), subfontIndex=face.subfont_index)
    return _TTFONTS[key]


def faces(fonts: FontSet) -> list[FontFace]:
    """Every font the set may draw with: the roles' fonts and their fallback chains."""
    out: dict[tuple[Path, int], FontFace] = {}
    for role in ROLES:
        for face in fonts.chain(role):
            out.setdefault((face.path, face.subfont_index), face)
    return list(out.values())


def has_glyph(face: FontFace, ch: str) -> bool:
    return ch.isspace() or bool(_ttfont(face).face.charToGlyph.get(ord(ch)))


# --------------------------------------------------------------------------------------------- PDF


def pdf_runs(data: bytes, fonts: FontSet) -> Iterator[tuple[int, FontFace, str]]:
    """(1-based page, font, text) of every text run of the PDF."""
    by_name = {}
    for face in faces(fonts):
        tt = _ttfont(face).face
        by_name[(tt.name + tt.subfontNameX).decode("latin-1")] = face
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, 1):
        runs: list[tuple[FontFace, str]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, runs: list[tuple[FontFace, str]] = runs) -> None:
            if not text.strip():
                return
            assert font is not None, f"text without a font: {text!r}"
            base = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            assert base in by_name, f"a font that is not one of the set's: {base}"
            runs.append((by_name[base], text))

        page.extract_text(visitor_text=visit)
        for face, text in runs:
            yield number, face, text


def pdf_misses(data: bytes, fonts: FontSet) -> list[str]:
    misses = []
    for page, face, text in pdf_runs(data, fonts):
        lacking = sorted({ch for ch in text if not has_glyph(face, ch)})
        if lacking:
            misses.append(f"page {page}: {''.join(lacking)!r} in {face.display_name} ({text.strip()[:30]!r})")
    return misses


# -------------------------------------------------------------------------------------------- Word


def word_names(fonts: FontSet) -> dict[str, FontFace]:
    """Font name in a .docx → the font it stands for: a role's name for the role's own font, the
    family for the fonts that stand in for it (see ``exports.docx.WordFonts``)."""
    names: dict[str, FontFace] = {}
    for role in ROLES:
        face = fonts.face(role)
        name = face.docx_name or face.family
        same = names.get(name, face)
        assert (same.path, same.subfont_index) == (face.path, face.subfont_index), f"two fonts called {name}"
        names[name] = face
    for face in faces(fonts):
        names.setdefault(face.family, face)
    return names


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _east_asia(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        return None
    names = {fonts.get(_w(a)) for a in ("ascii", "hAnsi", "eastAsia", "cs")}
    assert len(names) == 1, f"a run with different fonts for its scripts: {names}"
    return names.pop()


def docx_misses(data: bytes, fonts: FontSet) -> list[str]:
    names = word_names(fonts)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: etree.fromstring(z.read(n)) for n in z.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*|styles|numbering)\.xml", n)}
    styles = parts.pop("word/styles.xml")
    default = _east_asia(styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}"))
    by_id = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}

    def style_font(style_id: str | None) -> str | None:
        while style_id is not None and style_id in by_id:
            style = by_id[style_id]
            found = _east_asia(style.find(_w("rPr")))
            if found:
                return found
            based = style.find(_w("basedOn"))
            style_id = based.get(_w("val")) if based is not None else None
        return default

    misses: list[str] = []

    def check(where: str, font: str | None, text: str) -> None:
        assert font in names, f"{where}: the font {font!r} is none of the set's ({sorted(names)})"
        lacking = sorted({ch for ch in text if not has_glyph(names[font], ch)})
        if lacking:
            misses.append(f"{where}: {''.join(lacking)!r} in {font} ({text[:30]!r})")

    numbering = parts.pop("word/numbering.xml", None)
    if numbering is not None:
        for lvl in numbering.iter(_w("lvl")):
            shown = re.sub(r"%\d", "0123456789", lvl.find(_w("lvlText")).get(_w("val")))
            check("numbering", _east_asia(lvl.find(_w("rPr"))), shown)
    for name, root in parts.items():
        for p in root.iter(_w("p")):
            pstyle = p.find(f"{_w('pPr')}/{_w('pStyle')}")
            paragraph_font = style_font(pstyle.get(_w("val")) if pstyle is not None else "Normal")
            for r in p.iter(_w("r")):
                text = "".join(t.text or "" for t in r.iter(_w("t")))
                if text:
                    check(name, _east_asia(r.find(_w("rPr"))) or paragraph_font, text)
        for path in root.iterfind(".//v:textpath[@string]", NS):
            family = re.search(r'font-family:"([^"]+)"', path.get("style", ""))
            check(f"{name} watermark", family.group(1) if family else None, path.get("string"))
    return misses


# ------------------------------------------------------------------------------------ test fonts


def strings(value: object) -> Iterator[str]:
    """Every string inside a (print) model: dataclasses, sequences and mappings walked through."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, Iterable) and not isinstance(value, bytes | bytearray):
        for item in value:
            yield from strings(item)


def lacking_font(source: Path, target: Path, keep: str, drop: str, family: str = "EDesk Test Sans") -> Path:
    """A TrueType font with the glyphs of ``keep`` (and ASCII) from ``source`` (subfont 0), but
    none for the characters of ``drop``, named ``family``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont as FTFont

    font = FTFont(str(source), fontNumber=0)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["FFTM"]
    wanted = {ord(ch) for ch in keep} | set(range(0x20, 0x7F))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted - {ord(ch) for ch in drop})
    subsetter.subset(font)
    postscript = re.sub(r"[^A-Za-z0-9]", "", family)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID in (3, 6):
            record.string = postscript
    font.save(str(target))
    return target
