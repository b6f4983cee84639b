from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from plans.document import BulletList, Document, NumberedList, Paragraph, Table, document_text, numbered
from plans.plans import templates as t
from plans.template import TemplateError, find_placeholders, instantiate

FACTS = {"企业名称": "杭州某化工有限公司", "地址": "杭州市某区某路1号", "主要负责人": "张三",
         "主要负责人电话": "13800000000", "值班电话": "0571-88888888", "行业": "危险化学品", "从业人数": "120",
         "安全管理人员": "李四", "安全管理人员电话": "13900000000", "重大危险源": "液氯储罐区（三级）"}

SKELETONS = {
    "comprehensive": [
        ("1", "总则"), ("1.1", "适用范围"), ("1.2", "响应分级"), ("2", "应急组织机构及职责"), ("3", "应急响应"),
        ("3.1", "信息报告"), ("3.1.1", "信息接报"), ("3.1.2", "信息处置与研判"), ("3.2", "预警"), ("3.2.1", "预警启动"),
        ("3.2.2", "响应准备"), ("3.2.3", "预警解除"), ("3.3", "响应启动"), ("3.4", "应急处置"), ("3.5", "应急支援"),
        ("3.6", "响应终止"), ("4", "后期处置"), ("5", "应急保障"), ("5.1", "通信与信息保障"), ("5.2", "应急队伍保障"),
        ("5.3", "物资装备保障"), ("5.4", "其他保障")],
    "special": [("1", "适用范围"), ("2", "应急组织机构及职责"), ("3", "响应启动"), ("4", "处置措施"), ("5", "应急保障")],
    "onsite": [("1", "事故风险描述"), ("2", "应急工作职责"), ("3", "应急处置"), ("3.1", "应急处置程序"),
               ("3.2", "现场应急处置措施"), ("3.3", "报警"), ("4", "注意事项")],
    "card": [("1", "岗位"), ("2", "风险"), ("3", "处置步骤"), ("4", "注意事项"), ("5", "应急联系电话")],
}
ANNEXES = ["生产经营单位概况", "风险评估结果", "预案体系与衔接", "应急物资装备名录或清单", "有关应急部门、机构或人员的联系方式",
           "格式化文本", "关键的路线、标识和图纸", "有关协议或备忘录"]


