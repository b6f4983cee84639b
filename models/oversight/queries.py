"""Oversight queries for inspections, hazards, penalties and the blacklist: what the 隐患排查 and 黑名单
pages and the CLI read. Every list is filtered, sorted and paged in SQL (``count`` / ``page`` /
``rows`` per list, sort keys named once, ``models.core.listing``).

- Hazards (``HazardFilter``: status, level, department, enterprise, overdue only, supervised only,
  campaign, not closed, text): ``hazard_count`` / ``hazard_page`` / ``hazard_rows``; each row carries
  its deadline state on ``as_of`` (``rules.deadline_state``). ``hazard_detail``: one hazard with its
  inspection, extensions, re-checks, penalties and attachments, and the moves allowed next.
- Inspections (``InspectionFilter``), campaigns (``campaigns``, with their inspections and hazards
  counted), penalties (``PenaltyFilter``).
- The blacklist: ``blacklist_count`` / ``blacklist_page`` / ``blacklist_rows`` (``BlacklistFilter``: the
  current stays or the whole history), and ``blacklist_candidates`` on ``as_of`` — one grouped SQL per
  criterion of ``refdata/blacklist.json`` (never one per enterprise), the rule
  (``rules.blacklist_candidates``) applied to the counts.
- Choices for the forms: ``campaign_choices`` (departments: ``models.core.reference``; enterprises: the enterprise module's picker).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from models.core import attachments
from models.core.entities import Department
from models.core.errors import NotFoundError
from models.core.listing import SortColumns, contains_pattern, order_by_key, window
from models.enterprises.entities import Enterprise
from models.enterprises.queries import with_blacklist_mark
from models.oversight import rules
from models.oversight.entities import (
    BlacklistEntry,
    Hazard,
    HazardExtension,
    HazardRecheck,
    Inspection,
    InspectionCampaign,
    Penalty,
)
from models.oversight.service import PHOTO_OWNER


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _paged(session: Session, query: Select[Any], columns: SortColumns, id_column: Any, *, offset: int, limit: int,
           sort: str, descending: bool, total: int | None, nulls_last: tuple[str, ...] = ()) -> list[Any]:
    reverse, start, size = window(offset, limit, total)
    ordered = order_by_key(query, columns, sort, descending, id_column, nulls_last=nulls_last, reverse=reverse)
    found = list(session.execute(ordered.offset(start).limit(size)))
    if reverse:
        found.reverse()
    return found


def _words(text: str, *columns: Any) -> list[Any]:
    out = []
    for word in text.split():
        pattern = contains_pattern(word)
        out.append(or_(*(c.like(pattern, escape="\\") for c in columns)))
    return out


# ---- hazards


@dataclass(frozen=True)
class HazardFilter:
    as_of: date
    status: str = ""  # a status key
    level: str = ""  # general | major
    department_id: int | None = None
    enterprise_id: int | None = None
    campaign_id: int | None = None
    inspection_id: int | None = None
    overdue: bool = False  # not closed and the deadline before as_of
    supervised: bool = False  # under 挂牌督办
    active: bool = False  # not closed
    text: str = ""  # description, enterprise, responsible (every word)
    deleted: bool = False  # the recycle bin instead


@dataclass(frozen=True)
class HazardRow:
    id: int
    inspection_id: int
    enterprise_id: int
    enterprise: str
    blacklisted_on: date | None  # the enterprise's mark (``Enterprise.blacklisted_on``)
    department_id: int
    department: str
    found_on: date
    level: str
    category: str
    description: str
    responsible: str
    responsible_phone: str
    deadline: date
    status: str
    rectified_on: date | None
    closed_on: date | None
    supervised_on: date | None
    supervising_unit: str
    campaign: str
    version: int
    state: rules.DeadlineState

    @property
    def level_label(self) -> str:
        return rules.catalog().level_label(self.level)

    @property
    def status_label(self) -> str:
        return rules.catalog().status_label(self.status)

    @property
    def category_label(self) -> str:
        return rules.catalog().category_label(self.category)

    @property
    def overdue(self) -> bool:
        return self.state.key == "overdue"

    @property
    def supervised(self) -> bool:
        return self.supervised_on is not None

    @property
    def blacklisted(self) -> bool:
        return self.blacklisted_on is not None

    @property
    def enterprise_text(self) -> str:
        """“【黑名单】某公司” while the enterprise is listed (``with_blacklist_mark``, as every list shows it)."""
        return with_blacklist_mark(self.enterprise, self.blacklisted_on)

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "inspection_id": self.inspection_id, "enterprise_id": self.enterprise_id,
                "enterprise": self.enterprise, "blacklisted": self.blacklisted,
                "blacklisted_on": _iso(self.blacklisted_on), "department": self.department,
                "found_on": _iso(self.found_on), "level": self.level_label, "category": self.category_label,
                "description": self.description, "responsible": self.responsible, "deadline": _iso(self.deadline),
                "status": self.status_label, "status_key": self.status, "overdue": self.overdue,
                "days_overdue": -self.state.days if self.overdue else 0, "deadline_text": self.state.text,
                "supervised_on": _iso(self.supervised_on), "supervising_unit": self.supervising_unit or None,
                "rectified_on": _iso(self.rectified_on), "closed_on": _iso(self.closed_on),
                "campaign": self.campaign or None}


HAZARD_SORT: dict[str, tuple[Any, ...]] = {
    "deadline": (Hazard.deadline,),
    "found": (Hazard.found_on,),
    "enterprise": (Enterprise.name,),
    "department": (Department.sort_order, Department.name),
    "level": (Hazard.level,),
    "status": (Hazard.status,),
    "category": (Hazard.category,),
}


def _hazard_where(f: HazardFilter) -> list[Any]:
    where: list[Any] = [Hazard.deleted_at.is_not(None) if f.deleted else Hazard.deleted_at.is_(None)]
    if f.status:
        where.append(Hazard.status == f.status)
    if f.level:
        where.append(Hazard.level == f.level)
    if f.department_id is not None:
        where.append(Hazard.department_id == f.department_id)
    if f.enterprise_id is not None:
        where.append(Hazard.enterprise_id == f.enterprise_id)
    if f.inspection_id is not None:
        where.append(Hazard.inspection_id == f.inspection_id)
    if f.campaign_id is not None:
        where.append(Hazard.inspection_id.in_(select(Inspection.id).where(Inspection.campaign_id == f.campaign_id)))
    if f.overdue:
        where += [Hazard.status != rules.CLOSED, Hazard.deadline < f.as_of]
    if f.active:
        where.append(Hazard.status != rules.CLOSED)
    if f.supervised:
        where.append(Hazard.supervised_on.is_not(None))
    where += _words(f.text, Hazard.description, Enterprise.name, Hazard.responsible)
    return where


def _hazard_base(f: HazardFilter, columns: tuple[Any, ...] | None = None) -> Select[Any]:
    cols = columns or (Hazard.id, Hazard.inspection_id, Hazard.enterprise_id, Enterprise.name,
                       Enterprise.blacklisted_on, Hazard.department_id, Department.name, Hazard.found_on, Hazard.level,
                       Hazard.category, Hazard.description, Hazard.responsible, Hazard.responsible_phone,
                       Hazard.deadline, Hazard.status, Hazard.rectified_on, Hazard.closed_on, Hazard.supervised_on,
                       Hazard.supervising_unit, func.coalesce(InspectionCampaign.name, ""), Hazard.version)
    return (select(*cols).join(Enterprise, Enterprise.id == Hazard.enterprise_id)
            .join(Department, Department.id == Hazard.department_id)
            .join(Inspection, Inspection.id == Hazard.inspection_id)
            .outerjoin(InspectionCampaign, InspectionCampaign.id == Inspection.campaign_id)
            .where(*_hazard_where(f)))


def _hazard_row(r: Any, as_of: date) -> HazardRow:
    return HazardRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                     r[13], r[14], r[15], r[16], r[17], r[18], r[19], r[20], rules.deadline_state(r[14], r[13], as_of))


def hazard_count(session: Session, f: HazardFilter) -> int:
    query = select(func.count()).select_from(Hazard).join(Enterprise, Enterprise.id == Hazard.enterprise_id) \
        .where(*_hazard_where(f))
    return int(session.scalar(query) or 0)


def hazard_page(session: Session, f: HazardFilter, *, offset: int = 0, limit: int = 100, sort: str = "deadline",
                descending: bool = False, total: int | None = None) -> list[HazardRow]:
    found = _paged(session, _hazard_base(f), HAZARD_SORT, Hazard.id, offset=offset, limit=limit, sort=sort,
                   descending=descending, total=total)
    return [_hazard_row(r, f.as_of) for r in found]


def hazard_rows(session: Session, f: HazardFilter, *, sort: str = "deadline", descending: bool = False) -> list[HazardRow]:
    return hazard_page(session, f, offset=0, limit=10**9, sort=sort, descending=descending)


@dataclass(frozen=True)
class ExtensionRow:
    id: int
    granted_on: date
    old_deadline: date
    new_deadline: date
    reason: str
    approved_by: str


@dataclass(frozen=True)
class RecheckRow:
    id: int
    checked_on: date
    checker: str
    passed: bool
    opinion: str

    @property
    def result_label(self) -> str:
        return "通过" if self.passed else "不通过"


@dataclass(frozen=True)
class PenaltyRow:
    id: int
    enterprise_id: int
    enterprise: str
    department_id: int
    department: str
    kind: str
    amount: float
    decision_no: str
    decided_on: date
    inspection_id: int | None
    hazard_id: int | None
    notes: str
    version: int

    @property
    def kind_label(self) -> str:
        return rules.catalog().penalty_label(self.kind)

    @property
    def amount_text(self) -> str:
        return f"{self.amount:,.2f}" if self.amount else ""

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "enterprise_id": self.enterprise_id, "enterprise": self.enterprise,
                "department": self.department, "kind": self.kind_label, "amount": self.amount,
                "decision_no": self.decision_no, "decided_on": _iso(self.decided_on),
                "inspection_id": self.inspection_id, "hazard_id": self.hazard_id}


@dataclass(frozen=True)
class HazardDetail:
    row: HazardRow
    inspected_on: date
    inspectors: str
    inspection_summary: str
    measures: str
    extensions: list[ExtensionRow]
    rechecks: list[RecheckRow]
    penalties: list[PenaltyRow]
    attachments: list[attachments.AttachmentInfo]

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return rules.allowed_next(self.row.status)

    @property
    def can_supervise(self) -> bool:
        return rules.supervision_error(self.row.level, self.row.status, self.row.supervised) is None


def hazard_detail(session: Session, hazard_id: int, as_of: date) -> HazardDetail:
    found = session.execute(_hazard_base(HazardFilter(as_of=as_of)).where(Hazard.id == hazard_id)).first()
    if found is None:
        raise NotFoundError(Hazard.__label__, hazard_id)
    row = _hazard_row(found, as_of)
    inspected_on, inspectors, summary, measures = session.execute(
        select(Inspection.inspected_on, Inspection.inspectors, Inspection.summary, Hazard.measures)
        .join(Hazard, Hazard.inspection_id == Inspection.id).where(Hazard.id == hazard_id)).one()
    extensions = [ExtensionRow(*r) for r in session.execute(
        select(HazardExtension.id, HazardExtension.granted_on, HazardExtension.old_deadline, HazardExtension.new_deadline,
               HazardExtension.reason, HazardExtension.approved_by)
        .where(HazardExtension.hazard_id == hazard_id, HazardExtension.deleted_at.is_(None))
        .order_by(HazardExtension.granted_on, HazardExtension.id))]
    rechecks = [RecheckRow(*r) for r in session.execute(
        select(HazardRecheck.id, HazardRecheck.checked_on, HazardRecheck.checker, HazardRecheck.passed,
               HazardRecheck.opinion)
        .where(HazardRecheck.hazard_id == hazard_id, HazardRecheck.deleted_at.is_(None))
        .order_by(HazardRecheck.checked_on, HazardRecheck.id))]
    penalties = penalty_rows(session, PenaltyFilter(hazard_id=hazard_id))
    return HazardDetail(row, inspected_on, inspectors, summary, measures, extensions, rechecks, penalties,
                        attachments.listing(session, PHOTO_OWNER, hazard_id))


@dataclass(frozen=True)
class HazardSummary:
    """The 隐患排查 page's line on ``as_of``: hazards not closed, overdue, 重大 among them, supervised."""

    open: int
    overdue: int
    major_open: int
    major_overdue: int
    supervised: int
    coming_due: int

    def text(self, as_of: date) -> str:
        if not self.open:
            return f"按 {as_of.isoformat()}：没有未销号的隐患。"
        return (f"按 {as_of.isoformat()}：未销号隐患 {self.open} 项（重大 {self.major_open} 项），"
                f"已逾期 {self.overdue} 项（重大 {self.major_overdue} 项），{rules.catalog().coming_due_days} 天内到期 "
                f"{self.coming_due} 项，挂牌督办 {self.supervised} 项。")


