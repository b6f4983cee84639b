"""How plan content is written: whole section trees in one flush, bulky derived values audited by
their digest (``__audit_digest__``), the chain still verifying and catching tampering (both backends)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from models.core.audit import Chain, digest, encode, encode_digest, matches, row_hash, verify_chain
from models.core.base import Base, Entity
from models.core.database import Database
from models.core.entities import AuditLog
from models.core.uow import audited_fields, unit_of_work
from models.plans import service as ps
from models.plans.entities import Plan, PlanSection, PlanVersion
from models.plans.service import PlanData, SectionInput
from tests.factories import TESTER, create_enterprise


def tree(text: str = "发生泄漏时立即关闭阀门。") -> list[SectionInput]:
    return [
        SectionInput(key="a", title="总则", position=0),
        SectionInput(key="a.1", title="适用范围", parent_key="a", position=0,
                     blocks=[{"type": "paragraph", "text": text}], search_text=text),
        SectionInput(key="a.1.1", title="细则", parent_key="a.1", position=0),
        SectionInput(key="a.2", title="响应分级", parent_key="a", position=1),
        SectionInput(key="b", title="应急组织机构及职责", position=1),
    ]


def new_plan(db: Database, sections: list[SectionInput]) -> int:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        return ps.create(uow, ent, PlanData(plan_no="YA-01", title="综合应急预案"), sections)


def audit_rows(db: Database, entity: str, entity_id: int, field: str) -> list[AuditLog]:
    with db.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id,
                                                     AuditLog.field == field).order_by(AuditLog.id)))


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


# --- the declaration ------------------------------------------------------------------------------


def test_digest_fields_are_declared_once_on_the_entities() -> None:
    digested = {mapper.class_.__name__: {k for k, d in audited_fields(mapper.class_) if d}
                for mapper in Base.registry.mappers if issubclass(mapper.class_, Entity)}
    assert digested["PlanSection"] == {"search_text"}
    assert digested["PlanVersion"] == {"content", "meta"}
    assert digested["PlanImage"] == {"data"}
    assert digested["Enterprise"] == set()
    fields = dict(audited_fields(PlanSection))
    assert fields["blocks"] is False  # the user's content history stays in full


def test_a_misspelt_digest_field_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from models.core import uow as uow_module

    monkeypatch.setattr(uow_module, "_AUDITED", {})
    monkeypatch.setattr(PlanSection, "__audit_digest__", frozenset({"search_text", "serach_text"}))
    with pytest.raises(TypeError, match="serach_text"):
        audited_fields(PlanSection)


# --- encoding and the chain -----------------------------------------------------------------------


def test_digest_is_size_and_sha256_of_the_canonical_encoding() -> None:
    value = {"b": [1, "应急"], "a": None}
    recorded = encode_digest(value)
    assert recorded is not None
    parsed = json.loads(recorded)
    canonical = encode(value)
    assert canonical is not None
    assert parsed["bytes"] == len(canonical.encode("utf-8")) and len(parsed["sha256"]) == 64
    assert digest({"a": None, "b": [1, "应急"]}) == parsed  # key order does not matter
    assert encode_digest(None) is None
    assert encode(b"\x89PNG") == encode_digest(b"\x89PNG")  # bytes were always recorded this way
    assert matches(value, recorded) and matches(value, encode(value))
    assert not matches({"a": None, "b": [1, "应急预案"]}, recorded)
    assert matches(None, None) and not matches("", None) and not matches(None, recorded)


@pytest.mark.parametrize("entity_id", [7, None, 123456789])
def test_the_chain_helper_hashes_exactly_like_row_hash(entity_id: int | None) -> None:
    at = datetime(2026, 11, 29, 8, 30, 1, 5)
    chain = Chain(at, "测试员")
    for before, after in ((None, '"甲"'), ('{"bytes": 3}', None), ("", "|1:x|"), (None, None)):
        row: dict[str, Any] = {"prev_hash": "ab" * 32, "at": at, "actor": "测试员", "action": "update",
                               "entity": "plan_section", "entity_id": entity_id, "field": "search_text",
                               "before": before, "after": after}
        assert chain.link(row["prev_hash"], "update", "plan_section", entity_id, "search_text",
                          before, after) == row_hash(row)


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


# --- digest auditing ----------------------------------------------------------------------------------


def test_search_text_is_audited_by_digest_and_blocks_in_full(db: Database) -> None:
    pid = new_plan(db, tree("初稿：发生泄漏时立即关闭阀门。"))
    sid = section_id(db, pid, "a.1")
    inserted = audit_rows(db, "plan_section", sid, "search_text")
    assert [r.action for r in inserted] == ["insert"]
    assert inserted[0].after == encode_digest("初稿：发生泄漏时立即关闭阀门。")
    assert "泄漏" not in (inserted[0].after or "")
    blocks = audit_rows(db, "plan_section", sid, "blocks")
    assert json.loads(blocks[0].after or "null") == [{"type": "paragraph", "text": "初稿：发生泄漏时立即关闭阀门。"}]

    edited = tree("修订：发生泄漏时先撤离人员，再关闭阀门。")
    with unit_of_work(db, TESTER) as uow:
        ps.save_sections(uow, pid, edited, plan_version(db, pid))
    rows = audit_rows(db, "plan_section", sid, "search_text")
    assert [r.action for r in rows] == ["insert", "update"]
    change = rows[1]
    assert change.before == encode_digest("初稿：发生泄漏时立即关闭阀门。")
    assert change.after == encode_digest("修订：发生泄漏时先撤离人员，再关闭阀门。")
    assert [json.loads(r.after or "null")[0]["text"] for r in audit_rows(db, "plan_section", sid, "blocks")] == [
        "初稿：发生泄漏时立即关闭阀门。", "修订：发生泄漏时先撤离人员，再关闭阀门。"]
    with db.read() as s:
        row = s.get(PlanSection, sid)
        assert row is not None and matches(row.search_text, change.after)
        assert verify_chain(s).ok


def publish(db: Database, pid: int) -> int:
    with unit_of_work(db, TESTER) as uow:
        version = ps.transition(uow, pid, "submit_review", plan_version(db, pid))
        ps.transition(uow, pid, "publish", version, review_date=date(2026, 3, 1), approver="张三",
                      publish_date=date(2026, 3, 10))
    with db.read() as s:
        vid = s.scalar(select(PlanVersion.id).where(PlanVersion.plan_id == pid))
    assert vid is not None
    return vid


def test_a_published_version_is_audited_by_digests_that_prove_its_row(db: Database) -> None:
    pid = new_plan(db, tree())
    vid = publish(db, pid)
    content = audit_rows(db, "plan_version", vid, "content")
    meta = audit_rows(db, "plan_version", vid, "meta")
    assert len(content) == len(meta) == 1 and set(json.loads(content[0].after or "{}")) == {"bytes", "sha256"}
    number = audit_rows(db, "plan_version", vid, "number")
    assert json.loads(number[0].after or "null") == 1  # small fields stay in full
    with db.read() as s:
        version = s.get(PlanVersion, vid)
        assert version is not None
        # Read back from the database (JSON columns), the frozen values still match their digests.
        assert matches(version.content, content[0].after) and matches(version.meta, meta[0].after)
        assert verify_chain(s).ok


def test_tampering_is_still_detected(db: Database) -> None:
    pid = new_plan(db, tree())
    vid = publish(db, pid)
    recorded = audit_rows(db, "plan_version", vid, "content")[0]
    # Someone edits the frozen content behind the application's back: the digest no longer matches.
    forged = json.dumps([{"key": "a", "title": "伪造的章节"}], ensure_ascii=False)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE plan_version SET content = :c WHERE id = :id"), {"c": forged, "id": vid})
    with db.read() as s:
        version = s.get(PlanVersion, vid)
        assert version is not None and not matches(version.content, recorded.after)
        assert verify_chain(s).ok  # the trail itself is intact and still holds the true digest
    # …and one who also rewrites the audit row to the forged content's digest breaks the chain there.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET after = :a WHERE id = :id"),
                     {"a": encode_digest(json.loads(forged)), "id": recorded.id})
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.broken_id == recorded.id and "被改动" in report.reason


def test_audit_rows_written_in_batches_keep_one_chain(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from models.core import uow as uow_module

    monkeypatch.setattr(uow_module, "AUDIT_BATCH", 7)
    pid = new_plan(db, tree())
    publish(db, pid)
    with db.read() as s:
        report = verify_chain(s)
        count = s.scalar(select(func.count(AuditLog.id)))
        ids = list(s.scalars(select(AuditLog.id).order_by(AuditLog.id)))
    assert report.ok and report.checked == count and count and count > 7
    assert ids == list(range(ids[0], ids[0] + len(ids)))


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
