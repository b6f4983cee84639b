"""The CJK TrueType fonts of the Word and PDF exports: 宋体, 仿宋, 黑体, 楷体 and 小标宋.

A GB/T 9704 document uses five font roles (domain.md §7): ``"title"`` 小标宋 for the title,
``"fang"`` 仿宋 for the body and the "1." / "（1）" headings, ``"hei"`` 黑体 for "一、", ``"kai"``
楷体 for "（一）" and ``"song"`` 宋体 for page numbers. ``find_fonts()`` resolves every role to
one installed TrueType font (a .ttf, or one subfont of a .ttc collection), in the order of the
catalogue ``fonts.json``: the genuine fonts first (Windows, macOS, Founder, Linux), then the
fonts of other roles as substitutes (代用), and last the openly licensed font shipped with the
application (WenQuanYi Micro Hei 文泉驿微米黑, Apache-2.0, in ``exports/fonts/``; it covers CJK and
Latin, digits and symbols). A role therefore always
resolves; ``FontFace.fallback`` and ``FontSet.report()`` say when it is not the font asked for.

A font found for a role may still lack a character (WenQuanYi Zen Hei has no "•"). Each role has a
*chain* — its own font, then the shipped font, then the other roles' fonts — and the renderers draw
a character in the first font of the chain that has it (``runs``, ``face_for``; ``covers`` is the
quick test that nothing needs to fall back). ``GlyphLog`` collects what a rendering drew, to say
which characters fell back to which font and which no font has (``unprintable``).

Discovery opens no font it does not need: installed fonts are known by their file names (a walk
of the font folders, no file read) or from one ``fc-list`` call on Linux, matched by name against
the catalogue, and only the file chosen for a role is opened (its table directory, and the name
tables of a collection) to check that reportlab can embed it: TrueType outlines (``glyf``), not
CFF (``.otf``/``.ttc`` of Noto CJK or Source Han: ``CFF ``/``CFF2`` table, ``OTTO``), and a
licence that allows embedding. A rejected file is listed in the report and the search goes on.
Results are cached per arguments; ``clear_cache()`` forgets them (after fonts were installed).

Usage::

    fonts = find_fonts()
    names = fonts.register_reportlab()           # {"fang": "EDesk-uming-0-…", …}
    body = ParagraphStyle("正文", fontName=names["fang"], fontSize=16, leading=28)
    fonts.missing_glyphs(text, "fang")           # characters the 仿宋 font cannot draw
    fonts.runs("要点：•先救人", "fang")            # [(仿宋 face, "要点："), (shipped face, "•"), (仿宋 face, "先救人")]
    fonts.unprintable(text, "fang")              # characters no font of the chain draws
    fonts.face("fang").docx_name                 # "仿宋": the name for w:eastAsia in a .docx
    for line in fonts.report(): ...              # "仿宋：AR PL UMing CN（…uming.ttc，未找到仿宋，代用）"

Folder ``EMERGENCY_DESK_FONT_DIR`` (several separated by ``os.pathsep``) is searched before
everything else, e.g. for a 方正小标宋简体 file that is not installed.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import importlib.resources
import json
import logging
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final, Literal, get_args

from models.core.errors import DeskError

if TYPE_CHECKING:  # reportlab is imported when a font is registered or measured, not for discovery
    from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

Role = Literal["song", "fang", "hei", "kai", "title"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
ENV_FONT_DIR: Final = "EMERGENCY_DESK_FONT_DIR"
FONT_SUFFIXES: Final = frozenset({".ttf", ".ttc", ".otf", ".otc"})

_CFF = "CFF（PostScript）轮廓字体，reportlab 无法嵌入 PDF"


class FontError(DeskError):
    """No usable font at all (only when the font shipped with the application is missing)."""


@dataclass(frozen=True)
class FontFace:
    """The font one role resolved to.

    ``family`` is the family name as fontconfig/the font reports it, ``display_name`` the name to
    show (e.g. "仿宋", "AR PL UMing CN"), ``docx_name`` the font name to write into a .docx for
    Word/WPS (the role's standard Windows font when the font found here has no Word name).
    ``fallback`` is true when this is not a font of the role asked for (a substitute or the
    bundled font); ``bundled`` when it is the font shipped with the application.
    """

    role: Role
    display_name: str
    family: str
    path: Path
    subfont_index: int
    docx_name: str
    fallback: bool
    bundled: bool = False

    @property
    def reportlab_name(self) -> str:
        """The name ``register_reportlab`` registers this font under (one per file and subfont)."""
        slug = re.sub(r"[^A-Za-z0-9]+", "", self.path.stem)[:24] or "font"
        digest = hashlib.sha1(str(self.path).encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
        return f"EDesk-{slug}-{self.subfont_index}-{digest}"


@dataclass(frozen=True)
class SkippedFont:
    """A font file that matched a candidate by name but cannot be used, and why (Chinese)."""

    path: Path
    subfont_index: int
    reason: str


@dataclass(frozen=True, eq=False)
class FontSet:
    """One font per role (``faces`` has every role of ``ROLES``), with what was passed over."""

    faces: Mapping[Role, FontFace]
    skipped: tuple[SkippedFont, ...] = ()
    notes: tuple[str, ...] = ()
    _chains: dict[Role, tuple[FontFace, ...]] = field(default_factory=dict, init=False, repr=False)
    _drawn: dict[Role, set[str]] = field(default_factory=dict, init=False, repr=False)
    _advances: dict[tuple[Path, int], Callable[[str, float], float]] = field(default_factory=dict, init=False,
                                                                              repr=False)

    def face(self, role: Role) -> FontFace:
        try:
            return self.faces[role]
        except KeyError:
            raise KeyError(f"unknown font role {role!r}; the roles are {', '.join(ROLES)}") from None

    def report(self) -> list[str]:
        """Chinese lines for the log or an export's message: which font each role uses, where it
        is, whether it is a substitute; then the font files passed over and other notes."""
        catalogue = _catalogue()
        lines = []
        for role in ROLES:
            face = self.faces[role]
            label = catalogue.roles[role].label
            where = f"随软件附带，{face.path}" if face.bundled else str(face.path)
            if face.subfont_index:
                where += f" 中第 {face.subfont_index + 1} 款"
            if face.fallback:
                where += f"，未找到{label}，代用"
            lines.append(f"{label}：{face.display_name}（{where}）")
        for skipped in self.skipped:
            which = f" 中第 {skipped.subfont_index + 1} 款" if skipped.subfont_index else ""
            lines.append(f"已跳过：{skipped.path}{which}（{skipped.reason}）")
        lines.extend(self.notes)
        return lines

    def register_reportlab(self) -> dict[Role, str]:
        """Register every role's font with reportlab (a ``TTFont``, and a font family whose bold
        and italic are the same font, so that ``<b>``/``<i>`` in a Paragraph keep working) and
        return the reportlab font name of each role. Calling it again registers nothing new.
        Fonts are embedded as subsets when a PDF uses them."""
        return {role: self.reportlab_font(self.faces[role]) for role in ROLES}

    def reportlab_font(self, face: FontFace) -> str:
        """Register ``face`` with reportlab (once) and return its reportlab font name: a role's
        font, or a font of a role's ``chain`` that draws what the role's font lacks."""
        from reportlab.pdfbase import pdfmetrics

        name = face.reportlab_name
        with _REGISTER_LOCK:
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(_ttfont(name, str(face.path), face.subfont_index))
                pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
        return name

    def missing_glyphs(self, text: str, role: Role) -> set[str]:
        """The characters of ``text`` the role's font has no glyph for (they would print as blanks
        or boxes). Whitespace, control and format characters and variation selectors are ignored."""
        cmap = _cmap(self.face(role))
        return {ch for ch in set(text) if not _invisible(ch) and not cmap.get(ord(ch))}

    # --- falling back, character by character

    def chain(self, role: Role) -> tuple[FontFace, ...]:
        """The fonts that draw ``role``'s text, in order: the role's own font, then the font
        shipped with the application (it covers CJK, Latin, digits and the usual symbols, "•"
        among them), then the other roles' fonts. A character is drawn in the first of them that
        has a glyph for it (``runs``), so a machine's only CJK font lacking "•" still prints
        bullets."""
        found = self._chains.get(role)
        if found is None:
            faces = [self.face(role), bundled_face(role), *(self.faces[r] for r in ROLES)]
            seen: set[tuple[Path, int]] = set()
            chain = []
            for face in faces:
                if (face.path, face.subfont_index) not in seen:
                    seen.add((face.path, face.subfont_index))
                    chain.append(face)
            found = self._chains[role] = tuple(chain)
        return found

    def covers(self, text: str, role: Role) -> bool:
        """Whether the role's own font draws every visible character of ``text`` (cheap when it
        does: the characters already checked are remembered)."""
        known = self._drawn.setdefault(role, set())
        chars = set(text)
        if chars <= known:
            return True
        cmap = _cmap(self.face(role))
        lacking = False
        for ch in chars - known:
            if _invisible(ch) or cmap.get(ord(ch)):
                known.add(ch)
            else:
                lacking = True
        return not lacking

    def face_for(self, text: str, role: Role) -> FontFace:
        """The first font of the role's chain that draws every visible character of ``text`` (for
        what cannot change font in the middle: a bullet, a watermark), else the role's font."""
        if self.covers(text, role):
            return self.face(role)
        visible = [ch for ch in set(text) if not _invisible(ch)]
        for face in self.chain(role)[1:]:
            cmap = _cmap(face)
            if all(cmap.get(ord(ch)) for ch in visible):
                return face
        return self.face(role)

    def runs(self, text: str, role: Role) -> list[tuple[FontFace, str]]:
        """``text`` cut into runs, each with the font that draws it: the role's font wherever it
        has the glyph, else the first font of ``chain`` that has it (a character no font has stays
        with the role's font, and ``unprintable`` reports it). Spaces stay in the run they are in."""
        own = self.face(role)
        if self.covers(text, role):
            return [(own, text)] if text else []
        chain = self.chain(role)
        cmaps = [_cmap(face) for face in chain]
        out: list[tuple[FontFace, str]] = []
        current, start = own, 0
        for i, ch in enumerate(text):
            if _invisible(ch):
                continue
            code = ord(ch)
            face = next((f for f, cmap in zip(chain, cmaps, strict=True) if cmap.get(code)), own)
            if face is not current:
                if i > start:
                    out.append((current, text[start:i]))
                current, start = face, i
        out.append((current, text[start:]))
        return out

    def unprintable(self, text: str, role: Role) -> set[str]:
        """The characters of ``text`` that no font of the role's chain draws (printed as blanks or
        boxes whatever the renderer does)."""
        missing = self.missing_glyphs(text, role)
        for face in self.chain(role)[1:]:
            if not missing:
                break
            cmap = _cmap(face)
            missing = {ch for ch in missing if not cmap.get(ord(ch))}
        return missing

    def advance(self, role: Role) -> Callable[[str, float], float]:
        """``width(text, size)``: the width in points of one line of ``text`` at ``size`` in the
        role's font (its advance widths; a character it lacks counts as its default width). Both
        renderers size table columns with it (``exports.layout.column_widths``)."""
        face = self.face(role)
        found = self._advances.get((face.path, face.subfont_index))
        if found is None:
            with _REGISTER_LOCK:
                metrics = _ttfont(face.reportlab_name, str(face.path), face.subfont_index).face
            get, default = metrics.charWidths.get, metrics.defaultWidth

            def found(text: str, size: float) -> float:
                return 0.001 * size * sum([get(ord(ch), default) for ch in text])

            self._advances[(face.path, face.subfont_index)] = found
        return found