def hazard_summary(session: Session, as_of: date, *, department_id: int | None = None) -> HazardSummary:
    """One grouped query over the hazards not closed."""
    soon = as_of.toordinal() + rules.catalog().coming_due_days
    overdue = Hazard.deadline < as_of
    major = Hazard.level == rules.MAJOR
    query = select(func.count(), func.sum(case((overdue, 1), else_=0)), func.sum(case((major, 1), else_=0)),
                   func.sum(case((overdue & major, 1), else_=0)),
                   func.sum(case((Hazard.supervised_on.is_not(None), 1), else_=0)),
                   func.sum(case(((Hazard.deadline >= as_of) & (Hazard.deadline <= date.fromordinal(soon)), 1),
                                 else_=0))).where(Hazard.deleted_at.is_(None), Hazard.status != rules.CLOSED)
    if department_id is not None:
        query = query.where(Hazard.department_id == department_id)
    row = session.execute(query).one()
    return HazardSummary(*(int(v or 0) for v in row))


# ---- inspections and campaigns


@dataclass(frozen=True)
class InspectionFilter:
    enterprise_id: int | None = None
    department_id: int | None = None
    campaign_id: int | None = None
    start: date | None = None
    end: date | None = None
    text: str = ""


@dataclass(frozen=True)
class InspectionRow:
    id: int
    enterprise_id: int
    enterprise: str
    department_id: int
    department: str
    inspected_on: date
    campaign_id: int | None
    campaign: str
    inspectors: str
    summary: str
    hazards: int
    major_hazards: int
    version: int

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "enterprise_id": self.enterprise_id, "enterprise": self.enterprise,
                "department": self.department, "inspected_on": _iso(self.inspected_on),
                "campaign": self.campaign or None, "inspectors": self.inspectors, "hazards": self.hazards,
                "major_hazards": self.major_hazards}


