"""Statistics benchmarks: the weekly statistics of every department at city scale (goal ≤ 500 ms),
the monthly statistics and the ranking, each with a floor measured in the same run.

Timed, each in a fresh read session:
- ``models.oversight.stats.weekly`` for ISO week 2026-W48 as of 2026-11-30, *cold* (the first call on a
  newly opened database: every grouped query, the drill obligations of every enterprise on the day
  before the week and the plans' filing and evaluation deadlines on its last day), median of 3; and
  *asked again* (the same week: the drill obligations kept as of the audit trail).
- ``models.oversight.stats.monthly`` for November 2026 and ``ranking`` over it, cold.
Floor: the bare aggregates the figures need through ``sqlite3``, every row fetched — the inspections,
hazards (found, closed, overdue at the end), penalties and held drills grouped by department, the three
aggregates of the drill obligations (``tests/benchmarks/drills.py``) and the plans that are candidates
for a filing or evaluation deadline.

The database: the city database (10,000 enterprises, ≈ 36,000 plans and the drills of the demo) with
its oversight records when its demo has them; else a copy of it with synthetic oversight records
written here through the unit of work (``insert_rows``): ``--inspections N`` inspections over the 26
weeks before 2026-11-30 by the enterprises' departments (one in five by another department), 1.5
hazards per inspection (one in eight 重大; closed, late or still open by a department's own rate, so some
departments are clearly better), extensions for one in fifteen and penalties for one in ten, cached in
``.bench/``. Standalone: ``python -m tests.benchmarks.stats [--db CITY] [--runs 5] [--inspections N]``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from tests.benchmarks.drills import _FLOOR as DRILL_FLOOR
from tests.benchmarks.results import Result

GOAL_MS = 500.0
WEEK = (2026, 48)
MONTH = (2026, 11)
AS_OF = date(2026, 11, 30)
BENCH_DIR = Path(__file__).resolve().parents[2] / ".bench"
START, CUT = "2026-11-23", "2026-11-29"

_FLOOR = (
    f"SELECT department_id, count(id), count(DISTINCT enterprise_id) FROM inspection WHERE deleted_at IS NULL "
    f"AND inspected_on >= '{START}' AND inspected_on <= '{CUT}' GROUP BY department_id",
    f"SELECT department_id, sum(level = 'general'), sum(level = 'major'), sum(closed_on <= '{CUT}') FROM hazard "
    f"WHERE deleted_at IS NULL AND found_on >= '{START}' AND found_on <= '{CUT}' GROUP BY department_id",
    f"SELECT department_id, count(id) FROM hazard WHERE deleted_at IS NULL AND closed_on >= '{START}' "
    f"AND closed_on <= '{CUT}' GROUP BY department_id",
    f"SELECT department_id, count(id) FROM hazard WHERE deleted_at IS NULL AND found_on <= '{CUT}' "
    f"AND (closed_on IS NULL OR closed_on > '{CUT}') AND deadline < '{CUT}' GROUP BY department_id",
    f"SELECT department_id, count(id), sum(amount) FROM penalty WHERE deleted_at IS NULL AND decided_on >= '{START}' "
    f"AND decided_on <= '{CUT}' GROUP BY department_id",
    f"SELECT e.department_id, count(d.id) FROM drill d JOIN enterprise e ON e.id = d.enterprise_id "
    f"WHERE d.deleted_at IS NULL AND d.status IN ('conducting', 'evaluating', 'done') AND d.held_on >= '{START}' "
    f"AND d.held_on <= '{CUT}' GROUP BY e.department_id",
    "SELECT id, department_id FROM enterprise",
    "SELECT p.id, p.enterprise_id, p.publish_date, p.filing_submitted_date, p.last_evaluation_date FROM plan p "
    "WHERE p.deleted_at IS NULL AND p.status IN ('published', 'filed', 'revising', 'reviewing') "
    "AND ((p.publish_date IS NOT NULL AND p.filing_submitted_date IS NULL) "
    "OR coalesce(p.last_evaluation_date, p.publish_date) <= '2023-11-29')",
    *DRILL_FLOOR,
)


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def add_oversight(path: Path, inspections: int, seed: int = 1) -> None:
    """Synthetic inspections, hazards, extensions and penalties into the database at ``path``."""
    from sqlalchemy import select

    from models.core.uow import SYSTEM, unit_of_work
    from models.enterprises.entities import Enterprise
    from models.modules import open_database
    from models.oversight.entities import Hazard, HazardExtension, Inspection, Penalty

    rnd = random.Random(seed)
    db = open_database(str(path))
    try:
        with db.read() as s:
            ents = list(s.execute(select(Enterprise.id, Enterprise.department_id)
                                  .where(Enterprise.deleted_at.is_(None))).all())
            depts = sorted({d for _e, d in ents})
        skill = {d: 0.45 + 0.5 * n / max(1, len(depts) - 1) for n, d in enumerate(depts)}  # how well each closes
        first = AS_OF - timedelta(days=26 * 7)
        done = 0
        while done < inspections:
            size = min(5000, inspections - done)
            with unit_of_work(db, SYSTEM) as uow:
                ids = uow.reserve_ids(Inspection, size)
                rows, hazards, penalties = [], [], []
                for iid in ids:
                    ent, dept = rnd.choice(ents)
                    if rnd.random() < 0.2:
                        dept = rnd.choice(depts)
                    day = first + timedelta(days=rnd.randrange((AS_OF - first).days))
                    rows.append({"id": iid, "enterprise_id": ent, "department_id": dept, "inspected_on": day,
                                 "inspectors": "执法人员"})
                    for _h in range(rnd.choice((0, 1, 1, 2, 2, 3))):
                        major = rnd.random() < 0.125
                        deadline = day + timedelta(days=90 if major else 30)
                        closed = None
                        if rnd.random() < skill[dept]:
                            closed = day + timedelta(days=rnd.randrange(5, 40 if not major else 100))
                        elif rnd.random() < 0.3:
                            closed = deadline + timedelta(days=rnd.randrange(1, 30))
                        if closed is not None and closed > AS_OF:
                            closed = None
                        hazards.append({"inspection_id": iid, "enterprise_id": ent, "department_id": dept,
                                        "found_on": day, "level": "major" if major else "general",
                                        "category": "equipment", "description": "隐患", "deadline": deadline,
                                        "status": "closed" if closed else "open", "closed_on": closed})
                    if rnd.random() < 0.1:
                        penalties.append({"enterprise_id": ent, "department_id": dept, "inspection_id": iid,
                                          "kind": "fine", "amount": float(rnd.randrange(1, 50) * 1000),
                                          "decided_on": day + timedelta(days=rnd.randrange(0, 10)),
                                          "decision_no": f"罚〔2026〕{iid}号"})
                uow.insert_rows(Inspection, rows)
                hazard_ids = uow.insert_rows(Hazard, hazards)
                extensions = [{"hazard_id": hid, "granted_on": h["deadline"] - timedelta(days=3),
                               "old_deadline": h["deadline"] - timedelta(days=30), "new_deadline": h["deadline"],
                               "reason": "延期", "approved_by": "局长"}
                              for hid, h in zip(hazard_ids, hazards, strict=True) if rnd.random() < 1 / 15]
                uow.insert_rows(HazardExtension, extensions)
                uow.insert_rows(Penalty, penalties)
            done += size
        db.analyze()
    finally:
        db.dispose()


def stats_city(city: Path, inspections: int) -> tuple[Path, float | None]:
    """The city database when it has oversight records, else a copy with synthetic ones (cached);
    the seconds writing them took when they were written now."""
    if _count(city, "hazard"):
        return city, None
    target = BENCH_DIR / f"stats-{city.stem}-{inspections}.sqlite"
    if target.exists() and _count(target, "hazard"):
        return target, None
    partial = target.with_name(target.stem + ".partial.sqlite")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(city), sqlite3.connect(partial)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    start = time.perf_counter()
    add_oversight(partial, inspections)
    took = time.perf_counter() - start
    partial.replace(target)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return target, took


def bench_stats(path: Path, runs: int) -> list[Result]:
    from models.modules import open_database
    from models.oversight import stats as st

    colds, monthly, cpus = [], [], []
    result = None
    for _ in range(3):
        db = open_database(str(path))
        try:
            start, cpu = time.perf_counter(), time.process_time()
            with db.read() as s:
                result = st.weekly(s, week=WEEK, as_of=AS_OF)
            colds.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)

            def again(db: object = db) -> object:
                with db.read() as s:  # type: ignore[attr-defined]
                    return st.weekly(s, week=WEEK, as_of=AS_OF)

            warm = _median_ms(again, runs)
        finally:
            db.dispose()
        db = open_database(str(path))
        try:
            start = time.perf_counter()
            with db.read() as s:
                ranked = st.ranking(st.monthly(s, year=MONTH[0], month=MONTH[1], as_of=AS_OF))
            monthly.append((time.perf_counter() - start) * 1000)
        finally:
            db.dispose()
    conn = sqlite3.connect(path)
    floor = _median_ms(lambda: [conn.execute(sql).fetchall() for sql in _FLOOR], runs)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t} WHERE deleted_at IS NULL").fetchone()[0]
              for t in ("enterprise", "plan", "drill", "inspection", "hazard", "penalty")}
    conn.close()
    assert result is not None
    t = result.totals
    note = (f"{counts['enterprise']} enterprises, {counts['plan']} plans, {counts['drill']} drills, "
            f"{counts['inspection']} inspections, {counts['hazard']} hazards, {counts['penalty']} penalties; "
            f"the week: {t.inspections} inspections, {t.hazards_found} hazards found, {t.overdue} overdue, "
            f"{t.drills_required} drill obligations due, {t.plans_overdue} plans overdue")
    how = "bare sqlite3: the grouped aggregates, the drill obligations' and the plan deadlines' candidates"
    goal = f"≤ {GOAL_MS:.0f} ms"
    cold = statistics.median(colds)
    month_ms = statistics.median(monthly)
    return [
        Result("stats: weekly statistics, cold (first call)", cold, "ms", floor, how, goal, cold <= GOAL_MS,
               f"{note}; each of {len(colds)} on a newly opened database; CPU time {statistics.median(cpus):.0f} ms"),
        Result("stats: weekly statistics, asked again", warm, "ms", floor, how, goal, warm <= GOAL_MS,
               "the same week: the drill obligations kept as of the audit trail"),
        Result("stats: monthly statistics and ranking, cold", month_ms, "ms", floor, how, "—", None,
               f"{len(ranked)} departments ranked"),
    ]


def bench(city: Path | None, runs: int, inspections: int = 30_000) -> list[Result]:
    if city is None:
        from tests.benchmarks.__main__ import bench_demo

        _results, city = bench_demo(1, False)
    path, took = stats_city(city, inspections)
    results = bench_stats(path, runs)
    if took is not None:
        results.insert(0, Result("stats: synthetic oversight records written", took, "s",
                                 note=f"{inspections} inspections with their hazards, extensions and penalties"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.stats", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--inspections", type=int, default=30_000, help="synthetic inspections when the city has none")
    parser.add_argument("--db", type=Path, help="the city database (default: the cached one, generated if missing)")
    args = parser.parse_args(argv)
    results = bench(args.db, args.runs, args.inspections)
    for r in results:
        floor = f"{r.floor:.3g} {r.unit} ({r.floor_name})" if r.floor is not None else ""
        verdict = "—" if r.ok is None else "ok" if r.ok else "MISSED"
        print(f"{r.name}: {r.value:.3g} {r.unit}  floor {floor}  goal {r.goal or '—'}  {verdict}  {r.note}")
    return 1 if any(r.ok is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
