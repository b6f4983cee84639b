"""The supplies panels: the 企业 page shows the chosen enterprise's GB 30077 minimums and its plans'
needs against usable stock, the 预案 page the chosen plan's needs; shortfalls in red and counted."""

from __future__ import annotations

import os
from datetime import timedelta

from PySide6.QtWidgets import QApplication

from desktop.app import install_fonts
from desktop.enterprises.page import EnterprisesPage
from desktop.enterprises.panels import WARNING
from desktop.plans.page import PlansPage
from desktop.supplies.panels import enterprise_needs_panel, minimums_panel, plan_needs_panel
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER, create_enterprise
from tests.models.plans.test_plan_service import new_plan
from tests.models.supplies.stock import AS_OF, hazchem_enterprise, industry_id, item, need, stock, warehouse

SHOTS = os.environ.get("EMERGENCY_DESK_SCREENSHOTS")  # a folder: the tests save what they show there


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    image = widget.grab()
    if SHOTS:
        image.save(os.path.join(SHOTS, f"{name}.png"))


def _stocked(db):  # type: ignore[no-untyped-def]
    ent = hazchem_enterprise(db, 1, headcount=12)
    plain = create_enterprise(db, 2, industry_id=industry_id(db, "manufacturing"))
    plan = new_plan(db, ent)
    store = warehouse(db, "一号应急物资库", ent)
    scba = item(db, "2010101-01", "正压式空气呼吸器", spec="RHZKF6.8/30")
    mask = item(db, "2010102-02", "过滤式防毒面具", "个", spec="全面罩", category="2010102")
    stock(db, store, scba, 2, batch_no="S1")
    stock(db, store, mask, 12, batch_no="M1", expires_on=AS_OF - timedelta(days=1))  # expired
    stock(db, store, mask, 5, batch_no="M2", expires_on=AS_OF + timedelta(days=100))
    need(db, plan, scba, 4)
    need(db, plan, mask, 3)
    return ent, plain, plan


def test_the_enterprise_page_shows_minimums_and_plan_needs_against_usable_stock(qtbot, sqlite_db, runner, settings):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    ent, _plain, _plan = _stocked(sqlite_db)
    page = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER,
                           panels=[minimums_panel(), enterprise_needs_panel()], today=lambda: AS_OF)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.activate()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2
    tabs = page.panel_tabs
    assert tabs is not None
    minimums, needs = tabs.tables
    row = next(r for r in range(2) if page.model.row_at(r).id == ent)
    page.view.selectRow(row)
    qtbot.waitUntil(lambda: minimums.item(0, 0) is not None and minimums.item(0, 0).text() == "正压式空气呼吸器",
                    timeout=3000)
    cells = {minimums.item(r, 0).text(): [minimums.item(r, c).text() for c in range(5)]
             for r in range(minimums.rowCount())}
    assert cells["正压式空气呼吸器"][1:] == ["2套", "2 套", "2 套", "满足"]
    assert cells["过滤式防毒面具"][1:] == ["1个/人 × 当班 12 人", "12 个", "5 个（账面 17）", "缺 7 个"]
    red = [minimums.item(r, 0).text() for r in range(minimums.rowCount())
           if minimums.item(r, 4).foreground().color() == WARNING]
    assert "过滤式防毒面具" in red and "正压式空气呼吸器" not in red
    assert tabs.tabText(0) == f"应急物资配备（{len(red)} 项不足）"
    qtbot.waitUntil(lambda: needs.item(0, 1) is not None and needs.item(0, 1).text() == "正压式空气呼吸器", timeout=3000)
    assert [needs.item(0, c).text() for c in range(5)] == [
        "生产安全事故综合应急预案", "正压式空气呼吸器", "4 套", "2 套", "缺 2 套"]
    assert [needs.item(1, c).text() for c in (1, 4)] == ["过滤式防毒面具", "满足"]
    assert tabs.tabText(1) == "预案所需物资（1 项不足）"
    _shot(page, "enterprise_minimums")

    page.view.selectRow(1 - row)  # the manufacturer: no minimums, no needs
    qtbot.waitUntil(lambda: minimums.item(0, 0) is not None and minimums.item(0, 0).text().startswith("不适用"),
                    timeout=3000)
    assert tabs.tabText(0) == "应急物资配备"
    qtbot.waitUntil(lambda: needs.item(0, 0) is not None and needs.item(0, 0).text() == "该企业的预案尚未列明所需物资",
                    timeout=3000)


