"""Files kept with a plan (预案附件): the review minutes (评审纪要), the filing registration form….

Which kinds exist, which file types are accepted (by extension *and* content signature) and the
size limit are reference data (``refdata/attachments.json``, with its source). Attachments are
written through the unit of work like everything else: adding one checks the file, removing one
is a version-checked soft delete, and both count as a change of the plan (its version goes up, so
a stale form elsewhere is refused). A retired plan (废止) keeps its files unchanged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import FieldError, NotFoundError, StateError, ValidationError
from models.core.reference import load_file
from models.core.uow import Command, UnitOfWork
from models.plans.entities import Plan, PlanAttachment

ADD = Command("plan.attachment.add", "添加预案附件")
REMOVE = Command("plan.attachment.remove", "删除预案附件")
FROZEN_STATUSES = ("retired",)


@dataclass(frozen=True)
class FileType:
    ext: str
    mime: str
    label: str
    magic: tuple[bytes, ...]


@dataclass(frozen=True)
class AttachmentRules:
    max_bytes: int
    kinds: dict[str, str]  # key → label
    types: tuple[FileType, ...]
    source: str

    def type_for(self, filename: str) -> FileType | None:
        ext = PurePath(filename).suffix.lower()
        return next((t for t in self.types if t.ext == ext), None)

    @property
    def extensions(self) -> list[str]:
        return sorted({t.ext for t in self.types})


@cache
def attachment_rules() -> AttachmentRules:
    data = load_file("attachments")
    return AttachmentRules(
        max_bytes=int(data["max_bytes"]),
        kinds={k["key"]: k["label"] for k in data["kinds"]},
        types=tuple(FileType(t["ext"].lower(), t["mime"], t["label"], tuple(bytes.fromhex(m) for m in t["magic"]))
                    for t in data["types"]),
        source=data["source"])


@dataclass(frozen=True)
class AttachmentInfo:
    """One attachment as a list shows it (without the bytes)."""

    id: int
    kind: str
    filename: str
    mime: str
    size: int
    sha256: str
    version: int
    created_at: datetime
    created_by: str

    @property
    def kind_label(self) -> str:
        return attachment_rules().kinds.get(self.kind, self.kind)


def size_text(size: int) -> str:
    """“12.3 KB”, “4.5 MB” — sizes as the lists and messages show them."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def base_name(filename: str) -> str:
    """The file name without any folder, whichever separator (Windows or POSIX) the path uses."""
    return re.split(r"[\\/]", filename)[-1].strip()


def check_file(filename: str, data: bytes, kind: str) -> FileType:
    """The file's type, or ``ValidationError`` saying in Chinese what is wrong with it."""
    rules = attachment_rules()
    name = base_name(filename)

    def bad(message: str) -> ValidationError:
        return ValidationError([FieldError("attachment", f"附件“{name or filename}”", message)])

    if kind not in rules.kinds:
        raise bad(f"未知的附件类型“{kind}”")
    if not name:
        raise bad("文件名为空")
    if len(name) > 255:
        raise bad("文件名过长（最多 255 个字符）")
    file_type = rules.type_for(name)
    if file_type is None:
        raise bad("不支持这种文件，可添加：" + "、".join(rules.extensions))
    if not data:
        raise bad("文件是空的")
    if len(data) > rules.max_bytes:
        raise bad(f"文件有 {size_text(len(data))}，超过上限 {size_text(rules.max_bytes)}")
    if not any(data.startswith(m) for m in file_type.magic):
        raise bad(f"文件内容不是{file_type.label}（扩展名与内容不符，文件可能已损坏）")
    return file_type


def _editable_plan(uow: UnitOfWork, plan_id: int) -> Plan:
    plan = uow.get(Plan, plan_id)
    if plan.status in FROZEN_STATUSES:
        raise StateError("预案已废止，附件不能再更改。")
    return plan


def add_attachment(uow: UnitOfWork, plan_id: int, kind: str, filename: str, data: bytes) -> int:
    """Keep a file with the plan; returns the attachment id. The plan's version goes up."""
    uow.require(ADD)
    plan = _editable_plan(uow, plan_id)
    file_type = check_file(filename, data, kind)
    row = PlanAttachment(plan_id=plan_id, kind=kind, filename=base_name(filename),
                         mime=file_type.mime, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
    uow.add(row)
    uow.touch(plan)
    uow.session.flush()
    return row.id


def remove_attachment(uow: UnitOfWork, attachment_id: int, expected_version: int) -> None:
    """Soft-delete an attachment (the bytes stay for the audit trail)."""
    uow.require(REMOVE)
    row = uow.get_for_update(PlanAttachment, attachment_id, expected_version)
    plan = _editable_plan(uow, row.plan_id)
    uow.soft_delete(row)
    uow.touch(plan)
    uow.session.flush()


def attachments(session: Session, plan_id: int, kind: str | None = None) -> list[AttachmentInfo]:
    """The plan's live attachments, oldest first."""
    query = (select(PlanAttachment.id, PlanAttachment.kind, PlanAttachment.filename, PlanAttachment.mime,
                    PlanAttachment.size, PlanAttachment.sha256, PlanAttachment.version,
                    PlanAttachment.created_at, PlanAttachment.created_by)
             .where(PlanAttachment.plan_id == plan_id, PlanAttachment.deleted_at.is_(None))
             .order_by(PlanAttachment.created_at, PlanAttachment.id))
    if kind is not None:
        query = query.where(PlanAttachment.kind == kind)
    return [AttachmentInfo(*row) for row in session.execute(query)]


def attachment_data(session: Session, attachment_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of an attachment, to open or save it."""
    row = session.get(PlanAttachment, attachment_id)
    if row is None or row.is_deleted:
        raise NotFoundError(PlanAttachment.__label__, attachment_id)
    return row.filename, row.data


def version_meta(session: Session, plan_id: int) -> str:
    """What a frozen version records of the attachments, one line each: kind, name, size, SHA-256
    (so the version names exactly which review minutes it was published with)."""
    return "\n".join(f"{a.kind_label}：{a.filename}（{size_text(a.size)}，SHA-256 {a.sha256}）"
                     for a in attachments(session, plan_id))
