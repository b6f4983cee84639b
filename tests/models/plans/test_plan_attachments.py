"""Review minutes and other files kept with a plan (both backends)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from models.core import attachments as pa
from models.core.audit import history, verify_chain
from models.core.entities import Attachment
from models.core.errors import ConflictError, StateError, ValidationError
from models.core.uow import unit_of_work
from models.plans import queries as pq
from models.plans import service as ps
from tests.factories import TESTER, create_enterprise
from tests.models.plans.test_plan_service import new_plan, run, version_of

PDF = b"%PDF-1.4\n% review minutes\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60


def add(db, plan_id: int, filename: str = "评审纪要.pdf", data: bytes = PDF, kind: str = "review_minutes") -> int:
    with unit_of_work(db, TESTER) as uow:
        return ps.add_attachment(uow, plan_id, kind, filename, data)


def test_review_minutes_are_kept_with_the_plan_and_recorded_in_the_published_version(db) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    before = version_of(db, pid)
    aid = add(db, pid, "C:\\会议\\2026年评审纪要.pdf")
    add(db, pid, "专家意见.docx", DOCX)
    assert version_of(db, pid) == before + 2  # a change of the plan: stale forms elsewhere are refused
    with db.read() as s:
        infos = pa.listing(s, "plan", pid)
        assert [(a.kind_label, a.filename, a.mime) for a in infos] == [
            ("评审纪要", "2026年评审纪要.pdf", "application/pdf"),
            ("评审纪要", "专家意见.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
        assert infos[0].sha256 == hashlib.sha256(PDF).hexdigest() and infos[0].size == len(PDF)
        assert pa.file_data(s, aid) == ("2026年评审纪要.pdf", PDF)
    run(db, pid, "submit_review")
    run(db, pid, "publish", review_date=date(2026, 3, 2), approver="王建国", publish_date=date(2026, 3, 10))
    with db.read() as s:
        (info,) = pq.versions(s, pid)
        _, meta = ps.version_content(s, info.id)
        audit = [c.after for a in pa.listing(s, "plan", pid) for c in history(s, "attachment", a.id)
                 if c.field == "data"]
        assert verify_chain(s).broken_id is None
    assert meta["attachments"].splitlines() == [
        f"评审纪要：2026年评审纪要.pdf（{len(PDF)} 字节，SHA-256 {hashlib.sha256(PDF).hexdigest()}）",
        f"评审纪要：专家意见.docx（{len(DOCX)} 字节，SHA-256 {hashlib.sha256(DOCX).hexdigest()}）"]
    assert audit == [{"bytes": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()},
                     {"bytes": len(DOCX), "sha256": hashlib.sha256(DOCX).hexdigest()}]  # the digest, not the bytes


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("纪要.exe", PDF, "不支持这种文件"),
    ("纪要.pdf", DOCX, "文件内容不是PDF 文档"),
    ("纪要.docx", b"plain text", "文件内容不是Word 文档"),
    ("纪要.pdf", b"", "文件是空的"),
    ("  ", PDF, "文件名为空"),
])
def test_bad_files_are_refused_with_a_reason_and_nothing_is_written(db, filename: str, data: bytes,
                                                                  message: str) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    before = version_of(db, pid)
    with pytest.raises(ValidationError, match=message):
        add(db, pid, filename, data)
    with db.read() as s:
        assert s.scalar(select(Attachment.id)) is None
    assert version_of(db, pid) == before


def test_size_limit_and_unknown_kind(db, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    rules = pa.attachment_rules()
    monkeypatch.setattr(pa, "attachment_rules", lambda: pa.AttachmentRules(
        max_bytes=len(PDF) - 1, kinds=rules.kinds, types=rules.types, source=rules.source))
    with pytest.raises(ValidationError, match="超过上限"):
        add(db, pid)
    with pytest.raises(ValidationError, match="未知的附件类型"):
        add(db, pid, kind="secret")


def test_remove_is_version_checked_and_retired_plans_keep_their_files(db) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    aid = add(db, pid)
    with db.read() as s:
        (info,) = pa.listing(s, "plan", pid)
    with pytest.raises(ConflictError), unit_of_work(db, TESTER) as uow:
        ps.remove_attachment(uow, aid, info.version + 1)
    with unit_of_work(db, TESTER) as uow:
        ps.remove_attachment(uow, aid, info.version)
    with db.read() as s:
        assert pa.listing(s, "plan", pid) == []
        assert s.get(Attachment, aid).data == PDF  # soft delete: the bytes stay for the trail
    aid = add(db, pid)
    run(db, pid, "retire")
    with pytest.raises(StateError, match="已废止"):
        add(db, pid)
    with db.read() as s:
        (info,) = pa.listing(s, "plan", pid)
    with pytest.raises(StateError, match="已废止"), unit_of_work(db, TESTER) as uow:
        ps.remove_attachment(uow, aid, info.version)


def test_size_text() -> None:
    assert [pa.size_text(n) for n in (10, 2048, 5 * 1024 * 1024)] == ["10 字节", "2.0 KB", "5.0 MB"]


def test_the_move_to_owner_keyed_attachments_keeps_every_file(db) -> None:
    """Migration 0006: plan_attachment rows become attachment rows with the same ids (and back)."""
    from alembic import command

    from models.core.schema import migrate
    from models.modules import SCHEMA

    pid = new_plan(db, create_enterprise(db, 1))
    aid = add(db, pid, "评审纪要.pdf")
    migrate(db, SCHEMA, command.downgrade, "0005")
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, plan_id, filename, data FROM plan_attachment").all()
    assert [(r.id, r.plan_id, r.filename, bytes(r.data)) for r in rows] == [(aid, pid, "评审纪要.pdf", PDF)]
    migrate(db, SCHEMA, command.upgrade, "head")
    with db.read() as s:
        (info,) = pa.listing(s, "plan", pid)
        assert (info.id, info.filename) == (aid, "评审纪要.pdf")
        assert pa.file_data(s, aid) == ("评审纪要.pdf", PDF)
    assert add(db, pid, "专家意见.docx", DOCX) > aid  # new ids continue after the copied ones
