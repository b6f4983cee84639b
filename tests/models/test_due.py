"""Everything due (``models.modules.due_items`` over each module's ``due_items``): a plan whose filing is
overdue, a published plan with a revision triggered, a corrective action past its deadline, the drills
an enterprise owes, an expired and an expiring batch, a member's expired certificate, a team not ready —
each with its days, severity and enterprise; the window; one enterprise; the ``due`` command prints the
same items. On both backends."""

from __future__ import annotations

import json
from datetime import date, timedelta

from models.core.due import DueItem, sort_key
from models.core.uow import unit_of_work
from models.modules import due_items
from models.plans import service as ps
from models.plans.entities import Plan
from tests.cli.test_cli import db_arg, run
from tests.factories import TESTER, create_enterprise
from tests.models.supplies.world import add_batch, move
from tests.models.supplies.world import build as build_supplies
from tests.models.teams.world import build as build_teams

AS_OF = date(2026, 11, 29)


def _publish(db, ent: int, number: str, published: date) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(db, TESTER) as uow:
        pid = ps.create(uow, ent, ps.PlanData(plan_no=number, title=f"{number} 综合应急预案"))
    for command, values in (("submit_review", {}), ("publish", {"review_date": published - timedelta(days=7),
                                                                 "approver": "王建国", "publish_date": published})):
        with db.read() as s:
            version = s.get(Plan, pid).version
        with unit_of_work(db, TESTER) as uow:
            ps.transition(uow, pid, command, version, **values)
    return pid


def _by(items: list[DueItem], module: str, kind: str) -> list[DueItem]:
    return [i for i in items if i.module == module and i.kind == kind]


def test_every_module_contributes_its_due_items(db, capsys) -> None:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    other = create_enterprise(db, 2)
    late = _publish(db, ent, "YA-01", AS_OF - timedelta(days=60))  # filing due 20 working days later: overdue
    _publish(db, other, "YA-02", AS_OF - timedelta(days=2))  # filing due in the coming weeks
    supplies = build_supplies(db)
    expired = add_batch(db, supplies.item, "B-OLD", AS_OF - timedelta(days=3))
    move(db, "receive", expired, supplies.north, 2)
    soon = add_batch(db, supplies.item, "B-SOON", AS_OF + timedelta(days=20))
    move(db, "receive", soon, supplies.north, 2)
    teams = build_teams(db)  # its duty point has no roster: the team is not ready

    with db.read() as s:
        items = due_items(s, as_of=AS_OF, within=30)
    filing = [i for i in _by(items, "plans", "filing") if i.record_id == late]
    assert len(filing) == 1 and filing[0].severity == "danger" and filing[0].days is not None and filing[0].days < 0
    assert filing[0].enterprise_id == ent and filing[0].record == "plan" and "备案期限" in filing[0].detail
    upcoming = [i for i in _by(items, "plans", "filing") if i.enterprise_id == other]
    assert upcoming and upcoming[0].severity == "warning" and 0 <= upcoming[0].days <= 30
    old = [i for i in _by(items, "supplies", "expired") if i.record_id == expired]
    assert len(old) == 1 and old[0].days == -3 and old[0].due_on == AS_OF - timedelta(days=3)
    assert old[0].parent_id == supplies.north and old[0].when_text == "已逾期 3 天"
    expiring = [i for i in items if i.module == "supplies" and i.record_id == soon]
    assert expiring and expiring[0].kind == "expiring_30" and expiring[0].days == 20  # its severity is the module's own
    ready = _by(items, "teams", "readiness")
    assert [i.record_id for i in ready] == [teams.team] and ready[0].due_on is None and ready[0].when_text == "现在"
    with db.read() as s:  # the year's drill, owed by 31 December, enters a 40-day window
        drills = _by(due_items(s, as_of=AS_OF, within=40), "drills", "drill")
    assert ent in {i.enterprise_id for i in drills} and not _by(items, "drills", "drill")
    owed = next(i for i in drills if i.enterprise_id == ent)
    assert owed.due_on == date(2026, 12, 31) and owed.days == 32 and owed.severity == "warning"
    assert items == sorted(items, key=sort_key)
    assert [i.severity for i in items] == sorted((i.severity for i in items), key=lambda s: s != "danger")

    with db.read() as s:  # a narrower window keeps the overdue, drops what is 20 days off
        week = due_items(s, as_of=AS_OF, within=7)
        mine = due_items(s, as_of=AS_OF, within=30, enterprise_id=ent)
    assert not [i for i in week if i.record_id == soon and i.module == "supplies"]
    assert [i for i in week if i.module == "plans" and i.record_id == late]
    assert mine and {i.enterprise_id for i in mine} == {ent}

    code, out, err = run(capsys, "--db", db_arg(db), "due", "--as-of", AS_OF.isoformat(), "--json")
    assert code == 0, err
    assert json.loads(out) == [i.as_json() for i in items]  # the command and the home page read the same list
    assert f"共 {len(items)} 项" in err
    code, out, err = run(capsys, "--db", db_arg(db), "due", "--as-of", AS_OF.isoformat(), "--enterprise", str(ent))
    assert code == 0 and len(out.splitlines()) == len(mine) and "YA-01" in out
    code, _out, err = run(capsys, "--db", db_arg(db), "due", "--enterprise", "99999")
    assert code == 1 and err.strip() == "emergency-desk：没有编号为 99999 的企业"
    code, _out, err = run(capsys, "--db", db_arg(db), "due", "--within", "-3")
    assert code == 2 and "天数 -3 应在 0 到 3660 之间" in err


def test_an_empty_database_has_nothing_due(db) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        assert due_items(s, as_of=AS_OF, within=30) == []


