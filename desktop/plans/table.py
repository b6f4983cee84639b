"""The plan list as a paged table model over ``plan_service.plan_count`` / ``plan_page``.

Each row also shows where its deadlines stand (``plan_deadlines``): the next one due and which
are overdue. ``as_of`` is read from the clock here, at the UI boundary, once per refresh, and the
holiday calendar is loaded once per refresh in the same short background read as the count
(``read_context``), both taken over with the rows (``use_context``); deadlines are computed per row
when first shown and kept until the next refresh. The columns sort in SQL
(``plan_page``'s sort keys), except the two deadline columns: they are computed in Python from
the holiday calendar, so SQL cannot order by them and their headers do not react to clicks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy.orm import Session

from desktop.kit.dates import local_time
from desktop.kit.marks import BLACKLIST_COLOUR, blacklist_tooltip
from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.tasks import TaskRunner
from models.core.calendar import load_calendar
from models.core.database import Database
from models.core.workdays import HolidayCalendar
from models.enterprises.queries import with_blacklist_mark
from models.plans import queries as pq
from models.plans.deadlines import Deadline, PlanDeadlines, plan_deadlines
from models.plans.queries import PlanFilter, PlanRow
from models.plans.rules import Status

TITLE_MIN_WIDTH = 150
ENTERPRISE_MAX_WIDTH = 160  # a longer name is cut with “…” (its tooltip and the 预案体系 title have it all)
DEADLINE_WIDEST = "备案审查：2026-12-07（即将到期）"
"""The longest next deadline the list shows whole (the authority's check of a filing, due soon): the
column is at most this wide. A longer one (需修订（…）) is cut with “…”; the tooltip has all of it."""
KIND_SHORT = {"comprehensive": "综合预案", "special": "专项预案", "onsite": "现场处置", "card": "处置卡"}
STATUS_COLOURS = {"draft": "#5A6570", "reviewing": "#1F5FA8", "published": "#2E7D32", "filed": "#1B5E20",
                  "revising": "#B35C00", "retired": "#9AA3AB"}
OVERDUE_COLOUR = "#D7263D"
DUE_SOON_COLOUR = "#B35C00"
ESTIMATE_COLOUR = "#8A6D00"
IN_FORCE_COLOUR = "#5A6570"


def deadline_text(item: Deadline) -> str:
    """The next deadline as the list shows it: “评估：2028-06-11”, with the state only when it
    needs attention (“备案：2026-02-03（已逾期）”); the tooltip has every deadline in full."""
    label = item.label.removesuffix("期限")
    when = item.due.isoformat() if item.due else "—"
    return f"{label}：{when}（{item.status.label}）" if item.status.needs_attention else f"{label}：{when}"


def short_title(row: PlanRow) -> str:
    """The title without the enterprise's name it starts with (the 企业 column says it; the
    tooltip shows the whole title): “临江华康水务有限公司生产安全事故综合应急预案” → “生产安全事故综合应急预案”."""
    return row.title.removeprefix(row.enterprise) or row.title


def _publish_date_text(row: PlanRow) -> str:
    """The publish date of the content in force (during a revision: the version still in force)."""
    published = row.in_force_publish_date
    return published.isoformat() if published else ""


class PlanTableModel(PagedTableModel[PlanRow, PlanFilter]):
    """预案 list: enterprise, number, title, kind, status, version, publish date, deadlines, and the
    time of deletion (shown in the recycle bin only)."""

    ENTERPRISE_COLUMN = 0
    TITLE_COLUMN = 2
    STATUS_COLUMN = 4
    PUBLISH_COLUMN = 6
    DEADLINE_COLUMN = 7
    OVERDUE_COLUMN = 8
    DELETED_COLUMN = 9

    def __init__(self, db: Database, flt: PlanFilter | None = None, *, runner: TaskRunner,
                 today: Callable[[], date] = date.today, page_size: int = 100, cache_pages: int = 20,
                 parent: Any = None) -> None:
        columns: list[Column[PlanRow]] = [
            Column(self.tr("企业"), lambda r: with_blacklist_mark(r.enterprise, r.enterprise_blacklisted_on),
                   "enterprise", width=130, tooltip=lambda r: blacklist_tooltip(r.enterprise, r.enterprise_blacklisted_on)),
            Column(self.tr("预案编号"), lambda r: r.plan_no, "plan_no", width=86),
            Column(self.tr("预案名称"), short_title, "title", width=TITLE_MIN_WIDTH, tooltip=lambda r: r.title),
            Column(self.tr("类型"), lambda r: KIND_SHORT.get(r.kind, r.kind_label), "kind", width=80,
                   tooltip=lambda r: r.kind_label),
            Column(self.tr("状态"), lambda r: r.status_label, "status", width=64),
            Column(self.tr("版本号"), lambda r: r.version_label, "version_label", width=64),
            Column(self.tr("发布日期"), _publish_date_text, "publish_date", width=90,
                   tooltip=self._publish_date_tooltip),
            Column(self.tr("下一期限"), self._next_due_text, width=198, tooltip=self._deadline_tooltip),
            Column(self.tr("逾期"), lambda r: self.deadlines(r).overdue_text, width=58),
            Column(self.tr("删除时间"), lambda r: local_time(r.deleted_at), "deleted_at", width=130),
        ]
        super().__init__(db, flt or PlanFilter(), columns, runner=runner, page_size=page_size,
                         cache_pages=cache_pages, sort="enterprise", parent=parent)
        self._today = today
        self.as_of: date = today()
        self.calendar: HolidayCalendar | None = None
        self._deadlines: dict[tuple[int, int], PlanDeadlines] = {}

    # --- queries -------------------------------------------------------------------------------------

    def read_context(self, session: Session, flt: PlanFilter) -> tuple[date, HolidayCalendar]:
        """The day the deadlines are for and the holiday calendar (worker thread, with the count)."""
        return self._today(), load_calendar(session)

    def use_context(self, context: tuple[date, HolidayCalendar]) -> None:
        self.as_of, self.calendar = context
        self._deadlines.clear()

    def query_count(self, session: Session, flt: PlanFilter) -> int:
        return pq.count(session, flt)

    def query_page(self, session: Session, flt: PlanFilter, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[PlanRow]:
        return pq.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit, total=total)

    # --- deadlines -----------------------------------------------------------------------------------

    def deadlines(self, row: PlanRow) -> PlanDeadlines:
        key = (row.id, row.version)
        found = self._deadlines.get(key)
        if found is None:
            found = plan_deadlines(row, self.as_of, calendar=self.calendar)
            self._deadlines[key] = found
        return found

    def _next_due_text(self, row: PlanRow) -> str:
        item = self.deadlines(row).next_due
        return deadline_text(item) if item is not None else ""

    def _deadline_tooltip(self, row: PlanRow) -> str:
        found = self.deadlines(row)
        if not found.items:
            return self.tr("无待办期限")
        lines = [item.describe() for item in found.items]
        lines += [f"⚠ {w}" for w in found.warnings]
        return "\n".join(lines)

    def _publish_date_tooltip(self, row: PlanRow) -> str:
        if row.publish_date is None and row.current_publish_date is not None:
            return self.tr("现行版本 {0} 于 {1} 发布；{2} 尚未发布，期限按现行版本计算").format(
                row.current_version_label or "", row.current_publish_date.isoformat(), row.version_label)
        return ""

    def cached_warnings(self) -> tuple[str, ...]:
        """Calendar warnings (a year without holiday data) of the rows fetched so far."""
        seen: dict[str, None] = {}
        for row in self.cached_rows():
            for warning in self.deadlines(row).warnings:
                seen[warning] = None
        return tuple(seen)

    # --- looks ---------------------------------------------------------------------------------------

    def decorate(self, row: PlanRow, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.ForegroundRole:
            return None
        if column == self.ENTERPRISE_COLUMN and row.enterprise_blacklisted_on is not None:
            return QColor(BLACKLIST_COLOUR)
        if column == self.STATUS_COLUMN:
            return QColor(STATUS_COLOURS.get(row.status, "#000000"))
        if column == self.PUBLISH_COLUMN and row.publish_date is None and row.current_publish_date:
            return QColor(IN_FORCE_COLOUR)  # the version in force, not the one being revised
        if column == self.OVERDUE_COLUMN:
            return QColor(OVERDUE_COLOUR)
        if column == self.DEADLINE_COLUMN:
            item = self.deadlines(row).next_due
            if item is None:
                return None
            if item.status is Status.OVERDUE:
                return QColor(OVERDUE_COLOUR)
            if item.status is Status.DUE_SOON:
                return QColor(DUE_SOON_COLOUR)
            if item.warnings:
                return QColor(ESTIMATE_COLOUR)
        return None

    # --- rows ----------------------------------------------------------------------------------------

    def plan_at(self, row: int) -> PlanRow | None:
        return self.row_at(row)
