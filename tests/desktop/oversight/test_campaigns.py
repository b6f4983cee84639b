"""检查行动 and 检查记录 from the 隐患排查 page, through the real services: a campaign created through the
form (a bad one keeps the input, Chinese messages on the fields), edited, a stale edit refused, a used
one not deleted, an unused one deleted, the page's campaign filter following; an inspection's
inspectors edited and listed, a stale edit refused, the list filtered, an inspection deleted with its
hazards."""

from __future__ import annotations

import os
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from desktop.app import install_fonts
from desktop.kit.forms import set_widget_value
from desktop.oversight.campaigns import CampaignForm, CampaignsDialog
from desktop.oversight.hazards import HazardsPage
from desktop.oversight.inspections import InspectionEditForm, InspectionsDialog
from models.core import reference
from models.core.uow import unit_of_work
from models.oversight import queries as oq
from models.oversight import service as osv
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER
from tests.models.oversight.hazards_world import AS_OF, build, finding, inspect

SHOTS = os.environ.get("EMERGENCY_DESK_SCREENSHOTS")


@pytest.fixture
def world(sqlite_db):  # type: ignore[no-untyped-def]
    w = build(sqlite_db)
    w.used = inspect(sqlite_db, w, w.enterprises[1], date(2026, 9, 1),  # type: ignore[attr-defined]
                     finding(deadline=date(2026, 10, 1), description="配电箱未接地"))
    return w


@pytest.fixture
def page(qtbot, sqlite_db, runner, settings, world):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    widget = HazardsPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: AS_OF)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    return widget


def _settled(qtbot, dialog, until=lambda: True) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.listing is not None and not dialog.loading and until(), timeout=5000)


def _cells(dialog, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [dialog.table.item(n, c).text() for c in range(dialog.table.columnCount())]


def _names(dialog) -> list[str]:  # type: ignore[no-untyped-def]
    return [dialog.table.item(n, 0).text() for n in range(dialog.table.rowCount())]


def _campaigns_dialog(qtbot, page) -> CampaignsDialog:  # type: ignore[no-untyped-def]
    dialog = page.open_campaigns()
    assert isinstance(dialog, CampaignsDialog)
    _settled(qtbot, dialog)
    return dialog


def test_create_a_campaign_a_bad_one_keeps_the_input(qtbot, page, world, sqlite_db, finish):  # type: ignore[no-untyped-def]
    dialog = _campaigns_dialog(qtbot, page)
    assert _names(dialog) == ["2026 安全生产大检查"]
    row = _cells(dialog, 0)
    assert row[1:4] == ["安全生产大检查", "2026-03-01 至 2026-12-31", "应急管理局"]
    assert row[4] == "应急管理局、住房和城乡建设局" and row[5] == "全部行业" and row[6:] == ["1", "1"]
    form = dialog.new_record()
    assert isinstance(form, CampaignForm) and form.windowTitle() == "新建检查行动"
    assert form.data().starts_on == AS_OF  # the page's day, not the machine's
    set_widget_value(form.widgets["name"], "2026 安全生产大检查")  # taken
    set_widget_value(form.widgets["kind"], "flood")
    set_widget_value(form.widgets["starts_on"], date(2026, 6, 1))
    set_widget_value(form.widgets["ends_on"], date(2026, 5, 1))
    form.widgets["department_ids"].boxes[str(world.departments[2])].setChecked(True)
    form.widgets["industry_codes"].boxes["hazchem"].setChecked(True)
    assert finish(form.save()) == "invalid"
    assert "已有名为“2026 安全生产大检查”的检查行动" in form.error_text("name")
    assert form.error_text("ends_on") == "不能早于开始日期"
    assert form.errors.banner.text().startswith("请修正以下 2 处问题后再保存")
    assert form.widgets["name"].text() == "2026 安全生产大检查"  # what was typed stays
    assert form.data().department_ids == (world.departments[2],) and form.data().industry_codes == ("hazchem",)
    if SHOTS:
        form.grab().save(os.path.join(SHOTS, "campaigns-form-errors.png"))
    set_widget_value(form.widgets["name"], "2026 汛期专项检查")
    set_widget_value(form.widgets["ends_on"], date(2026, 9, 30))
    set_widget_value(form.widgets["lead_department_id"], world.departments[0])
    form.widgets["industry_codes"].boxes["mining"].setChecked(True)
    assert finish(form.save()) == "saved"
    _settled(qtbot, dialog, lambda: dialog.table.rowCount() == 2)
    new = next(n for n in range(2) if _names(dialog)[n] == "2026 汛期专项检查")
    assert _cells(dialog, new)[1:7] == ["汛期专项检查", "2026-06-01 至 2026-09-30", "应急管理局", "交通运输局",
                                        "矿山、危险化学品", "0"]
    assert dialog.current_row() is not None and dialog.current_row().name == "2026 汛期专项检查"
    with sqlite_db.read() as s:
        stored = next(c for c in oq.campaigns(s) if c.name == "2026 汛期专项检查")
    assert stored.kind == "flood" and stored.industry_codes == ("mining", "hazchem")
    # the page's campaign filter offers it now
    qtbot.waitUntil(lambda: page.campaign_combo.findData(stored.id) >= 0, timeout=5000)


def test_edit_a_campaign_and_a_stale_edit_refused(qtbot, page, world, sqlite_db, finish):  # type: ignore[no-untyped-def]
    dialog = _campaigns_dialog(qtbot, page)
    dialog.table.selectRow(0)
    form = dialog.edit_current()
    assert isinstance(form, CampaignForm) and form.windowTitle() == "编辑检查行动"
    assert form.data().department_ids == tuple(world.departments[:2])
    set_widget_value(form.widgets["name"], "2026 年安全生产大检查")
    with unit_of_work(sqlite_db, TESTER) as uow:  # somebody else saves it meanwhile
        data, version = osv.load_campaign(uow.session, world.campaign)
        data.notes = "另一台电脑上的修改"
        osv.update_campaign(uow, world.campaign, data, expected_version=version)
    assert finish(form.save()) == "conflict"
    assert form.conflict_dialog is not None  # 重新载入 / 比较 offered; nothing overwritten
    with sqlite_db.read() as s:
        data, _v = osv.load_campaign(s, world.campaign)
    assert data.name == "2026 安全生产大检查" and data.notes == "另一台电脑上的修改"
    assert form.widgets["name"].text() == "2026 年安全生产大检查"
    form.conflict_dialog.close()
    form.reload()  # 重新载入: the stored copy and its version
    set_widget_value(form.widgets["name"], "2026 年安全生产大检查")
    form.widgets["department_ids"].boxes[str(world.departments[1])].setChecked(False)
    assert finish(form.save()) == "saved"
    _settled(qtbot, dialog, lambda: _names(dialog) == ["2026 年安全生产大检查"])
    assert _cells(dialog, 0)[4] == "应急管理局"
    qtbot.waitUntil(lambda: page.campaign_combo.findText("2026 年安全生产大检查") >= 0, timeout=5000)
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row_at(0).campaign == "2026 年安全生产大检查",
                    timeout=5000)


