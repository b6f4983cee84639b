"""The 值班 page as the duty desk meets it: the points (duty rooms first, filtered), next month's roster
generated for the duty room, the night without its 带班领导 marked in the grid and listed, filled
through 安排人员, a swap that needs its reason, a handover, a person dragged to another shift, a
generate over a period that has shifts (asked, then overwritten) and one over a roster changed
meanwhile (refused), a stale removal refused, the Excel export — every read in the background."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QLabel

from desktop.teams.duty import DANGER_FILL, DutyPage
from desktop.teams.duty_dialogs import (
    AssignmentDialog,
    GenerateDialog,
    HandoverDialog,
    PointDialog,
    SwapDialog,
)
from models.core.uow import unit_of_work
from models.teams import queries as tq
from models.teams import service as ts
from tests.desktop.teams.duty_world import HOLE, NOVEMBER, TODAY, build_duty, shift_of
from tests.factories import TESTER

NIGHT = 1  # the duty room's columns: 白班, 夜班


def wait_roster(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not page.loading and page.roster is not None, timeout=5000)


@pytest.fixture
def duty(db):  # type: ignore[no-untyped-def]
    return build_duty(db)


@pytest.fixture
def page(qtbot, db, runner, settings, duty):  # type: ignore[no-untyped-def]
    widget = DutyPage(db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    widget.activate()
    wait_roster(qtbot, widget)
    return widget


def _row(day: date) -> int:
    return (day - NOVEMBER[0]).days


def _problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [page.problem_table.item(n, 2).text() for n in range(page.problem_table.rowCount())]


def test_points_listed_duty_rooms_first_and_filtered(qtbot, page, duty):  # type: ignore[no-untyped-def]
    texts = [page.point_list.item(n).text() for n in range(page.point_list.count())]
    assert texts == ["应急值班室", "江城区应急管理局应急值班室", "救援队伍值班点", "危化救援中队值班点"]
    assert page.point.id == duty.room and page.title == "值班" and page.key == "duty"
    assert page.point_count.text() == "共 2 个值班点"
    assert "值班电话：未填写" in page.facts_label.text() and "夜班 17:30—次日08:30" in page.facts_label.text()
    assert "须有带班领导" in page.facts_label.text() and "每班最少值班员 1 人" in page.facts_label.text()
    page.point_filter.setText("危化")
    assert [page.point_list.item(n).text() for n in range(page.point_list.count())
            if not page.point_list.item(n).isHidden()] == ["救援队伍值班点", "危化救援中队值班点"]
    assert page.point_count.text() == "显示 1 / 2 个值班点"
    assert page.select_point(duty.point)
    wait_roster(qtbot, page)
    assert page.roster.point.id == duty.point and page.grid.columnCount() == 1
    assert page.grid.horizontalHeaderItem(0).text() == "24小时班\n08:30—次日08:30"
    assert page.members and page.members[0].person.phone == "13905390001"  # the team's members, with phones


def test_period_navigation(qtbot, page):  # type: ignore[no-untyped-def]
    assert page.period() == NOVEMBER and page.period_label.text() == "2026年11月"
    assert page.grid.rowCount() == 30 and page.grid.verticalHeaderItem(28).text() == "11月29日 周日 今天"
    page.step(1)
    wait_roster(qtbot, page)
    assert page.roster.start == date(2026, 12, 1) and page.grid.rowCount() == 31
    assert "无人值班" in _problems(page)[0]  # nothing is rostered in December yet
    page.set_mode("week")
    wait_roster(qtbot, page)
    assert page.period() == (date(2026, 11, 30), date(2026, 12, 6)) and page.grid.rowCount() == 7
    page.go_today()
    wait_roster(qtbot, page)
    assert page.period() == (date(2026, 11, 23), date(2026, 11, 29))
    assert page.period_label.text() == "2026年11月23日至11月29日（第 48 周）"
    assert page.coverage_label.text().startswith("本周覆盖率 100%")


def test_a_night_without_its_leader_is_marked_listed_and_filled(qtbot, page, finish):  # type: ignore[no-untyped-def]
    assert _problems(page) == ["11月20日（周五）夜班无带班领导"]
    cell = page.grid.item(_row(HOLE), NIGHT)
    assert "【无带班领导】" in cell.text() and "带班：—" in cell.text()
    assert cell.background().color() == DANGER_FILL and "11月20日（周五）夜班无带班领导" in cell.toolTip()
    assert page.grid.item(_row(HOLE), 0).background().style() == Qt.BrushStyle.NoBrush
    assert "问题 1 项" in page.coverage_label.text()
    page.select_problem(0)  # a click on the problem selects its cell
    assert (page.grid.currentRow(), page.grid.currentColumn()) == (_row(HOLE), NIGHT)
    assert "带班领导 0 人" in page.detail_label.text()
    dialog = page.assign()
    assert isinstance(dialog, AssignmentDialog)
    assert dialog.widgets["role"].currentData() == "leader"  # the shift lacks its leader
    assert dialog.widgets["shift_id"].currentText() == "11月20日（周五）夜班"
    picker = dialog.widgets["member_id"]  # the duty room's people already on the roster
    picker.setCurrentIndex(picker.findText("李红梅（13905391002）"))
    picker.activated.emit(picker.currentIndex())
    assert dialog.widgets["name"].text() == "李红梅" and dialog.widgets["phone"].text() == "13905391002"
    assert finish(dialog.save()) == "saved"
    wait_roster(qtbot, page)
    assert _problems(page) == [] and page.problems_label.text() == "排班问题：无"
    assert page.coverage_label.text().startswith("本月覆盖率 100%")
    assert (page.grid.currentRow(), page.grid.currentColumn()) == (_row(HOLE), NIGHT)  # the selection kept
    assert page.current_person() is not None and page.current_person().name == "李红梅"
    assert "带班：李红梅" in page.grid.item(_row(HOLE), NIGHT).text()
    assert page.grid.item(_row(HOLE), NIGHT).background().style() == Qt.BrushStyle.NoBrush


def test_a_leader_typed_with_a_name_taken_on_the_shift_is_refused_in_the_dialog(qtbot, page, finish):  # type: ignore[no-untyped-def]
    page.select_cell(HOLE, "night")
    dialog = page.assign()
    dialog.widgets["name"].setText("赵磊")  # already the night's 值班员 (same name, no phone: the same person)
    dialog.widgets["phone"].setText("13905392001")
    assert finish(dialog.save()) == "invalid"
    assert "已在本班次中" in dialog.error_text("name") and dialog.isVisible()
    assert dialog.widgets["name"].text() == "赵磊"  # the input kept


def test_a_swap_needs_its_reason_and_is_recorded(qtbot, page, finish):  # type: ignore[no-untyped-def]
    day = date(2026, 11, 5)
    page.select_cell(day, "day")
    person = page.current_person()
    assert person is not None and person.role == "leader"
    dialog = page.swap()
    assert isinstance(dialog, SwapDialog)
    assert person.name in dialog.findChild(QLabel, "formIntro").text()
    dialog.widgets["to_name"].setText("王副局长")
    dialog.widgets["to_phone"].setText("13905391009")
    assert finish(dialog.save()) == "invalid"
    assert dialog.error_text("reason") == "请写明换班原因" and dialog.isVisible()
    dialog.widgets["reason"].setPlainText("原带班领导到省厅参加培训")
    assert finish(dialog.save()) == "saved"
    wait_roster(qtbot, page)
    assert page.current_cell()[0] == day
    assert "带班：王副局长" in page.grid.item(_row(day), 0).text()
    assert page.swap_table.rowCount() == 1 and page.detail_tabs.tabText(1) == "换班记录（1）"
    assert [page.swap_table.item(0, c).text() for c in (1, 2, 3, 4)] == [person.name, "王副局长", "原带班领导到省厅参加培训",
                                                                         "测试员"]


def test_a_stale_swap_opens_the_conflict_dialog_and_records_nothing(qtbot, page, db, duty, finish):  # type: ignore[no-untyped-def]
    day = date(2026, 11, 6)
    page.select_cell(day, "night")
    person = page.current_person()
    dialog = page.swap()
    with unit_of_work(db, TESTER) as uow:  # another desk swaps the same duty first
        ts.swap(uow, person.id, ts.SwapData(to_name="周伟", reason="临时有事"), person.version)
    dialog.widgets["to_name"].setText("王副局长")
    dialog.widgets["reason"].setPlainText("原带班领导到省厅参加培训")
    assert finish(dialog.save()) == "conflict"
    assert dialog.conflict_dialog is not None and dialog.isVisible()
    with db.read() as s:
        swaps = shift_of(db, duty.room, day, "night").swaps
        assert [w.to_name for w in swaps] == ["周伟"] and s is not None


def test_a_person_moved_to_another_shift_through_the_dialog(qtbot, page, finish):  # type: ignore[no-untyped-def]
    source, target = date(2026, 11, 7), date(2026, 11, 10)
    page.select_cell(source, "night")
    person = page.current_person()
    assert person.role == "leader"
    dialog = page.adjust()
    assert isinstance(dialog, AssignmentDialog) and dialog.widgets["name"].text() == person.name
    shifts = dialog.widgets["shift_id"]
    shifts.setCurrentIndex(shifts.findText("11月9日（周一）白班"))  # where they lead already
    dialog.widgets["role"].setCurrentIndex(dialog.widgets["role"].findData("staff"))
    assert finish(dialog.save()) == "invalid" and dialog.error_text("name") == f"{person.name} 已在本班次中"
    shifts.setCurrentIndex(shifts.findText("11月10日（周二）白班"))
    assert finish(dialog.save()) == "saved"
    wait_roster(qtbot, page)
    assert (page.grid.currentRow(), page.grid.currentColumn()) == (_row(target), 0)
    assert page.current_person().id == person.id and page.current_person().role == "staff"
    assert "11月7日（周六）夜班无带班领导" in _problems(page)


def test_a_handover_is_saved_and_shown(qtbot, page, finish):  # type: ignore[no-untyped-def]
    day = date(2026, 11, 10)
    page.select_cell(day, "night")
    shift = page.current_shift()
    dialog = page.handover()
    assert isinstance(dialog, HandoverDialog)
    assert dialog.widgets["handed_at"].value() == datetime(2026, 11, 11, 8, 30)  # the night's end
    assert dialog.widgets["from_name"].text() == shift.leaders[0].name
    assert dialog.widgets["to_name"].text() == shift_of_next_leader(page, day)
    dialog.widgets["open_matters"].setPlainText("化工园区异味投诉待环保部门回复")
    assert finish(dialog.save()) == "saved"
    wait_roster(qtbot, page)
    assert page.detail_tabs.currentIndex() == 2 and page.handover_table.rowCount() == 1
    assert page.handover_table.item(0, 0).text() == "2026-11-11 08:30"
    assert page.handover_table.item(0, 3).text() == "化工园区异味投诉待环保部门回复"
    assert "交接班记录 1 条" in page.grid.item(_row(day), NIGHT).toolTip()


def shift_of_next_leader(page, day: date) -> str:  # type: ignore[no-untyped-def]
    following = next(s for s in page.roster.shifts if s.day == date(day.year, day.month, day.day + 1) and s.kind == "day")
    return following.leaders[0].name


def test_next_month_generated_for_the_duty_room(qtbot, page, db, duty, finish, msgs):  # type: ignore[no-untyped-def]
    dialog = page.generate()
    assert isinstance(dialog, GenerateDialog)
    assert (dialog.start_field.value(), dialog.end_field.value()) == (date(2026, 12, 1), date(2026, 12, 31))
    assert {p.name for p in dialog.leaders.people()} == {"张志强", "李红梅"}  # the people of the month shown
    assert [p.name for p in dialog.staff.people()] == ["赵磊", "钱芳", "孙浩"]
    assert dialog.point_version == page.point.version
    assert finish(dialog.generate()) == "saved"
    wait_roster(qtbot, page)
    assert page.period() == (date(2026, 12, 1), date(2026, 12, 31)) and page.grid.rowCount() == 31
    assert page.grid.columnCount() == 2 and len(page.roster.shifts) == 62
    assert all("带班：" in page.grid.item(r, c).text() and "值班：" in page.grid.item(r, c).text()
               for r in range(31) for c in range(2))
    assert _problems(page) == [] and page.coverage_label.text().startswith("本月覆盖率 100%")
    assert page.dialog is None and "warn" not in msgs.kinds()


def test_a_generate_with_nobody_listed_keeps_the_input(qtbot, page, finish):  # type: ignore[no-untyped-def]
    dialog = page.generate()
    dialog.leaders.table.setRowCount(0)
    dialog.staff.table.setRowCount(0)
    dialog.staff_per_shift.setValue(2)
    assert finish(dialog.generate()) == "invalid"
    assert "请至少列出一位带班领导或值班员" in dialog.errors.text("staff") and dialog.isVisible()
    assert dialog.staff_per_shift.value() == 2
    for box in dialog.kind_checks.values():
        box.setChecked(False)
    assert dialog.generate() is None and "请至少选择一个班次" in dialog.errors.text("kinds")


def test_generate_over_a_period_with_shifts_asks_then_overwrites(qtbot, page, db, duty, finish, msgs):  # type: ignore[no-untyped-def]
    dialog = page.generate()
    dialog.start_field.set_value(NOVEMBER[0])
    dialog.end_field.set_value(NOVEMBER[1])
    first = dialog.generate()
    assert finish(first) == "refused"
    assert msgs.kinds() == ["confirm"] and "已排有 60 个班次" in msgs.texts("confirm")[0]
    assert dialog.replace_check.isChecked() and dialog.write_op is not first
    assert finish(dialog.write_op) == "saved"
    wait_roster(qtbot, page)
    assert _problems(page) == []  # the night without a leader was replaced by a complete one
    with db.read() as s:
        assert len(tq.roster(s, duty.room, *NOVEMBER).shifts) == 60


def test_generate_over_a_period_with_shifts_not_overwritten_when_declined(qtbot, page, db, duty, finish, msgs):  # type: ignore[no-untyped-def]
    msgs.confirm_answer = False
    dialog = page.generate()
    dialog.start_field.set_value(NOVEMBER[0])
    dialog.end_field.set_value(NOVEMBER[1])
    assert finish(dialog.generate()) == "refused"
    assert not dialog.replace_check.isChecked() and not dialog.running and dialog.isVisible()
    with db.read() as s:
        assert shift_of(db, duty.room, HOLE, "night").id == duty.hole_shift and s is not None


def test_a_stale_generate_is_refused_with_the_conflict_message(qtbot, page, db, duty, finish):  # type: ignore[no-untyped-def]
    dialog = page.generate()
    read_at = dialog.point_version
    night = shift_of(db, duty.room, HOLE, "night")
    with unit_of_work(db, TESTER) as uow:  # another desk fills the night meanwhile: the point's version moves
        ts.assign(uow, ts.AssignmentData(shift_id=night.id, name="王副局长", role="leader"))
    assert finish(dialog.generate()) == "conflict"
    assert dialog.isVisible() and "已被他人修改" in dialog.errors.banner.text()
    assert "没有写入任何内容" in dialog.errors.banner.text()
    with db.read() as s:
        assert tq.roster(s, duty.room, date(2026, 12, 1), date(2026, 12, 31)).shifts == ()
    wait_roster(qtbot, page)  # read again: the other desk's change is shown, the next try expects its version
    assert _problems(page) == [] and dialog.point_version > read_at
    assert finish(dialog.generate()) == "saved"


def _drop(page, mime, day: date, column: int) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QDropEvent

    rect = page.grid.visualRect(page.grid.model().index(_row(day), column))
    page.grid.dropEvent(QDropEvent(QPointF(rect.center()), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                                   Qt.KeyboardModifier.NoModifier))


def test_a_person_dragged_onto_another_cell_is_moved(qtbot, page, finish, msgs):  # type: ignore[no-untyped-def]
    source, target = date(2026, 11, 3), date(2026, 11, 4)
    page.select_cell(source, "day")
    page.people_table.setCurrentCell(1, 0)  # the 值班员
    person = page.current_person()
    assert person is not None and person.role == "staff"
    mime = page.people_table.mimeData([page.people_table.item(1, 0), page.people_table.item(1, 1)])
    assert page.grid.item(_row(target), NIGHT).text().endswith(person.name)  # already on that night
    _drop(page, mime, target, NIGHT)
    assert finish(page.write_op) == "invalid"
    assert msgs.kinds() == ["warn"] and f"{person.name} 已在本班次中" in msgs.texts("warn")[0]
    wait_roster(qtbot, page)
    _drop(page, mime, target, 0)
    assert finish(page.write_op) == "saved"
    wait_roster(qtbot, page)
    assert (page.grid.currentRow(), page.grid.currentColumn()) == (_row(target), 0)  # where they went
    assert page.current_person().id == person.id
    assert f"值班：{person.name}" in page.grid.item(_row(target), 0).text()
    assert "11月3日（周二）白班值班员 0 人，少于最低 1 人" in _problems(page)


def test_a_stale_removal_is_refused_in_chinese(qtbot, page, db, finish, msgs):  # type: ignore[no-untyped-def]
    page.select_cell(date(2026, 11, 6), "day")
    person = page.current_person()
    with unit_of_work(db, TESTER) as uow:  # somebody corrects the phone meanwhile
        data, version = ts.load_assignment(uow.session, person.id)
        data.phone = "13905399999"
        ts.update_assignment(uow, person.id, data, version)
    assert finish(page.remove()) == "conflict"
    assert msgs.kinds() == ["confirm", "warn"] and "已被他人修改" in msgs.texts("warn")[0]
    wait_roster(qtbot, page)  # read again: the person is still there, with the new phone
    assert page.current_shift().people[0].phone == "13905399999"


def test_a_shift_deleted_leaves_a_gap_and_a_new_one_fills_it(qtbot, page, finish, msgs):  # type: ignore[no-untyped-def]
    day = date(2026, 11, 12)
    page.select_cell(day, "day")
    assert finish(page.delete_shift()) == "saved"
    wait_roster(qtbot, page)
    assert "未排班" in page.grid.item(_row(day), 0).text() and "【无人值班】" in page.grid.item(_row(day), 0).text()
    assert "11月12日（周四）白班（08:30—17:30）无人值班" in _problems(page)
    assert page.act_new_shift.isEnabled() and not page.act_assign.isEnabled()
    dialog = page.new_shift()
    assert dialog.widgets["kind"].currentData() == "day" and dialog.widgets["day"].value() == day
    assert finish(dialog.save()) == "saved"
    wait_roster(qtbot, page)
    assert page.current_shift() is not None and page.current_shift().day == day
    assert "11月12日（周四）白班无带班领导" in _problems(page)  # a new shift has nobody yet


def test_a_new_duty_point_is_listed_and_chosen(qtbot, page, finish):  # type: ignore[no-untyped-def]
    dialog = page.new_point()
    assert isinstance(dialog, PointDialog)
    dialog.widgets["name"].setText("江城区应急管理局应急值班室")  # taken
    assert finish(dialog.save()) == "invalid" and "已有名为" in dialog.error_text("name")
    dialog.widgets["name"].setText("临江市应急管理局总值班室")
    dialog.widgets["phone"].setText("0539-8120000")
    dialog.widgets["min_staff"].setValue(2)
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: not page.loading and page.point is not None and page.point.name == "临江市应急管理局总值班室",
                    timeout=5000)
    wait_roster(qtbot, page)
    assert page.point_count.text() == "共 3 个值班点"
    assert "值班电话：0539-8120000" in page.facts_label.text() and "每班最少值班员 2 人" in page.facts_label.text()


def test_the_excel_export_writes_the_period(qtbot, page, tmp_path, msgs):  # type: ignore[no-untyped-def]
    target = tmp_path / "值班表.xlsx"
    task = page.export_excel(target)
    qtbot.waitUntil(lambda: not task.running, timeout=10000)
    assert target.exists() and msgs.kinds() == ["info"] and str(target) in msgs.texts("info")[0]
    assert "（60 行）" in msgs.texts("info")[0]
    book = load_workbook(target)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 61  # the header and the month's 60 shifts
    assert any(row[-1] == "11月20日（周五）夜班无带班领导" for row in rows)


def test_reads_run_in_the_background_and_an_earlier_answer_is_dropped(qtbot, sqlite_db, runner, settings, monkeypatch):  # type: ignore[no-untyped-def]
    from tests.desktop.loading import Reads

    duty = build_duty(sqlite_db)
    reads = Reads(monkeypatch, sqlite_db)
    try:
        widget = DutyPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
        qtbot.addWidget(widget)
        widget.show()
        widget.activate()
        wait_roster(qtbot, widget)
        gate = reads.hold()
        assert widget.select_point(duty.point)
        widget.step(1)  # December of the team's point …
        assert widget.select_point(duty.room)  # … then the duty room: only this answer is shown
        gate.set()
        wait_roster(qtbot, widget)
        assert widget.roster.point.id == duty.room and widget.roster.start == date(2026, 12, 1)
        assert widget.grid.columnCount() == 2
        assert reads.on_window_thread == 0 and len(reads.threads) >= 4
    finally:
        reads.gate = None
