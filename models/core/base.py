"""Declarative base and the columns every editable entity carries."""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, Dialect, Integer, LargeBinary, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Columns the unit of work maintains itself; they are never audited as field changes.
BOOKKEEPING = frozenset(
    {"id", "created_at", "created_by", "updated_at", "updated_by", "version"}
)


class Entity:
    """Mixin: id, created/updated at and by, version counter (optimistic lock), soft delete.

    ``__label__`` is the Chinese name used in messages; ``__field_labels__`` names the fields
    for validation messages and the audit view. ``__immutable__`` rows (published plan versions)
    are refused by the unit of work once stored. ``__audit_digest__`` names the fields the audit
    trail records by size and SHA-256 (``models.core.audit.digest``) instead of in full: bulky values
    that are derived from audited fields or kept unchanged in their own row, so the trail still
    shows every change and can still prove a stored value (``models.core.audit.matches``).
    """

    __label__: ClassVar[str] = "记录"
    __immutable__: ClassVar[bool] = False  # True: rows are written once and never changed
    __field_labels__: ClassVar[dict[str, str]] = {}
    __audit_digest__: ClassVar[frozenset[str]] = frozenset()  # fields audited by digest, not value

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    deleted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

    @declared_attr.directive
    @classmethod
    def __mapper_args__(cls) -> dict[str, object]:
        return {"version_id_col": cls.version}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def field_label(cls, field: str) -> str:
        return cls.__field_labels__.get(field, field)


class CompressedJSON(TypeDecorator[Any]):
    """A JSON value stored zlib-compressed (bulky values read whole and rarely: a published plan
    version's frozen content). The application sees the value; the column holds a few KB instead
    of tens."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(zlib.decompress(value).decode("utf-8"))
