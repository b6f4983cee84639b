"""GB 30077 workplace minimums and a plan's needs, each counted against usable stock only."""

from __future__ import annotations

from datetime import timedelta

from models.supplies import shortfalls as sf
from tests.factories import create_enterprise
from tests.models.plans.test_plan_service import new_plan
from tests.models.supplies.stock import (
    AS_OF,
    hazchem_enterprise,
    industry_id,
    item,
    need,
    staff_need,
    stock,
    warehouse,
)


def test_the_minimums_are_reference_data_with_their_source_and_scale_per_person_on_shift() -> None:
    rules = sf.load_minimums()
    assert "GB 30077" in rules.source
    by_key = {r.key: r for r in rules.items}
    assert [r.name for r in rules.items][:3] == ["正压式空气呼吸器", "化学防护服", "过滤式防毒面具"]
    assert sf.required_quantity(by_key["scba"], 40) == 2
    assert sf.required_quantity(by_key["gas_mask"], 40) == 40
    assert sf.required_quantity(by_key["flashlight"], 0) == 1  # someone is always on shift
    assert sf.basis(by_key["gas_mask"], 12) == "1个/人 × 当班 12 人"
    assert sf.basis(by_key["radio"], 12) == "2台"
    assert by_key["scba"].matches("正压式空气呼吸器") and not by_key["scba"].matches("空气呼吸器备用气瓶")


def test_the_minimums_apply_to_hazardous_chemical_units_and_to_users_above_the_threshold() -> None:
    rules = sf.load_minimums()
    assert sf.applies(rules, "hazchem", ())
    assert sf.applies(rules, "hazchem.storage", ())
    assert not sf.applies(rules, "hazchem.transport", ())  # a carrier has no workplace store
    assert not sf.applies(rules, "manufacturing", ())
    assert not sf.applies(rules, "hazchemical", ())  # a code that only starts alike
    assert sf.applies(rules, "manufacturing", ("hazchem_use_above_threshold",))


def test_the_shortfall_per_enterprise_counts_usable_stock_in_its_own_warehouses_only(db) -> None:  # type: ignore[no-untyped-def]
    ent = hazchem_enterprise(db, 1, headcount=10)
    other = hazchem_enterprise(db, 2, headcount=3)
    plain = create_enterprise(db, 3, industry_id=industry_id(db, "manufacturing"))
    mine = warehouse(db, "一号应急物资库", ent)
    theirs = warehouse(db, "邻厂物资库", other)
    reserve = warehouse(db, "江城区应急物资储备库")
    scba = item(db, "A1", "正压式空气呼吸器")
    mask = item(db, "A2", "过滤式防毒面具", "个", category="2010102")
    torch = item(db, "A3", "防爆手电筒", "个", category="2030102")
    stock(db, mine, scba, 1, batch_no="S1")
    stock(db, mine, scba, 5, batch_no="S2", condition="repair")  # 待修: not usable
    stock(db, theirs, scba, 9, batch_no="S3")  # another enterprise's
    stock(db, reserve, scba, 50, batch_no="S4")  # the government's reserve
    stock(db, mine, mask, 6, batch_no="M1", expires_on=AS_OF)  # usable on its expiry day itself
    stock(db, mine, mask, 8, batch_no="M2", expires_on=AS_OF - timedelta(days=1))  # expired
    stock(db, mine, torch, 12, batch_no="T1")

    with db.read() as s:
        result = sf.enterprise_minimums(s, AS_OF, [ent, plain])
        everyone = sf.enterprise_minimums(s, AS_OF, [ent, plain], only_applicable=False)
    assert [r.enterprise_id for r in result] == [ent]  # the manufacturer has no minimums
    assert {r.enterprise_id: r.applies for r in everyone} == {ent: True, plain: False}
    lines = {line.key: line for line in result[0].lines}
    assert (lines["scba"].required, lines["scba"].usable, lines["scba"].book, lines["scba"].shortfall) == (2, 1, 6, 1)
    assert (lines["gas_mask"].required, lines["gas_mask"].usable, lines["gas_mask"].shortfall) == (10, 6, 4)
    assert lines["gas_mask"].book == 14
    assert lines["flashlight"].shortfall == 0 and lines["flashlight"].items == ("防爆手电筒",)
    assert lines["radio"].usable == 0 and lines["radio"].shortfall == 2  # nothing held at all
    assert {line.key for line in result[0].short} == {"scba", "gas_mask", "chemical_suit", "gas_detector", "radio",
                                                      "first_aid"}

    with db.read() as s:
        later = sf.enterprise_minimums(s, AS_OF + timedelta(days=1), [ent])[0]
    assert {line.key: line.usable for line in later.lines}["gas_mask"] == 0  # as_of decides, never the clock


