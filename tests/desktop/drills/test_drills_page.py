"""The 演练 page: plan a drill in the dialog (input kept when refused), reschedule with a reason,
record it as held, cancel with a reason, the recycle bin, and the obligations tab, overdue first."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.drills import page as page_module
from desktop.drills.dialog import DrillDialog, StepDialog
from desktop.drills.page import DrillsPage
from models.drills.entities import Drill
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _published_plan

TODAY = date(2026, 11, 29)


@pytest.fixture
def page(qtbot, sqlite_db, runner, settings):  # type: ignore[no-untyped-def]
    widget = DrillsPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    return widget


def _held_on_page(qtbot, page, db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A drill of a new enterprise's published plan, held on 2026-05-12, selected in the list."""
    from models.core.uow import unit_of_work
    from models.drills import service as ds

    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, ds.DrillData(enterprise_id=ent, title="液氯泄漏综合演练",
                                          planned_at=datetime(2026, 5, 12, 9), plan_ids=[plan]))
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", 1, held_on=date(2026, 5, 12))
    page.refresh()
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    page.view.selectRow(0)
    return did, plan


def _answer(monkeypatch, **values: object) -> list[StepDialog]:  # type: ignore[no-untyped-def]
    """Make StepDialog.exec fill in ``values`` and press 确定 (or 取消 with accept=False)."""
    seen: list[StepDialog] = []

    def exec_(self: StepDialog) -> int:
        seen.append(self)
        if "reason" in values and self.reason is not None:
            self.reason.setPlainText(str(values["reason"]))
        if "day" in values and self.date_field is not None:
            self.date_field.set_value(values["day"])  # type: ignore[arg-type]
        if "time" in values and self.time_edit is not None:
            self.time_edit.setTime(values["time"])  # type: ignore[arg-type]
        self._accept()
        return int(self.result()) if self.result() else int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(StepDialog, "exec", exec_)
    return seen


def test_plan_a_drill_reschedule_hold_and_see_the_obligations(qtbot, page, sqlite_db, finish, monkeypatch):  # type: ignore[no-untyped-def]
    ent = create_enterprise(sqlite_db, 1)
    _published_plan(sqlite_db, ent)
    page.enterprises = None
    dialog = page.new_drill()
    assert isinstance(dialog, DrillDialog) and dialog.windowTitle() == "新建演练"
    dialog.enterprise_combo.set_enterprise_id(ent)
    assert dialog.plan_list.count() == 1
    dialog.widgets["title"].setText("液氯泄漏综合演练")
    assert finish(dialog.save()) == "invalid"  # no plan ticked: refused, input kept
    wait_loaded(qtbot, page.model)
    assert "至少选择一个" in dialog.errors.text("plan_ids") and dialog.widgets["title"].text() == "液氯泄漏综合演练"
    dialog.plan_list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.widgets["planned_at"].set_value(date(2026, 12, 10))
    with qtbot.waitSignal(dialog.sig_saved, timeout=3000) as saved:
        dialog.save_button.click()
    wait_loaded(qtbot, page.model)
    drill_id = saved.args[0]
    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().id == drill_id, timeout=3000)
    assert page.current_row().status_label == "计划" and page.act_reschedule.isEnabled()

    seen = _answer(monkeypatch, reason="")
    assert page.reschedule_current() is None and "请填写原因" in seen[0].errors.banner.text()
    _answer(monkeypatch, reason="与上级检查冲突，推迟一周", day=date(2026, 12, 17))
    assert finish(page.reschedule_current()) == "saved"
    wait_loaded(qtbot, page.model)
    with sqlite_db.read() as s:
        drill = s.get(Drill, drill_id)
        assert drill.planned_at.date() == date(2026, 12, 17) and drill.reschedule_reason.startswith("与上级检查")

    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().id == drill_id, timeout=3000)
    _answer(monkeypatch, day=date(2026, 11, 20))
    assert finish(page.step_current("conduct")) == "saved"
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().status_label == "实施",
                    timeout=3000)
    assert not page.act_reschedule.isEnabled() and page.act_evaluate.isEnabled()

    def last_drills() -> dict[str, str]:
        model = page.obligations
        return {model.data(model.index(r, 1)): model.data(model.index(r, 2)) for r in range(model.rowCount())}

    qtbot.waitUntil(lambda: last_drills().get("综合或专项应急预案演练") == "2026-11-20", timeout=3000)
    assert page.tabs.tabText(page.tabs.indexOf(page.obligation_tab)) == "频次要求"  # nothing overdue for this enterprise


