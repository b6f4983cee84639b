"""The single write path: audit rows, versions, conflicts, permissions, soft delete (both backends)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from models.core.audit import FieldChange, history, verify_chain
from models.core.database import connect
from models.core.entities import AuditLog
from models.core.errors import ConflictError, NotFoundError, PermissionDenied, StateError, ValidationError
from models.core.uow import Actor, Command, unit_of_work
from models.enterprises import queries as enterprise_queries
from models.enterprises import service as enterprises
from models.enterprises.entities import Enterprise, EnterpriseContact
from models.enterprises.queries import EnterpriseFilter
from models.enterprises.service import ContactData
from tests.factories import TESTER, create_enterprise, enterprise_data


def audit_rows(db, entity: str, entity_id: int) -> list[FieldChange]:
    """The record's history, one item per changed field of each trail row."""
    with db.read() as s:
        return history(s, entity, entity_id)


def trail_rows(db, entity: str, entity_id: int) -> list[AuditLog]:
    with db.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                              .order_by(AuditLog.id)))


def audit_count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(AuditLog.id))) or 0


def test_create_stamps_bookkeeping_and_audits_every_field(db) -> None:
    eid = create_enterprise(db, 1)
    with db.read() as s:
        ent = s.get(Enterprise, eid)
        assert ent.version == 1 and ent.created_by == "测试员" == ent.updated_by
        assert ent.created_at == ent.updated_at
    rows = audit_rows(db, "enterprise", eid)
    fields = {r.field for r in rows}
    assert {"name", "uscc", "industry_id", "address", "employees"} <= fields
    assert not fields & {"version", "created_at", "updated_by"}
    name = next(r for r in rows if r.field == "name")
    assert name.action == "insert" and name.before is None
    assert name.after == "临江市测试1号化工有限公司"
    assert name.actor == "测试员"
    (row,) = trail_rows(db, "enterprise", eid)  # one trail row for the whole new record
    assert json.loads(row.changes)["uscc"] == enterprise_data(db, 1).uscc


def test_update_audits_only_changed_fields_and_bumps_version(db) -> None:
    eid = create_enterprise(db, 1)
    with db.read() as s:
        data, version = enterprises.load(s, eid)
    data.address = "临港大道 99 号"
    data.employees = 150
    before = audit_count(db)
    with unit_of_work(db, Actor("李四")) as uow:
        new_version = enterprises.update(uow, eid, data, expected_version=version)
    assert new_version == version + 1
    changed = [r for r in audit_rows(db, "enterprise", eid) if r.action == "update"]
    assert {(r.field, r.before, r.after) for r in changed} == {
        ("address", "滨江路 1 号", "临港大道 99 号"), ("employees", 120, 150)}
    assert all(r.actor == "李四" for r in changed)
    assert audit_count(db) == before + 1  # one row: the entity changed once in this command


def test_saving_unchanged_data_writes_nothing(db) -> None:
    eid = create_enterprise(db, 1)
    with db.read() as s:
        data, version = enterprises.load(s, eid)
    before = audit_count(db)
    with unit_of_work(db, TESTER) as uow:
        assert enterprises.update(uow, eid, data, expected_version=version) == version
    assert audit_count(db) == before


def test_stale_save_from_another_session_is_refused(db) -> None:
    """Two independent connections (as two desks): the second save with an old version loses."""
    eid = create_enterprise(db, 1)
    other = connect(db.url)
    try:
        with db.read() as s:
            mine, my_version = enterprises.load(s, eid)
        with other.read() as s:
            theirs, their_version = enterprises.load(s, eid)
        theirs.principal = "孙立"
        with unit_of_work(other, Actor("另一台电脑")) as uow:
            enterprises.update(uow, eid, theirs, expected_version=their_version)
        mine.principal = "周强"
        with pytest.raises(ConflictError) as err, unit_of_work(db, TESTER) as uow:
            enterprises.update(uow, eid, mine, expected_version=my_version)
        assert (err.value.expected, err.value.actual) == (1, 2)
        assert "第 1 版" in str(err.value) and "第 2 版" in str(err.value)
        with db.read() as s:
            assert s.get(Enterprise, eid).principal == "孙立"
    finally:
        other.dispose()


def test_failed_unit_of_work_rolls_back_everything(db) -> None:
    before = audit_count(db)
    with pytest.raises(RuntimeError), unit_of_work(db, TESTER) as uow:
        enterprises.create(uow, enterprise_data(db, 1))
        enterprises.create(uow, enterprise_data(db, 2))
        raise RuntimeError("断电")
    with db.read() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 0
    assert audit_count(db) == before


