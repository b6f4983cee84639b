"""Enterprise register (E1) reads: the paged, filtered, sorted list and the counts the home page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from models.core.database import Database
from models.core.entities import Department, Industry, Region, RiskLevel
from models.core.listing import SortColumns, contains_pattern, order_by_key, window
from models.enterprises.entities import Enterprise


def has_enterprises(db: Database) -> bool:
    """Whether any enterprise is stored at all (in the list or in the recycle bin)."""
    with db.read() as session:
        return session.scalar(select(Enterprise.id).limit(1)) is not None



@dataclass(frozen=True)
class EnterpriseFilter:
    text: str = ""
    industry_ids: tuple[int, ...] = ()
    risk_level_id: int | None = None
    department_id: int | None = None
    region_ids: tuple[int, ...] = ()
    deleted: bool = False  # True: the recycle bin



BLACKLIST_MARK = "黑名单"


def blacklist_mark(blacklisted_on: date | None) -> str:
    """The mark every list and export puts on a blacklisted enterprise (empty when it is not listed)."""
    return BLACKLIST_MARK if blacklisted_on is not None else ""


def with_blacklist_mark(name: str, blacklisted_on: date | None) -> str:
    """An enterprise's name as lists of other records show it: “【黑名单】某公司” while it is listed."""
    return f"【{BLACKLIST_MARK}】{name}" if blacklisted_on is not None else name


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    name: str
    uscc: str
    industry: str
    risk_level: str
    risk_color: str
    region: str
    department: str
    address: str
    principal: str
    principal_phone: str
    employees: int
    version: int
    updated_at: datetime
    deleted_at: datetime | None
    blacklisted_on: date | None = None  # on the blacklist since (kept by the oversight module)
    medium_or_larger: bool = False  # the unit facts (rules.unit_facts): 中型及以上规模
    hazchem_use_above_threshold: bool = False  # 使用危险化学品达到规定数量

    @property
    def blacklist(self) -> str:
        """“黑名单” while the enterprise is on the blacklist, else empty (what every list shows)."""
        return blacklist_mark(self.blacklisted_on)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "uscc": self.uscc, "industry": self.industry,
                "risk_level": self.risk_level, "department": self.department, "region": self.region,
                "address": self.address, "principal": self.principal,
                "principal_phone": self.principal_phone, "employees": self.employees,
                "version": self.version,
                "blacklisted_on": self.blacklisted_on.isoformat() if self.blacklisted_on else None}



def _filtered(query: Select[Any], flt: EnterpriseFilter) -> Select[Any]:
    query = query.where(Enterprise.deleted_at.isnot(None) if flt.deleted else Enterprise.deleted_at.is_(None))
    for word in flt.text.split():
        # Plain LIKE (SQLite's is case-blind for ASCII; ilike's lower() would cost a scan of
        # function calls). Credit codes are stored upper-case, so the word is upper-cased for them.
        pattern = contains_pattern(word)
        query = query.where(or_(Enterprise.name.like(pattern, escape="\\"),
                                Enterprise.uscc.like(pattern.upper(), escape="\\"),
                                Enterprise.address.like(pattern, escape="\\")))
    if flt.industry_ids:
        query = query.where(Enterprise.industry_id.in_(flt.industry_ids))
    if flt.risk_level_id is not None:
        query = query.where(Enterprise.risk_level_id == flt.risk_level_id)
    if flt.department_id is not None:
        query = query.where(Enterprise.department_id == flt.department_id)
    if flt.region_ids:
        query = query.where(Enterprise.region_id.in_(flt.region_ids))
    return query



_SORT_COLUMNS: SortColumns = {
    "name": (Enterprise.name,),
    "uscc": (Enterprise.uscc,),
    "industry": (Industry.sort_order,),
    "risk_level": (RiskLevel.rank,),
    "region": (Region.sort_order,),
    "department": (Department.sort_order,),
    "principal": (Enterprise.principal,),
    "employees": (Enterprise.employees,),
    "updated_at": (Enterprise.updated_at,),
}