def test_cancel_needs_a_reason_and_the_overdue_come_first(qtbot, page, sqlite_db, finish, monkeypatch):  # type: ignore[no-untyped-def]
    from models.core.uow import unit_of_work
    from models.drills import service as ds

    late = create_enterprise(sqlite_db, 1)
    _published_plan(sqlite_db, late)  # published 2026-03-05 and never drilled: due 2026-12-31
    ent = create_enterprise(sqlite_db, 2)
    plan = _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:
        did = ds.create(uow, ds.DrillData(enterprise_id=ent, title="桌面推演", planned_at=datetime(2026, 12, 1, 9),
                                          plan_ids=[plan]))
    page.refresh()
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    page.view.selectRow(0)
    seen = _answer(monkeypatch, reason="  ")
    assert page.step_current("cancel") is None and seen[0].isVisible() is False
    _answer(monkeypatch, reason="企业停产检修")
    assert finish(page.step_current("cancel")) == "saved"
    wait_loaded(qtbot, page.model)
    with sqlite_db.read() as s:
        assert s.get(Drill, did).status == "cancelled"
    qtbot.waitUntil(lambda: page.obligations.rowCount() >= 2, timeout=3000)
    days = [page.obligations.row_at(r)[1].days_left for r in range(page.obligations.rowCount())]
    assert days == sorted(days)  # the soonest (or most overdue) first
    assert page_module  # the page module is what the window lists


def test_the_annual_plan_for_a_hazchem_enterprise(qtbot, page, sqlite_db, finish, monkeypatch):  # type: ignore[no-untyped-def]
    from desktop.drills.dialog import YearPlanDialog
    from models.core import reference
    from tests.models.plans.test_plan_service import new_plan

    with sqlite_db.read() as s:
        hazchem = next(c.id for c in reference.industries(s) if c.code == "hazchem.production")
    ent = create_enterprise(sqlite_db, 1, industry_id=hazchem)
    _published_plan(sqlite_db, ent)
    new_plan(sqlite_db, ent, plan_no="XC-01", kind="onsite", title="液氯泄漏现场处置方案")
    asked: list[YearPlanDialog] = []

    def exec_(self: YearPlanDialog) -> int:
        asked.append(self)
        if len(asked) == 1:  # first: no enterprise chosen, refused in the dialog
            self.enterprise_combo.set_enterprise_id(None)
            self._accept()
            assert "请选择企业" in self.errors.banner.text()
        self.enterprise_combo.set_enterprise_id(ent)
        self._accept()
        return int(self.result())

    monkeypatch.setattr(YearPlanDialog, "exec", exec_)
    page.enterprises = None
    assert finish(page.plan_year()) == "saved"
    wait_loaded(qtbot, page.model)
    assert asked[0].year.value() == 2027  # next year by default
    with sqlite_db.read() as s:
        assert s.query(Drill).count() == 2, [d.title for d in s.query(Drill)]
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=3000)
    titles = sorted(page.model.row_at(r).title for r in range(2))
    assert titles[0].startswith("2027年上半年应急演练") and "现场处置方案" in titles[0]
    assert finish(page.plan_year()) == "saved"  # again: nothing new
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=3000)


