"""Supplies rules, pure: the GB/T 38565 tree, usability, and the alert boundaries to the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from models.supplies import rules

AS_OF = date(2026, 12, 3)


@dataclass
class B:
    expires_on: date | None = None
    condition: str = "good"


def test_the_tree_has_the_three_top_classes_of_the_standard_and_seven_digit_codes() -> None:
    top = rules.children(None)
    assert [(c.code, c.name) for c in top] == [("1000000", "基本生活保障物资"), ("2000000", "应急装备及配套物资"),
                                               ("3000000", "工程材料与机械加工设备")]
    tree = rules.categories()
    assert "GB/T 38565-2020" in tree.source and "尚待与标准代码表核对" in tree.source
    assert all(len(code) == 7 and code.isdigit() for code in tree.by_code)
    path = rules.category_path("2010101")
    assert [c.name for c in path] == ["应急装备及配套物资", "个体防护装备", "呼吸防护", "正压式空气呼吸器"]
    assert [c.level_label for c in path] == ["大类", "中类", "小类", "细类"]
    assert rules.category_prefix("2010000") == "201" and rules.category_prefix("2010101") == "2010101"
    names = {c.name for c in tree.by_code.values()}
    assert {"化学防护", "气体检测", "对讲机", "救生衣", "抽水泵", "柴油发电机", "急救箱", "沙袋"} <= names
    assert rules.category("1990000") is not None and rules.category("1990000").name.startswith("其他")  # 99 收容


def test_category_codes_are_checked_against_the_tree() -> None:
    assert rules.check_category("2010101") is None
    assert rules.check_category("2010000") is None  # a 中类 is a category too
    assert rules.check_category("20101") == "应为 GB/T 38565 的 7 位数字代码"
    assert rules.check_category("2999998") == "类别代码 2999998 不在物资分类表中"


@pytest.mark.parametrize(("items", "message"), [
    ([{"code": "201", "name": "x", "parent": None, "level": 1}], "7 位数字"),
    ([{"code": "2000000", "name": "a", "parent": None, "level": 1},
      {"code": "3010000", "name": "b", "parent": "2000000", "level": 2}], "上级"),
    ([{"code": "2010000", "name": "a", "parent": None, "level": 1}], "层级"),
])
def test_a_broken_tree_file_is_refused(items: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rules.parse_categories({"source": "测试", "items": items})


def test_usable_until_the_expiry_day_inclusive_and_only_in_good_condition() -> None:
    assert rules.usable(B(AS_OF), AS_OF) == (True, "")
    assert rules.usable(B(AS_OF - timedelta(days=1)), AS_OF) == (False, "该批次已于 2026-12-02 过期")
    assert rules.usable(B(None), AS_OF) == (True, "")
    assert rules.usable(B(None, "repair"), AS_OF) == (False, "该批次状态为“待修”")
    assert rules.usable(B(None, "scrapped"), AS_OF) == (False, "该批次状态为“报废”")


@pytest.mark.parametrize(("days_left", "kind"), [
    (-1, "expired"), (0, "expiring_30"), (30, "expiring_30"), (31, "expiring_90"), (90, "expiring_90"), (91, None),
])
def test_expiry_alerts_exactly_at_the_30_and_90_day_boundaries(days_left: int, kind: str | None) -> None:
    alert = rules.expiry_alert(AS_OF + timedelta(days=days_left), AS_OF)
    assert (alert.kind if alert else None) == kind
    if kind == "expired":
        assert alert is not None and alert.label == "已过期" and alert.detail.endswith("已过期 1 天")
    if days_left == 30:
        assert alert is not None and alert.label == "30 天内到期" and "还有 30 天到期" in alert.detail
    if days_left == 0:
        assert alert is not None and "今天到期" in alert.detail


def test_the_windows_are_data() -> None:
    custom = rules.parse_alert_rules({**rules._load("alerts"), "expiry_windows": [
        {"days": 60, "kind": "expiring_90", "label": "60 天内到期"}, {"days": 7, "kind": "expiring_30", "label": "7 天内到期"}]})
    assert [w.days for w in custom.windows] == [7, 60]
    alert = rules.expiry_alert(AS_OF + timedelta(days=8), AS_OF, custom)
    assert alert is not None and alert.label == "60 天内到期"
    assert rules.expiry_alert(AS_OF + timedelta(days=61), AS_OF, custom) is None
    assert "90 天、30 天为本系统默认值" in rules.alert_rules().source


def test_inspection_and_calibration_overdue_from_the_day_after() -> None:
    kinds = [a.kind for a in rules.alerts_for(as_of=AS_OF, inspection_due=AS_OF, calibration_due=AS_OF)]
    assert kinds == []
    alerts = rules.alerts_for(as_of=AS_OF, inspection_due=AS_OF - timedelta(days=1),
                              calibration_due=AS_OF - timedelta(days=10))
    assert [a.kind for a in alerts] == ["inspection_overdue", "calibration_overdue"]
    assert alerts[1].detail == "应于 2026-11-23 前检定，已逾期 10 天"


def test_below_minimum_counts_usable_stock() -> None:
    assert rules.alerts_for(as_of=AS_OF, usable_total=2, minimum=2) == []
    [alert] = rules.alerts_for(as_of=AS_OF, usable_total=1, minimum=2)
    assert alert.kind == "below_minimum" and alert.detail == "可用 1，最低库存 2，缺 1"


def test_stock_held_three_years_needs_a_check_after_the_anniversary() -> None:
    since = date(2023, 12, 3)
    assert [a.kind for a in rules.alerts_for(as_of=AS_OF, held_since=since)] == ["quality_check"]
    assert rules.alerts_for(as_of=AS_OF - timedelta(days=1), held_since=since) == []  # 3 years less a day
    assert rules.alerts_for(as_of=AS_OF, held_since=since, inspected_on=date(2026, 12, 3)) == []
    assert [a.kind for a in rules.alerts_for(as_of=AS_OF, held_since=since, inspected_on=date(2026, 1, 5))] == [
        "quality_check"]  # checked before the anniversary: a check is still due
    assert [a.kind for a in rules.alerts_for(as_of=AS_OF, held_since=since, condition="scrapped")] == ["unusable"]
    assert [a.kind for a in rules.alerts_for(as_of=AS_OF, held_since=since, expires_on=AS_OF - timedelta(days=1))] == [
        "expired"]


def test_dates_derived_from_the_item() -> None:
    assert rules.expiry_from_shelf_life(date(2026, 3, 15), 12) == date(2027, 3, 14)
    assert rules.expiry_from_shelf_life(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert rules.expiry_from_shelf_life(None, 12) is None and rules.expiry_from_shelf_life(date(2026, 1, 1), None) is None
    assert rules.next_due(date(2026, 1, 1), 30) == date(2026, 1, 31) and rules.next_due(None, 30) is None
    assert rules.add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