def raw(kind: str) -> dict:
    return json.loads(resources.files("plans.plans.templates").joinpath(f"{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", t.KINDS)
def test_shipped_templates_follow_gbt_29639(kind: str) -> None:
    template = t.load_template(kind)
    assert template.kind == kind and template.version >= 1
    assert template.source == "GB/T 29639-2020《生产经营单位生产安全事故应急预案编制导则》"
    doc = instantiate(template, FACTS)
    assert [(n, s.title) for n, s in numbered(doc)] == SKELETONS[kind]
    for _, section in numbered(doc):
        assert section.key == section.template_key and len(section.key) <= 40
        if not section.children:
            assert section.blocks, f"{section.title} has no guidance"
    assert "【待填写" not in document_text(doc) or kind in ("special", "onsite", "card")


def test_required_flags() -> None:
    special = t.load_template("special")
    assert [s.required for s in special.sections] == [True, True, True, True, False]
    for kind in ("comprehensive", "onsite", "card"):
        assert all(s.required for s in t.load_template(kind).iter_sections())


def test_annexes_are_listed_with_keys() -> None:
    comprehensive = t.load_template("comprehensive")
    assert [a.title for a in comprehensive.annexes] == ANNEXES
    assert len({a.key for a in comprehensive.annexes}) == len(ANNEXES)
    generated = {a.key: a.generated_from for a in comprehensive.annexes if a.generated_from}
    assert generated == {"supplies": "supplies", "contacts": "contacts"}
    for kind in ("special", "onsite"):
        assert set(a.title for a in t.load_template(kind).annexes) <= set(ANNEXES)
    assert t.load_template("card").annexes == ()


def test_card_is_one_page_with_phone_table() -> None:
    card = instantiate(t.load_template("card"), FACTS | {"岗位": "液氯充装岗", "场所": "充装车间"})
    assert card.title == "液氯充装岗应急处置卡" and card.meta["layout"] == "card"
    steps, cautions, phones = card.sections[2], card.sections[3], card.sections[4]
    assert isinstance(steps.blocks[0], NumberedList) and isinstance(cautions.blocks[0], BulletList)
    table = phones.blocks[0]
    assert isinstance(table, Table) and [c.text for c in table.rows[0]] == ["单位或岗位", "联系人", "电话"]
    assert ["主要负责人", "张三", "13800000000"] in [[c.text for c in row] for row in table.rows]


def test_instantiate_fills_and_marks_unknown_placeholders() -> None:
    doc = instantiate(t.load_template("comprehensive"), {"企业名称": "某公司", "地址": " "})
    scope = doc.sections[0].children[0]
    assert isinstance(scope.blocks[0], Paragraph)
    assert scope.blocks[0].text.startswith("本预案适用于某公司（【待填写：地址】）")
    assert "{" not in document_text(doc)
    assert doc.meta["template_key"] == "comprehensive" and doc.meta["template_version"] == "1"
    assert isinstance(Document.from_json(doc.to_json()), Document)


def test_placeholders_in_templates_are_known_and_used() -> None:
    known = t.placeholders()
    for name in ("企业名称", "地址", "主要负责人", "主要负责人电话", "安全管理人员", "值班电话", "行业", "从业人数",
                 "重大危险源"):
        assert name in known and known[name].description
    used = set()
    for kind in t.KINDS:
        used |= set(find_placeholders(json.dumps(raw(kind), ensure_ascii=False)))
    assert used <= set(known)
    assert {"企业名称", "地址", "主要负责人", "值班电话", "行业", "从业人数", "重大危险源"} <= used


# ------------------------------------------------------------------------------------ validation


def test_validation_reports_every_problem_in_chinese() -> None:
    data = raw("comprehensive")
    bad = copy.deepcopy(data)
    bad["sections"][1]["key"] = "general"  # duplicate of chapter 1
    del bad["sections"][2]["title"]
    bad["sections"][3]["blocks"][0]["text"] = "由{总经理}负责"
    bad["sections"][3]["blocks"].append({"type": "video"})
    bad["sections"][4]["required"] = "yes"
    bad["version"] = "1"
    del bad["source"]
    bad["annexes"].append(dict(bad["annexes"][0]))
    problems = t.validate_plan_template(bad)
    text = "；".join(problems)
    assert "章节标识“general”重复" in text
    assert "缺少“title”" in text
    assert "未知的占位符“{总经理}”" in text
    assert "未知的内容类型" in text
    assert "“required”应为 true 或 false" in text
    assert "“version”应为正整数" in text
    assert "缺少“source”" in text
    assert "附件标识“unit_profile”重复" in text
    with pytest.raises(TemplateError, match=r"^模板 坏模板\.json 有误："):
        t.parse_plan_template(bad, "坏模板.json")


def test_validation_of_shapes() -> None:
    assert t.validate_plan_template([]) == ["内容应为 JSON 对象"]
    assert "缺少“sections”" in t.validate_plan_template({"kind": "x", "name": "x", "version": 1, "source": "x"})
    long_key = raw("card")
    long_key["sections"][0]["key"] = "k" * 41
    assert any("超过 40 个字符" in p for p in t.validate_plan_template(long_key))
    image = raw("card")
    image["sections"][0]["blocks"] = [{"type": "image", "sha256": "0" * 64, "mime": "image/png"}]
    assert any("不能含图片" in p for p in t.validate_plan_template(image))


def test_unknown_kind() -> None:
    with pytest.raises(TemplateError, match="没有“plan9”类型"):
        t.load_template("plan9")
