"""A small teams world built through the real services: a 专职 hazardous-chemicals team with its
members, certificates, equipment, training and a duty point, and a district duty room."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.core import reference
from models.core.database import Database
from models.core.uow import unit_of_work
from models.teams import rules
from models.teams import service as ts
from tests.factories import TESTER

AS_OF = date(2026, 11, 29)


@dataclass
class World:
    team: int
    members: list[int]  # captain, then six members
    certificates: list[int]  # one 应急救援员 certificate per member, in the members' order
    point: int  # the team's duty point (24-hour shifts)
    room: int  # the district bureau's duty room (白班、夜班)
    region: int


def team_data(name: str = "临江市危险化学品应急救援中队", **kw: object) -> ts.TeamData:
    data = ts.TeamData(name=name, kind="professional", specialties=("hazchem",), headcount=7, leader="王建国",
                       leader_phone="13905390001", duty_phone="0539-8123119", turnout_minutes=3,
                       base_address="化工园区应急救援站")
    for k, v in kw.items():
        setattr(data, k, v)
    return data


def build(db: Database) -> World:
    with db.read() as s:
        region = next(r for r in reference.regions(s) if r.level == 2).id
    with unit_of_work(db, TESTER) as uow:
        team = ts.create_team(uow, team_data(region_id=region))
        members = [ts.create_member(uow, ts.MemberData(team_id=team, name="王建国", position="captain",
                                                       born_on=date(1980, 5, 1), phone="13905390001",
                                                       medical_checked_on=AS_OF - timedelta(days=30),
                                                       experience_years=12))]
        for n in range(6):
            members.append(ts.create_member(uow, ts.MemberData(team_id=team, name=f"队员{n + 1}", position="member",
                                                               phone=f"1390539010{n}", born_on=date(1995, 1, n + 1),
                                                               medical_checked_on=AS_OF - timedelta(days=60))))
        certs = [ts.add_certificate(uow, ts.CertificateData(member_id=m, cert_type="rescuer", number=f"YJ2024{n:04d}",
                                                            issued_on=date(2024, 1, 1), expires_on=date(2027, 12, 31)))
                 for n, m in enumerate(members)]
        version = ts.load_team(uow.session, team)[1]
        ts.set_equipment(uow, team, [ts.EquipmentLine("正压式空气呼吸器", 10, category="protection"),
                                     ts.EquipmentLine("重型防化服", 4, category="protection")], version)
        ts.add_training(uow, ts.TrainingData(team_id=team, held_on=AS_OF - timedelta(days=10), content="堵漏训练",
                                             hours=3, result="合格"))
        ts.add_training(uow, ts.TrainingData(team_id=team, held_on=AS_OF - timedelta(days=60), content="泄漏处置演练",
                                             kind="drill", hours=4))
        point = ts.create_point(uow, ts.PointData(name="危化救援中队值班点", kind="team", team_id=team))
        room = ts.create_point(uow, ts.PointData(name="江城区应急管理局应急值班室", kind="duty_room", region_id=region))
    return World(team, members, certs, point, room, region)


def roster(db: Database, point: int, start: date, end: date, *, leaders: tuple[str, ...] = ("王建国",),
           staff: tuple[str, ...] = ("队员1", "队员2", "队员3", "队员4"), per: int = 1) -> ts.GeneratedRoster:
    pattern = rules.RotationPattern(tuple(rules.Person(n) for n in leaders), tuple(rules.Person(n) for n in staff), per)
    with unit_of_work(db, TESTER) as uow:
        return ts.generate_roster(uow, point, start, end, pattern)
