from __future__ import annotations

import hashlib
import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from models.core.errors import DeskError
from plans.document import (
    PREFACE,
    BulletList,
    Cell,
    Document,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    Section,
    Table,
    document_text,
    iter_sections,
    numbered,
)
from plans.word_import import WordImportError, format_number, heading_like, import_docx, split_number


def tiny_png(rgb: tuple[int, int, int] = (200, 30, 30), size: int = 2) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def add_list_definition(doc: docx.document.Document, levels: list[tuple[str, str]]) -> int:
    """A multi-level numbering definition (numFmt, lvlText per level); returns its numId."""
    numbering = doc.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    aid = max(ids, default=0) + 1
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                   f"</w:lvl>" for i, (fmt, text) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return numbering.add_num(aid).numId


def auto_numbered(doc: docx.document.Document, text: str, num_id: int, ilvl: int) -> None:
    p = doc.add_paragraph(text)
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = num_id
    num_pr.get_or_add_ilvl().val = ilvl


def append_xml(paragraph: docx.text.paragraph.Paragraph, xml: str) -> None:
    paragraph._p.append(parse_xml(xml))


# Paragraphs that are not in the body text as written, with where they went.
SOURCE_A_PNG = tiny_png()


def styled_document() -> docx.document.Document:
    """Every heading style, outline level, automatic numbering, lists, a merged table, an image, page
    breaks, a TOC line, an equation, a text box and a chart."""
    doc = docx.Document()
    styles = doc.styles
    styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    doc.add_paragraph("某化工有限公司生产安全事故综合应急预案", style="Title")
    doc.add_paragraph("本预案依据《生产安全事故应急条例》编制。")
    doc.add_paragraph("第一章 总则\t1", style="toc 1")
    doc.add_paragraph("第一章 总则", style="Heading 1")
    doc.add_paragraph("为规范应急管理工作，制定本预案。")
    doc.add_paragraph("适用范围", style="Heading 2")
    doc.add_paragraph("本预案适用于本公司。")
    for level, name in enumerate(["三", "四", "五", "六", "七", "八", "九"], start=3):
        doc.add_paragraph(f"第{name}级标题", style=f"Heading {level}")
        doc.add_paragraph(f"第{name}级标题下的正文。")
    doc.add_paragraph("应急组织机构及职责", style="标题 1")
    outline = doc.add_paragraph("领导小组")
    outline._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="1"/>'))
    doc.add_paragraph("领导小组由总经理任组长。")
    for item in ("抢险组", "警戒组", "医疗救护组"):
        doc.add_paragraph(item, style="List Bullet")
    for item in ("接警", "报告", "处置"):
        doc.add_paragraph(item, style="List Number")

    doc.add_paragraph("应急响应", style="Heading 1")
    chinese = add_list_definition(doc, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    auto_numbered(doc, "信息报告", chinese, 0)
    doc.add_paragraph("值班室24小时值守。")
    auto_numbered(doc, "信息接报", chinese, 1)
    doc.add_paragraph("接报后立即报告。")
    auto_numbered(doc, "预警", chinese, 0)
    doc.add_paragraph("预警由总指挥发布。")
    formula = doc.add_paragraph("公式如下：")
    append_xml(formula, f'<m:oMath {nsdecls("m")}><m:r><m:t>E=mc2</m:t></m:r></m:oMath>')
    box = doc.add_paragraph("见文本框")
    append_xml(box, f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
                    "<w:p><w:r><w:t>文本框里的文字</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    chart = doc.add_paragraph("图表如下")
    append_xml(chart, f'<w:r {nsdecls("w", "wp", "a", "c", "r")}><w:drawing><wp:inline><wp:extent cx="100" cy="100"/>'
                      '<wp:docPr id="99" name="chart"/><a:graphic><a:graphicData '
                      'uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart r:id="rId999"/>'
                      "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")

    doc.add_paragraph("应急保障", style="Heading 1")
    outline_list = add_list_definition(doc, [("decimal", "%1."), ("decimal", "%1.%2")])
    auto_numbered(doc, "通信与信息保障", outline_list, 0)
    auto_numbered(doc, "通信方式", outline_list, 1)
    doc.add_paragraph("使用固定电话和对讲机。")
    auto_numbered(doc, "物资装备保障", outline_list, 0)
    doc.add_paragraph("物资见下表。")
    table = doc.add_table(rows=3, cols=3)
    texts = [["名称", "型号", "数量"], ["灭火器", "干粉", "20"], ["", "二氧化碳", "5"]]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(0, 1)).text = "物资"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "灭火器"
    doc.add_paragraph().add_run().add_picture(io.BytesIO(SOURCE_A_PNG), width=Mm(30))
    doc.add_paragraph("图1 厂区平面图", style="Caption")
    doc.add_page_break()
    doc.add_paragraph("第二页的内容。")
    split = doc.add_paragraph("分页前文字")
    split.add_run().add_break(WD_BREAK.PAGE)
    split.add_run("分页后文字")
    return doc


def typed_document() -> docx.document.Document:
    doc = docx.Document()
    doc.core_properties.title = "导入测试预案"
    for text in ["第一章 总则", "本章规定总体要求。", "第一节 目的", "为了规范应急工作。", "一、适用范围", "本预案适用于全公司。",
                 "（一）信息接报", "值班室负责接报。", "1. 值班要求", "值班人员24小时在岗。", "1.1 交接班", "交接班应当面交接。",
                 "1.1.1 记录", "做好交接班记录。", "（1）登记内容", "登记时间、人员、事项。", "（1）姓名", "（2）电话",
                 "3.5米高处作业必须系安全带。", "1. 值班人员接到报告后，立即向值班领导报告。", "第二章 应急响应",
                 "• 保持通讯畅通"]:
        doc.add_paragraph(text)
    return doc


def to_bytes(doc: docx.document.Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def outline(document: Document) -> list[tuple[str, str]]:
    return [(n, s.title) for n, s in numbered(document)]


def blocks_of(document: Document, title: str) -> list[object]:
    return next(s for s in iter_sections(document) if s.title == title).blocks


def source_paragraphs(doc: docx.document.Document) -> list[str]:
    texts = [p.text.strip() for p in doc.paragraphs]
    for table in doc.tables:
        texts += [c.text.strip() for row in table.rows for c in row.cells]
    return [t for t in texts if t]


def assert_nothing_lost(doc: docx.document.Document, result_text: str, report: str) -> None:
    """Each source paragraph's text (a heading's without its number) is in the result, whatever the
    line breaks (a page break inside a paragraph splits it in two), or the report names it."""
    result_text = "".join(result_text.split())
    for text in source_paragraphs(doc):
        number = split_number(text)
        found = "".join(text.split()) in result_text or (number is not None and number.rest in result_text)
        found = found or text.lstrip("• ") in result_text
        if not found and "\t" in text:  # the table-of-contents line
            found = "目录（1 段）" in report
        assert found, f"lost: {text!r}"


# ------------------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def styled() -> tuple[docx.document.Document, object]:
    source = styled_document()
    return source, import_docx(to_bytes(source))


def test_headings_from_styles_outline_levels_and_automatic_numbering(styled) -> None:
    _, result = styled
    doc = result.document
    assert doc.title == "某化工有限公司生产安全事故综合应急预案"
    assert doc.sections[0].template_key == PREFACE and doc.sections[0].title == "前言"
    assert doc.sections[0].blocks == [Paragraph("本预案依据《生产安全事故应急条例》编制。")]
    assert outline(doc) == [
        ("", "前言"),
        ("1", "总则"), ("1.1", "适用范围"), ("1.1.1", "第三级标题"), ("1.1.1.1", "第四级标题"),
        ("1.1.1.1.1", "第五级标题"), ("1.1.1.1.1.1", "第六级标题"), ("1.1.1.1.1.1.1", "第七级标题"),
        ("1.1.1.1.1.1.1.1", "第八级标题"), ("1.1.1.1.1.1.1.1.1", "第九级标题"),
        ("2", "应急组织机构及职责"), ("2.1", "领导小组"),
        ("3", "应急响应"), ("3.1", "信息报告"), ("3.1.1", "信息接报"), ("3.2", "预警"),
        ("4", "应急保障"), ("4.1", "通信与信息保障"), ("4.1.1", "通信方式"), ("4.2", "物资装备保障"),
    ]
    assert blocks_of(doc, "第九级标题") == [Paragraph("第九级标题下的正文。")]
    assert any("已去掉" in line and "第一章" in line for line in result.report)


def test_lists_tables_images_and_page_breaks(styled) -> None:
    _, result = styled
    doc = result.document
    assert blocks_of(doc, "领导小组") == [Paragraph("领导小组由总经理任组长。"), BulletList(["抢险组", "警戒组", "医疗救护组"]),
                                        NumberedList(["接警", "报告", "处置"])]
    blocks = blocks_of(doc, "物资装备保障")
    assert blocks[0] == Paragraph("物资见下表。")
    assert blocks[1] == Table([[Cell("物资", colspan=2), Cell("数量")],
                               [Cell("灭火器", rowspan=2), Cell("干粉"), Cell("20")],
                               [Cell("二氧化碳"), Cell("5")]], header_rows=1)
    image = blocks[2]
    assert isinstance(image, Image) and image.caption == "图1 厂区平面图" and image.mime == "image/png"
    assert image.sha256 == hashlib.sha256(SOURCE_A_PNG).hexdigest()
    assert image.width_mm == pytest.approx(30, abs=0.2)
    assert result.images == {image.sha256: (SOURCE_A_PNG, "image/png")}
    assert blocks[3:] == [PageBreak(), Paragraph("第二页的内容。"), Paragraph("分页前文字"), PageBreak(),
                          Paragraph("分页后文字")]


def test_unsupported_objects_are_reported_not_dropped(styled) -> None:
    source, result = styled
    report = "\n".join(result.report)
    text = document_text(result.document)
    assert "目录（1 段）未导入" in report
    assert "［公式：E=mc2］" in text and "公式（1 个）" in report
    assert "文本框里的文字" in text and "文本框中的文字（1 处）" in report
    assert blocks_of(result.document, "预警")[2:4] == [Paragraph("见文本框"), Paragraph("文本框里的文字")]
    assert "图表（1 个）无法导入" in report and "“图表如下”" in report
    assert result.report[0].startswith("已导入 19 个章节")
    assert_nothing_lost(source, text, report)


def test_typed_chinese_numbering_ranks_levels() -> None:
    source = typed_document()
    result = import_docx(to_bytes(source))
    doc = result.document
    assert doc.title == "导入测试预案"
    assert outline(doc) == [("1", "总则"), ("1.1", "目的"), ("1.1.1", "适用范围"), ("1.1.1.1", "信息接报"),
                            ("1.1.1.1.1", "值班要求"), ("1.1.1.1.1.1", "交接班"), ("1.1.1.1.1.1.1", "记录"),
                            ("1.1.1.1.1.1.1.1", "登记内容"), ("2", "应急响应")]
    assert blocks_of(doc, "登记内容") == [Paragraph("登记时间、人员、事项。"), NumberedList(["姓名", "电话"]),
                                        Paragraph("3.5米高处作业必须系安全带。"),
                                        Paragraph("1. 值班人员接到报告后，立即向值班领导报告。")]
    assert blocks_of(doc, "应急响应") == [BulletList(["保持通讯畅通"])]
    # Every source paragraph is exactly one heading, paragraph or list item.
    units = sum(1 for _ in iter_sections(doc)) + sum(
        len(b.items) if isinstance(b, BulletList | NumberedList) else 1 for s in iter_sections(doc) for b in s.blocks)
    assert units == len(source_paragraphs(source))
    assert_nothing_lost(source, document_text(doc), "\n".join(result.report))


def test_mixed_explicit_and_typed_headings_learn_levels(tmp_path: Path) -> None:
    source = docx.Document()
    source.add_paragraph("第一章 总则", style="Heading 1")
    source.add_paragraph("一、目的")
    source.add_paragraph("规范应急工作。")
    source.add_paragraph("第二章 应急响应")  # typed, no style: learned from the styled 第一章 → level 1
    source.add_paragraph("一、响应分级")
    source.add_paragraph("分为三级。")
    path = tmp_path / "混合.docx"
    source.save(str(path))
    result = import_docx(path)
    assert outline(result.document) == [("1", "总则"), ("1.1", "目的"), ("2", "应急响应"), ("2.1", "响应分级")]
    # The file name is never the title: no title, and the report says so.
    assert result.document.title == "" and result.document.meta["source_name"] == "混合"
    assert result.title_from == "" and any(line.startswith("未能识别预案名称") for line in result.report)


def test_document_without_headings_goes_into_one_section() -> None:
    source = docx.Document()
    source.add_paragraph("全厂停电时，立即启动备用电源，并报告值班领导和调度室，等待进一步指令。")
    result = import_docx(io.BytesIO(to_bytes(source)))
    [section] = result.document.sections
    assert section.title == "正文" and section.template_key == PREFACE
    assert any("没有识别到任何标题" in line for line in result.report)


def test_numbering_helpers() -> None:
    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 99)] == ["一", "十", "十一", "二十",
                                                                                      "二十一", "九十九"]
    assert format_number(3, "chineseLegalSimplified") == "叁" and format_number(2, "ideographTraditional") == "乙"
    assert format_number(4, "upperRoman") == "IV" and format_number(28, "lowerLetter") == "bb"
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert split_number("（十二）应急保障") == split_number("（十二）应急保障")
    assert split_number("110 报警") is None and split_number("2024年工作") is None
    assert heading_like("信息接报") and not heading_like("值班人员接到报告后，立即报告。") and not heading_like("主要内容：")


