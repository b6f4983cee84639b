"""Plan management rules: filing and check deadlines, evaluation, review type, statuses, triggers."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.core import reference
from models.core.workdays import HolidayCalendar, load_shipped_calendar
from models.plans import rules as plan_rules
from models.plans.rules import (
    PlanRules,
    Status,
    authority_check_due,
    deadline_status,
    evaluation_due,
    filing_due,
    load_plan_rules,
    revision_trigger_label,
    revision_triggers,
    suggest_review_type,
)

RULES = load_plan_rules()


def d(text: str) -> date:
    return date.fromisoformat(text)


def flags_of(code: str) -> list[str]:
    """An industry's rule flags as shipped in ``industries.json``."""
    return next(i["flags"] for i in reference.load_file("industries")["items"] if i["code"] == code)


# --- the data --------------------------------------------------------------------------------------


def test_rules_file_names_its_sources() -> None:
    raw = json.loads(resources.files("models.plans.refdata").joinpath("plan_rules.json")
                     .read_text(encoding="utf-8"))
    assert raw["source"]
    for part in ("filing", "authority_check", "evaluation", "review"):
        assert "生产安全事故应急预案管理办法" in raw[part]["source"]
    assert all(t["source"] for t in raw["revision_triggers"])
    assert RULES.filing_working_days == 20 and RULES.authority_check_working_days == 5
    assert RULES.evaluation_every_years == 3 and RULES.warning_days == 5
    assert "第二十六条" in RULES.filing_source and "20个工作日内" in RULES.filing_source


def test_rule_flags_are_known_industry_flags_or_unit_attributes() -> None:
    known = set(reference.load_file("industries")["flag_labels"]) | {"hazchem_use_above_threshold",
                                                                     "medium_or_larger"}
    for flags in (RULES.evaluation_flags, RULES.review_formal_flags, RULES.filing_required_flags):
        assert flags <= known


def test_bad_rules_are_refused() -> None:
    raw = json.loads(resources.files("models.plans.refdata").joinpath("plan_rules.json")
                     .read_text(encoding="utf-8"))
    raw["evaluation"]["every_years"] = 0
    raw["revision_triggers"].append(dict(raw["revision_triggers"][0]))
    with pytest.raises(ValueError) as err:
        PlanRules.from_dict(raw)
    assert "评估周期至少为 1 年" in str(err.value) and "修订情形代码重复" in str(err.value)


# --- filing and the authority's check ----------------------------------------------------------------


def test_filing_due_across_national_day_2024() -> None:
    due = filing_due(d("2024-09-27"))
    assert due.date == d("2024-10-30")
    assert due.warnings == ()
    assert due.basis == "《生产安全事故应急预案管理办法》第二十六条"


def test_filing_due_across_spring_festival_2025_and_2026() -> None:
    assert filing_due(d("2025-01-20")).date == d("2025-02-21")
    assert filing_due(d("2026-02-06")).date == d("2026-03-12")


def test_filing_due_into_2027_warns() -> None:
    due = filing_due(d("2026-12-15"))
    assert due.date == d("2027-01-12")
    assert any("2027 年节假日安排未录入" in w for w in due.warnings)


def test_authority_check_across_holidays() -> None:
    # Submitted Fri 2025-01-24: Sun 01-26 调休 (1), 01-27 (2), 春节 01-28..02-04, 02-05..07 (3–5).
    assert authority_check_due(d("2025-01-24")).date == d("2025-02-07")
    # Submitted Fri 2025-04-25: Sun 04-27 调休 (1), 04-28..30 (2–4), 劳动节 05-01..05, Tue 05-06 (5).
    assert authority_check_due(d("2025-04-25")).date == d("2025-05-06")
    # Submitted Mon 2024-09-30: 国庆 10-01..07, 10-08..11 (1–4), Sat 10-12 调休 (5).
    due = authority_check_due(d("2024-09-30"))
    assert due.date == d("2024-10-12") and due.basis.endswith("第二十八条")


