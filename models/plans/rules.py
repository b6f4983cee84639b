"""Plan management rules (应急预案管理规则) as reference data: deadlines, evaluation, review, revision.

The numbers and lists live in ``models/plans/refdata/plan_rules.json``, each with its source; this module
only applies them. :func:`load_plan_rules` reads the shipped file once; every function takes an
optional :class:`PlanRules` so a province's tighter rules (``dataclasses.replace`` or
:meth:`PlanRules.from_dict` over an edited copy) can be passed instead.

No function reads the clock: statuses take ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any, Literal, cast

from models.core.days import add_years
from models.core.reference import refdata
from models.core.workdays import DueDate, HolidayCalendar, load_shipped_calendar

__all__ = [
    "PlanRules",
    "ReviewType",
    "RevisionTrigger",
    "Status",
    "authority_check_due",
    "deadline_status",
    "evaluation_due",
    "filing_due",
    "filing_required",
    "load_plan_rules",
    "revision_trigger_label",
    "revision_triggers",
    "suggest_review_type",
]

ReviewType = Literal["评审", "论证"]


class Status(StrEnum):
    """Where a deadline stands on a given day."""

    NOT_DUE = "not_due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_done(self) -> bool:
        return self in (Status.DONE_ON_TIME, Status.DONE_LATE)

    @property
    def needs_attention(self) -> bool:
        return self in (Status.DUE_SOON, Status.OVERDUE)


_STATUS_LABELS: dict[Status, str] = {
    Status.NOT_DUE: "未到期",
    Status.DUE_SOON: "即将到期",
    Status.OVERDUE: "已逾期",
    Status.DONE_ON_TIME: "按期完成",
    Status.DONE_LATE: "逾期完成",
}


@dataclass(frozen=True)
class RevisionTrigger:
    """One reason a plan must be revised (修订情形), with its Chinese label and source."""

    code: str
    label: str
    text: str
    source: str
    reserved: bool = False  # kept for a later module (drills), not offered in the plan editor yet


@dataclass(frozen=True)
class PlanRules:
    """The plan management rules, as read from ``plan_rules.json`` (or a province's edited copy)."""

    filing_working_days: int
    filing_source: str
    filing_required_flags: frozenset[str]
    authority_check_working_days: int
    authority_check_source: str
    evaluation_every_years: int
    evaluation_flags: frozenset[str]
    evaluation_source: str
    review_formal: str
    review_other: str
    review_formal_flags: frozenset[str]
    review_source: str
    warning_days: int
    triggers: tuple[RevisionTrigger, ...]
    not_triggers: tuple[RevisionTrigger, ...]
    source: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanRules:
        filing, check = data["filing"], data["authority_check"]
        evaluation, review = data["evaluation"], data["review"]

        def triggers(items: Iterable[Mapping[str, Any]]) -> tuple[RevisionTrigger, ...]:
            return tuple(RevisionTrigger(code=t["code"], label=t["label"], text=t.get("text", t["label"]),
                                         source=t.get("source", ""), reserved=bool(t.get("reserved")))
                         for t in items)

        rules = cls(
            filing_working_days=int(filing["working_days"]),
            filing_source=filing.get("source", ""),
            filing_required_flags=frozenset(filing.get("required_for_flags", ())),
            authority_check_working_days=int(check["working_days"]),
            authority_check_source=check.get("source", ""),
            evaluation_every_years=int(evaluation["every_years"]),
            evaluation_flags=frozenset(evaluation["flags"]),
            evaluation_source=evaluation.get("source", ""),
            review_formal=review["formal"],
            review_other=review["other"],
            review_formal_flags=frozenset(review["formal_flags"]),
            review_source=review.get("source", ""),
            warning_days=int(data.get("deadline_warning_days", 5)),
            triggers=triggers(data.get("revision_triggers", ())),
            not_triggers=triggers(data.get("not_revision_triggers", ())),
            source=data.get("source", ""),
        )
        rules.check()
        return rules

    def check(self) -> None:
        """Raise ``ValueError`` (Chinese) for numbers or codes that cannot be right."""
        problems = []
        if self.filing_working_days < 0 or self.authority_check_working_days < 0:
            problems.append("工作日数不能为负数")
        if self.evaluation_every_years < 1:
            problems.append("评估周期至少为 1 年")
        if self.warning_days < 0:
            problems.append("提醒天数不能为负数")
        codes = [t.code for t in (*self.triggers, *self.not_triggers)]
        if len(codes) != len(set(codes)):
            problems.append("修订情形代码重复")
        if problems:
            raise ValueError("；".join(problems))


@cache
def load_plan_rules() -> PlanRules:
    """The shipped rules (``models/plans/refdata/plan_rules.json``), loaded once."""
    return PlanRules.from_dict(refdata("models.plans.refdata", "plan_rules"))


def _rules(rules: PlanRules | None) -> PlanRules:
    return load_plan_rules() if rules is None else rules


def _calendar(calendar: HolidayCalendar | None) -> HolidayCalendar:
    return load_shipped_calendar() if calendar is None else calendar


def _basis(source: str) -> str:
    """The citation part of a source text: everything before the quoted rule ("…第二十六条")."""
    return source.split("：", 1)[0]


# --- deadlines -------------------------------------------------------------------------------------


def filing_due(publish_date: date, calendar: HolidayCalendar | None = None,
               rules: PlanRules | None = None) -> DueDate:
    """Last day to file (备案) a plan published on ``publish_date``: the 20th working day after it."""
    r = _rules(rules)
    return _calendar(calendar).due_after_working_days(publish_date, r.filing_working_days,
                                                      basis=_basis(r.filing_source))


def authority_check_due(submitted_date: date, calendar: HolidayCalendar | None = None,
                        rules: PlanRules | None = None) -> DueDate:
    """Last day for the authority to check a filing submitted on ``submitted_date`` (5 working days)."""
    r = _rules(rules)
    return _calendar(calendar).due_after_working_days(submitted_date, r.authority_check_working_days,
                                                      basis=_basis(r.authority_check_source))


def evaluation_due(last_evaluation_or_publish_date: date, industry_flags: Iterable[str],
                   rules: PlanRules | None = None) -> date | None:
    """When the next periodic evaluation (应急预案评估) is due, or None when the rule does not apply.

    The rule applies to units carrying any of the evaluation flags (mining, metal smelting,
    construction, hazardous goods, fireworks, …); the date is the same calendar day
    ``every_years`` later (29 February → 28 February).
    """
    r = _rules(rules)
    if not r.evaluation_flags.intersection(industry_flags):
        return None
    return add_years(last_evaluation_or_publish_date, r.evaluation_every_years)


def filing_required(industry_flags: Iterable[str], rules: PlanRules | None = None) -> bool:
    """Whether the filing article names this kind of unit (others file as local rules say)."""
    return bool(_rules(rules).filing_required_flags.intersection(industry_flags))


def suggest_review_type(industry_flags: Iterable[str], rules: PlanRules | None = None) -> ReviewType:
    """评审 (formal review with minutes) for the listed high-risk units, else 论证."""
    r = _rules(rules)
    chosen = r.review_formal if r.review_formal_flags.intersection(industry_flags) else r.review_other
    if chosen not in ("评审", "论证"):
        raise ValueError(f"未知的审查方式：{chosen}")
    return cast(ReviewType, chosen)


def deadline_status(due: date, done: date | None, as_of: date, rules: PlanRules | None = None) -> Status:
    """Where a deadline stands on ``as_of``.

    Done (``done`` on or before ``as_of``): 按期完成 when ``done <= due``, else 逾期完成. A ``done``
    after ``as_of`` had not happened yet on that day and is ignored. Not done: 已逾期 after ``due``;
    即将到期 from ``warning_days`` calendar days before ``due`` up to and including ``due``;
    otherwise 未到期.
    """
    if done is not None and done <= as_of:
        return Status.DONE_ON_TIME if done <= due else Status.DONE_LATE
    if as_of > due:
        return Status.OVERDUE
    if (due - as_of).days <= _rules(rules).warning_days:
        return Status.DUE_SOON
    return Status.NOT_DUE


# --- revision triggers -----------------------------------------------------------------------------


def revision_triggers(rules: PlanRules | None = None, *, include_reserved: bool = False
                      ) -> tuple[RevisionTrigger, ...]:
    """The revision triggers (修订情形) in order; reserved codes only when asked for."""
    return tuple(t for t in _rules(rules).triggers if include_reserved or not t.reserved)


def revision_trigger_label(code: str, rules: PlanRules | None = None) -> str:
    """The Chinese label of a trigger code (reserved ones too); ``KeyError`` for a non-trigger."""
    for t in _rules(rules).triggers:
        if t.code == code:
            return t.label
    raise KeyError(code)
