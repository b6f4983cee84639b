"""The home page's world, built through the real services: two enterprises with a plan each (one's filing
long overdue, the other's coming due), the supplies world with an expired batch and one expiring in 20
days, and the duty world (a team not ready, the duty room's November roster with a hole and December not
rostered yet: roster gaps in the coming week)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from models.core.database import Database
from tests.desktop.teams.duty_world import TODAY, DutyWorld, build_duty
from tests.factories import create_enterprise
from tests.models.supplies.world import World as SupplyWorld
from tests.models.supplies.world import add_batch, move
from tests.models.supplies.world import build as build_supplies
from tests.models.test_due import _publish

__all__ = ["TODAY", "HomeWorld", "build_home"]


@dataclass
class HomeWorld:
    enterprise: int
    other: int
    late_plan: int  # its filing is overdue
    soon_plan: int  # filing due in the coming weeks
    supplies: SupplyWorld
    expired: int  # a batch expired 3 days ago (in ``supplies.north``)
    expiring: int  # a batch expiring in 20 days
    duty: DutyWorld


def build_home(db: Database) -> HomeWorld:
    ent = create_enterprise(db, 1)
    other = create_enterprise(db, 2)
    late = _publish(db, ent, "YA-01", TODAY - timedelta(days=60))
    soon = _publish(db, other, "YA-02", TODAY - timedelta(days=2))
    supplies = build_supplies(db)
    expired = add_batch(db, supplies.item, "B-OLD", TODAY - timedelta(days=3))
    move(db, "receive", expired, supplies.north, 2)
    expiring = add_batch(db, supplies.item, "B-SOON", TODAY + timedelta(days=20))
    move(db, "receive", expiring, supplies.north, 2)
    return HomeWorld(ent, other, late, soon, supplies, expired, expiring, build_duty(db))
