"""The hazard list as a paged table model over ``models.oversight.queries.hazard_count`` /
``hazard_page``: a row per hazard with its status, level, enterprise (“【黑名单】某公司” while listed, as
every list marks it: ``with_blacklist_mark``, ``desktop.kit.marks``), the deadline and where it stands on
the day (已逾期 N 天 in red, coming due in amber), 挂牌督办."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy.orm import Session

from desktop.kit.marks import BLACKLIST_COLOUR, blacklist_tooltip
from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.oversight import queries as oq
from models.oversight.queries import HazardFilter, HazardRow

RED, AMBER, GREEN, GREY = QColor("#C0152F"), QColor("#B35C00"), QColor("#2E7D32"), QColor("#7F7F7F")
RED_BACK = QColor("#FDECEE")
STATUS_COLOURS = {"open": RED, "rectifying": AMBER, "recheck": QColor("#1F4E79"), "closed": GREEN}


def enterprise_text(row: HazardRow) -> str:
    return row.enterprise_text


def state_text(row: HazardRow) -> str:
    return row.state.text if row.status != "closed" else f"{row.closed_on.isoformat() if row.closed_on else ''} 销号"


def supervised_text(row: HazardRow) -> str:
    return f"挂牌督办（{row.supervising_unit}）" if row.supervised else ""


class HazardTableModel(PagedTableModel[HazardRow, HazardFilter]):
    """隐患 list: one row per hazard of the current filter, the nearest deadline first by default."""

    STATUS_COLUMN = 0
    LEVEL_COLUMN = 1
    ENTERPRISE_COLUMN = 2
    DESCRIPTION_COLUMN = 3
    STATE_COLUMN = 8

    def __init__(self, db: Database, flt: HazardFilter, *, runner: TaskRunner, parent: Any = None) -> None:
        columns: list[Column[HazardRow]] = [
            Column(self.tr("整改状态"), lambda r: r.status_label, "status", width=64),
            Column(self.tr("等级"), lambda r: r.level_label, "level", width=64),
            Column(self.tr("企业"), enterprise_text, "enterprise", width=200,
                   tooltip=lambda r: blacklist_tooltip(r.enterprise, r.blacklisted_on)),
            Column(self.tr("隐患描述"), lambda r: r.description, None, width=280, tooltip=lambda r: r.description),
            Column(self.tr("类别"), lambda r: r.category_label, "category", width=72),
            Column(self.tr("检查部门"), lambda r: r.department, "department", width=110),
            Column(self.tr("发现日期"), lambda r: r.found_on.isoformat(), "found", width=84),
            Column(self.tr("整改期限"), lambda r: r.deadline.isoformat(), "deadline", width=84),
            Column(self.tr("期限情况"), state_text, None, width=90),
            Column(self.tr("挂牌督办"), supervised_text, None, width=120, tooltip=supervised_text),
            Column(self.tr("责任人"), lambda r: r.responsible, None, width=64, tooltip=lambda r: r.responsible_phone),
            Column(self.tr("检查行动"), lambda r: r.campaign, None, width=140),
        ]
        super().__init__(db, flt, columns, runner=runner, sort="deadline", parent=parent)

    def query_count(self, session: Session, flt: HazardFilter) -> int:
        return oq.hazard_count(session, flt)

    def query_page(self, session: Session, flt: HazardFilter, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[HazardRow]:
        return oq.hazard_page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit, total=total)

    def decorate(self, row: HazardRow, column: int, role: int) -> Any:
        foreground = role == Qt.ItemDataRole.ForegroundRole
        if column == self.STATUS_COLUMN and foreground:
            return STATUS_COLOURS.get(row.status)
        if column == self.LEVEL_COLUMN and row.level == "major":
            if foreground:
                return RED
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if column == self.ENTERPRISE_COLUMN and foreground and row.blacklisted:
            return QColor(BLACKLIST_COLOUR)
        if column == self.STATE_COLUMN:
            if foreground:
                return {"overdue": RED, "coming_due": AMBER, "closed": GREY}.get(row.state.key)
            if role == Qt.ItemDataRole.BackgroundRole and row.overdue:
                return QBrush(RED_BACK)
        if foreground and row.overdue and column in (self.DESCRIPTION_COLUMN, 7):
            return RED
        return None
