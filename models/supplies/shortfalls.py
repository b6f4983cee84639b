"""What is short (缺口): the GB 30077 workplace minimums of a hazardous-chemical enterprise and the
supplies a plan declares it needs, each counted against *usable* stock only, and the minimum staff
on duty a plan declares (应急值守人员), counted against the enterprise's on-shift headcount.

The minimums are reference data with their source (``refdata/gb30077_minimums.json``, GB 30077-2013
table 1, partial): a fixed number per site (正压式空气呼吸器 2 套 …) or a number per person on
shift (过滤式防毒面具 1 个/人, scaled by the enterprise's ``on_shift_headcount``). A requirement is
met by the enterprise's items whose name contains one of the requirement's ``match`` words, held in
the enterprise's own warehouses. A plan's needs (``PlanSupplyNeed``, written by
``models.supplies.service.set_plan_needs``) are counted against the usable stock of the item in the
warehouses of the plan's enterprise; its ``PlanStaffNeed`` against ``Enterprise.on_shift_headcount``
(企业名录的“当班人数”), the line “应急值守人员：需 N 人，当班 M 人，缺 K 人”. ``shortfall_lines`` is
all of it as one list (``list supply-shortfalls`` and the shortfall workbook).

Usable here is what ``models.supplies.rules.usable`` says of a batch, in SQL
(``models.supplies.queries.usable_clause``): condition 完好 and not past its expiry (a batch is
usable on its ``expires_on`` day). Book quantity is everything on
the ledger. Everything is read with set queries (one per call, not one per enterprise); ``as_of``
is always passed, never the clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.core.entities import Industry
from models.core.reference import refdata
from models.enterprises import rules as enterprise_rules
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan
from models.supplies.entities import (
    PlanStaffNeed,
    PlanSupplyNeed,
    StockBalance,
    SupplyBatch,
    SupplyItem,
    Warehouse,
)
from models.supplies.queries import usable_clause

__all__ = [
    "STAFF", "STAFF_NAME", "EnterpriseMinimums", "MinimumLine", "MinimumRules", "NeedLine", "PlanNeedLine", "PlanNeeds",
    "Requirement", "ShortfallLine", "applies", "basis", "enterprise_minimums", "enterprise_plan_needs", "load_minimums",
    "plan_need_lines", "plan_needs", "required_quantity", "shortfall_lines", "staff_line",
]


# --- the reference data ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    """One line of GB 30077 table 1: ``quantity`` per site, or per person on shift."""

    key: str
    name: str
    unit: str
    quantity: int
    per_person: bool
    match: tuple[str, ...]  # an item whose name contains one of these counts towards the line
    note: str = ""

    def matches(self, item_name: str) -> bool:
        return any(word in item_name for word in self.match)


@dataclass(frozen=True)
class MinimumRules:
    source: str
    applies_label: str
    industries: tuple[str, ...]  # industry codes (and every code under them) the minimums apply to
    except_industries: tuple[str, ...]
    flags: tuple[str, ...]  # unit facts that make them apply whatever the industry
    items: tuple[Requirement, ...]


def _parse(raw: dict[str, Any]) -> MinimumRules:
    scope = raw["applies"]
    items = tuple(Requirement(key=i["key"], name=i["name"], unit=i["unit"], quantity=int(i["quantity"]),
                              per_person=bool(i["per_person"]), match=tuple(i["match"]), note=i.get("note", ""))
                  for i in raw["items"])
    return MinimumRules(source=raw["source"], applies_label=scope["label"], industries=tuple(scope["industries"]),
                        except_industries=tuple(scope.get("except_industries", ())),
                        flags=tuple(scope.get("flags", ())), items=items)


@cache
def load_minimums() -> MinimumRules:
    """The shipped GB 30077 minimums (``models/supplies/refdata/gb30077_minimums.json``)."""
    return _parse(refdata("models.supplies.refdata", "gb30077_minimums"))


def _under(code: str, roots: Iterable[str]) -> bool:
    return any(code == root or code.startswith(root + ".") for root in roots)


def applies(rules: MinimumRules, industry_code: str, flags: Iterable[str]) -> bool:
    """Whether the workplace minimums apply to an enterprise of ``industry_code`` with ``flags``."""
    if set(flags) & set(rules.flags):
        return True
    return _under(industry_code, rules.industries) and not _under(industry_code, rules.except_industries)


def required_quantity(requirement: Requirement, on_shift_headcount: int) -> int:
    """How many the enterprise must hold: per site, or per person on shift (at least one person)."""
    if requirement.per_person:
        return requirement.quantity * max(on_shift_headcount, 1)
    return requirement.quantity


def basis(requirement: Requirement, on_shift_headcount: int) -> str:
    """The rule as the user reads it: “2套” or “1个/人 × 当班 12 人”."""
    if requirement.per_person:
        return f"{requirement.quantity}{requirement.unit}/人 × 当班 {max(on_shift_headcount, 1)} 人"
    return f"{requirement.quantity}{requirement.unit}"


# --- usable stock ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Held:
    item_id: int
    name: str
    usable: int
    book: int


def _held_by_enterprise(session: Session, as_of: date, enterprise_ids: Sequence[int] | None,
                        item_ids: Sequence[int] | None = None) -> dict[int, list[_Held]]:
    """Per enterprise, the items in its own warehouses with their usable and book quantities."""
    usable = func.coalesce(func.sum(case((usable_clause(as_of), StockBalance.quantity), else_=0)), 0)
    stmt = (select(Warehouse.enterprise_id, SupplyItem.id, SupplyItem.name, usable.label("usable"),
                   func.coalesce(func.sum(StockBalance.quantity), 0).label("book"))
            .select_from(StockBalance)
            .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
            .join(SupplyBatch, SupplyBatch.id == StockBalance.batch_id)
            .join(SupplyItem, SupplyItem.id == StockBalance.item_id)
            .where(Warehouse.enterprise_id.is_not(None), Warehouse.deleted_at.is_(None),
                   SupplyBatch.deleted_at.is_(None), SupplyItem.deleted_at.is_(None))
            .group_by(Warehouse.enterprise_id, SupplyItem.id, SupplyItem.name))
    if enterprise_ids is not None:
        stmt = stmt.where(Warehouse.enterprise_id.in_(list(enterprise_ids)))
    if item_ids is not None:
        stmt = stmt.where(SupplyItem.id.in_(list(item_ids)))
    out: dict[int, list[_Held]] = defaultdict(list)
    for ent_id, item_id, name, use, book in session.execute(stmt):
        out[ent_id].append(_Held(item_id, name, int(use), int(book)))
    return out


# --- GB 30077 minimums per enterprise ---------------------------------------------------------------

@dataclass(frozen=True)
class MinimumLine:
    key: str
    name: str
    unit: str
    required: int
    basis: str  # “2套”, “1个/人 × 当班 12 人”
    usable: int
    book: int
    items: tuple[str, ...]  # the enterprise's items counted towards it
    note: str = ""

    @property
    def shortfall(self) -> int:
        return max(self.required - self.usable, 0)


@dataclass(frozen=True)
class EnterpriseMinimums:
    enterprise_id: int
    name: str
    on_shift_headcount: int
    applies: bool
    lines: tuple[MinimumLine, ...] = ()
    source: str = ""

    @property
    def short(self) -> tuple[MinimumLine, ...]:
        return tuple(line for line in self.lines if line.shortfall > 0)


def enterprise_minimums(session: Session, as_of: date, enterprise_ids: Sequence[int] | None = None, *,
                        only_applicable: bool = True,
                        rules: MinimumRules | None = None) -> list[EnterpriseMinimums]:
    """The GB 30077 minimums of every enterprise (or of ``enterprise_ids``) against the usable stock
    in its own warehouses on ``as_of``, in enterprise-name order; enterprises the minimums do not
    apply to are left out unless ``only_applicable`` is False (then with ``applies`` False)."""
    rules = rules or load_minimums()
    stmt = (select(Enterprise.id, Enterprise.name, Enterprise.on_shift_headcount, Enterprise.medium_or_larger,
                   Enterprise.hazchem_use_above_threshold, Industry.code, Industry.flags)
            .join(Industry, Industry.id == Enterprise.industry_id)
            .where(Enterprise.deleted_at.is_(None)))
    if enterprise_ids is not None:
        stmt = stmt.where(Enterprise.id.in_(list(enterprise_ids)))
    ents = sorted(session.execute(stmt).all(), key=lambda r: (r.name, r.id))
    wanted = []
    for r in ents:
        flags = enterprise_rules.rule_flags(r.flags or (), r._mapping)
        wanted.append((r, applies(rules, r.code, flags)))
    held = _held_by_enterprise(session, as_of, [r.id for r, ok in wanted if ok])
    out: list[EnterpriseMinimums] = []
    for r, ok in wanted:
        if not ok:
            if not only_applicable:
                out.append(EnterpriseMinimums(r.id, r.name, r.on_shift_headcount, False, source=rules.source))
            continue
        lines = []
        for req in rules.items:
            mine = [h for h in held.get(r.id, []) if req.matches(h.name)]
            lines.append(MinimumLine(req.key, req.name, req.unit, required_quantity(req, r.on_shift_headcount),
                                     basis(req, r.on_shift_headcount), sum(h.usable for h in mine),
                                     sum(h.book for h in mine), tuple(sorted({h.name for h in mine})), req.note))
        out.append(EnterpriseMinimums(r.id, r.name, r.on_shift_headcount, True, tuple(lines), rules.source))
    return out


# --- a plan's needs -------------------------------------------------------------------------------

STAFF = "staff"
STAFF_NAME = "应急值守人员"


@dataclass(frozen=True)
class NeedLine:
    """One declared need against what there is: an item against usable stock (``kind`` "item"), or the
    plan's minimum staff on duty against the enterprise's on-shift headcount (``kind`` "staff":
    ``usable`` and ``book`` are then the people on shift, ``item_id`` None)."""

    item_id: int | None
    code: str
    name: str
    spec: str
    unit: str
    needed: int
    usable: int
    book: int
    notes: str = ""
    kind: str = "item"

    @property
    def shortfall(self) -> int:
        return max(self.needed - self.usable, 0)

    @property
    def is_staff(self) -> bool:
        return self.kind == STAFF

    @property
    def summary(self) -> str:
        """The line in a sentence: “应急值守人员：需 6 人，当班 4 人，缺 2 人”."""
        have = f"{'当班' if self.is_staff else '可用'} {self.usable} {self.unit}"
        state = f"缺 {self.shortfall} {self.unit}" if self.shortfall else "满足"
        return f"{self.name}：需 {self.needed} {self.unit}，{have}，{state}"


def staff_line(needed: int, on_shift: int) -> NeedLine:
    """A plan's 应急值守人员 against the enterprise's on-shift headcount (企业名录的“当班人数”)."""
    return NeedLine(None, "", STAFF_NAME, "当班人数", "人", needed, on_shift, on_shift,
                    "" if on_shift else "企业名录未填当班人数", kind=STAFF)


@dataclass(frozen=True)
class PlanNeeds:
    plan_id: int
    enterprise_id: int
    lines: tuple[NeedLine, ...] = field(default_factory=tuple)  # the items
    staff: NeedLine | None = None  # the minimum staff on duty, when the plan declares one

    @property
    def all_lines(self) -> tuple[NeedLine, ...]:
        """The staff line (first) and the items."""
        return ((self.staff,) if self.staff is not None else ()) + self.lines

    @property
    def short(self) -> tuple[NeedLine, ...]:
        return tuple(line for line in self.all_lines if line.shortfall > 0)


@dataclass(frozen=True)
class _Staff:
    plan_no: str
    title: str
    enterprise_id: int
    staff: int  # needed
    on_shift: int  # the enterprise's on-shift headcount


def _staff_needs(session: Session, *, plan_ids: Sequence[int] | None = None,
                 enterprise_ids: Sequence[int] | None = None, live_only: bool = False) -> dict[int, _Staff]:
    """plan id → its declared 应急值守人员 and the enterprise's on-shift headcount, for the plans (of the
    enterprises; ``live_only``: neither deleted nor retired) that declare one."""
    stmt = (select(PlanStaffNeed.plan_id, Plan.plan_no, Plan.title, Plan.enterprise_id, PlanStaffNeed.staff,
                   Enterprise.on_shift_headcount)
            .join(Plan, Plan.id == PlanStaffNeed.plan_id)
            .join(Enterprise, Enterprise.id == Plan.enterprise_id)
            .where(PlanStaffNeed.deleted_at.is_(None)))
    if plan_ids is not None:
        stmt = stmt.where(PlanStaffNeed.plan_id.in_(list(plan_ids)))
    if enterprise_ids is not None:
        stmt = stmt.where(Plan.enterprise_id.in_(list(enterprise_ids)))
    if live_only:
        stmt = stmt.where(Plan.deleted_at.is_(None), Plan.status != "retired")
    return {r.plan_id: _Staff(r.plan_no, r.title, r.enterprise_id, int(r.staff), int(r.on_shift_headcount or 0))
            for r in session.execute(stmt)}


def plan_needs(session: Session, plan_id: int, as_of: date) -> PlanNeeds:
    """What the plan declares it needs, each item against the usable stock on ``as_of`` in the
    warehouses of the plan's enterprise (book quantity beside it), in item-code order, and its
    minimum staff on duty against the enterprise's on-shift headcount."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        return PlanNeeds(plan_id, 0)
    staff = _staff_needs(session, plan_ids=[plan_id]).get(plan_id)
    staff_need = staff_line(staff.staff, staff.on_shift) if staff else None
    needs = session.execute(
        select(PlanSupplyNeed.item_id, PlanSupplyNeed.quantity, PlanSupplyNeed.notes, SupplyItem.code,
               SupplyItem.name, SupplyItem.spec, SupplyItem.unit)
        .join(SupplyItem, SupplyItem.id == PlanSupplyNeed.item_id)
        .where(PlanSupplyNeed.plan_id == plan_id, PlanSupplyNeed.deleted_at.is_(None))
        .order_by(SupplyItem.code, SupplyItem.id)).all()
    if not needs:
        return PlanNeeds(plan_id, plan.enterprise_id, staff=staff_need)
    held = {h.item_id: h for h in _held_by_enterprise(session, as_of, [plan.enterprise_id],
                                                      [n.item_id for n in needs]).get(plan.enterprise_id, [])}
    lines = []
    for n in needs:
        h = held.get(n.item_id)
        lines.append(NeedLine(n.item_id, n.code, n.name, n.spec, n.unit, n.quantity, h.usable if h else 0,
                              h.book if h else 0, n.notes))
    return PlanNeeds(plan_id, plan.enterprise_id, tuple(lines), staff_need)


