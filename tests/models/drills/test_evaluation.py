"""Drill evaluation forms and aggregation: points per item kind, N/A left out, totals within 0–100,
grades monotonic in the total, disagreement flagged above the spread, frozen copies unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.drills.evaluation import Entry, Form, ScoreError, Sheet, aggregate, form_for, fraction, grade_of

LIVE = form_for("live")


def test_the_shipped_forms_have_the_aqt_9009_indicators_and_their_source() -> None:
    indicators = {i.indicator for i in LIVE.items}
    assert {"预警与信息报告", "紧急动员", "事故监测与研判", "指挥和协调", "事故处置", "应急资源管理", "应急通信",
            "信息公开", "人员保护", "警戒与管制", "医疗救护", "现场控制及恢复"} <= indicators
    assert {i.phase for i in LIVE.items} == {"演练准备", "演练实施"} and "AQ/T 9009-2015" in LIVE.source
    tabletop = form_for("tabletop")
    assert len(tabletop.items) < len(LIVE.items) and tabletop.label == "桌面演练评估表"


def test_points_of_each_kind_of_item() -> None:
    score = LIVE.item("run.command")
    assert [fraction(LIVE, score, v) for v in (1, 3, 5)] == [0.2, 0.6, 1.0]
    with pytest.raises(ScoreError, match="只能打 1（差）、3（合格）、5（优秀）"):
        fraction(LIVE, score, 4)
    choice = LIVE.item("run.report_content")
    assert fraction(LIVE, choice, "部分") == 0.5
    with pytest.raises(ScoreError, match="只能选 是、部分、否"):
        fraction(LIVE, choice, "也许")
    time = LIVE.item("run.report_time")  # full points at 3 minutes or less, none at 10 or more
    assert [fraction(LIVE, time, v) for v in (2, 3, 6.5, 10, 30)] == [1.0, 1.0, 0.5, 0.0, 0.0]
    assert fraction(LIVE, score, None) is None  # 不适用


def test_three_evaluators_the_spread_and_the_grade() -> None:
    def sheet(name: str, command: float, **more: object) -> Sheet:
        entries = {i.key: Entry(5 if i.kind == "score" else "是" if i.kind == "choice" else 2) for i in LIVE.items}
        entries["run.command"] = Entry(command)
        entries.update({k: Entry(v) for k, v in more.items()})  # type: ignore[arg-type]
        return Sheet(name, entries)

    result = aggregate(LIVE, [sheet("甲", 5), sheet("乙", 5), sheet("丙", 1)])
    command = next(r for r in result.items if r.item.key == "run.command")
    assert (command.low, command.high, command.spread) == (0.2, 1.0, 0.8) and command.disagreement
    assert command.mean == pytest.approx(2.2 / 3)
    assert [r.item.key for r in result.disagreements] == ["run.command"]
    assert result.total == pytest.approx(100 - 10 * (1 - 2.2 / 3) * 100 / sum(i.weight for i in LIVE.items), abs=0.05)
    assert result.grade == "优"
    none_public = aggregate(LIVE, [sheet("甲", 5, **{"run.public": None})])
    public = next(r for r in none_public.items if r.item.key == "run.public")
    assert public.mean is None and public.hseep == "N/A" and none_public.weights == sum(
        i.weight for i in LIVE.items) - public.item.weight


@st.composite
def sheets(draw: st.DrawFn) -> list[Sheet]:
    out = []
    for n in range(draw(st.integers(1, 4))):
        entries = {}
        for item in LIVE.items:
            if item.kind == "score":
                value = draw(st.sampled_from([1, 3, 5, None, "skip"]))
            elif item.kind == "choice":
                value = draw(st.sampled_from(["是", "部分", "否", None, "skip"]))
            else:
                value = draw(st.one_of(st.floats(0, 60), st.none(), st.just("skip")))
            if value != "skip":
                entries[item.key] = Entry(value)
        out.append(Sheet(f"评估人{n}", entries))
    return out


@settings(max_examples=200, deadline=None)
@given(sheets())
def test_totals_stay_within_0_and_100_and_na_is_left_out_of_the_weights(drawn: list[Sheet]) -> None:
    result = aggregate(LIVE, drawn)
    if result.total is None:
        assert result.weights == 0 and result.grade == ""
        return
    assert 0 <= result.total <= 100
    counted = sum(r.item.weight for r in result.items if r.mean is not None)
    assert result.weights == pytest.approx(counted)
    assert all((r.mean is None) == (not r.fractions) for r in result.items)
    assert all(r.low - 1e-9 <= r.mean <= r.high + 1e-9 for r in result.items if r.mean is not None)  # type: ignore[operator]


@given(st.floats(0, 100), st.floats(0, 100))
def test_the_grade_is_monotonic_in_the_total(a: float, b: float) -> None:
    order = [g for g, _m in reversed(LIVE.bands)]  # 差 < 中 < 良 < 优
    low, high = sorted((a, b))
    assert order.index(grade_of(LIVE, low)) <= order.index(grade_of(LIVE, high))
    assert grade_of(LIVE, 90) == "优" and grade_of(LIVE, 89.9) == "良" and grade_of(LIVE, 59.9) == "差"


def test_a_frozen_copy_reads_back_the_same_form() -> None:
    assert Form.from_json(LIVE.to_json()) == LIVE