# ------------------------------------------------------------------------------------- bad files


def assert_chinese(error: WordImportError) -> None:
    assert isinstance(error, DeskError)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error))


def test_truncated_file_is_refused() -> None:
    data = to_bytes(typed_document())
    with pytest.raises(WordImportError) as info:
        import_docx(data[: len(data) // 2])
    assert_chinese(info.value)
    assert "损坏" in str(info.value)


def test_text_file_renamed_to_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "预案.docx"
    path.write_text("这是一个文本文件，不是 Word 文档。", encoding="utf-8")
    with pytest.raises(WordImportError, match="不是 Word 文档") as info:
        import_docx(path)
    assert_chinese(info.value)


def test_other_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(WordImportError, match=r"\.doc"):
        import_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "你好")
    with pytest.raises(WordImportError, match="缺少"):
        import_docx(other_zip.getvalue())
    with pytest.raises(WordImportError, match="找不到文件"):
        import_docx(tmp_path / "没有这个文件.docx")
    with pytest.raises(WordImportError, match="文件夹"):
        import_docx(tmp_path)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b"PK\x03\x04"]))
def test_garbage_never_escapes_as_another_error(data: bytes, prefix: bytes) -> None:
    with pytest.raises(WordImportError) as info:
        import_docx(prefix + data)
    assert_chinese(info.value)