@dataclass(frozen=True)
class PlanNeedLine:
    plan_id: int
    plan_no: str
    plan_title: str
    line: NeedLine
    enterprise_id: int = 0


def plan_need_lines(session: Session, as_of: date, enterprise_ids: Sequence[int] | None = None) -> list[PlanNeedLine]:
    """Every need declared by the live plans (not retired) of every enterprise (or of
    ``enterprise_ids``) against its usable stock on ``as_of`` — a plan's 应急值守人员 first, then its
    items by code —, by plan number: one read of the needs, one of the stock."""
    stmt = (select(Plan.id, Plan.plan_no, Plan.title, Plan.enterprise_id, PlanSupplyNeed.item_id,
                   PlanSupplyNeed.quantity, PlanSupplyNeed.notes, SupplyItem.code, SupplyItem.name, SupplyItem.spec,
                   SupplyItem.unit)
            .join(PlanSupplyNeed, PlanSupplyNeed.plan_id == Plan.id)
            .join(SupplyItem, SupplyItem.id == PlanSupplyNeed.item_id)
            .where(Plan.deleted_at.is_(None), Plan.status != "retired", PlanSupplyNeed.deleted_at.is_(None)))
    if enterprise_ids is not None:
        stmt = stmt.where(Plan.enterprise_id.in_(list(enterprise_ids)))
    needs = session.execute(stmt).all()
    staff = _staff_needs(session, enterprise_ids=enterprise_ids, live_only=True)
    if not needs and not staff:
        return []
    held: dict[tuple[int, int], _Held] = {}
    if needs:
        owners = sorted({n.enterprise_id for n in needs}) if enterprise_ids is not None else None  # None: all
        for ent_id, found in _held_by_enterprise(session, as_of, owners, sorted({n.item_id for n in needs})).items():
            held.update({(ent_id, h.item_id): h for h in found})
    out = [PlanNeedLine(pid, st.plan_no, st.title, staff_line(st.staff, st.on_shift), st.enterprise_id)
           for pid, st in staff.items()]
    for n in needs:
        h = held.get((n.enterprise_id, n.item_id))
        out.append(PlanNeedLine(n.id, n.plan_no, n.title, NeedLine(
            n.item_id, n.code, n.name, n.spec, n.unit, n.quantity, h.usable if h else 0, h.book if h else 0, n.notes),
            n.enterprise_id))
    out.sort(key=lambda p: (p.plan_no, p.plan_id, not p.line.is_staff, p.line.code, p.line.item_id or 0))
    return out


