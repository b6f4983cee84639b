"""Drill frequency obligations at their boundaries (models.drills.rules), per industry and plan kind."""

from __future__ import annotations

from datetime import date

import pytest

from models.drills.rules import HeldDrill, load_drill_rules, obligations_for, parse_rules, period_of

PLANS = {"comprehensive": date(2025, 3, 10), "onsite": date(2025, 3, 10)}


def by_key(statuses):  # type: ignore[no-untyped-def]
    return {s.key: s for s in statuses}


def test_every_obligation_has_its_source() -> None:
    rules = load_drill_rules()
    assert {o.key for o in rules.obligations} == {"plan_yearly", "onsite_half_year", "key_industry_half_year"}
    assert all("第三十三条" in o.source for o in rules.obligations)


def test_periods_are_calendar_years_and_half_years() -> None:
    assert period_of(date(2026, 6, 30), 6).end == date(2026, 6, 30)
    assert period_of(date(2026, 7, 1), 6).start == date(2026, 7, 1)
    assert period_of(date(2026, 7, 1), 6).label() == "2026年下半年"
    assert period_of(date(2026, 2, 28), 12).label() == "2026年"
    assert period_of(date(2027, 5, 1), 24).start == date(2026, 1, 1)


def test_an_ordinary_enterprise_drills_yearly_and_its_onsite_plans_half_yearly() -> None:
    drills = [HeldDrill(1, date(2026, 3, 1), frozenset({"comprehensive"})),
              HeldDrill(2, date(2026, 5, 20), frozenset({"onsite"}))]
    s = by_key(obligations_for([], PLANS, drills, date(2026, 6, 30)))
    assert set(s) == {"plan_yearly", "onsite_half_year"}  # not a key industry
    assert s["plan_yearly"].due == date(2027, 12, 31) and s["plan_yearly"].last_drill == date(2026, 3, 1)
    assert s["onsite_half_year"].due == date(2026, 12, 31) and s["onsite_half_year"].days_left == 184
    # on the first day of the next half-year the onsite obligation is still met until its end …
    assert by_key(obligations_for([], PLANS, drills, date(2026, 7, 1)))["onsite_half_year"].days_left == 183
    # … and overdue the day after it ends without a drill
    late = by_key(obligations_for([], PLANS, drills, date(2027, 1, 1)))["onsite_half_year"]
    assert late.overdue and late.days_left == -1 and late.period == "2026年下半年"


def test_key_industries_drill_every_half_year_and_one_drill_meets_several_obligations() -> None:
    combined = [HeldDrill(7, date(2026, 8, 3), frozenset({"comprehensive", "onsite"}))]
    s = by_key(obligations_for(["hazardous_goods"], PLANS, combined, date(2026, 12, 3)))
    assert set(s) == {"plan_yearly", "onsite_half_year", "key_industry_half_year"}
    assert all(o.last_drill_id == 7 for o in s.values())
    assert s["key_industry_half_year"].due == date(2027, 6, 30)
    for flag in ("mining", "metal_smelting", "urban_rail", "construction", "crowded_place", "scenic_spot"):
        assert "key_industry_half_year" in by_key(obligations_for([flag], PLANS, [], date(2026, 12, 3)))


def test_without_any_drill_the_period_of_the_first_plan_counts_and_drills_after_as_of_do_not() -> None:
    future = [HeldDrill(3, date(2026, 12, 20), frozenset({"comprehensive"}))]
    s = by_key(obligations_for([], PLANS, future, date(2026, 12, 3)))
    assert s["plan_yearly"].last_drill is None and s["plan_yearly"].due == date(2025, 12, 31)
    assert s["plan_yearly"].days_left == -337
    none = by_key(obligations_for([], {}, [], date(2026, 12, 3)))
    assert not none["plan_yearly"].applicable and none["plan_yearly"].note == "尚无此类已发布的预案"


def test_a_drill_of_the_wrong_kind_does_not_count() -> None:
    s = by_key(obligations_for([], PLANS, [HeldDrill(1, date(2026, 9, 1), frozenset({"special"}))], date(2026, 12, 3)))
    assert s["plan_yearly"].last_drill == date(2026, 9, 1)
    assert s["onsite_half_year"].last_drill is None and s["onsite_half_year"].overdue


def test_a_region_may_tighten_a_rule_but_not_loosen_it() -> None:
    data = {"source": "s", "obligations": [
        {"key": "plan_yearly", "label": "x", "plan_kinds": ["comprehensive"], "period_months": 12, "source": "s"}],
        "regional": [{"region": "3701", "obligation": "plan_yearly", "period_months": 6, "source": "地方"},
                     {"region": "3702", "obligation": "plan_yearly", "period_months": 24, "source": "地方"}]}
    rules = parse_rules(data)
    drills = [HeldDrill(1, date(2026, 3, 1), frozenset({"comprehensive"}))]
    assert obligations_for([], PLANS, drills, date(2026, 4, 1), region_code="370102", rules=rules)[0].due == \
        date(2026, 12, 31)
    assert obligations_for([], PLANS, drills, date(2026, 4, 1), region_code="370202", rules=rules)[0].due == \
        date(2027, 12, 31)
    with pytest.raises(ValueError, match="整分"):
        parse_rules({**data, "obligations": [{**data["obligations"][0], "period_months": 5}]})


def test_the_annual_plan_meets_every_obligation_with_as_few_drills_as_the_periods_need() -> None:
    from models.drills.rules import annual_plan

    plan = annual_plan(["hazardous_goods"], ["comprehensive", "special", "onsite"], 2027)
    assert [d.month for d in plan] == [date(2027, 4, 1), date(2027, 10, 1)]  # one drill per half-year
    first, second = plan
    assert set(first.obligations) == {"综合或专项应急预案演练", "现场处置方案演练", "重点行业应急预案演练（报送监管部门）"}
    assert set(first.kind_groups) == {frozenset({"comprehensive", "special"}), frozenset({"onsite"})}
    assert set(second.obligations) == {"现场处置方案演练", "重点行业应急预案演练（报送监管部门）"}
    assert second.kind_groups == (frozenset({"onsite"}),) and second.period == "2027年下半年"
    ordinary = annual_plan([], ["comprehensive"], 2027)  # no on-site plan, not a key industry
    assert [(d.month, d.kind_groups) for d in ordinary] == [(date(2027, 5, 1), (frozenset({"comprehensive"}),))]
    key_only = annual_plan(["mining"], ["special"], 2027)
    assert [d.month.month for d in key_only] == [5, 10] and key_only[1].kind_groups == (frozenset({"special"}),)
    assert annual_plan([], [], 2027) == []