def test_permission_hook_refuses_and_writes_nothing(db) -> None:
    class ReadOnly:
        def allows(self, actor: Actor, command: Command) -> bool:
            return False

    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="无权执行“新建企业”"), \
            unit_of_work(db, Actor("访客", frozenset()), ReadOnly()) as uow:
        enterprises.create(uow, enterprise_data(db, 1))
    assert audit_count(db) == before


def test_writes_outside_a_unit_of_work_are_refused(db) -> None:
    eid = create_enterprise(db, 1)
    with db.read() as s:
        s.get(Enterprise, eid).name = "偷偷改名有限公司"
        with pytest.raises(RuntimeError, match="unit_of_work"):
            s.flush()


def test_validation_messages_name_the_field_in_chinese(db) -> None:
    data = enterprise_data(db, 1, name="", uscc="91350100M000100Y44", industry_id=None,
                           principal_phone="abc", on_shift_headcount=500)
    with pytest.raises(ValidationError) as err, unit_of_work(db, TESTER) as uow:
        enterprises.create(uow, data)
    messages = {e.field: str(e) for e in err.value.errors}
    assert messages["name"] == "企业名称：不能为空"
    assert messages["uscc"].startswith("统一社会信用代码：校验位")
    assert messages["industry_id"] == "行业：请选择"
    assert messages["principal_phone"].startswith("主要负责人电话：格式不正确")
    assert "不能多于从业人数" in messages["on_shift_headcount"]


def test_duplicate_uscc_is_refused_even_from_the_recycle_bin(db) -> None:
    first = create_enterprise(db, 1)
    with pytest.raises(ValidationError, match="已被“临江市测试1号化工有限公司”使用"):
        create_enterprise(db, 2, uscc=enterprise_data(db, 1).uscc)
    with unit_of_work(db, TESTER) as uow:
        enterprises.delete(uow, first, expected_version=1)
    with pytest.raises(ValidationError, match="回收站"):
        create_enterprise(db, 2, uscc=enterprise_data(db, 1).uscc)


def test_soft_delete_and_restore(db) -> None:
    eid = create_enterprise(db, 1)
    create_enterprise(db, 2)
    with unit_of_work(db, TESTER) as uow:
        enterprises.delete(uow, eid, expected_version=1)
    with db.read() as s:
        assert [r.id for r in enterprise_queries.page(s, EnterpriseFilter())] != [eid]
        assert enterprise_queries.count(s, EnterpriseFilter()) == 1
        binned = enterprise_queries.page(s, EnterpriseFilter(deleted=True))
        assert [r.id for r in binned] == [eid] and binned[0].deleted_at is not None
        with pytest.raises(NotFoundError), unit_of_work(db, TESTER) as uow:
            enterprises.update(uow, eid, enterprise_data(db, 1), expected_version=2)
    with unit_of_work(db, TESTER) as uow:
        enterprises.restore(uow, eid, expected_version=2)
    with db.read() as s:
        assert enterprise_queries.count(s, EnterpriseFilter()) == 2
        assert s.get(Enterprise, eid).version == 3
    actions = [r.action for r in audit_rows(db, "enterprise", eid) if r.field == "deleted_at"]
    assert actions == ["delete", "restore"]


def test_restore_refuses_a_stale_copy_and_a_live_enterprise(db) -> None:
    eid = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        enterprises.delete(uow, eid, expected_version=1)
    with pytest.raises(ConflictError), unit_of_work(db, TESTER) as uow:
        enterprises.restore(uow, eid, expected_version=1)  # the copy from before the delete
    with unit_of_work(db, TESTER) as uow:
        assert enterprises.restore(uow, eid, expected_version=2) == 3
    with pytest.raises(StateError, match="不在回收站"), unit_of_work(db, TESTER) as uow:
        enterprises.restore(uow, eid, expected_version=3)


def test_contacts_are_kept_in_step_and_bump_the_enterprise_version(db) -> None:
    eid = create_enterprise(db, 1)
    with db.read() as s:
        data, version = enterprises.load(s, eid)
    data.contacts[0].phone = "0539-7000000"
    data.contacts.append(ContactData(name="钱多多", role="值班室", mobile="13900000000"))
    with unit_of_work(db, TESTER) as uow:
        version = enterprises.update(uow, eid, data, expected_version=version)
    assert version == 2
    with db.read() as s:
        data, _ = enterprises.load(s, eid)
        assert [(c.name, c.phone or c.mobile) for c in data.contacts] == [
            ("赵敏", "0539-7000000"), ("钱多多", "13900000000")]
    removed_id = data.contacts[0].id
    data.contacts = data.contacts[1:]
    with unit_of_work(db, TESTER) as uow:
        assert enterprises.update(uow, eid, data, expected_version=version) == 3
    with db.read() as s:
        assert s.get(EnterpriseContact, removed_id).is_deleted
        assert [c.name for c in enterprises.load(s, eid)[0].contacts] == ["钱多多"]


