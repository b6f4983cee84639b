"""The drill list as a paged table model over ``models.drills.queries.count`` / ``page``, and the
frequency obligations of every enterprise as a plain table model (one background read)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from sqlalchemy.orm import Session

from desktop.kit.marks import BLACKLIST_COLOUR, blacklist_tooltip
from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.drills import queries as dq
from models.drills.entities import DRILL_CONTENTS, DRILL_FORMS
from models.drills.queries import DrillFilter, DrillRow, EnterpriseObligations
from models.drills.rules import ObligationStatus
from models.enterprises.queries import with_blacklist_mark

STATUS_COLOURS = {"planned": "#1F4E79", "preparing": "#7A5C00", "conducting": "#B35C00", "evaluating": "#6A3D9A",
                  "done": "#2E7D32", "cancelled": "#7F7F7F"}
OVERDUE = QColor("#D7263D")
SOON = QColor("#B35C00")
SOON_DAYS = 30


class DrillTableModel(PagedTableModel[DrillRow, DrillFilter]):
    """演练 list: one row per drill of the current filter; pages fetched on demand."""

    ENTERPRISE_COLUMN = 1
    TITLE_COLUMN = 2
    STATUS_COLUMN = 4

    def __init__(self, db: Database, flt: DrillFilter | None = None, *, runner: TaskRunner,
                 parent: Any = None) -> None:
        columns: list[Column[DrillRow]] = [
            Column(self.tr("计划时间"), lambda r: r.planned_at.strftime("%Y-%m-%d %H:%M"), "planned_at", width=124),
            Column(self.tr("企业"), lambda r: with_blacklist_mark(r.enterprise, r.enterprise_blacklisted_on),
                   "enterprise", width=220, tooltip=lambda r: blacklist_tooltip(r.enterprise, r.enterprise_blacklisted_on)),
            Column(self.tr("演练名称"), lambda r: r.title, "title", width=240,
                   tooltip=lambda r: "\n".join((r.title, *r.plans))),
            Column(self.tr("类别"), lambda r: f"{DRILL_CONTENTS[r.content_type][:2]}·{DRILL_FORMS[r.form][:2]}",
                   None, width=76),
            Column(self.tr("状态"), lambda r: r.status_label, "status", width=56),
            Column(self.tr("实施日期"), lambda r: r.held_on.isoformat() if r.held_on else "", None, width=90),
            Column(self.tr("评估"), lambda r: "" if r.score is None else f"{r.score:g} {r.grade}", None, width=72,
                   tooltip=lambda r: "" if r.score is None else self.tr("评估得分 {0:g}（满分 100），结论“{1}”").format(
                       r.score, r.grade)),
            Column(self.tr("地点"), lambda r: r.location, None, width=170),
            Column(self.tr("检验的预案"), lambda r: "、".join(r.plans), None, width=260),
        ]
        super().__init__(db, flt or DrillFilter(), columns, runner=runner, sort="planned_at", parent=parent)

    def query_count(self, session: Session, flt: DrillFilter) -> int:
        return dq.count(session, flt)

    def query_page(self, session: Session, flt: DrillFilter, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[DrillRow]:
        return dq.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit, total=total)

    def decorate(self, row: DrillRow, column: int, role: int) -> Any:
        if column == self.STATUS_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATUS_COLOURS.get(row.status, "#000000"))
        if column == self.ENTERPRISE_COLUMN and role == Qt.ItemDataRole.ForegroundRole and row.enterprise_blacklisted_on:
            return QColor(BLACKLIST_COLOUR)
        return None


class ObligationModel(QAbstractTableModel):
    """Every enterprise's drill obligations, overdue ones first (red), then the soonest due."""

    HEADERS = ("企业", "演练要求", "上次演练", "下次到期", "状态")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[EnterpriseObligations, ObligationStatus]] = []

    def set_rows(self, rows: list[EnterpriseObligations]) -> None:
        self.beginResetModel()
        items = [(r, o) for r in rows for o in r.obligations if o.applicable]
        self._rows = sorted(items, key=lambda item: (item[1].days_left if item[1].days_left is not None else 10**6,
                                                     item[0].enterprise))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def state_text(self, o: ObligationStatus) -> str:
        if o.days_left is None:
            return ""
        if o.days_left < 0:
            return self.tr("已逾期 {0} 天（{1}）").format(-o.days_left, o.period)
        return self.tr("还有 {0} 天（{1}）").format(o.days_left, o.period)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ent, o = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (ent.enterprise, o.label, o.last_drill.isoformat() if o.last_drill else self.tr("从未演练"),
                    o.due.isoformat() if o.due else "", self.state_text(o))[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4 and o.days_left is not None:
            return OVERDUE if o.days_left < 0 else SOON if o.days_left <= SOON_DAYS else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return o.source
        return None

    def overdue_count(self) -> int:
        return sum(1 for _e, o in self._rows if o.overdue)

    def row_at(self, row: int) -> tuple[EnterpriseObligations, ObligationStatus] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None
