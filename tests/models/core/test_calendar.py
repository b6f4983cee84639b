"""The administrator's holiday years overlay the shipped calendar (both backends)."""

from __future__ import annotations

from datetime import date

import pytest

from models.core.calendar import load_calendar, save_holiday_year
from models.core.errors import PermissionDenied, ValidationError
from models.core.uow import Actor, unit_of_work

ADMIN = Actor("管理员", frozenset({"admin"}))

YEAR_2027 = {
    "year": 2027,
    "source": "测试用安排（非官方）",
    "holidays": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-01-04", "name": "元旦"}],
    "workdays": [{"date": "2027-01-09", "name": "元旦调休"}],
}


def test_a_missing_year_falls_back_with_a_warning_until_entered(db) -> None:
    with db.read() as s:
        cal = load_calendar(s)
    assert not cal.covers(2027)
    due = cal.due_after_working_days(date(2026, 12, 25), 5)
    assert due.warnings and "2027 年节假日安排未录入" in due.warnings[0]
    with unit_of_work(db, ADMIN) as uow:
        assert save_holiday_year(uow, YEAR_2027) == 2027
    with db.read() as s:
        cal = load_calendar(s)
    assert cal.covers(2027) and cal.covers(2026)
    assert not cal.is_working_day(date(2027, 1, 4)) and cal.is_working_day(date(2027, 1, 9))
    assert not cal.due_after_working_days(date(2027, 1, 1), 3).warnings


def test_entering_a_year_is_checked_and_for_administrators(db) -> None:
    bad = {**YEAR_2027, "workdays": [{"date": "2027-01-01", "name": "冲突"}]}
    with pytest.raises(ValidationError, match="节假日安排"), unit_of_work(db, ADMIN) as uow:
        save_holiday_year(uow, bad)
    with pytest.raises(ValidationError, match="缺少字段"), unit_of_work(db, ADMIN) as uow:
        save_holiday_year(uow, {"source": "x"})
    with pytest.raises(PermissionDenied), unit_of_work(db, Actor("科员", frozenset({"staff"}))) as uow:
        save_holiday_year(uow, YEAR_2027)
