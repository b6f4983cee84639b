"""Documents stored through the write path: templates filled with facts, edits, versions, Word import."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select

from models.core.uow import unit_of_work
from models.plans import queries as pq
from models.plans import search
from models.plans import service as ps
from models.plans.entities import Plan, PlanImage
from models.plans.service import PlanData
from plans import document as d
from plans.plans import store
from plans.word_import import WordImportError
from tests.factories import TESTER, create_enterprise


def test_a_new_plan_starts_from_its_template_with_the_enterprise_facts(db) -> None:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        pid = store.create_from_template(uow, ent, PlanData(kind="comprehensive", plan_no="YA-01"))
    with db.read() as s:
        doc, _ = store.load_document(s, pid)
        plan = s.get(Plan, pid)
        hits = search.search(s, "测试1号化工")
    titles = [section.title for _, section in d.numbered(doc)]
    assert titles[:3] == ["总则", "适用范围", "响应分级"] and "应急保障" in titles
    assert "临江市测试1号化工有限公司" in d.document_text(doc)
    assert plan.template_key == "comprehensive" and plan.title
    assert hits and all(h.plan_id == pid for h in hits)


def test_edit_round_trip_and_frozen_version(db) -> None:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        pid = store.create_from_template(uow, ent, PlanData(kind="onsite", plan_no="XC-01"))
    with db.read() as s:
        doc, version = store.load_document(s, pid)
    first = d.numbered(doc)[0][1]
    table = d.Table(rows=[[d.Cell("岗位"), d.Cell("电话")], [d.Cell("值班长"), d.Cell("0539-8000001")]])
    doc = d.set_blocks(doc, first.key, [d.Paragraph("液氯钢瓶泄漏的风险描述。"), table])
    doc = d.add_section(doc, "附加说明", after_key=first.key)
    with unit_of_work(db, TESTER) as uow:
        store.save_document(uow, pid, doc, version)
    with db.read() as s:
        again, version = store.load_document(s, pid)
    assert [t.title for _, t in d.numbered(again)] == [
        t.title for _, t in d.numbered(doc)]
    assert d.find_section(again, first.key).blocks == [d.Paragraph("液氯钢瓶泄漏的风险描述。"), table]
    for command, values in (("submit_review", {}), ("publish", {"review_date": date(2026, 3, 1),
                                                                 "approver": "王建国",
                                                                 "publish_date": date(2026, 3, 2)})):
        with unit_of_work(db, TESTER) as uow:
            version = ps.transition(uow, pid, command, version, **values)
    with db.read() as s:
        (info,) = pq.versions(s, pid)
        frozen = store.version_document(s, info.id)
    assert d.document_text(frozen) == d.document_text(again)


def _docx_with_image() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    word = WordDocument()
    word.add_heading("第一章 总则", level=1)
    word.add_paragraph("本预案适用于本公司液氨泄漏事故。")
    word.add_picture(io.BytesIO(png))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def test_word_import_creates_a_draft_with_its_images(db) -> None:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        pid, result = store.import_word(uow, ent, _docx_with_image(), PlanData(kind="special", plan_no="ZX-01"))
    with db.read() as s:
        doc, _ = store.load_document(s, pid)
        images = s.scalar(select(func.count(PlanImage.id)).where(PlanImage.plan_id == pid))
        (digest,) = result.images
        assert store.image_data(s, pid, digest) is not None
    assert "液氨泄漏" in d.document_text(doc) and images == 1


def test_a_bad_word_file_writes_nothing(db) -> None:
    ent = create_enterprise(db, 1)
    with pytest.raises(WordImportError), unit_of_work(db, TESTER) as uow:
        store.import_word(uow, ent, b"not a docx at all", PlanData(kind="special", plan_no="ZX-01"))
    with db.read() as s:
        assert s.scalar(select(func.count(Plan.id))) == 0