class GlyphLog:
    """What one rendering drew in which font role, for its report: which characters were drawn
    in a fallback font (``fonts`` lines) and which no font has (``warnings``)."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self._texts: dict[Role, list[str]] = {}

    def add(self, role: Role, text: str) -> None:
        self._texts.setdefault(role, []).append(text)

    def fallbacks(self) -> list[str]:
        """Chinese lines: "宋体：文泉驿正黑缺少的 1 个字符由文泉驿微米黑（随软件附带）绘制：•"."""
        labels = _catalogue().roles
        lines = []
        for role, texts in self._texts.items():
            text = "".join(texts)
            if self.fonts.covers(text, role):
                continue
            used: dict[FontFace, set[str]] = {}
            own = self.fonts.face(role)
            for face, run in self.fonts.runs(text, role):
                if face is not own:
                    used.setdefault(face, set()).update(ch for ch in run if not _invisible(ch))
            for face, chars in used.items():
                where = "（随软件附带）" if face.bundled else ""
                lines.append(f"{labels[role].label}：{own.display_name}缺少的 {len(chars)} 个字符由"
                             f"{face.display_name}{where}绘制：{_shown(chars)}")
        return lines

    def warnings(self, where: str) -> list[str]:
        """Chinese warnings about the characters no font draws (shown as blanks or boxes in
        ``where``, e.g. "PDF 中")."""
        labels = _catalogue().roles
        out = []
        for role, texts in self._texts.items():
            missing = self.fonts.unprintable("".join(texts), role)
            if missing:
                first = sorted(missing, key=ord)[:5]
                codes = "，".join(f"U+{ord(ch):04X}" for ch in first)
                face = self.fonts.face(role)
                out.append(
                    f"{labels[role].label}字体“{face.display_name}”及软件附带的字体都缺少 {len(missing)} 个字符，"
                    f"{where}将显示为空白或方框：{_shown(missing)}（{codes}）。请安装含这些字符的字体，或修改文字。")
        return out


def _shown(chars: Iterable[str]) -> str:
    ordered = sorted(chars, key=ord)
    return "、".join(ordered[:40]) + ("等" if len(ordered) > 40 else "")


def bundled_face(role: Role) -> FontFace:
    """The font shipped with the application, serving ``role``."""
    catalogue = _catalogue()
    return FontFace(role, catalogue.bundled_name, catalogue.bundled_family, _bundled_path(), 0,
                    catalogue.roles[role].docx_name, fallback=True, bundled=True)


def find_fonts(search_dirs: Sequence[str | os.PathLike[str]] | None = None,
               preferences: Mapping[str, str | os.PathLike[str]] | None = None) -> FontSet:
    """Resolve every role to a font; cached per arguments (and ``EMERGENCY_DESK_FONT_DIR``).

    ``search_dirs``: folders to search instead of the platform's font folders (Windows
    ``%WINDIR%\\Fonts`` and the per-user fonts folder; macOS ``/System/Library/Fonts``,
    ``/Library/Fonts``, ``~/Library/Fonts``; on Linux fontconfig, or without ``fc-list`` the
    usual font folders). Fontconfig is asked in either case where it exists.
    ``preferences``: per role, a font to try before the catalogue: the path of a font file, or a
    name (a catalogue entry such as "仿宋_GB2312", or any family name fontconfig knows). A
    preference that cannot be used is reported in ``FontSet.notes``.
    """
    dirs = None if search_dirs is None else tuple(Path(d).expanduser() for d in search_dirs)
    prefs = []
    for role, value in (preferences or {}).items():
        if role not in ROLES:
            raise ValueError(f"unknown font role {role!r}; the roles are {', '.join(ROLES)}")
        if str(value).strip():
            prefs.append((role, os.fspath(value).strip()))
    return _find_fonts(dirs, tuple(sorted(prefs)), os.environ.get(ENV_FONT_DIR, ""))


def clear_cache() -> None:
    """Forget every discovery result (e.g. after fonts were installed or the settings changed)."""
    _find_fonts.cache_clear()
    _fc_list.cache_clear()
    _inspect.cache_clear()


# --- the catalogue (fonts.json) -------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """A catalogue entry: one font and how to recognise it."""

    id: str
    cls: str  # the role it is a genuine font for
    display_name: str
    families: tuple[str, ...]
    files: tuple[str, ...]
    docx_name: str | None


@dataclass(frozen=True)
class _RoleSpec:
    label: str
    docx_name: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class _Catalogue:
    roles: dict[str, _RoleSpec]
    faces: dict[str, _Spec]
    bundled_file: str
    bundled_name: str
    bundled_family: str


@functools.cache
def _catalogue() -> _Catalogue:
    data = json.loads(importlib.resources.files("exports").joinpath("fonts.json").read_text(encoding="utf-8"))
    faces = {
        key: _Spec(key, f["class"], f["display_name"], tuple(f["families"]), tuple(f["files"]), f.get("docx_name"))
        for key, f in data["faces"].items()
    }
    roles = {
        role: _RoleSpec(r["label"], r["docx_name"], tuple(r["candidates"])) for role, r in data["roles"].items()
    }
    unknown = {c for r in roles.values() for c in r.candidates} - faces.keys()
    if set(roles) != set(ROLES) or unknown:
        raise ValueError(f"fonts.json: roles {sorted(roles)}, unknown candidates {sorted(unknown)}")
    bundled = data["bundled"]
    return _Catalogue(roles, faces, bundled["file"], bundled["display_name"], bundled["family"])


_RESOURCES = contextlib.ExitStack()
atexit.register(_RESOURCES.close)


@functools.cache
def _bundled_path() -> Path:
    """The shipped font as a file (extracted for the process's lifetime if the package is zipped)."""
    resource = importlib.resources.files("exports").joinpath("fonts", _catalogue().bundled_file)
    if not resource.is_file():
        raise FontError(f"软件附带的中文字体文件缺失（exports/fonts/{_catalogue().bundled_file}），无法生成文档，请重新安装本软件。")
    return _RESOURCES.enter_context(importlib.resources.as_file(resource))


# --- reading font files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _SubFont:
    index: int
    families: tuple[tuple[str, str], ...]  # (language "en"/"zh"/"", family) from name IDs 16 and 1
    styles: tuple[str, ...]  # name IDs 17 and 2
    problem: str | None  # why reportlab cannot use it


_ZH_WINDOWS_LANGS = frozenset({0x0804, 0x0404, 0x0C04, 0x1004, 0x1404})


def _read_at(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise ValueError("文件不完整")
    return data


@functools.lru_cache(maxsize=256)
def _inspect(path: str, mtime_ns: int, size: int) -> tuple[_SubFont, ...]:
    """The subfonts of a font file (one unless it is a collection). Reads the headers, table
    directories, name tables and OS/2 ``fsType`` only. Raises OSError, ValueError, struct.error."""
    del mtime_ns, size  # cache key only
    with open(path, "rb") as f:
        head = _read_at(f, 0, 12)
        if head[:4] == b"ttcf":
            (count,) = struct.unpack(">I", head[8:12])
            if not 0 < count <= 256:
                raise ValueError(f"字体集中字体数目异常（{count}）")
            offsets: tuple[int, ...] = struct.unpack(f">{count}I", _read_at(f, 12, 4 * count))
        else:
            offsets = (0,)
        return tuple(_subfont(f, path, i, offset) for i, offset in enumerate(offsets))


def _subfont(f: BinaryIO, path: str, index: int, offset: int) -> _SubFont:
    head = _read_at(f, offset, 12)
    flavor = head[:4]
    (count,) = struct.unpack(">H", head[4:6])
    if count > 512:
        raise ValueError(f"字体表数目异常（{count}）")
    raw = _read_at(f, offset + 12, 16 * count)
    tables = {raw[16 * i:16 * i + 4]: struct.unpack(">II", raw[16 * i + 8:16 * i + 16]) for i in range(count)}
    problem = _problem(f, path, flavor, tables)
    try:
        families, styles = _names(f, tables.get(b"name"))
    except (ValueError, struct.error):  # a damaged name table only costs the names
        families, styles = (), ()
    return _SubFont(index, families, styles, problem)


def _problem(f: BinaryIO, path: str, flavor: bytes, tables: dict[bytes, tuple[int, int]]) -> str | None:
    if flavor == b"OTTO" or b"CFF " in tables or b"CFF2" in tables:
        return _CFF
    if flavor not in (b"\x00\x01\x00\x00", b"true"):
        return "不是 TrueType 字体文件"
    if not {b"glyf", b"loca", b"cmap"} <= tables.keys():
        return "缺少 TrueType 字形表（glyf/loca/cmap）"
    if b"OS/2" in tables:  # reportlab refuses to subset such fonts, and CJK fonts cannot go whole
        from reportlab import rl_config

        (fs_type,) = struct.unpack(">H", _read_at(f, tables[b"OS/2"][0] + 8, 2))
        if (fs_type == 0x0002 or fs_type & 0x0300) and os.path.basename(path) not in rl_config.allowTTFSubsetting:
            return f"字体授权不允许嵌入 PDF（fsType {fs_type:#06x}）"
    return None


def _names(f: BinaryIO, entry: tuple[int, int] | None) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    if entry is None:
        return (), ()
    offset, length = entry
    data = _read_at(f, offset, min(length, 1 << 20))
    _format, count, strings = struct.unpack_from(">HHH", data, 0)
    families: list[tuple[str, str]] = []
    styles: list[str] = []
    for i in range(count):
        platform, encoding, language, name_id, size, start = struct.unpack_from(">6H", data, 6 + 12 * i)
        if name_id not in (1, 2, 16, 17):
            continue
        text = _decode_name(platform, encoding, data[strings + start:strings + start + size]).strip("\0 ")
        if not text:
            continue
        if name_id in (2, 17):
            styles.append(text)
            continue
        if platform == 3:
            lang = "zh" if language in _ZH_WINDOWS_LANGS else "en" if language == 0x0409 else ""
        else:
            lang = "en" if (platform, language) == (1, 0) else "zh" if (platform, language) in ((1, 19), (1, 33)) else ""
        families.append((lang, text))
    return tuple(dict.fromkeys(families)), tuple(dict.fromkeys(styles))


def _decode_name(platform: int, encoding: int, raw: bytes) -> str:
    if platform == 0 or (platform == 3 and encoding in (0, 1, 10)):
        return raw.decode("utf-16-be", "replace")
    if platform == 3 and encoding in (3, 4):  # PRC / Big5, as 16-bit units
        return bytes(b for b in raw if b).decode("gbk" if encoding == 3 else "big5", "replace")
    if platform == 1 and encoding == 0:
        return raw.decode("mac_roman", "replace")
    if platform == 1 and encoding in (2, 25):
        return raw.decode("big5" if encoding == 2 else "gbk", "replace")
    return ""


def _read_font(path: Path) -> tuple[tuple[_SubFont, ...], str | None]:
    try:
        stat = path.stat()
        return _inspect(str(path), stat.st_mtime_ns, stat.st_size), None
    except (OSError, ValueError, struct.error) as e:
        return (), f"无法读取字体文件：{e}"


def _family(sub: _SubFont, lang: str = "en") -> str | None:
    for want in (lang, "en", "", "zh"):
        for have, name in sub.families:
            if have == want:
                return name
    return None


# --- finding installed fonts ----------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def _style_rank(style: str) -> int:
    """0 for a regular face, 1 for light/medium, 2 for bold, italic, thin and the like."""
    s = style.casefold()
    if any(w in s for w in ("bold", "black", "heavy", "italic", "oblique", "thin", "ultralight",
                            "extralight", "hairline")):
        return 2
    return 1 if ("light" in s or "medium" in s) else 0


@dataclass(frozen=True)
class _FcRecord:
    path: Path
    index: int
    families: tuple[str, ...]
    style: str


def _fontconfig_records() -> tuple[_FcRecord, ...]:
    """Every font fontconfig knows (one ``fc-list`` call, cached), or () without fontconfig
    (Windows, macOS, Linux without fc-list)."""
    return _fc_list()


@functools.cache
def _fc_list() -> tuple[_FcRecord, ...]:
    if sys.platform in ("win32", "darwin"):
        return ()
    exe = shutil.which("fc-list")
    if exe is None:
        return ()
    try:
        result = subprocess.run([exe, "--format", r"%{file}\t%{index}\t%{family}\t%{style}\n"],
                                capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        log.warning("fc-list failed, searching the font folders instead: %s", e)
        return ()
    records = []
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[1].isdigit():
            continue
        file, index, family, style = parts
        if int(index) >> 16:  # a named instance of a variable font: the base font is listed too
            continue
        families = tuple(_fc_unescape(n) for n in re.split(r"(?<!\\),", family) if n)
        records.append(_FcRecord(Path(file), int(index), families, _fc_unescape(style)))
    records.sort(key=lambda r: (str(r.path), r.index))
    return tuple(records)


def _fc_unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _platform_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows"
        dirs = [Path(windir) / "Fonts"]
        if local := os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), data_home / "fonts", home / ".fonts"]


def _scan(dirs: Iterable[Path]) -> dict[str, list[Path]]:
    """Font files under ``dirs`` by lower-case name without extension (names only, nothing read)."""
    found: dict[str, list[Path]] = {}
    seen: set[str] = set()
    for top in dirs:
        for root, subdirs, files in os.walk(top, followlinks=True):
            real = os.path.realpath(root)
            if real in seen:
                subdirs.clear()
                continue
            seen.add(real)
            subdirs.sort()
            for name in sorted(files):
                stem, suffix = os.path.splitext(name)
                if suffix.lower() in FONT_SUFFIXES:
                    found.setdefault(stem.casefold(), []).append(Path(root, name))
    return found


@dataclass(frozen=True)
class _Hit:
    path: Path
    index: int
    family: str


class _Finder:
    """Matches catalogue entries against the installed fonts: files in the explicit folders first,
    then fontconfig, then the platform's font folders; the first usable match wins."""

    def __init__(self, first: dict[str, list[Path]], fontconfig: tuple[_FcRecord, ...],
                 last: dict[str, list[Path]]) -> None:
        self.first = first
        self.fontconfig = fontconfig
        self.last = last
        self.skipped: dict[tuple[Path, int], str] = {}
        self._located: dict[_Spec, _Hit | None] = {}

    def locate(self, spec: _Spec) -> _Hit | None:
        if spec not in self._located:
            self._located[spec] = next((h for h in self._candidates(spec) if self._usable(h)), None)
        return self._located[spec]

    def _usable(self, hit: _Hit) -> bool:
        subfonts, error = _read_font(hit.path)
        problem = error or (subfonts[hit.index].problem if hit.index < len(subfonts)
                            else f"字体集中没有第 {hit.index + 1} 款字体")
        if problem:
            self.skipped.setdefault((hit.path, hit.index), problem)
            log.info("font %s#%d skipped: %s", hit.path, hit.index, problem)
        return problem is None

    def _candidates(self, spec: _Spec) -> Iterator[_Hit]:
        yield from self._in_files(self.first, spec)
        yield from self._in_fontconfig(spec)
        yield from self._in_files(self.last, spec)

    def _in_files(self, index: dict[str, list[Path]], spec: _Spec) -> Iterator[_Hit]:
        for name in spec.files:
            for path in index.get(Path(name).stem.casefold(), ()):
                yield from self._subfonts(path, spec)

    def _in_fontconfig(self, spec: _Spec) -> Iterator[_Hit]:
        wanted = {_norm(f) for f in spec.families}
        by_family = [r for r in self.fontconfig if wanted & {_norm(f) for f in r.families}]
        for record in sorted(by_family, key=lambda r: _style_rank(r.style)):
            yield _Hit(record.path, record.index, record.families[0])
        stems = {Path(name).stem.casefold() for name in spec.files}
        by_file = dict.fromkeys(r.path for r in self.fontconfig if r.path.stem.casefold() in stems)
        for path in by_file:
            yield from self._subfonts(path, spec)

    def _subfonts(self, path: Path, spec: _Spec) -> Iterator[_Hit]:
        """A single font file matched by name is taken as it is; in a collection only the subfonts
        of the entry's families count (SimSun, not NSimSun; WenQuanYi Zen Hei, not its Mono)."""
        subfonts, error = _read_font(path)
        if error:
            self.skipped.setdefault((path, 0), error)
            return
        if len(subfonts) == 1:
            yield _Hit(path, 0, _family(subfonts[0]) or spec.families[0])
            return
        wanted = {_norm(f) for f in spec.families}
        matching = [s for s in subfonts if wanted & {_norm(name) for _, name in s.families}]
        for sub in sorted(matching, key=lambda s: _style_rank(" ".join(s.styles))):
            yield _Hit(path, sub.index, _family(sub) or spec.families[0])


@functools.lru_cache(maxsize=16)
def _find_fonts(dirs: tuple[Path, ...] | None, prefs: tuple[tuple[str, str], ...], env: str) -> FontSet:
    catalogue = _catalogue()
    env_dirs = [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    fontconfig = _fontconfig_records()
    last = _scan(_platform_dirs()) if dirs is None and not fontconfig else {}
    finder = _Finder(_scan([*env_dirs, *(dirs or ())]), fontconfig, last)
    preferred = dict(prefs)
    faces: dict[Role, FontFace] = {}
    notes: list[str] = []
    for role in ROLES:
        role_spec = catalogue.roles[role]
        face = None
        if role in preferred:
            face = _preferred_face(finder, role, preferred[role])
            if face is None:
                notes.append(f"{role_spec.label}：首选字体“{preferred[role]}”不可用，改按默认顺序查找")
        for spec in (catalogue.faces[c] for c in role_spec.candidates):
            if face is not None:
                break
            if hit := finder.locate(spec):
                face = FontFace(role, spec.display_name, hit.family, hit.path, hit.index,
                                spec.docx_name or role_spec.docx_name, fallback=spec.cls != role)
        faces[role] = face or bundled_face(role)
    skipped = tuple(SkippedFont(path, index, reason) for (path, index), reason in finder.skipped.items())
    font_set = FontSet(faces, skipped, tuple(notes))
    for line in font_set.report():
        log.debug("%s", line)
    return font_set


def _preferred_face(finder: _Finder, role: Role, value: str) -> FontFace | None:
    """The user's font for a role: a font file, a catalogue entry or a family name."""
    catalogue = _catalogue()
    path = Path(value).expanduser()
    if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
        subfonts, error = _read_font(path)
        usable = sorted((s for s in subfonts if s.problem is None), key=lambda s: _style_rank(" ".join(s.styles)))
        if not usable:
            finder.skipped.setdefault((path, 0), error or (subfonts[0].problem if subfonts else None) or "无法使用")
            return None
        sub = usable[0]
        family = _family(sub) or path.stem
        shown = _family(sub, "zh") or family
        return FontFace(role, shown, family, path, sub.index, shown, fallback=False)
    key = _norm(value)
    spec = next((s for s in catalogue.faces.values()
                 if key in {_norm(s.id), _norm(s.display_name), *(_norm(f) for f in s.families)}), None)
    spec = spec or _Spec(f"preference:{value}", role, value, (value,), (), value)
    hit = finder.locate(spec)
    if hit is None:
        return None
    return FontFace(role, spec.display_name, hit.family, hit.path, hit.index,
                    spec.docx_name or catalogue.roles[role].docx_name, fallback=False)


# --- reportlab ------------------------------------------------------------------------------------

_REGISTER_LOCK = threading.RLock()


@functools.lru_cache(maxsize=32)
def _ttfont(name: str, path: str, subfont_index: int) -> TTFont:
    """One parsed font per file and subfont, shared by registration and ``missing_glyphs``."""
    from reportlab.pdfbase.ttfonts import TTFont

    return TTFont(name, path, subfontIndex=subfont_index)


def _cmap(face: FontFace) -> Mapping[int, int]:
    """Code point → glyph of a face (its reportlab ``TTFont``, parsed once per file and subfont)."""
    with _REGISTER_LOCK:
        return _ttfont(face.reportlab_name, str(face.path), face.subfont_index).face.charToGlyph


def _invisible(ch: str) -> bool:
    code = ord(ch)
    return (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)