def enterprise_plan_needs(session: Session, enterprise_id: int, as_of: date) -> list[PlanNeedLine]:
    """Every need declared by the enterprise's live plans (not retired), against its usable stock
    (and its on-shift headcount) on ``as_of``, by plan number — one read for the 企业 page's panel."""
    return plan_need_lines(session, as_of, [enterprise_id])


# --- every shortfall, as one list ------------------------------------------------------------------

@dataclass(frozen=True)
class ShortfallLine:
    """One line of ``list supply-shortfalls`` and of the shortfall workbook: a GB 30077 minimum of an
    enterprise, an item a plan needs, or a plan's minimum staff on duty."""

    kind: str  # "gb30077" | "plan_item" | "plan_staff"
    enterprise_id: int
    enterprise: str
    basis: str  # "GB 30077", or the plan's number and title
    plan_id: int | None
    item: str
    rule: str  # “1个/人 × 当班 12 人”, “预案所需”, “预案所需（当班人数）”
    required: int
    usable: int  # the people on shift for a staff line
    book: int
    unit: str
    note: str = ""

    @property
    def shortfall(self) -> int:
        return max(self.required - self.usable, 0)

    @property
    def summary(self) -> str:
        have = "当班" if self.kind == "plan_staff" else "可用"
        state = f"缺 {self.shortfall} {self.unit}" if self.shortfall else "满足"
        need = "需" if self.kind == "plan_staff" else ("所需" if self.plan_id else "应配")
        return f"{self.item}：{need} {self.required} {self.unit}，{have} {self.usable} {self.unit}，{state}"

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "enterprise_id": self.enterprise_id, "enterprise": self.enterprise,
                "basis": self.basis, "plan_id": self.plan_id, "item": self.item, "rule": self.rule,
                "required": self.required, "usable": self.usable, "book": self.book, "unit": self.unit,
                "shortfall": self.shortfall, "summary": self.summary}


