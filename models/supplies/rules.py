"""Supplies rules (S3, S4): what is usable, what needs attention — pure functions of the facts and
``as_of``, their numbers in reference data with its sources.

- ``usable(batch, as_of)``: a batch is usable unless it is expired (``as_of`` after its 有效期至; the
  day itself still counts), its condition is 待修 or 报废 (its last inspection), or it was deleted.
- ``alerts_for(…)``: the alerts of one batch in one warehouse — expired, expiring within the windows of
  ``refdata/alerts.json`` (default 30 and 90 days, the tighter one wins), inspection or calibration
  overdue, held 3+ years without a check since (the quality check), and below the warehouse's
  minimum of the item (usable stock counted).
- The GB/T 38565-2020 category tree (``refdata/categories.json``): 7-digit codes, 4 levels, lower
  levels padded with zeros; ``category(code)``, ``children(code)``, ``category_prefix(code)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Protocol

from models.core.days import add_years
from models.core.reference import refdata
from models.supplies.entities import CONDITIONS


def _load(name: str) -> dict[str, Any]:
    return refdata("models.supplies.refdata", name)  # type: ignore[no-any-return]


# ---- the category tree


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    parent: str | None
    level: int  # 1 大类, 2 中类, 3 小类, 4 细类

    @property
    def level_label(self) -> str:
        return ("大类", "中类", "小类", "细类")[self.level - 1]


@dataclass(frozen=True)
class CategoryTree:
    by_code: Mapping[str, Category]
    order: tuple[str, ...]
    source: str


LEVEL_DIGITS = (1, 3, 5, 7)  # significant digits of a code at each level


def parse_categories(data: Mapping[str, Any]) -> CategoryTree:
    """Read and check the tree: 7-digit codes, each below its parent with the parent's digits."""
    by_code: dict[str, Category] = {}
    order = []
    for item in data["items"]:
        code, parent, level = str(item["code"]), item.get("parent"), int(item["level"])
        if len(code) != 7 or not code.isdigit():
            raise ValueError(f"物资类别代码应为 7 位数字：{code}")
        if not 1 <= level <= 4 or code[LEVEL_DIGITS[level - 1]:].strip("0"):
            raise ValueError(f"物资类别 {code} 的层级 {level} 与代码不符")
        if (parent is None) != (level == 1):
            raise ValueError(f"物资类别 {code} 的上级类目不对")
        if parent is not None:
            up = by_code.get(parent)
            if up is None or up.level != level - 1 or code[:LEVEL_DIGITS[level - 2]] != parent[:LEVEL_DIGITS[level - 2]]:
                raise ValueError(f"物资类别 {code} 的上级 {parent} 不存在或不是它的上一级")
        if code in by_code:
            raise ValueError(f"物资类别代码重复：{code}")
        by_code[code] = Category(code, str(item["name"]), parent, level)
        order.append(code)
    return CategoryTree(by_code, tuple(order), str(data["source"]))


@cache
def categories() -> CategoryTree:
    return parse_categories(_load("categories"))


def category(code: str) -> Category | None:
    """The category of a 7-digit code, or None when the tree has no such code."""
    return categories().by_code.get(code)


def children(code: str | None = None) -> list[Category]:
    """The categories directly under ``code`` (None: the three 大类), in the file's order."""
    tree = categories()
    return [tree.by_code[c] for c in tree.order if tree.by_code[c].parent == code]


def category_path(code: str) -> list[Category]:
    """``code``'s category and its ancestors, 大类 first (empty when unknown)."""
    out = []
    node = category(code)
    while node is not None:
        out.append(node)
        node = category(node.parent) if node.parent else None
    return out[::-1]


def category_label(code: str) -> str:
    """“2010101 正压式空气呼吸器” (or the bare code when the tree no longer has it)."""
    node = category(code)
    return f"{code} {node.name}" if node else code


def category_prefix(code: str) -> str:
    """The digits every code under ``code`` starts with (``2010000`` → ``201``)."""
    node = category(code)
    if node is None:
        return code
    return code[:LEVEL_DIGITS[node.level - 1]]


def check_category(code: str) -> str | None:
    """None when ``code`` is a category of the tree, else the Chinese reason."""
    if len(code) != 7 or not code.isdigit():
        return "应为 GB/T 38565 的 7 位数字代码"
    if category(code) is None:
        return f"类别代码 {code} 不在物资分类表中"
    return None


# ---- alerts


@dataclass(frozen=True)
class Window:
    days: int
    kind: str
    label: str
    severity: str


@dataclass(frozen=True)
class AlertRules:
    windows: tuple[Window, ...]  # tightest first
    quality_check_years: int
    labels: Mapping[str, str]
    severities: Mapping[str, str]
    source: str

    def label(self, kind: str) -> str:
        for w in self.windows:
            if w.kind == kind:
                return w.label
        return self.labels[kind]


def parse_alert_rules(data: Mapping[str, Any]) -> AlertRules:
    windows = tuple(sorted((Window(int(w["days"]), str(w["kind"]), str(w["label"]), str(w.get("severity", "warning")))
                            for w in data["expiry_windows"]), key=lambda w: w.days))
    if any(w.days < 0 for w in windows):
        raise ValueError("到期预警天数不能为负数")
    return AlertRules(windows, int(data["quality_check_years"]), dict(data["labels"]), dict(data["severities"]),
                      str(data["source"]))


