"""The printed plan: source version, front matter, numbering schemes, annexes, watermark."""

from __future__ import annotations

from datetime import date

import pytest

from models.core.errors import NotFoundError
from models.core.uow import unit_of_work
from models.enterprises.entities import EnterpriseContact
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.service import PlanData
from plans.document import Paragraph, Table
from plans.plans import annexes, store
from plans.plans import print_model as pm
from plans.plans.annexes import AnnexBuilder, AnnexContent
from tests.factories import TESTER, create_enterprise

AS_OF = date(2026, 11, 29)


def make_plan(db, **record: object) -> int:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        uow.add(EnterpriseContact(enterprise_id=ent, name="李值班", role="值班室", phone="0571-8888001",
                                  mobile="13900000001"))
    data = PlanData(kind="comprehensive", plan_no="YA-2026-01", compiled_by="张编制", compiling_unit="安全环保部",
                    reviewers="王专家 市安科院\n赵专家", **record)
    with unit_of_work(db, TESTER) as uow:
        return store.create_from_template(uow, ent, data)


def version_of(db, plan_id: int) -> int:
    with db.read() as s:
        return ps.load(s, plan_id)[1]


def publish(db, plan_id: int, day: date = date(2026, 3, 10)) -> None:
    for command, values in (("submit_review", {}), ("publish", {"review_date": date(2026, 3, 2),
                                                                 "approver": "王建国", "publish_date": day,
                                                                 "approval_date": date(2026, 3, 8),
                                                                 "effective_date": date(2026, 3, 15)})):
        with unit_of_work(db, TESTER) as uow:
            ps.transition(uow, plan_id, command, version_of(db, plan_id), **values)


def build(db, plan_id: int, **kw: object) -> pm.PrintDocument:
    with db.read() as s:
        return pm.build_print_document(s, plan_id, as_of=AS_OF, **kw)


def test_a_draft_prints_with_watermark_front_matter_and_live_annexes(db) -> None:
    pid = make_plan(db)
    doc = build(db, pid)
    assert doc.watermark == "草稿" and doc.version_number is None
    assert doc.title.endswith("生产安全事故综合应急预案")
    assert [(f.label, f.value) for f in doc.cover][:3] == [("预案编号", "YA-2026-01"), ("版 本 号", "V1.0"),
                                                          ("编制单位", "安全环保部")]
    assert doc.header_text == "YA-2026-01　V1.0　受控"
    assert "《" + doc.title + "》（YA-2026-01，V1.0）" in doc.decree[0]
    assert [(s.role, s.name) for s in doc.signoffs] == [("编制", "张编制"), ("审核", "王专家 市安科院"), ("批准", "")]
    assert doc.sections[0].heading() == "1 总则" and doc.sections[1].heading() == "1.1 适用范围"
    assert doc.sections[1].heading("gbt9704") == "（一）适用范围"
    annex = {a.key: a for a in doc.annexes}
    assert [a.heading for a in doc.annexes][:2] == ["附件1　生产经营单位概况", "附件2　风险评估结果"]
    assert not annex["unit_profile"].separate and isinstance(annex["unit_profile"].blocks[0], Table)
    contacts = annex["contacts"].blocks[0]
    assert isinstance(contacts, Table) and any(c.text == "李值班" for row in contacts.rows for c in row)
    assert annex["supplies"].separate and annex["supplies"].blocks == []  # no supplies module yet
    assert doc.headings()[-1].startswith("附件8")
    assert doc.metadata.author == "安全环保部" and "应急预案" in doc.metadata.keywords


def test_a_published_plan_prints_its_frozen_version_without_watermark(db) -> None:
    pid = make_plan(db)
    publish(db, pid)
    doc = build(db, pid)
    assert doc.watermark is None and doc.version_number == 1
    assert doc.decree_date == "2026年3月10日" and doc.signer == "王建国"
    assert "自2026年3月15日起施行" in doc.decree[1]
    assert [(r.version, r.date, r.reason) for r in doc.revisions] == [("V1.0", "2026年3月10日", "首次发布")]
    assert dict((s.role, s.date) for s in doc.signoffs)["批准"] == "2026年3月8日"
    # a revision started: the published version still prints clean, the draft with its watermark
    with unit_of_work(db, TESTER) as uow:
        ps.start_revision(uow, pid, version_of(db, pid), trigger="risks_changed", reason="新增储罐",
                          trigger_date=date(2026, 6, 1), version_label="V2.0")
    assert build(db, pid).watermark == "草稿" and build(db, pid).version_label == "V2.0"
    publish(db, pid, date(2026, 7, 1))
    with db.read() as s:
        first = pq.versions(s, pid)[0].id
    old = build(db, pid, version_id=first)
    assert old.watermark == "作废" and [r.version for r in old.revisions] == ["V1.0"]
    new = build(db, pid)
    assert [(r.version, r.reason, r.text) for r in new.revisions][1] == ("V2.0", "面临的风险发生重大变化",
                                                                        "新增储罐")
    with unit_of_work(db, TESTER) as uow:
        ps.transition(uow, pid, "retire", version_of(db, pid))
    assert build(db, pid).watermark == "作废"
    with pytest.raises(NotFoundError):
        build(db, pid, version_id=99999)