SORT_KEYS = tuple(_SORT_COLUMNS)



def count(session: Session, flt: EnterpriseFilter) -> int:
    return session.scalar(_filtered(select(func.count(Enterprise.id)), flt)) or 0



_District = aliased(Region)



def page(session: Session, flt: EnterpriseFilter, *, sort: str = "name", descending: bool = False,
         offset: int = 0, limit: int = 100, total: int | None = None) -> list[EnterpriseRow]:
    """One page of the filtered list, joined with its reference names, sorted in SQL; ``total``
    (the list's count, when the caller has it) lets a page near the end be read from the end."""
    query = (
        select(Enterprise.id, Enterprise.name, Enterprise.uscc, Industry.name.label("industry"),
               RiskLevel.name.label("risk_level"), RiskLevel.color.label("risk_color"),
               func.coalesce(_District.name + "/" + Region.name, Region.name).label("region"),
               Department.name.label("department"), Enterprise.address,
               Enterprise.principal, Enterprise.principal_phone, Enterprise.employees,
               Enterprise.version, Enterprise.updated_at, Enterprise.deleted_at,
               Enterprise.medium_or_larger, Enterprise.hazchem_use_above_threshold, Enterprise.blacklisted_on)
        .join(Industry, Enterprise.industry_id == Industry.id)
        .join(RiskLevel, Enterprise.risk_level_id == RiskLevel.id)
        .join(Region, Enterprise.region_id == Region.id)
        .outerjoin(_District, (Region.parent_code == _District.code) & (_District.level == 2))
        .join(Department, Enterprise.department_id == Department.id)
    )
    backwards, start, size = window(offset, limit, total)
    query = order_by_key(_filtered(query, flt), _SORT_COLUMNS, sort, descending, Enterprise.id, reverse=backwards)
    rows = session.execute(query.offset(start).limit(size)).all()
    if backwards:
        rows.reverse()
    return [EnterpriseRow(**row._mapping) for row in rows]


# --- the home page's counts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    name: str
    count: int
    color: str = ""


@dataclass(frozen=True)
class Overview:
    total: int
    by_risk: list[Tally]
    by_key_industry: list[Tally]


def overview(session: Session) -> Overview:
    """Counts of enterprises (not in the recycle bin): total, per risk level, per key industry.

    A key industry counts its own enterprises and those of the industries under it.
    """
    counts = session.execute(
        select(Enterprise.risk_level_id, Enterprise.industry_id, func.count(Enterprise.id))
        .where(Enterprise.deleted_at.is_(None))
        .group_by(Enterprise.risk_level_id, Enterprise.industry_id)
    ).all()
    risks = session.execute(
        select(RiskLevel.id, RiskLevel.name, RiskLevel.color).where(RiskLevel.deleted_at.is_(None))
        .order_by(RiskLevel.rank)
    ).all()
    industries = session.execute(
        select(Industry.id, Industry.code, Industry.name, Industry.parent_code, Industry.is_key)
        .where(Industry.deleted_at.is_(None)).order_by(Industry.sort_order)
    ).all()
    per_risk: dict[int, int] = {}
    per_industry: dict[int, int] = {}
    for risk_id, industry_id, n in counts:
        per_risk[risk_id] = per_risk.get(risk_id, 0) + n
        per_industry[industry_id] = per_industry.get(industry_id, 0) + n
    code_of = {i.id: i.code for i in industries}
    per_code: dict[str, int] = {}
    parent_of = {i.code: i.parent_code for i in industries}
    for industry_id, n in per_industry.items():
        code = code_of.get(industry_id)
        if code is None:
            continue
        per_code[code] = per_code.get(code, 0) + n
        parent = parent_of.get(code)
        if parent is not None:
            per_code[parent] = per_code.get(parent, 0) + n
    return Overview(
        total=sum(n for *_, n in counts),
        by_risk=[Tally(r.name, per_risk.get(r.id, 0), r.color) for r in risks],
        by_key_industry=[Tally(i.name, per_code.get(i.code, 0)) for i in industries
                         if i.is_key and i.parent_code is None],
    )
