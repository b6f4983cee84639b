"""Teams rules, pure: readiness factors at their thresholds with their explanations, how the status
follows from them, certificate and agreement alerts at 90 / 30 days, the mine-rescue limits, the
certificates a position and a team require, and the reference data's own checks."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from importlib import resources

import pytest

from models.teams import rules
from models.teams.rules import CertificateFacts, RosterFacts, TeamFacts

AS_OF = date(2026, 11, 29)


def good(**kw: object) -> TeamFacts:
    """A 专职 team with every factor green; ``kw`` changes what a test is about."""
    base: dict[str, object] = dict(kind="professional", headcount=20, on_duty=20,
                                   certificates=CertificateFacts(required=20, valid=20), equipment_total=10,
                                   equipment_good=10, last_training=AS_OF - timedelta(days=3),
                                   last_drill=AS_OF - timedelta(days=30), roster=RosterFacts(168, 168),
                                   turnout_minutes=3)
    base.update(kw)
    return TeamFacts(**base)  # type: ignore[arg-type]


def factor(facts: TeamFacts, key: str) -> rules.Factor:
    found = rules.readiness(facts, AS_OF).factor(key)
    assert found is not None
    return found


def test_a_team_with_every_factor_green_is_ready() -> None:
    r = rules.readiness(good(), AS_OF)
    assert (r.status, r.label, r.score) == ("green", "就绪", 100.0)
    assert r.reasons == []
    assert factor(good(), "agreement").status == "na"  # only 协议 teams have an agreement


@pytest.mark.parametrize(("on_duty", "status"), [(18, "green"), (17, "amber"), (14, "amber"), (13, "red")])
def test_staffing_at_its_thresholds(on_duty: int, status: str) -> None:
    f = factor(good(on_duty=on_duty, on_leave=20 - on_duty), "staffing")  # 90% green, 70% amber of 编制 20
    assert f.status == status
    assert f.value == on_duty / 20
    if on_duty < 20:
        assert f.explanation == f"在岗 {on_duty} 人，编制 20 人，缺 {20 - on_duty} 人（其中 {20 - on_duty} 人休假）"


def test_certificates_explain_who_is_behind_the_gap() -> None:
    f = factor(good(certificates=CertificateFacts(required=20, valid=17, expired_members=3)), "certificates")
    assert (f.status, f.value_text) == ("amber", "17/20 项（85%）")  # 85% is the amber line
    assert f.explanation == "3 名队员证书已过期"
    f = factor(good(certificates=CertificateFacts(required=20, valid=16, expired_members=3, missing_members=1)),
               "certificates")
    assert f.status == "red"
    assert f.explanation == "3 名队员证书已过期，1 名队员缺少必备证书"
    r = rules.readiness(good(certificates=CertificateFacts(required=20, valid=16, expired_members=4)), AS_OF)
    assert r.status == "red" and r.reasons[0] == "4 名队员证书已过期"  # a critical factor in red
    assert factor(good(certificates=CertificateFacts()), "certificates").status == "na"


def test_equipment_and_missing_equipment() -> None:
    f = factor(good(equipment_total=20, equipment_good=18, equipment_repair=1), "equipment")
    assert f.status == "green" and f.explanation == "装备 20 件，完好 18 件，待修 1 件、报废 1 件"
    assert factor(good(equipment_total=20, equipment_good=17), "equipment").status == "amber"
    assert factor(good(equipment_total=20, equipment_good=14), "equipment").status == "red"
    f = factor(good(equipment_total=0, equipment_good=0), "equipment")
    assert (f.status, f.explanation) == ("red", "未登记装备")


@pytest.mark.parametrize(("days", "status"), [(31, "green"), (32, "amber"), (92, "amber"), (93, "red")])
def test_days_since_training_at_its_thresholds(days: int, status: str) -> None:
    f = factor(good(last_training=AS_OF - timedelta(days=days)), "training")
    assert f.status == status
    if status != "green":
        assert f.explanation.endswith(f"已 {days} 天（应不超过 31 天）")


def test_part_time_teams_have_their_own_training_and_turnout_thresholds() -> None:
    part = good(kind="part_time", last_training=AS_OF - timedelta(days=92), turnout_minutes=15)
    assert factor(part, "training").status == "green"  # quarterly for 兼职
    assert factor(part, "turnout").status == "green"
    assert factor(good(last_training=AS_OF - timedelta(days=92)), "training").status == "amber"
    assert factor(good(turnout_minutes=15), "turnout").status == "amber"
    assert factor(good(turnout_minutes=None), "turnout").explanation == "未填写出动时间"


def test_no_training_or_drill_recorded() -> None:
    r = rules.readiness(good(last_drill=None), AS_OF)
    f = r.factor("drill")
    assert f is not None and (f.status, f.explanation) == ("red", "没有演练记录")
    assert r.status == "amber"  # not critical: the score stays up, but a red factor keeps it from 就绪
    assert r.reasons == ["没有演练记录"]


def test_roster_explains_the_first_problems() -> None:
    problems = tuple(rules.RosterProblem(date(2026, 12, 1) + timedelta(days=n), None, "夜班", "no_leader",
                                         f"{rules.day_label(date(2026, 12, 1) + timedelta(days=n))}夜班无带班领导")
                     for n in range(4))
    f = factor(good(roster=RosterFacts(160, 168, problems)), "roster")
    assert f.status == "amber" and f.value == pytest.approx(160 / 168)
    assert f.explanation == "12月1日（周二）夜班无带班领导；12月2日（周三）夜班无带班领导；12月3日（周四）夜班无带班领导等 4 处"
    f = factor(good(roster=None), "roster")
    assert (f.status, f.explanation) == ("red", "没有值班点，未排值班表")
    assert factor(good(kind="part_time", roster=None), "roster").status == "na"  # 兼职 without a duty point
    assert factor(good(kind="part_time", roster=RosterFacts(100, 168)), "roster").status == "red"  # with one


@pytest.mark.parametrize(("left", "status", "text"), [(31, "green", "剩余 31 天"), (30, "amber", "剩余 30 天"),
                                                      (0, "amber", "剩余 0 天"), (-1, "red", "已过期 1 天")])
def test_agreement_validity_at_its_thresholds(left: int, status: str, text: str) -> None:
    facts = good(kind="agreement", agreement_party="临江市危险化学品应急救援中队",
                 agreement_expires_on=AS_OF + timedelta(days=left), turnout_minutes=20)
    f = factor(facts, "agreement")
    assert (f.status, f.value_text) == (status, text)
    assert f.explanation.startswith("协议单位 临江市危险化学品应急救援中队，")
    assert rules.readiness(facts, AS_OF).status == ("red" if left < 0 else "green")
    f = factor(good(kind="agreement", agreement_expires_on=None), "agreement")
    assert (f.status, f.explanation) == ("red", "未填写协议单位，未填写协议有效期")


def test_score_lines_decide_between_ready_and_basically_ready() -> None:
    # two amber factors of weight 3 and 2 (staffing, equipment): (3·60 + 2·60 + 9·100) / 14 ≈ 85.7 → 就绪
    r = rules.readiness(good(on_duty=17, equipment_good=8), AS_OF)
    assert r.status == "green" and r.score == pytest.approx(1200 / 14)
    assert [f.key for f in r.pulling_down] == ["staffing", "equipment"]
    # one more amber (training, weight 2): (7·60 + 7·100) / 14 = 80 → 基本就绪
    r = rules.readiness(good(on_duty=17, equipment_good=8, last_training=AS_OF - timedelta(days=40)), AS_OF)
    assert r.status == "amber" and r.score == pytest.approx(80.0)


def test_rules_from_other_data_are_honoured_and_checked() -> None:
    data = json.loads(resources.files("models.teams.refdata").joinpath("readiness.json").read_text(encoding="utf-8"))
    for f in data["factors"]:
        if f["key"] == "staffing":
            f["green"] = 1.0
    tightened = rules.parse_readiness_rules(data)
    assert rules.readiness(good(on_duty=19), AS_OF, tightened).factor("staffing").status == "amber"  # type: ignore[union-attr]
    for f in data["factors"]:
        if f["key"] == "staffing":
            f["green"], f["amber"] = 0.5, 0.9
    with pytest.raises(ValueError, match="更严"):
        rules.parse_readiness_rules(data)
    for f in data["factors"]:
        if f["key"] == "staffing":
            f["green"], f["amber"] = 0.9, 0.7
    data["factors"].append({"key": "mood", "label": "士气", "measure": "share", "green": 1, "amber": 0, "weight": 1})
    with pytest.raises(ValueError, match="未知的就绪因素"):
        rules.parse_readiness_rules(data)


def test_every_readiness_rule_names_its_source() -> None:
    r = rules.readiness_rules()
    assert "没有国家标准" in r.source
    assert all(f.source for f in r.factors)
    assert {f.key for f in r.factors} == set(rules.FACTOR_KEYS)


# ---- alerts


@pytest.mark.parametrize(("left", "kind"), [(91, None), (90, "expiring_90"), (31, "expiring_90"), (30, "expiring_30"),
                                            (0, "expiring_30"), (-1, "expired")])
def test_certificate_alerts_at_90_and_30_days(left: int, kind: str | None) -> None:
    alert = rules.certificate_alert(AS_OF + timedelta(days=left), AS_OF)
    assert (alert.kind if alert else None) == kind
    if left == 0:
        assert alert is not None and alert.detail.endswith("今天到期")
    if left == -1:
        assert alert is not None and str(alert) == "已过期（有效期至 2026-11-28，已过期 1 天）"
    assert rules.certificate_valid(None, AS_OF + timedelta(days=left), AS_OF) == (left >= 0)


def test_a_certificate_without_expiry_or_not_yet_issued() -> None:
    assert rules.certificate_alert(None, AS_OF) is None
    assert rules.certificate_valid(None, None, AS_OF)
    assert not rules.certificate_valid(AS_OF + timedelta(days=1), None, AS_OF)


def test_agreement_alerts() -> None:
    alert = rules.agreement_alert(AS_OF + timedelta(days=16), AS_OF)
    assert alert is not None and alert.kind == "expiring_30" and alert.severity == "danger"
    assert rules.agreement_alert(AS_OF + timedelta(days=200), AS_OF) is None


def test_certificate_facts_count_members_not_certificates() -> None:
    members = [(1, "member"), (2, "medic"), (3, "driver"), (4, "member")]
    held = {1: {"rescuer": AS_OF - timedelta(days=1)},  # expired
            2: {"rescuer": rules.FOREVER, "first_aid": AS_OF + timedelta(days=10)},  # valid, one expiring soon
            3: {"rescuer": AS_OF}}  # valid today; lacks the driving licence
    facts = rules.certificate_facts(members, held, "professional", ("hazchem",), AS_OF)
    # required: 1 rescuer, 2 rescuer + first_aid, 3 rescuer + driver, 4 rescuer
    assert facts == CertificateFacts(required=6, valid=3, expired_members=1, missing_members=2, expiring_members=2)


# ---- members and the catalogue


def test_required_certificates_follow_team_type_specialty_and_position() -> None:
    assert rules.required_certificates("professional", ("hazchem", "fire"), "driver") == ("rescuer", "firefighter",
                                                                                          "driver")
    assert rules.required_certificates("part_time", ("hazchem",), "member") == ()
    assert rules.required_certificates("part_time", ("mining",), "member") == ("mine_rescue",)
    assert rules.required_certificates("part_time", ("flood",), "medic") == ("first_aid",)


def test_mine_rescue_age_and_experience_limits_by_position() -> None:
    def issues(position: str, age: int, years: int | None, specialties: tuple[str, ...] = ("mining",)) -> list[str]:
        born = AS_OF.replace(year=AS_OF.year - age)  # birthday today: exactly ``age``
        return [i.kind for i in rules.member_issues(position=position, born_on=born, experience_years=years,
                                                    medical_checked_on=AS_OF, specialties=specialties, as_of=AS_OF)]

    assert issues("captain", 55, 5) == []
    assert issues("captain", 56, 5) == ["age"]
    assert issues("captain", 50, 4) == ["experience"]
    assert issues("squadron_leader", 51, 3) == ["age"]
    assert issues("squad_leader", 45, 1) == [] and issues("squad_leader", 46, 0) == ["age", "experience"]
    assert issues("squad_leader", 40, None) == ["experience"]
    assert issues("captain", 60, 0, ("fire",)) == []  # only teams with the 矿山 specialty
    assert issues("member", 60, 0) == []
    one_day_short = rules.member_issues(position="captain", born_on=date(1971, 11, 30), experience_years=9,
                                        medical_checked_on=AS_OF, specialties=("mining",), as_of=AS_OF)
    assert one_day_short == []  # 54 until tomorrow
    message = rules.member_issues(position="captain", born_on=date(1970, 1, 1), experience_years=9,
                                  medical_checked_on=AS_OF, specialties=("mining",), as_of=AS_OF)[0].message
    assert message == "队长年龄 56 周岁，超过矿山救援大队指挥员上限 55 周岁"


def test_medical_check_interval() -> None:
    def kinds(checked: date | None) -> list[str]:
        return [i.kind for i in rules.member_issues(position="member", born_on=None, experience_years=None,
                                                    medical_checked_on=checked, specialties=(), as_of=AS_OF)]

    assert kinds(date(2025, 11, 29)) == []  # twelve months ago to the day
    assert kinds(date(2025, 11, 28)) == ["medical"]
    assert kinds(None) == ["medical"]


def test_shift_sets_and_duty_days() -> None:
    duty = rules.duty_rules()
    day_night = duty.shift_sets["day_night"]
    assert day_night.kind("night").times(date(2026, 12, 1)) == (datetime(2026, 12, 1, 17, 30), datetime(2026, 12, 2, 8, 30))
    assert day_night.day_hours == 24
    three = duty.shift_sets["three"]
    assert three.kind("night").times(date(2026, 12, 1))[0] == datetime(2026, 12, 2, 0, 0)
    assert three.day_start(date(2026, 12, 1)) == datetime(2026, 12, 1, 8, 0)
    assert all(duty.shift_sets[d].day_hours == 24 for d in duty.shift_sets)
    assert rules.day_label(date(2026, 12, 8)) == "12月8日（周二）"