def test_list_filters_and_sorts_in_sql(db) -> None:
    from models.core import reference

    for n in range(1, 8):
        create_enterprise(db, n, name=f"临江市{'甲乙丙丁戊己庚'[n - 1]}字号化工有限公司", employees=n * 10,
                          on_shift_headcount=n)
    with db.read() as s:
        assert enterprise_queries.count(s, EnterpriseFilter(text="丙字号")) == 1
        assert enterprise_queries.count(s, EnterpriseFilter(text="化工 滨江路 丙字号")) == 1  # words are AND-ed
        assert enterprise_queries.count(s, EnterpriseFilter(text="化工 建设")) == 0
        assert enterprise_queries.count(s, EnterpriseFilter(text="100%")) == 0  # LIKE wildcards are literal
        assert enterprise_queries.count(s, EnterpriseFilter(text="ma000002")) == 1  # USCC, any case
        by_emp = enterprise_queries.page(s, EnterpriseFilter(), sort="employees", descending=True, limit=3)
        assert [r.employees for r in by_emp] == [70, 60, 50]
        second = enterprise_queries.page(s, EnterpriseFilter(), sort="employees", offset=3, limit=2)
        assert [r.employees for r in second] == [40, 50]
        regions = reference.regions(s)
        district = next(r for r in regions if r.level == 2 and r.name == "江城区")
        sub = tuple(reference.subtree_ids(regions, district.id))
        in_district = enterprise_queries.page(s, EnterpriseFilter(region_ids=sub), limit=50)
        assert in_district and all(r.region.startswith("江城区/") for r in in_district)
        risk = reference.risk_levels(s)[0]
        assert all(r.risk_level == "重大" for r in
                   enterprise_queries.page(s, EnterpriseFilter(risk_level_id=risk.id)))


def test_audit_chain_verifies_and_catches_tampering(db) -> None:
    eid = create_enterprise(db, 1)
    create_enterprise(db, 2)
    with db.read() as s:
        report = verify_chain(s)
        assert report.ok and report.checked == audit_count(db) == report.head.count
        target = s.scalar(select(AuditLog.id).where(AuditLog.entity_id == eid, AuditLog.entity == "enterprise"))
        changes = s.scalar(select(AuditLog.changes).where(AuditLog.id == target))
    # Someone edits the audit log behind the application's back.
    forged = changes.replace("临江市测试1号化工有限公司", "伪造公司")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET changes = :v WHERE id = :id"), {"v": forged, "id": target})
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.broken_id == target
    assert f"第 {target} 条" in report.message() and "被改动" in report.message()


