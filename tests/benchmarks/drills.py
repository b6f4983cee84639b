"""Drill benchmarks on the city database: every enterprise's frequency obligations (goal ≤ 200 ms).

Timed: ``models.drills.queries.obligations(session, as_of=…)`` in a fresh read session — the three
aggregates it reads and the rule applied to each of the city's enterprises. Floor: the same three
aggregate queries through bare ``sqlite3``, every row fetched.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tests.benchmarks.results import Result

GOAL_MS = 200.0
AS_OF = date(2026, 11, 29)

_FLOOR = (
    "SELECT e.id, e.name, i.flags, r.code, e.medium_or_larger, e.hazchem_use_above_threshold FROM enterprise e "
    "JOIN industry i ON i.id = e.industry_id JOIN region r ON r.id = e.region_id WHERE e.deleted_at IS NULL "
    "ORDER BY e.name, e.id",
    "SELECT enterprise_id, kind, min(publish_date) FROM plan WHERE deleted_at IS NULL AND publish_date IS NOT NULL "
    "AND status != 'retired' GROUP BY enterprise_id, kind",
    "SELECT d.enterprise_id, d.id, d.held_on, p.kind FROM drill d JOIN drill_plan dp ON dp.drill_id = d.id "
    "JOIN plan p ON p.id = dp.plan_id WHERE d.deleted_at IS NULL AND dp.deleted_at IS NULL "
    "AND d.status IN ('conducting', 'evaluating', 'done') AND d.held_on IS NOT NULL AND d.held_on <= '2026-11-29'",
)


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_drills(city: Path, runs: int) -> list[Result]:
    from models.drills import queries as dq
    from models.modules import open_database

    db = open_database(str(city))
    try:
        def run() -> object:
            with db.read() as s:
                return dq.obligations(s, as_of=AS_OF)

        cold = _median_ms(run, 1)
        warm = _median_ms(run, runs)
        with db.read() as s:
            rows = dq.obligations(s, as_of=AS_OF)
    finally:
        db.dispose()
    conn = sqlite3.connect(city)
    floor = _median_ms(lambda: [conn.execute(sql).fetchall() for sql in _FLOOR], runs)
    conn.close()
    items = sum(len(r.obligations) for r in rows)
    overdue = sum(len(r.overdue) for r in rows)
    note = f"{len(rows)} enterprises, {items} obligations, {overdue} overdue on {AS_OF.isoformat()}"
    how = "bare sqlite3: the same three aggregates"
    return [Result("drill obligations of every enterprise, cold", cold, "ms", floor, how, f"≤ {GOAL_MS:.0f} ms",
                   cold <= GOAL_MS, note),
            Result("drill obligations of every enterprise", warm, "ms", floor, how, f"≤ {GOAL_MS:.0f} ms",
                   warm <= GOAL_MS, note)]
