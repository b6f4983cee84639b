"""Full-text search over plans: 1-, 2-, 3- and 4-character Chinese terms, filters, live index (both backends)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from models.core.uow import unit_of_work
from models.plans import search
from models.plans import service as ps
from models.plans.entities import Plan
from models.plans.search import SearchFilter
from models.plans.service import PlanData, SectionInput
from tests.factories import TESTER, create_enterprise

TEXTS = {
    "s1": ("适用范围", "本预案适用于液氯储罐区发生泄漏、火灾等事故的应急处置。"),
    "s2": ("应急组织机构及职责", "公司成立应急指挥部，总指挥由总经理担任。"),
    "s3": ("信息报告", "事故发生后，现场人员立即拨打值班电话 0539-8123456 报告。Version V2.0"),
}


def make_plan(db, enterprise: int, plan_no: str, kind: str = "comprehensive", texts=TEXTS) -> int:
    sections = [SectionInput(key=k, title=t, position=i, blocks=[{"type": "paragraph", "text": body}])
                for i, (k, (t, body)) in enumerate(texts.items())]
    with unit_of_work(db, TESTER) as uow:
        return ps.create(uow, enterprise, PlanData(kind=kind, plan_no=plan_no, title=f"{plan_no} 预案"),
                              sections)


def keys(db, query: str, **flt) -> list[str]:
    with db.read() as s:
        return [h.section_key for h in search.search(s, query, SearchFilter(**flt))]


def test_terms_of_every_length(db) -> None:
    make_plan(db, create_enterprise(db, 1), "YA-01")
    assert keys(db, "氯") == ["s1"]  # 1 character
    assert keys(db, "泄漏") == ["s1"]  # 2 characters
    assert keys(db, "指挥部") == ["s2"]  # 3
    assert keys(db, "应急处置") == ["s1"]  # 4
    assert keys(db, "应急") == ["s2", "s1"]  # in a section title ranks above in the text only
    assert keys(db, "值班电话 报告") == ["s3"]  # words are AND-ed
    assert keys(db, "8123456") == ["s3"] and keys(db, "v2") == ["s3"]
    assert keys(db, "储罐泄漏") == []  # not contiguous in the text
    assert keys(db, "急处置应") == []
    assert keys(db, "   ") == [] and keys(db, "！？") == []


def test_snippet_marks_the_matches(db) -> None:
    make_plan(db, create_enterprise(db, 1), "YA-01")
    with db.read() as s:
        (hit,) = search.search(s, "泄漏")
    assert "【泄漏】" in hit.snippet_text() and hit.plan_no == "YA-01" and hit.section_title == "适用范围"
    assert hit.enterprise.startswith("临江市")


def test_filters_across_enterprises(db) -> None:
    e1, e2 = create_enterprise(db, 1), create_enterprise(db, 2)
    make_plan(db, e1, "YA-01")
    make_plan(db, e2, "XC-01", kind="onsite")
    assert len(keys(db, "泄漏")) == 2
    assert keys(db, "泄漏", enterprise_id=e2) == ["s1"]
    assert len(keys(db, "泄漏", kind="onsite")) == 1
    assert keys(db, "泄漏", status="published") == []


def test_count_is_the_total_however_many_are_listed(db) -> None:
    e1, e2 = create_enterprise(db, 1), create_enterprise(db, 2)
    make_plan(db, e1, "YA-01")
    make_plan(db, e1, "YA-02")
    make_plan(db, e2, "XC-01", kind="onsite")
    with db.read() as s:
        assert len(search.search(s, "应急", limit=2)) == 2
        assert search.count(s, "应急") == search.SearchCount(sections=6, plans=3)  # s1 and s2 of each
        assert search.count(s, "应急", SearchFilter(enterprise_id=e2)) == search.SearchCount(2, 1)
        assert search.count(s, "值班电话 报告", SearchFilter(kind="onsite")) == search.SearchCount(1, 1)
        assert search.count(s, "储罐泄漏") == search.SearchCount(0, 0)
        assert search.count(s, "  ") == search.SearchCount(0, 0)


def test_index_follows_edits_in_the_same_transaction(db) -> None:
    pid = make_plan(db, create_enterprise(db, 1), "YA-01")
    with db.read() as s:
        version = s.get(Plan, pid).version
    edited = [SectionInput(key="s1", title="适用范围", position=0,
                           blocks=[{"type": "paragraph", "text": "本预案适用于粉尘爆炸事故。"}]),
              SectionInput(key="s4", title="后期处置", position=1,
                           blocks=[{"type": "paragraph", "text": "污染物处理与生产秩序恢复。"}])]
    with unit_of_work(db, TESTER) as uow:
        ps.save_sections(uow, pid, edited, version)
        # Visible inside the unit of work already (same transaction):
        assert [h.section_key for h in search.search(uow.session, "粉尘")] == ["s1"]
    assert keys(db, "泄漏") == [] and keys(db, "粉尘爆炸") == ["s1"]
    assert keys(db, "指挥部") == []  # s2 was removed
    assert keys(db, "秩序") == ["s4"]


def test_deleted_plans_are_not_found(db) -> None:
    pid = make_plan(db, create_enterprise(db, 1), "YA-01")
    with db.read() as s:
        version = s.get(Plan, pid).version
    with unit_of_work(db, TESTER) as uow:
        ps.delete(uow, pid, version)
    assert keys(db, "泄漏") == []


@given(st.text(alphabet="应急预案泄漏火灾报告处置演练", min_size=1, max_size=30), st.data())
def test_every_substring_is_found_by_its_grams(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    needle = text[i:j]
    indexed = set(search.grams(text).split())
    for tokens in search.query_terms(needle):
        assert set(tokens) <= indexed
        # consecutive bigrams of the needle are consecutive bigrams of the text
        assert " ".join(tokens) in search.grams(text) or len(tokens) == 1


def test_count_gives_sections_and_plans(db) -> None:
    e1, e2 = create_enterprise(db, 1), create_enterprise(db, 2)
    make_plan(db, e1, "YA-01")
    make_plan(db, e2, "XC-01", kind="onsite")
    with db.read() as s:
        assert search.count(s, "应急") == search.SearchCount(sections=4, plans=2)
        assert search.count(s, "应急", SearchFilter(enterprise_id=e2)) == search.SearchCount(2, 1)
        assert search.count(s, "储罐泄漏") == search.SearchCount(0, 0)
        assert search.count(s, "  ") == search.SearchCount(0, 0)
