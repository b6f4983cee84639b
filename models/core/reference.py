"""Reference data shipped as JSON files in ``models/core/refdata/`` and loaded into tables.

Loading only adds codes that are missing, so an administrator's edits are never overwritten.
Each file names its source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.entities import Department, Industry, Region, RiskLevel
from models.core.uow import Command, UnitOfWork

LOAD_REFERENCE = Command("reference.load", "载入参考数据")


def refdata(package: str, name: str) -> Any:
    """A module's reference data file ``<package>/<name>.json`` (``models.teams.refdata``, ``readiness``),
    parsed — every rule's numbers are read through here."""
    return json.loads(resources.files(package).joinpath(f"{name}.json").read_text(encoding="utf-8"))


@cache
def load_file(name: str) -> dict[str, Any]:
    return refdata("models.core.refdata", name)  # type: ignore[no-any-return]


def _industry(item: dict[str, Any], order: int, source: str) -> Industry:
    return Industry(code=item["code"], name=item["name"], parent_code=item.get("parent"),
                    flags=list(item.get("flags", [])), is_key=bool(item.get("is_key")),
                    sort_order=order, source=source)


def _department(item: dict[str, Any], order: int, _source: str) -> Department:
    return Department(code=item["code"], name=item["name"], short_name=item.get("short_name"),
                      sort_order=order)


def _region(item: dict[str, Any], order: int, _source: str) -> Region:
    return Region(code=item["code"], name=item["name"], parent_code=item.get("parent"),
                  level=item["level"], sort_order=order)


def _risk(item: dict[str, Any], _order: int, source: str) -> RiskLevel:
    return RiskLevel(code=item["code"], name=item["name"], color_name=item["color_name"],
                     color=item["color"], rank=item["rank"], source=source)


_LOADERS = (
    ("industries", Industry, _industry),
    ("departments", Department, _department),
    ("regions", Region, _region),
    ("risk_levels", RiskLevel, _risk),
)


def ensure_reference_data(uow: UnitOfWork) -> int:
    """Add every shipped reference row whose code is not in its table yet; return how many."""
    uow.require(LOAD_REFERENCE)
    added = 0
    for name, cls, build in _LOADERS:
        data = load_file(name)
        have = set(uow.session.scalars(select(cls.code)))  # type: ignore[attr-defined]
        for order, item in enumerate(data["items"]):
            if item["code"] not in have:
                uow.add(build(item, order, data.get("source", "")))
                added += 1
    return added


def reference_missing(session: Session) -> bool:
    return session.scalar(select(RiskLevel.id).limit(1)) is None


@dataclass(frozen=True)
class Choice:
    """One option for a combo box or filter."""

    id: int
    code: str
    name: str
    parent_code: str | None = None
    level: int = 0
    color: str | None = None


def industries(session: Session) -> list[Choice]:
    rows = session.execute(select(Industry.id, Industry.code, Industry.name, Industry.parent_code)
                           .where(Industry.deleted_at.is_(None)).order_by(Industry.sort_order))
    return [Choice(r.id, r.code, r.name, r.parent_code, 2 if r.parent_code else 1) for r in rows]


def departments(session: Session) -> list[Choice]:
    rows = session.execute(select(Department.id, Department.code, Department.name)
                           .where(Department.deleted_at.is_(None)).order_by(Department.sort_order))
    return [Choice(r.id, r.code, r.name) for r in rows]


def risk_levels(session: Session) -> list[Choice]:
    rows = session.execute(select(RiskLevel.id, RiskLevel.code, RiskLevel.name, RiskLevel.color_name,
                                  RiskLevel.color)
                           .where(RiskLevel.deleted_at.is_(None)).order_by(RiskLevel.rank))
    return [Choice(r.id, r.code, f"{r.name}（{r.color_name}）", color=r.color) for r in rows]


def regions(session: Session) -> list[Choice]:
    rows = session.execute(select(Region.id, Region.code, Region.name, Region.parent_code, Region.level)
                           .where(Region.deleted_at.is_(None)).order_by(Region.sort_order))
    return [Choice(r.id, r.code, r.name, r.parent_code, r.level) for r in rows]


def subtree_ids(choices: list[Choice], root_id: int) -> list[int]:
    """A tree item and every item under it (a district with its streets, an industry with its kinds)."""
    by_parent: dict[str | None, list[Choice]] = {}
    for r in choices:
        by_parent.setdefault(r.parent_code, []).append(r)
    root = next((r for r in choices if r.id == root_id), None)
    if root is None:
        return []
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node.id)
        stack.extend(by_parent.get(node.code, []))
    return out


# --- administration ---------------------------------------------------------------------------------

EDIT_REFERENCE = Command("reference.edit", "修改参考数据", role="admin")

KINDS: dict[str, type[Industry | Department | Region | RiskLevel]] = {
    "industry": Industry, "department": Department, "region": Region, "risk_level": RiskLevel,
}


def save_reference(uow: UnitOfWork, kind: str, values: dict[str, Any], *, entity_id: int | None = None,
                   expected_version: int | None = None) -> int:
    """Add (``entity_id`` None) or change one reference row; administrators only. Returns its id."""
    from models.core.errors import FieldError, ValidationError

    uow.require(EDIT_REFERENCE)
    cls = KINDS[kind]
    labels = cls.__field_labels__
    unknown = set(values) - set(labels)
    if unknown:
        raise ValueError(f"unknown fields for {kind}: {sorted(unknown)}")
    errors = [FieldError(f, labels[f], "不能为空") for f in ("code", "name")
              if f in values and not str(values[f] or "").strip()]
    if entity_id is None:
        errors += [FieldError(f, labels[f], "不能为空") for f in ("code", "name") if f not in values]
    code = values.get("code")
    if code and not errors:
        other = uow.session.scalar(select(cls.id).where(cls.code == code))
        if other is not None and other != entity_id:
            errors.append(FieldError("code", labels["code"], f"“{code}”已存在"))
    if errors:
        raise ValidationError(errors)
    if entity_id is None:
        row = cls(**values)
        uow.add(row)
    else:
        assert expected_version is not None, "changing a row needs the version it was loaded at"
        row = uow.get_for_update(cls, entity_id, expected_version)
        for key, value in values.items():
            setattr(row, key, value)
    uow.session.flush()
    return row.id
