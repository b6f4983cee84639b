"""The drills list (应急演练台账) as an Excel workbook, through the writer of ``exports.excel``: the
list's filter and order, every row (read in batches), the columns the desk works with."""

from __future__ import annotations

from pathlib import Path

from exports.excel import DATE_FORMAT, TIME_FORMAT, Sheet, SheetColumn, batches, check_sort, export_rows
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.drills import queries as drill_queries
from models.drills.entities import DRILL_CONTENTS, DRILL_FORMS, DRILL_PURPOSES
from models.drills.queries import DrillFilter, DrillRow

DRILL_SHEET = "应急演练台账"

DRILL_COLUMNS: tuple[SheetColumn[DrillRow], ...] = (
    SheetColumn("演练编号", 20, lambda r: r.drill_no),
    SheetColumn("企业名称", 36, lambda r: r.enterprise),
    SheetColumn("演练名称", 40, lambda r: r.title),
    SheetColumn("演练内容", 10, lambda r: DRILL_CONTENTS.get(r.content_type, r.content_type)),
    SheetColumn("组织形式", 10, lambda r: DRILL_FORMS.get(r.form, r.form)),
    SheetColumn("演练目的", 12, lambda r: DRILL_PURPOSES.get(r.purpose, r.purpose)),
    SheetColumn("计划时间", 18, lambda r: r.planned_at, TIME_FORMAT),
    SheetColumn("实施日期", 12, lambda r: r.held_on, DATE_FORMAT),
    SheetColumn("演练地点", 24, lambda r: r.location),
    SheetColumn("状态", 8, lambda r: r.status_label),
    SheetColumn("评估得分", 10, lambda r: r.score),
    SheetColumn("评估结论", 10, lambda r: r.grade),
    SheetColumn("检验的预案", 60, lambda r: "；".join(r.plans)),
)


def export_drills(db: Database, flt: DrillFilter, path: Path, *, sort: str = "planned_at", descending: bool = False,
                  progress: Progress = NULL_PROGRESS) -> int:
    """Write every drill matching ``flt`` to the .xlsx file ``path``; return the row count (a cancel
    raises ``Cancelled`` and leaves no file; an existing file is replaced only on success)."""
    check_sort(sort, tuple(drill_queries.SORT_COLUMNS))
    with db.read() as session:
        total = drill_queries.count(session, flt)
    rows = batches(db, lambda session, offset, limit: drill_queries.page(
        session, flt, sort=sort, descending=descending, offset=offset, limit=limit), lambda r: r.id)
    return export_rows(Path(path), Sheet(DRILL_SHEET, "应急演练台账导出", DRILL_COLUMNS), rows, total, progress)
