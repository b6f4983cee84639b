"""The incident rules (pure): the grade at every threshold boundary of each criterion (以上 includes
the number, 以下 excludes it; the highest criterion decides), the 1-hour reporting deadline across
midnight and month ends, the 补报 window per kind, and the current figures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from models.oversight import incidents as inc
from models.oversight.incidents import Figures


@pytest.mark.parametrize(("deaths", "expected"), [
    (0, "general"), (1, "general"), (2, "general"), (3, "larger"), (9, "larger"), (10, "major"), (29, "major"),
    (30, "extraordinary"), (31, "extraordinary")])
def test_grade_by_deaths(deaths: int, expected: str) -> None:
    assert inc.grade(deaths, 0, 0) == expected


@pytest.mark.parametrize(("injuries", "expected"), [
    (0, "general"), (9, "general"), (10, "larger"), (49, "larger"), (50, "major"), (99, "major"),
    (100, "extraordinary"), (101, "extraordinary")])
def test_grade_by_serious_injuries(injuries: int, expected: str) -> None:
    assert inc.grade(0, injuries, 0) == expected


@pytest.mark.parametrize(("loss", "expected"), [
    (0, "general"), (999.99, "general"), (1000, "larger"), (1000.0, "larger"), (4999.99, "larger"), (5000, "major"),
    (9999.99, "major"), (10000, "extraordinary"), (25000.5, "extraordinary")])
def test_grade_by_direct_loss(loss: float, expected: str) -> None:
    assert inc.grade(0, 0, loss) == expected


@pytest.mark.parametrize(("figures", "expected"), [
    ((2, 9, 999.99), "general"),  # every criterion just below 较大
    ((2, 9, 1000), "larger"),  # the loss alone lifts it
    ((3, 0, 5000), "major"),  # the highest criterion decides
    ((0, 100, 10), "extraordinary"),
    ((29, 99, 9999.99), "major"),
    ((1, 50, 0), "major"),
    ((10, 10, 10000), "extraordinary"),
])
def test_mixed_criteria_the_highest_decides(figures: tuple[int, int, float], expected: str) -> None:
    assert inc.grade(*figures) == expected


def test_grade_labels_from_the_reference_data() -> None:
    rules = inc.incident_rules()
    assert [g.label for g in rules.grades] == ["特别重大事故", "重大事故", "较大事故", "一般事故"]
    assert inc.grade_label("larger") == "较大事故"
    assert "第493号" in rules.source and rules.report_within_minutes == 60


def test_deadline_across_midnight() -> None:
    received = datetime(2026, 12, 3, 23, 40)
    assert inc.report_deadline(received) == datetime(2026, 12, 4, 0, 40)
    late = inc.report_timing(received, datetime(2026, 12, 4, 0, 41))
    assert (late.status, late.minutes_late, late.label) == ("late", 1, "迟报 1 分钟")
    on_time = inc.report_timing(received, datetime(2026, 12, 4, 0, 40))
    assert on_time.status == "on_time" and on_time.label == "按时上报" and not on_time.late
    assert inc.report_timing(received, datetime(2026, 12, 4, 0, 40, 30)).minutes_late == 1  # a part minute counts


@pytest.mark.parametrize(("received", "reported", "minutes"), [
    (datetime(2026, 11, 30, 23, 30), datetime(2026, 12, 1, 0, 45), 15),  # November's end
    (datetime(2026, 12, 31, 23, 59), datetime(2027, 1, 1, 1, 0), 1),  # the year's end
    (datetime(2028, 2, 28, 23, 50), datetime(2028, 2, 29, 2, 50), 120),  # a leap day
    (datetime(2026, 2, 28, 23, 50), datetime(2026, 3, 1, 0, 51), 1),
])
def test_deadline_across_month_ends(received: datetime, reported: datetime, minutes: int) -> None:
    timing = inc.report_timing(received, reported)
    assert timing.status == "late" and timing.minutes_late == minutes


def test_not_yet_reported_overdue_or_pending_at_now() -> None:
    received = datetime(2026, 12, 3, 23, 40)
    pending = inc.report_timing(received, None, now=datetime(2026, 12, 4, 0, 10))
    assert (pending.status, pending.minutes_left, pending.label) == ("pending", 30, "待上报（还剩 30 分钟）")
    assert not pending.late
    overdue = inc.report_timing(received, None, now=datetime(2026, 12, 4, 2, 0))
    assert (overdue.status, overdue.minutes_late, overdue.label) == ("overdue", 80, "超时未报 80 分钟")
    assert overdue.late
    assert inc.report_timing(received, None).status == "unreported"


@pytest.mark.parametrize(("kind", "days"), [("road", 7), ("fire", 7), ("hazchem", 30), ("mining", 30), ("other", 30)])
def test_correction_window_per_kind(kind: str, days: int) -> None:
    occurred = datetime(2026, 11, 28, 22, 0)
    received = datetime(2026, 11, 28, 22, 20)
    until = inc.correction_deadline(kind, occurred, received)
    assert (until - date(2026, 11, 28)).days == days
    assert not inc.update_is_late(kind, occurred, received, datetime.combine(until, time(23, 59)))
    assert inc.update_is_late(kind, occurred, received, datetime.combine(until + timedelta(days=1), time(0, 5)))


def test_correction_window_from_the_received_day_when_occurred_unknown() -> None:
    received = datetime(2026, 12, 31, 0, 30)
    assert inc.correction_deadline("fire", None, received) == date(2027, 1, 7)
    assert inc.correction_deadline("fire", datetime(2026, 12, 30, 23, 50), received) == date(2027, 1, 6)


def test_current_figures_the_latest_update_wins() -> None:
    first = Figures(1, 2, 10.0)
    assert inc.current_figures(first, []) == first
    later = Figures(3, 1, 12.0)
    earlier = Figures(2, 2, 11.0)
    updates = [(datetime(2026, 12, 5, 9, 0), later), (datetime(2026, 12, 4, 9, 0), earlier)]
    assert inc.current_figures(first, updates) == later
    assert inc.current_figures(first, updates).grade == "larger"


def test_grade_basis_names_the_deciding_criteria() -> None:
    assert inc.grade_basis(3, 0, 1200) == ("死亡 3 人（3 人以上为较大事故）；"
                                           "直接经济损失 1200 万元（1000 万元以上为较大事故）")
    assert inc.grade_basis(29, 100, 0) == "重伤 100 人（100 人以上为特别重大事故）"
    assert inc.grade_basis(2, 9, 999.99).endswith("均低于较大事故标准（3 人死亡、10 人重伤、1000 万元）")


def test_long_delays_also_in_hours_and_days() -> None:
    received = datetime(2026, 11, 28, 15, 45)
    assert inc.report_timing(received, received + timedelta(minutes=60 + 119)).label == "迟报 119 分钟"
    assert inc.report_timing(received, None, now=received + timedelta(minutes=60 + 1515)).label == \
        "超时未报 1515 分钟（约 25 小时）"
    assert inc.report_timing(received, received + timedelta(days=3, minutes=60)).label == "迟报 4320 分钟（约 3 天）"


def test_every_code_fits_its_column() -> None:
    from models.oversight.entities import Incident

    rules = inc.incident_rules()
    assert all(len(k) <= Incident.__table__.c.kind.type.length for k in rules.kinds)
    assert all(len(g.key) <= Incident.__table__.c.grade.type.length for g in rules.grades)