INSPECTION_SORT: dict[str, tuple[Any, ...]] = {
    "date": (Inspection.inspected_on,),
    "enterprise": (Enterprise.name,),
    "department": (Department.sort_order, Department.name),
}


def _inspection_where(f: InspectionFilter) -> list[Any]:
    where: list[Any] = [Inspection.deleted_at.is_(None)]
    if f.enterprise_id is not None:
        where.append(Inspection.enterprise_id == f.enterprise_id)
    if f.department_id is not None:
        where.append(Inspection.department_id == f.department_id)
    if f.campaign_id is not None:
        where.append(Inspection.campaign_id == f.campaign_id)
    if f.start is not None:
        where.append(Inspection.inspected_on >= f.start)
    if f.end is not None:
        where.append(Inspection.inspected_on <= f.end)
    where += _words(f.text, Enterprise.name, Inspection.inspectors, Inspection.summary)
    return where


def inspection_count(session: Session, f: InspectionFilter) -> int:
    return int(session.scalar(select(func.count()).select_from(Inspection)
                              .join(Enterprise, Enterprise.id == Inspection.enterprise_id)
                              .where(*_inspection_where(f))) or 0)


def inspection_page(session: Session, f: InspectionFilter, *, offset: int = 0, limit: int = 100, sort: str = "date",
                    descending: bool = True, total: int | None = None) -> list[InspectionRow]:
    counts = (select(Hazard.inspection_id.label("iid"), func.count().label("n"),
                     func.sum(case((Hazard.level == rules.MAJOR, 1), else_=0)).label("major"))
              .where(Hazard.deleted_at.is_(None)).group_by(Hazard.inspection_id).subquery())
    query = (select(Inspection.id, Inspection.enterprise_id, Enterprise.name, Inspection.department_id, Department.name,
                    Inspection.inspected_on, Inspection.campaign_id, func.coalesce(InspectionCampaign.name, ""),
                    Inspection.inspectors, Inspection.summary, func.coalesce(counts.c.n, 0),
                    func.coalesce(counts.c.major, 0), Inspection.version)
             .join(Enterprise, Enterprise.id == Inspection.enterprise_id)
             .join(Department, Department.id == Inspection.department_id)
             .outerjoin(InspectionCampaign, InspectionCampaign.id == Inspection.campaign_id)
             .outerjoin(counts, counts.c.iid == Inspection.id)
             .where(*_inspection_where(f)))
    found = _paged(session, query, INSPECTION_SORT, Inspection.id, offset=offset, limit=limit, sort=sort,
                   descending=descending, total=total)
    return [InspectionRow(*r[:10], int(r[10]), int(r[11]), r[12]) for r in found]


