"""The 隐患排查 and 事故信息 lists as Excel workbooks (the page's filter and order), through ``exports.excel``.
A blacklisted enterprise carries its mark, an overdue hazard and a late report their alert style."""

from __future__ import annotations

from pathlib import Path

from exports.excel import ALERT, DATE_FORMAT, PLAIN, TIME_FORMAT, Sheet, SheetColumn, export_rows
from models.core.database import Database
from models.core.progress import NULL_PROGRESS, Progress
from models.enterprises.queries import with_blacklist_mark
from models.oversight import incidents as inc
from models.oversight import queries as oq
from models.oversight.incidents import IncidentFilter, IncidentRow
from models.oversight.queries import HazardFilter, HazardRow

HAZARD_COLUMNS: tuple[SheetColumn[HazardRow], ...] = (
    SheetColumn("整改状态", 9, lambda r: r.status_label),
    SheetColumn("隐患等级", 9, lambda r: r.level_label, style=lambda r: ALERT if r.level == "major" else PLAIN),
    SheetColumn("企业", 34, lambda r: with_blacklist_mark(r.enterprise, r.blacklisted_on),
                style=lambda r: ALERT if r.blacklisted_on else PLAIN),
    SheetColumn("隐患描述", 44, lambda r: r.description),
    SheetColumn("类别", 10, lambda r: r.category_label),
    SheetColumn("检查部门", 16, lambda r: r.department),
    SheetColumn("检查行动", 22, lambda r: r.campaign),
    SheetColumn("发现日期", 12, lambda r: r.found_on, DATE_FORMAT),
    SheetColumn("整改期限", 12, lambda r: r.deadline, DATE_FORMAT),
    SheetColumn("期限情况", 14, lambda r: r.state.text, style=lambda r: ALERT if r.overdue else PLAIN),
    SheetColumn("整改责任人", 10, lambda r: r.responsible),
    SheetColumn("责任人电话", 14, lambda r: r.responsible_phone),
    SheetColumn("整改完成日期", 13, lambda r: r.rectified_on, DATE_FORMAT),
    SheetColumn("销号日期", 12, lambda r: r.closed_on, DATE_FORMAT),
    SheetColumn("挂牌督办", 24, lambda r: f"{r.supervising_unit or '挂牌督办'}（{r.supervised_on.isoformat()}）"
                if r.supervised_on else ""),
)

INCIDENT_COLUMNS: tuple[SheetColumn[IncidentRow], ...] = (
    SheetColumn("事故等级", 10, lambda r: r.grade_label, style=lambda r: ALERT if r.grade != "general" else PLAIN),
    SheetColumn("事故名称", 40, lambda r: r.title),
    SheetColumn("事故类型", 12, lambda r: r.kind_label),
    SheetColumn("事发企业或地点", 34, lambda r: r.enterprise or r.region or r.location),
    SheetColumn("发生时间", 17, lambda r: r.occurred_at, TIME_FORMAT),
    SheetColumn("接报时间", 17, lambda r: r.received_at, TIME_FORMAT),
    SheetColumn("上报时间", 17, lambda r: r.reported_at, TIME_FORMAT),
    SheetColumn("上报情况", 22, lambda r: r.timing.label, style=lambda r: ALERT if r.timing.late else PLAIN),
    SheetColumn("迟报（分钟）", 11, lambda r: r.minutes_late or 0),
    SheetColumn("死亡", 6, lambda r: r.figures.deaths),
    SheetColumn("重伤", 6, lambda r: r.figures.serious_injuries),
    SheetColumn("直接经济损失（万元）", 14, lambda r: r.figures.direct_loss_wan),
    SheetColumn("续报", 6, lambda r: r.updates),
    SheetColumn("上报单位", 20, lambda r: r.reported_to),
)


def export_hazards(db: Database, flt: HazardFilter, path: Path, *, sort: str = "deadline", descending: bool = False,
                   progress: Progress = NULL_PROGRESS) -> int:
    """The hazards ``flt`` selects, in the list's order, with their deadline state on ``flt.as_of``."""
    with db.read() as session:
        found = oq.hazard_rows(session, flt, sort=sort, descending=descending)
    title = f"隐患排查治理台账（{flt.as_of.isoformat()}）"
    return export_rows(Path(path), Sheet("隐患", title, HAZARD_COLUMNS), iter(found), len(found), progress)


def export_incidents(db: Database, flt: IncidentFilter, path: Path, *, sort: str = "received", descending: bool = True,
                     progress: Progress = NULL_PROGRESS) -> int:
    """The incidents ``flt`` selects, in the list's order, with their grade and reporting verdict."""
    with db.read() as session:
        found = inc.rows(session, flt, sort=sort, descending=descending)
    return export_rows(Path(path), Sheet("事故信息", "事故信息台账", INCIDENT_COLUMNS), iter(found), len(found), progress)
