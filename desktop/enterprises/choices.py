"""The enterprises a form or filter offers in its ``EnterprisePicker`` (``desktop.kit.pickers``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models.core.database import Database
from models.core.entities import Industry
from models.enterprises.entities import Enterprise


@dataclass(frozen=True)
class EnterpriseChoice:
    """An enterprise as a form offers it: name, its industry's rule flags, principal."""

    id: int
    name: str
    flags: tuple[str, ...]
    principal: str


def load_enterprise_choices(db: Database) -> list[EnterpriseChoice]:
    """Every enterprise not in the recycle bin, by name (one short read)."""
    with db.read() as session:
        rows = session.execute(
            select(Enterprise.id, Enterprise.name, Industry.flags, Enterprise.principal)
            .join(Industry, Enterprise.industry_id == Industry.id)
            .where(Enterprise.deleted_at.is_(None)).order_by(Enterprise.name, Enterprise.id))
        return [EnterpriseChoice(r.id, r.name, tuple(r.flags or ()), r.principal) for r in rows]