def inspection_rows(session: Session, f: InspectionFilter, *, sort: str = "date", descending: bool = True) -> list[InspectionRow]:
    return inspection_page(session, f, offset=0, limit=10**9, sort=sort, descending=descending)


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date
    lead_department: str
    department_ids: tuple[int, ...]
    industry_codes: tuple[str, ...]
    notes: str
    inspections: int
    hazards: int
    version: int

    @property
    def kind_label(self) -> str:
        return rules.catalog().campaign_label(self.kind)

    @property
    def period_text(self) -> str:
        return f"{self.starts_on.isoformat()} 至 {self.ends_on.isoformat()}"


def campaigns(session: Session) -> list[CampaignRow]:
    """Every live campaign, the latest first, with its inspections and hazards counted (one grouped
    query each)."""
    inspections = dict(session.execute(select(Inspection.campaign_id, func.count()).where(
        Inspection.deleted_at.is_(None), Inspection.campaign_id.is_not(None)).group_by(Inspection.campaign_id)).all())
    hazards = dict(session.execute(select(Inspection.campaign_id, func.count()).join(
        Hazard, Hazard.inspection_id == Inspection.id).where(
        Hazard.deleted_at.is_(None), Inspection.deleted_at.is_(None), Inspection.campaign_id.is_not(None))
        .group_by(Inspection.campaign_id)).all())
    query = (select(InspectionCampaign.id, InspectionCampaign.name, InspectionCampaign.kind, InspectionCampaign.starts_on,
                    InspectionCampaign.ends_on, func.coalesce(Department.name, ""), InspectionCampaign.department_ids,
                    InspectionCampaign.industry_codes, InspectionCampaign.notes, InspectionCampaign.version)
             .outerjoin(Department, Department.id == InspectionCampaign.lead_department_id)
             .where(InspectionCampaign.deleted_at.is_(None))
             .order_by(InspectionCampaign.starts_on.desc(), InspectionCampaign.id.desc()))
    return [CampaignRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6] or ()), tuple(r[7] or ()), r[8],
                        int(inspections.get(r[0], 0)), int(hazards.get(r[0], 0)), r[9]) for r in session.execute(query)]


