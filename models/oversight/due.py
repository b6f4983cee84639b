"""The hazards' due items (``models.core.due``): every hazard not yet 已销号 whose rectification
deadline (the one kept after any extension) is past (danger, “已逾期 N 天”) or falls within ``within``
days of ``as_of`` (warning) — one SQL with the window in its WHERE, the deadline rule
(``rules.deadline_state``) on each row. A 重大 hazard and one under 挂牌督办 say so in the title; the
record is the hazard, its parent the inspection it was found in. ``due_items`` adds the incidents' (from
``models.oversight.incidents``): the module's one contribution."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.due import DueItem
from models.enterprises.entities import Enterprise
from models.oversight import rules
from models.oversight.entities import Hazard

KIND = "hazard"
KIND_LABEL = "隐患整改"


def _title(level: str, supervised: bool, description: str) -> str:
    tags = []
    if level == rules.MAJOR:
        tags.append("重大隐患")
    if supervised:
        tags.append("挂牌督办")
    text = " ".join(description.split())
    short = text if len(text) <= 40 else text[:39] + "…"
    return (f"【{'·'.join(tags)}】" if tags else "") + short


def due_items(session: Session, *, as_of: date, within: int, enterprise_id: int | None = None) -> list[DueItem]:
    """The oversight module's contribution: hazards past or near their deadline, and the incidents'
    reports not made, made late or whose 补报 window is closing."""
    from models.oversight.incidents import incident_due_items

    return hazard_due_items(session, as_of=as_of, within=within, enterprise_id=enterprise_id) + \
        incident_due_items(session, as_of=as_of, within=within, enterprise_id=enterprise_id)


def hazard_due_items(session: Session, *, as_of: date, within: int, enterprise_id: int | None = None) -> list[DueItem]:
    cat = rules.catalog()
    query = (select(Hazard.id, Hazard.inspection_id, Hazard.enterprise_id, Enterprise.name, Hazard.level,
                    Hazard.category, Hazard.description, Hazard.deadline, Hazard.status, Hazard.supervised_on,
                    Hazard.supervising_unit)
             .join(Enterprise, Enterprise.id == Hazard.enterprise_id)
             .where(Hazard.deleted_at.is_(None), Hazard.status != rules.CLOSED,
                    Hazard.deadline <= as_of + timedelta(days=within), Enterprise.deleted_at.is_(None)))
    if enterprise_id is not None:
        query = query.where(Hazard.enterprise_id == enterprise_id)
    out = []
    for hid, iid, eid, ename, level, category, description, deadline, status, supervised_on, unit in session.execute(query):
        state = rules.deadline_state(status, deadline, as_of, within)
        severity = "danger" if state.key == "overdue" else "warning"
        supervised = supervised_on is not None
        detail = (f"{ename}：{cat.level_label(level)}（{cat.category_label(category)}），{cat.status_label(status)}，"
                  f"整改期限 {deadline.isoformat()}，{state.text}")
        if supervised:
            detail += f"；{unit or '上级'}挂牌督办"
        out.append(DueItem("oversight", KIND, KIND_LABEL, "hazard", hid, eid, ename, _title(level, supervised, description),
                           detail, deadline, state.days, severity, iid))
    return out