def test_a_corrective_action_past_its_deadline_is_due(db) -> None:  # type: ignore[no-untyped-def]
    from models.drills import findings as df
    from models.drills import service as ds
    from tests.models.drills.test_drill_service import _data, _published_plan, _version

    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        late = df.raise_finding(uow, did, df.FindingData(description="应急广播覆盖不到东侧罐区", owner="王设备",
                                                         due_date=date(2026, 5, 31)), as_of=date(2026, 6, 1)).id
        soon = df.raise_finding(uow, did, df.FindingData(description="洗眼器水压不足", owner="李维修",
                                                         due_date=date(2026, 6, 20)), as_of=date(2026, 6, 1)).id
    with db.read() as s:
        found = _by(due_items(s, as_of=date(2026, 6, 1), within=10), "drills", "finding")
    assert [(i.record_id, i.days, i.severity) for i in found] == [(late, -1, "danger")]
    assert found[0].parent_id == did and found[0].enterprise_id == ent and "王设备" in found[0].detail
    with db.read() as s:
        wider = _by(due_items(s, as_of=date(2026, 6, 1), within=30), "drills", "finding")
    assert [(i.record_id, i.days, i.severity) for i in wider] == [(late, -1, "danger"), (soon, 19, "warning")]


def test_answers_are_kept_until_a_table_they_read_changes(db) -> None:  # type: ignore[no-untyped-def]
    """Each module's answer is kept as of the audit trail's head: asked again, or after a write to a
    table it does not read, it is not worked out again; after a write to one it reads, it is."""
    from models.core import due
    from models.enterprises.entities import Enterprise

    calls: dict[str, int] = {"a": 0, "b": 0}

    def source(name: str):  # type: ignore[no-untyped-def]
        def items(session, *, as_of, within, enterprise_id=None):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return [DueItem("plans", name, name, "plan", calls[name], None, "", name, "", as_of, 0, "warning")]
        return items

    ent = create_enterprise(db, 1)
    sources = (due.Source("a", source("a"), frozenset({"enterprise"})), due.Source("b", source("b"), frozenset({"plan"})))

    def ask() -> list[int | None]:
        with db.read() as s:
            return [i.record_id for i in due.collect(sources, s, as_of=date(2026, 12, 4), within=30)]

    assert ask() == [1, 1] and ask() == [1, 1] and calls == {"a": 1, "b": 1}
    with unit_of_work(db, TESTER) as uow:  # the enterprise table: a reads it, b does not
        row = uow.session.get(Enterprise, ent)
        assert row is not None
        row.address = "新址"
    assert ask() == [2, 1] and calls == {"a": 2, "b": 1}
    assert ask() == [2, 1] and calls == {"a": 2, "b": 1}
    with db.read() as s:  # another day is another question
        due.collect(sources, s, as_of=date(2026, 12, 5), within=30)
    assert calls == {"a": 3, "b": 2}


def test_a_day_in_the_past_lists_a_filing_made_only_later(db) -> None:  # type: ignore[no-untyped-def]
    """``due --as-of`` a past day lists what was due on it: a plan filed after that day was still unfiled."""
    ent = create_enterprise(db, 1)
    pid = _publish(db, ent, "YA-9", date(2026, 9, 1))
    with db.read() as s:
        version = s.get(Plan, pid).version
    with unit_of_work(db, TESTER) as uow:
        ps.transition(uow, pid, "file", version, filing_submitted_date=date(2026, 11, 20), filing_number="备-1",
                      filing_registered_date=date(2026, 11, 25))
    with db.read() as s:
        then = [i for i in due_items(s, as_of=date(2026, 10, 15), within=30) if i.record_id == pid]
        now = [i for i in due_items(s, as_of=date(2026, 12, 1), within=30) if i.record_id == pid]
    assert [(i.kind, i.overdue) for i in then] == [("filing", True)]
    assert not [i for i in now if i.kind == "filing"]


def test_each_source_reads_only_the_tables_it_declares(db) -> None:  # type: ignore[no-untyped-def]
    """The kept answers are only as right as the tables each source says it reads: run every source over a
    world with something due in every module and catch each table its SQL names."""
    import re

    from sqlalchemy import event

    from models.modules import SCHEMA, _due_sources
    from tests.desktop.home.world import TODAY, build_home

    build_home(db)
    known = set(SCHEMA.metadata.tables)
    for source in _due_sources():
        seen: set[str] = set()

        def catch(_conn, _cursor, statement, _params, _context, _many, seen=seen) -> None:  # type: ignore[no-untyped-def]
            seen.update(re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', statement))

        event.listen(db.engine, "before_cursor_execute", catch)
        try:
            with db.read() as s:
                items = source.items(s, as_of=TODAY, within=90)
        finally:
            event.remove(db.engine, "before_cursor_execute", catch)
        read = (seen & known) - {"audit_head", "audit_log"}
        assert items and read, source.name
        assert read <= source.tables, (source.name, sorted(read - source.tables))


def test_a_cancelled_read_stops_after_the_module_it_is_in(db) -> None:  # type: ignore[no-untyped-def]
    """The home page's read reports after each module: a cancel (a newer read, the window closing) ends it."""
    import pytest

    from models.core.errors import Cancelled
    from models.core.progress import Progress

    create_enterprise(db, 1)
    told: list[tuple[int, int, str]] = []

    class Stop(Progress):
        def report(self, done: int, total: int, message: str = "") -> None:
            told.append((done, total, message))
            if done == 2:
                self.cancel()
            super().report(done, total, message)

    with db.read() as s, pytest.raises(Cancelled):
        due_items(s, as_of=date(2026, 12, 4), within=30, progress=Stop())
    assert [(d, t) for d, t, _m in told] == [(1, 5), (2, 5)] and told[0][2] == "正在读取到期事项…"