# ---- penalties


@dataclass(frozen=True)
class PenaltyFilter:
    enterprise_id: int | None = None
    department_id: int | None = None
    hazard_id: int | None = None
    kind: str = ""
    start: date | None = None
    end: date | None = None
    text: str = ""


PENALTY_SORT: dict[str, tuple[Any, ...]] = {
    "date": (Penalty.decided_on,),
    "enterprise": (Enterprise.name,),
    "amount": (Penalty.amount,),
    "kind": (Penalty.kind,),
}


def _penalty_where(f: PenaltyFilter) -> list[Any]:
    where: list[Any] = [Penalty.deleted_at.is_(None)]
    for column, value in ((Penalty.enterprise_id, f.enterprise_id), (Penalty.department_id, f.department_id),
                          (Penalty.hazard_id, f.hazard_id)):
        if value is not None:
            where.append(column == value)
    if f.kind:
        where.append(Penalty.kind == f.kind)
    if f.start is not None:
        where.append(Penalty.decided_on >= f.start)
    if f.end is not None:
        where.append(Penalty.decided_on <= f.end)
    where += _words(f.text, Enterprise.name, Penalty.decision_no, Penalty.notes)
    return where


def penalty_count(session: Session, f: PenaltyFilter) -> int:
    return int(session.scalar(select(func.count()).select_from(Penalty)
                              .join(Enterprise, Enterprise.id == Penalty.enterprise_id).where(*_penalty_where(f))) or 0)