def test_a_province_can_tighten_and_pass_its_own_calendar() -> None:
    tighter = dataclasses.replace(RULES, filing_working_days=10)
    assert filing_due(d("2024-09-27"), rules=tighter).date == d("2024-10-16")
    assert filing_due(d("2024-09-27"), HolidayCalendar(), tighter).date == d("2024-10-11")
    assert filing_due(d("2024-09-27"), load_shipped_calendar()).date == d("2024-10-30")


# --- evaluation and review -------------------------------------------------------------------------


def test_evaluation_every_three_years_for_hazardous_goods() -> None:
    assert evaluation_due(d("2024-05-10"), flags_of("hazchem.storage")) == d("2027-05-10")
    assert evaluation_due(d("2024-02-29"), flags_of("hazchem.production")) == d("2027-02-28")
    for code in ("mining.coal", "tailings", "construction", "metallurgy", "fireworks", "hazchem.transport"):
        assert evaluation_due(d("2025-03-01"), flags_of(code)) == d("2028-03-01"), code


def test_no_evaluation_rule_for_a_general_manufacturer() -> None:
    assert evaluation_due(d("2024-05-10"), flags_of("manufacturing")) is None
    assert evaluation_due(d("2024-05-10"), []) is None
    # A medium-or-larger unit of any industry, when the caller knows its size.
    assert evaluation_due(d("2024-05-10"), [*flags_of("manufacturing"), "medium_or_larger"]) == d("2027-05-10")


def test_crowded_places_and_urban_rail_file_but_are_not_on_the_evaluation_list() -> None:
    # 第二十六条 lists them for filing; 第三十五条 (evaluation) and 第二十一条 (评审) do not.
    for code in ("crowded.hotel", "transport.urban_rail", "tourism"):
        assert plan_rules.filing_required(flags_of(code))
        assert evaluation_due(d("2024-05-10"), flags_of(code)) is None
        assert suggest_review_type(flags_of(code)) == "论证"
    assert not plan_rules.filing_required(flags_of("manufacturing"))


def test_review_type_suggestion() -> None:
    for code in ("mining", "hazchem.trade", "construction", "metallurgy", "fireworks"):
        assert suggest_review_type(flags_of(code)) == "评审", code
    for code in ("manufacturing", "trade", "other", "transport.road"):
        assert suggest_review_type(flags_of(code)) == "论证", code
    assert suggest_review_type({"medium_or_larger"}) == "评审"
    nothing_formal = dataclasses.replace(RULES, review_formal_flags=frozenset())
    assert suggest_review_type(flags_of("mining"), nothing_formal) == "论证"


# --- statuses --------------------------------------------------------------------------------------


def test_deadline_status_over_time() -> None:
    due = filing_due(d("2024-09-27")).date  # 2024-10-30
    assert deadline_status(due, None, d("2024-10-01")) is Status.NOT_DUE
    assert deadline_status(due, None, d("2024-10-24")) is Status.NOT_DUE
    assert deadline_status(due, None, d("2024-10-25")) is Status.DUE_SOON  # 5 days before
    assert deadline_status(due, None, d("2024-10-30")) is Status.DUE_SOON  # the last day
    assert deadline_status(due, None, d("2024-10-31")) is Status.OVERDUE
    assert deadline_status(due, d("2024-10-29"), d("2024-11-05")) is Status.DONE_ON_TIME
    assert deadline_status(due, d("2024-10-30"), d("2024-10-30")) is Status.DONE_ON_TIME
    assert deadline_status(due, d("2024-11-02"), d("2024-11-05")) is Status.DONE_LATE
    # Seen from before it was done, a later filing does not count yet.
    assert deadline_status(due, d("2024-11-02"), d("2024-10-31")) is Status.OVERDUE
    assert deadline_status(due, d("2024-11-02"), d("2024-10-20")) is Status.NOT_DUE