def test_result_round_trips_through_json(styled) -> None:
    _, result = styled
    assert Document.from_json(result.document.to_json()) == result.document
    assert all(isinstance(s, Section) for s in iter_sections(result.document))


def test_headings_numbered_through_their_styles_and_images_in_tables() -> None:
    from PIL import Image as PILImage

    source = docx.Document()
    linked = add_list_definition(source, [("chineseCounting", "第%1章"), ("decimal", "%1.%2")])
    numbering = source.part.numbering_part.element
    for abstract in numbering.findall(qn("w:abstractNum")):
        for lvl in abstract.findall(qn("w:lvl")):
            if lvl.find(qn("w:lvlText")).get(qn("w:val")) in ("第%1章", "%1.%2"):
                style_id = "Heading1" if lvl.get(qn("w:ilvl")) == "0" else "Heading2"
                lvl.insert(0, parse_xml(f'<w:pStyle {nsdecls("w")} w:val="{style_id}"/>'))
    for name in ("Heading 1", "Heading 2"):
        ppr = source.styles[name].element.get_or_add_pPr()
        ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="{linked}"/></w:numPr>'))
    source.add_paragraph("总则", style="Heading 1")
    source.add_paragraph("适用范围", style="Heading 2")
    source.add_paragraph("第二章 应急响应")  # typed like the automatic 第X章 of Heading 1 → level 1
    gif = io.BytesIO()
    PILImage.new("RGB", (3, 3), (0, 128, 0)).save(gif, format="GIF")
    table = source.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(1, 0).text = "名称", "位置", "疏散图"
    table.cell(1, 1).paragraphs[0].add_run().add_picture(io.BytesIO(gif.getvalue()))
    result = import_docx(to_bytes(source))
    assert outline(result.document) == [("1", "总则"), ("1.1", "适用范围"), ("2", "应急响应")]
    blocks = blocks_of(result.document, "应急响应")
    assert blocks[0] == Table([[Cell("名称"), Cell("位置")], [Cell("疏散图"), Cell("")]], header_rows=1)
    image = blocks[1]
    assert isinstance(image, Image) and image.mime == "image/png"
    data, mime = result.images[image.sha256]
    assert data.startswith(b"\x89PNG") and mime == "image/png" and hashlib.sha256(data).hexdigest() == image.sha256
    report = "\n".join(result.report)
    assert "表格中的图片（1 张）已放在该表格之后" in report and "已转换为 PNG" in report


