"""Run every benchmark and print a table: ``python -m tests.benchmarks [--fresh] [--only …]``.

- ``demo``: ``emergency-desk demo --scale city`` on a fresh SQLite file: 10,000 enterprises and their
  ≈ 36,000 plans (goals ≤ 3 min and ≤ 1.5× the floor); floor: plain ``sqlite3`` ``executemany`` of the
  very rows it wrote (enterprises, contacts, plans, sections, versions, search index grams, audit log)
  into a fresh file with the same schema and indexes. The same run measures the file (goal ≤ 1.2 GB)
  and ``audit verify`` over it (chain, head and every record against the trail; goal: passes).
- ``list``: the enterprise list and the plan list on the city database — first page (count + 100
  rows), a search keystroke, a filter, both with a sort, and the last page; goal ≤ 50 ms each; floor:
  a bare ``SELECT … ORDER BY name LIMIT 100`` through ``sqlite3``. And the window: on the real 企业 page
  offscreen, a search keystroke → rows shown and repainted (goal ≤ 50 ms) and the window thread's longest
  stall meanwhile (goal ≤ 16 ms; ``tests/benchmarks/window.py``).
- ``search``: full-text search over the city's plan sections (``models.plans.search.search``, limit 50) in a
  fresh read session, the first page for terms of one to four characters including the most common
  ones (“应急” is in most sections), goal ≤ 100 ms for every term; the total count the search page
  shows afterwards, for information; floor: the bare FTS5 ``MATCH`` of the same gram phrase through
  ``sqlite3``, fetching every matching rowid.
- ``supplies``: reconcile over every balance (goal ≤ 5 s) and the stock list's first page, a search
  keystroke and a filter (≤ 50 ms each), on the city database's supplies (a synthetic ledger of
  100,000 batches written through the write path when the demo has none); see
  ``tests/benchmarks/supplies.py``.
- ``teams``: the readiness of every city team (goal ≤ 200 ms), the team list (≤ 50 ms), a duty room's
  two-month roster and the due items; see ``tests/benchmarks/teams.py``.
- ``due``: the home page's list of everything due in every module (goal ≤ 200 ms) — cold, asked again and
  after a write; see ``tests/benchmarks/due.py``.
- ``stats``: the weekly statistics of every department (goal ≤ 500 ms) and the monthly ranking on the
  city database (synthetic oversight records added to a copy when its demo has none); see
  ``tests/benchmarks/stats.py``.
- ``export``: the whole enterprise register to .xlsx through ``exports.enterprises.excel`` (no goal yet); floor:
  the same columns by one ``sqlite3`` query into an unstyled openpyxl write-only workbook.
- ``startup``: process start → main window shown with its first page loaded, on the city database
  (``emergency-desk --db city.sqlite`` with ``EMERGENCY_DESK_QUIT_WHEN_SHOWN=1``), against a bare
  PySide6 window (``bare_window.py``), run alternately, median of N; goal ≤ 1.5×. The same runs give
  the resident memory when shown (goal ≤ 250 MB), next to the bare window's.
- ``documents``: plan documents — a ≈ 200-page plan to PDF against bare reportlab (≤ 1.3×) and
  against LibreOffice converting our .docx (≥ 10× faster; skipped without LibreOffice), to DOCX
  (≤ 1 s), and archive throughput; see ``tests/benchmarks/documents.py``. Needs no city database.

The city database is generated once and cached in ``.bench/`` keyed by the schema head, the seed and
a digest of the demo generator and the write path (``GENERATOR_FILES``; ``--fresh`` regenerates it
and so measures ``demo`` again).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory

from tests.benchmarks.results import Result

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / ".bench"
VENV_BIN = Path(sys.executable).parent
APP = VENV_BIN / "emergency-desk"
BARE = Path(__file__).with_name("bare_window.py")

DEMO_GOAL_S = 180.0
DEMO_GOAL_RATIO = 1.5
SIZE_GOAL_GB = 1.2
LIST_GOAL_MS = 50.0
STALL_GOAL_MS = 16.0
SEARCH_GOAL_MS = 100.0
STARTUP_GOAL_RATIO = 1.5
RSS_GOAL_MB = 250.0
TIMEOUT_S = 120.0


# --- helpers ---------------------------------------------------------------------------------------


def head_revision() -> str:
    head = ScriptDirectory(str(ROOT / "models" / "core" / "migrations")).get_current_head()
    assert head is not None
    return head


GENERATOR_FILES = ("models/core/demo.py", "models/enterprises/demo.py", "plans/demo.py", "plans/plans/demo.py",
                   "plans/plans/demo_content.py", "models/core/uow.py", "models/core/audit.py",
                   "models/enterprises/service.py", "models/plans/service.py", "models/plans/search.py",
                   "models/drills/demo.py", "models/drills/service.py", "models/drills/scoring.py",
                   "models/drills/findings.py", "models/supplies/demo.py", "models/teams/demo.py",
                   "models/teams/service.py", "models/oversight/demo.py", "models/oversight/service.py",
                   "models/oversight/incidents.py")
DEMO_TABLES = ("enterprise", "enterprise_contact", "plan", "plan_section", "plan_version", "drill", "drill_plan",
               "drill_evaluation", "score_sheet", "score_entry", "drill_finding", "audit_log", "audit_head",
               "warehouse", "supply_item", "supply_batch", "stock_movement", "stock_balance", "minimum_stock",
               "plan_supply_need", "rescue_team", "team_enterprise", "team_equipment", "team_member",
               "member_certificate", "training_record", "duty_point", "duty_shift", "duty_assignment", "duty_swap",
               "handover_log")
FTS_TABLE = "plan_section_fts"


def generator_digest() -> str:
    """A change to the demo generator makes a new cache entry, like a new schema head does."""
    digest = hashlib.sha1()
    for name in GENERATOR_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:8]


def city_paths(seed: int) -> tuple[Path, Path]:
    stem = f"city-{head_revision()}-seed{seed}-{generator_digest()}"
    return BENCH_DIR / f"{stem}.sqlite", BENCH_DIR / f"{stem}.json"


def prepare_bench_dir() -> None:
    BENCH_DIR.mkdir(exist_ok=True)
    ignore = BENCH_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# benchmark caches: never committed\n*\n", encoding="utf-8")


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def app_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", EMERGENCY_DESK_DATA_DIR=str(data_dir))
    env.pop("EMERGENCY_DESK_DB", None)
    return env


# --- demo ------------------------------------------------------------------------------------------


def generate_city(target: Path, seed: int, data_dir: Path) -> tuple[float, str]:
    """Generate the city database at ``target`` through the CLI; (seconds, how it was run).

    The CLI is the first child process of a run, so the children's peak RSS is the demo's own.
    """
    remove_sqlite(target)
    command = [str(APP), "--db", str(target), "demo", "--scale", "city", "--seed", str(seed)]
    start = time.perf_counter()
    if APP.exists():
        proc = subprocess.run(command, env=app_env(data_dir), capture_output=True, text=True,
                              timeout=10 * DEMO_GOAL_S, check=False)
        seconds = time.perf_counter() - start
        if proc.returncode == 0:
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            return seconds, f"emergency-desk demo --scale city, whole process, peak RSS {peak:.0f} MB"
        print(f"  CLI failed ({proc.returncode}): {proc.stderr.strip()[:300]}; generating in-process",
              file=sys.stderr)
        remove_sqlite(target)
    from models.modules import open_database
    from plans import demo

    start = time.perf_counter()
    db = open_database(str(target))
    try:
        demo.generate(db, scale="city", seed=seed)
    finally:
        db.dispose()
    return time.perf_counter() - start, "plans.demo.generate in-process (CLI unavailable)"


def _grams_rows(source: Path) -> list[tuple[int, str]]:
    """The index rows the demo wrote (the index is contentless: they are recomputed, untimed)."""
    from models.plans.search import grams
    from models.plans.text import body_text

    conn = sqlite3.connect(source)
    rows = [(sid, grams(f"{title}\n{body_text(json.loads(blocks))}")) for sid, title, blocks in conn.execute(
        "SELECT id, title, blocks FROM plan_section WHERE deleted_at IS NULL ORDER BY id")]
    conn.close()
    return rows


def insert_floor(source: Path) -> tuple[float, int]:
    """Seconds for plain sqlite3 to write the same rows into a fresh file with the same schema.

    Rows are read in batches before the clock starts each batch, so only the writing is timed.
    """
    target = source.with_name("floor.sqlite")
    remove_sqlite(target)
    grams = _grams_rows(source)
    src = sqlite3.connect(source)
    marks = ", ".join("?" * len(DEMO_TABLES))
    schema = [sql for (sql,) in src.execute(
        f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}, ?) AND sql IS NOT NULL "
        "AND name NOT LIKE ? ORDER BY type = 'index'", (*DEMO_TABLES, FTS_TABLE, f"{FTS_TABLE}_%"))]
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.execute("PRAGMA synchronous = NORMAL")
    for sql in schema:
        dst.execute(sql)
    rows = 0
    seconds = 0.0
    dst.execute("BEGIN IMMEDIATE")
    for table in DEMO_TABLES:
        cursor = src.execute(f"SELECT * FROM {table} ORDER BY rowid")
        while batch := cursor.fetchmany(20_000):
            values = ", ".join("?" * len(batch[0]))
            start = time.perf_counter()
            dst.executemany(f"INSERT INTO {table} VALUES ({values})", batch)
            seconds += time.perf_counter() - start
            rows += len(batch)
    for i in range(0, len(grams), 20_000):
        batch = grams[i:i + 20_000]
        start = time.perf_counter()
        dst.executemany(f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (?, ?)", batch)
        seconds += time.perf_counter() - start
        rows += len(batch)
    start = time.perf_counter()
    dst.execute("COMMIT")
    seconds += time.perf_counter() - start
    src.close()
    dst.close()
    remove_sqlite(target)
    return seconds, rows


def verify_city(city: Path) -> tuple[float, bool, str]:
    """``emergency-desk audit verify`` over the city database: (seconds, passed, its first lines)."""
    command = [str(APP), "--db", str(city), "audit", "verify"]
    start = time.perf_counter()
    proc = subprocess.run(command, env=app_env(BENCH_DIR / "data"), capture_output=True, text=True,
                          timeout=1800, check=False)
    seconds = time.perf_counter() - start
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return seconds, proc.returncode == 0, " / ".join(line[:80] for line in lines[:3])


def bench_demo(seed: int, fresh: bool) -> tuple[list[Result], Path]:
    city, meta_path = city_paths(seed)
    if fresh or not city.exists() or not meta_path.exists():
        print(f"generating the city database (seed {seed}) into {city.relative_to(ROOT)} …", file=sys.stderr)
        partial = city.with_name(city.stem + ".partial.sqlite")
        seconds, how = generate_city(partial, seed, BENCH_DIR / "data")
        floor, rows = insert_floor(partial)
        remove_sqlite(city)
        partial.replace(city)
        remove_sqlite(partial)
        with sqlite3.connect(city) as conn:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DEMO_TABLES}
        conn.close()
        verify_s, verified, verify_note = verify_city(city)
        meta = {"measured": datetime.now().isoformat(timespec="seconds"), "seconds": seconds,
                "floor_seconds": floor, "floor_rows": rows, "how": how, "counts": counts,
                "size_mb": city.stat().st_size / 2**20, "size_bytes": city.stat().st_size,
                "verify_seconds": verify_s, "verified": verified, "verify_note": verify_note}
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        cached = ""
    else:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        cached = f"cached, measured {meta['measured']}; --fresh to re-measure. "
    c = meta["counts"]
    note = (f"{cached}{meta['how']}; {c['enterprise']} enterprises, {c['enterprise_contact']} contacts, "
            f"{c.get('plan', 0)} plans, {c.get('plan_section', 0)} sections, {c.get('plan_version', 0)} versions, "
            f"{c.get('drill', 0)} drills, {c.get('drill_evaluation', 0)} evaluations with {c.get('score_sheet', 0)} "
            f"sheets and {c.get('score_entry', 0)} entries, {c.get('drill_finding', 0)} findings, "
            f"{c['audit_log']} audit rows")
    floor_name = f"sqlite3 executemany of the same {meta['floor_rows']} rows"
    ratio_ok = meta["seconds"] <= DEMO_GOAL_RATIO * meta["floor_seconds"]
    size_gb = meta.get("size_bytes", meta["size_mb"] * 2**20) / 1e9
    results = [
        Result("demo --scale city", meta["seconds"], "s", meta["floor_seconds"], floor_name,
               f"≤ {DEMO_GOAL_S:.0f} s", meta["seconds"] <= DEMO_GOAL_S, note),
        Result("demo --scale city against its floor", meta["seconds"], "s", meta["floor_seconds"], floor_name,
               f"≤ {DEMO_GOAL_RATIO}× floor", ratio_ok, "the same run"),
        Result("city database file", size_gb, "GB", None, "", f"≤ {SIZE_GOAL_GB} GB", size_gb <= SIZE_GOAL_GB,
               f"{meta['size_mb']:.0f} MiB after the demo"),
    ]
    if "verified" in meta:
        results.append(Result("audit verify of the city database", meta["verify_seconds"], "s", None, "",
                              "passes", meta["verified"], meta["verify_note"]))
    return results, city


# --- list ------------------------------------------------------------------------------------------


def bench_list(city: Path, runs: int) -> list[Result]:
    from sqlalchemy import text

    from models.core import reference
    from models.enterprises import queries as enterprise_queries
    from models.enterprises.queries import EnterpriseFilter
    from models.modules import open_database

    db = open_database(str(city))
    try:
        with db.read() as s:
            hazchem = tuple(c.id for c in reference.industries(s) if c.code.startswith("hazchem"))
            total = enterprise_queries.count(s, EnterpriseFilter())
            plans = s.scalar(text("SELECT count(*) FROM plan WHERE deleted_at IS NULL"))

        def rows_ready(flt: EnterpriseFilter, sort: str = "name", last: bool = False) -> Callable[[], object]:
            def run() -> object:
                with db.read() as s:
                    n = enterprise_queries.count(s, flt)
                    offset = max(0, n - 100) if last else 0
                    return enterprise_queries.page(s, flt, sort=sort, offset=offset, limit=100, total=n)
            return run

        cases = [
            ("list: first page, cold (count + 100 rows)", rows_ready(EnterpriseFilter()), 1),
            ("list: first page (count + 100 rows)", rows_ready(EnterpriseFilter()), runs),
            ("list: search keystroke “化工”", rows_ready(EnterpriseFilter(text="化工")), runs),
            ("list: industry filter 危险化学品", rows_ready(EnterpriseFilter(industry_ids=hazchem)), runs),
            ("list: search + industry, sorted by risk",
             rows_ready(EnterpriseFilter(text="有限", industry_ids=hazchem), sort="risk_level"), runs),
            ("list: last page (scrolled to the end)", rows_ready(EnterpriseFilter(), last=True), runs),
        ]
        measured = [(name, median_ms(fn, n)) for name, fn, n in cases]
        measured += _plan_list_cases(db, runs)
    finally:
        db.dispose()

    conn = sqlite3.connect(city)
    floor_sql = ("SELECT id, name, uscc, address FROM enterprise WHERE deleted_at IS NULL "
                 "ORDER BY name LIMIT 100")
    floor = median_ms(lambda: conn.execute(floor_sql).fetchall(), max(runs, 20))
    conn.close()
    results = [Result(name, ms, "ms", floor, "sqlite3 SELECT … ORDER BY name LIMIT 100",
                      "—" if "no goal" in name else f"≤ {LIST_GOAL_MS:.0f} ms",
                      None if "no goal" in name else ms <= LIST_GOAL_MS,
                      f"{plans} plans" if name.startswith("plan") else f"{total} enterprises")
               for name, ms in measured]
    return results + window_list(city, runs, floor)


WINDOW_TEXTS = ("化工", "有限", "科技", "矿业", "建设")


def window_list(city: Path, runs: int, floor: float) -> list[Result]:
    """The 企业 page offscreen: a search keystroke → rows ready, and the window thread's longest stall
    meanwhile (``tests/benchmarks/window.py``)."""
    from tests.benchmarks.window import TICK_MS, keystrokes, offscreen_app, wait_loaded

    offscreen_app()
    from desktop.enterprises.page import EnterprisesPage
    from desktop.kit.settings import Settings
    from desktop.kit.tasks import TaskRunner
    from models.modules import open_database

    db = open_database(str(city))
    runner = TaskRunner(None)
    try:
        page = EnterprisesPage(db, runner, Settings.open())
        page.resize(1280 - 112 - 16, 700)  # the page in a 1280 × 800 window
        page.show()
        page.activate()
        wait_loaded(page)
        got = keystrokes(page, WINDOW_TEXTS, runs)
        page.close()
    finally:
        runner.shutdown()
        db.dispose()
    texts = "、".join(WINDOW_TEXTS)
    return [Result("list: window, search keystroke → rows ready (企业 page)", got.ready_ms, "ms", floor,
                   "sqlite3 SELECT … ORDER BY name LIMIT 100", f"≤ {LIST_GOAL_MS:.0f} ms", got.ready_ms <= LIST_GOAL_MS,
                   f"median of {got.runs} keystrokes ({texts}); EnterprisesPage offscreen, rows shown and repainted"),
            Result("list: window, the window thread's longest stall per keystroke (median)", got.stall_median_ms, "ms",
                   None, "", f"≤ {STALL_GOAL_MS:.0f} ms", got.stall_median_ms <= STALL_GOAL_MS,
                   f"a {TICK_MS} ms QTimer's largest gap; the worst of the {got.runs}: {got.stall_ms:.1f} ms")]


def _plan_list_cases(db: object, runs: int) -> list[tuple[str, float]]:
    """The plan list as the plans page asks for it (count + a page, deadlines computed per row)."""
    from models.core.calendar import load_calendar
    from models.plans import deadlines, queries
    from models.plans.queries import PlanFilter

    def rows_ready(flt: PlanFilter, sort: str = "enterprise", last: bool = False) -> Callable[[], object]:
        def run() -> object:
            with db.read() as s:  # type: ignore[attr-defined]
                n = queries.count(s, flt)
                rows = queries.page(s, flt, sort=sort, offset=max(0, n - 100) if last else 0, limit=100, total=n)
                calendar = load_calendar(s)
            as_of = datetime(2026, 11, 29).date()
            return [deadlines.plan_deadlines(row, as_of, calendar=calendar) for row in rows]
        return run

    cases = [
        ("plan list: first page, cold (count + 100 rows with deadlines)", rows_ready(PlanFilter()), 1),
        ("plan list: first page (count + 100 rows with deadlines)", rows_ready(PlanFilter()), runs),
        ("plan list: status filter 已备案, sorted by number", rows_ready(PlanFilter(status="filed"), "plan_no"), runs),
        ("plan list: last page (scrolled to the end)", rows_ready(PlanFilter(), last=True), runs),
        ("plan list: search keystroke “泄漏” (no goal: LIKE over every title)", rows_ready(PlanFilter(text="泄漏")),
         runs),
        ("plan list: sorted by 发布日期 (no goal: the version in force of every plan)",
         rows_ready(PlanFilter(), "publish_date"), runs),
    ]
    return [(name, median_ms(fn, n)) for name, fn, n in cases]


# --- search ----------------------------------------------------------------------------------------

# (label, query, goal applies): the goal is for a typical two- and four-character term; the most
# common terms (in nearly every plan) show the worst case.
SEARCH_CASES = (
    ("1-character term “氯”", "氯", True),
    ("2-character term “泄漏”", "泄漏", True),
    ("3-character term “指挥部”", "指挥部", True),
    ("4-character term “有限空间”", "有限空间", True),
    ("most common 1-character term “应”", "应", True),
    ("most common 2-character term “应急”", "应急", True),
    ("most common 4-character term “应急预案”", "应急预案", True),
)


def fts_phrase(query: str) -> str:
    """The FTS5 expression ``models.plans.search`` sends for ``query`` (one word)."""
    from models.plans.search import query_terms

    return " AND ".join('"' + " ".join(tokens) + '"' for tokens in query_terms(query))


def bench_search(city: Path, runs: int) -> list[Result]:
    from sqlalchemy import text

    from models.modules import open_database
    from models.plans import search

    db = open_database(str(city))
    measured = []
    try:
        with db.read() as s:
            sections = s.scalar(text("SELECT count(*) FROM plan_section WHERE deleted_at IS NULL"))
            plans = s.scalar(text("SELECT count(*) FROM plan WHERE deleted_at IS NULL"))
        for label, query, has_goal in SEARCH_CASES:
            hits: list[object] = []

            def run(query: str = query, hits: list[object] = hits) -> object:
                with db.read() as s:
                    found = search.search(s, query, limit=50)
                hits[:] = found
                return found

            cold = median_ms(run, 1)
            warm = median_ms(run, runs)
            total: list[int] = [0]

            def counted(query: str = query, total: list[int] = total) -> object:
                with db.read() as s:
                    total[0] = search.count(s, query).sections
                return total

            count_ms = median_ms(counted, max(1, runs // 4))
            measured.append((label, query, has_goal, cold, warm, len(hits), total[0], count_ms))
    finally:
        db.dispose()
    conn = sqlite3.connect(city)
    out = []
    for label, query, has_goal, cold, warm, n, total, count_ms in measured:
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
        phrase = fts_phrase(query)
        matches = len(conn.execute(sql, (phrase,)).fetchall())
        floor = median_ms(lambda sql=sql, phrase=phrase: conn.execute(sql, (phrase,)).fetchall(), runs)
        goal = f"≤ {SEARCH_GOAL_MS:.0f} ms" if has_goal else "—"
        out.append(Result(f"search: {label}, limit 50", warm, "ms", floor,
                          f"sqlite3 bare FTS5 MATCH '{phrase}', all rowids", goal,
                          warm <= SEARCH_GOAL_MS if has_goal else None,
                          f"{n} hits shown of {matches} matching sections (count for the page: {total} in "
                          f"{count_ms:.0f} ms); first run {cold:.1f} ms; {plans} plans, {sections} sections"))
    conn.close()
    return out


# --- export ----------------------------------------------------------------------------------------


def bench_export(city: Path) -> list[Result]:
    from openpyxl import Workbook

    from exports.enterprises.excel import export_enterprises
    from models.enterprises.queries import EnterpriseFilter
    from models.modules import open_database

    out = BENCH_DIR / "export"
    out.mkdir(exist_ok=True)
    db = open_database(str(city))
    try:
        start = time.perf_counter()
        rows = export_enterprises(db, EnterpriseFilter(), out / "企业名录.xlsx")
        seconds = time.perf_counter() - start
    finally:
        db.dispose()
    # Floor: one plain SELECT of the same columns, streamed into a write-only workbook unstyled.
    start = time.perf_counter()
    conn = sqlite3.connect(city)
    data = conn.execute(
        "SELECT e.name, e.uscc, i.name, r.name, g.name, d.name, e.address, e.principal, e.principal_phone, "
        "e.employees, e.updated_at FROM enterprise e JOIN industry i ON i.id = e.industry_id "
        "JOIN risk_level r ON r.id = e.risk_level_id JOIN region g ON g.id = e.region_id "
        "JOIN department d ON d.id = e.department_id WHERE e.deleted_at IS NULL ORDER BY e.name").fetchall()
    conn.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("floor")
    for row in data:
        ws.append(row)
    wb.save(out / "floor.xlsx")
    floor = time.perf_counter() - start
    shutil.rmtree(out)
    return [Result("export: all enterprises to .xlsx", seconds, "s", floor,
                   "sqlite3 SELECT + unstyled openpyxl write-only", "—", None,
                   f"{rows} rows, {rows / seconds:.0f} rows/s")]


# --- start-up and memory ---------------------------------------------------------------------------


@dataclass
class Shown:
    seconds: float  # process start → window on screen ("shown")
    rss_mb: float  # at "ready" when the process reports it (database open, first page loaded)
    ready_seconds: float | None = None  # process start → first page loaded (the app only)


def time_to_shown(command: list[str], env: dict[str, str]) -> Shown | str:
    """Seconds from process start to its ``shown rss_kb=N`` (and ``ready rss_kb=N``) lines, or why it failed."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    shown: Shown | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("shown rss_kb="):
            shown = Shown(time.perf_counter() - start, int(line.split("=", 1)[1]) / 1024)
        elif line.startswith("ready rss_kb=") and shown is not None:
            shown.ready_seconds = time.perf_counter() - start
            shown.rss_mb = int(line.split("=", 1)[1]) / 1024
    try:
        _out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
        return f"did not exit within {TIMEOUT_S:.0f} s"
    if shown is None:
        return f"exit code {proc.returncode}, no 'shown' line: {err.strip()[-300:]}"
    if proc.returncode != 0:
        return f"shown, then exit code {proc.returncode}: {err.strip()[-300:]}"
    return shown