def test_scoring_from_the_keyboard_saves_each_entry_and_submit_locks(qtbot, page, sqlite_db, finish):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QLineEdit

    from desktop.drills.scoring import COMMENT, VALUE, ScoreSheetDialog
    from models.core.uow import unit_of_work
    from models.drills import scoring
    from models.drills.entities import ScoreEntry, ScoreSheet

    _did, _plan = _held_on_page(qtbot, page, sqlite_db)
    assert page.act_score.isEnabled()
    assert finish(page.score_current()) == "saved"
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: isinstance(getattr(page, "sheet_dialog", None), ScoreSheetDialog), timeout=3000)
    dialog = page.sheet_dialog
    table = dialog.table
    items = dialog.form.items

    def type_in(row: int, text: str) -> None:
        qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=1000)
        table.setCurrentCell(row, VALUE)
        table.activateWindow()
        table.setFocus()
        qtbot.keyClicks(table, text)  # typing starts the editor with what was typed
        qtbot.waitUntil(lambda: table.state() == table.State.EditingState, timeout=1000)
        editor = table.viewport().findChild(QLineEdit) or QApplication.focusWidget()
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=1000)
        qtbot.waitUntil(lambda: dialog.write_op is None or not dialog.write_op.running, timeout=3000)

    type_in(0, "4")  # not on the scale: refused, nothing stored
    qtbot.waitUntil(lambda: "只能打" in dialog.status_label.text(), timeout=3000)
    assert table.item(0, VALUE).text() == ""
    for row, item in enumerate(items):
        text = "5" if item.kind == "score" else "1" if item.kind == "choice" else "2"
        type_in(row, "N" if item.key == "run.public" else text)
    qtbot.waitUntil(lambda: len(dialog.entries) == len(items), timeout=5000)
    with sqlite_db.read() as s:
        sheet = s.query(ScoreSheet).one()
        assert s.query(ScoreEntry).filter_by(sheet_id=sheet.id).count() == len(items)  # each saved at once
        assert s.query(ScoreEntry).filter_by(item_key="run.public").one().not_applicable
    assert table.currentRow() == len(items) - 1  # Enter moved down row by row
    table.item(7, COMMENT).setText("指挥部成立及时")
    qtbot.waitUntil(lambda: dialog.entries[items[7].key].comment == "指挥部成立及时", timeout=3000)
    assert finish(dialog.submit()) == "saved"
    wait_loaded(qtbot, page.model)
    assert "已提交" in dialog.status_label.text() and "总分 100" in dialog.status_label.text()
    with unit_of_work(sqlite_db, TESTER) as uow, pytest.raises(Exception, match="已提交"):
        scoring.enter(uow, sheet.id, "run.command", 1, dialog.version)
    dialog.close()


def test_an_evaluator_scores_offline_and_the_sheet_comes_back(qtbot, page, sqlite_db, finish, msgs, monkeypatch,
                                                              tmp_path):  # type: ignore[no-untyped-def]
    import json as json_module

    from PySide6.QtWidgets import QFileDialog

    from desktop.drills.scoring import VALUE, FileSheetDialog
    from models.drills.entities import ScoreSheet

    _did, _plan = _held_on_page(qtbot, page, sqlite_db)
    target = tmp_path / "评估表.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    assert finish(page.export_sheet()) == "saved"
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(target.exists, timeout=3000)

    dialog = page.score_file()  # on the laptop: no database involved
    assert isinstance(dialog, FileSheetDialog) and dialog.sheet.evaluator == TESTER.name
    for row, item in enumerate(dialog.form.items):
        dialog.table.item(row, VALUE).setText("5" if item.kind == "score" else "1" if item.kind == "choice" else "2")
    assert json_module.loads(target.read_bytes())["entries"]["run.command"]["value"] == 5.0  # saved at once
    dialog.table.item(0, VALUE).setText("4")
    assert "只能打" in dialog.status_label.text()
    dialog.submit()
    assert dialog.status == "submitted" and dialog.sheet.submitted
    dialog.close()

    tampered = tmp_path / "改过.json"
    data = json_module.loads(target.read_bytes())
    data["entries"]["run.command"]["value"] = 1
    tampered.write_text(json_module.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tampered), ""))
    assert finish(page.import_sheet()) == "refused"
    wait_loaded(qtbot, page.model)
    assert any("提交后被改动过" in text for text in msgs.texts())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    assert finish(page.import_sheet()) == "saved"
    wait_loaded(qtbot, page.model)
    with sqlite_db.read() as s:
        assert s.query(ScoreSheet).one().status == "submitted"