def penalty_page(session: Session, f: PenaltyFilter, *, offset: int = 0, limit: int = 100, sort: str = "date",
                 descending: bool = True, total: int | None = None) -> list[PenaltyRow]:
    query = (select(Penalty.id, Penalty.enterprise_id, Enterprise.name, Penalty.department_id, Department.name,
                    Penalty.kind, Penalty.amount, Penalty.decision_no, Penalty.decided_on, Penalty.inspection_id,
                    Penalty.hazard_id, Penalty.notes, Penalty.version)
             .join(Enterprise, Enterprise.id == Penalty.enterprise_id)
             .join(Department, Department.id == Penalty.department_id).where(*_penalty_where(f)))
    found = _paged(session, query, PENALTY_SORT, Penalty.id, offset=offset, limit=limit, sort=sort,
                   descending=descending, total=total)
    return [PenaltyRow(*r) for r in found]


def penalty_rows(session: Session, f: PenaltyFilter, *, sort: str = "date", descending: bool = True) -> list[PenaltyRow]:
    return penalty_page(session, f, offset=0, limit=10**9, sort=sort, descending=descending)


# ---- the blacklist


@dataclass(frozen=True)
class BlacklistFilter:
    current: bool = True  # False: every stay, removed ones too (the history)
    enterprise_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class BlacklistRow:
    id: int
    enterprise_id: int
    enterprise: str
    department: str
    listed_on: date
    reason: str
    decided_by: str
    decision_no: str
    removed_on: date | None
    removal_reason: str
    removed_by: str
    version: int

    @property
    def current(self) -> bool:
        return self.removed_on is None

    @property
    def state_label(self) -> str:
        return "在册" if self.current else "已移出"

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "enterprise_id": self.enterprise_id, "enterprise": self.enterprise,
                "department": self.department or None, "listed_on": _iso(self.listed_on), "reason": self.reason,
                "decided_by": self.decided_by, "decision_no": self.decision_no or None,
                "removed_on": _iso(self.removed_on), "removal_reason": self.removal_reason or None,
                "removed_by": self.removed_by or None, "current": self.current}


