"""Files kept with a record (附件) of any module, keyed by the owner: rules, checks, writes, reads.

Which kinds each owner type has (a plan: 评审纪要, 备案登记表, 其他附件), which file types are
accepted (by extension *and* content signature) and the size limit are reference data
(``models/core/refdata/attachments.json``, with its source). A module's service decides whether its
record may change (a retired plan keeps its files) and calls ``add`` / ``remove`` here inside its
unit of work: adding checks the file, removing is a version-checked soft delete, and both count as
a change of the owner (its version goes up, so a stale form elsewhere is refused).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.base import Entity
from models.core.entities import Attachment
from models.core.errors import FieldError, NotFoundError, ValidationError
from models.core.reference import load_file
from models.core.uow import UnitOfWork


@dataclass(frozen=True)
class FileType:
    ext: str
    mime: str
    label: str
    magic: tuple[bytes, ...]
    magic_offset: int = 0  # where the signature starts (an MP4's "ftyp" is at byte 4)


@dataclass(frozen=True)
class AttachmentRules:
    max_bytes: int
    kinds: dict[str, dict[str, str]]  # owner type → kind key → label
    types: tuple[FileType, ...]
    source: str
    kind_types: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (owner, kind) → extensions

    def type_for(self, filename: str) -> FileType | None:
        ext = PurePath(filename).suffix.lower()
        return next((t for t in self.types if t.ext == ext), None)

    def kind_label(self, owner_type: str, kind: str) -> str:
        return self.kinds.get(owner_type, {}).get(kind, kind)

    @property
    def extensions(self) -> list[str]:
        return sorted({t.ext for t in self.types})

    def extensions_for(self, owner_type: str, kind: str) -> list[str]:
        """The extensions a kind accepts (a kind may be limited: 现场照片 only pictures)."""
        limited = self.kind_types.get((owner_type, kind))
        return sorted(limited) if limited else self.extensions


@cache
def attachment_rules() -> AttachmentRules:
    data = load_file("attachments")
    return AttachmentRules(
        max_bytes=int(data["max_bytes"]),
        kinds={owner: {k["key"]: k["label"] for k in kinds} for owner, kinds in data["kinds"].items()},
        types=tuple(FileType(t["ext"].lower(), t["mime"], t["label"], tuple(bytes.fromhex(m) for m in t["magic"]),
                             int(t.get("magic_offset", 0)))
                    for t in data["types"]),
        source=data["source"],
        kind_types={(owner, k["key"]): tuple(e.lower() for e in k["types"])
                    for owner, kinds in data["kinds"].items() for k in kinds if k.get("types")})


@dataclass(frozen=True)
class AttachmentInfo:
    """One attachment as a list shows it (without the bytes)."""

    id: int
    owner_type: str
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
        return attachment_rules().kind_label(self.owner_type, self.kind)


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


def check_file(owner_type: str, kind: str, filename: str, data: bytes) -> FileType:
    """The file's type, or ``ValidationError`` saying in Chinese what is wrong with it."""
    rules = attachment_rules()
    name = base_name(filename)

    def bad(message: str) -> ValidationError:
        return ValidationError([FieldError("attachment", f"附件“{name or filename}”", message)])

    if kind not in rules.kinds.get(owner_type, {}):
        raise bad(f"未知的附件类型“{kind}”")
    if not name:
        raise bad("文件名为空")
    if len(name) > 255:
        raise bad("文件名过长（最多 255 个字符）")
    file_type = rules.type_for(name)
    allowed = rules.extensions_for(owner_type, kind)
    if file_type is None or file_type.ext not in allowed:
        raise bad(f"{rules.kind_label(owner_type, kind)}不支持这种文件，可添加：" + "、".join(allowed))
    if not data:
        raise bad("文件是空的")
    if len(data) > rules.max_bytes:
        raise bad(f"文件有 {size_text(len(data))}，超过上限 {size_text(rules.max_bytes)}")
    if not any(data.startswith(m, file_type.magic_offset) for m in file_type.magic):
        raise bad(f"文件内容不是{file_type.label}（扩展名与内容不符，文件可能已损坏）")
    return file_type


def owner_type_of(owner: Entity) -> str:
    return owner.__tablename__  # type: ignore[attr-defined,no-any-return]


def add(uow: UnitOfWork, owner: Entity, kind: str, filename: str, data: bytes) -> int:
    """Keep a file with ``owner`` (checked first); returns the attachment id. The owner's version
    goes up. The caller has checked its command's permission and that the owner may change."""
    owner_type = owner_type_of(owner)
    file_type = check_file(owner_type, kind, filename, data)
    row = Attachment(owner_type=owner_type, owner_id=owner.id, kind=kind, filename=base_name(filename),
                     mime=file_type.mime, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
    uow.add(row)
    uow.touch(owner)
    uow.session.flush()
    return row.id


def for_update(uow: UnitOfWork, attachment_id: int, expected_version: int) -> Attachment:
    """The stored attachment to remove, refused when the caller's copy is stale."""
    return uow.get_for_update(Attachment, attachment_id, expected_version)


def remove(uow: UnitOfWork, row: Attachment, owner: Entity) -> None:
    """Soft-delete ``row`` (the bytes stay for the audit trail); the owner's version goes up."""
    if row.owner_type != owner_type_of(owner) or row.owner_id != owner.id:
        raise ValueError("附件不属于该记录")
    uow.soft_delete(row)
    uow.touch(owner)
    uow.session.flush()


def listing(session: Session, owner_type: str, owner_id: int, kind: str | None = None) -> list[AttachmentInfo]:
    """The owner's live attachments, oldest first."""
    query = (select(Attachment.id, Attachment.owner_type, Attachment.kind, Attachment.filename, Attachment.mime,
                    Attachment.size, Attachment.sha256, Attachment.version, Attachment.created_at,
                    Attachment.created_by)
             .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id,
                    Attachment.deleted_at.is_(None))
             .order_by(Attachment.created_at, Attachment.id))
    if kind is not None:
        query = query.where(Attachment.kind == kind)
    return [AttachmentInfo(*row) for row in session.execute(query)]


def file_data(session: Session, attachment_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of an attachment, to open or save it."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.is_deleted:
        raise NotFoundError(Attachment.__label__, attachment_id)
    return row.filename, row.data


def manifest(session: Session, owner_type: str, owner_id: int) -> str:
    """What a frozen record keeps of the attachments, one line each: kind, name, size, SHA-256
    (so a published plan version names exactly which review minutes it was published with)."""
    return "\n".join(f"{a.kind_label}：{a.filename}（{size_text(a.size)}，SHA-256 {a.sha256}）"
                     for a in listing(session, owner_type, owner_id))