def test_the_overview_flags_the_disputed_items_and_exports_the_report(qtbot, page, sqlite_db, msgs, tmp_path):  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from models.core.uow import unit_of_work
    from models.drills import scoring
    from models.drills.entities import ScoreSheet
    from models.drills.evaluation import form_for

    did, _plan = _held_on_page(qtbot, page, sqlite_db)
    assert page.act_overview.isEnabled()
    dialog = page.show_overview()
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "还没有开始评估" in dialog.header.text(), timeout=3000)
    dialog.close()

    with unit_of_work(sqlite_db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
        sheets = [scoring.add_evaluator(uow, did, name) for name in ("张评估", "李评估", TESTER.name)]
    disputed = next(i for i in form_for("live").items if i.kind == "score")
    for sheet_id, score in zip(sheets, (5, 5, 5), strict=True):
        for item in form_for("live").items:
            value = (1 if sheet_id == sheets[1] and item.key == disputed.key else score) if item.kind == "score" else (
                "是" if item.kind == "choice" else 2.0)
            with sqlite_db.read() as s:
                version = s.get(ScoreSheet, sheet_id).version
            with unit_of_work(sqlite_db, TESTER) as uow:
                scoring.enter(uow, sheet_id, item.key, value, version)
    for sheet_id in sheets[:2]:
        with sqlite_db.read() as s:
            version = s.get(ScoreSheet, sheet_id).version
        with unit_of_work(sqlite_db, TESTER) as uow:
            scoring.submit(uow, sheet_id, version)

    dialog = page.show_overview()  # the tester's own sheet is still open: no scores
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.overview is not None, timeout=3000)
    assert "评估人 3 名，已提交 2 名" in dialog.header.text() and "尚未提交" in dialog.summary.text()
    assert dialog.items.rowCount() == 0 and dialog.sheets.item(2, 1).text() == "评分中"
    dialog.close()
    with sqlite_db.read() as s:
        version = s.get(ScoreSheet, sheets[2]).version
    with unit_of_work(sqlite_db, TESTER) as uow:
        scoring.submit(uow, sheets[2], version)

    dialog = page.show_overview()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.items.rowCount() > 0, timeout=3000)
    assert "有分歧的项目 <b>1</b> 项" in dialog.summary.text() and "结论" in dialog.summary.text()
    assert dialog.items.rowCount() == len(form_for("live").items)
    headers = [dialog.items.horizontalHeaderItem(c).text() for c in range(dialog.items.columnCount())]
    assert headers[4:7] == ["张评估", "李评估", TESTER.name] and headers[-1] == "极差"
    dialog.only_disputed.setChecked(True)
    assert dialog.items.rowCount() == 1 and dialog.items.item(0, 2).text() == disputed.criterion
    assert [dialog.items.item(0, c).text() for c in (4, 5, 6)] == ["100%", "20%", "100%"]
    assert dialog.items.item(0, headers.index("极差")).text() == "80%"
    dialog.hseep.setChecked(True)
    assert dialog.items.horizontalHeaderItem(dialog.items.columnCount() - 1).text() == "HSEEP 评定"
    dialog.grab()

    target = tmp_path / "评估报告.pdf"
    task = page.export_report(did, "evaluation", "液氯泄漏综合演练", target)
    assert task is not None
    qtbot.waitUntil(lambda: any("已导出演练评估报告" in t for t in msgs.texts()), timeout=15000)
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "演练评估报告" in text.replace(" ", "") and "李评估" in text
    dialog.close()


def test_a_finding_raised_in_the_window_forces_a_plan_revision_and_is_tracked(qtbot, page, sqlite_db, finish,
                                                                              monkeypatch):  # type: ignore[no-untyped-def]
    from desktop.drills.dialog import FindingDialog
    from models.plans.entities import Plan

    _did, plan = _held_on_page(qtbot, page, sqlite_db)
    shown: list[int] = []

    def exec_(self: FindingDialog) -> int:
        shown.append(1)
        if len(shown) == 2:  # the second time: the refusal is shown and what was typed is still there
            assert "不能为空" in self.errors.banner.text() and self.widgets["requires_revision"].isChecked()
            self.widgets["description"].setPlainText("疏散集合点设在下风向")
        else:
            self.widgets["requires_revision"].setChecked(True)
            self.widgets["plan_id"].setCurrentIndex(1)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(FindingDialog, "exec", exec_)
    assert finish(page.raise_finding()) == "invalid"
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: getattr(page, "retry_op", None) is not None, timeout=3000)
    assert finish(page.retry_op) == "saved" and len(shown) == 2
    wait_loaded(qtbot, page.model)
    with sqlite_db.read() as s:
        assert s.get(Plan, plan).revision_trigger == "drill_findings"
    qtbot.waitUntil(lambda: page.findings_table.rowCount() == 1, timeout=3000)
    assert page.findings_table.item(0, 1).text() == "待整改"
    page.findings_table.selectRow(0)
    for command in ("start", "verify"):
        assert finish(page.step_finding(command)) == "saved"
        wait_loaded(qtbot, page.model)
        qtbot.waitUntil(lambda c=command: page.current_finding() is None or page.current_finding().status ==
                        {"start": "in_progress", "verify": "verifying"}[c], timeout=3000)
        page.findings_table.selectRow(0)
    _answer(monkeypatch, reason="集合点已改到上风向，复演验证合格")
    assert finish(page.step_finding("close")) == "saved"
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.findings_table.rowCount() == 1 and page.findings_table.item(0, 1).text() == "已关闭",
                    timeout=3000)