def test_status_labels_are_chinese() -> None:
    assert [s.label for s in Status] == ["未到期", "即将到期", "已逾期", "按期完成", "逾期完成"]
    assert Status.OVERDUE.needs_attention and Status.DONE_LATE.is_done and not Status.NOT_DUE.is_done
    assert Status("due_soon") is Status.DUE_SOON


def test_warning_window_comes_from_the_rules() -> None:
    wider = dataclasses.replace(RULES, warning_days=15)
    assert deadline_status(d("2024-10-30"), None, d("2024-10-15"), wider) is Status.DUE_SOON
    assert deadline_status(d("2024-10-30"), None, d("2024-10-15")) is Status.NOT_DUE


@settings(max_examples=200, deadline=None)
@given(due=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
       offset=st.integers(min_value=-60, max_value=60),
       done_offset=st.one_of(st.none(), st.integers(min_value=-60, max_value=60)))
def test_status_properties(due: date, offset: int, done_offset: int | None) -> None:
    as_of = due + timedelta(days=offset)
    done = None if done_offset is None else due + timedelta(days=done_offset)
    status = deadline_status(due, done, as_of)
    if done is not None and done <= as_of:
        assert status.is_done and (status is Status.DONE_LATE) == (done > due)
    else:
        assert not status.is_done
        assert (status is Status.OVERDUE) == (as_of > due)


# --- revision triggers -----------------------------------------------------------------------------


def test_the_six_statutory_triggers_and_the_reserved_drill_code() -> None:
    codes = [t.code for t in revision_triggers()]
    assert codes == ["laws_or_upper_plans_changed", "command_structure_changed", "risks_changed",
                     "key_resources_changed", "exercise_or_response_problems", "unit_decides"]
    assert all("第三十六条" in t.source for t in revision_triggers())
    everything = [t.code for t in revision_triggers(include_reserved=True)]
    assert everything == [*codes, "drill_findings"]
    assert revision_trigger_label("drill_findings") == "演练发现问题"
    assert revision_trigger_label("exercise_or_response_problems") == "演练或事故救援中发现重大问题"


def test_a_new_principal_alone_is_not_a_trigger() -> None:
    assert [t.code for t in RULES.not_triggers] == ["principal_changed"]
    assert "主要负责人" in RULES.not_triggers[0].text
    with pytest.raises(KeyError):
        revision_trigger_label("principal_changed")


def test_plans_published_in_2021_to_2023_count_the_holidays_of_their_year() -> None:
    """Published on the Friday before the 2022 National Day week (1–7 October off, 8 and 9 October
    working weekend days): 20 working days end on 2 November; Monday to Friday alone would give
    28 October."""
    assert filing_due(d("2022-09-30")).date == d("2022-11-02")
    assert filing_due(d("2022-09-30")).warnings == ()
    assert filing_due(d("2021-02-05")).date == d("2021-03-10")  # Spring Festival 2021 and its 调休 Sunday


def test_unit_facts_reach_the_evaluation_and_review_rules() -> None:
    """中型规模以上 units and chemical users above the threshold are evaluated every three years and
    reviewed formally, like the listed industries: the register's facts become rule flags."""
    from models.enterprises.rules import rule_flags, unit_facts

    assert {f.flag for f in unit_facts()} == {"medium_or_larger", "hazchem_use_above_threshold"}
    assert all(f.source and f.help for f in unit_facts())
    plain = rule_flags(flags_of("manufacturing"), {"medium_or_larger": False, "hazchem_use_above_threshold": False})
    medium = rule_flags(flags_of("manufacturing"), {"medium_or_larger": True})
    chemical = rule_flags(flags_of("manufacturing"), {"hazchem_use_above_threshold": True})
    assert evaluation_due(d("2024-05-10"), plain) is None and suggest_review_type(plain) == "论证"
    assert evaluation_due(d("2024-05-10"), medium) == d("2027-05-10") and suggest_review_type(medium) == "评审"
    assert evaluation_due(d("2024-05-10"), chemical) == d("2027-05-10")
