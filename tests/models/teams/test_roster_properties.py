"""The roster checks, property-based (Hypothesis) over generated rosters, each against a plain
brute-force oracle on a 30-minute grid: gaps are exactly the time no shift covers, coverage is exactly
the time a fully staffed shift covers, every overlap of one person's shifts is one double booking,
every rest under the minimum between two duties is one problem, and leader and staff counts are
checked shift by shift. Plus the rotation: people in order, leaders in their own turn."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.teams import rules
from models.teams.rules import OnDuty, PointRules, ShiftFacts

DUTY = rules.duty_rules()
START = date(2026, 12, 1)
SLOT = timedelta(minutes=30)
PEOPLE = (("张三", "13900000001"), ("李四", "13900000002"), ("王五", ""), ("赵六", "13900000004"))


@st.composite
def rosters(draw: st.DrawFn, points: int = 2, shifted: bool = True) -> tuple[list[ShiftFacts], dict[int, PointRules], int]:
    """Shifts of ``points`` duty points over 1–3 duty days (and the day before), each shift of the
    point's set present or not, its times now and then moved by a few half hours, people drawn from a
    small pool with random roles."""
    days = draw(st.integers(1, 3))
    rules_ = {}
    out: list[ShiftFacts] = []
    sid = 0
    for pid in range(1, points + 1):
        set_key = draw(st.sampled_from(sorted(DUTY.shift_sets)))
        rules_[pid] = PointRules(set_key, draw(st.integers(0, 2)), draw(st.booleans()), f"值班点{pid}")
        shift_set = DUTY.shift_sets[set_key]
        for d in range(-1, days):
            day = START + timedelta(days=d)
            for kind in shift_set.shifts:
                if not draw(st.booleans()) and draw(st.booleans()):
                    continue  # a quarter of the shifts missing
                s, e = kind.times(day)
                if shifted and draw(st.integers(0, 4)) == 0:
                    s += SLOT * draw(st.integers(-3, 3))
                    e += SLOT * draw(st.integers(-3, 3))
                    if e <= s:
                        e = s + SLOT
                chosen = draw(st.lists(st.sampled_from(range(len(PEOPLE))), max_size=3, unique=True))
                people = tuple(OnDuty(*PEOPLE[i], role=draw(st.sampled_from(["leader", "staff"]))) for i in chosen)
                sid += 1
                out.append(ShiftFacts(pid, day, kind.key, kind.label, s, e, people, sid, f"值班点{pid}"))
    return out, rules_, days


def slots(start: datetime, end: datetime) -> list[datetime]:
    out = []
    t = start
    while t < end:
        out.append(t)
        t += SLOT
    return out


def window(point: PointRules, days: int) -> tuple[datetime, datetime]:
    shift_set = DUTY.shift_sets[point.shift_set]
    return shift_set.day_start(START), shift_set.day_start(START + timedelta(days=days))


@settings(max_examples=150, deadline=None)
@given(rosters())
def test_gaps_are_exactly_the_time_no_shift_covers(case: tuple[list[ShiftFacts], dict[int, PointRules], int]) -> None:
    shifts, points, days = case
    end = START + timedelta(days=days - 1)
    problems = rules.roster_problems(shifts, points, START, end)
    for pid, point in points.items():
        ws, we = window(point, days)
        uncovered = {t for t in slots(ws, we) if not any(s.point_id == pid and s.starts_at <= t < s.ends_at for s in shifts)}
        gaps = sorted((p.starts_at, p.ends_at) for p in problems if p.kind == "gap" and p.point_id == pid)
        reported: set[datetime] = set()
        for gs, ge in gaps:
            assert gs is not None and ge is not None and ws <= gs < ge <= we
            reported.update(slots(gs, ge))
        assert reported == uncovered
        for (_s1, e1), (s2, _e2) in itertools.pairwise(gaps):
            assert e1 < s2  # merged: gaps neither overlap nor touch
    assert all(START <= p.day <= end for p in problems)


@settings(max_examples=150, deadline=None)
@given(rosters())
def test_coverage_counts_the_time_a_fully_staffed_shift_covers(
        case: tuple[list[ShiftFacts], dict[int, PointRules], int]) -> None:
    shifts, points, days = case
    end = START + timedelta(days=days - 1)
    for pid, point in points.items():
        mine = [s for s in shifts if s.point_id == pid]
        ok, total = rules.coverage(mine, point, START, end)
        ws, we = window(point, days)
        full = [s for s in mine if (s.leaders or not point.leader_required) and s.staff >= point.min_staff]
        expected = sum(1 for t in slots(ws, we) if any(s.starts_at <= t < s.ends_at for s in full)) * 0.5
        assert (ok, total) == (expected, (we - ws).total_seconds() / 3600)


@settings(max_examples=150, deadline=None)
@given(rosters())
def test_leader_and_staff_are_checked_shift_by_shift(case: tuple[list[ShiftFacts], dict[int, PointRules], int]) -> None:
    shifts, points, days = case
    end = START + timedelta(days=days - 1)
    problems = rules.roster_problems(shifts, points, START, end)
    in_scope = [s for s in shifts if START <= s.day <= end]
    no_leader = {p.shift_id for p in problems if p.kind == "no_leader"}
    short = {p.shift_id for p in problems if p.kind == "understaffed"}
    assert no_leader == {s.id for s in in_scope if points[s.point_id].leader_required and not s.leaders}
    assert short == {s.id for s in in_scope if s.staff < points[s.point_id].min_staff}


@settings(max_examples=200, deadline=None)
@given(rosters())
def test_every_overlap_of_a_persons_shifts_is_one_double_booking(
        case: tuple[list[ShiftFacts], dict[int, PointRules], int]) -> None:
    shifts, points, days = case
    end = START + timedelta(days=days - 1)
    problems = [p for p in rules.roster_problems(shifts, points, START, end) if p.kind == "double_booked"]
    expected = 0
    for name, phone in PEOPLE:
        key = rules.person_key(name, phone)
        mine = [s for s in shifts if any(p.key == key for p in s.people)]
        for i, a in enumerate(mine):
            for b in mine[i + 1:]:
                if a.starts_at < b.ends_at and b.starts_at < a.ends_at and (START <= a.day <= end or START <= b.day <= end):
                    expected += 1
        named = [p for p in problems if p.person == name]
        for p in named:
            on = next(s for s in mine if s.id == p.shift_id)
            assert any(o is not on and o.starts_at < on.ends_at and on.starts_at < o.ends_at for o in mine)
    assert len(problems) == expected


def _without_overlaps(case: tuple[list[ShiftFacts], dict[int, PointRules], int]
                      ) -> tuple[list[ShiftFacts], dict[int, PointRules], int]:
    """The roster with every person taken off a shift that overlaps one of theirs kept earlier."""
    shifts, points, days = case
    kept: dict[tuple[str, str], list[ShiftFacts]] = {}
    out = []
    for s in sorted(shifts, key=lambda s: (s.starts_at, s.point_id)):
        people = []
        for p in s.people:
            mine = kept.setdefault(p.key, [])
            if not any(o.starts_at < s.ends_at and s.starts_at < o.ends_at for o in mine):
                people.append(p)
                mine.append(s)
        out.append(replace(s, people=tuple(people)))
    return out, points, days


@settings(max_examples=200, deadline=None)
@given(rosters(shifted=False).map(_without_overlaps))
def test_rest_below_the_minimum_between_two_duties(case: tuple[list[ShiftFacts], dict[int, PointRules], int]) -> None:
    """Without double bookings: shifts back to back at one point are one duty; every other pause
    between one person's consecutive shifts shorter than the minimum (zero included: straight from
    one point to another) is one problem, on the later shift when it is in the period."""
    shifts, points, days = case
    end = START + timedelta(days=days - 1)
    minimum = timedelta(hours=DUTY.min_rest_hours)
    problems = [p for p in rules.roster_problems(shifts, points, START, end) if p.kind == "short_rest"]
    expected: set[tuple[str, int | None]] = set()
    for name, phone in PEOPLE:
        key = rules.person_key(name, phone)
        mine = sorted((s for s in shifts if any(p.key == key for p in s.people)), key=lambda s: s.starts_at)
        for a, b in itertools.pairwise(mine):
            pause = b.starts_at - a.ends_at
            if pause == timedelta(0) and a.point_id == b.point_id:
                continue
            if pause < minimum and START <= b.day <= end:
                expected.add((name, b.id))
    assert {(p.person, p.shift_id) for p in problems} == expected
    assert len(problems) == len(expected)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 8), st.integers(1, 3), st.sampled_from(sorted(DUTY.shift_sets)),
       st.integers(1, 10), st.sampled_from(["day", "shift"]))
def test_rotation_takes_people_in_order(leaders: int, staff: int, per: int, set_key: str, days: int,
                                        leader_per: str) -> None:
    shift_set = DUTY.shift_sets[set_key]
    pattern = rules.RotationPattern(tuple(rules.Person(f"领导{i}") for i in range(leaders)),
                                    tuple(rules.Person(f"值班员{i}") for i in range(staff)), per, leader_per)
    planned = rules.rotation(shift_set, START, START + timedelta(days=days - 1), pattern, 7)
    assert len(planned) == days * len(shift_set.shifts)
    n_staff = min(per, staff)
    for n, s in enumerate(planned):
        assert s.point_id == 7 and s.leaders == 1 and s.staff == n_staff
        turn = (n // len(shift_set.shifts)) if leader_per == "day" else n
        assert s.people[0].name == f"领导{turn % leaders}"
        assert [p.name for p in s.people[1:]] == [f"值班员{(n * per + j) % staff}" for j in range(n_staff)]
        assert (s.starts_at, s.ends_at) == shift_set.kind(s.kind).times(s.day)  # type: ignore[union-attr]
    # a rotation with enough people on a 24-hour set and one leader per day leaves no gap and no rest problem
    problems = rules.roster_problems(planned, {7: PointRules(set_key, n_staff, True)}, START, START + timedelta(days=days - 1))
    assert not [p for p in problems if p.kind in ("gap", "no_leader", "understaffed")]


def test_a_person_on_two_points_at_once_and_straight_after_a_24_hour_shift() -> None:
    full = DUTY.shift_sets["full_day"].shifts[0]
    day = DUTY.shift_sets["day_night"].kind("day")
    assert day is not None
    s1, e1 = full.times(START)
    s2, e2 = day.times(START + timedelta(days=1))  # starts when the 24-hour shift ends, elsewhere
    s3, e3 = day.times(START)  # during the 24-hour shift
    shifts = [ShiftFacts(1, START, "full", "24小时班", s1, e1, (OnDuty("张三", "139", "leader"),), 1, "一中队值班点"),
              ShiftFacts(2, START + timedelta(days=1), "day", "白班", s2, e2, (OnDuty("张三", "139"),), 2, "区值班室"),
              ShiftFacts(2, START, "day", "白班", s3, e3, (OnDuty("张三", "139"),), 3, "区值班室")]
    problems = rules.roster_problems(shifts, {2: PointRules("day_night", 1, False)}, START, START + timedelta(days=1))
    messages = [p.message for p in problems if p.kind in ("double_booked", "short_rest")]
    assert messages == [
        "张三 同时排在12月1日（周二）白班（区值班室）和12月1日（周二）24小时班（一中队值班点）",
        "张三 在12月1日（周二）24小时班（一中队值班点）之后只休息 0 小时就上12月2日（周三）白班（区值班室）（应不少于 8 小时）"]
    gaps = [p.message for p in problems if p.kind == "gap"]
    assert gaps == ["12月1日（周二）夜班（17:30—次日08:30）无人值班", "12月2日（周三）夜班（17:30—次日08:30）无人值班"]
