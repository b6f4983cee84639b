"""The plans module's due items (``models.core.due``): filing (备案), the authority's check (备案审查),
periodic evaluation (评估) and revisions triggered (需修订), from ``plan_deadlines`` — the rule the plan
list shows. SQL picks the candidates (a filing not yet submitted or registered, an evaluation base
old enough to fall due within the window, a revision trigger), the rule decides per plan."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from models.core.calendar import load_calendar
from models.core.days import add_years
from models.core.due import DueItem, days_between, in_window
from models.plans import rules as plan_rules
from models.plans.deadlines import IN_FORCE, plan_deadlines
from models.plans.entities import Plan, PlanVersion
from models.plans.queries import PlanFilter, rows_where
from models.plans.rules import Status

KINDS = {"filing": "预案备案", "authority_check": "备案审查", "evaluation": "预案评估", "revision": "预案修订"}


def due_items(session: Session, *, as_of: date, within: int, enterprise_id: int | None = None) -> list[DueItem]:
    rules = plan_rules.load_plan_rules()
    calendar = load_calendar(session)
    # an evaluation falls due within the window when its base is at most this old
    cutoff = add_years(as_of + timedelta(days=within), -rules.evaluation_every_years)
    latest_publish = (select(func.max(PlanVersion.publish_date)).where(PlanVersion.plan_id == Plan.id)
                      .scalar_subquery())
    base = func.coalesce(Plan.last_evaluation_date, Plan.publish_date, latest_publish)
    # (a filing made after ``as_of`` was not made yet on it: a day in the past lists what was due then)
    not_submitted = or_(Plan.filing_submitted_date.is_(None), Plan.filing_submitted_date > as_of)
    not_registered = or_(Plan.filing_registered_date.is_(None), Plan.filing_registered_date > as_of)
    candidates = or_(
        and_(Plan.status.in_(IN_FORCE), or_(
            and_(Plan.publish_date.is_not(None), not_submitted),
            and_(Plan.filing_submitted_date.is_not(None), not_registered),
            base <= cutoff)),
        and_(Plan.revision_trigger.is_not(None), Plan.status.in_(("published", "filed"))))
    out: list[DueItem] = []
    for row in rows_where(session, PlanFilter(enterprise_id=enterprise_id), candidates):
        for d in plan_deadlines(row, as_of, calendar=calendar, rules=rules).items:
            if d.status.is_done or not in_window(d.due, as_of, within):
                continue
            days = days_between(as_of, d.due)
            overdue = d.status is Status.OVERDUE
            detail = f"{row.plan_no} {row.title}：{d.label} {d.due.isoformat() if d.due else ''}（{d.status.label}）"
            out.append(DueItem("plans", d.kind, KINDS.get(d.kind, d.label), "plan", row.id, row.enterprise_id,
                               row.enterprise, row.title, detail, d.due, days, "danger" if overdue else "warning"))
    return out