def test_a_plan_shortfall_counts_usable_stock_of_its_enterprise(db) -> None:  # type: ignore[no-untyped-def]
    ent = hazchem_enterprise(db, 1)
    other = hazchem_enterprise(db, 2)
    plan = new_plan(db, ent)
    empty_plan = new_plan(db, ent, plan_no="YA-2026-02")
    mine = warehouse(db, "一号应急物资库", ent)
    scba = item(db, "A1", "正压式空气呼吸器")
    suit = item(db, "A2", "重型化学防护服", category="2010201")
    stock(db, mine, scba, 3, batch_no="S1")
    stock(db, mine, scba, 4, batch_no="S2", expires_on=AS_OF - timedelta(days=10))
    stock(db, warehouse(db, "邻厂物资库", other), suit, 10, batch_no="C1")
    need(db, plan, scba, 4)
    need(db, plan, suit, 2)

    with db.read() as s:
        needs = sf.plan_needs(s, plan, AS_OF)
        nothing = sf.plan_needs(s, empty_plan, AS_OF)
    assert [(line.name, line.needed, line.usable, line.book, line.shortfall) for line in needs.lines] == [
        ("正压式空气呼吸器", 4, 3, 7, 1), ("重型化学防护服", 2, 0, 0, 2)]
    assert [line.name for line in needs.short] == ["正压式空气呼吸器", "重型化学防护服"]
    assert nothing.lines == () and nothing.enterprise_id == ent


def test_a_plans_minimum_staff_on_duty_counts_against_the_on_shift_headcount(db) -> None:  # type: ignore[no-untyped-def]
    ent = hazchem_enterprise(db, 1, headcount=4)
    unfilled = hazchem_enterprise(db, 2, headcount=0)
    short = new_plan(db, ent)
    enough = new_plan(db, ent, plan_no="YA-2026-02")
    only_staff = new_plan(db, unfilled, plan_no="YA-2026-03")
    scba = item(db, "A1", "正压式空气呼吸器")
    stock(db, warehouse(db, "一号应急物资库", ent), scba, 3, batch_no="S1")
    need(db, short, scba, 2)
    staff_need(db, short, 6)
    staff_need(db, enough, 4)  # exactly the headcount: met
    staff_need(db, only_staff, 2)

    with db.read() as s:
        needs = sf.plan_needs(s, short, AS_OF)
        met = sf.plan_needs(s, enough, AS_OF)
        lines = sf.enterprise_plan_needs(s, ent, AS_OF)
        nobody = sf.enterprise_plan_needs(s, unfilled, AS_OF)
    assert needs.staff is not None and needs.staff.is_staff
    assert (needs.staff.needed, needs.staff.usable, needs.staff.shortfall) == (6, 4, 2)
    assert needs.staff.summary == "应急值守人员：需 6 人，当班 4 人，缺 2 人"
    assert [line.name for line in needs.lines] == ["正压式空气呼吸器"]  # the items stay items
    assert [line.name for line in needs.short] == ["应急值守人员"]  # 3 usable of 2 needed: met
    assert met.staff is not None and met.staff.shortfall == 0 and met.short == ()
    assert met.staff.summary == "应急值守人员：需 4 人，当班 4 人，满足"
    assert [(n.plan_no, n.line.name, n.line.shortfall) for n in lines] == [
        ("YA-2026-01", "应急值守人员", 2), ("YA-2026-01", "正压式空气呼吸器", 0), ("YA-2026-02", "应急值守人员", 0)]
    assert [(n.line.summary, n.line.notes) for n in nobody] == [("应急值守人员：需 2 人，当班 0 人，缺 2 人",
                                                                  "企业名录未填当班人数")]

    with db.read() as s:
        every = sf.shortfall_lines(s, AS_OF, include_met=True)
        only_short = sf.shortfall_lines(s, AS_OF, [ent])
    staff = [(line.enterprise_id, line.basis.split()[0], line.summary) for line in every if line.kind == "plan_staff"]
    assert staff == [(ent, "YA-2026-01", "应急值守人员：需 6 人，当班 4 人，缺 2 人"),
                     (ent, "YA-2026-02", "应急值守人员：需 4 人，当班 4 人，满足"),
                     (unfilled, "YA-2026-03", "应急值守人员：需 2 人，当班 0 人，缺 2 人")]
    assert {line.kind for line in every} == {"gb30077", "plan_item", "plan_staff"}
    assert all(line.shortfall for line in only_short) and {line.enterprise_id for line in only_short} == {ent}
    assert [line.as_json()["summary"] for line in only_short if line.kind == "plan_staff"] == [
        "应急值守人员：需 6 人，当班 4 人，缺 2 人"]


def test_a_retired_or_deleted_plans_staff_need_is_not_counted_for_the_enterprise(db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from models.plans.entities import Plan

    ent = hazchem_enterprise(db, 1, headcount=1)
    retired = new_plan(db, ent)
    staff_need(db, retired, 5)
    with db.engine.begin() as conn:  # a plan retired outside this test's concern
        conn.execute(update(Plan).where(Plan.id == retired).values(status="retired"))
    with db.read() as s:
        assert sf.enterprise_plan_needs(s, ent, AS_OF) == []
        assert sf.plan_needs(s, retired, AS_OF).staff is not None  # the plan itself still says what it declared