BLACKLIST_SORT: dict[str, tuple[Any, ...]] = {
    "listed": (BlacklistEntry.listed_on,),
    "removed": (BlacklistEntry.removed_on,),
    "enterprise": (Enterprise.name,),
}


def _blacklist_where(f: BlacklistFilter) -> list[Any]:
    where: list[Any] = [BlacklistEntry.deleted_at.is_(None)]
    if f.current:
        where.append(BlacklistEntry.removed_on.is_(None))
    if f.enterprise_id is not None:
        where.append(BlacklistEntry.enterprise_id == f.enterprise_id)
    where += _words(f.text, Enterprise.name, BlacklistEntry.reason, BlacklistEntry.decision_no)
    return where


def blacklist_count(session: Session, f: BlacklistFilter) -> int:
    return int(session.scalar(select(func.count()).select_from(BlacklistEntry)
                              .join(Enterprise, Enterprise.id == BlacklistEntry.enterprise_id)
                              .where(*_blacklist_where(f))) or 0)


def blacklist_page(session: Session, f: BlacklistFilter, *, offset: int = 0, limit: int = 100, sort: str = "listed",
                   descending: bool = True, total: int | None = None) -> list[BlacklistRow]:
    query = (select(BlacklistEntry.id, BlacklistEntry.enterprise_id, Enterprise.name, func.coalesce(Department.name, ""),
                    BlacklistEntry.listed_on, BlacklistEntry.reason, BlacklistEntry.decided_by,
                    BlacklistEntry.decision_no, BlacklistEntry.removed_on, BlacklistEntry.removal_reason,
                    BlacklistEntry.removed_by, BlacklistEntry.version)
             .join(Enterprise, Enterprise.id == BlacklistEntry.enterprise_id)
             .outerjoin(Department, Department.id == Enterprise.department_id)
             .where(*_blacklist_where(f)))
    found = _paged(session, query, BLACKLIST_SORT, BlacklistEntry.id, offset=offset, limit=limit, sort=sort,
                   descending=descending, total=total, nulls_last=("removed",))
    return [BlacklistRow(*r) for r in found]


def blacklist_rows(session: Session, f: BlacklistFilter, *, sort: str = "listed", descending: bool = True) -> list[BlacklistRow]:
    return blacklist_page(session, f, offset=0, limit=10**9, sort=sort, descending=descending)


@dataclass(frozen=True)
class CandidateRow:
    enterprise_id: int
    enterprise: str
    department: str
    blacklisted_on: date | None
    counts: dict[str, int]
    reasons: list[rules.Reason] = field(default_factory=list)

    @property
    def listed(self) -> bool:
        return self.blacklisted_on is not None

    @property
    def reason_text(self) -> str:
        return "；".join(r.text for r in self.reasons)

    def as_json(self) -> dict[str, object]:
        return {"enterprise_id": self.enterprise_id, "enterprise": self.enterprise,
                "department": self.department or None, "listed": self.listed,
                "blacklisted_on": _iso(self.blacklisted_on), "counts": self.counts,
                "reasons": [r.text for r in self.reasons]}


def _count_hazards(as_of: date, major: bool = False) -> Select[Any]:
    query = select(Hazard.enterprise_id, func.count()).where(
        Hazard.deleted_at.is_(None), Hazard.found_on > rules.window_start(as_of), Hazard.found_on <= as_of)
    if major:
        query = query.where(Hazard.level == rules.MAJOR)
    return query.group_by(Hazard.enterprise_id)


def _count_overdue(as_of: date) -> Select[Any]:
    return select(Hazard.enterprise_id, func.count()).where(
        Hazard.deleted_at.is_(None), Hazard.status != rules.CLOSED, Hazard.deadline < as_of,
        Hazard.found_on <= as_of).group_by(Hazard.enterprise_id)


