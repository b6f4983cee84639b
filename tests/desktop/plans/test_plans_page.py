"""The 预案 page: list with deadlines, filters and tree, new plan from a template, the lifecycle with
its dialogs, versions and diff, Word import, the editor hand-off, delete; sorting by a header
click, Excel export, the recycle bin and restore."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest
from docx import Document as WordDocument
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget, QWidgetAction
from sqlalchemy import func, select

from desktop.plans.dialog import PlanDialog, WordImportDialog
from desktop.plans.diff_dialog import INSERT_STYLE, VersionsDialog
from desktop.plans.lifecycle_dialog import PublishDialog, RevisionDialog, next_version_label
from desktop.plans.page import PlansPage
from desktop.plans.table import PlanTableModel
from models.core import reference
from models.core.errors import Cancelled
from models.core.uow import unit_of_work
from models.plans import service as ps
from models.plans.entities import Plan
from models.plans.service import PlanData
from plans import document as d
from plans.plans import store
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER, create_enterprise

TODAY = date(2026, 3, 2)


@pytest.fixture
def industries(sqlite_db) -> dict[str, int]:
    with sqlite_db.read() as s:
        return {c.code: c.id for c in reference.industries(s)}


@pytest.fixture
def page(qtbot, sqlite_db, runner, settings):
    widget = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    return widget


def new_plan(db, enterprise_id: int, kind: str, plan_no: str, parent: int | None = None,
             facts: dict[str, str] | None = None) -> int:
    with unit_of_work(db, TESTER) as uow:
        return store.create_from_template(uow, enterprise_id, PlanData(kind=kind, plan_no=plan_no,
                                                                       parent_plan_id=parent), facts)


def step(db, plan_id: int, command: str, **values) -> None:
    with db.read() as s:
        _data, version, _status, _ent = ps.load(s, plan_id)
    with unit_of_work(db, TESTER) as uow:
        ps.transition(uow, plan_id, command, version, **values)


def publish(db, plan_id: int, day: date) -> None:
    step(db, plan_id, "submit_review")
    step(db, plan_id, "publish", review_date=day, approver="王建国", publish_date=day)


def status_of(db, plan_id: int) -> str:
    with db.read() as s:
        return ps.load(s, plan_id)[2]


def column(qtbot, page: PlansPage, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    model = page.model
    wait_loaded(qtbot, model)
    return [model.index(r, col).data() for r in range(model.rowCount())]


def row_of(qtbot, page: PlansPage, plan_no: str) -> int:  # type: ignore[no-untyped-def]
    return column(qtbot, page, 1).index(plan_no)


class FakeEditor(QDialog):
    """Stands in for ``desktop.plans.editor.plan_editor.PlanEditor`` (written elsewhere)."""

    sig_saved = Signal(int)
    opened: ClassVar[list[tuple[int, str | None]]] = []

    def __init__(self, db, plan_id, *, runner=None, actor=None, section_key=None, parent=None) -> None:
        super().__init__(parent)
        FakeEditor.opened.append((plan_id, section_key))
        self.plan_id = plan_id


@pytest.fixture
def editor(fake_module):
    FakeEditor.opened = []
    fake_module("desktop.plans.editor.plan_editor", PlanEditor=FakeEditor)
    return FakeEditor


def test_list_shows_status_next_deadline_and_overdue(qtbot, qtmodeltester, page, sqlite_db, industries):
    ent = create_enterprise(sqlite_db, 1, industry_id=industries["hazchem.production"])
    late = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    publish(sqlite_db, late, date(2026, 1, 5))  # filing due 20 working days later: overdue by 2 March
    new_plan(sqlite_db, ent, "special", "ZX-01", late, {"事故类型": "液氯泄漏"})
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2 and page.count_label.text() == "共 2 个预案"
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert headers == ["企业", "预案编号", "预案名称", "类型", "状态", "版本号", "发布日期", "下一期限", "逾期",
                       "删除时间"]
    assert page.view.isColumnHidden(PlanTableModel.DELETED_COLUMN)  # shown in the recycle bin only
    r = row_of(qtbot, page, "YA-01")
    values = [page.model.index(r, c).data() for c in range(9)]
    assert values[0] == "临江市测试1号化工有限公司" and values[3] == "综合预案"
    assert values[4] == "已发布" and values[5] == "V1.0" and values[6] == "2026-01-05"
    assert values[7].startswith("备案：2026-02-") and values[7].endswith("（已逾期）")
    assert values[8] == "备案"
    assert page.model.index(r, PlanTableModel.OVERDUE_COLUMN).data(Qt.ItemDataRole.ForegroundRole) == QColor("#D7263D")
    assert "评估期限：2029-01-05" in page.model.index(r, PlanTableModel.DEADLINE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    draft = row_of(qtbot, page, "ZX-01")
    assert column(qtbot, page, 4)[draft] == "草稿" and column(qtbot, page, 7)[draft] == "" and column(qtbot, page, 8)[draft] == ""
    assert page.model.as_of == TODAY and page.note_label.isHidden()
    qtmodeltester.check(page.model)


def test_a_plan_under_revision_shows_the_version_in_force(qtbot, page, sqlite_db, industries):
    ent = create_enterprise(sqlite_db, 1, industry_id=industries["hazchem.production"])
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    publish(sqlite_db, pid, date(2025, 6, 11))
    with sqlite_db.read() as s:
        version = ps.load(s, pid)[1]
    with unit_of_work(sqlite_db, TESTER) as uow:
        ps.start_revision(uow, pid, version, trigger="risks_changed", reason="新增液氨储罐",
                          trigger_date=date(2026, 2, 1), version_label="V2.0")
    page.refresh()
    wait_loaded(qtbot, page.model)
    r = row_of(qtbot, page, "YA-01")
    model = page.model
    assert column(qtbot, page, 4)[r] == "修订中" and column(qtbot, page, 5)[r] == "V2.0"
    assert column(qtbot, page, 6)[r] == "2025-06-11"  # the version in force, not blank
    assert column(qtbot, page, 7)[r] == "评估：2028-06-11"  # counted from it, as of the page's day (not due)
    tip = model.index(r, PlanTableModel.PUBLISH_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "现行版本 V1.0 于 2025-06-11 发布；V2.0 尚未发布，期限按现行版本计算"
    assert model.index(r, PlanTableModel.PUBLISH_COLUMN).data(Qt.ItemDataRole.ForegroundRole) == QColor("#5A6570")


def test_a_year_without_holiday_data_is_said(qtbot, page, sqlite_db):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    publish(sqlite_db, pid, date(2029, 12, 20))
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert not page.note_label.isHidden()
    assert "2029 年节假日安排未录入" in page.note_label.text()
    assert "2029 年节假日安排未录入" in page.model.index(0, 7).data(Qt.ItemDataRole.ToolTipRole)


def test_filters_and_the_plan_tree(qtbot, page, sqlite_db):
    a = create_enterprise(sqlite_db, 1)
    b = create_enterprise(sqlite_db, 2)
    top = new_plan(sqlite_db, a, "comprehensive", "YA-01")
    new_plan(sqlite_db, a, "special", "ZX-01", top, {"事故类型": "火灾"})
    new_plan(sqlite_db, a, "onsite", "XC-01", top, {"事故类型": "泄漏", "场所": "罐区"})
    other = new_plan(sqlite_db, b, "comprehensive", "YA-B")
    publish(sqlite_db, other, date(2026, 2, 2))
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 4
    page.enterprise_combo.set_enterprise_id(a)
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 3 and page.view.isColumnHidden(0)
    assert page.tree_title.text() == "预案体系：临江市测试1号化工有限公司（3 个）"
    assert page.tree.topLevelItemCount() == 1
    root = page.tree.topLevelItem(0)
    assert root.text(0).startswith("〔综合〕YA-01") and root.childCount() == 2
    assert sorted(root.child(i).text(0).split(" ")[0] for i in range(2)) == ["〔专项〕ZX-01", "〔现场〕XC-01"]
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("special"))
    wait_loaded(qtbot, page.model)
    assert column(qtbot, page, 1) == ["ZX-01"]
    page.clear_filters()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 4 and not page.view.isColumnHidden(0)
    page.status_combo.setCurrentIndex(page.status_combo.findData("published"))
    wait_loaded(qtbot, page.model)
    assert column(qtbot, page, 1) == ["YA-B"]
    page.status_combo.setCurrentIndex(0)
    wait_loaded(qtbot, page.model)
    with qtbot.waitSignal(page.model.sig_count_changed, timeout=2000) as blocker:
        page.search.setText("XC")  # debounced
    assert blocker.args == [1]
    # the enterprise box completes on part of a name
    page.clear_filters()
    wait_loaded(qtbot, page.model)
    page.enterprise_combo.setEditText("测试2号")
    page.enterprise_combo.lineEdit().editingFinished.emit()
    wait_loaded(qtbot, page.model)
    assert page.enterprise_combo.enterprise_id() is None  # not a whole name: the choice stays
    page.enterprise_combo.setEditText("临江市测试2号化工有限公司")
    page.enterprise_combo.lineEdit().editingFinished.emit()
    wait_loaded(qtbot, page.model)
    assert page.enterprise_combo.enterprise_id() == b and column(qtbot, page, 1) == ["YA-B"]


def test_tree_follows_the_selected_row_and_selects_in_the_list(qtbot, page, sqlite_db):
    a = create_enterprise(sqlite_db, 1)
    b = create_enterprise(sqlite_db, 2)
    top = new_plan(sqlite_db, a, "comprehensive", "YA-01")
    child = new_plan(sqlite_db, a, "special", "ZX-01", top)
    new_plan(sqlite_db, b, "comprehensive", "YA-B")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(row_of(qtbot, page, "YA-B"))
    assert "测试2号" in page.tree_title.text()
    page.select_row(row_of(qtbot, page, "YA-01"))
    assert "测试1号" in page.tree_title.text()
    item = page.tree.topLevelItem(0).child(0)
    page._on_tree_clicked(item, 0)
    assert page.current_row().id == child


def test_actions_follow_the_status(qtbot, page, sqlite_db):
    ent = create_enterprise(sqlite_db, 1)
    draft = new_plan(sqlite_db, ent, "comprehensive", "A")
    published = new_plan(sqlite_db, ent, "special", "B", draft)
    publish(sqlite_db, published, date(2026, 2, 2))
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(row_of(qtbot, page, "A"))
    enabled = {a.text() for a in page.toolbar.actions() if a.isEnabled() and a.text()}
    assert {"提交评审", "编辑内容", "编辑信息", "废止", "删除"} <= enabled
    assert not ({"发布", "登记备案", "开始修订", "退回修改", "记录修订原因"} & enabled)
    page.select_row(row_of(qtbot, page, "B"))
    enabled = {a.text() for a in page.toolbar.actions() if a.isEnabled() and a.text()}
    assert {"登记备案", "开始修订", "记录修订原因", "废止", "版本与对比", "查看内容"} <= enabled
    assert not ({"发布", "提交评审", "编辑内容"} & enabled)
    menu = [a.text() for a in page.build_context_menu().actions() if a.text()]
    assert "登记备案" in menu and "提交评审" not in menu


def test_new_plan_dialog_creates_a_draft_from_the_template(qtbot, page, sqlite_db, industries, finish):
    ent = create_enterprise(sqlite_db, 1, industry_id=industries["hazchem.production"])
    other = create_enterprise(sqlite_db, 2, industry_id=industries["other"])
    top = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    dialog = page.new_plan()
    assert isinstance(dialog, PlanDialog) and page.dialog is dialog and dialog.windowTitle() == "新建预案"
    dialog.enterprise_combo.set_enterprise_id(other)
    assert dialog.widgets["review_type"].currentData() == "论证"
    dialog.enterprise_combo.set_enterprise_id(ent)
    assert dialog.widgets["review_type"].currentData() == "评审"  # suggested from the industry flags
    assert dialog.review_hint.text() == "按行业建议：评审"
    assert dialog.widgets["compiling_unit"].text() == "临江市测试1号化工有限公司"
    kind = dialog.widgets["kind"]
    kind.setCurrentIndex(kind.findData("special"))
    assert dialog.widgets["parent_plan_id"].currentData() == top  # the only 综合 plan
    assert dialog.facts_box.isVisibleTo(dialog) and dialog.fact_edits["事故类型"].isVisibleTo(dialog)
    dialog.fact_edits["事故类型"].setText("液氯泄漏")
    dialog.widgets["plan_no"].setText("YA-01")  # taken: refused, input kept
    assert finish(dialog.save()) == "invalid"
    wait_loaded(qtbot, page.model)
    assert "本企业已有编号" in dialog.error_text("plan_no")
    assert dialog.isVisible() and dialog.widgets["plan_no"].text() == "YA-01"
    dialog.widgets["plan_no"].setText("ZX-01")
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000) as blocker:
        dialog.save_button.click()
    wait_loaded(qtbot, page.model)
    pid = blocker.args[0]
    assert page.dialog is None
    with sqlite_db.read() as s:
        plan = s.get(Plan, pid)
        doc, _ = store.load_document(s, pid)
        assert (plan.status, plan.kind, plan.parent_plan_id, plan.template_key) == ("draft", "special", top, "special")
        assert plan.title == "临江市测试1号化工有限公司液氯泄漏专项应急预案" and plan.review_type == "评审"
    assert "液氯泄漏" in d.document_text(doc) and len(d.numbered(doc)) > 3
    assert page.current_row().id == pid and page.current_row().status_label == "草稿"


def test_record_dialog_keeps_input_on_errors_and_conflicts(qtbot, page, sqlite_db, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    dialog = page.edit_info()
    assert dialog.windowTitle().startswith("编辑预案信息 — ") and not dialog.widgets["kind"].isEnabled()
    dialog.widgets["review_date"].set_value(date(2026, 3, 5))
    dialog.widgets["publish_date"].set_value(date(2026, 3, 1))
    assert finish(dialog.save()) == "invalid"
    wait_loaded(qtbot, page.model)
    assert "不能早于评审日期" in dialog.error_text("publish_date")
    assert not dialog.errors.banner.isHidden()
    dialog.widgets["publish_date"].set_value(None)
    assert dialog.widgets["publish_date"].edit.text() == "未填写"
    # somebody else saves in between
    with sqlite_db.read() as s:
        data, version, _st, _e = ps.load(s, pid)
    data.holder = "安全科"
    with unit_of_work(sqlite_db, TESTER) as uow:
        ps.update(uow, pid, data, version)
    dialog.widgets["notes"].setPlainText("我的备注")
    assert finish(dialog.save()) == "conflict"
    wait_loaded(qtbot, page.model)
    conflict = dialog.conflict_dialog
    assert conflict.heading.text() == "此记录已被他人修改" and msgs.calls == []
    assert "数据库中已是第 2 版" in conflict.message.text()
    conflict.compare_button.click()
    assert conflict.labels() == ["评审日期", "持有人", "备注"]
    assert [conflict.table.item(1, c).text() for c in range(1, 4)] == ["（空）", "安全科", "他人修改了"]
    assert [conflict.table.item(0, c).text() for c in range(1, 3)] == ["2026年3月5日", "（空）"]
    conflict.keep_button.click()  # 继续编辑
    assert dialog.widgets["notes"].toPlainText() == "我的备注"
    assert finish(dialog.save()) == "conflict"
    wait_loaded(qtbot, page.model)
    dialog.conflict_dialog.reload_button.click()  # 重新载入
    assert dialog.widgets["holder"].text() == "安全科" and dialog.widgets["notes"].toPlainText() == ""
    dialog.widgets["notes"].setPlainText("再写一次")
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000):
        assert dialog.save()
    wait_loaded(qtbot, page.model)
    with sqlite_db.read() as s:
        assert s.get(Plan, pid).notes == "再写一次"


def test_publish_refused_then_published_and_in_the_history(qtbot, page, sqlite_db, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    assert finish(page.submit_review()) == "saved"
    wait_loaded(qtbot, page.model)
    assert msgs.kinds() == ["confirm"] and status_of(sqlite_db, pid) == "reviewing"
    assert page.current_row().status_label == "评审中" and page.act_publish.isEnabled()
    dialog = page.publish()
    assert isinstance(dialog, PublishDialog)
    dialog.widgets["approver"].setText("")
    dialog.widgets["publish_date"].set_value(date(2026, 3, 2))
    assert not dialog.widgets["publish_date"].clearable  # required and given: no 未填写
    assert finish(dialog.save()) == "invalid"  # review date and approver missing
    wait_loaded(qtbot, page.model)
    assert dialog.isVisible() and status_of(sqlite_db, pid) == "reviewing"
    assert dialog.error_text("review_date") == "发布预案前必须填写"
    assert dialog.error_text("approver") == "发布预案前必须填写"
    assert "主要负责人（批准人）：发布预案前必须填写" in dialog.errors.banner.text()
    assert dialog.widgets["publish_date"].value() == date(2026, 3, 2)  # input kept
    dialog.widgets["review_date"].set_value(date(2026, 3, 3))
    dialog.widgets["approver"].setText("王建国")
    assert dialog.save() is None  # published before its review: the form sees it, nothing is started
    assert "不能早于评审日期" in dialog.error_text("publish_date")
    dialog.widgets["review_date"].set_value(date(2026, 2, 27))
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000):
        assert dialog.ok_button.text() == "发布"
        dialog.ok_button.click()
    wait_loaded(qtbot, page.model)
    assert status_of(sqlite_db, pid) == "published"
    row = page.current_row()
    assert row.id == pid and row.status_label == "已发布"
    assert column(qtbot, page, 7)[0].startswith("备案：2026-03-")
    history = page.show_versions()
    assert isinstance(history, VersionsDialog)
    cells = [history.table.item(0, c).text() for c in range(6)]
    assert cells == ["1", "V1.0", "2026-03-02", "首次发布", "", "测试员"]


def test_revise_edit_publish_again_and_compare(qtbot, page, sqlite_db, msgs):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    publish(sqlite_db, pid, date(2026, 1, 5))
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    dialog = page.start_revision()
    assert isinstance(dialog, RevisionDialog) and dialog.widgets["version_label"].text() == "V2.0"
    assert dialog.save() is None
    assert dialog.error_text("revision_trigger") == "请选择修订情形"
    dialog.trigger_combo.setCurrentIndex(dialog.trigger_combo.findData("risks_changed"))
    dialog.widgets["revision_reason"].setPlainText("新增液氨储罐")
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000):
        assert dialog.save()
    wait_loaded(qtbot, page.model)
    assert status_of(sqlite_db, pid) == "revising" and page.current_row().version_label == "V2.0"
    assert page.act_edit_content.isEnabled() and page.act_compare.isEnabled()
    with sqlite_db.read() as s:
        doc, version = store.load_document(s, pid)
    scope = d.numbered(doc)[1][1]
    doc = d.set_blocks(doc, scope.key, [d.Paragraph("本预案适用于液氨储罐区泄漏事故的应急处置。")])
    with unit_of_work(sqlite_db, TESTER) as uow:
        store.save_document(uow, pid, doc, version)
    page.refresh()
    wait_loaded(qtbot, page.model)
    draft = page.compare_with_latest()
    assert draft is not None and "当前草稿" in draft.summary_label.text()
    assert "修改内容 1 节" in draft.result.summary()
    draft.close()
    publish(sqlite_db, pid, date(2026, 3, 2))
    page.refresh()
    wait_loaded(qtbot, page.model)
    history = page.show_versions()
    assert history.table.rowCount() == 2
    assert history.table.item(1, 3).text() == "面临的风险发生重大变化"
    assert history.table.item(1, 4).text() == "新增液氨储罐"
    history.select_versions(1, 2)
    diff_dialog = history.compare_selected()
    assert diff_dialog is not None and diff_dialog.isVisible()
    assert diff_dialog.summary_label.text().endswith("修改内容 1 节")
    html = diff_dialog.html()
    assert f'<span style="{INSERT_STYLE}">' in html and "液氨储罐区泄漏" in html
    inserted = html.split(f'<span style="{INSERT_STYLE}">')
    assert any(part.split("</span>")[0] and part.split("</span>")[0] in "本预案适用于液氨储罐区泄漏事故的应急处置。"
               for part in inserted[1:])
    assert diff_dialog.section_list.count() >= 1
    assert scope.title in diff_dialog.section_list.item(0).text()
    assert "液氨储罐区泄漏" in diff_dialog.browser.toPlainText()


def test_file_record_trigger_and_retire(qtbot, page, sqlite_db, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    publish(sqlite_db, pid, date(2026, 2, 2))
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    dialog = page.file_plan()
    dialog.widgets["filing_submitted_date"].set_value(date(2026, 2, 10))
    dialog.widgets["filing_number"].setText("备-2026-001")
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000):
        assert dialog.save()
    wait_loaded(qtbot, page.model)
    assert status_of(sqlite_db, pid) == "filed" and column(qtbot, page, 7)[0] != ""
    dialog = page.record_trigger()
    dialog.trigger_combo.setCurrentIndex(dialog.trigger_combo.findData("unit_decides"))
    dialog.widgets["revision_trigger_date"].set_value(date(2026, 2, 20))
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000):
        assert dialog.save()
    wait_loaded(qtbot, page.model)
    # no 备案登记表 yet: the authority's 5 working days have passed as well
    assert column(qtbot, page, 8)[0] == "备案审查、修订" and "需修订（编制单位认为应当修订）" in column(qtbot, page, 7)[0]
    msgs.confirm_answer = False
    assert page.retire() is None and status_of(sqlite_db, pid) == "filed"
    msgs.confirm_answer = True
    assert finish(page.retire()) == "saved" and status_of(sqlite_db, pid) == "retired"
    wait_loaded(qtbot, page.model)
    assert not page.act_edit_info.isEnabled() and column(qtbot, page, 7)[0] == ""


def test_return_from_review(qtbot, page, sqlite_db, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    step(sqlite_db, pid, "submit_review")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    assert page.act_return.isEnabled() and not page.act_submit.isEnabled()
    assert finish(page.return_review()) == "saved"
    wait_loaded(qtbot, page.model)
    assert status_of(sqlite_db, pid) == "draft" and page.act_submit.isEnabled()
    assert msgs.calls[0][1] == "退回修改"


def test_stale_row_gets_a_chinese_message(qtbot, page, sqlite_db, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    step(sqlite_db, pid, "submit_review")  # somebody else, after the list was loaded
    assert finish(page.submit_review()) == "conflict"
    wait_loaded(qtbot, page.model)
    assert msgs.kinds() == ["confirm", "warn"] and "已被他人修改" in msgs.texts()[-1]
    assert page.current_row().status_label == "评审中"  # refreshed


def test_editor_opens_for_drafts_and_missing_editor_is_said(qtbot, page, sqlite_db, msgs, editor):
    ent = create_enterprise(sqlite_db, 1)
    pid = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    rect = page.view.visualRect(page.model.index(0, 1))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.opened == [(pid, None)] and page.editor is not None
    page.editor.sig_saved.emit(pid)  # the editor saved: the list refreshes
    page.editor.close()
    assert page.editor is None


def test_without_the_editor_module(qtbot, page, sqlite_db, msgs, monkeypatch):
    import importlib

    real = importlib.import_module

    def refuse(name, *args):
        if name == "desktop.plans.editor.plan_editor":
            raise ModuleNotFoundError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", refuse)
    ent = create_enterprise(sqlite_db, 1)
    new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    assert page.edit_content() is None
    assert msgs.kinds() == ["warn"] and "编辑器" in msgs.texts()[0]


def docx_file(path: Path) -> Path:
    word = WordDocument()
    word.add_paragraph("临江市测试1号化工有限公司液氨泄漏专项应急预案", style="Title")
    word.add_heading("第一章 总则", level=1)
    word.add_paragraph("本预案适用于本公司液氨储罐泄漏事故。")
    word.add_heading("第二章 应急处置", level=1)
    word.add_paragraph("（一）立即报告值班室。")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "岗位", "电话"
    table.cell(1, 0).text, table.cell(1, 1).text = "值班长", "0539-8000001"
    word.sections[0].header.paragraphs[0].text = "受控文件"
    word.save(str(path))
    return path


def fill_import(dialog: WordImportDialog, path: Path, enterprise_id: int, plan_no: str) -> None:
    dialog.path_edit.setText(str(path))
    dialog.enterprise_combo.set_enterprise_id(enterprise_id)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("special"))
    dialog.plan_no_edit.setText(plan_no)


def test_word_import_creates_a_plan_and_shows_the_report(qtbot, page, sqlite_db, tmp_path, msgs, editor,
                                                         monkeypatch):
    ent = create_enterprise(sqlite_db, 1)
    page.refresh()
    wait_loaded(qtbot, page.model)
    dialog = page.import_word()
    assert isinstance(dialog, WordImportDialog)
    assert not dialog.submit()  # nothing chosen yet
    assert dialog.errors.text("path") == "请选择要导入的 .docx 文件" and dialog.isVisible()
    source = docx_file(tmp_path / "预案.docx")
    asked = []

    def choose(parent, title, start, pattern):
        asked.append((title, pattern))
        return str(source), pattern

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    dialog.browse()
    assert asked == [("选择 Word 预案", "Word 文档 (*.docx)")] and dialog.path_edit.text() == str(source)
    fill_import(dialog, source, ent, "ZX-09")
    with qtbot.waitSignal(page.sig_import_finished, timeout=5000) as blocker:
        dialog.import_button.click()
    wait_loaded(qtbot, page.model)
    plan_id, result = blocker.args
    with sqlite_db.read() as s:
        plan = s.get(Plan, plan_id)
        doc, _ = store.load_document(s, plan_id)
    assert (plan.plan_no, plan.kind, plan.status) == ("ZX-09", "special", "draft")
    assert plan.title == "临江市测试1号化工有限公司液氨泄漏专项应急预案"
    text = d.document_text(doc)
    assert "液氨储罐泄漏" in text and "值班长" in text
    report = page.report_dialog
    assert report is not None and report.isVisible()
    assert "已将“临江市测试1号化工有限公司液氨泄漏专项应急预案”导入为草稿" in report.summary.text()
    assert result.report[0] in report.summary.text()
    assert report.notes and any("页眉页脚" in n for n in report.notes)
    assert report.report_list.count() == len(report.notes)
    assert page.current_row().id == plan_id
    report.edit_button.click()
    assert editor.opened == [(plan_id, None)]


def test_a_bad_word_file_says_why_and_writes_nothing(qtbot, page, sqlite_db, tmp_path, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    page.refresh()
    wait_loaded(qtbot, page.model)
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"this is not a word file")
    dialog = page.import_word()
    fill_import(dialog, bad, ent, "ZX-09")
    dialog.submit()
    assert finish(page.import_task) == "refused"
    wait_loaded(qtbot, page.model)
    assert msgs.kinds() == ["warn"] and "不是" in msgs.texts()[0] and "Word" in msgs.texts()[0]
    assert page.import_task is None and page.report_dialog is None
    with sqlite_db.read() as s:
        assert s.scalar(select(func.count(Plan.id))) == 0


def test_a_taken_number_reopens_the_import_form(qtbot, page, sqlite_db, tmp_path, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    dialog = page.import_word()
    fill_import(dialog, docx_file(tmp_path / "a.docx"), ent, "YA-01")
    dialog.submit()
    assert finish(page.import_task) == "invalid"
    wait_loaded(qtbot, page.model)
    assert msgs.kinds() == ["warn"] and "本企业已有编号" in msgs.texts()[0]
    again = page.dialog
    assert isinstance(again, WordImportDialog) and again is not dialog
    assert again.plan_no_edit.text() == "YA-01" and "本企业已有编号" in again.errors.text("plan_no")


def test_an_empty_number_is_taken_from_the_cover_or_asked_for(qtbot, page, sqlite_db, tmp_path, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    page.refresh()
    wait_loaded(qtbot, page.model)
    dialog = page.import_word()
    fill_import(dialog, docx_file(tmp_path / "a.docx"), ent, "")  # no cover, no number: asked for
    assert dialog.submit()
    assert finish(page.import_task) == "invalid"
    wait_loaded(qtbot, page.model)
    again = page.dialog
    assert isinstance(again, WordImportDialog) and "封面上没有预案编号" in again.errors.text("plan_no")
    covered = tmp_path / "plan.docx"
    word = WordDocument()
    word.add_paragraph("液氨泄漏专项应急预案", style="Title")
    word.add_paragraph("预案编号：ZX-COVER")
    word.add_paragraph("版本号：V3.0")
    word.add_page_break()
    word.add_heading("一、总则", level=1)
    word.add_paragraph("本预案适用于液氨储罐泄漏事故。")
    word.save(str(covered))
    fill_import(again, covered, ent, "")
    again.title_edit.setText("")
    with qtbot.waitSignal(page.sig_import_finished, timeout=5000) as blocker:
        again.import_button.click()
    wait_loaded(qtbot, page.model)
    plan_id, result = blocker.args
    with sqlite_db.read() as s:
        plan = s.get(Plan, plan_id)
    assert (plan.plan_no, plan.version_label, plan.title) == ("ZX-COVER", "V3.0", "液氨泄漏专项应急预案")
    assert result.plan_no == "ZX-COVER"


def test_delete_moves_the_plan_to_the_recycle_bin(qtbot, page, sqlite_db, msgs, finish):
    ent = create_enterprise(sqlite_db, 1)
    top = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    new_plan(sqlite_db, ent, "special", "ZX-01", top)
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(row_of(qtbot, page, "YA-01"))
    assert finish(page.delete_current()) == "refused"  # children first
    wait_loaded(qtbot, page.model)
    assert msgs.kinds() == ["confirm", "warn"] and "请先移走或删除" in msgs.texts()[-1]
    page.select_row(row_of(qtbot, page, "ZX-01"))
    assert finish(page.delete_current()) == "saved"
    wait_loaded(qtbot, page.model)
    assert column(qtbot, page, 1) == ["YA-01"]
    with sqlite_db.read() as s:
        assert s.scalar(select(func.count(Plan.id)).where(Plan.deleted_at.isnot(None))) == 1


def test_next_version_label():
    assert next_version_label("V1.0") == "V2.0"
    assert next_version_label("第3版") == "第4版"
    assert next_version_label("2024版") == "2025版"
    assert next_version_label("A") == "A（修订）"


def test_plans_page_screenshot(qtbot, page, sqlite_db, tmp_path):
    """Look at it: the page renders Chinese with the tree beside the list (PNG kept in tmp_path)."""
    ent = create_enterprise(sqlite_db, 1)
    top = new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    new_plan(sqlite_db, ent, "special", "ZX-01", top, {"事故类型": "液氯泄漏"})
    publish(sqlite_db, top, date(2026, 1, 5))
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    image = page.grab()
    assert not image.isNull() and image.width() >= 1000
    assert image.save(str(tmp_path / "plans_page.png"))
    assert isinstance(page.tree, QWidget) and page.tree.topLevelItem(0).childCount() == 1


# --- sorting, export, recycle bin --------------------------------------------------------------------


def click_header(qtbot, page: PlansPage, col: int) -> None:
    header = page.view.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


@pytest.fixture
def three(sqlite_db):
    a = create_enterprise(sqlite_db, 1)
    b = create_enterprise(sqlite_db, 2)
    top = new_plan(sqlite_db, a, "comprehensive", "YA-01")
    publish(sqlite_db, top, date(2026, 1, 5))
    child = new_plan(sqlite_db, a, "special", "ZX-01", top, {"事故类型": "火灾"})
    other = new_plan(sqlite_db, b, "comprehensive", "YA-B")
    return {"a": a, "b": b, "top": top, "child": child, "other": other}


def test_header_click_sorts_in_sql_and_deadline_headers_do_not_react(qtbot, page, sqlite_db, three):
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert column(qtbot, page, 1) == ["YA-01", "ZX-01", "YA-B"]  # enterprise, then 综合 → 专项, then number
    page.select_row(1)
    header = page.view.horizontalHeader()
    assert header.sectionsClickable() and header.sortIndicatorSection() == 0
    click_header(qtbot, page, 1)  # 预案编号
    assert page.model.sort_key == "plan_no" and column(qtbot, page, 1) == ["YA-01", "YA-B", "ZX-01"]
    click_header(qtbot, page, 1)
    assert page.model.descending and column(qtbot, page, 1) == ["ZX-01", "YA-B", "YA-01"]
    click_header(qtbot, page, PlanTableModel.STATUS_COLUMN)
    assert page.model.sort_key == "status" and column(qtbot, page, 1)[-1] == "YA-01"  # 草稿 before 已发布
    click_header(qtbot, page, 6)  # 发布日期: the undated ones last
    assert column(qtbot, page, 1) == ["YA-01", "ZX-01", "YA-B"]
    fetched = page.model.fetches
    statuses: list[str] = []
    page.sig_status.connect(statuses.append)
    for col in (PlanTableModel.DEADLINE_COLUMN, PlanTableModel.OVERDUE_COLUMN):  # computed in Python
        click_header(qtbot, page, col)
        assert page.model.sort_key == "publish_date" and header.sortIndicatorSection() == 6
        assert page.model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "此列不能排序"
    assert page.model.fetches == fetched and statuses == []  # no query, not even a press
    header.setSortIndicator(PlanTableModel.DEADLINE_COLUMN, Qt.SortOrder.AscendingOrder)  # from code
    wait_loaded(qtbot, page.model)
    assert header.sortIndicatorSection() == 6 and statuses == ["“下一期限”列不能排序"]
    # the selected plan stays selected; the tree keeps the plan system's order whatever the list's
    assert page.current_row().plan_no == "ZX-01" and page.view.currentIndex().row() == 1
    assert page.tree.topLevelItem(0).text(0).startswith("〔综合〕YA-01")
    assert page.tree.currentItem().text(0).startswith("〔专项〕ZX-01")


def test_sort_is_remembered(qtbot, sqlite_db, runner, settings, three):
    first = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(first)
    first.save_state(settings)  # never shown: nothing to remember
    assert settings.header_state("plans") is None
    first.activate()
    wait_loaded(qtbot, first.model)
    first.view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, first.model)
    first.save_state(settings)
    second = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(second)
    second.activate()
    wait_loaded(qtbot, second.model)
    assert (second.model.sort_key, second.model.descending) == ("plan_no", True)
    assert column(qtbot, second, 1) == ["ZX-01", "YA-B", "YA-01"]


def test_export_writes_the_list_as_shown(qtbot, page, sqlite_db, three, monkeypatch, tmp_path, msgs, settings):
    openpyxl = pytest.importorskip("openpyxl")
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, page.model)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("comprehensive"))
    wait_loaded(qtbot, page.model)
    target = tmp_path / "预案"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert page.act_export.isEnabled()
    with qtbot.waitSignal(page.sig_export_finished, timeout=20000) as blocker:
        page.act_export.trigger()
    wait_loaded(qtbot, page.model)
    written = tmp_path / "预案.xlsx"
    assert blocker.args == [str(written), 2] and page.export_task is None
    rows = list(openpyxl.load_workbook(written).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:8] == ("预案编号", "预案名称", "企业", "类型", "状态", "版本号", "发布日期", "备案期限")
    assert [r[0] for r in rows[1:]] == ["YA-B", "YA-01"]  # filter and order as the list shows
    assert rows[2][-1] == "备案"  # overdue on the list's day (2026-03-02)
    assert msgs.kinds() == ["info"] and "已导出 2 个预案" in msgs.texts()[0]
    assert settings.last_export_dir == str(tmp_path)


def test_export_cancel_failure_and_dialog_cancelled(qtbot, page, sqlite_db, three, fake_module, monkeypatch,
                                                  tmp_path, msgs, runner):
    page.refresh()
    wait_loaded(qtbot, page.model)
    calls = []

    def cancelled(db, flt, path, *, as_of, sort="enterprise", descending=False, progress=None):
        calls.append((flt, as_of, sort, descending))
        raise Cancelled()

    fake_module("exports.plans.excel", export_plans=cancelled)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert page.export_excel() is None and not runner.busy  # the file dialog was cancelled
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "a.xlsx"), "")))
    statuses: list[str] = []
    page.sig_status.connect(statuses.append)
    task = page.export_excel()
    with qtbot.waitSignal(task.sig_cancelled, timeout=5000):
        pass
    wait_loaded(qtbot, page.model)
    assert calls == [(page.current_filter(), TODAY, "enterprise", False)]
    assert statuses == ["已取消导出，未生成文件"] and msgs.calls == []

    def broken(db, flt, path, *, as_of, sort="enterprise", descending=False, progress=None):
        raise OSError("磁盘已满")

    fake_module("exports.plans.excel", export_plans=broken)
    task = page.export_excel()
    with qtbot.waitSignal(task.sig_failed, timeout=5000):
        pass
    wait_loaded(qtbot, page.model)
    assert msgs.kinds() == ["critical"] and not (tmp_path / "a.xlsx").exists()


def test_delete_then_restore_from_the_recycle_bin(qtbot, page, sqlite_db, three, msgs, finish):
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(row_of(qtbot, page, "YA-B"))
    assert finish(page.delete_current()) == "saved"
    wait_loaded(qtbot, page.model)
    assert column(qtbot, page, 1) == ["YA-01", "ZX-01"]
    assert not page.act_restore.isVisible() and page.trash_button.text() == "回收站"
    page.trash_button.click()
    wait_loaded(qtbot, page.model)
    assert page.trash_button.text() == "回收站（点击返回）" and page.count_label.text() == "回收站中共 1 个预案"
    assert column(qtbot, page, 1) == ["YA-B"] and page.current_filter().deleted
    assert page.act_restore.isVisible() and not page.act_delete.isVisible() and not page.act_new.isVisible()
    assert page.tree_panel.isHidden()
    assert not page.view.isColumnHidden(PlanTableModel.DELETED_COLUMN)
    assert page.view.isColumnHidden(PlanTableModel.DEADLINE_COLUMN)
    assert column(qtbot, page, PlanTableModel.DELETED_COLUMN)[0].startswith("20")
    visible = [a for a in page.toolbar.actions() if a.isVisible() and not isinstance(a, QWidgetAction)]
    assert [a.text() for a in visible] == ["恢复", ""]  # no doubled separators
    assert [a.text() for a in page.documents_menu.actions() if a.isVisible() and a.text()] == ["导出Excel"]
    page.select_row(0)
    assert [a.text() for a in page.build_context_menu().actions() if a.text()] == ["恢复", "导出Excel"]
    assert not page.act_edit_info.isEnabled() and not page.act_submit.isEnabled()
    assert page.delete_current() is None  # nothing to delete in the recycle bin
    statuses: list[str] = []
    page.sig_status.connect(statuses.append)
    page._on_double_clicked(page.model.index(0, 1))
    assert statuses == ["回收站中的预案需先恢复才能查看或编辑"]
    with qtbot.waitSignal(page.sig_data_changed, timeout=1000):
        assert page.act_restore.isEnabled() and page.restore_current()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0 and statuses[-1] == "已恢复“YA-B 临江市测试2号化工有限公司生产安全事故综合应急预案”"
    page.trash_button.click()
    wait_loaded(qtbot, page.model)
    assert column(qtbot, page, 1) == ["YA-01", "ZX-01", "YA-B"] and not page.tree_panel.isHidden()
    assert page.act_new.isVisible() and not page.act_restore.isVisible()
    assert msgs.kinds() == ["confirm"]


def test_restore_refusals_are_said_in_chinese(qtbot, page, sqlite_db, three, msgs, finish):
    for plan_no in ("ZX-01", "YA-01"):
        page.refresh()
        wait_loaded(qtbot, page.model)
        page.select_row(row_of(qtbot, page, plan_no))
        assert finish(page.delete_current()) == "saved"
        wait_loaded(qtbot, page.model)
    page.trash_button.click()
    wait_loaded(qtbot, page.model)
    page.select_row(column(qtbot, page, 1).index("ZX-01"))
    assert finish(page.restore_current()) == "refused"  # its 综合 plan is still in the recycle bin
    wait_loaded(qtbot, page.model)
    assert msgs.kinds()[-1] == "warn" and "上级预案“YA-01" in msgs.texts()[-1] and "请先恢复上级预案" in msgs.texts()[-1]
    page.select_row(column(qtbot, page, 1).index("YA-01"))
    with unit_of_work(sqlite_db, TESTER) as uow:  # somebody else restores it meanwhile
        ps.restore(uow, three["top"], page.current_row().version)
    assert finish(page.restore_current()) == "conflict"
    wait_loaded(qtbot, page.model)
    assert msgs.kinds()[-1] == "warn" and "已被他人修改" in msgs.texts()[-1]
    assert column(qtbot, page, 1) == ["ZX-01"]  # refreshed
    page.select_row(0)
    assert finish(page.restore_current()) == "saved"
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0


def test_plans_page_screenshot_sorted_and_in_the_recycle_bin(qtbot, page, sqlite_db, three, tmp_path, finish):
    """Look at it: sorted list with its indicator, then the recycle bin (PNGs kept in tmp_path)."""
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    assert page.grab().save(str(tmp_path / "plans_sorted.png"))
    page.select_row(row_of(qtbot, page, "YA-B"))
    assert finish(page.delete_current()) == "saved"
    wait_loaded(qtbot, page.model)
    page.trash_button.click()
    wait_loaded(qtbot, page.model)
    image = page.grab()
    assert not image.isNull() and image.save(str(tmp_path / "plans_trash.png"))


def test_empty_lists_and_tree_say_why(qtbot, page, sqlite_db):
    empty = page.empty_state
    assert empty.showing and empty.title == "还没有预案" and "企业" in empty.hint  # no enterprise yet
    assert page.tree_empty.showing and "预案体系" in page.tree_empty.title
    page.trash_button.setChecked(True)
    wait_loaded(qtbot, page.model)
    assert empty.showing and empty.title == "回收站是空的"
    page.trash_button.setChecked(False)
    wait_loaded(qtbot, page.model)
    ent = create_enterprise(sqlite_db, 1)
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert empty.title == "还没有预案" and "新建预案" in empty.hint
    page.enterprise_combo.set_enterprise_id(ent)
    wait_loaded(qtbot, page.model)
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    assert empty.title == "没有符合条件的预案"
    assert page.tree_empty.showing and page.tree_empty.title == "该企业还没有预案"
    new_plan(sqlite_db, ent, "comprehensive", "YA-01")
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert not empty.showing and not page.tree_empty.showing


def test_versions_of_a_never_published_plan_say_so(qtbot, sqlite_db):
    plan = new_plan(sqlite_db, create_enterprise(sqlite_db, 1), "comprehensive", "YA-01")
    dialog = VersionsDialog(sqlite_db, plan)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.empty_state.showing and dialog.empty_state.title == "还没有发布过的版本"


def test_at_1280_the_list_shows_enterprise_number_and_name_beside_the_plan_tree(qtbot, sqlite_db, runner,
                                                                               settings, chinese_font):
    from desktop.plans.table import ENTERPRISE_MAX_WIDTH, TITLE_MIN_WIDTH
    from tests.exports.samples import fill_demo

    fill_demo(sqlite_db, count=3)  # realistic enterprise names, numbers and titles
    page = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1280 - 112 - 16, 700)  # the page in a 1280 × 800 window
    page.show()
    page.activate()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    view, fit, model = page.view, page.columns, page.model
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() > 0)
    assert page.tree_panel.isVisible()
    assert view.horizontalScrollBar().maximum() == 0  # every column in view, none cut off
    assert view.columnWidth(model.ENTERPRISE_COLUMN) >= min(fit.content_width(0), ENTERPRISE_MAX_WIDTH)
    assert view.columnWidth(1) >= fit.content_width(1)  # the number whole
    assert view.columnWidth(model.TITLE_COLUMN) >= TITLE_MIN_WIDTH
    row = page.current_row()
    assert model.index(0, model.TITLE_COLUMN).data() == row.title.removeprefix(row.enterprise)
    assert model.index(0, model.TITLE_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == row.title
    # the panel's title is one line: a long name is cut, the count never
    title = page.tree_title
    assert title.text().endswith("个）") and title.shown_text.endswith("个）")
    assert title.height() <= title.fontMetrics().height() + 8
    page.splitter.setSizes([1000, 170])
    qtbot.waitUntil(lambda: title.shown_text != title.text())
    assert "…" in title.shown_text and title.shown_text.endswith("个）") and title.toolTip() == title.text()


def test_splitter_and_column_widths_are_remembered(qtbot, sqlite_db, runner, settings, three):
    first = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(first)
    first.resize(1200, 600)
    first.show()
    first.activate()
    wait_loaded(qtbot, first.model)
    first.view.horizontalHeader().resizeSection(1, 150)
    first.splitter.setSizes([800, 380])
    sizes = first.splitter.sizes()
    first.save_state(settings)
    second = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(second)
    second.resize(1200, 600)
    second.show()
    second.activate()
    wait_loaded(qtbot, second.model)
    assert second.view.columnWidth(1) == 150 and second.columns.user_sized == {1}
    assert second.splitter.sizes() == sizes


def test_the_authoritys_check_of_a_filing_is_shown_until_the_filing_is_registered(qtbot, sqlite_db, runner, settings,
                                                                                chinese_font, finish):
    """备案审查期限 (5 working days after the filing was submitted) in the list's 下一期限, whole at
    1280 px, in the deadline tooltip and the 逾期 column, until the registration date is filled."""
    from models.plans.rules import authority_check_due

    # a name and numbers as long as real ones (the list must keep every column in view with them)
    ent = create_enterprise(sqlite_db, 1, name="临江市元通商业管理有限责任公司")
    soon = new_plan(sqlite_db, ent, "comprehensive", "LJCS-YA-2026-01")
    late = new_plan(sqlite_db, ent, "special", "LJCS-YA-2026-02")
    for pid in (soon, late):
        publish(sqlite_db, pid, date(2026, 2, 2))
    step(sqlite_db, soon, "file", filing_submitted_date=date(2026, 2, 27))
    step(sqlite_db, late, "file", filing_submitted_date=date(2026, 2, 10))
    soon_due, late_due = authority_check_due(date(2026, 2, 27)).date, authority_check_due(date(2026, 2, 10)).date
    assert late_due < TODAY <= soon_due
    with unit_of_work(sqlite_db, TESTER) as uow:  # more rows than fit: the vertical scroll bar takes its room
        for n in range(3, 31):
            ps.create(uow, ent, PlanData(kind="onsite", plan_no=f"LJCS-YA-2026-{n:02d}", title=f"现场处置方案{n}",
                                         parent_plan_id=soon))

    page = PlansPage(sqlite_db, runner, settings, actor=TESTER, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1280 - 112 - 16, 700)  # the page in a 1280 × 800 window
    page.show()
    page.activate()
    wait_loaded(qtbot, page.model)
    model, view = page.model, page.view
    qtbot.waitUntil(lambda: view.verticalScrollBar().isVisible())
    r_soon, r_late = row_of(qtbot, page, "LJCS-YA-2026-01"), row_of(qtbot, page, "LJCS-YA-2026-02")
    assert column(qtbot, page, 7)[r_soon] == f"备案审查：{soon_due.isoformat()}（即将到期）"
    assert column(qtbot, page, 7)[r_late] == f"备案审查：{late_due.isoformat()}（已逾期）"
    assert column(qtbot, page, 8)[r_late] == "备案审查" and column(qtbot, page, 8)[r_soon] == ""
    tip = model.index(r_soon, model.DEADLINE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert f"备案审查期限：{soon_due.isoformat()}（即将到期）" in tip.splitlines()
    assert model.index(r_late, model.DEADLINE_COLUMN).data(Qt.ItemDataRole.ForegroundRole) == QColor("#D7263D")
    qtbot.waitUntil(lambda: view.columnWidth(model.TITLE_COLUMN) > 0)
    # the whole text in view, the title keeping its room, nothing scrolled off
    assert view.columnWidth(model.DEADLINE_COLUMN) >= page.columns.content_width(model.DEADLINE_COLUMN)
    assert view.columnWidth(model.TITLE_COLUMN) >= 150 and view.horizontalScrollBar().maximum() == 0

    # registered (备案登记表, in the plan's record): the check is done, the next deadline the evaluation
    page.select_row(r_soon)
    record = page.edit_info()
    assert isinstance(record, PlanDialog)
    record.widgets["filing_registered_date"].set_value(date(2026, 3, 2))
    assert finish(record.save()) == "saved"
    wait_loaded(qtbot, page.model)
    r_soon = row_of(qtbot, page, "LJCS-YA-2026-01")
    assert column(qtbot, page, 7)[r_soon].startswith("评估：")
    tip = model.index(r_soon, model.DEADLINE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert f"备案审查期限：{soon_due.isoformat()}（按期完成）" in tip.splitlines()


def test_the_filing_dialog_says_both_deadlines_for_the_date_chosen(qtbot, page, sqlite_db, finish):
    from desktop.plans.lifecycle_dialog import FilingDialog
    from models.plans.rules import authority_check_due, filing_due

    pid = new_plan(sqlite_db, create_enterprise(sqlite_db, 1), "comprehensive", "YA-01")
    publish(sqlite_db, pid, date(2026, 2, 2))
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    dialog = page.file_plan()
    assert isinstance(dialog, FilingDialog) and dialog.note.isVisible()
    field = dialog.widgets["filing_submitted_date"]
    field.set_value(date(2026, 2, 27))
    note = dialog.note.text()
    assert f"备案期限：{filing_due(date(2026, 2, 2)).date.isoformat()}（发布后 20 个工作日内申报）" in note
    due = authority_check_due(date(2026, 2, 27)).date
    assert f"备案审查期限：{due.isoformat()}（申报后 5 个工作日内审查；填写登记日期即为完成）" in note
    field.set_value(date(2026, 2, 10))  # the note follows the date picked
    assert f"备案审查期限：{authority_check_due(date(2026, 2, 10)).date.isoformat()}" in dialog.note.text()
    assert finish(dialog.save()) == "saved" and status_of(sqlite_db, pid) == "filed"
    wait_loaded(qtbot, page.model)
    assert column(qtbot, page, 8)[0] == "备案审查"  # not registered within the 5 working days
