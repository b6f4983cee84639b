"""stats weekly / monthly: the figures per department as JSON (the same as the model), the ranking,
the default periods (the last complete week and month before --as-of), the reports and workbooks by
the file's suffix, and one Chinese line with exit 1 for what cannot be done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from models.core.database import Database
from models.oversight import stats as st
from tests.cli.test_cli import db_arg, run
from tests.exports.pdf_lines import pdf_lines
from tests.models.oversight import stats_world as w


@pytest.fixture
def world(sqlite_db: Database) -> w.World:
    return w.build(sqlite_db)


def _stats(capsys: pytest.CaptureFixture[str], db: Database, *argv: str) -> tuple[int, str, str]:
    return run(capsys, "--db", db_arg(db), "stats", *argv)


def test_weekly_json_is_the_model(sqlite_db: Database, world: w.World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _stats(capsys, sqlite_db, "weekly", "--week", "2026-W48", "--as-of", "2026-12-01", "--json")
    assert code == 0, err
    data = json.loads(out)
    with sqlite_db.read() as s:
        expected = st.weekly(s, week=w.WEEK, as_of=w.AS_OF).as_json()
    assert data == expected
    assert data["period"] == "2026-W48" and data["departments"][0]["inspections"] == 3
    assert data["totals"]["overdue"] == 3
    assert "2026年第48周（11月23日—11月29日）" in err


def test_default_periods_are_the_last_complete_ones(sqlite_db: Database, world: w.World,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _stats(capsys, sqlite_db, "weekly", "--as-of", "2026-11-30", "--json")
    assert code == 0 and json.loads(out)["period"] == "2026-W48"  # Monday: the week just ended
    code, out, _ = _stats(capsys, sqlite_db, "monthly", "--as-of", "2026-12-01", "--json")
    data = json.loads(out)
    assert code == 0 and data["period"] == "2026-11"
    ranks = [r["rank"] for r in data["ranking"]]
    assert ranks == sorted(ranks) and len(data["ranking"]) == len(data["departments"])
    first = data["ranking"][0]["components"][0]
    assert set(first) == {"key", "label", "weight", "value", "points"}


def test_monthly_table_and_weekly_table(sqlite_db: Database, world: w.World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _stats(capsys, sqlite_db, "monthly", "--month", "2026-11", "--as-of", "2026-12-01")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("名次\t部门\t综合得分\t检查企业次数")
    assert len(lines) == 1 + 11
    code, out, _ = _stats(capsys, sqlite_db, "weekly", "--week", "2026-W48", "--as-of", "2026-12-01")
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0][0] == "部门" and rows[-1][0] == "合计"
    assert rows[1][:3] == [world.names[0], "3", "2"] and rows[1][6] == "50.0%"


def test_reports_and_workbooks(sqlite_db: Database, world: w.World, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    pdf, docx, xlsx = tmp_path / "周统计.pdf", tmp_path / "月度排名.docx", tmp_path / "月度排名.xlsx"
    code, out, err = _stats(capsys, sqlite_db, "weekly", "--week", "2026-W48", "--as-of", "2026-12-01", "--out", str(pdf))
    assert code == 0, err
    assert out.startswith(f"已导出 {pdf}（安全生产监管工作周统计，2026年第48周（11月23日—11月29日），PDF，")
    assert "一、各部门统计情况" in "".join(line.text for line in pdf_lines(pdf))
    code, out, err = _stats(capsys, sqlite_db, "monthly", "--month", "2026-11", "--as-of", "2026-12-01",
                            "--out", str(docx), "--style", "gbt9704")
    assert code == 0, err
    assert "一、综合排名" in [p.text for p in Document(str(docx)).paragraphs]
    code, out, err = _stats(capsys, sqlite_db, "monthly", "--month", "2026-11", "--as-of", "2026-12-01", "--out", str(xlsx))
    assert code == 0 and out.strip() == f"已导出 {xlsx}（2026年11月，Excel，11 行）。"
    assert load_workbook(xlsx).active.cell(1, 1).value == "名次"


@pytest.mark.parametrize(("argv", "message"), [
    (("weekly", "--week", "2026-48"), "“2026-48”不是周的写法，应写作 2026-W48"),
    (("weekly", "--week", "2025-W53"), "2025 年没有第 53 周"),
    (("monthly", "--month", "2026-13"), "没有 2026 年 13 月"),
    (("weekly", "--week", "2026-W50", "--as-of", "2026-12-01"), "尚未开始"),
    (("weekly", "--out", "周统计.txt"), "请用 .pdf、.docx 或 .xlsx 结尾"),
])
def test_what_cannot_be_done(sqlite_db: Database, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                             message: str) -> None:
    code, out, err = _stats(capsys, sqlite_db, *argv)
    assert code == 1 and out == "" and message in err and "Traceback" not in err
