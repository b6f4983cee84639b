"""The 队伍 page: teams by readiness (不就绪 first, filtered by status), the selected team's factors
with their explanations, members with what they lack, certificates with their alerts; a renewed
certificate turns the team's status; the team, member, certificate, training and equipment forms
save with the version read (a stale save is refused with the conflict dialog, a bad one keeps the
input); delete → 回收站 → 恢复; the all-or-nothing Excel import with its error report; the list's
Excel export. On both backends (the writes go to the store)."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app import install_fonts
from desktop.kit.forms import set_widget_value
from desktop.teams.equipment import EquipmentDialog
from desktop.teams.forms import CertificateDialog, MemberDialog, TeamDialog, TrainingDialog
from desktop.teams.page import TeamsPage, alerts_summary
from models.core.uow import unit_of_work
from models.teams import service as ts
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER
from tests.models.teams.world import AS_OF, build, roster, team_data

SHOTS = os.environ.get("EMERGENCY_DESK_SCREENSHOTS")


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    image = widget.grab()
    if SHOTS:
        image.save(os.path.join(SHOTS, f"{name}.png"))


def _expire(db, cert_id: int, on: date) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(db, TESTER) as uow:
        data, version = ts.load_certificate(uow.session, cert_id)
        data.expires_on = on
        ts.update_certificate(uow, cert_id, data, expected_version=version)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = build(db)
    roster(db, w.point, AS_OF - timedelta(days=3), AS_OF + timedelta(days=10))  # the team's next 7 days covered
    for cert in w.certificates[1:3]:  # two members' required certificates expired: 5 of 7 valid
        _expire(db, cert, AS_OF - timedelta(days=5))
    with unit_of_work(db, TESTER) as uow:  # a second team, ready: a 兼职 team, nothing required of it is missing
        w.other = ts.create_team(uow, team_data("临江市城区防汛抢险队", kind="part_time", specialties=("flood",),  # type: ignore[attr-defined]
                                                headcount=1, turnout_minutes=10))
        other = w.other  # type: ignore[attr-defined]
        ts.create_member(uow, ts.MemberData(team_id=other, name="李防汛", position="captain"))
        ts.set_equipment(uow, other, [ts.EquipmentLine("冲锋舟", 2, category="lifesaving")], ts.load_team(uow.session, other)[1])
        ts.add_training(uow, ts.TrainingData(team_id=other, held_on=AS_OF - timedelta(days=20), content="抢险训练", hours=2))
        ts.add_training(uow, ts.TrainingData(team_id=other, held_on=AS_OF - timedelta(days=30), content="防汛演练",
                                             kind="drill", hours=2))
    return w


@pytest.fixture
def page(qtbot, db, runner, settings, world):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    widget = TeamsPage(db, runner, settings, actor=TESTER, today=lambda: AS_OF)
    widget._test_statuses = []  # type: ignore[attr-defined]
    widget.sig_status.connect(widget._test_statuses.append)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    qtbot.waitUntil(lambda: widget.alerts_task is not None and not widget.alerts_task.running, timeout=5000)
    return widget


def _select(qtbot, page, team_id: int) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, page.model)
    n = page.model.find_row(lambda r: r.id == team_id)
    assert n >= 0
    page.select_row(n)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row.id == team_id, timeout=5000)


def _row(page, team_id: int):  # type: ignore[no-untyped-def]
    n = page.model.find_row(lambda r: r.id == team_id)
    return page.model.row_at(n)


def test_the_list_puts_teams_not_ready_first_and_says_why(qtbot, page, world):  # type: ignore[no-untyped-def]
    first = page.model.row_at(0)
    assert first.id == world.team and first.status_label == "不就绪"
    assert page.model.data(page.model.index(0, 0)) == "不就绪"
    assert "2 名队员证书已过期" in page.model.data(page.model.index(0, page.model.REASONS_COLUMN))
    assert page.model.decorate(first, 0, 9).name().upper() == "#C0152F"  # red
    assert "证书已过期 2 项" in page.alert_label.text() and "不就绪队伍 1 支" in page.alert_label.text()
    page.show_status("red")
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1
    page.show_status("green")
    wait_loaded(qtbot, page.model)
    assert [page.model.row_at(n).id for n in range(page.model.rowCount())] == [world.other]
    page.show_status("")
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2


def test_the_detail_explains_every_factor_and_what_members_lack(qtbot, page, world):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.team)
    factors = {page.factor_table.item(n, 0).text(): [page.factor_table.item(n, c).text() for c in range(5)]
               for n in range(page.factor_table.rowCount())}
    assert factors["必备证书有效率"][1].startswith("5/7") and factors["必备证书有效率"][3] == "不达标"
    assert "2 名队员证书已过期" in factors["必备证书有效率"][4]
    assert factors["在岗率"][3] == "达标" and factors["救援协议"][1] == "—"  # not a 协议 team: 不适用
    assert "影响就绪的原因：2 名队员证书已过期" in page.reasons_label.text()
    lacking = [page.member_table.item(n, 7).text() for n in range(page.member_table.rowCount())]
    assert sum("缺少有效的应急救援员" in t for t in lacking) == 2
    states = [page.cert_table.item(n, 5).text() for n in range(page.cert_table.rowCount())]
    assert sum(t.startswith("已过期") for t in states) == 2
    assert page.detail_tabs.tabText(5) == "提醒（2）"  # the two expired certificates
    _shot(page, "teams_page")


def test_renewing_an_expired_certificate_turns_the_status(qtbot, page, world, db, finish):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.team)
    page.detail_tabs.setCurrentWidget(page.cert_table)
    expired = [n for n in range(page.cert_table.rowCount()) if page.cert_table.item(n, 5).text().startswith("已过期")]
    page.cert_table.selectRow(expired[0])
    dialog = page.edit_certificate()
    assert isinstance(dialog, CertificateDialog)
    set_widget_value(dialog.widgets["expires_on"], date(2030, 6, 30))
    _shot(dialog, "teams_certificate")
    assert finish(dialog.save()) == "saved"
    page.detail_tabs.setCurrentWidget(page.cert_table)
    page.cert_table.selectRow(expired[1])
    dialog = page.edit_certificate()
    assert isinstance(dialog, CertificateDialog)
    set_widget_value(dialog.widgets["expires_on"], date(2030, 6, 30))
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: _row(page, world.team) is not None and _row(page, world.team).status_label == "就绪",
                    timeout=5000)
    qtbot.waitUntil(lambda: "各项因素均达标" in page.reasons_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: "不就绪" not in page.alert_label.text(), timeout=5000)


def test_a_bad_member_keeps_the_input_and_a_new_one_is_listed(qtbot, page, world, finish, db):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.team)
    dialog = page.new_member()
    assert isinstance(dialog, MemberDialog)
    set_widget_value(dialog.widgets["phone"], "13905391234")
    assert finish(dialog.save()) == "invalid"  # no name
    assert dialog.isVisible() and dialog.widgets["phone"].text() == "13905391234"
    assert "姓名" in dialog.errors.banner.text()
    set_widget_value(dialog.widgets["name"], "新队员")
    _shot(dialog, "teams_member")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and any(m.name == "新队员" for m in page.detail.members),
                    timeout=5000)
    assert page.detail_tabs.tabText(1) == "队员（8）"


def test_a_stale_team_save_is_refused_with_the_conflict_dialog(qtbot, page, world, db, finish):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.team)
    dialog = page.edit_team()
    assert isinstance(dialog, TeamDialog)
    with unit_of_work(db, TESTER) as uow:  # another desk changes the team meanwhile
        data, version = ts.load_team(uow.session, world.team)
        data.duty_phone = "0539-9999999"
        ts.update_team(uow, world.team, data, expected_version=version)
    set_widget_value(dialog.widgets["leader"], "赵队长")
    assert finish(dialog.save()) == "conflict"
    assert dialog.conflict_dialog is not None and dialog.isVisible()
    with db.read() as s:
        assert ts.load_team(s, world.team)[0].leader == "王建国"  # nothing overwritten
    dialog.conflict_dialog.reload_button.click()
    assert dialog.widgets["duty_phone"].text() == "0539-9999999"


def test_the_team_form_shows_specialties_and_the_agreement_only_for_agreement_teams(qtbot, page, world,
                                                                                    finish):  # type: ignore[no-untyped-def]
    dialog = page.new_team()
    assert isinstance(dialog, TeamDialog)
    assert not dialog.widgets["agreement_party"].isEnabled()
    set_widget_value(dialog.widgets["name"], "临江市矿山救护协议队")
    set_widget_value(dialog.widgets["kind"], "agreement")
    assert dialog.widgets["agreement_party"].isEnabled()
    dialog.widgets["specialties"].boxes["mining"].setChecked(True)
    set_widget_value(dialog.widgets["duty_phone"], "0539-1234567")
    set_widget_value(dialog.widgets["agreement_party"], "临江矿业集团")
    set_widget_value(dialog.widgets["agreement_expires_on"], AS_OF + timedelta(days=20))
    _shot(dialog, "teams_team_form")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    new = next(page.model.row_at(n) for n in range(3) if page.model.row_at(n).name == "临江市矿山救护协议队")
    assert new.specialty_labels == ["矿山"] and new.readiness.factor("agreement").status == "amber"
    qtbot.waitUntil(lambda: "救援协议即将到期 1 项" in page.alert_label.text(), timeout=5000)


def test_training_and_equipment_feed_the_factors(qtbot, page, world, finish):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.team)
    dialog = page.new_training()
    assert isinstance(dialog, TrainingDialog)
    set_widget_value(dialog.widgets["kind"], "drill")
    set_widget_value(dialog.widgets["content"], "危化品泄漏综合演练")
    set_widget_value(dialog.widgets["hours"], 2.5)
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.readiness.factor("drill").value == 0, timeout=5000)
    assert page.training_table.item(0, 2).text() == "危化品泄漏综合演练" and page.training_table.item(0, 3).text() == "2.5"
    equipment = page.edit_equipment()
    assert isinstance(equipment, EquipmentDialog)
    assert equipment.table.rowCount() == 2
    equipment.add_row()
    row = equipment.table.rowCount() - 1
    equipment.table.cellWidget(row, 0).setText("液压破拆工具组")
    equipment.table.cellWidget(row, 3).setValue(6)
    set_widget_value(equipment.table.cellWidget(row, 5), "repair")
    _shot(equipment, "teams_equipment")
    assert finish(equipment.save()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and len(page.detail.equipment) == 3, timeout=5000)
    assert page.detail.readiness.factor("equipment").value_text.startswith("14/20")
    equipment = page.edit_equipment()
    assert isinstance(equipment, EquipmentDialog)
    equipment.add_row()  # a line without a name
    assert finish(equipment.save()) == "invalid"
    assert equipment.isVisible() and "第 4 行的装备名称" in equipment.errors.banner.text()


def test_delete_moves_the_team_to_the_trash_and_restore_brings_it_back(qtbot, page, world, finish,
                                                                       msgs):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.other)
    assert finish(page.delete_current()) == "saved"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.trash_button.setChecked(True)
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 1 and page.model.data(page.model.index(0, 0)) == "已删除"
    assert not page.detail_box.isVisible() and page.act_restore.isVisible()
    page.select_row(0)
    assert finish(page.restore_current()) == "saved"
    page.trash_button.setChecked(False)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)


def test_deleting_a_certificate_asks_and_counts_it_out(qtbot, page, world, finish, msgs):  # type: ignore[no-untyped-def]
    _select(qtbot, page, world.team)
    page.cert_table.selectRow(0)
    msgs.confirm_answer = False
    assert page.delete_certificate() is None
    msgs.confirm_answer = True
    assert finish(page.delete_certificate()) == "saved"
    qtbot.waitUntil(lambda: page.detail is not None and page.cert_table.rowCount() == 6, timeout=5000)


def test_an_excel_import_with_bad_rows_writes_nothing_and_a_good_one_adds_teams(qtbot, page, db, msgs,
                                                                                tmp_path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from tests.exports.teams.test_imports import counts, team_row, workbook

    before = counts(db)
    bad = tmp_path / "队伍.xlsx"
    bad.write_bytes(workbook(teams=[team_row("城西救援队"), team_row("城东救援队", kind="不存在的类型")]))
    assert page.import_excel(bad) is not None
    qtbot.waitUntil(lambda: any("没有导入任何内容" in t for t in msgs.texts()), timeout=10000)
    assert counts(db) == before
    report = tmp_path / "队伍-错误报告.xlsx"
    cells = [c for row in load_workbook(report)["救援队伍"].iter_rows(values_only=True) for c in row if c]
    assert any("队伍类型" in str(c) for c in cells)
    good = tmp_path / "改正后.xlsx"
    good.write_bytes(workbook(teams=[team_row("城西救援队")]))
    assert page.import_excel(good) is not None
    qtbot.waitUntil(lambda: any("已导入" in t for t in msgs.texts("info")[-1:]), timeout=10000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)


def test_the_list_exports_to_excel_with_every_factor(qtbot, page, world, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "队伍"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(page.sig_export_finished, timeout=10000) as blocker:
        page.export_excel()
    written = tmp_path / "队伍.xlsx"
    assert blocker.args == [str(written), 2]
    rows = list(load_workbook(written).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "队伍名称" in r)
    assert "必备证书有效率" in header and "影响就绪的原因" in header
    body = [r for r in rows[rows.index(header) + 1:] if r and r[0]]
    assert body[0][0] == "不就绪" and "2 名队员证书已过期" in body[0][-1]  # the list's order: 不就绪 first
    assert body[1][0] == "就绪"


def test_alerts_summary_counts_by_kind() -> None:
    from models.teams.queries import DueItem

    day = date(2026, 12, 1)
    items = [DueItem("certificate", "danger", day - timedelta(days=1), "A", "x"),
             DueItem("certificate", "warning", day + timedelta(days=20), "A", "y"),
             DueItem("roster", "danger", day + timedelta(days=2), "值班室", "z"),
             DueItem("readiness", "danger", None, "A", "w")]
    text, bad = alerts_summary(items, day)
    assert bad and "证书已过期 1 项" in text and "证书即将到期 1 项" in text and "未来 7 天值班问题 1 处" in text
    assert "不就绪队伍 1 支" in text
    assert alerts_summary([], day) == ("按 2026-12-01：没有证书、协议到期或值班缺口，没有不就绪的队伍。", False)


def test_the_enterprise_page_panel_lists_the_teams_serving_it(db) -> None:  # type: ignore[no-untyped-def]
    from desktop.teams.panels import _team_rows, enterprise_teams_panel
    from tests.factories import create_enterprise

    ent = create_enterprise(db, 1)
    build(db)
    with unit_of_work(db, TESTER) as uow:
        ts.create_team(uow, team_data("某企业兼职救援队", kind="part_time", owner_enterprise_id=ent, headcount=3))
    with db.read() as s:
        rows = _team_rows(s, ent, AS_OF)
        assert _team_rows(s, ent + 1, AS_OF) == []
    assert [r.cells[:3] for r in rows] == [("某企业兼职救援队", "兼职（本企业）", "不就绪")]
    assert rows[0].warning and "在岗" in rows[0].cells[3]
    assert enterprise_teams_panel().title == "救援队伍"
