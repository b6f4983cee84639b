"""A plan's deadlines on a given day (P5): filing, periodic evaluation, revision.

Pure functions over a ``PlanRow`` and the rules; every one takes ``as_of``. The plan list, the
home page and the ``due`` command share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.core.workdays import HolidayCalendar
from models.plans import rules as plan_rules
from models.plans.queries import PlanRow
from models.plans.rules import PlanRules, Status

# Statuses in which the published content is in force (deadlines on it run).
IN_FORCE = ("published", "filed", "revising", "reviewing")
OVERDUE_LABELS = {"filing": "备案", "authority_check": "备案审查", "evaluation": "评估", "revision": "修订"}


@dataclass(frozen=True)
class Deadline:
    kind: str  # filing / authority_check / evaluation / revision
    label: str
    due: date | None
    status: Status
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        when = self.due.isoformat() if self.due else "—"
        return f"{self.label}：{when}（{self.status.label}）"


@dataclass(frozen=True)
class PlanDeadlines:
    items: tuple[Deadline, ...]

    def open_items(self) -> list[Deadline]:
        return [d for d in self.items if not d.status.is_done]

    @property
    def next_due(self) -> Deadline | None:
        pending = [d for d in self.open_items() if d.due is not None]
        return min(pending, key=lambda d: d.due or date.max) if pending else None

    @property
    def overdue(self) -> list[str]:
        return [d.kind for d in self.items if d.status is Status.OVERDUE]

    @property
    def overdue_text(self) -> str:
        """What is overdue, as the lists show it: 备案、评估 (empty when nothing is)."""
        return "、".join(OVERDUE_LABELS.get(kind, kind) for kind in self.overdue)

    def due(self, kind: str) -> Deadline | None:
        """The deadline of one kind (filing / evaluation / revision), if the plan has one."""
        return next((d for d in self.items if d.kind == kind), None)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for d in self.items for w in d.warnings))


def plan_deadlines(row: PlanRow, as_of: date, *, calendar: HolidayCalendar | None = None,
                   rules: PlanRules | None = None) -> PlanDeadlines:
    """The deadlines of the content in force on ``as_of``.

    While a revision is under way (修订中, or its draft in review) the published version stays in
    force: its periodic evaluation still runs from its own publish date (``current_publish_date``).
    Its filing is not tracked then (the filing record was cleared for the new round, which is
    filed again once it is published).
    """
    items: list[Deadline] = []
    published = row.in_force_publish_date
    if row.status == "retired" or published is None:
        return PlanDeadlines(())
    if row.status in IN_FORCE:
        if row.publish_date is not None:  # this round was published: its filing is due
            due = plan_rules.filing_due(row.publish_date, calendar, rules)
            items.append(Deadline("filing", "备案期限", due.date,
                                  plan_rules.deadline_status(due.date, row.filing_submitted_date, as_of, rules),
                                  due.warnings))
            if row.filing_submitted_date is not None:
                # The authority's own deadline: 5 working days to check the submitted filing (done
                # when the 备案登记表 is registered).
                check = plan_rules.authority_check_due(row.filing_submitted_date, calendar, rules)
                items.append(Deadline("authority_check", "备案审查期限", check.date,
                                      plan_rules.deadline_status(check.date, row.filing_registered_date, as_of,
                                                                 rules),
                                      check.warnings))
        base = max(d for d in (row.last_evaluation_date, published) if d is not None)
        evaluation = plan_rules.evaluation_due(base, row.industry_flags, rules)
        if evaluation is not None:
            items.append(Deadline("evaluation", "评估期限", evaluation,
                                  plan_rules.deadline_status(evaluation, None, as_of, rules)))
    if row.revision_trigger and row.status in ("published", "filed"):
        # A recorded trigger with no revision started: the plan is due for revision now.
        label = plan_rules.revision_trigger_label(row.revision_trigger, rules)
        since = row.revision_trigger_date or as_of
        items.append(Deadline("revision", f"需修订（{label}）", since,
                              Status.OVERDUE if since <= as_of else Status.DUE_SOON))
    return PlanDeadlines(tuple(items))
