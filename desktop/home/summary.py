"""What the home page makes of the due items and the monthly counts: the KPI cards (each a group of
due items — its count, and the filter a click on it applies), the start-up summary of what became
overdue since the user last opened the database, and the charts' data (``ChartData`` for the one chart
widget). Plain functions of plain rows, so the tests check them without a window."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from desktop.kit.charts import ChartData, Series
from models.core.due import MODULE_LABELS, DueItem
from models.oversight.queries import DepartmentHazards

DANGER_COLOUR = "#C0152F"
WARNING_COLOUR = "#B35C00"
WINDOWS = (7, 30, 90)
"""The due list's windows (days ahead; overdue and undated items are always listed)."""
DEFAULT_WINDOW = 30
"""As the ``due`` command's default ``--within``, so the first list the page shows is what ``due`` prints."""
WEEK = 7
SUPPLY_SHORT = ("below_minimum", "expired", "unusable")


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    unit: str
    colour: str
    tip: str
    test: Callable[[DueItem], bool]

    def count(self, items: Sequence[DueItem]) -> int:
        return sum(1 for i in items if self.test(i))


def _due_this_week(item: DueItem) -> bool:
    return item.days is not None and 0 <= item.days <= WEEK


CARDS = (
    Card("overdue", "逾期事项", "项", DANGER_COLOUR, "已过期限仍未办理的事项（各模块）", lambda i: i.overdue),
    Card("week", "7 天内到期", "项", WARNING_COLOUR, "今天起 7 天内（含今天）到期的事项", _due_this_week),
    Card("plans", "预案逾期", "项", DANGER_COLOUR, "备案、备案审查、评估、修订已逾期的预案事项",
         lambda i: i.module == "plans" and i.overdue),
    Card("drills", "演练逾期", "项", DANGER_COLOUR, "按频次要求已逾期的演练和逾期未完成的整改",
         lambda i: i.module == "drills" and i.overdue),
    Card("teams", "未就绪队伍", "支", DANGER_COLOUR, "就绪状态为“不就绪”的救援队伍",
         lambda i: i.module == "teams" and i.kind == "readiness"),
    Card("supplies", "物资短缺/过期", "项", DANGER_COLOUR, "低于最低储备、已过期或不可用的物资",
         lambda i: i.module == "supplies" and i.kind in SUPPLY_SHORT),
    Card("hazards", "隐患逾期", "项", DANGER_COLOUR, "超过整改期限仍未销号的隐患（含重大隐患、挂牌督办）",
         lambda i: i.module == "oversight" and i.record == "hazard" and i.overdue),
    Card("incidents", "事故未报/迟报", "起", DANGER_COLOUR, "超过 1 小时仍未上报或迟报的事故信息",
         lambda i: i.module == "oversight" and i.record == "incident" and i.kind != "incident_correction"),
)
FLOOD_CARD = Card("flood", "防汛工作", "项", "#1F4E79",
                  "汛期中防汛相关的待办：防汛物资、重点行业企业的演练和整改、值班缺口、防汛队伍",
                  lambda _i: False)
"""Shown in the flood season only; which items it holds is read with them (``models.oversight.flood``)."""
CARD_BY_KEY = {c.key: c for c in (FLOOD_CARD, *CARDS)}


def flood_text(season_label: str, items: Sequence[DueItem]) -> str:
    """“汛期 6月1日至9月30日（…）：防汛相关待办 5 项（物资 2 项、值班 3 项）。”"""
    if not items:
        return f"{season_label}：目前没有防汛相关的逾期或即将到期事项。"
    counts = Counter(i.module for i in items)
    label = {m: next(i.module_label for i in items if i.module == m) for m in counts}
    parts = "、".join(f"{label[m]} {counts[m]} 项" for m in _modules_in_order(set(counts)))
    overdue = sum(1 for i in items if i.overdue)
    return f"{season_label}：防汛相关待办 {len(items)} 项（{parts}），其中逾期 {overdue} 项。"