# ------------------------------------------------------------------- title, front matter, annexes


def bold_centred(doc: docx.document.Document, text: str, size: float | None = None,
                 style: str | None = None) -> docx.text.paragraph.Paragraph:
    paragraph = doc.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold = True
    if size:
        run.font.size = Pt(size)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def test_a_bold_centred_first_paragraph_is_the_title(tmp_path: Path) -> None:
    source = docx.Document()
    bold_centred(source, "临江市某化工有限公司")
    bold_centred(source, "生产安全事故综合应急预案")
    source.add_paragraph("为规范本公司应急管理工作，制定本预案。")
    source.add_paragraph("第一章 总则", style="Heading 1")
    source.add_paragraph("本预案适用于本公司。")
    path = tmp_path / "plan.docx"
    source.save(str(path))
    result = import_docx(path)
    assert result.document.title == "临江市某化工有限公司生产安全事故综合应急预案"
    assert result.title_from == "bold_centred" and result.plan_no == ""
    assert outline(result.document) == [("", "前言"), ("1", "总则")]
    assert result.document.sections[0].blocks == [Paragraph("为规范本公司应急管理工作，制定本预案。")]
    report = "\n".join(result.report)
    assert "取自文档开头居中加粗的段落" in report and "预案编号以导入时填写的为准（不取文件名）" in report
    # bold but not centred, or centred but numbered: not a title
    other = docx.Document()
    other.add_paragraph().add_run("应急预案说明").bold = True
    bold_centred(other, "第一章 总则")
    other.add_paragraph("本预案适用于本公司。")
    result = import_docx(to_bytes(other))
    assert result.document.title == "" and outline(result.document) == [("", "前言"), ("1", "总则")]


