"""The home page's list of everything due (``models.modules.due_items``) as an Excel workbook, as the
page shows it (its filter and order) or as the ``due`` command lists it, through ``exports.excel``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from exports.excel import ALERT, DATE_FORMAT, PLAIN, Sheet, SheetColumn, export_rows
from models.core.due import DueItem
from models.core.progress import NULL_PROGRESS, Progress

DUE_SHEET = "到期事项"

DUE_COLUMNS: tuple[SheetColumn[DueItem], ...] = (
    SheetColumn("紧急程度", 9, lambda i: i.severity_label, style=lambda i: ALERT if i.severity == "danger" else PLAIN),
    SheetColumn("模块", 7, lambda i: i.module_label),
    SheetColumn("事项", 12, lambda i: i.kind_label),
    SheetColumn("企业", 32, lambda i: i.enterprise or "—"),
    SheetColumn("对象", 40, lambda i: i.title),
    SheetColumn("到期日", 12, lambda i: i.due_on, DATE_FORMAT),
    SheetColumn("剩余/逾期", 14, lambda i: i.when_text, style=lambda i: ALERT if i.overdue else PLAIN),
    SheetColumn("逾期天数", 9, lambda i: -i.days if i.days is not None and i.days < 0 else 0),
    SheetColumn("说明", 70, lambda i: i.detail),
)


def export_due(items: Sequence[DueItem], path: Path, *, progress: Progress = NULL_PROGRESS) -> int:
    """Write ``items`` (in their order) to the .xlsx file ``path``; return the row count."""
    return export_rows(path, Sheet(DUE_SHEET, "到期和逾期事项", DUE_COLUMNS), iter(items), len(items), progress)