def newly_overdue(items: Sequence[DueItem], since: date) -> list[DueItem]:
    """What became overdue after ``since`` (the day the user last opened the database): overdue today and
    due after that day (so it was not overdue then)."""
    return [i for i in items if i.overdue and i.due_on is not None and i.due_on > since]


def _modules_in_order(modules: set[str]) -> list[str]:
    known = [m for m in MODULE_LABELS if m in modules]
    return known + sorted(modules - set(known))


def summary_text(items: Sequence[DueItem], since: date) -> str:
    """“自上次打开（2026-11-30）以来新逾期 5 项：预案 2 项、演练 3 项。” (or that nothing did)."""
    new = newly_overdue(items, since)
    if not new:
        return f"自上次打开（{since.isoformat()}）以来没有新逾期的事项。"
    counts = Counter(i.module for i in new)
    label = {m: next(i.module_label for i in new if i.module == m) for m in counts}
    parts = "、".join(f"{label[m]} {counts[m]} 项" for m in _modules_in_order(set(counts)))
    return f"自上次打开（{since.isoformat()}）以来新逾期 {len(new)} 项：{parts}。"


def by_module_chart(items: Sequence[DueItem], within: int) -> ChartData:
    """到期事项按模块: 紧急 and 提醒 stacked, each module listed (with nothing due too)."""
    modules = _modules_in_order({i.module for i in items} | {m for m in MODULE_LABELS if m != "oversight"})
    labels = {m: MODULE_LABELS.get(m, m) for m in modules}
    danger = Counter(i.module for i in items if i.severity == "danger")
    warning = Counter(i.module for i in items if i.severity != "danger")
    return ChartData("到期事项按模块", tuple(labels[m] for m in modules),
                     (Series("紧急", tuple(float(danger[m]) for m in modules), DANGER_COLOUR),
                      Series("提醒", tuple(float(warning[m]) for m in modules), WARNING_COLOUR)),
                     stacked=True, unit=" 项", note=f"逾期、现在和 {within} 天内到期的事项")


def _month(day: date) -> str:
    return f"{day.month}月"


def _span(months: Sequence[date]) -> str:
    if not months:
        return ""
    first, last = months[0], months[-1]
    return f"{first.year}年{first.month}月至{last.year}年{last.month}月"


def hazards_chart(rows: Sequence[DepartmentHazards]) -> ChartData:
    """隐患按部门: the open hazards each department found, stacked 一般/重大 (the overdue in the tooltip's
    sentence below the title) — ``models.oversight.queries.open_hazards_by_department``."""
    shown = [r for r in rows if r.general or r.major] or list(rows)
    overdue = sum(r.overdue for r in rows)
    return ChartData("隐患：按部门（未销号）", tuple(r.department for r in shown),
                     (Series("一般隐患", tuple(float(r.general) for r in shown), WARNING_COLOUR),
                      Series("重大隐患", tuple(float(r.major) for r in shown), DANGER_COLOUR)),
                     stacked=True, unit=" 项", note=f"未销号的隐患按检查部门，其中已逾期 {overdue} 项")


def drills_chart(rows: Sequence[tuple[date, int, int]]) -> ChartData:
    """演练 实施 vs 应实施 by month (``models.drills.queries.held_by_month``)."""
    months = [m for m, _held, _required in rows]
    return ChartData("演练：已实施与应实施（按月）", tuple(_month(m) for m in months),
                     (Series("已实施", tuple(float(h) for _m, h, _r in rows), "#2E7D32"),
                      Series("应实施", tuple(float(r) for _m, _h, r in rows), "#1F4E79")),
                     unit=" 次", note=f"{_span(months)}；逾期未实施的计入本月")


def supplies_chart(rows: Sequence[tuple[date, int]]) -> ChartData:
    """物资按月到期批次 (``models.supplies.queries.expiring_by_month``)."""
    months = [m for m, _n in rows]
    return ChartData("物资：按月到期的批次", tuple(_month(m) for m in months),
                     (Series("到期批次", tuple(float(n) for _m, n in rows), WARNING_COLOUR),),
                     unit=" 批", note=f"{_span(months)}；有库存的批次，已过期的见待办")
