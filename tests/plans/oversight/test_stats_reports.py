"""The printed weekly statistics and monthly ranking: their contents on the document model, and the
same read back from the PDF (text extracted from the file) and the Word file; the Chinese line rules
(no line starts with closing punctuation) and the header repeated on every page of a long table."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from docx import Document

from exports.report import report_bytes
from exports.styles import load_style
from models.core.database import Database
from models.oversight import stats as st
from plans.document import NumberedList, Paragraph, Table
from plans.oversight.stats import build_monthly, build_weekly, monthly_document, weekly_document
from tests.exports.pdf_lines import pdf_lines
from tests.models.oversight import stats_world as w

CLOSING = "，。、；：？！）》」』”’】"


def _tables(doc: object) -> list[Table]:
    return [b for s in doc.sections for b in s.blocks if isinstance(b, Table)]  # type: ignore[attr-defined]


def _text(doc: object) -> str:
    out = [doc.title, doc.subtitle]  # type: ignore[attr-defined]
    for s in doc.sections:  # type: ignore[attr-defined]
        out.append(s.title)
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            elif isinstance(b, NumberedList):
                out += b.items
            elif isinstance(b, Table):
                out += [c.text for row in b.rows for c in row]
    return "\n".join(out)


def test_weekly_report_contents(db: Database) -> None:
    world = w.build(db)
    with db.read() as s:
        doc = build_weekly(s, week=w.WEEK, as_of=w.AS_OF)
    assert doc.title == "安全生产监管工作周统计"
    assert doc.subtitle == "2026年第48周（11月23日—11月29日）" and doc.landscape
    assert [s.title for s in doc.sections] == ["一、各部门统计情况", "二、情况说明", "三、指标说明"]
    (table,) = _tables(doc)
    assert table.header_rows == 2
    grid = table.grid()
    assert [c.text for c in grid[0] if c] == ["部门", "检查", "发现隐患", "隐患整改", "行政处罚", "应急演练", "预案逾期"]
    rows = {r[0].text: [c.text for c in r[1:]] for r in table.rows[2:]}
    with db.read() as s:
        short = {d.department_id: d for d in st.weekly(s, week=w.WEEK, as_of=w.AS_OF).rows}
    first = rows[short[world.departments[0]].short_name]
    #         次数 企业 一般 重大 合计 销号 整改率 逾期 件数 罚款 实施 应完成 已完成 完成率 预案
    assert first == ["3", "2", "1", "1", "2", "2", "50.0%", "1", "1", "5,000", "1", "2", "1", "50.0%", "1"]
    assert rows[short[world.departments[1]].short_name][6] == "—"  # nothing found: no rate
    assert table.rows[-1][0].text == "合计" and len(table.rows) == 2 + len(short) + 1
    text = _text(doc)
    assert "本周各部门共检查企业 4 家次（2 家），发现隐患 3 处，其中重大隐患 2 处" in text
    assert "整改率：区间内发现的隐患中，期末已销号的所占比例" in text  # the definitions as footnotes
    assert "统计日期：2026年12月1日" in text
    assert doc.created.date() == w.AS_OF


def test_unfinished_week_says_so(db: Database) -> None:
    w.build(db)
    with db.read() as s:
        doc = build_weekly(s, week=w.WEEK, as_of=date(2026, 11, 26))
    assert doc.subtitle == "2026年第48周（11月23日—11月29日），统计至2026年11月26日（本周尚未结束）"


def test_monthly_report_ranks_first(db: Database) -> None:
    world = w.build(db)
    with db.read() as s:
        doc = build_monthly(s, year=2026, month=11, as_of=w.AS_OF)
        result = st.monthly(s, year=2026, month=11, as_of=w.AS_OF)
    ranked = st.ranking(result)
    assert doc.title == "安全生产监管工作月度排名" and doc.subtitle == "2026年11月"
    assert [s.title for s in doc.sections] == ["一、综合排名", "二、各部门统计情况", "三、指标与计分说明"]
    ranking, figures = _tables(doc)
    head = [c.text for c in ranking.grid()[0] if c]
    assert head[:3] == ["名次", "部门", "综合\n得分"]
    assert "隐患整改率（30%）" in head and "逾期未整改隐患（15%）" in head
    body = ranking.rows[2:]
    assert [r[0].text for r in body] == [str(r.rank) for r in ranked]
    assert body[0][1].text == ranked[0].short_name and body[0][2].text == f"{ranked[0].score:.2f}"
    first = next(r for r in ranked if r.department_id == world.departments[0])
    row = next(r for r in body if r[1].text == first.short_name)
    assert [c.text for c in row[3:5]] == ["3", "100.0"]  # 检查企业次数: the value and its points
    text = _text(doc)
    assert "得分相同的部门名次并列，其后名次顺延。" in text
    assert "依据：“一周一统计、一月一排名”" in text
    assert figures.rows[-1][0].text == "合计"


def test_pdf_and_word_read_back(db: Database) -> None:
    w.build(db)
    with db.read() as s:
        result = st.monthly(s, year=2026, month=11, as_of=w.AS_OF)
    doc = monthly_document(result)
    for style in ("default", "gbt9704"):
        lines = pdf_lines(io.BytesIO(report_bytes(doc, "pdf", style=load_style(style))))
        text = "".join(line.text for line in lines)
        for expected in ("安全生产监管工作月度排名", "一、综合排名", "隐患整改率", "合计", "得分相同的部门名次并列"):
            assert expected in text, (style, expected)
        bad = [line.text for line in lines if line.text[0] in CLOSING]
        assert not bad, bad  # 禁则: no line starts with closing punctuation
        pages = {line.page for line in lines}
        assert len(pages) > 1
        for page in pages:  # every page of the long tables starts with a header or the running header
            assert any(line.page == page and "2026年11月" in line.text for line in lines)
    word = Document(io.BytesIO(report_bytes(doc, "docx", style=load_style("default"))))
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    assert "安全生产监管工作月度排名" in paragraphs and "三、指标与计分说明" in paragraphs
    assert len(word.tables) == 2
    cells = [c.text for c in word.tables[0].rows[0].cells]
    assert "名次" in cells and any("隐患整改率" in c for c in cells)


def test_long_table_repeats_its_header(db: Database) -> None:
    """Sixty departments: the figures table runs over pages, each starting with its two header rows."""
    w.build(db)
    with db.read() as s:
        result = st.weekly(s, week=w.WEEK, as_of=w.AS_OF)
    many = tuple(replace(result.rows[i % len(result.rows)], department_id=1000 + i, short_name=f"第{i + 1}部门")
                 for i in range(60))
    doc = weekly_document(replace(result, rows=many))
    lines = pdf_lines(io.BytesIO(report_bytes(doc, "pdf", style=load_style("default"))))
    table_pages = sorted({line.page for line in lines if line.text.startswith("第") and line.text.endswith("部门")})
    assert len(table_pages) >= 2
    for page in table_pages:
        on_page = [line.text for line in lines if line.page == page]
        assert "发现隐患" in on_page and "完成率" in on_page, page