def test_a_used_campaign_is_not_deleted_an_unused_one_is(qtbot, page, world, sqlite_db, finish, msgs):  # type: ignore[no-untyped-def]
    with unit_of_work(sqlite_db, TESTER) as uow:
        unused = osv.create_campaign(uow, osv.CampaignData(name="国庆节前安全检查", kind="holiday",
                                                           starts_on=date(2026, 9, 20), ends_on=date(2026, 9, 30)))
    page.reload_campaigns()
    qtbot.waitUntil(lambda: page.campaign_combo.findData(unused) >= 0, timeout=5000)
    dialog = _campaigns_dialog(qtbot, page)
    dialog.select_id(world.campaign)
    assert finish(dialog.delete_current()) == "refused"
    assert msgs.kinds()[-2:] == ["confirm", "warn"]
    assert msgs.texts("warn")[-1] == "检查行动“2026 安全生产大检查”下已有检查记录，不能删除。"
    _settled(qtbot, dialog)
    assert len(_names(dialog)) == 2
    dialog.select_id(unused)
    msgs.confirm_answer = False
    assert dialog.delete_current() is None  # asked, and the answer was no
    msgs.confirm_answer = True
    assert finish(dialog.delete_current()) == "saved"
    _settled(qtbot, dialog, lambda: _names(dialog) == ["2026 安全生产大检查"])
    assert dialog.count_label.text().startswith("已删除检查行动“国庆节前安全检查”。")
    qtbot.waitUntil(lambda: page.campaign_combo.findData(unused) < 0, timeout=5000)
    with sqlite_db.read() as s:
        assert [c.id for c in oq.campaigns(s)] == [world.campaign]