def test_chinese_numbers_and_gbt9704_numbering() -> None:
    assert [pm.chinese_number(n) for n in (1, 9, 10, 11, 20, 23, 99)] == ["一", "九", "十", "十一", "二十",
                                                                          "二十三", "九十九"]
    assert [pm.format_number(p, "gbt9704") for p in ((3,), (3, 2), (3, 2, 1), (3, 2, 1, 4), ())] == [
        "三、", "（二）", "1.", "（4）", ""]
    assert pm.heading_text((3, 2, 1), "信息接报", "decimal") == "3.2.1 信息接报"
    assert pm.heading_text((2,), "应急组织机构及职责", "gbt9704") == "二、应急组织机构及职责"


def test_the_annex_builders_given_extend_the_export(db) -> None:
    pid = make_plan(db)

    def supplies(session, plan, as_of):
        return AnnexContent([Paragraph(f"截至{as_of}的物资清单")], warnings=["灭火器 3 具已过期"])

    assert {a.key: a for a in build(db, pid).annexes}["supplies"].separate  # no builder: bound separately
    doc = build(db, pid, annex_builders=(*annexes.BUILDERS, AnnexBuilder("supplies", supplies)))
    annex = {a.key: a for a in doc.annexes}["supplies"]
    assert not annex.separate and annex.blocks == [Paragraph("截至2026-11-29的物资清单")]
    assert doc.warnings() == ["灭火器 3 具已过期"]
    bare = build(db, pid, annex_builders=())
    assert all(a.separate for a in bare.annexes) and [a.key for a in bare.annexes] == [a.key for a in doc.annexes]


def test_the_exporters_pass_the_builders_they_are_given(db) -> None:
    from exports.plans.export import load_print_document

    pid = make_plan(db)
    marker = AnnexBuilder("supplies", lambda s, p, d: AnnexContent([Paragraph("物资清单（测试）")]))
    doc = load_print_document(db, pid, as_of=date(2026, 11, 29), annex_builders=(*annexes.BUILDERS, marker))
    assert {a.key: a for a in doc.annexes}["supplies"].blocks == [Paragraph("物资清单（测试）")]


def test_file_stem_is_safe_for_windows() -> None:
    doc = pm.PrintDocument.__new__(pm.PrintDocument)
    object.__setattr__(doc, "plan_no", 'YA/2026:01*"')
    object.__setattr__(doc, "version_label", "V1.0")
    assert doc.file_stem == "YA_2026_01___V1.0"


def test_preprint_check_lists_what_is_missing_and_passes_a_complete_plan(db) -> None:
    from plans.plans.preprint import preprint_check

    pid = make_plan(db)
    report = preprint_check(build(db, pid))
    messages = [f.message for f in report.findings]
    assert "封面：尚未填写发布日期。" in messages and any("尚未批准" in m for m in messages)
    assert any("适用范围" in m for m in messages)  # template guidance still unwritten
    assert report.errors and "仍可导出，文档将带“草稿”水印。" in report.summary()
    expired = AnnexBuilder("supplies", lambda s, p, d: AnnexContent([], warnings=["应急物资：灭火器 3 具已过期"]))
    doc = build(db, pid, annex_builders=(*annexes.BUILDERS, expired))
    assert "应急物资：灭火器 3 具已过期" in [f.message for f in preprint_check(doc).findings]


def test_a_word_imported_plan_prints_with_the_annexes_built_from_live_data(db, tmp_path) -> None:
    import io

    from docx import Document as WordDocument

    from exports.plans.export import render_plan
    from exports.styles import load_style

    ent = create_enterprise(db, 1)
    word = WordDocument()
    word.add_heading("一、总则", level=1)
    word.add_paragraph("本预案适用于本公司液氨泄漏事故的应急处置。")
    word.add_heading("二、应急处置", level=1)
    word.add_paragraph("发现泄漏立即报告值班室。")
    buffer = io.BytesIO()
    word.save(buffer)
    with unit_of_work(db, TESTER) as uow:
        pid, _ = store.import_word(uow, ent, buffer.getvalue(), PlanData(kind="special", plan_no="WD-01"))
    doc = build(db, pid)
    assert doc.template is None and doc.watermark == "草稿"
    assert [a.key for a in doc.annexes] == ["unit_profile", "contacts"]
    assert [a.heading for a in doc.annexes] == ["附件1　生产经营单位概况", "附件2　有关应急部门、机构或人员的联系方式"]
    rendered = render_plan(doc, "pdf", style=load_style("default"))
    assert rendered.result.pages and rendered.result.headings[-1].startswith("附件2")