def test_the_month_calendar_shows_the_drills_by_day(qtbot, page, sqlite_db):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from models.core.uow import unit_of_work
    from models.drills import service as ds

    ent = create_enterprise(sqlite_db, 1)
    plan = _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:
        first = ds.create(uow, ds.DrillData(enterprise_id=ent, title="桌面推演", planned_at=datetime(2026, 11, 20, 9),
                                            plan_ids=[plan], form="tabletop"))
        ds.create(uow, ds.DrillData(enterprise_id=ent, title="实战演练", planned_at=datetime(2026, 11, 20, 14, 30),
                                    plan_ids=[plan]))
        ds.create(uow, ds.DrillData(enterprise_id=ent, title="下月演练", planned_at=datetime(2026, 12, 3, 9),
                                    plan_ids=[plan]))
    page.refresh()
    wait_loaded(qtbot, page.model)
    calendar = page.calendar_view.calendar
    qtbot.waitUntil(lambda: date(2026, 11, 20) in calendar.by_day, timeout=3000)
    assert [d.title for d in calendar.by_day[date(2026, 11, 20)]] == ["桌面推演", "实战演练"]
    assert date(2026, 12, 3) not in calendar.by_day  # another month
    calendar.setSelectedDate(QDate(2026, 11, 20))
    assert page.calendar_view.day_list.count() == 2 and "2 次演练" in page.calendar_view.day_label.text()
    calendar.setCurrentPage(2026, 12)
    qtbot.waitUntil(lambda: date(2026, 12, 3) in calendar.by_day, timeout=3000)
    page.show_drill(first)
    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().id == first, timeout=3000)
    assert page.tabs.currentIndex() == 0
    calendar.grab()  # the painted cells draw without error


def test_the_week_view_shows_a_column_per_day_across_months(qtbot, page, sqlite_db):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from models.core.uow import unit_of_work
    from models.drills import service as ds

    ent = create_enterprise(sqlite_db, 1)
    plan = _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:
        ds.create(uow, ds.DrillData(enterprise_id=ent, title="桌面推演", planned_at=datetime(2026, 11, 20, 9),
                                    plan_ids=[plan], form="tabletop"))
        ds.create(uow, ds.DrillData(enterprise_id=ent, title="实战演练", planned_at=datetime(2026, 11, 20, 14, 30),
                                    plan_ids=[plan]))
        last = ds.create(uow, ds.DrillData(enterprise_id=ent, title="跨月演练", planned_at=datetime(2026, 12, 3, 9),
                                           plan_ids=[plan]))
    page.refresh()
    wait_loaded(qtbot, page.model)
    view = page.calendar_view
    view.calendar.setSelectedDate(QDate(2026, 11, 20))
    view.week_button.click()
    week = view.week
    assert view.in_week and week.start == date(2026, 11, 16) and "第 47 周" in view.week_label.text()
    qtbot.waitUntil(lambda: week.item(0, 4) is not None, timeout=3000)
    assert week.horizontalHeaderItem(4).text() == "周五\n11月20日"
    assert [week.item(r, 4).text().splitlines()[-1] for r in range(2)] == ["桌面推演", "实战演练"]
    assert week.item(0, 4).text().startswith("09:00　计划")
    assert all(week.item(0, c) is None for c in (0, 1, 2, 3, 5, 6))
    assert view.day_list.count() == 2  # the chosen day, 11-20
    view.next_button.click()
    qtbot.waitUntil(lambda: week.start == date(2026, 11, 23) and view.by_day == {}, timeout=3000)
    view.next_button.click()  # 11-30 … 12-06: a week across two months
    qtbot.waitUntil(lambda: week.item(0, 3) is not None, timeout=3000)
    assert week.item(0, 3).text().endswith("跨月演练") and week.horizontalHeaderItem(0).text().endswith("11月30日")
    week.setCurrentCell(0, 3)
    assert "2026-12-03：1 次演练" in view.day_label.text()
    with qtbot.waitSignal(view.sig_drill_chosen) as chosen:
        week.cellDoubleClicked.emit(0, 3)
    wait_loaded(qtbot, page.model)
    assert chosen.args == [last]
    view.this_button.click()  # back to the page's as_of week
    assert week.start <= page.as_of() < week.start + timedelta(days=7) and week.start.weekday() == 0
    view.month_button.click()
    assert not view.in_week and not view.next_button.isVisible()
    week.grab()


