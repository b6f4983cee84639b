"""The completeness check of plan documents: against the shipped template of their kind by default."""

from __future__ import annotations

from datetime import date

from plans import document as d
from plans.completeness import Finding, Severity
from plans.document import BulletList, Document, NumberedList, Paragraph, Section, Table
from plans.plans.preprint import check_plan
from plans.plans.templates import load_template
from plans.template import instantiate

COVER = {"plan_no": "HZHG-YA-2025-01", "publish_date": date(2025, 3, 1), "approver": "张三",
         "effective_date": date(2025, 3, 1)}
FACTS = {"企业名称": "杭州某化工有限公司", "地址": "杭州市某区某路1号", "主要负责人": "张三",
         "主要负责人电话": "13800000000", "值班电话": "0571-88888888", "行业": "危险化学品", "从业人数": "120",
         "安全管理人员": "李四", "安全管理人员电话": "13900000000", "重大危险源": "液氯储罐区（三级）",
         "事故类型": "泄漏", "场所": "充装车间", "岗位": "充装岗"}


def by_target(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.target, []).append(f)
    return out


def write_everything(doc: Document) -> Document:
    """Replace every guidance paragraph/list by the unit's own words, keep forms (tables)."""
    for s in d.iter_sections(doc):
        s.blocks = [b if isinstance(b, Table) else Paragraph(f"{s.title}：本公司的具体做法。") for b in s.blocks]
    return doc


def test_fresh_template_is_incomplete_everywhere() -> None:
    doc = instantiate(load_template("comprehensive"), FACTS)
    findings = check_plan(doc, COVER)
    targets = by_target(findings)
    leaves = [s for s in d.iter_sections(doc) if not s.children]
    for s in leaves:
        assert s.key in targets, s.title
        assert any("仍只有模板提示文字" in f.message and f.severity is Severity.ERROR for f in targets[s.key])
    assert "general" not in targets  # the chapter is covered by its subsections
    assert all(f.target_kind == "section" for f in findings)
    assert any("“3.1.1 信息接报”" in f.message for f in findings)


def test_written_plan_passes() -> None:
    doc = write_everything(instantiate(load_template("comprehensive"), FACTS))
    assert check_plan(doc, COVER) == []


def test_unfilled_placeholders_are_errors_with_names() -> None:
    doc = write_everything(instantiate(load_template("onsite"), {"企业名称": "某公司"}))
    findings = check_plan(doc, COVER)
    alarm = [f for f in findings if f.target == "handling.alarm"]
    assert len(alarm) == 1 and alarm[0].severity is Severity.ERROR
    assert "值班电话" in alarm[0].message and "主要负责人电话" in alarm[0].message
    title = [f for f in findings if f.target == "title"]
    assert title and "场所" in title[0].message and title[0].target_kind == "document"


def test_guidance_kept_beside_own_text_is_a_warning() -> None:
    doc = write_everything(instantiate(load_template("comprehensive"), FACTS))
    template_doc = instantiate(load_template("comprehensive"), FACTS)
    receive = d.find_section(template_doc, "response.report.receive")
    assert receive is not None
    mixed = d.set_blocks(doc, "response.report.receive", [*receive.blocks, Paragraph("值班室接报后 10 分钟内报告。")])
    findings = check_plan(mixed, COVER)
    assert [(f.target, f.severity) for f in findings] == [("response.report.receive", Severity.WARNING)]
    assert "仍保留模板提示文字" in findings[0].message


def test_guidance_recognised_whatever_the_placeholders_hold() -> None:
    doc = instantiate(load_template("card"), {"岗位": "充装岗"})
    steps = d.find_section(doc, "steps")
    assert steps is not None and isinstance(steps.blocks[0], NumberedList)
    findings = by_target(check_plan(doc, COVER))
    assert any("仍只有模板提示文字" in f.message for f in findings["steps"])
    # The post line and the phone table are forms: filled, they are fine.
    filled = write_everything(instantiate(load_template("card"), FACTS))
    filled = d.set_blocks(filled, "post", instantiate(load_template("card"), FACTS).sections[0].blocks)
    assert check_plan(filled, COVER) == []


def test_empty_and_deleted_sections() -> None:
    doc = write_everything(instantiate(load_template("special"), FACTS))
    doc = d.set_blocks(doc, "measures", [])
    doc = d.set_blocks(doc, "assurance", [BulletList([" "])])
    doc = d.remove_section(doc, "organization")
    findings = check_plan(doc, COVER)
    messages = {f.target: f for f in findings}
    assert messages["measures"].severity is Severity.ERROR and "尚未填写内容" in messages["measures"].message
    assert messages["assurance"].severity is Severity.WARNING and "可删除" in messages["assurance"].message
    assert any(f.target_kind == "document" and "应急组织机构及职责" in f.message and "缺少必备章节" in f.message
               for f in findings)


def test_cover_fields() -> None:
    doc = write_everything(instantiate(load_template("special"), FACTS))
    findings = check_plan(doc, {"plan_no": " ", "publish_date": None})
    assert [(f.target, f.target_kind, f.severity) for f in findings] == [
        ("plan_no", "cover", Severity.ERROR), ("publish_date", "cover", Severity.ERROR),
        ("approver", "cover", Severity.ERROR)]
    assert findings[0].message == "封面：尚未填写预案编号。"
    wrong = check_plan(doc, {**COVER, "publish_date": "2025-13-01", "approver": "【待填写：主要负责人】"})
    assert {f.target for f in wrong} == {"publish_date", "approver"}
    late = check_plan(doc, {**COVER, "publish_date": "2025-03-10", "effective_date": date(2025, 3, 1)})
    assert [f.target for f in late] == ["effective_date"] and "早于" in late[0].message


def test_document_without_template() -> None:
    doc = Document("", [Section("x", "导入的章节", [], required=True), Section("y", "其他", [Paragraph("有内容")])])
    findings = check_plan(doc, COVER)
    assert [(f.target, f.severity) for f in findings] == [("title", Severity.ERROR), ("x", Severity.ERROR)]
    assert [f.target for f in check_plan(Document("预案", []), COVER)] == [""]
    assert Severity.ERROR.label == "必须处理"