def test_a_single_heading_1_over_numbered_heading_2s_is_the_title() -> None:
    """An enterprise's environmental plan typed with 标题 styles and saved by LibreOffice."""
    source = environmental_plan()
    result = import_docx(to_bytes(source))
    assert result.document.title == "环境应急预案" and result.title_from == "heading1"
    assert outline(result.document) == [("1", "总则"), ("1.1", "编制目的"), ("1.2", "编制依据"),
                                        ("2", "应急组织机构及职责"), ("2.1", "应急领导小组"), ("3", "预防与预警")]
    assert blocks_of(result.document, "应急领导小组") == [Paragraph("组长由总经理担任。")]
    report = "\n".join(result.report)
    assert "文档只有一个一级标题“环境应急预案”，其后是带编号的二级标题" in report and "二级标题成为章" in report
    assert result.plan_no == "" and "预案编号以导入时填写的为准" in report
    # unnumbered Heading 2s: the Heading 1 stays a chapter
    plain = docx.Document()
    plain.add_paragraph("环境应急预案", style="Heading 1")
    plain.add_paragraph("总则", style="Heading 2")
    plain.add_paragraph("适用于全公司。")
    assert outline(import_docx(to_bytes(plain)).document) == [("1", "环境应急预案"), ("1.1", "总则")]


