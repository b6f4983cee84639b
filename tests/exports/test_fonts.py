"""The CJK fonts of the Word/PDF exports: discovery, fallback, glyph coverage, reportlab embedding."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.fonts import tt2ps
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from exports import fonts
from exports.fonts import ROLES, FontSet, find_fonts

BUNDLED = Path(fonts.__file__).parent / "fonts" / "wqy-microhei.ttc"
TRUETYPE = Path("/usr/share/fonts/truetype")
UMING = TRUETYPE / "arphic" / "uming.ttc"
UKAI = TRUETYPE / "arphic" / "ukai.ttc"
ZENHEI = TRUETYPE / "wqy" / "wqy-zenhei.ttc"
# A single-font TrueType file (not a collection) to stand in for fonts found by file name.
SINGLE = TRUETYPE / "droid" / "DroidSansFallbackFull.ttf"
NEEDS_SINGLE = pytest.mark.skipif(not SINGLE.exists(), reason="fonts-droid-fallback is not installed")
DEBIAN_CJK = pytest.mark.skipif(not (UMING.exists() and UKAI.exists() and ZENHEI.exists()),
                                reason="fonts-arphic-uming, fonts-arphic-ukai, fonts-wqy-zenhei are not installed")
LABELS = {"song": "宋体", "fang": "仿宋", "hei": "黑体", "kai": "楷体", "title": "小标宋"}
DOCX_NAMES = {"song": "宋体", "fang": "仿宋", "hei": "黑体", "kai": "楷体", "title": "方正小标宋简体"}

PLAN_TEXT = """
一、总则
（一）编制目的。为规范本单位生产安全事故应急管理工作，迅速有效地控制和处置可能发生的事故，
保护从业人员和社会公众的生命安全，减少财产损失，依据《中华人民共和国安全生产法》《生产安全事故
应急条例》（国务院令第708号）和GB/T 29639—2020《生产经营单位生产安全事故应急预案编制导则》，
结合本单位实际，制定本预案。
（二）适用范围。本预案适用于厂区内发生的火灾、爆炸、危险化学品泄漏、中毒窒息等事故……
1．当储罐区温度超过45℃、可燃气体浓度达到爆炸下限的25%时，立即启动Ⅲ级响应；
（1）值班人员报告：事故发生的时间、地点、伤亡情况、已采取的措施；
“先救人、后救物”，“先控制、后处置”。应急救援指挥部电话：0571-88123456。
附件：1. 应急物资清单；2. 应急救援队伍联系方式。
"""


def _gb2312_level1() -> str:
    """The 3755 characters of GB 2312 level 1 (the common characters of Chinese text)."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            if (hi, lo) > (0xD7, 0xF9):
                break
            chars.append(bytes([hi, lo]).decode("gb2312"))
    return "".join(chars)


COMMON = _gb2312_level1() + "《》〈〉、，。：；！？“”‘’（）【】—…·℃％0123456789ABCDEFabcdef"