def bench_startup(city: Path, runs: int) -> list[Result]:
    env = app_env(BENCH_DIR / "data")
    app_cmd = [str(APP), "--db", str(city)]
    bare_cmd = [sys.executable, str(BARE)]
    if not APP.exists():
        why = f"{APP} not installed"
        return [Result("start-up to window shown", None, "s", note=why),
                Result("resident memory when shown", None, "MB", note=why)]
    app_env_ = dict(env, EMERGENCY_DESK_QUIT_WHEN_SHOWN="1")
    time_to_shown(bare_cmd, env)  # warm the page cache for both (Qt libraries, Python files)
    first = time_to_shown(app_cmd, app_env_)
    if isinstance(first, str):
        return [Result("start-up to window shown", None, "s", note=f"app: {first}"),
                Result("resident memory when shown", None, "MB", note=f"app: {first}")]
    apps: list[Shown] = []
    bares: list[Shown] = []
    for _ in range(runs):
        for command, bucket, run_env in ((app_cmd, apps, app_env_), (bare_cmd, bares, env)):
            got = time_to_shown(command, run_env)
            if isinstance(got, str):
                which = "app" if bucket is apps else "bare window"
                return [Result("start-up to window shown", None, "s", note=f"{which}: {got}")]
            bucket.append(got)
    app_s = statistics.median(s.seconds for s in apps)
    bare_s = statistics.median(s.seconds for s in bares)
    app_mb = statistics.median(s.rss_mb for s in apps)
    bare_mb = statistics.median(s.rss_mb for s in bares)
    readies = [s.ready_seconds for s in apps if s.ready_seconds is not None]
    ready_s = statistics.median(readies) if readies else None
    spread = f"app {min(s.seconds for s in apps):.2f}–{max(s.seconds for s in apps):.2f} s"
    return [
        Result("start-up to window shown (city db)", app_s, "s", bare_s, "bare PySide6 QMainWindow",
               f"≤ {STARTUP_GOAL_RATIO}× floor", app_s <= STARTUP_GOAL_RATIO * bare_s,
               f"median of {runs} alternate runs each; {spread}"),
        Result("start-up to first page ready (city db)", ready_s, "s", bare_s, "bare PySide6 QMainWindow",
               "—", None, "database opened, enterprise register counted, home page loaded"),
        Result("resident memory when ready (city db)", app_mb, "MB", bare_mb, "bare PySide6 QMainWindow",
               f"≤ {RSS_GOAL_MB:.0f} MB", app_mb <= RSS_GOAL_MB,
               "VmRSS from the 'ready rss_kb=' line (first page loaded)"),
    ]


