"""The printed weekly statistics (安全生产监管工作周统计) and monthly ranking (月度排名) on the
format-neutral document model (``plans.document``), drawn by the shared renderers (``exports.report``:
PDF and Word, A4 landscape).

``build_weekly(session, week=…, as_of=…)`` prints

- the title and, as its subtitle, the week (“2026年第48周（11月23日—11月29日）”; a week not over yet
  says up to which day it is counted);
- 一、各部门统计情况: one row per department (every department, zeros included, in its order) and the
  合计 row; two header rows (检查 / 发现隐患 / 行政处罚 / 应急演练 over their columns), repeated on every
  page; a rate with nothing to measure is “—”;
- 二、情况说明: the period in a few sentences (what was found, closed, overdue; who has the most overdue);
- 三、指标说明: every figure's definition (``models.oversight.stats.DEFINITIONS``), numbered;
- the line with the statistics date and the signature.

``build_monthly(session, year=…, month=…, as_of=…)`` prints the ranking first (名次, 部门, 综合得分,
then each component's value and points under its name and weight), then the month's figures as the
weekly report does, and the scoring rule with its source among the definitions.

``weekly_document(stats)`` and ``monthly_document(stats, ranking)`` build the same from figures already
read (the page has them). Nothing here reads the clock: ``created`` is the statistics date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from models.oversight import stats as st
from plans.document import Block, Cell, NumberedList, Paragraph, Table
from plans.report import ReportDocument, ReportSection

AUTHOR = "应急管理局"
WEEKLY_TITLE = "安全生产监管工作周统计"
MONTHLY_TITLE = "安全生产监管工作月度排名"
SIGNATURES = "制表（签字）：" + "　" * 5 + "审核（签字）：" + "　" * 5


def _ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def amount(value: float) -> str:
    """Fines in 元 with thousands separators, no decimals when whole: “12,500”, “300.5”."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def subtitle(result: st.PeriodStats) -> str:
    text = result.period.label
    if not result.complete:
        text += f"，统计至{_ymd(result.cut)}（本{'周' if result.period.kind == 'week' else '月'}尚未结束）"
    return text


FIGURE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("检查", ("次数", "企业数")),
    ("发现隐患", ("一般", "重大", "合计")),
    ("隐患整改", ("销号", "整改率", "逾期")),
    ("行政处罚", ("件数", "罚款/元")),
    ("应急演练", ("实施", "应完成", "已完成", "完成率")),
    ("预案逾期", ()),
)


def figure_values(r: st.DepartmentStats) -> list[str]:
    """A department's figures in the order of ``FIGURE_GROUPS``' columns."""
    return [str(r.inspections), str(r.enterprises), str(r.hazards_general), str(r.hazards_major),
            str(r.hazards_found), str(r.rectified), percent(r.rectification_rate), str(r.overdue),
            str(r.penalties), amount(r.penalty_amount), str(r.drills_held), str(r.drills_required),
            str(r.drills_met), percent(r.drill_rate), str(r.plans_overdue)]


def figures_table(result: st.PeriodStats) -> Table:
    top: list[Cell] = [Cell("部门", rowspan=2)]
    second: list[Cell] = []
    for group, columns in FIGURE_GROUPS:
        if columns:
            top.append(Cell(group, colspan=len(columns)))
            second += [Cell(c) for c in columns]
        else:
            top.append(Cell(group, rowspan=2))
    rows = [top, second]
    for r in (*result.rows, result.totals):
        rows.append([Cell(r.short_name), *(Cell(v) for v in figure_values(r))])
    return Table(rows, header_rows=2)


def summary(result: st.PeriodStats, unit: str) -> list[Block]:
    t = result.totals
    text = (f"本{unit}各部门共检查企业 {t.inspections} 家次（{t.enterprises} 家），发现隐患 {t.hazards_found} 处，"
            f"其中重大隐患 {t.hazards_major} 处；整改销号 {t.rectified} 处，本{unit}发现隐患的整改率为"
            f"{percent(t.rectification_rate)}；截至{_ymd(result.cut)}，逾期未整改隐患 {t.overdue} 处。"
            f"作出行政处罚 {t.penalties} 件，罚款 {amount(t.penalty_amount)} 元。"
            f"各部门监管企业实施演练 {t.drills_held} 次，应完成演练 {t.drills_required} 项、已完成 {t.drills_met} 项；"
            f"逾期未备案或未评估的预案 {t.plans_overdue} 件。")
    out: list[Block] = [Paragraph(text)]
    worst = sorted((r for r in result.rows if r.overdue), key=lambda r: -r.overdue)[:3]
    if worst:
        out.append(Paragraph("逾期未整改隐患较多的部门：" + "、".join(f"{r.short_name}（{r.overdue} 处）" for r in worst)
                             + "，请督促整改销号。"))
    idle = [r.short_name for r in result.rows if not r.inspections]
    if idle and len(idle) < len(result.rows):
        out.append(Paragraph(f"本{unit}无检查记录的部门：" + "、".join(idle) + "。"))
    return out


