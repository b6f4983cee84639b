"""The teams queries on both backends: readiness of every team in one pass (and kept until the next
write), the paged list with its filters and sorts, a team's detail, a point's roster with its
problems, and the due items — as a new user would meet them: a team not ready and exactly why, an
expired certificate renewed and the status changing, a night without its leader found and filled."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models.core.uow import unit_of_work
from models.teams import queries as tq
from models.teams import rules
from models.teams import service as ts
from models.teams.entities import DutyAssignment, DutyShift
from tests.factories import TESTER, create_enterprise
from tests.models.teams.world import AS_OF, build, roster, team_data


def _readiness(db, team: int) -> rules.Readiness:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return tq.readiness_of(s, AS_OF)[team]


def test_a_team_not_ready_and_exactly_why_then_fixed(db) -> None:
    w = build(db)
    roster(db, w.point, AS_OF - timedelta(days=1), AS_OF + timedelta(days=10), leaders=("王建国",),
           staff=("队员1", "队员2", "队员3", "队员4", "队员5", "队员6"), per=1)
    assert _readiness(db, w.team).status == "green"
    # two certificates expire: 5 of 7 valid (71%) is below the amber line of a critical factor
    for cert in w.certificates[1:3]:
        with db.read() as s:
            data, version = ts.load_certificate(s, cert)
        with unit_of_work(db, TESTER) as uow:
            ts.update_certificate(uow, cert, ts.CertificateData(**{**data.__dict__, "expires_on": AS_OF - timedelta(days=5)}),
                                  version)
    r = _readiness(db, w.team)
    assert (r.status, r.label) == ("red", "不就绪")
    assert r.reasons == ["2 名队员证书已过期"]
    certificates = r.factor("certificates")
    assert certificates is not None and certificates.value_text == "5/7 项（71.4%）"
    with db.read() as s:
        listed = tq.page(s, tq.TeamFilter(as_of=AS_OF, status="red"))
        assert [t.id for t in listed] == [w.team] and listed[0].status_label == "不就绪"
        detail = tq.team_detail(s, w.team, AS_OF)
        expired = [c for m in detail.members for c in m.certificates if not c.valid]
        assert [c.alert.kind for c in expired] == ["expired", "expired"]  # type: ignore[union-attr]
        assert [m.missing for m in detail.members if m.id in (w.members[1], w.members[2])] == [
            ("应急救援员职业技能等级证书",), ("应急救援员职业技能等级证书",)]
        assert any(d.kind == "certificate" and "已过期" in d.detail for d in detail.alerts)
    # one is renewed (a new certificate), the other's expiry corrected
    with unit_of_work(db, TESTER) as uow:
        ts.add_certificate(uow, ts.CertificateData(member_id=w.members[1], cert_type="rescuer", number="YJ2026NEW",
                                                   issued_on=AS_OF - timedelta(days=1), expires_on=date(2030, 12, 31)))
    r = _readiness(db, w.team)
    assert r.status == "green" and r.reasons == ["1 名队员证书已过期"]  # 6 of 7 (85.7%): amber, the score still 就绪
    with db.read() as s:
        data, version = ts.load_certificate(s, w.certificates[2])
    with unit_of_work(db, TESTER) as uow:
        ts.update_certificate(uow, w.certificates[2], ts.CertificateData(**{**data.__dict__, "expires_on": date(2029, 1, 1)}),
                              version)
    assert _readiness(db, w.team).status == "green"
    with db.read() as s:  # the renewed member's old certificate is no longer a due item
        assert not [d for d in tq.due(s, as_of=AS_OF) if d.kind == "certificate"]


def test_readiness_is_kept_until_the_next_write(db) -> None:
    w = build(db)
    with db.read() as s:
        first = tq.readiness_of(s, AS_OF)
        assert tq.readiness_of(s, AS_OF) is first  # nothing written since: handed out again
        assert tq.readiness_of(s, AS_OF + timedelta(days=1)) is not first
    with db.read() as s:
        member, version = ts.load_member(s, w.members[1])
    with unit_of_work(db, TESTER) as uow:
        ts.update_member(uow, w.members[1], ts.MemberData(**{**member.__dict__, "status": "leave"}), version)
    with db.read() as s:
        again = tq.readiness_of(s, AS_OF)
    assert again is not first
    staffing = again[w.team].factor("staffing")
    assert staffing is not None and staffing.explanation == "在岗 6 人，编制 7 人，缺 1 人（其中 1 人休假）"
    with db.read() as s:
        assert tq.readiness_of(s, AS_OF, [w.team])[w.team] == again[w.team]  # one team read alone: the same answer


def test_the_list_filters_sorts_and_pages(db) -> None:
    ent = create_enterprise(db, 1)
    with db.read() as s:
        regions = [r for r in __import__("models.core.reference", fromlist=["regions"]).regions(s)]
    district = next(r for r in regions if r.level == 2)
    street = next(r for r in regions if r.parent_code == district.code)
    with unit_of_work(db, TESTER) as uow:
        a = ts.create_team(uow, team_data("甲化工专职消防队", owner_enterprise_id=ent, specialties=("fire", "hazchem"),
                                          region_id=street.id, headcount=30))
        b = ts.create_team(uow, team_data("乙区防汛抢险队", kind="part_time", specialties=("flood",),
                                          region_id=district.id, headcount=10, turnout_minutes=20))
        c = ts.create_team(uow, team_data("丙蓝天救援队", kind="agreement", specialties=("water",), headcount=5,
                                          agreement_party="乙区应急管理局", agreement_expires_on=AS_OF - timedelta(days=1),
                                          turnout_minutes=None))
    with db.read() as s:
        def ids(**kw: object) -> list[int]:
            f = tq.TeamFilter(as_of=AS_OF, **kw)  # type: ignore[arg-type]
            rows = tq.page(s, f, sort=str(kw.pop("sort", "name")) if "sort" in kw else "name")
            assert tq.count(s, f) == len(rows)
            return [r.id for r in rows]

        assert set(ids()) == {a, b, c}
        assert ids(specialty="fire") == [a] and ids(specialty="hazchem") == [a]
        assert ids(kind="part_time") == [b]
        assert set(ids(region_id=district.id)) == {a, b}  # the district with its streets
        assert ids(owner_enterprise_id=ent) == [a] and ids(enterprise_id=ent) == [a]
        assert set(ids(government=True)) == {b, c}
        assert ids(text="蓝天") == [c] and ids(text="甲化工 消防") == [a]
        ranked = tq.page(s, tq.TeamFilter(as_of=AS_OF), sort="readiness")
        assert [r.readiness.rank for r in ranked] == sorted(r.readiness.rank for r in ranked)  # type: ignore[union-attr]
        worst = next(r for r in ranked if r.id == c).readiness
        assert worst is not None and any("协议已于 2026-11-28 过期" in why for why in worst.reasons)
        assert [r.readiness.score for r in ranked if r.readiness.rank == 0] == sorted(  # type: ignore[union-attr]
            r.readiness.score for r in ranked if r.readiness.rank == 0)  # type: ignore[union-attr]
        assert ids(status="red") == [r.id for r in ranked if r.readiness.status == "red"]  # type: ignore[union-attr]
        by_head = tq.page(s, tq.TeamFilter(as_of=AS_OF), sort="headcount", descending=True)
        assert [r.headcount for r in by_head] == [30, 10, 5]
        assert [r.id for r in tq.page(s, tq.TeamFilter(as_of=AS_OF), sort="turnout")][-1] == c  # no turnout: last
        last = tq.page(s, tq.TeamFilter(as_of=AS_OF), offset=2, limit=1, total=3)
        assert [r.id for r in last] == [tq.page(s, tq.TeamFilter(as_of=AS_OF))[2].id]
        row = tq.page(s, tq.TeamFilter(as_of=AS_OF, text="甲化工"))[0]
        assert row.as_json()["specialties"] == ["消防", "危化"] and row.kind_label == "专职"
        assert row.as_json()["factors"]["staffing"]["value"] == 0.0  # type: ignore[index]


def test_generate_next_month_find_the_night_without_a_leader_and_fill_it(db) -> None:
    w = build(db)
    start, end = date(2026, 12, 1), date(2026, 12, 31)
    roster(db, w.room, start, end, leaders=("李局长", "张副局长"), staff=("值班员甲", "值班员乙", "值班员丙", "值班员丁"))
    with db.read() as s:
        night = s.execute(select(DutyShift.id).where(DutyShift.point_id == w.room, DutyShift.day == date(2026, 12, 8),
                                                     DutyShift.kind == "night")).scalar_one()
        leader = s.execute(select(DutyAssignment).where(DutyAssignment.shift_id == night,
                                                        DutyAssignment.role == "leader")).scalar_one()
    with unit_of_work(db, TESTER) as uow:
        ts.remove_assignment(uow, leader.id, leader.version)
    with db.read() as s:
        r = tq.roster(s, w.room, start, end)
    assert len(r.shifts) == 62
    assert [p.message for p in r.problems] == ["12月8日（周二）夜班无带班领导"]
    shift = next(x for x in r.shifts if x.id == night)
    assert shift.leaders == [] and [p.kind for p in shift.problems] == ["no_leader"]
    assert r.coverage < 1.0 and r.as_json()["problems"][0]["kind"] == "no_leader"  # type: ignore[index]
    with unit_of_work(db, TESTER) as uow:
        ts.assign(uow, ts.AssignmentData(shift_id=night, name="王副局长", phone="13905391234", role="leader"))
    with db.read() as s:
        r = tq.roster(s, w.room, start, end)
        assert r.problems == () and r.coverage == 1.0
        assert [p.name for p in next(x for x in r.shifts if x.id == night).leaders] == ["王副局长"]


def test_roster_sees_people_booked_elsewhere_and_the_gaps(db) -> None:
    w = build(db)
    roster(db, w.point, date(2026, 12, 1), date(2026, 12, 3), staff=("队员1", "队员2"), per=2)
    roster(db, w.room, date(2026, 12, 2), date(2026, 12, 2), leaders=("李局长",), staff=("队员1",))
    with db.read() as s:
        here = tq.roster(s, w.room, date(2026, 12, 1), date(2026, 12, 2))
        team = tq.roster(s, w.point, date(2026, 12, 1), date(2026, 12, 3))
    kinds = [(p.day, p.kind) for p in here.problems]
    assert (date(2026, 12, 1), "gap") in kinds  # the room's first day is not rostered
    assert (date(2026, 12, 2), "double_booked") in kinds  # 队员1 is on the team's 24-hour shift too
    assert any(p.kind == "double_booked" and p.person == "队员1" for p in team.problems)
    gap = next(p for p in here.problems if p.kind == "gap")
    assert gap.message == "12月1日（周二）08:30—次日08:30（24 小时）无人值班"


def test_due_items(db) -> None:
    w = build(db)
    with unit_of_work(db, TESTER) as uow:
        ts.create_team(uow, team_data("丙蓝天救援队", kind="agreement", specialties=("water",), headcount=5,
                                      agreement_party="江城区应急管理局", agreement_expires_on=AS_OF + timedelta(days=20)))
    with db.read() as s:
        data, version = ts.load_certificate(s, w.certificates[3])
    with unit_of_work(db, TESTER) as uow:
        ts.update_certificate(uow, w.certificates[3], ts.CertificateData(**{**data.__dict__,
                                                                            "expires_on": AS_OF + timedelta(days=60)}), version)
    roster(db, w.room, AS_OF, AS_OF + timedelta(days=3))
    with db.read() as s:
        due = tq.due(s, as_of=AS_OF)
        alerts = tq.certificate_alerts(s, as_of=AS_OF)
    kinds = [(d.kind, d.severity) for d in due]
    assert ("agreement", "danger") in kinds and ("certificate", "warning") in kinds
    assert ("roster", "danger") in kinds  # the duty room's days 4–7 and the team point are not rostered
    assert ("readiness", "danger") in kinds
    certificate = next(d for d in due if d.kind == "certificate")
    assert certificate.detail == "队员3的应急救援员职业技能等级证书90 天内到期（有效期至 2027-01-28，还有 60 天到期）"
    assert [(a.member, a.alert.kind) for a in alerts] == [("队员3", "expiring_90")]
    assert due == sorted(due, key=lambda d: (d.severity != "danger", d.due_on or AS_OF, list(tq.DUE_KINDS).index(d.kind),
                                             d.title, d.detail))
    assert all(d.as_json()["kind"] in tq.DUE_KINDS for d in due)


def test_readiness_kept_and_refreshed_equals_reading_everything(db) -> None:
    w = build(db)
    roster(db, w.point, AS_OF - timedelta(days=1), AS_OF + timedelta(days=8))

    def check() -> None:
        with db.read() as s:
            kept = tq.readiness_of(s, AS_OF)
            everything = tq.readiness_of(s, AS_OF, [*sorted(kept), 10_000])
        assert kept == everything

    check()
    with unit_of_work(db, TESTER) as uow:  # a new team, a member on leave, an assignment removed
        other = ts.create_team(uow, team_data("乙队", kind="part_time", specialties=("flood",)))
        data, version = ts.load_member(uow.session, w.members[3])
        ts.update_member(uow, w.members[3], ts.MemberData(**{**data.__dict__, "status": "leave"}), version)
        leader = uow.session.execute(select(DutyAssignment).join(DutyShift, DutyShift.id == DutyAssignment.shift_id)
                                     .where(DutyShift.day == AS_OF, DutyAssignment.role == "leader")).scalar_one()
        ts.remove_assignment(uow, leader.id, leader.version)
    check()
    with db.read() as s:
        assert tq.readiness_of(s, AS_OF)[w.team].factor("roster").status == "red"  # type: ignore[union-attr]  # 144 of 168 h
        data, version = ts.load_member(s, w.members[5])
    with unit_of_work(db, TESTER) as uow:  # a member moved to another team: everything is read again
        ts.update_member(uow, w.members[5], ts.MemberData(**{**data.__dict__, "team_id": other}), version)
    check()
    with db.read() as s:
        version = ts.load_team(s, other)[1]
    with unit_of_work(db, TESTER) as uow:
        ts.delete_team(uow, other, version)
    check()
    with db.read() as s:
        assert other not in tq.readiness_of(s, AS_OF)


def test_the_main_duty_room_is_the_highest_regions(db) -> None:  # type: ignore[no-untyped-def]
    from models.core import reference

    with db.read() as s:
        assert tq.main_duty_room(s) is None
    w = build(db)  # a district's duty room
    with db.read() as s:
        assert tq.main_duty_room(s).id == w.room
        city = next(r for r in reference.regions(s) if r.level == 1).id
    with unit_of_work(db, TESTER) as uow:
        top = ts.create_point(uow, ts.PointData(name="市应急管理局总值班室", kind="duty_room", region_id=city))
    with db.read() as s:
        assert tq.main_duty_room(s).id == top
