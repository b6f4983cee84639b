"""The statistics workbooks: the weekly figures per department with the totals row, numbers as numbers
and rates as percentages; the monthly ranking with each component's value and points; a failed write
leaves no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports.excel import ExportError
from exports.oversight.stats import export_monthly, export_weekly
from models.core.database import Database
from models.oversight import stats as st
from tests.models.oversight import stats_world as w


def _sheet(path: Path) -> list[list[object]]:
    wb = load_workbook(path)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_weekly_workbook(db: Database, tmp_path: Path) -> None:
    world = w.build(db)
    path = tmp_path / "周统计.xlsx"
    n = export_weekly(db, w.WEEK, w.AS_OF, path)
    rows = _sheet(path)
    assert n == len(rows) - 1 == 11 + 1  # every department and the totals
    head = rows[0]
    assert head[:3] == ["部门", "检查次数", "检查企业数"] and "整改率" in head and "预案逾期（备案/评估）" in head
    first = dict(zip(head, rows[1], strict=True))
    assert first["部门"] == world.names[0]
    assert (first["检查次数"], first["一般隐患"], first["重大隐患"], first["逾期未整改"]) == (3, 1, 1, 1)
    assert first["整改率"] == 0.5 and first["罚款金额（元）"] == 5000.0
    second = dict(zip(head, rows[2], strict=True))
    assert second["整改率"] is None  # nothing found: empty, not 0 %
    totals = dict(zip(head, rows[-1], strict=True))
    assert totals["部门"] == "合计" and totals["检查企业数"] == 2 and totals["演练应完成"] == 4
    wb = load_workbook(path)
    assert wb.active.cell(2, head.index("整改率") + 1).number_format == "0.0%"
    assert wb.active.title == "周统计"


def test_monthly_workbook(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "月度排名.xlsx"
    w.build(db)
    export_monthly(db, 2026, 11, w.AS_OF, path)
    rows = _sheet(path)
    head = rows[0]
    assert head[:3] == ["名次", "部门", "综合得分"]
    assert "隐患整改率" in head and "隐患整改率得分（权重 30%）" in head and "检查次数" in head
    with db.read() as s:
        ranked = st.ranking(st.monthly(s, year=2026, month=11, as_of=w.AS_OF))
    assert [r[0] for r in rows[1:]] == [r.rank for r in ranked]
    top = dict(zip(head, rows[1], strict=True))
    assert top["部门"] == ranked[0].department and top["综合得分"] == ranked[0].score


def test_failed_write_leaves_no_file(db: Database, tmp_path: Path) -> None:
    w.build(db)
    target = tmp_path / "missing" / "周统计.xlsx"
    with pytest.raises(ExportError):
        export_weekly(db, w.WEEK, w.AS_OF, target)
    assert not target.parent.exists()
