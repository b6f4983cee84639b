from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans import document as d
from plans.document import (
    BulletList,
    Cell,
    Document,
    DocumentFormatError,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    Section,
    SectionEditError,
    Table,
)


def sample() -> Document:
    return Document("某公司综合应急预案", [
        Section("a", "总则", [Paragraph("总则说明")], [
            Section("a1", "适用范围", [Paragraph("本预案适用于……")], required=True, template_key="general.scope"),
            Section("a2", "响应分级", [BulletList(["一级", "二级"])]),
        ]),
        Section("b", "应急组织机构及职责", [
            Table([[Cell("小组", colspan=2), Cell("电话")],
                   [Cell("抢险组", rowspan=2), Cell("组长"), Cell("110")],
                   [Cell("组员"), Cell("120")]], header_rows=1),
            Image("ab" * 32, "image/png", "组织机构图", 120.0),
            PageBreak(),
            NumberedList(["接报", "研判"]),
        ]),
        Section("c", "应急响应", [], [
            Section("c1", "信息报告", [], [Section("c11", "信息接报"), Section("c12", "信息处置与研判")]),
            Section("c2", "预警"),
        ]),
    ], {"template_key": "comprehensive"})


def all_blocks(doc: Document) -> list[object]:
    return [b for s in d.iter_sections(doc) for b in s.blocks]


def test_json_round_trip_is_lossless_and_plain() -> None:
    doc = sample()
    data = doc.to_json()
    text = json.dumps(data, ensure_ascii=False)  # plain data only
    assert data["version"] == d.SCHEMA_VERSION and data["type"] == "document"
    assert Document.from_json(json.loads(text)) == doc
    table = data["sections"][1]["blocks"][0]
    assert table["type"] == "table" and table["rows"][0][0] == {"text": "小组", "colspan": 2}
    assert {b["type"] for s in data["sections"] for b in s["blocks"]} >= {"paragraph", "table", "image", "page_break",
                                                                        "numbered_list"}


def test_newer_or_damaged_json_is_refused_in_chinese() -> None:
    data = sample().to_json()
    with pytest.raises(DocumentFormatError, match="较新版本"):
        Document.from_json({**data, "version": d.SCHEMA_VERSION + 1})
    broken = json.loads(json.dumps(data))
    broken["sections"][0]["blocks"][0] = {"type": "video", "src": "x"}
    with pytest.raises(DocumentFormatError, match="未知的内容类型"):
        Document.from_json(broken)
    dup = json.loads(json.dumps(data))
    dup["sections"][1]["key"] = "a"
    with pytest.raises(DocumentFormatError, match="重复"):
        Document.from_json(dup)
    with pytest.raises(DocumentFormatError):
        d.blocks_from_json([{"type": "table", "rows": [[{"text": "x", "colspan": 0}]]}])


def test_table_layout_places_merged_cells() -> None:
    table = sample().sections[1].blocks[0]
    assert isinstance(table, Table)
    assert table.column_count() == 3
    assert [(p.row, p.col, p.cell.text) for p in table.layout()] == [
        (0, 0, "小组"), (0, 2, "电话"), (1, 0, "抢险组"), (1, 1, "组长"), (1, 2, "110"), (2, 1, "组员"), (2, 2, "120")]
    grid = table.grid()
    assert grid[2][0] is None and grid[0][1] is None and grid[2][1] is not None and grid[2][1].text == "组员"


def test_numbering_and_preface() -> None:
    doc = sample()
    assert [(n, s.title) for n, s in d.numbered(doc)][:4] == [("1", "总则"), ("1.1", "适用范围"), ("1.2", "响应分级"),
                                                             ("2", "应急组织机构及职责")]
    assert d.numbers(doc)["c12"] == "3.1.2"
    doc.sections.insert(0, Section("p", "前言", [Paragraph("导入的前言")], template_key=d.PREFACE))
    assert d.numbers(doc)["p"] == "" and d.numbers(doc)["a"] == "1" and d.numbers(doc)["c2"] == "3.2"


def test_plain_text_for_indexing() -> None:
    doc = sample()
    text = d.plain_text(doc.sections[1])
    for word in ("应急组织机构及职责", "抢险组", "120", "组织机构图", "研判"):
        assert word in text
    assert "适用范围" not in d.plain_text(doc.sections[0])
    assert "适用范围" in d.plain_text(doc.sections[0], recursive=True)


def test_edits_return_new_documents_and_keep_the_original() -> None:
    doc = sample()
    before = doc.to_json()
    moved = d.indent(doc, "c2")  # 3.2 预警 → 3.1.3
    assert doc.to_json() == before
    assert d.numbers(moved)["c2"] == "3.1.3"
    back = d.outdent(moved, "c2")
    assert back == doc
    up = d.move_up(doc, "b")
    assert [s.key for s in up.sections] == ["b", "a", "c"]
    assert d.move_down(up, "b") == doc
    renamed = d.rename_section(doc, "c2", "  预警  管理 ")
    assert d.find_section(renamed, "c2").title == "预警 管理"  # type: ignore[union-attr]


