"""The drills module's panel on the 企业 page: the chosen enterprise's drill obligations (which
frequency rules apply, the last qualifying drill, the next due date, days left or overdue), read by
``models.drills.queries.obligations`` — the same figures as the 频次要求 tab and the CLI."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication
from sqlalchemy.orm import Session

from desktop.enterprises.panels import EnterprisePanel, PanelRow
from models.drills import queries as dq


def _tr(text: str) -> str:
    return QCoreApplication.translate("DrillPanels", text)


def _obligation_rows(session: Session, enterprise_id: int, as_of: date) -> list[PanelRow]:
    rows: list[PanelRow] = []
    for ent in dq.obligations(session, as_of=as_of, enterprise_id=enterprise_id):
        for o in ent.obligations:
            if not o.applicable:
                continue
            if o.days_left is None:
                state = o.note or _tr("暂无需演练的预案")
            elif o.days_left < 0:
                state = _tr("已逾期 {0} 天（{1}）").format(-o.days_left, o.period)
            else:
                state = _tr("还有 {0} 天（{1}）").format(o.days_left, o.period)
            rows.append(PanelRow((o.label, o.last_drill.isoformat() if o.last_drill else _tr("从未演练"),
                                  o.due.isoformat() if o.due else "", state), warning=o.overdue,
                                 tooltip=_tr("依据：{0}").format(o.source)))
    return rows


def obligations_panel() -> EnterprisePanel:
    return EnterprisePanel(_tr("演练频次要求"), (_tr("演练要求"), _tr("上次演练"), _tr("下次到期"), _tr("状态")),
                           _obligation_rows, empty=_tr("没有适用的演练频次要求"), warning_noun=_tr("项逾期"))
