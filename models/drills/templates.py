"""Evaluation forms as an administrator keeps them: the shipped AQ/T 9009 forms, overridden per form.

The shipped forms are reference data (``refdata/evaluation.json``). An administrator changes a form
— its items grouped by phase and indicator, their criteria, weights and kinds, the score scale, the
measurement rules, the grade bands, the disagreement spread, the HSEEP bands and core capabilities —
by saving a new version of its JSON (``save_form``: validated by the parser of the shipped forms,
``models.drills.evaluation.parse_form``, numbered after every earlier version, version-checked
against the version the edit started from), or returns to the shipped form (``reset_form``). Every
stored version is kept. A drill's evaluation starts from ``active_form`` and keeps a frozen copy of
it (``models.drills.scoring.start_evaluation``), so later edits never change past scores.

The same pattern as the plan templates (``plans.plans.template_store``): both commands need the
administrator role.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.errors import ConflictError, DeskError, FieldError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.drills.entities import EvaluationTemplate
from models.drills.evaluation import Form, form_keys, parse_form, shipped_form_json, shipped_forms

SAVE = Command("drill.form.save", "修改演练评估表", role="admin")
RESET = Command("drill.form.reset", "恢复内置演练评估表", role="admin")

# the form a drill of each form of drill (实战 / 桌面) is evaluated with
FORM_OF_DRILL: dict[str, str] = {"live": "live", "tabletop": "tabletop"}


@dataclass(frozen=True)
class FormInfo:
    """One evaluation form in use, as the administration list shows it."""

    key: str
    label: str
    version: int
    source: str
    customised: bool
    changed_at: datetime | None
    changed_by: str
    note: str
    items: int
    versions: int  # the administrator's versions kept (0: never changed)

    @property
    def origin(self) -> str:
        return "管理员修改" if self.customised else "内置（AQ/T 9009-2015）"


class FormConflict(ConflictError):
    """The edited form started from a version that is no longer the one in use."""

    def __init__(self, label: str, based_on: object, current: int) -> None:
        DeskError.__init__(self, f"{label}在您导出后已被修改（您的文件基于第 {based_on} 版，现在是第 {current} 版），"
                                 "保存被拒绝，没有写入任何内容。请重新导出最新的评估表再修改。")
        self.entity_label, self.entity_id, self.expected, self.actual = label, None, None, current


def _check_key(key: object) -> str:
    keys = form_keys()
    if key not in keys:
        shown = "、".join(f"{k}（{label}）" for k, label in keys.items())
        raise ValidationError([FieldError("key", "评估表代码（key）", f"没有“{key}”评估表，可选：{shown}")])
    return str(key)


def _live_row(session: Session, key: str) -> EvaluationTemplate | None:
    return session.scalar(select(EvaluationTemplate)
                          .where(EvaluationTemplate.form_key == key, EvaluationTemplate.deleted_at.is_(None))
                          .order_by(EvaluationTemplate.template_version.desc()).limit(1))


def form_json(session: Session, key: str) -> dict[str, Any]:
    """The JSON of the form in use — what an administrator exports to edit."""
    _check_key(key)
    row = _live_row(session, key)
    return copy.deepcopy(row.data) if row is not None else shipped_form_json(key)


def active_form(session: Session, key: str) -> Form:
    """The form a drill whose evaluation starts now is scored against."""
    _check_key(key)
    row = _live_row(session, key)
    return parse_form(row.data) if row is not None else shipped_forms()[key]


def form_for_drill(session: Session, drill_form: str) -> Form:
    """The form in use for a drill of ``drill_form`` (live → 实战演练评估表, tabletop → 桌面)."""
    return active_form(session, FORM_OF_DRILL.get(drill_form, "live"))


def forms_info(session: Session) -> list[FormInfo]:
    out = []
    for key in form_keys():
        row = _live_row(session, key)
        form = parse_form(row.data) if row is not None else shipped_forms()[key]
        kept = session.scalar(select(func.count()).select_from(EvaluationTemplate)
                              .where(EvaluationTemplate.form_key == key)) or 0
        out.append(FormInfo(key, form.label, form.version, form.source, row is not None,
                            row.updated_at if row else None, row.updated_by if row else "", row.note if row else "",
                            len(form.items), int(kept)))
    return out


def save_form(uow: UnitOfWork, data: Any, *, note: str = "") -> int:
    """Store an administrator's version of a form; returns its version number.

    ``data["version"]`` must be the version the edit started from (as ``form_json`` gave it): when
    someone else saved a newer one meanwhile the save is refused, not silently overwritten. Every
    problem of the file is listed at once (``ValidationError``), and nothing is written.
    """
    uow.require(SAVE)
    if not isinstance(data, dict):
        raise ValidationError([FieldError("form", "评估表", "评估表文件应是一个 JSON 对象")])
    key = _check_key(data.get("key"))
    parse_form(data)
    current = active_form(uow.session, key)
    if data.get("version") != current.version:
        raise FormConflict(current.label, data.get("version"), current.version)
    highest = uow.session.scalar(select(func.max(EvaluationTemplate.template_version))
                                 .where(EvaluationTemplate.form_key == key)) or 0
    version = max(highest, shipped_forms()[key].version, current.version) + 1
    stored = copy.deepcopy(data)
    stored["version"] = version
    uow.add(EvaluationTemplate(form_key=key, template_version=version, name=str(stored["label"]).strip(),
                               source=str(stored["source"]), data=stored, note=note.strip()))
    uow.session.flush()
    return version


def reset_form(uow: UnitOfWork, key: str) -> int:
    """Go back to the shipped form ``key`` (earlier versions stay); returns the shipped version."""
    uow.require(RESET)
    _check_key(key)
    for row in uow.session.scalars(select(EvaluationTemplate).where(EvaluationTemplate.form_key == key,
                                                                    EvaluationTemplate.deleted_at.is_(None))):
        uow.soft_delete(row)
    uow.session.flush()
    return shipped_forms()[key].version
