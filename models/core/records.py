"""What every module's write services share about a record and its form copy: the plain dataclass a
form edits (``form_values``, ``copy_form``, ``load_form``), finding a live record (``live_record``,
``chosen_gone``), and the field checks whose Chinese messages every form shows the same way
(``require_value``, ``text_limits``, ``choose_key``, ``number_range``, ``plausible_day``), and
``raise_errors`` for the list they make. ``prefix`` names a row of a form's table (“第 2 项隐患：”)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from models.core.base import Entity
from models.core.errors import FieldError, NotFoundError, ValidationError

E = TypeVar("E", bound=Entity)


def squash(value: str) -> str:
    """A one-line text as typed, its runs of white space one space (names, phones, numbers)."""
    return " ".join(str(value).split())


def raise_errors(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationError(errors)


def require_value(cls: type[Entity], name: str, value: object, prefix: str = "",
                  message: str = "请填写") -> list[FieldError]:
    return [] if value not in (None, "") else [FieldError(name, prefix + cls.field_label(name), message)]


def text_limits(cls: type[Entity], data: Any, limits: Mapping[str, int], prefix: str = "") -> list[FieldError]:
    out = []
    for name, limit in limits.items():
        value = getattr(data, name)
        if len(value) > limit:
            out.append(FieldError(name, prefix + cls.field_label(name), f"最多 {limit} 个字，现为 {len(value)} 个字"))
    return out


def choose_key(cls: type[Entity], name: str, value: str, choices: Mapping[str, str] | Any,
               prefix: str = "") -> list[FieldError]:
    """``value`` must be a key of ``choices`` (reference data: key → label)."""
    if value in choices:
        return []
    return [FieldError(name, prefix + cls.field_label(name), "请从 " + "、".join(choices.values()) + " 中选择")]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def number_range(cls: type[Entity], name: str, value: int | float | None, low: float, high: float,
                 *, required: bool = False) -> list[FieldError]:
    if value is None:
        return [FieldError(name, cls.field_label(name), "请填写")] if required else []
    if not low <= value <= high:
        return [FieldError(name, cls.field_label(name), f"应在 {_num(low)} 到 {_num(high)} 之间")]
    return []


def plausible_day(cls: type[Entity], name: str, value: date | None, prefix: str = "", *,
                  first_year: int = 1930, last_year: int = 2100) -> list[FieldError]:
    """A date whose year is outside ``first_year``–``last_year`` is a typing slip (20226, 1026)."""
    if value is not None and not first_year <= value.year <= last_year:
        return [FieldError(name, prefix + cls.field_label(name),
                           f"年份 {value.year} 不在 {first_year}–{last_year} 年之间，请检查是否填错")]
    return []


def live_record(session: Session, cls: type[E], entity_id: int | None) -> E | None:
    """The record, unless it is missing or in the recycle bin."""
    if entity_id is None:
        return None
    obj = session.get(cls, entity_id)
    return None if obj is None or obj.is_deleted else obj


def chosen_gone(session: Session, cls: type[Entity], name: str, value: int | None, label: str | None = None,
                owner: type[Entity] | None = None) -> list[FieldError]:
    """An error when the record chosen in field ``name`` no longer exists."""
    if value is None or live_record(session, cls, value) is not None:
        return []
    return [FieldError(name, label or (owner or cls).field_label(name), "所选记录已不存在，请重新选择")]


def form_values(data: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A form copy's fields as column values (tuples stored as JSON lists)."""
    out = {}
    for f in fields(data):
        if f.name not in skip:
            value = getattr(data, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def copy_form(data: Any, obj: Any, skip: tuple[str, ...] = ()) -> None:
    """Set the record's columns from the form copy, only those that changed (so the trail lists those)."""
    for name, value in form_values(data, skip).items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def load_form(session: Session, cls: type[E], entity_id: int, data_cls: type[Any]) -> tuple[Any, int]:
    """The record as its form copy (JSON lists as tuples) and its version; ``NotFoundError`` if missing."""
    obj = session.get(cls, entity_id)
    if obj is None:
        raise NotFoundError(cls.__label__, entity_id)
    values = {}
    for f in fields(data_cls):
        if hasattr(obj, f.name):
            value = getattr(obj, f.name)
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return data_cls(**values), obj.version
