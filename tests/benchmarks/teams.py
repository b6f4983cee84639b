"""Teams benchmarks: the readiness of every city team (goal ≤ 200 ms), the team list and a duty
room's two-month roster, each with a floor measured in the same run.

Timed, each in a fresh read session:
- ``models.teams.queries.readiness_of(session, as_of)`` — every live team's readiness, *cold* (the
  first call on a newly opened database: the grouped set queries and the rule for every team),
  *asked again* (nothing written since: the answer kept as of the audit trail's head) and *after a
  write* (one certificate renewed, then asked: the trail since the last answer read, that team read
  and worked out again). Floor: the bare aggregates the
  rule needs — the teams, members by team and status, each member's latest certificate of each type,
  equipment by condition, the last training and drill, the next 7 days' shifts of the teams' duty
  points with their people — through bare ``sqlite3``, every row fetched.
- the team list's first page (``count`` + ``page``, 100 rows) by name and by readiness, and the
  不就绪 filter; floor: a bare ``SELECT … ORDER BY name LIMIT 100``.
- the city duty room's roster for the demo's two months (``queries.roster``: shifts, people,
  handovers, swaps and every problem, people booked elsewhere included) and the due items.

The database: the city database when its demo has teams (the teams demo step), else one made here of
the city's enterprises and the teams step alone (``.bench/teams-city-seed1.sqlite``); making it also
times the teams step at city scale. Standalone: ``python -m tests.benchmarks.teams [--db PATH] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from tests.benchmarks.results import Result

GOAL_MS = 200.0
LIST_GOAL_MS = 50.0
AS_OF = date(2026, 11, 29)
BENCH_DIR = Path(__file__).resolve().parents[2] / ".bench"

_END = (AS_OF + timedelta(days=6)).isoformat()
_FLOOR = (
    "SELECT id, name, kind, headcount, specialties, agreement_party, agreement_expires_on, turnout_minutes "
    "FROM rescue_team WHERE deleted_at IS NULL",
    "SELECT team_id, id, position, status FROM team_member WHERE deleted_at IS NULL AND status != 'left'",
    "SELECT c.member_id, c.cert_type, max(coalesce(c.expires_on, '9999-12-31')) FROM member_certificate c "
    "JOIN team_member m ON m.id = c.member_id WHERE c.deleted_at IS NULL AND m.deleted_at IS NULL "
    "AND m.status != 'left' AND (c.issued_on IS NULL OR c.issued_on <= '2026-11-29') GROUP BY c.member_id, c.cert_type",
    "SELECT team_id, sum(quantity), sum(CASE WHEN condition = 'good' THEN quantity ELSE 0 END), "
    "sum(CASE WHEN condition = 'repair' THEN quantity ELSE 0 END) FROM team_equipment WHERE deleted_at IS NULL "
    "GROUP BY team_id",
    "SELECT team_id, kind, max(held_on) FROM training_record WHERE deleted_at IS NULL AND member_id IS NULL "
    "AND held_on <= '2026-11-29' GROUP BY team_id, kind",
    "SELECT s.id, s.point_id, s.day, s.kind, s.starts_at, s.ends_at, a.name, a.phone, a.role FROM duty_shift s "
    "LEFT JOIN duty_assignment a ON a.shift_id = s.id AND a.deleted_at IS NULL WHERE s.deleted_at IS NULL "
    "AND s.point_id IN (SELECT id FROM duty_point WHERE deleted_at IS NULL AND team_id IS NOT NULL) "
    f"AND s.day >= '2026-11-28' AND s.day <= '{_END}' ORDER BY s.starts_at, s.id",
)
_LIST_FLOOR = "SELECT id, name, kind, headcount FROM rescue_team WHERE deleted_at IS NULL ORDER BY name, id LIMIT 100"


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _has_teams(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM rescue_team").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def city_teams(path: Path, seed: int = 1) -> tuple[Path, float | None, str]:
    """A city of enterprises with the teams step alone (kept in ``.bench``); the seconds the teams
    step took when it was made now (None when it was there) and what it wrote."""
    if path.exists() and _has_teams(path):
        return path, None, ""
    from models.core import demo as core_demo
    from models.enterprises import demo as enterprise_demo
    from models.modules import open_database
    from models.teams import demo as team_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    took: dict[str, float] = {}
    step = team_demo.teams_step()

    def timed(ctx: core_demo.DemoContext) -> None:
        start = time.perf_counter()
        step.run(ctx)
        took["teams"] = time.perf_counter() - start

    db = open_database(str(path))
    try:
        result = core_demo.generate(db, [enterprise_demo.STEP, replace(step, run=timed)], scale="city", seed=seed)
    finally:
        db.dispose()
    return path, took["teams"], result.message()


def bench_teams(path: Path, runs: int) -> list[Result]:
    from sqlalchemy import select

    from models.core.uow import SYSTEM, unit_of_work
    from models.modules import open_database
    from models.teams import queries as tq
    from models.teams import service as ts
    from models.teams.entities import DutyPoint, MemberCertificate

    colds: list[float] = []
    cpus: list[float] = []
    for _ in range(max(3, runs // 4)):
        db = open_database(str(path))
        try:
            start, cpu = time.perf_counter(), time.process_time()
            with db.read() as s:
                ready = tq.readiness_of(s, AS_OF)
            colds.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)

            def again(db: object = db) -> object:
                with db.read() as s:  # type: ignore[attr-defined]
                    return tq.readiness_of(s, AS_OF)

            warm = _median_ms(again, runs)
        finally:
            db.dispose()
    scratch = path.with_name("teams-scratch.sqlite")
    src, dst = sqlite3.connect(path), sqlite3.connect(scratch)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    db = open_database(str(scratch))
    try:
        with db.read() as s:
            certs = s.execute(select(MemberCertificate.id).where(MemberCertificate.deleted_at.is_(None))
                              .order_by(MemberCertificate.id).limit(runs)).scalars().all()
            tq.readiness_of(s, AS_OF)
        after = []
        for cid in certs:
            with db.read() as s:
                data, version = ts.load_certificate(s, cid)
            with unit_of_work(db, SYSTEM) as uow:
                ts.update_certificate(uow, cid, replace(data, expires_on=date(2031, 12, 31)), version)
            start = time.perf_counter()
            with db.read() as s:
                tq.readiness_of(s, AS_OF)
            after.append((time.perf_counter() - start) * 1000)

        def first_page(f: tq.TeamFilter, sort: str) -> Callable[[], object]:
            def run() -> object:
                with db.read() as s:
                    total = tq.count(s, f)
                    return total, tq.page(s, f, limit=100, sort=sort, total=total)
            return run

        with db.read() as s:
            tq.readiness_of(s, AS_OF)  # the list's pages use the kept answer
            room = s.execute(select(DutyPoint.id).where(DutyPoint.kind == "duty_room", DutyPoint.deleted_at.is_(None))
                             .order_by(DutyPoint.id).limit(1)).scalar_one()
        lists = [(label, _median_ms(first_page(f, sort), runs)) for label, f, sort in (
            ("first page by name", tq.TeamFilter(as_of=AS_OF), "name"),
            ("first page by readiness", tq.TeamFilter(as_of=AS_OF), "readiness"),
            ("filter 不就绪", tq.TeamFilter(as_of=AS_OF, status="red"), "name"),
            ("search keystroke “化工”", tq.TeamFilter(as_of=AS_OF, text="化工"), "name"))]

        def roster() -> object:
            with db.read() as s:
                return tq.roster(s, room, date(2026, 11, 1), date(2026, 12, 31))

        def due() -> object:
            with db.read() as s:
                return tq.due(s, as_of=AS_OF)

        roster_ms = _median_ms(roster, runs)
        with db.read() as s:
            shifts = len(tq.roster(s, room, date(2026, 11, 1), date(2026, 12, 31)).shifts)
            due_rows = len(tq.due(s, as_of=AS_OF))
        due_ms = _median_ms(due, max(1, runs // 2))
    finally:
        db.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    floor = _median_ms(lambda: [conn.execute(sql).fetchall() for sql in _FLOOR], runs)
    list_floor = _median_ms(lambda: conn.execute(_LIST_FLOOR).fetchall(), runs)
    members = conn.execute("SELECT count(*) FROM team_member").fetchone()[0]
    cert_count = conn.execute("SELECT count(*) FROM member_certificate").fetchone()[0]
    points = conn.execute("SELECT count(*) FROM duty_point").fetchone()[0]
    conn.close()
    statuses = [r.status for r in ready.values()]
    note = (f"{len(ready)} teams ({statuses.count('green')} 就绪, {statuses.count('amber')} 基本就绪, "
            f"{statuses.count('red')} 不就绪), {members} members, {cert_count} certificates, {points} duty points")
    cold = statistics.median(colds)
    how = "bare sqlite3: the aggregates the rule needs"
    goal = f"≤ {GOAL_MS:.0f} ms"
    out = [Result("teams: readiness of every team, cold (first call)", cold, "ms", floor, how, goal, cold <= GOAL_MS,
                  f"{note}; each of {len(colds)} on a newly opened database; CPU time {statistics.median(cpus):.0f} ms"),
           Result("teams: readiness of every team, asked again", warm, "ms", floor, how, goal, warm <= GOAL_MS,
                  "nothing written since: the answer kept as of the audit trail"),
           Result("teams: readiness of every team, after a certificate renewed", statistics.median(after), "ms", floor,
                  how, goal, statistics.median(after) <= GOAL_MS,
                  "the trail read since the last answer, that team read and worked out again")]
    for label, ms in lists:
        out.append(Result(f"teams: list, {label} (count + 100 rows)", ms, "ms", list_floor,
                          "bare sqlite3 SELECT … ORDER BY name LIMIT 100", f"≤ {LIST_GOAL_MS:.0f} ms", ms <= LIST_GOAL_MS))
    out.append(Result("teams: a duty room's roster, 2 months with its problems", roster_ms, "ms", note=f"{shifts} shifts"))
    out.append(Result("teams: due items (certificates, agreements, roster gaps, teams not ready)", due_ms, "ms",
                      note=f"{due_rows} rows"))
    return out


def bench(city: Path | None, runs: int) -> list[Result]:
    """On the city database when it has teams, else on the city's enterprises with the teams step."""
    if city is not None and _has_teams(city):
        return bench_teams(city, runs)
    path, took, message = city_teams(BENCH_DIR / "teams-city-seed1.sqlite")
    results = bench_teams(path, runs)
    if took is not None:
        results.insert(0, Result("teams: demo step at city scale", took, "s", note=message))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.teams", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a database with teams instead of the one made here")
    args = parser.parse_args(argv)
    results = bench(args.db, args.runs)
    for r in results:
        floor = f"{r.floor:.3g} {r.unit} ({r.floor_name})" if r.floor is not None else ""
        verdict = "—" if r.ok is None else "ok" if r.ok else "MISSED"
        print(f"{r.name}: {r.value:.3g} {r.unit}  floor {floor}  goal {r.goal or '—'}  {verdict}  {r.note}")
    return 1 if any(r.ok is False for r in results) else 0

if __name__ == "__main__":
    raise SystemExit(main())
