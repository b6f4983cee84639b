"""The teams module's panel on the 企业 page: the rescue teams serving the chosen enterprise (its own
and those it has an agreement with) with their readiness on the day and what pulls it down — 不就绪
in red and counted in the tab's title. The window's composition hands it to the page
(``desktop.main_window``), so the enterprises module does not know teams."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication
from sqlalchemy.orm import Session

from desktop.enterprises.panels import EnterprisePanel, PanelRow
from desktop.teams.table import reasons_tip
from models.teams import queries as tq


def _tr(text: str) -> str:
    return QCoreApplication.translate("TeamPanels", text)


def _team_rows(session: Session, enterprise_id: int, as_of: date) -> list[PanelRow]:
    rows = tq.rows(session, tq.TeamFilter(as_of=as_of, enterprise_id=enterprise_id), sort="readiness")
    return [PanelRow((r.name, r.kind_label + (_tr("（本企业）") if r.owner_enterprise_id == enterprise_id else ""),
                      r.status_label, "；".join(r.readiness.reasons[:2]) if r.readiness else "", r.duty_phone),
                     warning=r.readiness is not None and r.readiness.status == "red", tooltip=reasons_tip(r))
            for r in rows]


def enterprise_teams_panel() -> EnterprisePanel:
    return EnterprisePanel(_tr("救援队伍"), (_tr("队伍"), _tr("类型"), _tr("就绪状态"), _tr("主要问题"), _tr("值班电话")),
                           _team_rows, empty=_tr("没有为本企业服务的救援队伍"), warning_noun=_tr("支不就绪"))
