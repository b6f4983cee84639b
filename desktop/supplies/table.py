"""The stock table (a batch in a warehouse per row) as a paged model over
``models.supplies.queries.count`` / ``page``, with the alerts in colour; with the filter's ``deleted``
the 回收站 instead (``trash_count`` / ``trash_page``: deleted batches, items and warehouses, a row
each, in the same columns plus what it is and when it was deleted)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy.orm import Session

from desktop.kit.dates import local_time
from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.supplies import queries as sq
from models.supplies.queries import StockFilter, StockRow, TrashRow

ListRow = StockRow | TrashRow

DANGER = QColor("#C0152F")
WARNING = QColor("#B35C00")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def alerts_text(row: ListRow) -> str:
    return "、".join(a.label for a in row.alerts)


def alerts_tip(row: ListRow) -> str:
    return "\n".join(str(a) for a in row.alerts)


def deleted_text(row: ListRow) -> str:
    if not isinstance(row, TrashRow):
        return ""
    return f"{local_time(row.deleted_at)}　{row.deleted_by or ''}".rstrip()


class StockTableModel(PagedTableModel[ListRow, StockFilter]):
    """库存 list: one row per batch and warehouse of the current filter; pages fetched on demand. In
    the 回收站 (``StockFilter.deleted``) a row per deleted batch, item or warehouse."""

    NAME_COLUMN = 2
    BOOK_COLUMN = 6
    USABLE_COLUMN = 7
    ALERT_COLUMN = 9
    RECORD_COLUMN = 10
    DELETED_COLUMN = 11
    STOCK_ONLY = (BOOK_COLUMN, USABLE_COLUMN, ALERT_COLUMN)
    TRASH_ONLY = (RECORD_COLUMN, DELETED_COLUMN)

    def __init__(self, db: Database, flt: StockFilter, *, runner: TaskRunner, parent: Any = None) -> None:
        columns: list[Column[ListRow]] = [
            Column(self.tr("储备库"), lambda r: r.warehouse, "warehouse", width=170),
            Column(self.tr("物资编码"), lambda r: r.item_code, "item", width=90),
            Column(self.tr("物资名称"), lambda r: r.item, "name", width=180,
                   tooltip=lambda r: f"{r.item}（{r.spec}）" if r.spec else r.item),
            Column(self.tr("规格型号"), lambda r: r.spec, None, width=120),
            Column(self.tr("批次号"), lambda r: r.batch_no, "batch", width=110),
            Column(self.tr("单位"), lambda r: r.unit, None, width=44),
            Column(self.tr("账面数量"), lambda r: r.book_qty, "quantity", align=RIGHT, width=72),
            Column(self.tr("可用数量"), lambda r: r.usable_qty, None, align=RIGHT, width=72,
                   tooltip=lambda r: r.usable_reason),
            Column(self.tr("有效期至"), lambda r: r.expires_on.isoformat() if r.expires_on else "", "expires_on",
                   width=90),
            Column(self.tr("预警"), alerts_text, None, width=200, tooltip=alerts_tip),
            Column(self.tr("类型"), lambda r: r.record_label if isinstance(r, TrashRow) else "", None, width=60),
            Column(self.tr("删除时间、删除人"), deleted_text, None, width=170),
        ]
        super().__init__(db, flt, columns, runner=runner, sort="expires_on", parent=parent)

    def query_count(self, session: Session, flt: StockFilter) -> int:
        return sq.trash_count(session, flt) if flt.deleted else sq.count(session, flt)

    def query_page(self, session: Session, flt: StockFilter, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[ListRow]:
        if flt.deleted:
            return list(sq.trash_page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit))
        return list(sq.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit, total=total))

    def decorate(self, row: ListRow, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.ForegroundRole:
            return None
        if column == self.ALERT_COLUMN and row.alerts:
            return DANGER if any(a.severity == "danger" for a in row.alerts) else WARNING
        if column == self.USABLE_COLUMN and row.usable_qty < row.book_qty:
            return DANGER
        return None
