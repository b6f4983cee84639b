"""The enterprise register (企业名录) as an Excel workbook, through the writer of ``exports.excel``."""

from __future__ import annotations

from pathlib import Path

from exports.excel import (
    ALERT,
    DATE_FORMAT,
    PLAIN,
    TIME_FORMAT,
    Sheet,
    SheetColumn,
    batches,
    check_sort,
    colour_cell,
    export_rows,
    local_time,
)
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.enterprises import queries as enterprise_queries
from models.enterprises.queries import EnterpriseFilter, EnterpriseRow
from models.enterprises.rules import unit_facts

ENTERPRISE_SHEET = "企业名录"


def yes_no(value: object) -> str:
    return "是" if value else "否"


def _fact_columns() -> tuple[SheetColumn[EnterpriseRow], ...]:
    """One 是/否 column per unit fact (中型及以上规模, 使用危险化学品达到规定数量), headed by its label."""
    return tuple(SheetColumn(fact.label, max(10, 2 * len(fact.label) + 2),
                             lambda r, field=fact.field: yes_no(getattr(r, field)))
                 for fact in unit_facts())


ENTERPRISE_COLUMNS: tuple[SheetColumn[EnterpriseRow], ...] = (
    SheetColumn("企业名称", 42, lambda r: r.name),
    SheetColumn("统一社会信用代码", 22, lambda r: r.uscc),
    SheetColumn("行业", 18, lambda r: r.industry),
    SheetColumn("风险等级", 10, lambda r: r.risk_level, style=lambda r: colour_cell(r.risk_color)),
    SheetColumn("所属区域", 24, lambda r: r.region),
    SheetColumn("监管部门", 18, lambda r: r.department),
    SheetColumn("地址", 46, lambda r: r.address),
    SheetColumn("主要负责人", 12, lambda r: r.principal),
    SheetColumn("联系电话", 16, lambda r: r.principal_phone),
    SheetColumn("从业人数", 10, lambda r: r.employees),
    *_fact_columns(),
    SheetColumn("黑名单", 10, lambda r: r.blacklist, style=lambda r: ALERT if r.blacklisted_on else PLAIN),
    SheetColumn("列入黑名单日期", 14, lambda r: r.blacklisted_on, DATE_FORMAT),
    SheetColumn("更新时间", 18, lambda r: local_time(r.updated_at), TIME_FORMAT),
)


def export_enterprises(db: Database, flt: EnterpriseFilter, path: Path, *, sort: str = "name",
                       descending: bool = False, progress: Progress = NULL_PROGRESS) -> int:
    """Write every enterprise matching ``flt`` to the .xlsx file ``path``; return the row count.

    Reports ``progress.report(done, total, "正在导出…")``; a cancel raises ``Cancelled`` and
    leaves no file. An existing file at ``path`` is replaced only when the export succeeds.
    """
    check_sort(sort, enterprise_queries.SORT_KEYS)
    with db.read() as session:
        total = enterprise_queries.count(session, flt)
    rows = batches(db, lambda session, offset, limit: enterprise_queries.page(
        session, flt, sort=sort, descending=descending, offset=offset, limit=limit), lambda r: r.id)
    sheet = Sheet(ENTERPRISE_SHEET, "企业名录导出", ENTERPRISE_COLUMNS)
    return export_rows(Path(path), sheet, rows, total, progress)
