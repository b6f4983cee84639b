"""The drills module's due items (``models.core.due``): the drills an enterprise owes by its frequency
obligations (overdue, or due within the window — ``queries.obligations``, the 频次要求 the drills page
shows) and the corrective actions (整改) of drills past or near their deadline and not closed
(``findings``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.due import DueItem, days_between
from models.drills import queries as dq
from models.drills.entities import FINDING_KINDS
from models.drills.findings import findings
from models.enterprises.entities import Enterprise


def due_items(session: Session, *, as_of: date, within: int, enterprise_id: int | None = None) -> list[DueItem]:
    out: list[DueItem] = []
    for ent in dq.obligations(session, as_of=as_of, enterprise_id=enterprise_id):
        for o in ent.obligations:
            if not o.applicable or o.due is None or o.days_left is None or o.days_left > within:
                continue
            last = f"上次 {o.last_drill.isoformat()}" if o.last_drill else "尚无演练记录"
            out.append(DueItem("drills", "drill", "应急演练", "enterprise_drills", ent.enterprise_id, ent.enterprise_id,
                               ent.enterprise, o.label, f"{o.label}（{o.period}，{last}）", o.due, o.days_left,
                               "danger" if o.overdue else "warning", o.last_drill_id))
    open_findings = [f for f in findings(session, as_of=as_of, open_only=True)
                     if f.due_date is not None and (f.due_date - as_of).days <= within
                     and (enterprise_id is None or f.enterprise_id == enterprise_id)]
    names = dict(session.execute(select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.in_({f.enterprise_id for f in open_findings}))).all()) if open_findings else {}
    for f in open_findings:
        days = days_between(as_of, f.due_date)
        out.append(DueItem("drills", "finding", "演练整改", "finding", f.id, f.enterprise_id, names.get(f.enterprise_id, ""),
                           f.drill, f"{FINDING_KINDS.get(f.kind, f.kind)}：{f.description}（责任人 {f.owner or '—'}）",
                           f.due_date, days, "danger" if days is not None and days < 0 else "warning", f.drill_id))
    return out
