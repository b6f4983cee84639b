"""Excel workbooks of the statistics, through the writer of ``exports.excel``: the weekly statistics
(one row per department and the 合计 row, every figure in its own column, numbers as numbers and rates
as percentages) and the monthly ranking (名次, 部门, 综合得分, each component's value and points, then the
month's figures). The printed reports (PDF and Word) are ``plans.oversight.stats``; both read
``models.oversight.stats``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from exports.excel import ALERT, PLAIN, Sheet, SheetColumn, export_rows
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.oversight import stats as st

PERCENT = "0.0%"
MONEY = "#,##0.00"

FIGURE_COLUMNS: tuple[SheetColumn[st.DepartmentStats], ...] = (
    SheetColumn("部门", 22, lambda r: r.department),
    SheetColumn("检查次数", 9, lambda r: r.inspections),
    SheetColumn("检查企业数", 10, lambda r: r.enterprises),
    SheetColumn("一般隐患", 9, lambda r: r.hazards_general),
    SheetColumn("重大隐患", 9, lambda r: r.hazards_major),
    SheetColumn("发现隐患合计", 11, lambda r: r.hazards_found),
    SheetColumn("整改销号", 9, lambda r: r.rectified),
    SheetColumn("整改率", 9, lambda r: r.rectification_rate, PERCENT),
    SheetColumn("逾期未整改", 10, lambda r: r.overdue, style=lambda r: ALERT if r.overdue else PLAIN),
    SheetColumn("行政处罚件数", 11, lambda r: r.penalties),
    SheetColumn("罚款金额（元）", 14, lambda r: r.penalty_amount, MONEY),
    SheetColumn("演练实施次数", 11, lambda r: r.drills_held),
    SheetColumn("演练应完成", 10, lambda r: r.drills_required),
    SheetColumn("演练已完成", 10, lambda r: r.drills_met),
    SheetColumn("演练完成率", 10, lambda r: r.drill_rate, PERCENT),
    SheetColumn("预案逾期（备案/评估）", 14, lambda r: r.plans_overdue, style=lambda r: ALERT if r.plans_overdue else PLAIN),
)


def export_weekly(db: Database, week: tuple[int, int], as_of: date, path: Path, *,
                  progress: Progress = NULL_PROGRESS) -> int:
    """The statistics of ISO week ``week`` to ``path``; the number of rows written (the totals included)."""
    with db.read() as session:
        result = st.weekly(session, week=week, as_of=as_of)
    return write_weekly(result, path, progress=progress)


def write_weekly(result: st.PeriodStats, path: Path, *, progress: Progress = NULL_PROGRESS) -> int:
    rows = [*result.rows, result.totals]
    title = f"安全生产监管工作周统计（{result.period.label}，统计日期 {result.as_of.isoformat()}）"
    return export_rows(Path(path), Sheet("周统计", title, FIGURE_COLUMNS), iter(rows), len(rows), progress)


def _component(index: int, c: st.Component) -> tuple[SheetColumn[Any], SheetColumn[Any]]:
    return (SheetColumn(f"{c.label}", 12, lambda r: r[0].components[index].value, PERCENT if c.rate else None),
            SheetColumn(f"{c.label}得分（权重 {c.weight * 100:g}%）", 14, lambda r: r[0].components[index].points))


def ranking_columns(rules: st.RankingRules | None = None) -> tuple[SheetColumn[Any], ...]:
    """Columns over (ranking row, the department's figures)."""
    rules = rules or st.ranking_rules()
    out: list[SheetColumn[Any]] = [SheetColumn("名次", 6, lambda r: r[0].rank),
                                    SheetColumn("部门", 22, lambda r: r[0].department),
                                    SheetColumn("综合得分", 10, lambda r: r[0].score, "0.00")]
    for i, c in enumerate(rules.components):
        out += _component(i, c)
    out += [SheetColumn(col.header, col.width, lambda r, col=col: col.value(r[1]), col.number_format)
            for col in FIGURE_COLUMNS[1:]]
    return tuple(out)


def export_monthly(db: Database, year: int, month: int, as_of: date, path: Path, *,
                   progress: Progress = NULL_PROGRESS) -> int:
    """The ranking of a month with its figures to ``path``; the number of rows written."""
    with db.read() as session:
        result = st.monthly(session, year=year, month=month, as_of=as_of)
    return write_monthly(result, st.ranking(result), path, progress=progress)


def write_monthly(result: st.PeriodStats, ranked: Sequence[st.RankingRow], path: Path, *,
                  progress: Progress = NULL_PROGRESS) -> int:
    figures = {r.department_id: r for r in result.rows}
    rows = [(r, figures[r.department_id]) for r in ranked]
    title = f"安全生产监管工作月度排名（{result.period.label}，统计日期 {result.as_of.isoformat()}）"
    return export_rows(Path(path), Sheet("月度排名", title, ranking_columns()), iter(rows), len(rows), progress)