def shortfall_lines(session: Session, as_of: date, enterprise_ids: Sequence[int] | None = None, *,
                    include_met: bool = False) -> list[ShortfallLine]:
    """Every enterprise's GB 30077 minimums and its plans' needs (items and 应急值守人员), counted on
    ``as_of``, by enterprise name — only what is short unless ``include_met``."""
    out: list[ShortfallLine] = []
    names = {e.enterprise_id: e.name for e in enterprise_minimums(session, as_of, enterprise_ids,
                                                                  only_applicable=False)}
    by_enterprise: dict[int, list[ShortfallLine]] = defaultdict(list)
    for ent in enterprise_minimums(session, as_of, enterprise_ids):
        by_enterprise[ent.enterprise_id] += [
            ShortfallLine("gb30077", ent.enterprise_id, ent.name, "GB 30077", None, line.name, line.basis,
                          line.required, line.usable, line.book, line.unit, line.note) for line in ent.lines]
    for n in plan_need_lines(session, as_of, enterprise_ids):
        line = n.line
        staff = line.is_staff
        by_enterprise[n.enterprise_id].append(ShortfallLine(
            "plan_staff" if staff else "plan_item", n.enterprise_id, names.get(n.enterprise_id, ""),
            f"{n.plan_no} {n.plan_title}", n.plan_id, line.name, "预案所需（当班人数）" if staff else "预案所需",
            line.needed, line.usable, line.book, line.unit, line.notes))
    for ent_id in sorted(by_enterprise, key=lambda e: (names.get(e, ""), e)):
        out += [line for line in by_enterprise[ent_id] if include_met or line.shortfall]
    return out