@pytest.fixture(autouse=True)
def _fresh_discovery(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(fonts.ENV_FONT_DIR, raising=False)
    fonts.clear_cache()
    yield
    fonts.clear_cache()


@pytest.fixture
def no_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_fontconfig_records", lambda: ())


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "无字体"
    folder.mkdir()
    return folder


def _link(folder: Path, name: str, target: Path) -> Path:
    link = folder / name
    link.symlink_to(target)
    return link


def _fake_sfnt(path: Path, flavor: bytes, tags: list[bytes]) -> Path:
    """A font file with just a table directory (enough for the check, not for drawing)."""
    head = flavor + struct.pack(">HHHH", len(tags), 16, 0, 0)
    records = b"".join(struct.pack(">4sIII", tag, 0, 12 + 16 * len(tags), 4) for tag in tags)
    path.write_bytes(head + records + b"\0" * 4)
    return path


def test_every_role_resolves_with_the_machine_fonts() -> None:
    font_set = find_fonts()
    assert set(font_set.faces) == set(ROLES)
    report = font_set.report()
    for role in ROLES:
        face = font_set.face(role)
        assert face.role == role
        assert face.path.is_file()
        assert face.docx_name
        assert face.fallback or not face.bundled
    assert [line.split("：")[0] for line in report[:5]] == [LABELS[r] for r in ROLES]
    assert find_fonts() is font_set  # cached


@DEBIAN_CJK
def test_fontconfig_finds_the_debian_cjk_fonts() -> None:
    if shutil.which("fc-list") is None:
        pytest.skip("no fc-list")
    font_set = find_fonts()
    assert [font_set.face(r).bundled for r in ROLES] == [False] * 5
    assert font_set.face("hei").family == "WenQuanYi Zen Hei"
    assert font_set.face("kai").family == "AR PL UKai CN"


@DEBIAN_CJK
def test_font_folders_without_fontconfig(no_fontconfig: None) -> None:
    """Scanning by file name, opening only the chosen files, picking the right TTC subfont."""
    font_set = find_fonts([TRUETYPE])
    song, fang, hei, kai, title = (font_set.face(r) for r in ROLES)
    assert (song.path, song.subfont_index, song.family, song.fallback) == (UMING, 0, "AR PL UMing CN", False)
    assert (hei.path, hei.subfont_index, hei.family, hei.fallback) == (ZENHEI, 0, "WenQuanYi Zen Hei", False)
    assert (kai.path, kai.subfont_index, kai.family, kai.fallback) == (UKAI, 0, "AR PL UKai CN", False)
    assert (fang.path, fang.fallback, fang.docx_name) == (UMING, True, "仿宋")
    assert (title.path, title.fallback, title.docx_name) == (UMING, True, "方正小标宋简体")
    assert font_set.report()[:5] == [
        f"宋体：AR PL UMing CN（{UMING}）",
        f"仿宋：AR PL UMing CN（{UMING}，未找到仿宋，代用）",
        f"黑体：文泉驿正黑（{ZENHEI}）",
        f"楷体：AR PL UKai CN（{UKAI}）",
        f"小标宋：AR PL UMing CN（{UMING}，未找到小标宋，代用）",
    ]
    assert fonts._inspect.cache_info().currsize == 3  # not every font file under /usr/share/fonts


def test_without_installed_fonts_every_role_falls_back_to_the_bundled_font(
        no_fontconfig: None, empty_dir: Path) -> None:
    font_set = find_fonts([empty_dir])
    for role in ROLES:
        face = font_set.face(role)
        assert face.bundled and face.fallback
        assert face.path.resolve() == BUNDLED.resolve()
        assert face.family == "WenQuanYi Micro Hei"
        assert face.docx_name == DOCX_NAMES[role]
    assert font_set.report() == [
        f"{LABELS[r]}：文泉驿微米黑（随软件附带，{font_set.face(r).path}，未找到{LABELS[r]}，代用）"
        for r in ROLES
    ]
    notice = (BUNDLED.parent / "NOTICE").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in notice and "WenQuanYi" in notice
    assert "Apache License" in (BUNDLED.parent / "LICENSE-Apache-2.0").read_text(encoding="utf-8")


def test_cff_fonts_are_skipped(no_fontconfig: None, empty_dir: Path) -> None:
    otf = _fake_sfnt(empty_dir / "simfang.otf", b"OTTO", [b"CFF ", b"cmap", b"name"])
    cff_in_ttf = _fake_sfnt(empty_dir / "SimHei.TTF", b"\x00\x01\x00\x00", [b"CFF ", b"cmap", b"name"])
    not_a_font = empty_dir / "simkai.ttf"
    not_a_font.write_bytes(b"<html>")
    font_set = find_fonts([empty_dir])
    assert [font_set.face(r).bundled for r in ROLES] == [True] * 5
    reasons = {s.path: s.reason for s in font_set.skipped}
    assert reasons.keys() == {otf, cff_in_ttf, not_a_font}
    assert "CFF" in reasons[otf] and "CFF" in reasons[cff_in_ttf]
    assert "无法读取" in reasons[not_a_font]
    assert f"已跳过：{otf}（{fonts._CFF}）" in font_set.report()


@NEEDS_SINGLE
def test_a_truetype_file_found_by_name_is_used(no_fontconfig: None, empty_dir: Path) -> None:
    simkai = _link(empty_dir, "SIMKAI.TTF", SINGLE)  # any TrueType file will do as "楷体"
    font_set = find_fonts([empty_dir])
    kai = font_set.face("kai")
    assert (kai.path, kai.display_name, kai.docx_name, kai.fallback, kai.bundled) == (
        simkai, "楷体", "楷体", False, False)
    assert kai.family == "Droid Sans Fallback"  # from the file's name table
    fang = font_set.face("fang")  # 楷体 before the bundled font as a substitute for 仿宋
    assert (fang.path, fang.display_name, fang.docx_name, fang.fallback) == (simkai, "楷体", "楷体", True)
    assert font_set.report()[1] == f"仿宋：楷体（{simkai}，未找到仿宋，代用）"


@DEBIAN_CJK
def test_a_collection_is_used_only_for_its_own_families(no_fontconfig: None, empty_dir: Path) -> None:
    _link(empty_dir, "wqy-zenhei.ttc", ZENHEI)
    _link(empty_dir, "Songti.ttc", UMING)  # macOS name, but no STSong / Songti SC inside
    font_set = find_fonts([empty_dir])
    hei = font_set.face("hei")
    assert (hei.subfont_index, hei.family) == (0, "WenQuanYi Zen Hei")  # not Mono or Sharp
    assert font_set.face("song").path.name == "wqy-zenhei.ttc"  # the 黑体 substitute, not UMing
    assert font_set.face("song").fallback


@NEEDS_SINGLE
def test_environment_folder_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    extra = tmp_path / "字体"
    extra.mkdir()
    fzxbs = _link(extra, "FZXBSJW.TTF", SINGLE)
    monkeypatch.setenv(fonts.ENV_FONT_DIR, str(extra))
    title = find_fonts().face("title")  # fontconfig and the platform folders as well
    assert (title.path, title.display_name, title.docx_name, title.fallback) == (
        fzxbs, "方正小标宋简体", "方正小标宋简体", False)


@NEEDS_SINGLE
def test_preferences(no_fontconfig: None, empty_dir: Path, tmp_path: Path) -> None:
    mine = _link(tmp_path, "my-font.ttf", SINGLE)
    font_set = find_fonts([empty_dir], preferences={"fang": mine, "hei": "不存在的字体"})
    fang = font_set.face("fang")
    assert (fang.path, fang.family, fang.fallback, fang.bundled) == (mine, "Droid Sans Fallback", False, False)
    assert font_set.face("hei").bundled
    assert "黑体：首选字体“不存在的字体”不可用，改按默认顺序查找" in font_set.report()
    _link(empty_dir, "simfang.ttf", SINGLE)
    fonts.clear_cache()
    by_name = find_fonts([empty_dir], preferences={"kai": "仿宋"}).face("kai")
    assert (by_name.path.name, by_name.display_name, by_name.docx_name, by_name.fallback) == (
        "simfang.ttf", "仿宋", "仿宋", False)
    with pytest.raises(ValueError, match="unknown font role"):
        find_fonts(preferences={"bold": "黑体"})


def test_missing_glyphs_of_the_machine_fonts() -> None:
    font_set = find_fonts()
    if any(font_set.face(r).bundled for r in ROLES):
        pytest.skip("no CJK TrueType font installed (such as fonts-wqy-zenhei, fonts-arphic-uming or Windows SimSun): "
                    "test_missing_glyphs_of_the_bundled_font checks the shipped font instead")
    for role in ROLES:
        assert font_set.missing_glyphs(PLAN_TEXT + COMMON, role) == set(), role
        assert font_set.missing_glyphs("预案\ue000附件\U00020000", role) == {"\ue000", "\U00020000"}
    assert font_set.missing_glyphs(" \t\n\r\u3000\u00a0\u200b\ufeff\ufe0f", "fang") == set()


def test_missing_glyphs_of_the_bundled_font(no_fontconfig: None, empty_dir: Path) -> None:
    """The shipped font draws a whole plan alone: every common ideograph, CJK punctuation, and
    the Latin letters, digits and symbols (“” … — ℃ °) a plan uses; rarer characters are reported."""
    font_set = find_fonts([empty_dir])
    assert font_set.missing_glyphs(_gb2312_level1() + "《》、，。：；！？（）【】％", "fang") == set()
    assert font_set.missing_glyphs("温度45℃“先救人”……— 1 —ABCxyz°×±〈〉", "fang") == set()
    assert font_set.missing_glyphs("预案\ue000", "fang") == {"\ue000"}


def test_register_reportlab_is_idempotent() -> None:
    font_set = find_fonts()
    names = font_set.register_reportlab()
    registered = set(pdfmetrics.getRegisteredFontNames())
    assert font_set.register_reportlab() == names
    assert find_fonts([Path("/nonexistent")]).register_reportlab() is not None
    assert set(pdfmetrics.getRegisteredFontNames()) >= registered
    assert set(names) == set(ROLES)
    assert len(set(names.values())) == len({(f.path, f.subfont_index) for f in font_set.faces.values()})
    for role, name in names.items():
        font = pdfmetrics.getFont(name)
        assert isinstance(font, TTFont)
        assert name == font_set.face(role).reportlab_name
        assert tt2ps(name, 1, 0) == tt2ps(name, 0, 1) == tt2ps(name, 1, 1) == name  # <b>, <i>


def _pdf(font_set: FontSet, target: Path, lines: dict[str, str]) -> Path:
    names = font_set.register_reportlab()
    story = [Paragraph(f"{text}<b>加粗</b>", ParagraphStyle(role, fontName=names[role], fontSize=16, leading=28))
             for role, text in lines.items()]
    # initialFontName: else reportlab puts Helvetica, a font not embedded, on every page
    SimpleDocTemplate(str(target), pagesize=A4, initialFontName=names["fang"]).build(story)
    return target


@pytest.mark.parametrize("which", ["machine", "bundled"])
def test_pdf_embeds_the_fonts_and_the_text_extracts(which: str, monkeypatch: pytest.MonkeyPatch,
                                                    empty_dir: Path, tmp_path: Path) -> None:
    if which == "bundled":
        monkeypatch.setattr(fonts, "_fontconfig_records", lambda: ())
        font_set = find_fonts([empty_dir])
    else:
        font_set = find_fonts()
    lines = {
        "title": "某化工有限公司生产安全事故应急预案",
        "hei": "一、总则",
        "kai": "（一）编制目的",
        "fang": "为规范本单位应急管理工作，迅速有效地控制和处置可能发生的事故，制定本预案。",
        "song": "— 一 —",
    }
    reader = PdfReader(_pdf(font_set, tmp_path / "字体.pdf", lines))
    page = reader.pages[0]
    font_dicts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert font_dicts
    for font in font_dicts:
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"].get_object()  # embedded, as a subset
        assert "+" in font["/BaseFont"]
    text = "".join(page.extract_text().split())
    for line in lines.values():
        assert "".join(line.split()) in text
    assert "加粗" in text
