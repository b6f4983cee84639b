"""The 值班 page's world, built through the real services (``tests.models.teams.world``): the team's
24-hour point and the district duty room, the duty room's November roster from a rotation, and one
night of it whose 带班领导 was taken off — the hole the page must show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.core.database import Database
from models.core.uow import unit_of_work
from models.teams import queries as tq
from models.teams import rules
from models.teams import service as ts
from tests.factories import TESTER
from tests.models.teams.world import AS_OF, World, build

TODAY = AS_OF  # 2026-11-29, a Sunday: next month is December 2026
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
HOLE = date(2026, 11, 20)  # the night whose leader is taken off
LEADERS = (rules.Person("张志强", "13905391001"), rules.Person("李红梅", "13905391002"))
STAFF = (rules.Person("赵磊", "13905392001"), rules.Person("钱芳", "13905392002"),
         rules.Person("孙浩", "13905392003"))


@dataclass
class DutyWorld:
    world: World
    room: int
    point: int
    hole_shift: int  # the night of HOLE, without its leader


def generate(db: Database, point: int, start: date, end: date, *, leaders: tuple[rules.Person, ...] = LEADERS,
             staff: tuple[rules.Person, ...] = STAFF, per: int = 1) -> ts.GeneratedRoster:
    with unit_of_work(db, TESTER) as uow:
        return ts.generate_roster(uow, point, start, end, rules.RotationPattern(leaders, staff, per))


def shift_of(db: Database, point: int, day: date, kind: str) -> tq.ShiftRow:
    with db.read() as s:
        return next(x for x in tq.roster(s, point, day, day).shifts if x.kind == kind)


def take_leader_off(db: Database, point: int, day: date, kind: str = "night") -> int:
    """Remove the leader of one shift (through the service); returns the shift's id."""
    shift = shift_of(db, point, day, kind)
    leader = shift.leaders[0]
    with unit_of_work(db, TESTER) as uow:
        ts.remove_assignment(uow, leader.id, expected_version=leader.version)
    return shift.id


def build_duty(db: Database) -> DutyWorld:
    w = build(db)
    generate(db, w.room, *NOVEMBER)
    hole = take_leader_off(db, w.room, HOLE)
    return DutyWorld(w, w.room, w.point, hole)
