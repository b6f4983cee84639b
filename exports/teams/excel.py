"""Excel workbooks of the teams module, through the writer of ``exports.excel``: the team list with
its readiness on a day and every factor's value (救援队伍就绪状态), and a duty point's roster (值班表): one row
per shift in time order — duty day, weekday, shift and its hours, the 带班领导 and 值班员 with their
phones, handovers — and a row for every gap no shift covers; each row's problems (no leader, too few
staff, a person double-booked or resting too little, the gap itself) in the last column, marked.
The printed weekly and monthly rosters (PDF and Word) are built on the same query
(``models.teams.queries.roster``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exports.excel import ALERT, DATE_FORMAT, PLAIN, CellStyle, Sheet, SheetColumn, export_rows
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.teams import queries as tq
from models.teams import rules


@dataclass(frozen=True)
class RosterLine:
    day: date
    shift: str
    hours: str
    leaders: str
    leader_phones: str
    staff: str
    staff_phones: str
    handover: str
    problems: str


GAP = "（未排班）"


def _problem_style(line: RosterLine) -> CellStyle:
    return ALERT if line.problems else PLAIN


ROSTER_COLUMNS: tuple[SheetColumn[RosterLine], ...] = (
    SheetColumn("值班日", 12, lambda r: r.day, DATE_FORMAT),
    SheetColumn("星期", 6, lambda r: "周" + rules.WEEKDAYS[r.day.weekday()]),
    SheetColumn("班次", 10, lambda r: r.shift),
    SheetColumn("时间", 18, lambda r: r.hours),
    SheetColumn("带班领导", 12, lambda r: r.leaders, style=lambda r: ALERT if not r.leaders and r.shift != GAP else PLAIN),
    SheetColumn("带班领导电话", 14, lambda r: r.leader_phones),
    SheetColumn("值班员", 18, lambda r: r.staff),
    SheetColumn("值班员电话", 26, lambda r: r.staff_phones),
    SheetColumn("交接班", 28, lambda r: r.handover),
    SheetColumn("问题", 48, lambda r: r.problems, style=_problem_style),
)


def roster_lines(roster: tq.Roster) -> list[RosterLine]:
    """The roster's rows: its shifts and, in their place, its gaps."""
    out: list[tuple[tuple[object, ...], RosterLine]] = []
    for s in roster.shifts:
        hours = f"{s.starts_at:%H:%M}—{'次日' if s.ends_at.date() > s.starts_at.date() else ''}{s.ends_at:%H:%M}"
        handover = "；".join(f"{h.handed_at:%H:%M} {h.from_name}→{h.to_name}" + (f"（未结：{h.open_matters}）"
                                                                           if h.open_matters else "") for h in s.handovers)
        out.append(((s.starts_at,), RosterLine(
            s.day, s.label, hours, "、".join(p.name for p in s.leaders), "、".join(p.phone for p in s.leaders if p.phone),
            "、".join(p.name for p in s.staff), "、".join(p.phone for p in s.staff if p.phone), handover,
            "；".join(p.message for p in s.problems))))
    for p in roster.problems:
        if p.shift_id is None and p.starts_at is not None and p.ends_at is not None:
            hours = f"{p.starts_at:%H:%M}—{'次日' if p.ends_at.date() > p.starts_at.date() else ''}{p.ends_at:%H:%M}"
            out.append(((p.starts_at,), RosterLine(p.day, GAP, hours, "", "", "", "", "", p.message)))
    out.sort(key=lambda item: item[0])  # type: ignore[arg-type,return-value]
    return [line for _k, line in out]


def export_roster(db: Database, point_id: int, start: date, end: date, path: Path, *,
                  progress: Progress = NULL_PROGRESS) -> int:
    """A point's roster of duty days ``start``…``end`` to ``path``; the number of rows written."""
    with db.read() as session:
        roster = tq.roster(session, point_id, start, end)
    lines = roster_lines(roster)
    title = f"{roster.point.name}值班表（{start.isoformat()} 至 {end.isoformat()}）"
    return export_rows(Path(path), Sheet("值班表", title, ROSTER_COLUMNS), iter(lines), len(lines), progress)


# ---- the team list


def _factor(key: str) -> SheetColumn[tq.TeamRow]:
    label = rules.readiness_rules().factor(key).label

    def value(r: tq.TeamRow) -> str:
        f = r.readiness.factor(key) if r.readiness else None
        return "" if f is None or f.status == "na" else f"{f.value_text}（{f.status_label}）"

    def style(r: tq.TeamRow) -> CellStyle:
        f = r.readiness.factor(key) if r.readiness else None
        return ALERT if f is not None and f.status == "red" else PLAIN

    return SheetColumn(label, 18, value, style=style)


def team_columns() -> tuple[SheetColumn[tq.TeamRow], ...]:
    return (
        SheetColumn("就绪状态", 10, lambda r: r.status_label,
                    style=lambda r: ALERT if r.readiness and r.readiness.status == "red" else PLAIN),
        SheetColumn("得分", 7, lambda r: round(r.readiness.score, 1) if r.readiness else None),
        SheetColumn("队伍名称", 30, lambda r: r.name),
        SheetColumn("类型", 8, lambda r: r.kind_label),
        SheetColumn("专业", 18, lambda r: "、".join(r.specialty_labels)),
        SheetColumn("所在区域", 12, lambda r: r.region),
        SheetColumn("所属企业", 26, lambda r: r.owner_enterprise),
        SheetColumn("队长", 10, lambda r: r.leader),
        SheetColumn("队长电话", 14, lambda r: r.leader_phone),
        SheetColumn("24小时值班电话", 16, lambda r: r.duty_phone),
        SheetColumn("编制人数", 9, lambda r: r.headcount),
        SheetColumn("出动时间（分钟）", 10, lambda r: r.turnout_minutes),
        SheetColumn("协议单位", 20, lambda r: r.agreement_party),
        SheetColumn("协议有效期至", 12, lambda r: r.agreement_expires_on, DATE_FORMAT),
        *(_factor(k) for k in rules.FACTOR_KEYS),
        SheetColumn("影响就绪的原因", 60, lambda r: "；".join(r.readiness.reasons) if r.readiness else ""),
    )


def export_teams(db: Database, flt: tq.TeamFilter, path: Path, *, sort: str = "readiness", descending: bool = False,
                 progress: Progress = NULL_PROGRESS) -> int:
    """The teams ``flt`` selects with their readiness on ``flt.as_of`` and every factor's value, in the
    list's order; the number of rows written."""
    with db.read() as session:
        found = tq.rows(session, flt, sort=sort, descending=descending)
    title = f"救援队伍就绪状态（{flt.as_of.isoformat()}）"
    return export_rows(Path(path), Sheet("救援队伍", title, team_columns()), iter(found), len(found), progress)
