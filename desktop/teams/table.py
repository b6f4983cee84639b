"""The team list as a paged table model over ``models.teams.queries.count`` / ``page``: a row per
rescue team with its readiness (就绪 / 基本就绪 / 不就绪 in green, amber, red, and what pulls it down);
with the filter's ``deleted`` the 回收站's deleted teams (their readiness is not computed)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.orm import Session

from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.teams import queries as tq
from models.teams.queries import TeamFilter, TeamRow

STATUS_COLOURS = {"green": QColor("#2E7D32"), "amber": QColor("#B35C00"), "red": QColor("#C0152F"),
                  "na": QColor("#7F7F7F")}
"""Readiness (and a factor's status) in the house's colours: 就绪 green, 基本就绪 amber, 不就绪 red."""
STATUS_BACKGROUNDS = {"green": QColor("#E8F5E9"), "amber": QColor("#FFF4E0"), "red": QColor("#FDECEE")}
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def reasons_text(row: TeamRow) -> str:
    return "；".join(row.readiness.reasons[:2]) if row.readiness else ""


def reasons_tip(row: TeamRow) -> str:
    r = row.readiness
    if r is None:
        return ""
    lines = [f"{r.label}（得分 {r.score:.0f}）"]
    lines += [f"{f.label}：{f.value_text}（{f.status_label}）— {f.explanation}" for f in r.factors if f.status != "na"]
    return "\n".join(lines)


class TeamTableModel(PagedTableModel[TeamRow, TeamFilter]):
    """队伍 list: one row per team of the current filter, 不就绪 first by default; pages on demand."""

    STATUS_COLUMN = 0
    NAME_COLUMN = 1
    REASONS_COLUMN = 10

    def __init__(self, db: Database, flt: TeamFilter, *, runner: TaskRunner, parent: Any = None) -> None:
        columns: list[Column[TeamRow]] = [
            Column(self.tr("就绪状态"), lambda r: r.status_label if r.readiness else self.tr("已删除"), "readiness",
                   width=72, tooltip=reasons_tip),
            Column(self.tr("队伍名称"), lambda r: r.name, "name", width=220),
            Column(self.tr("类型"), lambda r: r.kind_label, "kind", width=56,
                   tooltip=lambda r: self.tr("协议单位：{0}").format(r.agreement_party) if r.agreement_party else ""),
            Column(self.tr("专业"), lambda r: "、".join(r.specialty_labels), None, width=120),
            Column(self.tr("所在区域"), lambda r: r.region, "region", width=90),
            Column(self.tr("所属企业"), lambda r: r.owner_enterprise, None, width=160),
            Column(self.tr("队长"), lambda r: r.leader, None, width=64,
                   tooltip=lambda r: r.leader_phone),
            Column(self.tr("24小时值班电话"), lambda r: r.duty_phone, None, width=110),
            Column(self.tr("编制"), lambda r: r.headcount, "headcount", align=RIGHT, width=44),
            Column(self.tr("得分"), lambda r: f"{r.readiness.score:.0f}" if r.readiness else "", None, align=RIGHT,
                   width=44),
            Column(self.tr("主要问题"), reasons_text, None, width=300, tooltip=reasons_tip),
        ]
        super().__init__(db, flt, columns, runner=runner, sort="readiness", parent=parent)

    def query_count(self, session: Session, flt: TeamFilter) -> int:
        return tq.count(session, flt)

    def query_page(self, session: Session, flt: TeamFilter, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[TeamRow]:
        return tq.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit, total=total)

    def decorate(self, row: TeamRow, column: int, role: int) -> Any:
        r = row.readiness
        if r is None:
            return None
        if column == self.STATUS_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return STATUS_COLOURS[r.status]
        if column == self.STATUS_COLUMN and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(STATUS_BACKGROUNDS[r.status])
        if column == self.REASONS_COLUMN and role == Qt.ItemDataRole.ForegroundRole and r.status != "green":
            return STATUS_COLOURS[r.status]
        return None
