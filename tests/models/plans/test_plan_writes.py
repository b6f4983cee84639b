"""How plan content is written: whole section trees in one flush, bulky derived values audited by
their digest (``__audit_digest__``), the chain still verifying and catching tampering (both backends)."""

from __future__ import annotations

import json
import zlib
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from models.core.audit import (
    Chain,
    DataReport,
    FieldChange,
    digest,
    encode,
    history,
    matches,
    recorded,
    row_hash,
    verify_chain,
    verify_data,
)
from models.core.database import Database
from models.core.entities import AuditLog
from models.core.uow import audited_fields, unit_of_work
from models.modules import entity_classes
from models.plans import search
from models.plans import service as ps
from models.plans.entities import Plan, PlanSection, PlanVersion
from models.plans.service import PlanData, SectionInput
from tests.factories import TESTER, create_enterprise


def tree(text: str = "发生泄漏时立即关闭阀门。") -> list[SectionInput]:
    return [
        SectionInput(key="a", title="总则", position=0),
        SectionInput(key="a.1", title="适用范围", parent_key="a", position=0,
                     blocks=[{"type": "paragraph", "text": text}]),
        SectionInput(key="a.1.1", title="细则", parent_key="a.1", position=0),
        SectionInput(key="a.2", title="响应分级", parent_key="a", position=1),
        SectionInput(key="b", title="应急组织机构及职责", position=1),
    ]


def new_plan(db: Database, sections: list[SectionInput]) -> int:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        return ps.create(uow, ent, PlanData(plan_no="YA-01", title="综合应急预案"), sections)


def audit_rows(db: Database, entity: str, entity_id: int, field: str) -> list[FieldChange]:
    with db.read() as s:
        return [c for c in history(s, entity, entity_id) if c.field == field]


def section_id(db: Database, plan_id: int, key: str) -> int:
    with db.read() as s:
        sid = s.scalar(select(PlanSection.id).where(PlanSection.plan_id == plan_id, PlanSection.key == key))
    assert sid is not None
    return sid


def plan_version(db: Database, plan_id: int) -> int:
    with db.read() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        return plan.version


def data_report(db: Database) -> DataReport:
    with db.read() as s:
        return verify_data(s, entity_classes())


# --- the declaration ------------------------------------------------------------------------------


def test_digest_fields_are_declared_once_on_the_entities() -> None:
    digested = {cls.__name__: {k for k, d in audited_fields(cls) if d} for cls in entity_classes()}
    assert digested["PlanSection"] == {"blocks"}
    assert digested["PlanVersion"] == {"content", "meta"}
    assert digested["PlanImage"] == {"data"}
    assert digested["Attachment"] == {"data"}
    assert digested["Enterprise"] == set()
    assert "search_text" not in dict(audited_fields(PlanSection))  # the text is derived, not stored


def test_a_misspelt_digest_field_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from models.core import audit as audit_module

    monkeypatch.setattr(audit_module, "_AUDITED", {})
    monkeypatch.setattr(PlanSection, "__audit_digest__", frozenset({"blocks", "blokcs"}))
    with pytest.raises(TypeError, match="blokcs"):
        audited_fields(PlanSection)


# --- encoding and the chain -----------------------------------------------------------------------


def test_digest_is_size_and_sha256_of_the_canonical_encoding() -> None:
    value = {"b": [1, "应急"], "a": None}
    kept = recorded(value, True)
    canonical = encode(value)
    assert canonical is not None
    assert kept["bytes"] == len(canonical.encode("utf-8")) and len(kept["sha256"]) == 64
    assert digest({"a": None, "b": [1, "应急"]}) == kept  # key order does not matter
    assert recorded(None, True) is None
    assert recorded(b"\x89PNG", False) == digest(b"\x89PNG")  # bytes are always kept by digest
    assert matches(value, kept, True) and matches(value, value, False)
    assert not matches({"a": None, "b": [1, "应急预案"]}, kept, True)
    assert matches(None, None, False) and not matches("", None, False) and not matches(None, kept, True)
    assert recorded(date(2026, 3, 10), False) == "2026-03-10"


@pytest.mark.parametrize("entity_id", [7, 123456789])
def test_the_chain_helper_hashes_exactly_like_row_hash(entity_id: int) -> None:
    at = datetime(2026, 11, 29, 8, 30, 1, 5)
    chain = Chain(at, "测试员")
    for changes in ('{"title":["甲","乙"]}', "{}", '{"x":"|1:x|"}'):
        row: dict[str, Any] = {"at": at, "actor": "测试员", "action": "update", "entity": "plan_section",
                               "entity_id": entity_id, "changes": changes}
        assert chain.link("ab" * 32, "update", "plan_section", entity_id, changes) == row_hash("ab" * 32, row)


