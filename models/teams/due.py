"""The teams module's due items (``models.core.due``): certificates of members on strength expired or
expiring, agreements of 协议 teams expiring, roster gaps and shifts without their leader or below the
minimum staff in the next 7 days, and teams 不就绪 — ``queries.due``, the alerts the 队伍 page shows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.due import DueItem, days_between, in_window
from models.enterprises.entities import Enterprise
from models.teams import queries as tq
from models.teams.entities import RescueTeam, TeamEnterprise

RECORDS = {"certificate": "certificate", "agreement": "team", "roster": "shift", "readiness": "team"}
LABELS = {"certificate": "队员证书", "agreement": "救援协议", "roster": "值班缺口", "readiness": "队伍不就绪"}


def due_items(session: Session, *, as_of: date, within: int, enterprise_id: int | None = None) -> list[DueItem]:
    team_ids: list[int] | None = None
    if enterprise_id is not None:  # the enterprise's own teams and those serving it
        team_ids = sorted(set(session.scalars(select(RescueTeam.id).where(
            RescueTeam.owner_enterprise_id == enterprise_id, RescueTeam.deleted_at.is_(None)))) | set(session.scalars(
            select(TeamEnterprise.team_id).where(TeamEnterprise.enterprise_id == enterprise_id,
                                                 TeamEnterprise.deleted_at.is_(None)))))
        if not team_ids:
            return []
    found = [d for d in tq.due(session, as_of=as_of, team_ids=team_ids) if in_window(d.due_on, as_of, within)]
    owners = dict(session.execute(select(RescueTeam.id, RescueTeam.owner_enterprise_id).where(
        RescueTeam.id.in_({d.team_id for d in found if d.team_id is not None}))).all()) if found else {}
    names = dict(session.execute(select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.in_({e for e in owners.values() if e is not None}))).all()) if owners else {}
    out = []
    for d in found:
        owner = owners.get(d.team_id) if d.team_id is not None else None
        record_id = {"certificate": d.certificate_id, "roster": d.shift_id}.get(d.kind, d.team_id)
        parent = d.point_id if d.kind == "roster" else d.team_id
        out.append(DueItem("teams", d.kind, LABELS.get(d.kind, d.kind), RECORDS.get(d.kind, "team"), record_id, owner,
                           names.get(owner, "") if owner else "", d.title, d.detail, d.due_on,
                           days_between(as_of, d.due_on), d.severity, parent))
    return out
