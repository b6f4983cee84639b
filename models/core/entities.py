"""Stored entities shared by every module: reference data (industries, departments, regions, risk levels), the holiday calendar, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base, Entity


class Industry(Entity, Base):
    """行业. ``flags`` are the categories later rules key on (hazardous_goods, mining, …)."""

    __tablename__ = "industry"
    __label__ = "行业"
    __field_labels__ = {"code": "代码", "name": "名称", "parent_code": "上级", "flags": "规则类别",
                        "is_key": "重点行业", "sort_order": "排序", "source": "依据"}

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_key: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str | None] = mapped_column(Text)


class Department(Entity, Base):
    """监管部门."""

    __tablename__ = "department"
    __label__ = "监管部门"
    __field_labels__ = {"code": "代码", "name": "名称", "short_name": "简称", "sort_order": "排序"}

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    short_name: Mapped[str | None] = mapped_column(String(32))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Region(Entity, Base):
    """行政区域: a tree city → district/county → street/town, keyed by its code."""

    __tablename__ = "region"
    __label__ = "区域"
    __field_labels__ = {"code": "区划代码", "name": "名称", "parent_code": "上级", "level": "层级"}

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(String(16), index=True)
    level: Mapped[int] = mapped_column(Integer)  # 1 市, 2 区县, 3 街道乡镇
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class RiskLevel(Entity, Base):
    """风险等级 重大/较大/一般/低 with its colour 红/橙/黄/蓝; ``rank`` 1 is the highest."""

    __tablename__ = "risk_level"
    __label__ = "风险等级"
    __field_labels__ = {"code": "代码", "name": "名称", "color_name": "颜色", "color": "色值", "rank": "级别"}

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(16))
    color_name: Mapped[str] = mapped_column(String(8))
    color: Mapped[str] = mapped_column(String(8))
    rank: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)


class AuditLog(Base):
    """One changed entity of one command (unit of work), hash-chained to the row before it.

    ``action``: insert / update / delete / restore / purge. ``changes`` is one JSON object: for an
    insert the stored value of every audited field that is set (``{"name": "…"}``), otherwise the
    changed fields with their value before and after (``{"address": ["旧", "新"]}``); fields an
    entity names in ``__audit_digest__`` appear as ``{"bytes": n, "sha256": "…"}``. Rows are only
    ever appended (by the unit of work); ``audit verify`` recomputes the chain and compares the
    stored records with what the trail says they are.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    changes: Mapped[str] = mapped_column(Text, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class AuditHead(Base):
    """The head of the audit chain: how many rows it has and the last one's hash (one row, id 1).

    Kept in step by every unit of work, so deleting the newest audit rows (which leaves a shorter
    chain that is still intact) shows: the head names rows that are gone. The head travels with
    every backup of the database and ``audit verify`` prints it, so a user can note it down.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    last_id: Mapped[int] = mapped_column(Integer, nullable=False)
    last_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Maintenance(Base):
    """State of derived data the application keeps itself (for example the way the search index
    was built), by key. Not a record anyone edits, so not audited."""

    __tablename__ = "maintenance"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)


class HolidayYear(Entity, Base):
    """An administrator's 节假日安排 for one year (same format as ``models/core/refdata/holidays/*.json``).

    A year stored here replaces the shipped file for that year as a whole.
    """

    __tablename__ = "holiday_year"
    __label__ = "节假日安排"
    __field_labels__ = {"year": "年份", "source": "依据", "document": "安排", "deleted_at": "删除时间"}

    year: Mapped[int] = mapped_column(Integer, unique=True)
    source: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Attachment(Entity, Base):
    """A file kept with a record of any module: a plan's review minutes (评审纪要), a drill's photos,
    a member's certificate scan…, keyed by its owner (``owner_type`` is the owner's table name).

    The bytes live in the database like images, so a copied database file carries them; the audit
    trail records their size and SHA-256, not the bytes. ``kind`` is a key of the owner type's kinds
    in ``models/core/refdata/attachments.json``.
    """

    __tablename__ = "attachment"
    __label__ = "附件"
    __audit_digest__ = frozenset({"data"})
    __field_labels__ = {"owner_type": "所属类型", "owner_id": "所属记录", "kind": "附件类型", "filename": "文件名",
                        "mime": "文件类型", "size": "大小", "sha256": "内容摘要", "data": "文件内容",
                        "deleted_at": "删除时间", "deleted_by": "删除人"}

    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)
