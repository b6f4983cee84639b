"""The plan list (预案清单) with its deadlines as an Excel workbook, through ``exports.excel``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from exports.excel import (
    ALERT,
    DATE_FORMAT,
    PLAIN,
    TIME_FORMAT,
    CellStyle,
    Sheet,
    SheetColumn,
    batches,
    check_sort,
    export_rows,
    local_time,
)
from models.core.calendar import load_calendar
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.enterprises.queries import with_blacklist_mark
from models.plans import queries as pq
from models.plans.deadlines import PlanDeadlines, plan_deadlines
from models.plans.queries import PlanFilter, PlanRow
from models.plans.rules import Status

PLAN_SHEET = "预案清单"


@dataclass(frozen=True)
class PlanLine:
    """A plan of the list with its deadlines on the export's day."""

    row: PlanRow
    deadlines: PlanDeadlines

    @property
    def id(self) -> int:
        return self.row.id


def _due_date(line: PlanLine, kind: str) -> date | None:
    found = line.deadlines.due(kind)
    return found.due if found is not None else None


def _next_due(line: PlanLine) -> str:
    found = line.deadlines.next_due
    return found.describe() if found is not None else ""


def _next_due_style(line: PlanLine) -> CellStyle:
    found = line.deadlines.next_due
    return ALERT if found is not None and found.status is Status.OVERDUE else PLAIN


PLAN_COLUMNS: tuple[SheetColumn[PlanLine], ...] = (
    SheetColumn("预案编号", 16, lambda p: p.row.plan_no),
    SheetColumn("预案名称", 44, lambda p: p.row.title),
    SheetColumn("企业", 32, lambda p: with_blacklist_mark(p.row.enterprise, p.row.enterprise_blacklisted_on),
                style=lambda p: ALERT if p.row.enterprise_blacklisted_on else PLAIN),
    SheetColumn("类型", 14, lambda p: p.row.kind_label),
    SheetColumn("状态", 9, lambda p: p.row.status_label),
    SheetColumn("版本号", 9, lambda p: p.row.version_label),
    SheetColumn("发布日期", 12, lambda p: p.row.in_force_publish_date, DATE_FORMAT),  # as the list shows it
    SheetColumn("备案期限", 12, lambda p: _due_date(p, "filing"), DATE_FORMAT),
    SheetColumn("备案申报日期", 13, lambda p: p.row.filing_submitted_date, DATE_FORMAT),
    SheetColumn("评估期限", 12, lambda p: _due_date(p, "evaluation"), DATE_FORMAT),
    SheetColumn("下一期限", 34, _next_due, style=_next_due_style),
    SheetColumn("逾期", 12, lambda p: p.deadlines.overdue_text,
                style=lambda p: ALERT if p.deadlines.overdue else PLAIN),
)
DELETED_PLAN_COLUMN: SheetColumn[PlanLine] = SheetColumn("删除时间", 18, lambda p: local_time(p.row.deleted_at),
                                                         TIME_FORMAT)


def export_plans(db: Database, flt: PlanFilter, path: Path, *, as_of: date, sort: str = "enterprise",
                 descending: bool = False, progress: Progress = NULL_PROGRESS) -> int:
    """Write every plan matching ``flt`` (in the list's order) with its deadlines on ``as_of`` to
    the .xlsx file ``path``; return the row count. Progress, cancel and failure as
    ``exports.enterprises.excel.export_enterprises``. The recycle bin's export (``flt.deleted``)
    adds the time of deletion.
    """
    check_sort(sort, pq.SORT_KEYS)
    with db.read() as session:
        total = pq.count(session, flt)
        calendar = load_calendar(session)

    def fetch(session: Session, offset: int, limit: int) -> list[PlanLine]:
        rows = pq.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit)
        return [PlanLine(row, plan_deadlines(row, as_of, calendar=calendar)) for row in rows]

    columns = PLAN_COLUMNS + ((DELETED_PLAN_COLUMN,) if flt.deleted else ())
    sheet = Sheet(PLAN_SHEET, "预案清单导出（期限按 " + as_of.isoformat() + " 计算）", columns)
    return export_rows(Path(path), sheet, batches(db, fetch, lambda line: line.id), total, progress)