def environmental_plan() -> docx.document.Document:
    """Heading 1 is the title, "1、总则" … are Heading 2, "1.1 编制目的" Heading 3 or typed; the style
    names as LibreOffice writes them ("heading 1" and "Heading 2")."""
    source = docx.Document()
    heading2 = source.styles["Heading 2"]
    for text, style in [("环境应急预案", "Heading 1"), ("1、总则", "Heading 2"), ("1.1 编制目的", "Heading 3"),
                        ("为建立健全本公司突发环境事件应急机制，制定本预案。", None), ("1.2 编制依据", "Heading 3"),
                        ("《中华人民共和国环境保护法》等。", None), ("2、应急组织机构及职责", "Heading 2"),
                        ("2.1 应急领导小组", None), ("组长由总经理担任。", None), ("3、预防与预警", "Heading 2"),
                        ("加强环境风险源监控。", None)]:
        source.add_paragraph(text, style=style)
    heading2.element.find(qn("w:name")).set(qn("w:val"), "Heading 2")
    return source


def save_with_libreoffice(files: list[Path], tmp_path: Path) -> Path:
    """The files opened and saved as .docx by LibreOffice (its own profile: runs side by side);
    returns the folder of the saved copies (same names)."""
    out = tmp_path / "saved"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), *map(str, files)],
                   check=True, capture_output=True, timeout=240)
    return out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_environmental_plan_saved_by_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    environmental_plan().save(str(path))
    result = import_docx(save_with_libreoffice([path], tmp_path) / "plan.docx")
    assert result.document.title == "环境应急预案"
    assert [t for _, t in outline(result.document)] == ["总则", "编制目的", "编制依据", "应急组织机构及职责",
                                                      "应急领导小组", "预防与预警"]


def cover_page(doc: docx.document.Document, fields: list[str]) -> None:
    bold_centred(doc, "临江市某化工有限公司", 16)
    bold_centred(doc, "突发环境事件应急预案", 26)
    for line in fields:
        doc.add_paragraph(line)
    doc.add_paragraph("二〇二四年一月").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_page_break()


def test_a_cover_without_a_plan_number_says_so() -> None:
    source = docx.Document()
    cover_page(source, ["编制单位：安全环保部", "版 本 号：第2版"])
    source.add_paragraph("目　录", style="Title")
    source.add_paragraph("1 总则\t1")
    source.add_paragraph("2 应急响应\t3")
    source.add_page_break()
    source.add_paragraph("1 总则", style="Heading 1")
    source.add_paragraph("本预案适用于全公司。")
    source.add_paragraph("2 应急响应", style="Heading 1")
    source.add_paragraph("发现险情立即报告。")
    result = import_docx(to_bytes(source))
    assert result.document.title == "突发环境事件应急预案" and result.title_from == "cover"
    assert (result.plan_no, result.version_label, result.cover["compiling_unit"]) == ("", "第2版", "安全环保部")
    assert result.front_matter == ["cover", "toc"]
    assert outline(result.document) == [("1", "总则"), ("2", "应急响应")]
    report = "\n".join(result.report)
    assert "封面上没有预案编号：预案编号以导入时填写的为准。版本号“第2版”取自封面。" in report
    assert "已略去封面、目次" in report
    # the number typed on the cover, a blank version: the number is taken, the version left open
    numbered_cover = docx.Document()
    cover_page(numbered_cover, ["预案编号：HJ-2024-01　　版本号：（未填写）"])
    numbered_cover.add_paragraph("1 总则", style="Heading 1")
    result = import_docx(to_bytes(numbered_cover))
    assert (result.plan_no, result.version_label) == ("HJ-2024-01", "")
    assert "预案编号“HJ-2024-01”取自封面（封面上没有版本号）" in "\n".join(result.report)


