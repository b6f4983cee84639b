"""The teams module's printed documents on the format-neutral document model (``plans.document``):
the duty roster (值班表) of a duty point for a week or a month, as a duty room prints it to pin on
the wall, drawn by the shared renderers (``exports.report``: PDF and Word, A4 landscape).

``build_roster(session, point_id, start, end)`` reads the point's roster of duty days
``start``…``end`` (``models.teams.queries.roster``: the shifts with their people, handovers, swaps and
every problem, gaps included) and prints

- the title (the point's name and 值班表) and the period as its subtitle: “2026年12月” for a whole
  calendar month, “2026年12月7日至12月13日（第50周）” for a Monday-to-Sunday week, else the dates;
- the point's facts in one row: 值班电话, 地址, 班次与时间, 每班最少值班员, 须有带班领导;
- the roster table, one row per duty day: the date, the weekday (周六/周日 “（休）”, and the holidays
  and adjusted working days of the holiday calendar in use — ``models.core.calendar.load_calendar``
  — by name: “周四（国庆节）”, “周六（调休上班）”; a year the calendar lacks is said under the table),
  then for each shift of the point's shift set (and any other kind its shifts have) its
  带班领导（电话） and 值班员（电话）, a person as “姓名 电话”, several one per line. What is missing is
  printed in its cell — “【未排班】”, “【无带班领导】”, “【无值班员】”, “【值班员不足：应有 N 人】”, part of a
  shift's time uncovered, “【重复排班】”/“【休息不足】” on a line under the person's name, a shift off its
  usual times with its times — never left as an empty cell that looks fine; a 备注 column only when
  a shift has notes or a swap (“夜班换班：甲→乙”). The header repeats on every page and the rows grow
  with their text;
- 排班问题: every problem of the period, or “本期排班未发现问题。”;
- 交接班记录, when handovers were recorded in the period (day, shift, time, from, to, open matters);
- the signature line (值班负责人（签字）、审核（签字）、制表日期).

The layout follows the period. A week (at most ``WEEK_DAYS``) is set to fit one A4 landscape page in
the default style: level-2 headings, one header row (“白班带班领导（电话）” …; the times are in the
facts), its problems as a numbered list of their messages (each names its day and shift). A longer
period (a month: 31 rows on three pages, four in the GB/T 9704 style) has a group of columns per shift
under the shift's name and times (two header rows), and its problems as a table (day, shift, kind,
message) after a count by kind and the share of the time fully staffed. Periods longer than
``MAX_DAYS`` (62: two months) are refused with a ``ValidationError`` on the end date, like an end
before the start (``check_period``). Nothing here reads the clock; ``created`` is the latest change
to what the roster shows, so the same roster gives the same file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.calendar import load_calendar
from models.core.errors import FieldError, ValidationError
from models.core.workdays import HolidayCalendar
from models.teams import queries as tq
from models.teams import rules
from models.teams.entities import DutyAssignment, DutyPoint, DutyShift, HandoverLog
from plans.document import Block, Cell, NumberedList, Paragraph, Table
from plans.report import ReportDocument, ReportSection

MAX_DAYS = 62  # two months: what one printed roster holds
WEEK_DAYS = 7  # up to a week: the one-page layout

UNROSTERED = "【未排班】"
NO_LEADER = "【无带班领导】"
NO_STAFF = "【无值班员】"
PERSON_MARKS = {"double_booked": "重复排班", "short_rest": "休息不足"}  # problems of one person, marked at their name
SIGNATURES = "值班负责人（签字）：" + "　" * 5 + "审核（签字）：" + "　" * 5 + "制表日期：　　年　　月　　日"


def check_period(start: date, end: date) -> None:
    """Refuse a period the printed roster cannot be: an end before the start, more than ``MAX_DAYS``."""
    if end < start:
        raise ValidationError([FieldError("end", "结束日期", "不能早于开始日期")])
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError([FieldError("end", "结束日期", f"值班表一次最多打印 {MAX_DAYS} 天（两个月），"
                                                          f"所选期间为 {(end - start).days + 1} 天，请分期打印")])


def _month_end(day: date) -> date:
    return rules.add_months(day.replace(day=1), 1) - timedelta(days=1)


def _ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def period_text(start: date, end: date) -> str:
    """“2026年12月”, “2026年11月至12月”, “2026年12月7日至12月13日（第50周）”, “2026年12月3日至12月20日”,
    “2026年12月3日”: the period as the roster's subtitle says it."""
    if start.day == 1 and end == _month_end(end):
        tail = "" if (start.year, start.month) == (end.year, end.month) else \
            f"至{end.month}月" if start.year == end.year else f"至{end.year}年{end.month}月"
        return f"{start.year}年{start.month}月{tail}"
    if start == end:
        return _ymd(start)
    text = f"{_ymd(start)}至{_md(end) if end.year == start.year else _ymd(end)}"
    if (end - start).days == 6 and start.weekday() == 0:
        text += f"（第{start.isocalendar()[1]}周）"
    return text


