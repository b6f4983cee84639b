"""The teams services on both backends: every write through the unit of work with its trail and
version check, Chinese field errors, soft delete and restore, the certificate scan, the duty
roster's commands (generate, assign, move, swap with its reason, handover) and the bulk imports."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.core.attachments import listing
from models.core.audit import verify_chain, verify_data
from models.core.entities import AuditLog
from models.core.errors import ConflictError, NotFoundError, StateError, ValidationError
from models.core.uow import unit_of_work
from models.modules import entity_classes
from models.teams import rules
from models.teams import service as ts
from models.teams.entities import (
    DutyAssignment,
    DutyShift,
    DutySwap,
    RescueTeam,
    TeamEnterprise,
    TeamEquipment,
)
from tests.factories import TESTER, create_enterprise
from tests.models.teams.world import AS_OF, build, roster, team_data

PDF = b"%PDF-1.4\n% scan\n"


def fields_of(exc: ValidationError) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


def test_team_validation_speaks_chinese(db) -> None:
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.create_team(uow, ts.TeamData(name=" ", kind="volunteer", specialties=("cooking",), headcount=0,
                                        agreement_party="某单位"))
    errors = fields_of(caught.value)
    assert errors["name"] == "不能为空"
    assert errors["kind"] == "请从 专职、兼职、协议 中选择"
    assert errors["specialties"].startswith("没有“cooking”这个专业")
    assert errors["headcount"] == "应在 1 到 10000 之间"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.create_team(uow, team_data(kind="agreement"))
    assert fields_of(caught.value) == {"agreement_party": "协议队伍请填写签订救援协议的单位",
                                       "agreement_expires_on": "协议队伍请填写协议有效期"}


def test_team_lifecycle_with_served_enterprises(db) -> None:
    ent = create_enterprise(db, 1)
    other = create_enterprise(db, 2)
    with unit_of_work(db, TESTER) as uow:
        tid = ts.create_team(uow, team_data(owner_enterprise_id=ent, enterprise_ids=(other,),
                                            specialties=("hazchem", "fire", "hazchem")))
    with db.read() as s:
        data, version = ts.load_team(s, tid)
    assert data.specialties == ("fire", "hazchem") and data.enterprise_ids == (ent, other)  # the owner always served
    with unit_of_work(db, TESTER) as uow:
        version = ts.update_team(uow, tid, ts.TeamData(**{**data.__dict__, "enterprise_ids": (ent,)}), version)
    with db.read() as s:
        assert ts.load_team(s, tid)[0].enterprise_ids == (ent,)
        assert s.scalar(select(func.count()).select_from(TeamEnterprise).where(TeamEnterprise.deleted_at.is_not(None))) == 1
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        ts.update_team(uow, tid, data, version - 1)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.create_team(uow, team_data())
    assert fields_of(caught.value)["name"] == "已有名为“临江市危险化学品应急救援中队”的救援队伍"
    with unit_of_work(db, TESTER) as uow:
        ts.delete_team(uow, tid, version)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.create_team(uow, team_data())
    assert "（在回收站中，可恢复）" in fields_of(caught.value)["name"]
    with db.read() as s:
        version = s.get(RescueTeam, tid).version  # type: ignore[union-attr]
    with unit_of_work(db, TESTER) as uow:
        ts.restore_team(uow, tid, version)
    with db.read() as s:
        assert not s.get(RescueTeam, tid).is_deleted  # type: ignore[union-attr]
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok


def test_a_team_with_a_duty_point_is_not_deleted(db) -> None:
    w = build(db)
    with db.read() as s:
        version = ts.load_team(s, w.team)[1]
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="危化救援中队值班点"):
        ts.delete_team(uow, w.team, version)


def test_equipment_is_one_list_with_the_teams_version(db) -> None:
    w = build(db)
    with db.read() as s:
        lines, version = ts.load_equipment(s, w.team)
    assert [(line.name, line.quantity, line.condition) for line in lines] == [("正压式空气呼吸器", 10, "good"), ("重型防化服", 4, "good")]
    lines[0].quantity, lines[0].condition = 8, "good"
    changed = [lines[0], ts.EquipmentLine("正压式空气呼吸器", 2, "repair", "protection")]  # 重型防化服 dropped
    with unit_of_work(db, TESTER) as uow:
        new_version = ts.set_equipment(uow, w.team, changed, version)
    assert new_version == version + 1
    with db.read() as s:
        assert [(line.quantity, line.condition) for line in ts.load_equipment(s, w.team)[0]] == [(8, "good"), (2, "repair")]
        assert s.scalar(select(func.count()).select_from(TeamEquipment).where(TeamEquipment.deleted_at.is_not(None))) == 1
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.set_equipment(uow, w.team, [ts.EquipmentLine("", 0, "lost")], new_version)
    assert {str(e) for e in caught.value.errors} == {"第 1 行的装备名称：不能为空", "第 1 行的数量：应在 1 到 1000000 之间",
                                                     "第 1 行的状态：请从 完好、待修、报废 中选择"}
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        ts.set_equipment(uow, w.team, [], version)


def test_members_certificates_and_the_scan(db) -> None:
    w = build(db)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.create_member(uow, ts.MemberData(team_id=w.team, name="李四", position="boss", status="gone",
                                            born_on=date(2000, 1, 1), joined_on=date(2010, 1, 1)))
    assert fields_of(caught.value) == {"position": "请从 队长、副队长、中队长、副中队长、小队长、队员、技术员、医护员、驾驶员、通信员 中选择",
                                       "status": "请从 在岗、休假、离队 中选择",
                                       "joined_on": "入队时未满 16 周岁，请检查出生日期和入队日期"}
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.add_certificate(uow, ts.CertificateData(member_id=w.members[1], cert_type="rescuer", number="YJ2025X",
                                                   issued_on=date(2025, 1, 1), expires_on=date(2024, 1, 1)))
    assert fields_of(caught.value) == {"expires_on": "不能早于发证日期"}
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.add_certificate(uow, ts.CertificateData(member_id=w.members[1], cert_type="rescuer", number="YJ20240000"))
    assert fields_of(caught.value) == {"number": "该类证书编号“YJ20240000”已登记在队员“王建国”名下"}
    with db.read() as s:
        data, version = ts.load_certificate(s, w.certificates[1])
    with unit_of_work(db, TESTER) as uow:
        scan = ts.attach_scan(uow, w.certificates[1], "证书.pdf", PDF, version)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        ts.update_certificate(uow, w.certificates[1], data, version)  # the scan moved the certificate's version
    with db.read() as s:
        assert [a.filename for a in ts.scans(s, w.certificates[1])] == ["证书.pdf"]
        assert listing(s, "member_certificate", w.certificates[1])[0].kind_label == "证书扫描件"
        scan_version = ts.scans(s, w.certificates[1])[0].version
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="不支持这种文件"):
        ts.attach_scan(uow, w.certificates[1], "证书.mp4", b"0000ftypisom", version + 1)
    with unit_of_work(db, TESTER) as uow:
        ts.remove_scan(uow, scan, scan_version)
    with db.read() as s:
        assert ts.scans(s, w.certificates[1]) == []
        _member, version = ts.load_member(s, w.members[2])
    with unit_of_work(db, TESTER) as uow:
        ts.delete_member(uow, w.members[2], version)
    with unit_of_work(db, TESTER) as uow:
        ts.restore_member(uow, w.members[2], version + 1)
    with db.read() as s:
        assert verify_data(s, entity_classes()).ok


def test_training_records(db) -> None:
    w = build(db)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.add_training(uow, ts.TrainingData(team_id=w.team, content="", kind="party", hours=-1, result="还行"))
    assert fields_of(caught.value) == {"held_on": "请填写日期", "content": "不能为空", "kind": "请从 培训训练、演练 中选择",
                                       "hours": "应在 0 到 1000 之间", "result": "请从 优秀、良好、合格、不合格 中选择，或留空"}
    with unit_of_work(db, TESTER) as uow:
        rid = ts.add_training(uow, ts.TrainingData(team_id=w.team, held_on=AS_OF, content="个人外训", member_id=w.members[1],
                                                   hours=16))
    with db.read() as s:
        data, version = ts.load_training(s, rid)
    assert data.member_id == w.members[1] and data.hours == 16
    with unit_of_work(db, TESTER) as uow:
        ts.delete_training(uow, rid, version)
    with unit_of_work(db, TESTER) as uow, pytest.raises(NotFoundError):
        ts.update_training(uow, rid, data, version + 1)


def test_generate_refuses_an_occupied_period_unless_replacing(db) -> None:
    w = build(db)
    made = roster(db, w.room, date(2026, 12, 1), date(2026, 12, 31))
    assert len(made.shift_ids) == 62 and made.assignments == 124  # 白班 and 夜班, a leader and one staff each
    with pytest.raises(ts.RosterTakenError, match="已排有 14 个班次"):
        roster(db, w.room, date(2026, 12, 25), date(2027, 1, 2))
    pattern = rules.RotationPattern((rules.Person("李局长", "13905391111"),), (rules.Person("值班员甲"),))
    with unit_of_work(db, TESTER) as uow:
        again = ts.generate_roster(uow, w.room, date(2026, 12, 25), date(2027, 1, 2), pattern, replace_existing=True)
    assert again.replaced == 14 and len(again.shift_ids) == 18
    with db.read() as s:
        version = ts.load_point(s, w.room)[1]
    with unit_of_work(db, TESTER) as uow:
        ts.generate_roster(uow, w.room, date(2027, 2, 1), date(2027, 2, 2), pattern, expected_version=version)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):  # the point moved on: a stale generate refused
        ts.generate_roster(uow, w.room, date(2027, 3, 1), date(2027, 3, 2), pattern, expected_version=version)
    with db.read() as s:
        live = s.scalar(select(func.count()).select_from(DutyShift).where(DutyShift.point_id == w.room,
                                                                           DutyShift.deleted_at.is_(None)))
        assert live == 62 - 14 + 18 + 4
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.generate_roster(uow, w.room, date(2026, 12, 5), date(2026, 12, 1),
                           rules.RotationPattern((rules.Person(""),), (), 0, kinds=("noon",)))
    assert {e.label for e in caught.value.errors} >= {"结束日期", "第 1 位带班领导", "每班值班员人数", "班次"}


def test_assign_move_swap_and_handover(db) -> None:
    w = build(db)
    roster(db, w.room, date(2026, 12, 1), date(2026, 12, 2))
    with db.read() as s:
        shifts = s.execute(select(DutyShift.id, DutyShift.version).where(DutyShift.point_id == w.room)
                           .order_by(DutyShift.starts_at)).all()
        first = s.execute(select(DutyAssignment).where(DutyAssignment.shift_id == shifts[0].id,
                                                       DutyAssignment.role == "staff")).scalar_one()
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.assign(uow, ts.AssignmentData(shift_id=shifts[0].id, name=first.name, role="staff"))
    assert fields_of(caught.value) == {"name": f"{first.name} 已在本班次中"}
    with db.read() as s:
        point_version = ts.load_point(s, w.room)[1]
    with unit_of_work(db, TESTER) as uow:
        extra = ts.assign(uow, ts.AssignmentData(shift_id=shifts[0].id, name="赵六", phone="13900000004"))
    with db.read() as s:
        assert s.get(DutyShift, shifts[0].id).version == shifts[0].version + 1  # type: ignore[union-attr]
        assert ts.load_point(s, w.room)[1] == point_version + 1  # a generate over the roster read before is refused
        data, version = ts.load_assignment(s, extra)
    with unit_of_work(db, TESTER) as uow:  # dragged to the next shift
        ts.update_assignment(uow, extra, ts.AssignmentData(**{**data.__dict__, "shift_id": shifts[1].id}), version)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.swap(uow, first.id, ts.SwapData(to_name=first.name, reason=""), first.version)
    assert fields_of(caught.value) == {"to_name": "替班人与原值班人相同", "reason": "请写明换班原因"}
    with unit_of_work(db, TESTER) as uow:
        ts.swap(uow, first.id, ts.SwapData(to_name="钱七", to_phone="13900000007", reason="家中有事"), first.version)
    with db.read() as s:
        row = s.get(DutyAssignment, first.id)
        assert row is not None and (row.name, row.phone) == ("钱七", "13900000007")
        swap = s.execute(select(DutySwap)).scalar_one()
        assert (swap.from_name, swap.to_name, swap.reason) == (first.name, "钱七", "家中有事")
        actions = {(a.entity, a.action) for a in s.scalars(select(AuditLog).where(AuditLog.entity.in_(
            ("duty_swap", "duty_assignment"))))}
        assert {("duty_swap", "insert"), ("duty_assignment", "update")} <= actions
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        ts.swap(uow, first.id, ts.SwapData(to_name="孙八", reason="再换"), first.version)
    start = datetime(2026, 12, 1, 17, 30)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.record_handover(uow, ts.HandoverData(shift_id=shifts[0].id, handed_at=start + timedelta(days=3)))
    assert fields_of(caught.value) == {"handed_at": "应在该班次前后 12 小时之内", "from_name": "不能为空",
                                       "to_name": "不能为空"}
    with unit_of_work(db, TESTER) as uow:
        ts.record_handover(uow, ts.HandoverData(shift_id=shifts[0].id, handed_at=start, from_name="钱七",
                                                to_name="值班员乙", open_matters="化工园区异味投诉待核实"))
    with db.read() as s:
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok


def test_shift_rules(db) -> None:
    w = build(db)
    with unit_of_work(db, TESTER) as uow:
        sid = ts.add_shift(uow, ts.ShiftData(point_id=w.room, day=date(2026, 12, 3), kind="night"))
    with db.read() as s:
        shift = s.get(DutyShift, sid)
        assert shift is not None and (shift.starts_at, shift.ends_at) == (datetime(2026, 12, 3, 17, 30),
                                                                          datetime(2026, 12, 4, 8, 30))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.add_shift(uow, ts.ShiftData(point_id=w.room, day=date(2026, 12, 3), kind="night"))
    assert fields_of(caught.value) == {"kind": "12月3日（周四）的夜班已排过"}
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ts.add_shift(uow, ts.ShiftData(point_id=w.point, day=date(2026, 12, 3), kind="night"))
    assert fields_of(caught.value) == {"kind": "请从 24小时班 中选择"}
    with db.read() as s:
        data, version = ts.load_point(s, w.room)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="已排有班次"):
        ts.update_point(uow, w.room, ts.PointData(**{**data.__dict__, "shift_set": "three"}), version)


def test_bulk_imports_check_every_row_first(db) -> None:
    with db.read() as s:
        problems = ts.check_teams(s, [team_data("甲队"), team_data("甲队"), team_data("", headcount=0)])
    assert [str(p) for p in problems] == ["第 2 行的队伍名称：队伍名称“甲队”与第 1 行重复", "第 3 行的队伍名称：不能为空",
                                          "第 3 行的编制人数：应在 1 到 10000 之间"]
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError):
        ts.import_teams(uow, [team_data("甲队"), team_data("甲队")])
    with unit_of_work(db, TESTER) as uow:
        ids = ts.import_teams(uow, [team_data("甲队"), team_data("乙队")])
        members = ts.import_members(uow, [ts.MemberData(team_id=ids[0], name="张三"), ts.MemberData(team_id=ids[1],
                                                                                                  name="李四")])
        ts.import_certificates(uow, [ts.CertificateData(member_id=members[0], cert_type="rescuer", number="A1")])
    with db.read() as s:
        problems = ts.check_certificates(s, [ts.CertificateData(member_id=members[1], cert_type="rescuer", number="A1"),
                                             ts.CertificateData(member_id=999, cert_type="x")])
        assert [str(p) for p in problems] == ["第 1 行的证书编号：该类证书编号“A1”已登记", "第 2 行的证书类型：请从 "
                                              + "、".join(c.label for c in rules.catalog().certificate_types.values())
                                              + " 中选择", "第 2 行的队员：所选队员已不存在"]
        assert verify_data(s, entity_classes()).ok