def test_edit_an_inspection_and_see_it_listed(qtbot, page, world, sqlite_db, finish):  # type: ignore[no-untyped-def]
    other = inspect(sqlite_db, world, world.enterprises[2], date(2026, 10, 15), campaign=False)
    page.campaign_combo.setCurrentIndex(page.campaign_combo.findData(world.campaign))
    dialog = page.open_inspections()  # opens on the page's campaign filter
    assert isinstance(dialog, InspectionsDialog)
    _settled(qtbot, dialog, lambda: dialog.options is not None)
    assert dialog.campaign_combo.currentData() == world.campaign and dialog.table.rowCount() == 1
    dialog.clear_filters()
    _settled(qtbot, dialog, lambda: dialog.table.rowCount() == 2)
    assert dialog.count_label.text() == "共 2 条检查记录"
    assert _cells(dialog, 0)[3] == "—" and _cells(dialog, 1)[3] == "2026 安全生产大检查"
    assert _cells(dialog, 1)[5] == "1 项"
    # filtered by campaign
    dialog.campaign_combo.setCurrentIndex(dialog.campaign_combo.findData(world.campaign))
    dialog.load()
    _settled(qtbot, dialog, lambda: dialog.table.rowCount() == 1)
    assert dialog.rows[0].id == world.used.inspection_id
    dialog.table.selectRow(0)
    form = dialog.edit_current()
    assert isinstance(form, InspectionEditForm)
    assert "findings" not in form.widgets and "enterprise_id" not in form.widgets
    set_widget_value(form.widgets["inspectors"], "赵敏、钱进")
    set_widget_value(form.widgets["department_id"], None)
    assert finish(form.save()) == "invalid"
    assert form.error_text("department_id") == "请选择"
    assert form.widgets["inspectors"].text() == "赵敏、钱进"
    set_widget_value(form.widgets["department_id"], world.departments[1])
    assert finish(form.save()) == "saved"
    _settled(qtbot, dialog, lambda: _cells(dialog, 0)[4] == "赵敏、钱进")
    with sqlite_db.read() as s:
        depts = {d.id: d.name for d in reference.departments(s)}
    assert _cells(dialog, 0)[2] == depts[world.departments[1]]
    # its hazard follows the department on the page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row_at(0).department_id == world.departments[1],
                    timeout=5000)
    with sqlite_db.read() as s:
        data, _v = osv.load_inspection(s, world.used.inspection_id)
    assert data.inspectors == "赵敏、钱进" and data.enterprise_id == world.enterprises[1]
    assert other.hazard_ids == ()


def test_a_stale_inspection_edit_is_refused_and_a_deleted_one_takes_its_hazards(qtbot, page, world, sqlite_db,
                                                                                 finish, msgs):  # type: ignore[no-untyped-def]
    dialog = page.open_inspections()
    assert isinstance(dialog, InspectionsDialog)
    _settled(qtbot, dialog, lambda: dialog.options is not None)
    dialog.table.selectRow(0)
    form = dialog.edit_current()
    assert isinstance(form, InspectionEditForm)
    assert form.windowTitle() == "编辑检查记录"
    assert form.findChild(QLabel, "formIntro").text().startswith(f"企业：{dialog.rows[0].enterprise}。")
    with unit_of_work(sqlite_db, TESTER) as uow:
        data, version = osv.load_inspection(uow.session, world.used.inspection_id)
        data.summary = "他人补充的检查情况"
        osv.update_inspection(uow, world.used.inspection_id, data, expected_version=version)
    set_widget_value(form.widgets["inspectors"], "孙立")
    assert finish(form.save()) == "conflict"
    with sqlite_db.read() as s:
        data, _v = osv.load_inspection(s, world.used.inspection_id)
    assert data.inspectors == "张强、李明" and data.summary == "他人补充的检查情况"
    form.conflict_dialog.close()
    form.done(0)
    # 删除: the stale row version is refused too, then with the one read again it goes, with its hazard
    assert finish(dialog.delete_current()) == "conflict"
    assert any("已被他人修改" in t for t in msgs.texts("warn"))
    _settled(qtbot, dialog)
    dialog.table.selectRow(0)
    assert finish(dialog.delete_current()) == "saved"
    assert "其下 1 项隐患将一并移入回收站" in msgs.texts("confirm")[-1]
    _settled(qtbot, dialog, lambda: dialog.table.rowCount() == 0)
    qtbot.waitUntil(lambda: page.model.loaded and page.model.rowCount() == 0, timeout=5000)
    with sqlite_db.read() as s:
        assert oq.inspection_count(s, oq.InspectionFilter()) == 0


def test_the_recycle_bin_hides_the_campaign_and_inspection_lists(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    assert page.act_campaigns.isVisible() and page.act_inspections.isVisible()
    page.trash_button.setChecked(True)
    assert not page.act_campaigns.isVisible() and not page.act_inspections.isVisible()
    page.trash_button.setChecked(False)
    assert page.act_campaigns.isVisible() and page.act_inspections.isVisible()