def test_audit_chain_catches_a_deleted_row(db) -> None:
    for n in range(1, 4):
        create_enterprise(db, n)
    with db.read() as s:
        ids = list(s.scalars(select(AuditLog.id).order_by(AuditLog.id)))
    victim = ids[len(ids) // 2]
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": victim})
    with db.read() as s:
        report = verify_chain(s)
    assert report.broken_id == ids[ids.index(victim) + 1]
    assert "删除" in report.reason


def test_deleting_the_newest_audit_rows_shows_against_the_head(db) -> None:
    """A truncated trail is still a chain, but shorter than its head says."""
    for n in range(1, 4):
        create_enterprise(db, n)
    with db.read() as s:
        head = verify_chain(s).head
        last = s.scalar(select(func.max(AuditLog.id)))
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": last})
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.broken_id is None
    assert f"链头记录共 {head.count} 条" in report.message() and "被删除" in report.message()
    # The next command chains to the head, not to the truncated end: the gap stays visible.
    create_enterprise(db, 4)
    with db.read() as s:
        assert not verify_chain(s).ok


def test_a_writer_waits_a_bounded_time_then_gets_database_busy(db, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another desk holding the single writer makes a save fail after WRITE_WAIT_SECONDS with
    "数据库正忙" (nothing written), never wait for ever; once the writer is free, saves go through."""
    import sqlite3
    import time

    from models.core import database as database_module
    from models.core.errors import BusyError

    monkeypatch.setattr(database_module, "WRITE_WAIT_SECONDS", 0.3)
    waiting = connect(db.url)  # a fresh engine: its connections get the short wait
    if db.is_sqlite:
        holder = sqlite3.connect(db.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another desk's write transaction
    else:
        pg = db.engine.connect()
        pg.execute(text("SELECT pg_advisory_lock(:k)"), {"k": 0x454D4453})
        pg.commit()  # the session-level lock outlives the transaction, like a long save elsewhere
    try:
        start = time.monotonic()
        with pytest.raises(BusyError, match="数据库正忙"):
            create_enterprise(waiting, 1)
        assert time.monotonic() - start < 5
    finally:
        if db.is_sqlite:
            holder.execute("ROLLBACK")
            holder.close()
        else:
            pg.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": 0x454D4453})
            pg.commit()
            pg.close()
    with db.read() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 0
    create_enterprise(waiting, 1)
    waiting.dispose()


def test_audit_verify_proves_the_data_not_only_the_chain(db) -> None:
    """A direct SQL edit of a name, a record deleted or inserted behind the application's back:
    the chain is intact, but the records no longer are what the trail says; each is named."""
    from models.core.audit import verify_data
    from models.modules import entity_classes

    first = create_enterprise(db, 1)
    second = create_enterprise(db, 2)
    with db.read() as s:
        assert verify_data(s, entity_classes()).ok
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE enterprise SET name = '改过的名字有限公司' WHERE id = :id"), {"id": first})
        conn.execute(text("DELETE FROM enterprise_contact WHERE enterprise_id = :id"), {"id": second})
        conn.execute(text("INSERT INTO department (id, code, name, sort_order, created_at, created_by, updated_at,"
                          " updated_by, version) VALUES (9999, 'x', '影子部门', 0, '2026-01-01 00:00:00.000000',"
                          " 'x', '2026-01-01 00:00:00.000000', 'x', 1)"))
    with db.read() as s:
        assert verify_chain(s).ok
        report = verify_data(s, entity_classes())
    text_ = "\n".join(str(d) for d in report.differences)
    assert not report.ok
    assert f"企业（enterprise 编号 {first}）：字段“企业名称”：审计记录为“临江市测试1号化工有限公司”，数据库中为“改过的名字有限公司”" in text_
    assert "联系人（enterprise_contact" in text_ and "数据库中没有（记录被绕过程序删除）" in text_
    assert "监管部门（department 编号 9999）：数据库中有此记录，但审计记录中没有" in text_


def test_no_session_of_the_application_can_write_outside_a_unit_of_work(db) -> None:
    """Neither an ORM change, nor an ORM bulk statement, nor raw SQL through a read session writes:
    the guard is the session class and the read transaction itself, whatever was imported first."""
    from sqlalchemy import insert, update

    from models.core.entities import Department

    eid = create_enterprise(db, 1)
    attempts = [
        lambda s: s.add(Department(code="x", name="影子部门", sort_order=0)) or s.commit(),
        lambda s: s.execute(update(Enterprise).where(Enterprise.id == eid).values(name="偷改有限公司")),
        lambda s: s.execute(insert(Department).values(code="y", name="影子", sort_order=0, created_at=func.now(),
                                                      created_by="x", updated_at=func.now(), updated_by="x",
                                                      version=1)),
        lambda s: s.execute(text("UPDATE enterprise SET name = '偷改有限公司'")),
    ]
    for attempt in attempts:
        with db.read() as s, pytest.raises(Exception) as caught:
            attempt(s)
            s.commit()
        assert isinstance(caught.value, RuntimeError) or "read" in str(caught.value).lower(), caught.value
    write_session = db.write_session()  # without its unit of work
    try:
        write_session.add(Department(code="z", name="影子", sort_order=0))
        with pytest.raises(RuntimeError, match="unit_of_work"):
            write_session.flush()
    finally:
        write_session.close()
    with db.read() as s:
        assert s.get(Enterprise, eid).name == "临江市测试1号化工有限公司"
        assert s.scalar(select(func.count(Department.id)).where(Department.name.like("影子%"))) == 0


def test_the_guard_holds_in_a_process_that_never_imported_the_unit_of_work(sqlite_db) -> None:
    """The bug this replaces: the guard used to be registered by importing models.uow, so a read
    session opened before that import could commit a row with no audit row."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from models.core.database import connect\n"
        "from models.enterprises.entities import Enterprise\n"
        "assert 'models.core.uow' not in sys.modules\n"
        f"db = connect({str(sqlite_db.url.database)!r})\n"
        "with db.read() as s:\n"
        "    s.get(Enterprise, 1).name = '偷偷改名有限公司'\n"
        "    try:\n"
        "        s.commit()\n"
        "    except RuntimeError as exc:\n"
        "        print('refused', exc)\n"
    )
    create_enterprise(sqlite_db, 1)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "refused" in done.stdout and "unit_of_work" in done.stdout
    with sqlite_db.read() as s:
        assert s.get(Enterprise, 1).name == "临江市测试1号化工有限公司"