def weekday_text(day: date, calendar: HolidayCalendar) -> str:
    """“周二”; “周六（休）”; a holiday “周四（元旦）”; an adjusted working day “周日（调休上班）”."""
    base = "周" + rules.WEEKDAYS[day.weekday()]
    if day in calendar.holidays:
        return f"{base}（{calendar.holidays[day]}）"
    if day in calendar.workdays:
        return f"{base}（调休上班）"
    return f"{base}（休）" if day.weekday() >= 5 else base


def _hm(moment: datetime, day: date) -> str:
    """“17:30”, or “次日08:30” when ``moment`` is on the day after the duty day ``day``."""
    if moment.date() == day:
        return f"{moment:%H:%M}"
    if moment.date() == day + timedelta(days=1):
        return f"次日{moment:%H:%M}"
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


def _span(start: datetime, end: datetime, day: date) -> str:
    return f"{_hm(start, day)}—{_hm(end, day)}"


@dataclass(frozen=True)
class _Kind:
    key: str
    label: str
    kind: rules.ShiftKind | None  # None: a kind the point's shift set no longer has (its shifts still printed)


def _kinds(point: tq.PointRow, shifts: Sequence[tq.ShiftRow]) -> list[_Kind]:
    """The point's shifts in the order they run, then any other kind its shifts of the period have."""
    shift_set = rules.duty_rules().shift_sets.get(point.shift_set)
    out = [_Kind(k.key, k.label, k) for k in (shift_set.shifts if shift_set else ())]
    known = {k.key for k in out}
    for s in sorted(shifts, key=lambda s: (s.starts_at - datetime.combine(s.day, datetime.min.time()), s.id)):
        if s.kind not in known:
            known.add(s.kind)
            out.append(_Kind(s.kind, s.label, None))
    return out


def _person(p: tq.AssignmentRow, marks: dict[str, list[str]]) -> str:
    text = f"{p.name} {p.phone}" if p.phone else p.name  # “姓名 电话”: narrower than “姓名（电话）”
    return "\n".join([text, *(f"【{m}】" for m in marks.get(p.name, ()))])  # a mark on its own line: the column stays narrow


