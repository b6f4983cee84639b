"""Annexes (附件) generated from live data when a plan is exported: the plan package's builders.

An ``AnnexBuilder`` is a plain value: the key of the template annex it fills
(``plans/plans/templates/*.json`` → ``annexes[].key``; ``generated_from`` names the same source)
and the function that builds it. This package defines the builders of what it knows —
``UNIT_PROFILE`` (生产经营单位概况) and ``CONTACTS`` (联系方式) — and lists them in ``BUILDERS``.
Nothing registers itself: later modules (the supplies ledger, the rescue teams) define their own
builders in their own package, and the product's list of every builder is ``plans.annexes.BUILDERS``
at the top of the plans layer; the print model is given the list to use. A builder reads the
database as of ``as_of`` and returns the annex's blocks, plus warnings for the pre-print check
(expired supplies, lapsed certificates…), or None when it has nothing to say (the annex is then
printed as bound separately).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enterprises.entities import Enterprise, EnterpriseContact
from models.plans.entities import Plan
from plans.document import Block, Cell, Paragraph, Table


@dataclass(frozen=True)
class AnnexContent:
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    source: str = ""  # where the data came from, printed under the annex


BuildAnnex = Callable[[Session, Plan, date], AnnexContent | None]


@dataclass(frozen=True)
class AnnexBuilder:
    """What fills the template annex ``key`` from live data."""

    key: str
    build: BuildAnnex


def _header_row(*titles: str) -> list[Cell]:
    return [Cell(t) for t in titles]


def enterprise_profile(session: Session, plan: Plan, as_of: date) -> AnnexContent:
    """生产经营单位概况 from the enterprise register."""
    ent = session.get(Enterprise, plan.enterprise_id)
    assert ent is not None
    labels = Enterprise.__field_labels__

    def person(name: str, phone: str) -> str:
        return f"{name}（{phone}）" if name and phone else name or phone

    rows = [
        (labels["name"], ent.name),
        (labels["uscc"], ent.uscc),
        (labels["address"], ent.address),
        (labels["industry_id"], ent.industry.name if ent.industry else ""),
        (labels["risk_level_id"], ent.risk_level.name if ent.risk_level else ""),
        (labels["region_id"], ent.region.name if ent.region else ""),
        (labels["department_id"], ent.department.name if ent.department else ""),
        (labels["principal"], person(ent.principal, ent.principal_phone)),
        (labels["safety_manager"], person(ent.safety_manager, ent.safety_manager_phone)),
        (labels["employees"], f"{ent.employees} 人" if ent.employees else ""),
        (labels["on_shift_headcount"], f"{ent.on_shift_headcount} 人" if ent.on_shift_headcount else ""),
        (labels["major_hazard_sources"], ent.major_hazard_sources or "无"),
    ]
    table = Table(rows=[_header_row("项目", "内容"), *([Cell(k), Cell(v)] for k, v in rows)], header_rows=1)
    return AnnexContent([table], source=f"企业名录，截至 {as_of.isoformat()}")


def contacts(session: Session, plan: Plan, as_of: date) -> AnnexContent:
    """有关应急部门、机构或人员的联系方式: the unit's own key people and its contact list."""
    ent = session.get(Enterprise, plan.enterprise_id)
    assert ent is not None
    people: list[tuple[str, str, str, str]] = []
    if ent.principal:
        people.append((ent.principal, "主要负责人", ent.principal_phone, ""))
    if ent.safety_manager:
        people.append((ent.safety_manager, "安全管理人员", ent.safety_manager_phone, ""))
    for c in session.scalars(select(EnterpriseContact).where(EnterpriseContact.enterprise_id == ent.id,
                                                             EnterpriseContact.deleted_at.is_(None))
                             .order_by(EnterpriseContact.sort_order, EnterpriseContact.id)):
        people.append((c.name, c.role, c.phone, c.mobile))
    if not people:
        return AnnexContent([Paragraph("企业名录中尚未登记联系人。")],
                            warnings=["附件“联系方式”：企业名录中没有联系人，请在企业信息中补充。"])
    rows = [_header_row("序号", "姓名", "职务/岗位", "电话", "手机")]
    rows += [[Cell(str(i)), Cell(n), Cell(r), Cell(p), Cell(m)] for i, (n, r, p, m) in enumerate(people, 1)]
    return AnnexContent([Table(rows=rows, header_rows=1)], source=f"企业名录，截至 {as_of.isoformat()}")


UNIT_PROFILE = AnnexBuilder("unit_profile", enterprise_profile)
CONTACTS = AnnexBuilder("contacts", contacts)

# The builders of this package, in the order a plan without a template lists their annexes.
BUILDERS: tuple[AnnexBuilder, ...] = (UNIT_PROFILE, CONTACTS)