def test_garbage_front_matter_does_not_crash_and_loses_nothing() -> None:
    source = docx.Document()
    source.add_paragraph("预案编号：")  # a label without a value
    table = source.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "预案编号："
    table.cell(0, 1).merge(table.cell(0, 2)).text = ""
    table.cell(1, 0).text = "：：："
    table.cell(2, 2).text = "版本号"
    source.add_paragraph("发布令", style="Title")
    source.add_paragraph("目录")
    source.add_paragraph("附件")
    source.add_paragraph("修订记录")
    source.add_table(rows=0, cols=0)
    source.add_paragraph("附件1")
    source.add_paragraph("第一章 总则", style="Heading 1")
    source.add_paragraph("应急物资详见附件1。")
    source.add_paragraph("附件：")
    source.add_paragraph("附件2")
    result = import_docx(to_bytes(source))
    assert result.plan_no == "" and [t for _, t in outline(result.document)][-1] == "总则"
    assert blocks_of(result.document, "总则")[0] == Paragraph("应急物资详见附件1。")
    assert any("封面上没有预案编号" in line for line in result.report)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["发布令", "目　　次", "附　　件", "修订记录", "预案编号：YA-1", "版本号：",
                                          "附件1　应急物资清单", "附件2", "附件：1．通讯录", "1 总则\t3", "一、总则",
                                          "本附件另行装订，随预案一并存档。", "数据来源：企业名录", "", "正文内容。",
                                          "（1）姓名", "1. 接警"]),
                          st.sampled_from([None, "Title", "Heading 1", "Heading 2", "toc 1", "List Number"]),
                          st.sampled_from(["", "bold", "centred", "page"])), max_size=25))
def test_any_front_matter_like_sequence_imports(paragraphs: list[tuple[str, str | None, str]]) -> None:
    source = docx.Document()
    source.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    for text, style, look in paragraphs:
        p = source.add_paragraph(style=style)
        run = p.add_run(text)
        run.bold = look == "bold"
        if look == "centred":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif look == "page":
            p.paragraph_format.page_break_before = True
    result = import_docx(to_bytes(source))
    assert result.report and Document.from_json(result.document.to_json()) == result.document
    assert len({s.key for s in iter_sections(result.document)}) == sum(1 for _ in iter_sections(result.document))


def test_annexes_of_a_foreign_document_are_kept_after_the_chapters() -> None:
    from plans.plans.templates import load_template

    source = docx.Document()
    source.add_paragraph("第一章 总则", style="Heading 1")
    source.add_paragraph("应急物资详见附件1。")
    source.add_paragraph("第二章 应急响应", style="Heading 1")
    source.add_paragraph("发现险情立即报告。")
    source.add_paragraph("附件：1．应急物资清单")
    source.add_paragraph("2．有关应急部门、机构或人员的联系方式")
    source.add_paragraph("3．厂区平面图（另行装订）")
    heading = bold_centred(source, "附件1")
    heading.paragraph_format.page_break_before = True
    bold_centred(source, "应急物资清单")
    table = source.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(1, 0).text, table.cell(1, 1).text = (
        "名称", "数量", "灭火器", "20")
    source.add_page_break()
    source.add_paragraph("附件2：有关应急部门、机构或人员的联系方式", style="Heading 1")
    source.add_paragraph("一、内部联系人", style="Heading 2")
    source.add_paragraph("值班室：0539-8000001")
    result = import_docx(to_bytes(source), template=load_template("comprehensive"))
    doc = result.document
    assert outline(doc) == [("1", "总则"), ("2", "应急响应"), ("", "附件1　应急物资清单"),
                            ("", "附件2　有关应急部门、机构或人员的联系方式"), ("", "内部联系人")]
    assert blocks_of(doc, "应急响应") == [Paragraph("发现险情立即报告。")]
    assert blocks_of(doc, "附件1　应急物资清单") == [Table([[Cell("名称"), Cell("数量")], [Cell("灭火器"), Cell("20")]])]
    assert blocks_of(doc, "内部联系人") == [Paragraph("值班室：0539-8000001")]
    assert all(s.template_key == PREFACE for s in doc.sections[2:])
    assert [(a.number, a.title, a.status, a.key) for a in result.annexes] == [
        (1, "应急物资清单", "content", None), (2, "有关应急部门、机构或人员的联系方式", "content", "contacts"),
        (3, "厂区平面图", "separate", None)]  # marked 另行装订 in the index
    assert result.template is None  # the template has eight annexes: the document is not its export
    report = "\n".join(result.report)
    assert "识别出 3 个附件" in report and "附件目录（列出 3 个附件）未导入" in report
    assert "附件1　应急物资清单、附件2　有关应急部门、机构或人员的联系方式的内容已导入为正文末尾不编号的章节" in report
    assert "附件3　厂区平面图另行装订，文档中没有其内容" in report


