"""Issue 12's "Done means", tried as a new user would in the main window: open the team list and see
which teams are not ready and exactly why, fix an expired certificate and watch the status change,
generate next month's roster for the duty room, see the night where no leader is on duty (the leader
taken off it), fill it, and print the roster — the PDF read back."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app import install_fonts
from desktop.kit.forms import set_widget_value
from desktop.main_window import MainWindow
from desktop.teams.duty import DutyPage
from desktop.teams.duty_dialogs import AssignmentDialog, GenerateDialog
from desktop.teams.forms import CertificateDialog
from desktop.teams.page import TeamsPage
from models.core.uow import unit_of_work
from models.teams import service as ts
from tests.desktop.loading import wait_loaded
from tests.desktop.teams.duty_world import NOVEMBER, generate
from tests.factories import TESTER
from tests.models.teams.world import AS_OF, build, roster

SHOTS = os.environ.get("EMERGENCY_DESK_SCREENSHOTS")
NIGHT = 1


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    image = widget.grab()
    if SHOTS:
        image.save(os.path.join(SHOTS, f"{name}.png"))


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = build(db)
    roster(db, w.point, AS_OF - timedelta(days=3), AS_OF + timedelta(days=10))
    generate(db, w.room, *NOVEMBER)  # the duty room's November; December not rostered yet
    with unit_of_work(db, TESTER) as uow:  # two members' required certificates ran out last week
        for cert in w.certificates[3:5]:
            data, version = ts.load_certificate(uow.session, cert)
            data.expires_on = AS_OF - timedelta(days=6)
            ts.update_certificate(uow, cert, data, expected_version=version)
    return w


@pytest.fixture
def window(qtbot, db, settings, world):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    win = MainWindow(db, settings, actor=TESTER, progress_delay_ms=50, today=lambda: AS_OF)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.runner.shutdown()


def test_a_new_user_walks_from_the_team_list_to_a_printed_roster(qtbot, window, world, finish, msgs,
                                                                  tmp_path):  # type: ignore[no-untyped-def]
    from tests.exports.pdf_lines import pdf_lines

    # the team list: which teams are not ready, and why
    teams = window.show_page("teams")
    assert isinstance(teams, TeamsPage)
    wait_loaded(qtbot, teams.model)
    assert teams.model.row_at(0).status_label == "不就绪"
    qtbot.waitUntil(lambda: "不就绪队伍 1 支" in teams.alert_label.text(), timeout=5000)
    teams.select_row(0)
    qtbot.waitUntil(lambda: teams.detail is not None, timeout=5000)
    assert "2 名队员证书已过期" in teams.reasons_label.text()
    _shot(window, "walk_1_teams")

    # renew the expired certificates: the status changes
    teams.detail_tabs.setCurrentWidget(teams.cert_table)
    for number in ("YJ20260098", "YJ20260099"):
        expired = next(n for n in range(teams.cert_table.rowCount())
                       if teams.cert_table.item(n, 5).text().startswith("已过期"))
        teams.cert_table.selectRow(expired)
        dialog = teams.edit_certificate()
        assert isinstance(dialog, CertificateDialog)
        set_widget_value(dialog.widgets["number"], number)
        set_widget_value(dialog.widgets["issued_on"], AS_OF - timedelta(days=1))
        set_widget_value(dialog.widgets["expires_on"], date(2030, 11, 27))
        assert finish(dialog.save()) == "saved"
        qtbot.waitUntil(lambda n=number: teams.detail is not None and any(
            c.number == n for m in teams.detail.members for c in m.certificates), timeout=5000)
    qtbot.waitUntil(lambda: teams.model.row_at(0) is not None and teams.model.row_at(0).status_label == "就绪",
                    timeout=5000)
    qtbot.waitUntil(lambda: teams.detail is not None and teams.detail.readiness.status == "green", timeout=5000)
    _shot(window, "walk_2_fixed")

    # next month's roster for the duty room
    duty = window.show_page("duty")
    assert isinstance(duty, DutyPage)
    qtbot.waitUntil(lambda: duty.point is not None and not duty.loading and duty.roster is not None, timeout=5000)
    assert duty.select_point(world.room)
    qtbot.waitUntil(lambda: duty.point is not None and duty.point.id == world.room and not duty.loading
                    and duty.roster is not None, timeout=5000)
    generating = duty.generate()
    assert isinstance(generating, GenerateDialog)
    assert (generating.start_field.value(), generating.end_field.value()) == (date(2026, 12, 1), date(2026, 12, 31))
    assert finish(generating.generate()) == "saved"
    qtbot.waitUntil(lambda: not duty.loading and duty.roster is not None and duty.period()[0] == date(2026, 12, 1),
                    timeout=5000)
    assert len(duty.roster.shifts) == 62 and duty.coverage_label.text().startswith("本月覆盖率 100%")

    # the leader of the night of 12 December is called away: the night has no leader
    hole = date(2026, 12, 12)
    assert duty.select_cell(hole, "night")
    leader = duty.current_shift().leaders[0]
    assert finish(duty.remove(leader.id)) == "saved"
    qtbot.waitUntil(lambda: not duty.loading and any("12月12日（周六）夜班无带班领导" in p.message
                                                    for p in duty.roster.problems), timeout=5000)
    cell = duty.grid.item((hole - date(2026, 12, 1)).days, NIGHT)
    assert "【无带班领导】" in cell.text()
    _shot(window, "walk_3_hole")

    # fill it
    assert duty.select_cell(hole, "night")
    assigning = duty.assign()
    assert isinstance(assigning, AssignmentDialog)
    assert assigning.widgets["role"].currentData() == "leader"
    set_widget_value(assigning.widgets["name"], "王副局长")
    set_widget_value(assigning.widgets["phone"], "13905390099")
    assert finish(assigning.save()) == "saved"
    qtbot.waitUntil(lambda: not duty.loading and duty.roster is not None and not duty.roster.problems, timeout=5000)
    assert "带班：王副局长" in duty.grid.item((hole - date(2026, 12, 1)).days, NIGHT).text()
    _shot(window, "walk_4_filled")

    # print the month
    out = tmp_path / "值班表.pdf"
    task = duty.print_roster(out)
    assert task is not None
    qtbot.waitUntil(lambda: out.exists() and not task.running, timeout=30000)
    text = "\n".join(line.text for line in pdf_lines(out))
    assert "值班表" in text and "2026年12月" in text and "王副局长" in text and "【无带班领导】" not in text


def test_a_roster_alert_of_a_team_opens_its_duty_point_on_that_week(qtbot, window, world, finish):  # type: ignore[no-untyped-def]
    from tests.desktop.teams.duty_world import take_leader_off

    day = AS_OF + timedelta(days=2)
    take_leader_off(window.db, world.point, day, kind="full")
    teams = window.show_page("teams")
    assert isinstance(teams, TeamsPage)
    wait_loaded(qtbot, teams.model)
    teams.select_row(teams.model.find_row(lambda r: r.id == world.team))
    qtbot.waitUntil(lambda: teams.detail is not None and any(d.kind == "roster" for d in teams.detail.alerts),
                    timeout=5000)
    n = next(i for i, d in enumerate(teams.detail.alerts) if d.kind == "roster")
    teams.alert_table.selectRow(n)
    teams.open_alert()
    duty = window.current_page()
    assert isinstance(duty, DutyPage)
    qtbot.waitUntil(lambda: duty.point is not None and duty.point.id == world.point and not duty.loading
                    and duty.roster is not None, timeout=5000)
    start, end = duty.period()
    assert duty.mode == "week" and start <= day <= end
    assert any("无带班领导" in p.message for p in duty.roster.problems)
