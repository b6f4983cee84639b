"""The home page's list of everything due at city scale (goal ≤ 200 ms), with a floor in the same run.

Timed: ``models.modules.due_items(session, as_of=…, within=30)`` — every module's due items (plans,
drills, supplies, teams, oversight) in one list, most urgent first — *cold* (on a newly opened
database: nothing kept from an earlier answer) and *again* (the same database, a fresh read session),
and each module's share (its ``due_items`` alone, cold). Floor: the rows the rules start from through
bare ``sqlite3``, every row fetched — the live plans with their deadline dates, the enterprises with
their industry, the held drills' latest day per enterprise, the open corrective actions, the held
batches with a date in the window, the certificates of members on strength expiring in the window,
the next 7 days' shifts with their people, and the open hidden hazards.

The database: the city database of ``make bench`` (all modules' demo steps), or ``--db PATH``.
Standalone: ``python -m tests.benchmarks.due [--db PATH] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from tests.benchmarks.results import Result

GOAL_MS = 200.0
AS_OF = date(2026, 11, 30)  # the Monday after the demo's day
WITHIN = 30

_END = (AS_OF + timedelta(days=WITHIN)).isoformat()
_WEEK = (AS_OF + timedelta(days=7)).isoformat()
_FLOOR = (
    "SELECT p.id, p.enterprise_id, p.kind, p.status, p.publish_date, p.filing_submitted_date, p.filing_registered_date, "
    "p.last_evaluation_date, p.revision_trigger_date FROM plan p WHERE p.deleted_at IS NULL",
    "SELECT e.id, e.name, e.medium_or_larger, i.flags FROM enterprise e JOIN industry i ON i.id = e.industry_id "
    "WHERE e.deleted_at IS NULL",
    "SELECT enterprise_id, content_type, max(held_on) FROM drill WHERE deleted_at IS NULL AND held_on IS NOT NULL "
    "GROUP BY enterprise_id, content_type",
    "SELECT id, drill_id, due_date FROM drill_finding WHERE deleted_at IS NULL AND status != 'closed'",
    f"SELECT b.id, b.item_id, b.expires_on, b.inspection_due, b.calibration_due, s.warehouse_id, s.quantity FROM supply_batch b "
    f"JOIN stock_balance s ON s.batch_id = b.id WHERE s.quantity > 0 AND b.deleted_at IS NULL AND (b.expires_on <= '{_END}' "
    f"OR b.inspection_due <= '{_END}' OR b.calibration_due <= '{_END}')",
    f"SELECT c.id, c.member_id, c.expires_on FROM member_certificate c JOIN team_member m ON m.id = c.member_id "
    f"WHERE c.deleted_at IS NULL AND m.deleted_at IS NULL AND m.status != 'left' AND c.expires_on <= '{_END}'",
    f"SELECT s.id, s.point_id, s.day, s.starts_at, s.ends_at, a.name, a.role FROM duty_shift s LEFT JOIN duty_assignment a "
    f"ON a.shift_id = s.id AND a.deleted_at IS NULL WHERE s.deleted_at IS NULL AND s.day >= '{AS_OF.isoformat()}' "
    f"AND s.day <= '{_WEEK}'",
    "SELECT id, enterprise_id, level, deadline, status FROM hazard WHERE deleted_at IS NULL AND status != 'closed'",
)


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _floor_sql(conn: sqlite3.Connection) -> list[str]:
    """The floor's statements whose tables the database has (an older city database has no hazards)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    out = []
    for sql in _FLOOR:
        words = sql.replace(",", " ").split()
        named = {words[n + 1] for n, w in enumerate(words[:-1]) if w in ("FROM", "JOIN")}
        if named <= tables:
            out.append(sql)
    return out