# --- report ----------------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "GB":
        return f"{value:.2f} GB"
    if value < 100:
        return f"{value:.1f} {unit}"
    return f"{value:.0f} {unit}"


def verdict(result: Result) -> str:
    if result.ok is None:
        return "not run" if result.value is None else "—"
    return "ok" if result.ok else "MISSED"


def print_table(results: list[Result], markdown: bool) -> None:
    header = ("benchmark", "result", "floor", "ratio", "goal", "verdict", "notes")
    rows = [(r.name, fmt(r.value, r.unit), fmt(r.floor, r.unit) + (f" ({r.floor_name})" if r.floor_name else ""),
             f"{r.ratio:.1f}×" if r.ratio is not None else "—", r.goal, verdict(r), r.note)
            for r in results]
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header[:-1])]
    line = "  ".join(h.ljust(w) for h, w in zip(header[:-1], widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)))
        if row[-1]:
            print(f"    {row[-1]}")


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return (f"{os.cpu_count()} cores ({cpu or 'unknown CPU'}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached city database")
    parser.add_argument("--only", default="demo,list,search,drills,supplies,teams,due,stats,export,startup,documents",
                        help="comma-separated: demo,list,search,drills,supplies,teams,due,stats,export,startup,documents")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs per command (list, search: ×4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--clean", action="store_true", help="delete .bench/ and exit")
    args = parser.parse_args(argv)
    if args.clean:
        shutil.rmtree(BENCH_DIR, ignore_errors=True)
        return 0
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    prepare_bench_dir()
    print(f"{datetime.now():%Y-%m-%d %H:%M}  {machine()}")
    results: list[Result] = []
    if only & {"demo", "list", "search", "drills", "supplies", "teams", "due", "stats", "export", "startup"}:  # they need the city database
        results, city = bench_demo(args.seed, args.fresh)
        if "demo" not in only:
            results = []
    if "list" in only:
        results += bench_list(city, args.runs * 4)
    if "search" in only:
        results += bench_search(city, args.runs * 4)
    if "drills" in only:
        from tests.benchmarks.drills import bench_drills

        results += bench_drills(city, args.runs * 4)
    if "supplies" in only:
        from tests.benchmarks.supplies import bench as bench_supplies

        results += bench_supplies(city, args.runs * 4)
    if "teams" in only:
        from tests.benchmarks.teams import bench as bench_teams

        results += bench_teams(city, args.runs * 4)
    if "due" in only:
        from tests.benchmarks.due import bench as bench_due

        results += bench_due(city, args.runs * 4)
    if "stats" in only:
        from tests.benchmarks.stats import bench as bench_stats

        results += bench_stats(city, args.runs * 4)
    if "export" in only:
        results += bench_export(city)
    if "startup" in only:
        results += bench_startup(city, args.runs)
    if "documents" in only:
        from tests.benchmarks.documents import bench_documents

        results += bench_documents(max(3, args.runs // 2 + 1))
    print_table(results, args.markdown)
    return 1 if any(r.ok is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