def _shift_cells(shifts: Sequence[tq.ShiftRow], kind: _Kind, day: date, point: tq.PointRow,
                 gaps: Sequence[rules.RosterProblem]) -> tuple[str, str]:
    """The 带班领导 and 值班员 cells of one shift kind on one duty day: its people with their phones,
    or what is missing, in words."""
    window = kind.kind.times(day) if kind.kind else None
    open_spans = [(max(g.starts_at, window[0]), min(g.ends_at, window[1])) for g in gaps  # the gaps in its time
                  if window is not None and g.starts_at is not None and g.ends_at is not None
                  and g.starts_at < window[1] and g.ends_at > window[0]]
    if not shifts:
        return (UNROSTERED, UNROSTERED) if open_spans else ("—", "—")  # "—": its time is covered otherwise
    leader_lines: list[str] = []
    staff_lines: list[str] = []
    for s in shifts:
        if window is None or (s.starts_at, s.ends_at) != window or len(shifts) > 1:
            when = f"（{_span(s.starts_at, s.ends_at, day)}）"  # a shift off its usual times says when it is
            leader_lines.append(when)
            staff_lines.append(when)
        marks: dict[str, list[str]] = defaultdict(list)
        kinds = {p.kind for p in s.problems}
        for p in s.problems:
            if p.kind in PERSON_MARKS and p.person and PERSON_MARKS[p.kind] not in marks[p.person]:
                marks[p.person].append(PERSON_MARKS[p.kind])
        leaders = [_person(p, marks) for p in s.leaders]
        leader_lines += leaders or [NO_LEADER if "no_leader" in kinds else "—"]
        staff = [_person(p, marks) for p in s.staff]
        if "understaffed" in kinds:
            staff.append(f"【值班员不足：应有 {point.min_staff} 人】" if staff else NO_STAFF)
        staff_lines += staff or ["—"]
    for gs, ge in open_spans:  # part of the shift's time no shift covers
        staff_lines.append(f"【{_span(gs, ge, day)}无人值班】")
    return "\n".join(leader_lines), "\n".join(staff_lines)


def _notes(shifts: Sequence[tq.ShiftRow]) -> str:
    lines = []
    for s in shifts:
        if s.notes.strip():
            lines.append(f"{s.label}：{s.notes.strip()}")
        for w in s.swaps:
            lines.append(f"{s.label}换班：{w.from_name}→{w.to_name}")  # short: the column stays narrow
    return "\n".join(lines)


def _facts(pairs: Sequence[tuple[str, str]]) -> Table:
    """The point's facts in one row: 名称 | 值 | 名称 | 值 …"""
    return Table([[cell for name, value in pairs for cell in (Cell(name), Cell(value or "—"))]], header_rows=0)


def _created(session: Session, point_id: int, start: date, end: date) -> datetime:
    """The content's own time (the same roster gives the same file): the latest change to the
    point, its shifts of the period, their people and handovers."""
    in_period = (DutyShift.point_id == point_id, DutyShift.day >= start, DutyShift.day <= end)
    stamps = [
        session.scalar(select(DutyPoint.updated_at).where(DutyPoint.id == point_id)),
        session.scalar(select(func.max(DutyShift.updated_at)).where(*in_period)),
        session.scalar(select(func.max(DutyAssignment.updated_at))
                       .join(DutyShift, DutyShift.id == DutyAssignment.shift_id).where(*in_period)),
        session.scalar(select(func.max(HandoverLog.updated_at))
                       .join(DutyShift, DutyShift.id == HandoverLog.shift_id).where(*in_period)),
    ]
    return max((s for s in stamps if isinstance(s, datetime)), default=datetime.combine(start, datetime.min.time()))