def bench_due(path: Path, runs: int) -> list[Result]:
    from models import modules
    from models.modules import open_database

    colds: list[float] = []
    counts: dict[str, int] = {}
    shares: dict[str, list[float]] = {}
    for _ in range(max(3, runs // 2)):
        db = open_database(str(path))
        try:
            start = time.perf_counter()
            with db.read() as s:
                items = modules.due_items(s, as_of=AS_OF, within=WITHIN)
            colds.append((time.perf_counter() - start) * 1000)
            counts = {}
            for item in items:
                counts[item.module_label] = counts.get(item.module_label, 0) + 1

            def again(db: object = db) -> object:
                with db.read() as s:  # type: ignore[attr-defined]
                    return modules.due_items(s, as_of=AS_OF, within=WITHIN)

            warm = _median_ms(again, runs)
        finally:
            db.dispose()
        for source in modules._due_sources():
            db = open_database(str(path))
            try:
                start = time.perf_counter()
                with db.read() as s:
                    source.items(s, as_of=AS_OF, within=WITHIN)
                shares.setdefault(source.name, []).append((time.perf_counter() - start) * 1000)
            finally:
                db.dispose()
    after = _after_a_write(path, runs)
    conn = sqlite3.connect(path)
    floor_sql = _floor_sql(conn)
    floor = _median_ms(lambda: [conn.execute(sql).fetchall() for sql in floor_sql], runs)
    enterprises = conn.execute("SELECT count(*) FROM enterprise WHERE deleted_at IS NULL").fetchone()[0]
    plans = conn.execute("SELECT count(*) FROM plan WHERE deleted_at IS NULL").fetchone()[0]
    conn.close()
    cold = statistics.median(colds)
    how = f"bare sqlite3: the rows the rules start from ({len(floor_sql)} statements)"
    goal = f"≤ {GOAL_MS:.0f} ms"
    listed = "、".join(f"{k} {v}" for k, v in counts.items())
    share = ", ".join(f"{k} {statistics.median(v):.0f} ms" for k, v in shares.items())
    return [Result("due: the whole list, cold (newly opened database)", cold, "ms", floor, how, goal, cold <= GOAL_MS,
                   f"{sum(counts.values())} items ({listed}) over {enterprises} enterprises, {plans} plans; "
                   f"each module alone, cold: {share}"),
            Result("due: the whole list, again (fresh session)", warm, "ms", floor, how, goal, warm <= GOAL_MS,
                   "nothing written since: every module's answer kept as of the audit trail's head"),
            Result("due: the whole list, after a certificate renewed", after, "ms", floor, how, goal, after <= GOAL_MS,
                   "only the teams module's items worked out again (the others read none of its tables)")]


def _after_a_write(path: Path, runs: int) -> float:
    """On a copy: a member's certificate renewed through the write path, then the whole list asked."""
    from dataclasses import replace

    from sqlalchemy import select

    from models import modules
    from models.core.uow import SYSTEM, unit_of_work
    from models.modules import open_database
    from models.teams import service as ts
    from models.teams.entities import MemberCertificate

    scratch = path.with_name("due-scratch.sqlite")
    src, dst = sqlite3.connect(path), sqlite3.connect(scratch)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    db = open_database(str(scratch))
    times = []
    try:
        with db.read() as s:
            modules.due_items(s, as_of=AS_OF, within=WITHIN)
            certs = s.execute(select(MemberCertificate.id).where(MemberCertificate.deleted_at.is_(None))
                              .order_by(MemberCertificate.id).limit(max(3, runs // 2))).scalars().all()
        for cid in certs:
            with db.read() as s:
                data, version = ts.load_certificate(s, cid)
            with unit_of_work(db, SYSTEM) as uow:
                ts.update_certificate(uow, cid, replace(data, expires_on=date(2031, 12, 31)), version)
            start = time.perf_counter()
            with db.read() as s:
                modules.due_items(s, as_of=AS_OF, within=WITHIN)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        db.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return statistics.median(times)


def bench(city: Path, runs: int) -> list[Result]:
    return bench_due(city, runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.due", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, required=True, help="the city database (all modules' demo)")
    args = parser.parse_args(argv)
    results = bench(args.db, args.runs)
    for r in results:
        floor = f"{r.floor:.3g} {r.unit} ({r.floor_name})" if r.floor is not None else ""
        verdict = "—" if r.ok is None else "ok" if r.ok else "MISSED"
        print(f"{r.name}: {r.value:.3g} {r.unit}  floor {floor}  goal {r.goal or '—'}  {verdict}  {r.note}")
    return 1 if any(r.ok is False for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
