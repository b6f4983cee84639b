"""Working days under the State Council's holiday arrangements (放假调休), with a Mon–Fri fallback."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.core import workdays
from models.core.workdays import DueDate, HolidayCalendar, load_shipped_calendar, missing_year_warning

CAL = load_shipped_calendar()
SHIPPED_YEARS = (2021, 2022, 2023, 2024, 2025, 2026)


def d(text: str) -> date:
    return date.fromisoformat(text)


def every_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- the shipped data ------------------------------------------------------------------------------


def test_shipped_years_and_sources() -> None:
    assert CAL.years_covered == SHIPPED_YEARS
    folder = resources.files("models.core.refdata.holidays")
    numbers = {2021: "国办发明电〔2020〕27号", 2022: "国办发明电〔2021〕11号", 2023: "国办发明电〔2022〕16号",
               2024: "国办发明电〔2023〕7号", 2025: "国办发明电〔2024〕12号", 2026: "国办发明电〔2025〕7号"}
    for year in SHIPPED_YEARS:
        doc = json.loads(folder.joinpath(f"{year}.json").read_text(encoding="utf-8"))
        assert doc["year"] == year
        assert f"国务院办公厅关于{year}年部分节假日安排的通知" in doc["source"]
        assert numbers[year] in doc["source"]
        assert CAL.year_sources[year] == doc["source"]


def test_no_2027_arrangement_is_invented() -> None:
    assert not CAL.covers(2027)
    assert not any(day.year == 2027 for day in (*CAL.holidays, *CAL.workdays))
    assert CAL.missing_years(d("2026-12-15"), d("2027-01-12")) == (2027,)


def test_agrees_with_chinesecalendar_on_every_day_2021_to_2026() -> None:
    """The oracle: the chinesecalendar package (test-only dependency), day by day."""
    import chinese_calendar

    disagreements = [day for day in every_day(d("2021-01-01"), d("2026-12-31"))
                     if CAL.is_working_day(day) != chinese_calendar.is_workday(day)]
    assert disagreements == []


def test_adjusted_working_days_match_chinesecalendar_exactly() -> None:
    from chinese_calendar.constants import workdays as oracle_workdays

    oracle = {day for day in oracle_workdays if day.year in SHIPPED_YEARS}
    assert set(CAL.workdays) == oracle
    assert all(day.weekday() >= 5 for day in CAL.workdays)


def test_counts_per_year() -> None:
    # Days off on Monday–Friday: the statutory days (11 until 2024, 13 since 2025) plus those moved by 调休.
    for year, weekday_off, adjusted in ((2021, 18, 7), (2022, 18, 7), (2023, 18, 7), (2024, 19, 8), (2025, 18, 5),
                                        (2026, 19, 6)):
        assert sum(1 for day in CAL.holidays if day.year == year and day.weekday() < 5) == weekday_off
        assert sum(1 for day in CAL.workdays if day.year == year) == adjusted


def test_the_2025_reform_adds_new_years_eve_and_2_may() -> None:
    assert CAL.day_name(d("2025-01-28")) == "春节"  # 除夕
    assert not CAL.is_working_day(d("2025-05-02")) and not CAL.is_working_day(d("2025-05-05"))
    assert CAL.day_name(d("2025-04-27")) == "劳动节调休" and CAL.is_working_day(d("2025-04-27"))


def test_day_names() -> None:
    assert CAL.day_name(d("2024-10-01")) == "国庆节"
    assert CAL.day_name(d("2024-10-12")) == "国庆节调休"
    assert CAL.day_name(d("2024-10-14")) is None


# --- counting --------------------------------------------------------------------------------------


def test_national_day_2024_counts_both_adjusted_weekend_days() -> None:
    # Published Friday 2024-09-27. Sat 09-28 off; Sun 09-29 调休 (1); Mon 09-30 (2); 10-01..07 off;
    # 10-08..11 (3–6); Sat 10-12 调休 (7); 10-14..18 (8–12); 10-21..25 (13–17); 10-28, 29, 30 (18–20).
    assert CAL.add_working_days(d("2024-09-27"), 1) == d("2024-09-29")
    assert CAL.add_working_days(d("2024-09-27"), 2) == d("2024-09-30")
    assert CAL.add_working_days(d("2024-09-27"), 3) == d("2024-10-08")
    assert CAL.add_working_days(d("2024-09-27"), 7) == d("2024-10-12")
    assert CAL.add_working_days(d("2024-09-27"), 20) == d("2024-10-30")
    # Monday–Friday alone would have said 10-25.
    assert HolidayCalendar().add_working_days(d("2024-09-27"), 20) == d("2024-10-25")


def test_spring_festival_2025() -> None:
    # Mon 01-20: 01-21..24 (1–4); Sun 01-26 调休 (5); 01-27 (6); 01-28..02-04 off; 02-05..07 (7–9);
    # Sat 02-08 调休 (10); 02-10..14 (11–15); 02-17..21 (16–20).
    assert CAL.add_working_days(d("2025-01-20"), 5) == d("2025-01-26")
    assert CAL.add_working_days(d("2025-01-20"), 7) == d("2025-02-05")
    assert CAL.add_working_days(d("2025-01-20"), 20) == d("2025-02-21")


def test_spring_festival_2026() -> None:
    # Fri 02-06: 02-09..13 (1–5); Sat 02-14 调休 (6); 02-15..23 off (9 days); 02-24..27 (7–10);
    # Sat 02-28 调休 (11); 03-02..06 (12–16); 03-09..12 (17–20).
    assert CAL.add_working_days(d("2026-02-06"), 6) == d("2026-02-14")
    assert CAL.add_working_days(d("2026-02-06"), 7) == d("2026-02-24")
    assert CAL.add_working_days(d("2026-02-06"), 11) == d("2026-02-28")
    assert CAL.add_working_days(d("2026-02-06"), 20) == d("2026-03-12")


def test_labour_day_2025_five_days() -> None:
    # Fri 04-25: Sun 04-27 调休 (1); 04-28..30 (2–4); 05-01..05 off; Tue 05-06 (5).
    assert CAL.add_working_days(d("2025-04-25"), 5) == d("2025-05-06")
    assert CAL.working_days_between(d("2025-04-30"), d("2025-05-06")) == 1
    # From 04-30 the 20th working day also steps over 端午 (05-31..06-02): Tue 06-03.
    assert CAL.add_working_days(d("2025-04-30"), 20) == d("2025-06-03")


def test_year_end_into_new_years_day_2025() -> None:
    # Fri 2024-12-20: 12-23..27 (1–5), 12-30, 31 (6, 7), 2025-01-01 off, 01-02, 03 (8, 9),
    # 01-06..10 (10–14), 01-13..17 (15–19), Mon 01-20 (20).
    due = CAL.due_after_working_days(d("2024-12-20"), 20)
    assert due == DueDate(d("2025-01-20"), ())
    assert due.is_exact


def test_year_end_into_2027_falls_back_and_says_so() -> None:
    # Tue 2026-12-15: 12-16..18 (1–3), 12-21..25 (4–8), 12-28..31 (9–12), then 2027 has no data:
    # Monday–Friday, so Fri 2027-01-01 counts (13), 01-04..08 (14–18), 01-11, 12 (19, 20).
    due = CAL.due_after_working_days(d("2026-12-15"), 20)
    assert due.date == d("2027-01-12")
    assert due.warnings == ("2027 年节假日安排未录入，按周一至周五计算工作日，请管理员补录",)
    assert not due.is_exact


def test_a_count_inside_a_known_year_has_no_warning() -> None:
    assert CAL.due_after_working_days(d("2026-12-01"), 5).warnings == ()


def test_years_before_the_data_also_warn() -> None:
    assert CAL.warnings(d("2020-12-25"), d("2021-01-10")) == (missing_year_warning(2020),)
    assert CAL.missing_years(d("2028-03-01"), d("2019-01-01")) == (2019, 2020, 2027, 2028)


def test_zero_and_negative() -> None:
    assert CAL.add_working_days(d("2024-10-01"), 0) == d("2024-10-01")
    with pytest.raises(ValueError, match="负数"):
        CAL.add_working_days(d("2024-10-01"), -1)
    assert CAL.working_days_between(d("2024-10-30"), d("2024-09-27")) == -20
    assert CAL.working_days_between(d("2024-10-01"), d("2024-10-07")) == 0


def test_module_functions_use_the_shipped_calendar_by_default() -> None:
    assert workdays.is_working_day(d("2024-09-29"))
    assert not workdays.is_working_day(d("2024-09-29"), HolidayCalendar())
    assert workdays.add_working_days(d("2024-09-27"), 20) == d("2024-10-30")
    assert workdays.working_days_between(d("2024-09-27"), d("2024-10-30")) == 20
    assert workdays.due_after_working_days(d("2026-12-15"), 20).warnings


# --- building from rows (the administrator's table) ------------------------------------------------


def test_from_days_checks_rows() -> None:
    with pytest.raises(ValueError) as err:
        HolidayCalendar.from_days(
            {2027: "国务院办公厅关于2027年部分节假日安排的通知（示例）"},
            {d("2027-01-01"): "元旦", d("2027-01-04"): "元旦", d("2028-01-03"): "元旦"},
            {d("2027-01-04"): "元旦调休", d("2027-01-05"): "元旦调休"},
        )
    message = str(err.value)
    assert "2027-01-04 同时登记为放假日和调休上班日" in message
    assert "2027-01-05 是周一至周五，不能登记为调休上班日" in message
    assert "2028 年未登记节假日安排来源" in message
    with pytest.raises(ValueError, match="缺少来源"):
        HolidayCalendar.from_days({2027: " "}, {}, {})


def test_overlay_replaces_whole_years() -> None:
    # A made-up arrangement for a made-up year, only to exercise the mechanism.
    admin = HolidayCalendar.from_days({2030: "管理员录入（测试）"},
                                      {d("2030-01-01"): "元旦"}, {d("2030-01-05"): "元旦调休"})
    merged = CAL.overlay(admin)
    assert merged.years_covered == (*SHIPPED_YEARS, 2030)
    assert not merged.is_working_day(d("2030-01-01")) and merged.is_working_day(d("2030-01-05"))
    correction = HolidayCalendar.from_days({2026: "更正（测试）"}, {}, {})
    fixed = CAL.overlay(correction)
    assert fixed.is_working_day(d("2026-10-02"))  # the shipped 2026 days are gone with the year
    assert fixed.year_sources[2026] == "更正（测试）"
    assert CAL.is_working_day(d("2026-10-02")) is False  # the shipped value is untouched


def test_shipped_calendar_is_read_only() -> None:
    with pytest.raises(TypeError):
        CAL.holidays[d("2024-03-01")] = "x"  # type: ignore[index]
    assert load_shipped_calendar() is CAL
    assert hash(CAL) == hash(CAL.overlay(HolidayCalendar()))


# --- properties ------------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2020, 6, 1), max_value=date(2027, 6, 30))
COUNTS = st.integers(min_value=1, max_value=60)


@settings(max_examples=150, deadline=None)
@given(start=DAYS, n=COUNTS)
def test_result_is_a_working_day_after_start(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due > start
    assert CAL.is_working_day(due)


@settings(max_examples=150, deadline=None)
@given(start=DAYS, n=COUNTS)
def test_strictly_increasing_in_n(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@settings(max_examples=150, deadline=None)
@given(start=DAYS, n=st.integers(min_value=0, max_value=60))
def test_between_inverts_add(start: date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@settings(max_examples=100, deadline=None)
@given(a=DAYS, b=DAYS)
def test_between_is_antisymmetric(a: date, b: date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
