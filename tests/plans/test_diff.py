from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from plans import document as d
from plans.diff import Segment, diff, diff_blocks, diff_text, tokens
from plans.document import BulletList, Cell, Document, Image, Paragraph, Section, Table


def old_doc() -> Document:
    return Document("某公司综合应急预案", [
        Section("general", "总则", [], [
            Section("scope", "适用范围", [Paragraph("本预案适用于本公司生产经营过程中发生的火灾事故。")]),
            Section("levels", "响应分级", [Paragraph("响应分为一级、二级。")]),
        ]),
        Section("org", "应急组织机构及职责", [
            Paragraph("公司成立应急领导小组。"),
            Table([[Cell("职务"), Cell("电话")], [Cell("总指挥"), Cell("13800000000")]]),
            BulletList(["抢险组", "警戒组"]),
        ]),
        Section("response", "应急响应", [], [
            Section("report", "信息报告", [Paragraph("值班电话 0571-1234567。")]),
            Section("warning", "预警", [Paragraph("预警由总指挥发布。")]),
            Section("start", "响应启动", [Paragraph("召开应急会议。")]),
        ]),
        Section("old", "附则", [Paragraph("本预案自发布之日起施行。")]),
    ], {"template_key": "comprehensive"})


def new_doc() -> Document:
    doc = old_doc()
    doc = d.set_blocks(doc, "scope", [Paragraph("本预案适用于本公司生产经营过程中发生的火灾、爆炸事故。")])
    doc = d.rename_section(doc, "levels", "应急响应分级")
    doc = d.set_blocks(doc, "org", [
        Paragraph("公司成立应急领导小组。"),
        Paragraph("领导小组下设办公室。"),
        Table([[Cell("职务"), Cell("电话")], [Cell("总指挥"), Cell("13900000000")]]),
        BulletList(["抢险组", "警戒组", "医疗救护组"]),
    ])
    doc = d.move_down(doc, "warning")  # 预警 after 响应启动
    doc = d.indent(doc, "old")  # 附则 → under 应急响应
    doc = d.add_section(doc, "后期处置", key="after", blocks=[Paragraph("做好善后。")])
    doc = d.remove_section(doc, "report")
    return doc


def joined(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def test_sections_added_removed_moved_renamed_changed() -> None:
    result = diff(old_doc(), new_doc())
    assert [s.key for s in result.added] == ["after"]
    assert [s.key for s in result.removed] == ["report"]
    moved = {s.key for s in result.moved}  # swapping two neighbours moves one of them
    assert "old" in moved and len(moved) == 2 and len(moved & {"warning", "start"}) == 1
    assert [s.key for s in result.renamed] == ["levels"]
    assert {s.key for s in result.text_changed} == {"scope", "org"}
    assert result.summary() == "新增 1 节，删除 1 节，移动 2 节，改名 1 节，修改内容 2 节"
    removed = result.removed[0]
    assert removed.old is not None and removed.old.number == "3.1" and removed.new is None
    # Reading order of the new document, the removed section where it was.
    keys = [s.key for s in result.sections]
    assert keys.index("report") == keys.index("response") + 1
    levels = next(s for s in result.sections if s.key == "levels")
    assert [(s.op, s.text) for s in levels.title_segments] == [("insert", "应急"), ("equal", "响应分级")]


def test_moving_one_section_does_not_mark_its_siblings() -> None:
    doc = old_doc()
    inserted = d.add_section(doc, "新章节", after_key="general", key="new")
    result = diff(doc, inserted)
    assert [s.key for s in result.moved] == [] and [s.key for s in result.added] == ["new"]
    # Numbers changed for everything after it, yet nothing "moved".
    org = next(s for s in result.sections if s.key == "org")
    assert org.old and org.new and (org.old.number, org.new.number) == ("2", "3") and not org.changed


def test_character_level_segments_for_chinese() -> None:
    result = diff(old_doc(), new_doc())
    scope = next(s for s in result.sections if s.key == "scope")
    [block] = scope.blocks
    assert block.op == "replace"
    assert [(s.op, s.text) for s in block.segments] == [
        ("equal", "本预案适用于本公司生产经营过程中发生的火灾"), ("insert", "、爆炸"), ("equal", "事故。")]
    assert joined(block.left_segments) == block.old_text
    assert joined(block.right_segments) == block.new_text


def test_blocks_are_aligned_tables_and_lists_as_text() -> None:
    result = diff(old_doc(), new_doc())
    org = next(s for s in result.sections if s.key == "org")
    assert [b.op for b in org.blocks] == ["equal", "insert", "replace", "replace"]
    table = org.blocks[2]
    assert ("delete", "13800000000") in [(s.op, s.text) for s in table.segments]
    assert ("insert", "13900000000") in [(s.op, s.text) for s in table.segments]
    assert ("insert", "\n• 医疗救护组") in [(s.op, s.text) for s in org.blocks[3].segments]


def test_latin_words_and_numbers_are_one_token() -> None:
    assert tokens("版本V2.0于2024年") == ["版", "本", "V2.0", "于", "2024", "年"]
    assert [(s.op, s.text) for s in diff_text("版本V1.0", "版本V2.0")] == [
        ("equal", "版本"), ("delete", "V1.0"), ("insert", "V2.0")]


def test_unrelated_blocks_are_not_paired() -> None:
    rows = diff_blocks([Paragraph("甲乙丙丁")], [Paragraph("完全不同的内容")])
    assert [b.op for b in rows] == ["delete", "insert"]
    image_rows = diff_blocks([Image("a" * 64, "image/png", "平面图")], [Image("b" * 64, "image/png", "平面图")])
    assert [b.op for b in image_rows] != ["equal"]


def test_title_and_meta_and_no_changes() -> None:
    same = diff(old_doc(), old_doc())
    assert not same.has_changes and same.summary() == "两个版本内容相同"
    other = old_doc()
    other.title = "某公司生产安全事故综合应急预案"
    other.meta["template_version"] = "2"
    result = diff(old_doc(), other)
    assert result.title_changed and result.meta_changes == {"template_version": (None, "2")}
    assert result.summary() == "预案名称已修改"


text_st = st.text(alphabet="应急预案响应处置保障，。ab12 \n", max_size=40)


@settings(max_examples=200, deadline=None)
@given(text_st, text_st)
def test_segments_rebuild_both_sides(old: str, new: str) -> None:
    segments = diff_text(old, new)
    assert joined([s for s in segments if s.op != "insert"]) == old
    assert joined([s for s in segments if s.op != "delete"]) == new
    assert all(s.text for s in segments)
    assert all(a.op != b.op for a, b in itertools.pairwise(segments))