def build_roster(session: Session, point_id: int, start: date, end: date) -> ReportDocument:
    check_period(start, end)
    roster = tq.roster(session, point_id, start, end)
    point = roster.point
    calendar = load_calendar(session)
    week = (end - start).days + 1 <= WEEK_DAYS
    period = period_text(start, end)
    kinds = _kinds(point, roster.shifts)

    shift_set = rules.duty_rules().shift_sets.get(point.shift_set)
    times = "，".join(f"{k.label} {_span(*k.times(start), start)}" for k in (shift_set.shifts if shift_set else ()))
    facts = [("值班电话", point.phone), ("地址", point.address), ("班次与时间", times or point.shift_set_label),
             ("每班最少值班员", f"{point.min_staff} 人"), ("须有带班领导", "是" if point.leader_required else "否")]

    by_cell: dict[tuple[date, str], list[tq.ShiftRow]] = defaultdict(list)
    by_day: dict[date, list[tq.ShiftRow]] = defaultdict(list)
    for s in roster.shifts:
        by_cell[(s.day, s.kind)].append(s)
        by_day[s.day].append(s)
    gaps: dict[date, list[rules.RosterProblem]] = defaultdict(list)
    for p in roster.problems:
        if p.kind == "gap":
            gaps[p.day].append(p)
    days = rules.days_between(start, end)
    notes = {d: _notes(by_day.get(d, ())) for d in days}
    with_notes = any(notes.values())

    roles = ("带班领导（电话）", "值班员（电话）")
    if week:  # one header row (the times are in the facts): the week on one page
        heads = 1
        rows: list[list[Cell]] = [[Cell("日期"), Cell("星期"), *(Cell(f"{k.label}{r}") for k in kinds for r in roles),
                                   *([Cell("备注")] if with_notes else [])]]
    else:  # a group of columns per shift, under its name and times
        heads = 2
        head: list[Cell] = [Cell("日期", rowspan=2), Cell("星期", rowspan=2)]
        for k in kinds:
            when = f"（{_span(*k.kind.times(start), start)}）" if k.kind else ""
            head.append(Cell(f"{k.label}{when}", colspan=2))
        if with_notes:
            head.append(Cell("备注", rowspan=2))
        rows = [head, [Cell(r) for _k in kinds for r in roles]]
    for d in days:
        row = [Cell(_md(d)), Cell(weekday_text(d, calendar))]
        for k in kinds:
            row += [Cell(text) for text in _shift_cells(by_cell.get((d, k.key), ()), k, d, point, gaps.get(d, ()))]
        if with_notes:
            row.append(Cell(notes[d]))
        rows.append(row)
    roster_blocks: list[Block] = [_facts(facts), Table(rows, header_rows=heads)]
    missing = calendar.missing_years(start, end)
    if missing:
        roster_blocks.append(Paragraph("注：" + "、".join(f"{y} 年" for y in missing)
                                       + "节假日安排未录入，星期栏只标出周六、周日。"))

    problem_blocks: list[Block]
    if roster.problems:
        counted: dict[str, int] = defaultdict(int)
        for p in roster.problems:
            counted[p.kind_label] += 1
        if week:  # a week's few problems as a list (each message names its day and shift): the week on one page
            problem_blocks = [NumberedList([p.message for p in roster.problems])]
        else:
            problem_rows = [[Cell(h) for h in ("序号", "值班日", "班次", "问题", "说明")]]
            problem_rows += [[Cell(str(n)), Cell(rules.day_label(p.day)), Cell(p.shift or "—"), Cell(p.kind_label),
                              Cell(p.message)] for n, p in enumerate(roster.problems, start=1)]
            problem_blocks = [Paragraph(f"本期共 {len(roster.shifts)} 个班次，发现排班问题 {len(roster.problems)} 处（"
                                        + "、".join(f"{k} {n} 处" for k, n in counted.items())
                                        + f"），带班领导和值班员均已排足的时段占 {rules.percent(roster.coverage)}。"),
                              Table(problem_rows, header_rows=1)]
    else:
        problem_blocks = [Paragraph("本期排班未发现问题。")]
    level = 2 if week else 1  # a week's smaller headings: the week on one page
    sections = [ReportSection("一、值班安排", roster_blocks, level=level),
                ReportSection("二、排班问题", problem_blocks, level=level)]

    handovers = [(s, h) for s in roster.shifts for h in s.handovers]
    if handovers:
        handover_rows = [[Cell(h) for h in ("值班日", "班次", "交接时间", "交班人", "接班人", "未结事项及备注")]]
        for s, h in handovers:
            matters = "；".join(t for t in (h.open_matters.strip(), h.notes.strip() and f"备注：{h.notes.strip()}") if t)
            handover_rows.append([Cell(rules.day_label(s.day)), Cell(s.label), Cell(_hm(h.handed_at, s.day)),
                                  Cell(h.from_name), Cell(h.to_name), Cell(matters or "无")])
        sections.append(ReportSection("三、交接班记录", [Table(handover_rows, header_rows=1)], level=level))
    sections[-1].blocks.append(Paragraph(SIGNATURES))

    title = f"{point.name}值班表"
    return ReportDocument(title=title, subtitle=period, author=point.team or point.name,
                          header_text=f"{point.name}　值班表　{period}", created=_created(session, point_id, start, end),
                          sections=sections, keywords=("值班值守", "值班表", point.name, period), landscape=True)