def test_outdent_keeps_later_siblings_with_the_parent() -> None:
    doc = d.outdent(sample(), "c11")  # 3.1.1 → 3.2, 信息处置与研判 stays 3.1.1
    assert d.numbers(doc)["c11"] == "3.2" and d.numbers(doc)["c12"] == "3.1.1" and d.numbers(doc)["c2"] == "3.3"


def test_add_and_remove() -> None:
    doc = d.add_section(sample(), "响应终止", parent_key="c", key="c9")
    assert d.numbers(doc)["c9"] == "3.3"
    doc = d.add_section(doc, "应急支援", after_key="c2", key="c3")
    assert [s.key for s in d.find_section(doc, "c").children] == ["c1", "c2", "c3", "c9"]  # type: ignore[union-attr]
    doc = d.add_section(doc, "附则", key="z")
    assert doc.sections[-1].key == "z"
    assert len(d.new_key()) == 32
    kept = d.remove_section(doc, "c1", keep_children=True)
    assert [s.key for s in d.find_section(kept, "c").children][:3] == ["c11", "c12", "c2"]  # type: ignore[union-attr]
    gone = d.remove_section(doc, "c")
    assert d.find_section(gone, "c11") is None


def test_impossible_edits_say_why() -> None:
    doc = sample()
    assert not d.can_move(doc, "a", "up") and not d.can_move(doc, "a", "out") and not d.can_move(doc, "a", "in")
    assert d.can_move(doc, "c", "in") and d.can_move(doc, "c2", "out")
    with pytest.raises(SectionEditError, match="不能再上移"):
        d.move_up(doc, "a")
    with pytest.raises(SectionEditError, match="不能降级"):
        d.indent(doc, "a1")
    with pytest.raises(SectionEditError, match="不能再升级"):
        d.outdent(doc, "b")
    with pytest.raises(SectionEditError, match="找不到"):
        d.rename_section(doc, "nope", "x")
    with pytest.raises(SectionEditError, match="不能为空"):
        d.rename_section(doc, "a", "  ")
    with pytest.raises(SectionEditError, match="已存在"):
        d.add_section(doc, "x", key="a1")
    with pytest.raises(SectionEditError, match="下级"):
        d.move_section(doc, "c", "c11", 0)


def test_flat_rows_round_trip() -> None:
    doc = sample()
    rows = d.flatten(doc)
    assert [r.key for r in rows][:3] == ["a", "a1", "a2"]
    assert rows[1].parent_key == "a" and rows[2].position == 1 and "本预案适用于" in rows[1].blocks[0]["text"]
    assert d.from_flat(doc.title, list(reversed(rows)), doc.meta) == doc


# ------------------------------------------------------------------------------- property tests

titles = st.text(alphabet="应急预案总则响应处置保障abc", min_size=1, max_size=6)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    counter = iter(range(10_000))

    def section(depth: int) -> Section:
        n = next(counter)
        width = draw(st.integers(0, 3 if depth < 3 else 0))
        return Section(f"k{n}", draw(titles), [Paragraph(f"正文{n}")], [section(depth + 1) for _ in range(width)])

    return Document("预案", [section(0) for _ in range(draw(st.integers(1, 4)))])


ops = st.lists(st.tuples(st.sampled_from(["up", "down", "in", "out", "move"]), st.integers(0, 50),
                         st.integers(0, 5)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(documents(), ops)
def test_moves_never_lose_sections_or_blocks(doc: Document, steps: list[tuple[str, int, int]]) -> None:
    keys = sorted(s.key for s in d.iter_sections(doc))
    blocks = sorted(p.text for p in all_blocks(doc))  # type: ignore[attr-defined]
    for op, which, index in steps:
        key = keys[which % len(keys)]
        if op == "move":
            parent = keys[index % len(keys)] if index % 2 else None
            try:
                doc = d.move_section(doc, key, parent, index)
            except SectionEditError:
                continue
        elif d.can_move(doc, key, op):  # type: ignore[arg-type]
            doc = d._move(doc, key, op)  # type: ignore[arg-type]
        assert sorted(s.key for s in d.iter_sections(doc)) == keys
        assert sorted(p.text for p in all_blocks(doc)) == blocks  # type: ignore[attr-defined]
        assert Document.from_json(doc.to_json()) == doc
        numbers = [n for n, _ in d.numbered(doc)]
        assert len(set(numbers)) == len(numbers)