def test_the_plans_page_shows_the_selected_plans_shortfall(qtbot, sqlite_db, runner, settings):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    ent, _plain, plan = _stocked(sqlite_db)
    other = new_plan(sqlite_db, ent, plan_no="ZX-01", kind="special", title="液氯泄漏专项应急预案")
    page = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: AS_OF, panels=[plan_needs_panel()])
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.activate()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2
    tabs = page.panel_tabs
    assert tabs is not None
    table = tabs.tables[0]
    assert page.select_plan(plan)
    qtbot.waitUntil(lambda: table.item(0, 0) is not None and table.item(0, 0).text() == "正压式空气呼吸器", timeout=3000)
    assert [table.item(0, c).text() for c in range(5)] == ["正压式空气呼吸器", "RHZKF6.8/30", "4 套", "2 套", "缺 2 套"]
    assert table.item(0, 4).foreground().color() == WARNING
    assert [table.item(1, c).text() for c in range(5)] == ["过滤式防毒面具", "全面罩", "3 个", "5 个（账面 17）", "满足"]
    assert tabs.tabText(0) == "所需物资（1 项不足）"
    _shot(page, "plan_needs")

    assert page.select_plan(other)
    qtbot.waitUntil(lambda: table.item(0, 0) is not None and table.item(0, 0).text() == "此预案尚未列明所需物资",
                    timeout=3000)
    assert tabs.tabText(0) == "所需物资"


def test_a_plans_needs_are_declared_in_the_dialog_and_the_panel_follows(qtbot, sqlite_db, runner, settings):  # type: ignore[no-untyped-def]
    from desktop.supplies.needs_dialog import PlanNeedsDialog
    from models.supplies import service as ss

    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    _ent, _plain, plan = _stocked(sqlite_db)
    item(sqlite_db, "2080101-03", "急救箱", "包", category="2080101")
    page = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: AS_OF, panels=[plan_needs_panel()])
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.activate()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1
    tabs = page.panel_tabs
    assert tabs is not None and tabs.edit_button is not None
    assert page.select_plan(plan)
    table = tabs.tables[0]
    qtbot.waitUntil(lambda: table.item(0, 0) is not None and table.item(0, 0).text() == "正压式空气呼吸器", timeout=3000)
    assert tabs.edit_button.text() == "编辑所需物资…" and tabs.edit_button.isEnabled()
    _shot(page, "plan_needs_button")
    dialog = tabs.edit_current()
    assert isinstance(dialog, PlanNeedsDialog)  # deleted when it closes after the save
    assert [dialog._combo_at(r).currentText() for r in range(2)] == ["2010101-01 正压式空气呼吸器（RHZKF6.8/30）",
                                                                      "2010102-02 过滤式防毒面具（全面罩）"]

    # a row without an item is refused before anything is written, the input kept
    dialog.add_row()
    dialog._spin_at(2).setValue(3)
    assert dialog.save() is None
    assert dialog.table.rowCount() == 3 and "第 3 行未选择物资" in dialog.error_text("needs")
    combo = dialog._combo_at(2)
    combo.setCurrentIndex(combo.findData(next(c.id for c in dialog.items if c.name == "急救箱")))
    dialog._spin_at(0).setValue(6)
    dialog.table.setCurrentCell(1, 0)
    dialog.remove_current()  # 过滤式防毒面具 no longer needed
    _shot(dialog, "plan_needs_dialog")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved_id == plan, timeout=5000)
    with sqlite_db.read() as s:
        needs, _version = ss.load_plan_needs(s, plan)
    names = {c.id: c.name for c in dialog.items}
    assert sorted((names[i], q) for i, q in needs) == [("急救箱", 3), ("正压式空气呼吸器", 6)]
    qtbot.waitUntil(lambda: table.rowCount() == 2 and table.item(1, 0) is not None
                    and table.item(1, 0).text() == "急救箱", timeout=3000)
    assert [table.item(0, c).text() for c in (2, 4)] == ["6 套", "缺 4 套"]
    assert table.item(1, 4).text() == "缺 3 包"

    # a plan changed elsewhere meanwhile: the save is refused as stale, nothing overwritten
    stale = PlanNeedsDialog(sqlite_db, runner, plan, actor=TESTER)
    qtbot.addWidget(stale)
    with sqlite_db.read() as s:
        current, version = ss.load_plan_needs(s, plan)
    from models.core.uow import unit_of_work

    with unit_of_work(sqlite_db, TESTER) as uow:
        ss.set_plan_needs(uow, plan, current[:1], version)
    stale._spin_at(0).setValue(9)
    stale.save()
    qtbot.waitUntil(lambda: stale.conflict_dialog is not None, timeout=5000)
    with sqlite_db.read() as s:
        assert ss.load_plan_needs(s, plan)[0] == current[:1]
    stale.conflict_dialog.reject()  # type: ignore[union-attr]
    # the page's own read after the save (a short pause) ends before the test does
    qtbot.waitUntil(lambda: not tabs._timer.isActive() and all(t.state not in ("pending", "running")
                                                                 for t in tabs.tasks), timeout=3000)


