"""The generic completeness check, against the template it is given (plan documents:
tests/plans/plans/test_plan_completeness.py)."""

from __future__ import annotations

from datetime import date

from plans import document as d
from plans.completeness import Severity, check
from plans.document import Document, Paragraph, Section
from plans.template import Template, instantiate, parse_template

COVER = {"plan_no": "YL-2025-01", "publish_date": date(2025, 3, 1), "approver": "张三"}
TEMPLATE: Template = parse_template(
    {"kind": "drill_report", "name": "演练总结报告", "version": 1, "source": "测试", "title": "{单位}演练总结报告",
     "sections": [
         {"key": "summary", "title": "演练概况", "required": True,
          "blocks": [{"type": "paragraph", "text": "简述{单位}组织的演练。"},
                     {"type": "paragraph", "text": "演练日期：{日期}", "form": True}]},
         {"key": "lessons", "title": "经验教训", "blocks": [{"type": "paragraph", "text": "写明经验教训。"}]}]},
    placeholders={"单位", "日期"}, layouts=("report",))


def test_guidance_is_recognised_only_with_the_template() -> None:
    doc = instantiate(TEMPLATE, {"单位": "某公司", "日期": "2025年3月1日"})
    findings = check(doc, COVER, TEMPLATE)
    assert [(f.target, f.severity) for f in findings] == [("summary", Severity.ERROR), ("lessons", Severity.WARNING)]
    assert all("仍只有模板提示文字" in f.message for f in findings)
    assert check(doc, COVER, None) == []  # without a template, guidance is text like any other


def test_own_text_beside_forms_passes_and_deleted_required_sections_are_found() -> None:
    doc = instantiate(TEMPLATE, {"单位": "某公司", "日期": "2025年3月1日"})
    form = doc.sections[0].blocks[1]
    doc = d.set_blocks(doc, "summary", [Paragraph("本公司组织了泄漏处置演练。"), form])
    doc = d.set_blocks(doc, "lessons", [Paragraph("通信联络需加强。")])
    assert check(doc, COVER, TEMPLATE) == []
    without = d.remove_section(doc, "summary")
    assert [f.message for f in check(without, COVER, TEMPLATE)] == [
        "缺少必备章节“演练概况”（演练总结报告要求），可能已被删除，请补上。"]
    assert check(without, COVER, None) == []


def test_document_without_template() -> None:
    doc = Document("", [Section("x", "导入的章节", [], required=True), Section("y", "其他", [Paragraph("有内容")])])
    findings = check(doc, COVER, None)
    assert [(f.target, f.severity) for f in findings] == [("title", Severity.ERROR), ("x", Severity.ERROR)]
    assert [f.target for f in check(Document("预案", []), COVER, None)] == [""]