def test_nested_word_lists_keep_their_levels_and_numbers() -> None:
    source = docx.Document()
    source.add_paragraph("应急响应", style="Heading 1")
    steps = add_list_definition(source, [("decimal", "%1."), ("decimal", "（%2）"), ("decimalEnclosedCircle", "%3")])
    for text, level in [("接警", 0), ("报告", 0), ("记录时间", 1), ("上报领导", 1), ("电话报告", 2), ("处置", 0)]:
        auto_numbered(source, text, steps, level)
    source.add_paragraph("注意事项如下。")
    bullets = add_list_definition(source, [("bullet", "•"), ("bullet", "o")])
    for text, level in [("佩戴防护用品", 0), ("空气呼吸器", 1), ("撤离", 0)]:
        auto_numbered(source, text, bullets, level)
    source.add_paragraph("处置程序：")
    for text in ["1. 发现泄漏", "2. 关闭阀门", "（1）关闭进料阀", "（2）关闭出料阀", "3. 报告"]:
        source.add_paragraph(text)
    result = import_docx(to_bytes(source))
    assert blocks_of(result.document, "应急响应") == [
        NumberedList(["接警", "报告\n（1）记录时间\n（2）上报领导\n　①电话报告", "处置"]),
        Paragraph("注意事项如下。"),
        BulletList(["佩戴防护用品\n◦空气呼吸器", "撤离"]),
        Paragraph("处置程序："),
        NumberedList(["发现泄漏", "关闭阀门\n（1）关闭进料阀\n（2）关闭出料阀", "报告"]),
    ]
    assert any("下级项目（6 项）放在所属的上级项目之内" in line for line in result.report)
    assert not any("合并为一级列表" in line for line in result.report)


def test_nested_list_items_survive_an_export() -> None:
    from datetime import datetime

    from exports.docx import DocxWriter
    from exports.fonts import find_fonts
    from exports.layout import DocumentInfo
    from exports.styles import load_style

    blocks: list[object] = [NumberedList(["接警", "报告\n（1）记录时间\n（2）上报领导", "处置"]),
                            BulletList(["佩戴防护用品\n◦空气呼吸器", "撤离"])]
    writer = DocxWriter(DocumentInfo(title="测试", author="", subject="", keywords=[], created=datetime(2026, 1, 1),
                                     header_text="", watermark=None, images={}), load_style("default"), find_fonts())
    writer.heading("1 应急响应", 1)
    writer.blocks(blocks)  # type: ignore[arg-type]
    result = import_docx(writer.finish(cover=False, check=lambda: None))
    assert blocks_of(result.document, "应急响应") == blocks


def test_a_fifth_level_heading_in_heading_4_keeps_its_depth() -> None:
    source = docx.Document()
    for number, level in [("1", 1), ("1.1", 2), ("1.1.1", 3), ("1.1.1.1", 4), ("1.1.1.1.1", 4), ("1.1.1.1.2", 4)]:
        source.add_paragraph(f"{number} 标题{number}", style=f"Heading {level}")
    assert [n for n, _ in outline(import_docx(to_bytes(source)).document)] == [
        "1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.1.1", "1.1.1.1.2"]


def test_a_field_table_over_the_text_is_a_cover_but_the_text_stays() -> None:
    """An enterprise's form header (文件编号 / 版本) over the preface: the fields are read, the
    preface's sentences are not front matter."""
    source = docx.Document()
    table = source.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["文件编号", "QHSE-YA-03", "版本", "A/1"], strict=True):
        cell.text = text
    source.add_paragraph("为规范突发环境事件的应急处置，制定本预案。")
    source.add_paragraph("1 总则", style="Heading 1")
    source.add_paragraph("适用于全厂。")
    result = import_docx(to_bytes(source))
    assert (result.plan_no, result.version_label) == ("QHSE-YA-03", "A/1")
    assert outline(result.document) == [("", "前言"), ("1", "总则")]
    assert result.document.sections[0].blocks == [Paragraph("为规范突发环境事件的应急处置，制定本预案。")]