def test_a_plans_staff_on_duty_is_declared_in_the_dialog_and_shown_on_both_pages(qtbot, sqlite_db, runner, settings):  # type: ignore[no-untyped-def]
    from desktop.supplies.needs_dialog import PlanNeedsDialog
    from models.supplies import service as ss

    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    ent, _plain, plan = _stocked(sqlite_db)  # 12 on shift
    dialog = PlanNeedsDialog(sqlite_db, runner, plan, actor=TESTER)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.staff_spin.value() == 0 and dialog.staff_spin.text() == "不要求"
    assert dialog.on_shift_label.text() == "企业当班人数 12 人"
    dialog.staff_spin.setValue(15)
    assert dialog.on_shift_label.text() == "企业当班人数 12 人，缺 3 人"
    QApplication.processEvents()  # the label's new width laid out before the picture
    _shot(dialog, "plan_needs_dialog_staff")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved_id == plan, timeout=5000)
    with sqlite_db.read() as s:
        assert ss.load_plan_staff(s, plan) == 15 and len(ss.load_plan_needs(s, plan)[0]) == 2  # the items kept

    page = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: AS_OF, panels=[plan_needs_panel()])
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    tabs = page.panel_tabs
    assert tabs is not None and page.select_plan(plan)
    table = tabs.tables[0]
    qtbot.waitUntil(lambda: table.item(0, 0) is not None and table.item(0, 0).text() == "应急值守人员", timeout=3000)
    assert [table.item(0, c).text() for c in range(5)] == ["应急值守人员", "当班人数", "15 人", "当班 12 人", "缺 3 人"]
    assert table.item(0, 4).foreground().color() == WARNING
    assert "应急值守人员：需 15 人，当班 12 人，缺 3 人" in table.item(0, 0).toolTip()
    assert tabs.tabText(0) == "所需物资（2 项不足）"  # the staff and the breathing apparatus
    _shot(page, "plan_needs_staff")

    ents = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER, panels=[enterprise_needs_panel()],
                           today=lambda: AS_OF)
    qtbot.addWidget(ents)
    ents.resize(1280, 800)
    ents.show()
    ents.activate()
    qtbot.waitUntil(lambda: ents.model.rowCount() == 2, timeout=3000)
    etabs = ents.panel_tabs
    assert etabs is not None
    ents.view.selectRow(next(r for r in range(2) if ents.model.row_at(r).id == ent))
    needs = etabs.tables[0]
    qtbot.waitUntil(lambda: needs.item(0, 1) is not None and needs.item(0, 1).text() == "应急值守人员", timeout=3000)
    assert [needs.item(0, c).text() for c in range(1, 5)] == ["应急值守人员", "15 人", "当班 12 人", "缺 3 人"]
    assert etabs.tabText(0) == "预案所需物资（2 项不足）"
