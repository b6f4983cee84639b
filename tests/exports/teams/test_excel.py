"""The roster in Excel: one row per shift in time order with the leader, staff and phones, a row for
each gap, each row's problems marked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from exports.teams.excel import export_roster
from models.core.uow import unit_of_work
from models.teams import service as ts
from models.teams.entities import DutyAssignment, DutyShift
from tests.factories import TESTER
from tests.models.teams.world import build, roster


def test_roster_export_contents(db, tmp_path: Path) -> None:
    w = build(db)
    roster(db, w.room, date(2026, 12, 1), date(2026, 12, 3), leaders=("李局长",), staff=("值班员甲", "值班员乙"))
    with db.read() as s:
        night = s.execute(select(DutyShift).where(DutyShift.point_id == w.room, DutyShift.day == date(2026, 12, 2),
                                                  DutyShift.kind == "night")).scalar_one()
        leader = s.execute(select(DutyAssignment).where(DutyAssignment.shift_id == night.id,
                                                        DutyAssignment.role == "leader")).scalar_one()
        day = s.execute(select(DutyShift).where(DutyShift.point_id == w.room, DutyShift.day == date(2026, 12, 3),
                                                DutyShift.kind == "day")).scalar_one()
    with unit_of_work(db, TESTER) as uow:
        ts.remove_assignment(uow, leader.id, leader.version)
        ts.delete_shift(uow, day.id, day.version)
    path = tmp_path / "值班表.xlsx"
    assert export_roster(db, w.room, date(2026, 12, 1), date(2026, 12, 3), path) == 6  # five shifts and a gap
    ws = load_workbook(path)["值班表"]
    rows = [[c.value for c in row] for row in ws.iter_rows(values_only=False)]
    assert rows[0] == ["值班日", "星期", "班次", "时间", "带班领导", "带班领导电话", "值班员", "值班员电话", "交接班", "问题"]
    body = rows[1:]
    assert [(r[1], r[2], r[3]) for r in body] == [("周二", "白班", "08:30—17:30"), ("周二", "夜班", "17:30—次日08:30"),
                                                 ("周三", "白班", "08:30—17:30"), ("周三", "夜班", "17:30—次日08:30"),
                                                 ("周四", "（未排班）", "08:30—17:30"), ("周四", "夜班", "17:30—次日08:30")]
    assert body[0][4] == "李局长" and body[0][6] == "值班员甲"
    assert body[3][4] is None and body[3][9] == "12月2日（周三）夜班无带班领导"
    assert body[4][9] == "12月3日（周四）白班（08:30—17:30）无人值班"
    assert ws.cell(5, 10).font.color.rgb.endswith("D7263D")  # the problem marked
    assert load_workbook(path).properties.subject == "江城区应急管理局应急值班室值班表（2026-12-01 至 2026-12-03）"