# --- section trees ----------------------------------------------------------------------------------


def test_a_section_tree_is_written_in_one_flush_in_document_order(db: Database) -> None:
    ent = create_enterprise(db, 1)
    flushes: list[int] = []

    def count(session: Session, _ctx: object) -> None:
        flushes.append(len(session.new))

    with unit_of_work(db, TESTER) as uow:
        event.listen(uow.session, "after_flush", count)
        pid = ps.create(uow, ent, PlanData(plan_no="YA-01", title="综合应急预案"), tree())
        event.remove(uow.session, "after_flush", count)
    assert flushes == [1, 5]  # the plan, then its five sections together
    with db.read() as s:
        rows = ps.section_rows(s, pid)
        by_key = {r.key: r for r in rows}
        trail = s.scalar(select(func.count(AuditLog.id)).where(AuditLog.entity == "plan_section"))
    assert trail == 5  # one trail row per new section
    assert [r.key for r in rows] == ["a", "a.1", "a.1.1", "a.2", "b"]
    assert [r.id for r in rows] == sorted(r.id for r in rows)  # ids follow the document (search order)
    assert by_key["a.1.1"].parent_id == by_key["a.1"].id and by_key["a.2"].parent_id == by_key["a"].id


def test_an_existing_section_moves_under_a_new_one(db: Database) -> None:
    pid = new_plan(db, tree())
    moved = [SectionInput(key="c", title="新章", position=0),
             SectionInput(key="b", title="应急组织机构及职责", parent_key="c", position=0),
             SectionInput(key="a", title="总则", position=1)]
    with unit_of_work(db, TESTER) as uow:
        ps.save_sections(uow, pid, moved, plan_version(db, pid))
    with db.read() as s:
        rows = {r.key: r for r in ps.section_rows(s, pid)}
        assert set(rows) == {"a", "b", "c"}
        assert rows["b"].parent_id == rows["c"].id
        deleted = s.scalar(select(func.count(PlanSection.id)).where(PlanSection.plan_id == pid,
                                                                    PlanSection.deleted_at.isnot(None)))
        assert deleted == 3 and verify_chain(s).ok
    assert data_report(db).ok


# --- digest auditing ----------------------------------------------------------------------------------


def test_content_is_kept_once_and_audited_by_digest(db: Database) -> None:
    first = [{"type": "paragraph", "text": "初稿：发生泄漏时立即关闭阀门。"}]
    pid = new_plan(db, tree(first[0]["text"]))
    sid = section_id(db, pid, "a.1")
    (inserted,) = audit_rows(db, "plan_section", sid, "blocks")
    assert inserted.action == "insert" and inserted.after == digest(first)
    assert "泄漏" not in json.dumps(inserted.after, ensure_ascii=False)

    edited = tree("修订：发生泄漏时先撤离人员，再关闭阀门。")
    with unit_of_work(db, TESTER) as uow:
        ps.save_sections(uow, pid, edited, plan_version(db, pid))
    rows = audit_rows(db, "plan_section", sid, "blocks")
    assert [r.action for r in rows] == ["insert", "update"]
    assert rows[1].before == digest(first) and rows[1].after == digest(edited[1].blocks)
    with db.read() as s:
        row = s.get(PlanSection, sid)
        assert row is not None and matches(row.blocks, rows[1].after, True)
        assert verify_chain(s).ok
    assert data_report(db).ok


def publish(db: Database, pid: int) -> int:
    with unit_of_work(db, TESTER) as uow:
        version = ps.transition(uow, pid, "submit_review", plan_version(db, pid))
        ps.transition(uow, pid, "publish", version, review_date=date(2026, 3, 1), approver="张三",
                      publish_date=date(2026, 3, 10))
    with db.read() as s:
        vid = s.scalar(select(PlanVersion.id).where(PlanVersion.plan_id == pid))
    assert vid is not None
    return vid


def test_a_published_version_is_stored_compressed_and_audited_by_digests(db: Database) -> None:
    pid = new_plan(db, tree())
    vid = publish(db, pid)
    (content,) = audit_rows(db, "plan_version", vid, "content")
    (meta,) = audit_rows(db, "plan_version", vid, "meta")
    assert set(content.after) == set(meta.after) == {"bytes", "sha256"}
    (number,) = audit_rows(db, "plan_version", vid, "number")
    assert number.after == 1  # small fields stay in full
    with db.read() as s:
        version = s.get(PlanVersion, vid)
        assert version is not None
        assert matches(version.content, content.after, True) and matches(version.meta, meta.after, True)
        stored = s.execute(text("SELECT content FROM plan_version WHERE id = :id"), {"id": vid}).scalar_one()
        assert zlib.decompress(stored)  # compressed bytes in the column
        assert verify_chain(s).ok
    assert data_report(db).ok