@cache
def alert_rules() -> AlertRules:
    return parse_alert_rules(_load("alerts"))


ALERT_KINDS = ("expired", "expiring_30", "expiring_90", "unusable", "below_minimum", "inspection_overdue",
               "calibration_overdue", "quality_check")


@dataclass(frozen=True)
class Alert:
    kind: str
    label: str  # 已过期, 30 天内到期, …
    detail: str  # the Chinese sentence with the dates and numbers
    severity: str  # danger | warning

    def __str__(self) -> str:
        return f"{self.label}（{self.detail}）"


class BatchFacts(Protocol):
    """What the rules read of a batch (a ``SupplyBatch`` or any row with these attributes)."""

    @property
    def expires_on(self) -> date | None: ...

    @property
    def condition(self) -> str: ...


def usable(batch: BatchFacts, as_of: date) -> tuple[bool, str]:
    """Whether the batch may be issued on ``as_of``, and if not, why (Chinese)."""
    if getattr(batch, "deleted_at", None) is not None:
        return False, "该批次已删除"
    if batch.condition != "good":
        return False, f"该批次状态为“{CONDITIONS.get(batch.condition, batch.condition)}”"
    if batch.expires_on is not None and as_of > batch.expires_on:
        return False, f"该批次已于 {batch.expires_on.isoformat()} 过期"
    return True, ""


def expiry_alert(expires_on: date | None, as_of: date, rules: AlertRules | None = None) -> Alert | None:
    """Expired (``as_of`` after the 有效期至), or within the tightest window it falls in
    (``expires_on - as_of`` days ≤ the window's days), else None."""
    if expires_on is None:
        return None
    rules = rules or alert_rules()
    left = (expires_on - as_of).days
    if left < 0:
        return Alert("expired", rules.labels["expired"], f"有效期至 {expires_on.isoformat()}，已过期 {-left} 天",
                     rules.severities["expired"])
    for w in rules.windows:
        if left <= w.days:
            when = "今天到期" if left == 0 else f"还有 {left} 天到期"
            return Alert(w.kind, w.label, f"有效期至 {expires_on.isoformat()}，{when}", w.severity)
    return None


def alerts_for(*, as_of: date, expires_on: date | None = None, condition: str = "good",
               inspection_due: date | None = None, calibration_due: date | None = None,
               inspected_on: date | None = None, held_since: date | None = None,
               usable_total: int | None = None, minimum: int | None = None,
               rules: AlertRules | None = None) -> list[Alert]:
    """Every alert of a batch on ``as_of``.

    ``held_since`` is when the stock began to be held (its production date, else its first receipt);
    a batch held ``quality_check_years`` or more needs a check dated on or after that anniversary
    (not asked of stock already expired or scrapped: that is to be written off, not checked).
    ``usable_total`` and ``minimum`` are the warehouse's usable quantity of the item and its minimum
    (below it: an alert)."""
    rules = rules or alert_rules()
    out: list[Alert] = []
    expiry = expiry_alert(expires_on, as_of, rules)
    if expiry is not None:
        out.append(expiry)
    if condition != "good":
        out.append(Alert("unusable", rules.labels["unusable"], f"状态为“{CONDITIONS.get(condition, condition)}”",
                         rules.severities["unusable"]))
    if minimum is not None and usable_total is not None and usable_total < minimum:
        out.append(Alert("below_minimum", rules.labels["below_minimum"],
                         f"可用 {usable_total}，最低库存 {minimum}，缺 {minimum - usable_total}",
                         rules.severities["below_minimum"]))
    if inspection_due is not None and as_of > inspection_due:
        out.append(Alert("inspection_overdue", rules.labels["inspection_overdue"],
                         f"应于 {inspection_due.isoformat()} 前检查，已逾期 {(as_of - inspection_due).days} 天",
                         rules.severities["inspection_overdue"]))
    if calibration_due is not None and as_of > calibration_due:
        out.append(Alert("calibration_overdue", rules.labels["calibration_overdue"],
                         f"应于 {calibration_due.isoformat()} 前检定，已逾期 {(as_of - calibration_due).days} 天",
                         rules.severities["calibration_overdue"]))
    if held_since is not None and condition != "scrapped" and (expiry is None or expiry.kind != "expired"):
        anniversary = add_years(held_since, rules.quality_check_years)
        if as_of >= anniversary and (inspected_on is None or inspected_on < anniversary):
            out.append(Alert("quality_check", rules.labels["quality_check"],
                             f"自 {held_since.isoformat()} 起储存已满 {rules.quality_check_years} 年，"
                             f"{anniversary.isoformat()} 后尚未检查", rules.severities["quality_check"]))
    return out


def next_due(day: date | None, interval_days: int | None) -> date | None:
    """The next inspection or calibration after ``day`` by the item's interval (None without either)."""
    if day is None or not interval_days:
        return None
    return day + timedelta(days=interval_days)


def expiry_from_shelf_life(produced_on: date | None, months: int | None) -> date | None:
    """The 有效期至 of a batch produced on ``produced_on`` with a shelf life of ``months``: the day
    before the same date ``months`` later (produced 2026-03-15, 12 months → 2027-03-14)."""
    if produced_on is None or not months:
        return None
    total = produced_on.month - 1 + months
    year, month = produced_on.year + total // 12, total % 12 + 1
    day = produced_on.day
    while True:
        try:
            end = date(year, month, day)
            break
        except ValueError:
            day -= 1
    return end - timedelta(days=1)
