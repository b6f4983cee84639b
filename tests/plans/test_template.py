"""The generic template machinery: placeholders, parsing against a kind's vocabulary, instantiation."""

from __future__ import annotations

import copy

import pytest

from plans.document import Paragraph, Table, block_text
from plans.template import (
    TemplateError,
    fill,
    find_placeholders,
    form_patterns,
    guidance_patterns,
    instantiate,
    parse_template,
    squash,
    validate_template,
)

PLACEHOLDERS = {"单位", "日期"}
LAYOUTS = ("report", "sheet")
REPORT = {
    "kind": "drill_report", "name": "演练总结报告", "version": 2, "source": "测试", "title": "{单位}演练总结报告",
    "sections": [
        {"key": "summary", "title": "演练概况", "required": True,
         "blocks": [{"type": "paragraph", "text": "简述{单位}于{日期}组织的演练。"},
                    {"type": "paragraph", "text": "演练日期：{日期}", "form": True},
                    {"type": "table", "rows": [[{"text": "项目"}, {"text": "结果"}]], "header_rows": 1}]},
        {"key": "findings", "title": "发现的问题", "children": [
            {"key": "findings.people", "title": "人员", "blocks": [{"type": "paragraph", "text": "写明人员方面的问题。"}]}]},
    ],
    "annexes": [{"key": "photos", "title": "现场照片", "guidance": "{单位}的照片"}],
}


def test_fill_and_find() -> None:
    assert find_placeholders("{企业名称}（{地址}）{企业名称}") == ["企业名称", "地址", "企业名称"]
    assert fill("{企业名称}：{未知}", {"企业名称": "甲"}) == "甲：【待填写：未知】"


def test_a_template_is_parsed_against_the_placeholders_and_layouts_it_is_given() -> None:
    template = parse_template(REPORT, placeholders=PLACEHOLDERS, layouts=LAYOUTS)
    assert template.layout == "report"  # the first layout is the default
    assert [s.key for s in template.iter_sections()] == ["summary", "findings", "findings.people"]
    summary = template.section("summary")
    assert summary is not None and summary.required and summary.guidance == (True, False, False)
    assert [a.key for a in template.annexes] == ["photos"]
    assert parse_template({**REPORT, "layout": "sheet"}, placeholders=PLACEHOLDERS, layouts=LAYOUTS).layout == "sheet"


def test_validation_uses_the_given_vocabulary() -> None:
    assert validate_template(REPORT, placeholders=PLACEHOLDERS, layouts=LAYOUTS) == []
    problems = validate_template({**REPORT, "layout": "plan"}, placeholders={"单位"}, layouts=LAYOUTS)
    assert "“layout”只能是 report、sheet" in problems
    assert any("未知的占位符“{日期}”" in p for p in problems)
    bad = copy.deepcopy(REPORT)
    bad["sections"][1]["children"][0]["key"] = "summary"
    with pytest.raises(TemplateError, match=r"^模板 演练\.json 有误：.*章节标识“summary”重复"):
        parse_template(bad, "演练.json", placeholders=PLACEHOLDERS, layouts=LAYOUTS)


def test_instantiate_and_recognise_guidance_and_forms() -> None:
    template = parse_template(REPORT, placeholders=PLACEHOLDERS, layouts=LAYOUTS)
    doc = instantiate(template, {"单位": "某公司"})
    assert doc.title == "某公司演练总结报告"
    assert doc.meta == {"template_key": "drill_report", "template_version": "2", "template_source": "测试",
                        "layout": "report"}
    summary = doc.sections[0]
    assert summary.key == summary.template_key == "summary" and summary.required
    texts = [squash(block_text(b)) for b in summary.blocks]
    ts = template.section("summary")
    assert ts is not None
    assert [any(p.fullmatch(t) for p in guidance_patterns(ts)) for t in texts] == [True, False, False]
    assert [any(p.fullmatch(t) for p in form_patterns(ts)) for t in texts] == [False, True, True]
    assert isinstance(summary.blocks[0], Paragraph) and "【待填写：日期】" in summary.blocks[0].text
    assert isinstance(summary.blocks[2], Table)