def _count_penalties(as_of: date) -> Select[Any]:
    return select(Penalty.enterprise_id, func.count()).where(
        Penalty.deleted_at.is_(None), Penalty.decided_on > rules.window_start(as_of),
        Penalty.decided_on <= as_of).group_by(Penalty.enterprise_id)


CRITERION_QUERIES: dict[str, Callable[[date], Select[Any]]] = {
    "hazards": _count_hazards,
    "major_hazards": lambda as_of: _count_hazards(as_of, major=True),
    "overdue_hazards": _count_overdue,
    "penalties": _count_penalties,
}
"""What each criterion key of ``blacklist.json`` counts per enterprise on ``as_of`` (one grouped query)."""


def blacklist_counts(session: Session, as_of: date) -> dict[int, dict[str, int]]:
    """Enterprise id → criterion key → count, for the enterprises with anything counted."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for criterion in rules.blacklist_rules().criteria:
        query = CRITERION_QUERIES.get(criterion.key)
        if query is None:
            raise ValueError(f"黑名单建议规则中的条件“{criterion.key}”（{criterion.label}）系统不认识，请检查 blacklist.json")
        for eid, n in session.execute(query(as_of)):
            out[eid][criterion.key] = int(n)
    return dict(out)


def blacklist_candidates(session: Session, as_of: date, *, include_listed: bool = False) -> list[CandidateRow]:
    """The enterprises the suggestion rule flags on ``as_of`` (those listed already left out unless
    ``include_listed``), the most reasons first, then by name."""
    counts = blacklist_counts(session, as_of)
    flagged = rules.blacklist_candidates(rules.BlacklistFacts(eid, c) for eid, c in counts.items())
    if not flagged:
        return []
    dept = aliased(Department)
    info = {r[0]: r[1:] for r in session.execute(
        select(Enterprise.id, Enterprise.name, func.coalesce(dept.name, ""), Enterprise.blacklisted_on)
        .outerjoin(dept, dept.id == Enterprise.department_id)
        .where(Enterprise.id.in_(list(flagged)), Enterprise.deleted_at.is_(None)))}
    out = [CandidateRow(eid, info[eid][0], info[eid][1], info[eid][2], counts[eid], reasons)
           for eid, reasons in flagged.items() if eid in info and (include_listed or info[eid][2] is None)]
    out.sort(key=lambda c: (-len(c.reasons), c.enterprise, c.enterprise_id))
    return out


# ---- choices for the forms


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def campaign_choices(session: Session) -> list[Choice]:
    return [Choice(c.id, c.name) for c in campaigns(session)]


# ---- the home page's figures


@dataclass(frozen=True)
class DepartmentHazards:
    """A department's hazards not yet 已销号 on a day: 一般 and 重大, and how many of them are overdue."""

    department: str  # its short name (简称) where it has one
    general: int
    major: int
    overdue: int


def open_hazards_by_department(session: Session, as_of: date) -> list[DepartmentHazards]:
    """Every department (in its order) with the hazards it found that are still open on ``as_of`` —
    one grouped query (the home page's 隐患按部门 chart)."""
    open_ = (Hazard.deleted_at.is_(None)) & (Hazard.status != rules.CLOSED) & (Hazard.found_on <= as_of)
    counts = {d: (g or 0, m or 0, o or 0) for d, g, m, o in session.execute(
        select(Hazard.department_id,
               func.sum(case((Hazard.level == rules.GENERAL, 1), else_=0)),
               func.sum(case((Hazard.level == rules.MAJOR, 1), else_=0)),
               func.sum(case((Hazard.deadline < as_of, 1), else_=0)))
        .join(Enterprise, Enterprise.id == Hazard.enterprise_id)
        .where(open_, Enterprise.deleted_at.is_(None)).group_by(Hazard.department_id))}
    departments = session.execute(select(Department.id, Department.name, Department.short_name)
                                  .order_by(Department.sort_order, Department.id)).all()
    return [DepartmentHazards(short or name, *counts.get(did, (0, 0, 0))) for did, name, short in departments]
