"""Plan templates as an administrator keeps them: the shipped GB/T 29639 templates, overridden per kind.

The shipped templates are package data (``plans/plans/templates/*.json``). An administrator changes a
template by saving a new version of its JSON (``save_template``: validated like the shipped files,
numbered after every earlier version, version-checked against the one the edit started from) or
returns to the shipped one (``reset_template``). Every stored version is kept, so a plan always
finds the template it was created from (``template_for``) — the completeness check needs its
guidance text — while new plans start from ``active_template``.
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
from models.plans.entities import PLAN_KINDS, PlanTemplate
from plans.plans.templates import KINDS, load_template, parse_plan_template, shipped_json
from plans.template import Template, TemplateError

SAVE = Command("template.save", "修改预案模板", role="admin")
RESET = Command("template.reset", "恢复内置预案模板", role="admin")


@dataclass(frozen=True)
class TemplateInfo:
    """One kind's template in use, as the administration list shows it."""

    kind: str
    name: str
    version: int
    source: str
    customised: bool
    changed_at: datetime | None
    changed_by: str
    note: str
    sections: int

    @property
    def kind_label(self) -> str:
        return PLAN_KINDS[self.kind]

    @property
    def origin(self) -> str:
        return "管理员修改" if self.customised else "内置（GB/T 29639-2020）"


class TemplateConflict(ConflictError):
    """The edited template started from a version that is no longer the one in use."""

    def __init__(self, kind_label: str, based_on: object, current: int) -> None:
        DeskError.__init__(self, f"{kind_label}模板在您导出后已被修改（您的文件基于第 {based_on} 版，现在是第 {current} 版），"
                                 "保存被拒绝。请重新导出最新模板再修改。")
        self.entity_label, self.entity_id, self.expected, self.actual = f"{kind_label}模板", None, None, current


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise TemplateError(f"没有“{kind}”类型的预案模板，可选：" + "、".join(KINDS))


def _live_row(session: Session, kind: str) -> PlanTemplate | None:
    return session.scalar(select(PlanTemplate).where(PlanTemplate.kind == kind, PlanTemplate.deleted_at.is_(None))
                          .order_by(PlanTemplate.template_version.desc()).limit(1))


def template_json(session: Session, kind: str) -> dict[str, Any]:
    """The JSON of the template in use for ``kind`` — what an administrator exports to edit."""
    _check_kind(kind)
    row = _live_row(session, kind)
    return copy.deepcopy(row.data) if row is not None else shipped_json(kind)


def active_template(session: Session, kind: str) -> Template:
    """The template a new plan of ``kind`` starts from."""
    _check_kind(kind)
    return _template_of(kind, _live_row(session, kind))


def _template_of(kind: str, row: PlanTemplate | None) -> Template:
    """The stored version ``row`` as a template, or the shipped one without a row."""
    return (parse_plan_template(row.data, f"{PLAN_KINDS[kind]}模板第 {row.template_version} 版") if row
            else load_template(kind))


def template_for(session: Session, kind: str, version: str | int | None) -> Template | None:
    """The template a plan was created from (its ``template_key`` and ``template_version``); the
    one in use when that version is unknown; None for a plan without a template (Word imports)."""
    if kind not in KINDS:
        return None
    try:
        number = int(version) if version not in (None, "") else None
    except (TypeError, ValueError):
        number = None
    if number is not None:
        row = session.scalar(select(PlanTemplate).where(PlanTemplate.kind == kind,
                                                        PlanTemplate.template_version == number))
        if row is not None:
            return _template_of(kind, row)
        if number == load_template(kind).version:
            return load_template(kind)
    return active_template(session, kind)


def template_infos(session: Session) -> list[TemplateInfo]:
    out = []
    for kind in KINDS:
        row = _live_row(session, kind)
        template = _template_of(kind, row)
        out.append(TemplateInfo(kind, template.name, template.version, template.source, row is not None,
                                row.updated_at if row else None, row.updated_by if row else "",
                                row.note if row else "", len(template.iter_sections())))
    return out


def save_template(uow: UnitOfWork, data: Any, *, note: str = "") -> int:
    """Store an administrator's version of a template; returns its version number.

    ``data["version"]`` must be the version the edit started from (as ``template_json`` gave it):
    when someone else saved a newer one meanwhile the save is refused, not silently overwritten.
    """
    uow.require(SAVE)
    if not isinstance(data, dict):
        raise ValidationError([FieldError("template", "模板", "模板文件应是一个 JSON 对象")])
    kind = data.get("kind")
    _check_kind(str(kind))
    parse_plan_template(data, f"{PLAN_KINDS[str(kind)]}模板")  # every problem listed, nothing written
    current = active_template(uow.session, str(kind))
    if data.get("version") != current.version:
        raise TemplateConflict(PLAN_KINDS[str(kind)], data.get("version"), current.version)
    highest = uow.session.scalar(select(func.max(PlanTemplate.template_version))
                                 .where(PlanTemplate.kind == kind)) or 0
    version = max(highest, load_template(str(kind)).version, current.version) + 1
    stored = copy.deepcopy(data)
    stored["version"] = version
    uow.add(PlanTemplate(kind=str(kind), template_version=version, name=str(stored["name"]),
                         source=str(stored["source"]), data=stored, note=note.strip()))
    uow.session.flush()
    return version


def reset_template(uow: UnitOfWork, kind: str) -> int:
    """Go back to the shipped template of ``kind`` (earlier versions stay for the plans using them);
    returns the shipped version."""
    uow.require(RESET)
    _check_kind(kind)
    for row in uow.session.scalars(select(PlanTemplate).where(PlanTemplate.kind == kind,
                                                              PlanTemplate.deleted_at.is_(None))):
        uow.soft_delete(row)
    uow.session.flush()
    return load_template(kind).version
