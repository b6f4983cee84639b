"""The enterprise list as a paged table model over ``models.enterprises.service.count`` / ``page``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy.orm import Session

from desktop.kit.dates import local_time
from desktop.kit.marks import BLACKLIST_COLOUR, blacklist_tooltip
from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.enterprises import queries as enterprise_queries
from models.enterprises.queries import EnterpriseFilter, EnterpriseRow

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class EnterpriseTableModel(PagedTableModel[EnterpriseRow, EnterpriseFilter]):
    """企业 list: one row per enterprise of the current filter; pages fetched on demand."""

    NAME_COLUMN = 0
    INDUSTRY_COLUMN = 2
    RISK_COLUMN = 3
    REGION_COLUMN = 4
    DEPARTMENT_COLUMN = 5
    BLACKLIST_COLUMN = 9

    def __init__(self, db: Database, flt: EnterpriseFilter | None = None, *, runner: TaskRunner,
                 page_size: int = 100, cache_pages: int = 20, parent: Any = None) -> None:
        columns: list[Column[EnterpriseRow]] = [
            Column(self.tr("企业名称"), lambda r: r.name, "name", width=230,
                   tooltip=lambda r: f"{r.name}\n{r.address}"),
            Column(self.tr("统一社会信用代码"), lambda r: r.uscc, "uscc", width=165),
            Column(self.tr("行业"), lambda r: r.industry, "industry", width=110),
            Column(self.tr("风险等级"), lambda r: r.risk_level, "risk_level", width=76),
            Column(self.tr("所属区域"), lambda r: r.region, "region", width=170),
            Column(self.tr("监管部门"), lambda r: r.department, "department", width=120),
            Column(self.tr("主要负责人"), lambda r: r.principal, "principal", width=84),
            Column(self.tr("联系电话"), lambda r: r.principal_phone, None, width=110),
            Column(self.tr("从业人数"), lambda r: r.employees, "employees", align=_RIGHT, width=80),
            Column(self.tr("黑名单"), lambda r: r.blacklist, None, width=70,
                   tooltip=lambda r: blacklist_tooltip(r.name, r.blacklisted_on)),
            Column(self.tr("更新时间"), lambda r: local_time(r.updated_at, "%Y-%m-%d"), "updated_at", width=90,
                   tooltip=lambda r: local_time(r.updated_at)),  # the day in the list, the time in the tip
        ]
        super().__init__(db, flt or EnterpriseFilter(), columns, runner=runner, page_size=page_size,
                         cache_pages=cache_pages, sort="name", parent=parent)

    def query_count(self, session: Session, flt: EnterpriseFilter) -> int:
        return enterprise_queries.count(session, flt)

    def query_page(self, session: Session, flt: EnterpriseFilter, *, sort: str, descending: bool,
                   offset: int, limit: int, total: int) -> list[EnterpriseRow]:
        return enterprise_queries.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit,
                                       total=total)

    def decorate(self, row: EnterpriseRow, column: int, role: int) -> Any:
        if column == self.RISK_COLUMN and row.risk_color:
            if role == Qt.ItemDataRole.DecorationRole:
                return QColor(row.risk_color)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("风险等级：{0}").format(row.risk_level)
        if column == self.BLACKLIST_COLUMN and row.blacklist and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(BLACKLIST_COLOUR)
        return None

    def enterprise_at(self, row: int) -> EnterpriseRow | None:
        """The ``EnterpriseRow`` shown at ``row``."""
        return self.row_at(row)