def test_a_paper_sheet_is_keyed_in_for_its_evaluator(qtbot, page, sqlite_db, finish, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    from desktop.drills.scoring import ScoreSheetDialog

    _did, _plan = _held_on_page(qtbot, page, sqlite_db)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (" 赵 专家 ", True))
    assert finish(page.key_paper_sheet()) == "saved"
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: isinstance(getattr(page, "sheet_dialog", None), ScoreSheetDialog), timeout=3000)
    assert page.sheet_dialog.evaluator == "赵 专家" and page.sheet_dialog.evaluator != TESTER.name
    page.sheet_dialog.close()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    assert page.key_paper_sheet() is None


def test_the_annual_plan_is_exported_for_the_chosen_enterprise_and_year(qtbot, page, sqlite_db, msgs, monkeypatch,
                                                                        tmp_path):  # type: ignore[no-untyped-def]
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    from desktop.drills.dialog import YearPlanDialog

    ent = create_enterprise(sqlite_db, 1)
    _published_plan(sqlite_db, ent)
    target = tmp_path / "计划"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    def exec_(self: YearPlanDialog) -> int:
        assert self.windowTitle() == "导出年度演练计划" and self.year.value() == TODAY.year + 1
        self.enterprise_combo.set_enterprise_id(ent)
        self.year.setValue(2026)
        return int(YearPlanDialog.DialogCode.Accepted)

    monkeypatch.setattr(YearPlanDialog, "exec", exec_)
    page.enterprises = None
    page.view.clearSelection()
    assert page.export_year_plan() is not None
    qtbot.waitUntil(lambda: any("已导出2026年度应急演练计划" in t for t in msgs.texts()), timeout=15000)
    pdf = target.with_name("计划.pdf")  # the format from the name: .pdf added
    assert "2026年度应急演练计划" in PdfReader(pdf).pages[0].extract_text().replace(" ", "")


def test_the_drill_list_exports_to_excel_with_its_filter(qtbot, page, sqlite_db, msgs, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from models.core.uow import unit_of_work
    from models.drills import service as ds

    ent = create_enterprise(sqlite_db, 1)
    plan = _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:
        for n, title in enumerate(("液氯泄漏综合演练", "火灾疏散演练", "液氨泄漏桌面推演")):
            ds.create(uow, ds.DrillData(enterprise_id=ent, title=title, planned_at=datetime(2026, 4 + n, 1, 9),
                                        plan_ids=[plan]))
    page.refresh()
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=3000)
    page.search.setText("泄漏")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=3000)
    target = tmp_path / "台账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(page.sig_export_finished, timeout=10000) as blocker:
        page.export_excel()
    wait_loaded(qtbot, page.model)
    written = tmp_path / "台账.xlsx"
    assert blocker.args == [str(written), 2] and "已导出 2 次演练" in msgs.texts()[0]
    sheet = load_workbook(written).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "演练编号")
    body = rows[rows.index(header) + 1:]
    titles = [r[header.index("演练名称")] for r in body if r and r[header.index("演练名称")]]
    assert titles == ["液氨泄漏桌面推演", "液氯泄漏综合演练"]  # the list's order: the latest first
    assert all(r[header.index("状态")] == "计划" for r in body if r and r[2])
