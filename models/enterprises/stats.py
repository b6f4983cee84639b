"""Statistics over the register: the counts the home page shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.entities import Enterprise, Industry, RiskLevel


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


def enterprise_overview(session: Session) -> Overview:
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