def test_tampering_with_a_version_is_detected(db: Database) -> None:
    pid = new_plan(db, tree())
    vid = publish(db, pid)
    with db.read() as s:
        audit_id = s.scalar(select(AuditLog.id).where(AuditLog.entity == "plan_version", AuditLog.entity_id == vid))
    # Someone rewrites the frozen content behind the application's back: the data no longer matches.
    forged = [{"key": "a", "title": "伪造的章节"}]
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE plan_version SET content = :c WHERE id = :id"),
                     {"c": zlib.compress(json.dumps(forged, ensure_ascii=False).encode()), "id": vid})
    report = data_report(db)
    assert not report.ok and [(d.entity, d.entity_id) for d in report.differences] == [("plan_version", vid)]
    assert "字段“内容”" in str(report.differences[0])
    with db.read() as s:
        assert verify_chain(s).ok  # the trail itself is intact and still holds the true digest
        changes = json.loads(s.scalar(select(AuditLog.changes).where(AuditLog.id == audit_id)))
    # …and one who also rewrites the audit row to the forged content's digest breaks the chain there.
    changes["content"] = digest(forged)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET changes = :c WHERE id = :id"),
                     {"c": json.dumps(changes, ensure_ascii=False), "id": audit_id})
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.broken_id == audit_id and "被改动" in report.reason


def test_trail_rows_written_mid_command_keep_one_chain(db: Database) -> None:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        pid = ps.create(uow, ent, PlanData(plan_no="YA-01", title="综合应急预案"), tree())
        uow.write_trail()  # a long command keeps its memory bounded
        ps.save_sections(uow, pid, tree("第二稿。"), uow.session.get(Plan, pid).version)
    with db.read() as s:
        report = verify_chain(s)
        ids = list(s.scalars(select(AuditLog.id).order_by(AuditLog.id)))
    assert report.ok and report.checked == len(ids) == report.head.count
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    assert data_report(db).ok


def test_nothing_is_left_unwritten_when_a_unit_of_work_fails(db: Database) -> None:
    ent = create_enterprise(db, 1)
    with db.read() as s:
        before = s.scalar(select(func.count(AuditLog.id)))
    with pytest.raises(RuntimeError, match="boom"), unit_of_work(db, TESTER) as uow:
        ps.create(uow, ent, PlanData(plan_no="YA-01", title="综合应急预案"), tree())
        raise RuntimeError("boom")
    with db.read() as s:
        assert s.scalar(select(func.count(Plan.id))) == 0
        assert s.scalar(select(func.count(AuditLog.id))) == before
        assert verify_chain(s).ok


def test_the_upgrade_converts_an_old_trail_and_it_still_proves_the_data(db: Database) -> None:
    """Migration 0008 turns the per-field trail into one row per entity per command, re-chained,
    and keeps what it proves; a tampered old trail stops the upgrade (the file was backed up)."""
    from alembic import command

    from models.core.schema import migrate
    from models.modules import SCHEMA, ensure_derived

    pid = new_plan(db, tree())
    publish(db, pid)
    with unit_of_work(db, TESTER) as uow:
        ps.delete(uow, pid, uow.session.get(Plan, pid).version)
    with unit_of_work(db, TESTER) as uow:
        ps.restore(uow, pid, uow.session.get(Plan, pid).version)
    with db.read() as s:
        before = [(c.action, c.field, c.before, c.after) for c in history(s, "plan", pid)]
    migrate(db, SCHEMA, command.downgrade, "0007")
    with db.engine.connect() as conn:
        old_rows = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
        assert conn.execute(text("SELECT count(DISTINCT field) FROM audit_log")).scalar() > 5  # per field
    migrate(db, SCHEMA, command.upgrade, "head")
    ensure_derived(db)
    with db.read() as s:
        report = verify_chain(s)
        assert report.ok and 0 < report.checked < old_rows
        assert [(c.action, c.field, c.before, c.after) for c in history(s, "plan", pid)] == before
        hits = search.search(s, "泄漏")
        assert [h.section_key for h in hits] == ["a.1"]  # the index was rebuilt
    assert data_report(db).ok

    migrate(db, SCHEMA, command.downgrade, "0007")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = '别人' WHERE id = (SELECT max(id) FROM audit_log)"))
    with pytest.raises(RuntimeError, match=r"审计链在第 \d+ 条记录处断开"):
        migrate(db, SCHEMA, command.upgrade, "head")
