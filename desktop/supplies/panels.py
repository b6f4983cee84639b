"""The supplies module's panels: on the 企业 page, the chosen enterprise's GB 30077 workplace
minimums and what its plans need, each against usable stock in its own warehouses
(``models.supplies.shortfalls``); on the 预案 page, the chosen plan's needs and their shortfall. A
plan's minimum staff on duty (应急值守人员) is a line of both, against the on-shift headcount.
Shortfalls are red and counted in the tab's title; the window's composition hands the panels to
the pages (``desktop.main_window``), so neither the enterprises nor the plans module knows supplies."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication
from sqlalchemy.orm import Session

from desktop.enterprises.panels import EnterprisePanel, PanelRow
from models.enterprises.entities import Enterprise
from models.supplies import shortfalls as sf


def _tr(text: str) -> str:
    return QCoreApplication.translate("SupplyPanels", text)


def _have(line: sf.NeedLine) -> str:
    """What there is against a need: usable stock (with the book quantity), or the people on shift."""
    if line.is_staff:
        return _tr("当班 {0} {1}").format(line.usable, line.unit)
    return _usable(line.usable, line.book, line.unit)


def _staff_tip(line: sf.NeedLine) -> str:
    tip = _tr("{0}\n当班人数取企业名录中的“当班人数”").format(line.summary)
    return tip + (f"（{line.notes}）" if line.notes else "")


def _usable(usable: int, book: int, unit: str) -> str:
    if usable == book:
        return f"{usable} {unit}"
    return _tr("{0} {1}（账面 {2}）").format(usable, unit, book)


def _short(shortfall: int, unit: str) -> str:
    return _tr("缺 {0} {1}").format(shortfall, unit) if shortfall else _tr("满足")


def _minimum_rows(session: Session, enterprise_id: int, as_of: date) -> list[PanelRow]:
    found = sf.enterprise_minimums(session, as_of, [enterprise_id])
    if not found:
        return []
    ent = found[0]
    rows = []
    for line in ent.lines:
        held = "、".join(line.items) or _tr("无")
        tip = _tr("计入的物资：{0}\n{1}\n依据：{2}").format(held, line.note, ent.source) if line.note else \
            _tr("计入的物资：{0}\n依据：{1}").format(held, ent.source)
        rows.append(PanelRow((line.name, line.basis, f"{line.required} {line.unit}",
                              _usable(line.usable, line.book, line.unit), _short(line.shortfall, line.unit)),
                             warning=line.shortfall > 0, tooltip=tip))
    return rows


def _enterprise_need_rows(session: Session, enterprise_id: int, as_of: date) -> list[PanelRow]:
    ent = session.get(Enterprise, enterprise_id)
    name = ent.name if ent is not None else ""
    rows = []
    for n in sf.enterprise_plan_needs(session, enterprise_id, as_of):
        line = n.line
        title = n.plan_title.removeprefix(name) or n.plan_title  # the tab already names the enterprise
        tip = _tr("{0} {1}\n{2}").format(n.plan_no, n.plan_title, _staff_tip(line)) if line.is_staff else \
            _tr("{0} {1}\n{2} {3}\n可用数量不含已过期、待修和报废的物资").format(n.plan_no, n.plan_title, line.name,
                                                                                 line.spec)
        rows.append(PanelRow((title, line.name, f"{line.needed} {line.unit}", _have(line),
                              _short(line.shortfall, line.unit)), warning=line.shortfall > 0, tooltip=tip))
    return rows


def _plan_need_rows(session: Session, plan_id: int, as_of: date) -> list[PanelRow]:
    rows = []
    for line in sf.plan_needs(session, plan_id, as_of).all_lines:
        rows.append(PanelRow((line.name, line.spec, f"{line.needed} {line.unit}", _have(line),
                              _short(line.shortfall, line.unit)), warning=line.shortfall > 0,
                             tooltip=_staff_tip(line) if line.is_staff else _tr("可用数量：本企业储备点中完好且未过期的库存")))
    return rows


def minimums_panel() -> EnterprisePanel:
    """企业 page: GB 30077 作业场所最低配备 against usable stock (hazardous-chemical units only)."""
    return EnterprisePanel(_tr("应急物资配备"), (_tr("物资"), _tr("配备要求"), _tr("应配数量"), _tr("可用数量"), _tr("缺口")),
                           _minimum_rows, empty=_tr("不适用 GB 30077 作业场所应急物资配备要求（非危险化学品单位）"),
                           warning_noun=_tr("项不足"))


def enterprise_needs_panel() -> EnterprisePanel:
    """企业 page: what the enterprise's plans need, against its usable stock."""
    return EnterprisePanel(_tr("预案所需物资"), (_tr("预案"), _tr("物资"), _tr("所需数量"), _tr("可用数量"), _tr("缺口")),
                           _enterprise_need_rows, empty=_tr("该企业的预案尚未列明所需物资"), warning_noun=_tr("项不足"))


def plan_needs_panel() -> EnterprisePanel:
    """预案 page: the chosen plan's needs (``read`` gets the plan's id)."""
    from desktop.supplies.needs_dialog import edit_plan_needs

    return EnterprisePanel(_tr("所需物资"), (_tr("物资"), _tr("规格型号"), _tr("所需数量"), _tr("可用数量"), _tr("缺口")),
                           _plan_need_rows, empty=_tr("此预案尚未列明所需物资"), warning_noun=_tr("项不足"),
                           edit=edit_plan_needs, edit_label=_tr("编辑所需物资…"))