def definitions() -> NumberedList:
    return NumberedList([f"{name}：{text}" for name, text in st.DEFINITIONS])


def _closing(result: st.PeriodStats) -> Paragraph:
    return Paragraph(f"统计日期：{_ymd(result.as_of)}。" + "　" * 2 + SIGNATURES)


def _created(result: st.PeriodStats) -> datetime:
    return datetime.combine(result.as_of, datetime.min.time())


def table_lead(result: st.PeriodStats) -> Paragraph:
    """The sentence before the figures table (a heading is never followed directly by a table: the
    renderer's keep-with-next measure of a table at a page's foot needs its rows laid out first)."""
    return Paragraph(f"{result.period.range_text}各部门统计情况如下表（合计行中检查企业数按不同企业计）。")


def weekly_document(result: st.PeriodStats) -> ReportDocument:
    sections = [ReportSection("一、各部门统计情况", [table_lead(result), figures_table(result)]),
                ReportSection("二、情况说明", summary(result, "周")),
                ReportSection("三、指标说明", [definitions(), _closing(result)])]
    sub = subtitle(result)
    return ReportDocument(title=WEEKLY_TITLE, subtitle=sub, author=AUTHOR, header_text=f"{WEEKLY_TITLE}　{sub}",
                          created=_created(result), sections=sections,
                          keywords=("一周一统计", "隐患排查", result.period.key), landscape=True)


def ranking_table(rows: Sequence[st.RankingRow], rules: st.RankingRules | None = None) -> Table:
    rules = rules or st.ranking_rules()
    top: list[Cell] = [Cell("名次", rowspan=2), Cell("部门", rowspan=2), Cell("综合\n得分", rowspan=2)]
    top += [Cell(f"{c.label}（{c.weight * 100:g}%）", colspan=2) for c in rules.components]
    second = [Cell(h) for _c in rules.components for h in ("数值", "得分")]
    out = [top, second]
    for r in rows:
        line = [Cell(str(r.rank)), Cell(r.short_name), Cell(f"{r.score:.2f}")]
        for c in r.components:
            line += [Cell(c.value_text), Cell(f"{c.points:.1f}")]
        out.append(line)
    return Table(out, header_rows=2)


def monthly_document(result: st.PeriodStats, ranked: Sequence[st.RankingRow] | None = None,
                     rules: st.RankingRules | None = None) -> ReportDocument:
    rules = rules or st.ranking_rules()
    ranked = list(ranked) if ranked is not None else st.ranking(result, rules)
    first = [r.short_name for r in ranked if r.rank == 1]
    last_rank = max((r.rank for r in ranked), default=0)
    last = [r.short_name for r in ranked if r.rank == last_rank]
    lead = Paragraph(f"{result.period.label}各部门综合得分排名如下，第一名为{'、'.join(first)}"
                     + (f"，最后一名为{'、'.join(last)}。" if last_rank > 1 else "。"))
    sections = [ReportSection("一、综合排名", [lead, ranking_table(ranked, rules)]),
                ReportSection("二、各部门统计情况", [table_lead(result), figures_table(result),
                                                *summary(result, "月")]),
                ReportSection("三、指标与计分说明", [NumberedList([
                    *(f"{name}：{text}" for name, text in st.DEFINITIONS), *st.ranking_footnotes(rules)]),
                    _closing(result)])]
    sub = subtitle(result)
    return ReportDocument(title=MONTHLY_TITLE, subtitle=sub, author=AUTHOR, header_text=f"{MONTHLY_TITLE}　{sub}",
                          created=_created(result), sections=sections,
                          keywords=("一月一排名", "部门排名", result.period.key), landscape=True)


def build_weekly(session: Session, *, week: tuple[int, int], as_of: date) -> ReportDocument:
    return weekly_document(st.weekly(session, week=week, as_of=as_of))


def build_monthly(session: Session, *, year: int, month: int, as_of: date) -> ReportDocument:
    return monthly_document(st.monthly(session, year=year, month=month, as_of=as_of))
