"""The 企业 page: search, filters, sorting, recycle bin, delete/restore, export, context menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QFileDialog

from desktop.enterprises.page import EnterprisesPage
from models.core import reference
from models.core.errors import Cancelled
from models.core.progress import NULL_PROGRESS
from models.core.uow import unit_of_work
from models.enterprises import queries as enterprise_queries
from models.enterprises import service as enterprises
from models.enterprises.queries import EnterpriseFilter
from tests.desktop.loading import wait_loaded, wait_pages
from tests.factories import TESTER


@pytest.fixture
def page(qtbot, sqlite_db, runner, settings):
    widget = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    return widget


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def shown_names(page: EnterprisesPage) -> list[str]:
    model = page.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_page_loads_lazily_and_counts(qtbot, sqlite_db, runner, settings, fill):
    fill(sqlite_db, 5)
    page = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0 and not page.model.loaded
    page.activate()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 5
    assert page.count_label.text() == "共 5 家企业"
    assert page.model.fetches == 1  # the first page is already fetched


def test_search_box_filters_after_a_short_pause(qtbot, page, sqlite_db, fill):
    fill(sqlite_db, 12)
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 12
    assert page.search.placeholderText() == "搜索名称、信用代码、地址"
    with qtbot.waitSignal(page.model.sig_count_changed, timeout=2000) as blocker:
        page.search.setText("测试1")  # as if typed (QTest cannot type Chinese)
        assert page.model.rowCount() == 12  # debounced: nothing yet while typing
    assert blocker.args == [4]
    assert page.count_label.text() == "共 4 家企业"
    page.search.setText("测试1 11号")
    page.search.returnPressed.emit()  # Enter applies at once
    wait_loaded(qtbot, page.model)
    assert shown_names(page) == ["临江市测试11号化工有限公司"]


def test_industry_filter_includes_child_industries(qtbot, page, sqlite_db, fill):
    with sqlite_db.read() as s:
        industries = reference.industries(s)
    parent = next(c for c in industries if c.code == "mining")
    child = next(c for c in industries if c.code == "mining.coal")
    other = next(c for c in industries if c.code == "construction")
    fill(sqlite_db, 1, start=1, industry_id=parent.id)
    fill(sqlite_db, 1, start=2, industry_id=child.id)
    fill(sqlite_db, 1, start=3, industry_id=other.id)
    page.refresh()
    wait_loaded(qtbot, page.model)
    select_data(page.industry_combo, parent.id)
    wait_loaded(qtbot, page.model)
    assert set(page.current_filter().industry_ids) >= {parent.id, child.id}
    assert shown_names(page) == ["临江市测试1号化工有限公司", "临江市测试2号化工有限公司"]
    select_data(page.industry_combo, child.id)
    wait_loaded(qtbot, page.model)
    assert shown_names(page) == ["临江市测试2号化工有限公司"]
    page.clear_filters()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 3


def test_risk_department_and_region_filters(qtbot, page, sqlite_db, fill):
    with sqlite_db.read() as s:
        risks = reference.risk_levels(s)
        departments = reference.departments(s)
        regions = reference.regions(s)
    district = next(r for r in regions if r.level == 2)
    street = next(r for r in regions if r.parent_code == district.code)
    elsewhere = next(r for r in regions if r.level == 3 and r.parent_code != district.code)
    fill(sqlite_db, 1, start=1, risk_level_id=risks[0].id, department_id=departments[0].id, region_id=street.id)
    fill(sqlite_db, 1, start=2, risk_level_id=risks[1].id, department_id=departments[1].id,
         region_id=district.id)
    fill(sqlite_db, 1, start=3, risk_level_id=risks[1].id, department_id=departments[0].id,
         region_id=elsewhere.id)
    page.refresh()
    wait_loaded(qtbot, page.model)
    select_data(page.risk_combo, risks[1].id)
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2
    select_data(page.department_combo, departments[0].id)
    wait_loaded(qtbot, page.model)
    assert shown_names(page) == ["临江市测试3号化工有限公司"]
    page.clear_filters()
    wait_loaded(qtbot, page.model)
    select_data(page.region_combo, district.id)  # a district includes its streets
    wait_loaded(qtbot, page.model)
    assert shown_names(page) == ["临江市测试1号化工有限公司", "临江市测试2号化工有限公司"]
    select_data(page.region_combo, street.id)
    wait_loaded(qtbot, page.model)
    assert shown_names(page) == ["临江市测试1号化工有限公司"]


def test_header_click_sorts_in_sql_and_ignores_unsortable_columns(qtbot, page, sqlite_db, fill):
    fill(sqlite_db, 3)
    page.refresh()
    wait_loaded(qtbot, page.model)
    header = page.view.horizontalHeader()
    assert shown_names(page)[0] == "临江市测试1号化工有限公司"
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, page.model)
    assert shown_names(page)[0] == "临江市测试3号化工有限公司"
    assert page.model.descending
    uscc_column = page.model.column_of("uscc")
    header.setSortIndicator(uscc_column, Qt.SortOrder.AscendingOrder)
    wait_loaded(qtbot, page.model)
    assert page.model.sort_key == "uscc"
    header.setSortIndicator(7, Qt.SortOrder.AscendingOrder)  # 联系电话: not sortable
    wait_loaded(qtbot, page.model)
    assert header.sortIndicatorSection() == uscc_column
    assert page.model.sort_key == "uscc"


def test_delete_asks_then_moves_to_recycle_bin_and_restore_brings_back(qtbot, page, sqlite_db, fill, msgs, finish):
    fill(sqlite_db, 2)
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    target = page.current_row()
    assert target is not None
    msgs.confirm_answer = False
    assert page.delete_current() is None
    assert "临江市测试1号化工有限公司" in msgs.texts("confirm")[0]
    assert page.model.rowCount() == 2  # the user said no
    msgs.confirm_answer = True
    page.select_row(0)
    assert finish(page.delete_current()) == "saved"
    wait_loaded(qtbot, page.model)
    assert shown_names(page) == ["临江市测试2号化工有限公司"]
    with sqlite_db.read() as s:
        assert enterprise_queries.count(s, EnterpriseFilter(deleted=True)) == 1

    page.trash_button.setChecked(True)
    wait_loaded(qtbot, page.model)
    assert page.act_restore.isVisible() and not page.act_delete.isVisible()
    assert not page.act_edit.isVisible()
    assert page.count_label.text() == "回收站中共 1 家企业"
    assert shown_names(page) == ["临江市测试1号化工有限公司"]
    page.select_row(0)
    assert finish(page.restore_current()) == "saved"
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0
    page.trash_button.setChecked(False)
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 2
    with sqlite_db.read() as s:
        assert enterprise_queries.count(s, EnterpriseFilter(deleted=True)) == 0


def test_delete_of_a_row_changed_elsewhere_is_refused(qtbot, page, sqlite_db, fill, msgs, finish):
    (eid,) = fill(sqlite_db, 1)
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    with unit_of_work(sqlite_db, TESTER) as uow:
        data, version = enterprises.load(uow.session, eid)
        data.notes = "他人修改"
        enterprises.update(uow, eid, data, expected_version=version)
    assert finish(page.delete_current()) == "conflict"
    wait_loaded(qtbot, page.model)
    assert msgs.kinds() == ["confirm", "warn"]
    assert "已被他人修改" in msgs.texts("warn")[0]
    with sqlite_db.read() as s:
        assert enterprise_queries.count(s, EnterpriseFilter()) == 1


def test_context_menu_offers_the_right_actions(qtbot, page, sqlite_db, fill):
    fill(sqlite_db, 1)
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    texts = [a.text() for a in page.build_context_menu().actions() if not a.isSeparator()]
    assert texts == ["编辑", "删除", "复制信用代码", "导出Excel", "新建"]
    page.copy_uscc()
    row = page.current_row()
    assert row is not None and QGuiApplication.clipboard().text() == row.uscc
    page.trash_button.setChecked(True)
    wait_loaded(qtbot, page.model)
    texts = [a.text() for a in page.build_context_menu().actions() if not a.isSeparator()]
    assert texts == ["恢复", "复制信用代码", "导出Excel"]


def test_double_click_opens_the_edit_dialog(qtbot, page, sqlite_db, fill):
    fill(sqlite_db, 2)
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(1)
    page.view.doubleClicked.emit(page.model.index(1, 0))
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.enterprise_id == page.current_row().id  # type: ignore[union-attr]
    assert dialog.windowTitle() == "编辑企业 — 临江市测试2号化工有限公司"
    dialog.widgets["address"].setText("新地址 8 号")  # type: ignore[attr-defined]
    with qtbot.waitSignal(page.sig_data_changed, timeout=2000):
        dialog.save_button.click()
    wait_loaded(qtbot, page.model)
    assert page.dialog is None
    row = page.model.enterprise_at(1)
    assert row is not None and row.address == "新地址 8 号"


def test_new_enterprise_dialog_adds_a_row(qtbot, page, sqlite_db):
    from tests.factories import enterprise_data

    page.new_enterprise()
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == "新建企业"
    data = enterprise_data(sqlite_db, 7)
    dialog.fill(data)
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000):
        dialog.save_button.click()
    wait_loaded(qtbot, page.model)
    assert shown_names(page) == ["临江市测试7号化工有限公司"]
    assert page.current_row().name == "临江市测试7号化工有限公司"  # type: ignore[union-attr]  # the saved one


def test_export_runs_in_the_background_with_the_current_filter(
        qtbot, page, sqlite_db, fill, fake_module, monkeypatch, tmp_path, msgs, settings):
    fill(sqlite_db, 3)
    page.refresh()
    wait_loaded(qtbot, page.model)
    calls = []

    def export_enterprises(db, flt, path, *, sort="name", descending=False, progress=NULL_PROGRESS):
        calls.append((db, flt, path, sort, descending))
        progress.report(1, 1, "")
        Path(path).write_bytes(b"xlsx")
        return 2

    fake_module("exports.enterprises.excel", export_enterprises=export_enterprises)
    target = tmp_path / "企业名录"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "Excel 工作簿 (*.xlsx)")))
    page.search.setText("测试")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    page.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, page.model)
    with qtbot.waitSignal(page.sig_export_finished, timeout=5000) as blocker:
        page.export_excel()
    written = tmp_path / "企业名录.xlsx"
    assert blocker.args == [str(written), 2]
    assert calls == [(sqlite_db, page.current_filter(), written, "name", True)]
    assert written.read_bytes() == b"xlsx"
    assert msgs.kinds() == ["info"] and "已导出 2 家企业" in msgs.texts()[0]
    assert settings.last_export_dir == str(tmp_path)


def test_export_cancel_and_failure(qtbot, page, sqlite_db, fill, fake_module, monkeypatch, tmp_path, msgs):
    fill(sqlite_db, 1)
    page.refresh()
    wait_loaded(qtbot, page.model)

    def cancelled(db, flt, path, *, sort="name", descending=False, progress=NULL_PROGRESS):
        raise Cancelled()

    fake_module("exports.enterprises.excel", export_enterprises=cancelled)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "a.xlsx"), "")))
    statuses: list[str] = []
    page.sig_status.connect(statuses.append)
    page.export_excel()
    assert page.export_task is not None
    with qtbot.waitSignal(page.export_task.sig_cancelled, timeout=5000):
        pass
    assert statuses == ["已取消导出，未生成文件"]
    assert msgs.calls == []

    def broken(db, flt, path, *, sort="name", descending=False, progress=NULL_PROGRESS):
        raise OSError("磁盘已满")

    fake_module("exports.enterprises.excel", export_enterprises=broken)
    page.export_excel()
    with qtbot.waitSignal(page.export_task.sig_failed, timeout=5000):
        pass
    assert msgs.kinds() == ["critical"]
    assert "详细信息已写入日志" in msgs.texts()[0]


def test_export_dialog_cancelled_does_nothing(page, monkeypatch, runner):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    page.export_excel()
    assert page.export_task is None and not runner.busy


def test_header_state_round_trip(qtbot, sqlite_db, runner, settings, fill):
    fill(sqlite_db, 2)
    first = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(first)
    first.activate()
    wait_loaded(qtbot, first.model)
    first.view.setColumnWidth(1, 222)
    first.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, first.model)
    first.save_state(settings)
    second = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(second)
    second.activate()
    wait_loaded(qtbot, second.model)
    assert second.view.columnWidth(1) == 222
    assert second.model.descending
    assert second.model.index(0, 0).data() == "临江市测试2号化工有限公司"


def test_changes_wait_their_turn_while_a_background_task_writes(qtbot, page, runner, sqlite_db, fill, msgs,
                                                                 finish):
    """A background writer (e.g. demo data) holds the single writer: the page still opens its dialog,
    a delete queues behind it (its actions wait, no double submit) and is written afterwards."""
    import threading

    fill(sqlite_db, 2)
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    release = threading.Event()
    runner.run(lambda p: release.wait(5), label="写入中", writes=True, show_progress=False)
    assert runner.writing
    dialog = page.new_enterprise()
    assert dialog is not None and dialog.isVisible()
    dialog.done(0)
    op = page.delete_current()
    assert op is not None and op.running and not op.started
    assert page.writing and not page.act_delete.isEnabled() and page.delete_current() is None
    assert msgs.kinds() == ["confirm"]  # asked once, refused nothing, said nothing else
    release.set()
    assert finish(op) == "saved"
    wait_loaded(qtbot, page.model)
    assert page.act_delete.isEnabled() and shown_names(page) == ["临江市测试2号化工有限公司"]


def test_export_with_the_real_exporter(qtbot, page, sqlite_db, fill, monkeypatch, tmp_path):
    excel = pytest.importorskip("exports.enterprises.excel", reason="exports/enterprises/excel.py is not written yet")
    openpyxl = pytest.importorskip("openpyxl")
    assert excel.export_enterprises
    fill(sqlite_db, 3)
    page.refresh()
    wait_loaded(qtbot, page.model)
    target = tmp_path / "企业.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(page.sig_export_finished, timeout=20000) as blocker:
        page.export_excel()
    assert blocker.args == [str(target), 3]
    sheet = openpyxl.load_workbook(target, read_only=True).worksheets[0]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert "临江市测试2号化工有限公司" in text


def test_an_empty_list_says_why_instead_of_a_blank_table(qtbot, page, sqlite_db, fill):
    empty = page.empty_state
    assert empty.showing and empty.isVisible() and empty.title == "还没有企业" and "新建" in empty.hint
    page.trash_button.setChecked(True)
    wait_loaded(qtbot, page.model)
    assert empty.showing and empty.title == "回收站是空的" and "恢复" in empty.hint
    page.trash_button.setChecked(False)
    wait_loaded(qtbot, page.model)
    fill(sqlite_db, 2)
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert not empty.showing  # rows: nothing to say
    page.search.setText("没有这家企业")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    assert page.model.rowCount() == 0
    assert empty.showing and empty.title == "没有符合条件的企业" and "清除筛选" in empty.hint
    page.trash_button.setChecked(True)
    wait_loaded(qtbot, page.model)
    assert empty.title == "回收站中没有符合条件的企业"
    assert empty.geometry().intersects(page.view.viewport().rect())  # over the rows, under the header


def test_at_1280_every_column_shows_its_content(qtbot, sqlite_db, runner, settings, chinese_font):
    from tests.factories import demo_enterprises

    demo_enterprises(sqlite_db, scale="small")  # realistic names, regions, departments
    page = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(page)
    page.resize(1280 - 112 - 16, 700)  # the page in a 1280 × 800 window
    page.show()
    page.activate()
    wait_loaded(qtbot, page.model)
    view, fit = page.view, page.columns
    qtbot.waitUntil(lambda: view.verticalScrollBar().isVisible())  # the layout has settled
    assert view.horizontalScrollBar().maximum() == 0  # the last column is not cut off
    for column in range(page.model.columnCount()):
        wanted = min(fit.content_width(column), fit.maximum.get(column, 10_000))
        if column != page.model.NAME_COLUMN:
            assert view.columnWidth(column) >= wanted, page.model.columns[column].title
    assert view.columnWidth(page.model.NAME_COLUMN) >= 190  # the name takes the room left
    total = sum(view.columnWidth(c) for c in range(page.model.columnCount()))
    assert total == view.viewport().width()


def test_the_users_column_widths_and_order_come_back(qtbot, sqlite_db, runner, settings, fill):
    fill(sqlite_db, 2)
    first = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(first)
    first.resize(1200, 600)
    first.show()
    first.activate()
    wait_loaded(qtbot, first.model)
    header = first.view.horizontalHeader()
    fitted = first.view.columnWidth(2)
    header.resizeSection(1, 260)  # dragged by the user
    header.moveSection(header.visualIndex(5), 1)  # 监管部门 dragged next to the name
    first.save_state(settings)
    assert settings.user_sized_columns("enterprises") == [1]
    second = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(second)
    second.resize(1200, 600)
    second.show()
    second.activate()
    wait_loaded(qtbot, second.model)
    again = second.view.horizontalHeader()
    assert second.view.columnWidth(1) == 260 and again.visualIndex(5) == 1
    assert second.view.columnWidth(2) == fitted  # the others still follow their content
    assert second.columns.user_sized == {1}


# --- the list is read in the background ----------------------------------------------------------------


def test_a_slow_query_says_so_and_keeps_the_rows(qtbot, page, sqlite_db, fill, reads):
    fill(sqlite_db, 12)
    page.refresh()
    wait_loaded(qtbot, page.model)
    reads.threads.clear()  # the factories' own reads
    gate = reads.hold()
    page.search.setText("测试11")
    page.apply_filter()
    qtbot.waitUntil(lambda: page.count_label.text() == "正在查询…", timeout=2000)  # after a moment
    assert page.querying and page.model.rowCount() == 12  # the old rows stay
    assert not page.empty_state.showing
    gate.set()
    wait_loaded(qtbot, page.model)
    assert not page.querying and page.count_label.text() == "共 1 家企业"
    assert shown_names(page) == ["临江市测试11号化工有限公司"]
    assert reads.on_window_thread == 0


def test_a_quick_query_shows_no_querying_state(qtbot, page, sqlite_db, fill):
    fill(sqlite_db, 3)
    page.refresh()
    texts: list[str] = []
    page.model.sig_loading_changed.connect(lambda _on: texts.append(page.count_label.text()))
    page.search.setText("测试2")
    page.apply_filter()
    wait_loaded(qtbot, page.model)
    assert "正在查询…" not in texts and page.count_label.text() == "共 1 家企业"


def test_a_failing_read_keeps_the_rows_and_says_why(qtbot, page, sqlite_db, fill, reads):
    from sqlalchemy.exc import OperationalError

    fill(sqlite_db, 12)
    page.refresh()
    wait_loaded(qtbot, page.model)
    statuses: list[str] = []
    page.sig_status.connect(statuses.append)
    reads.fail = OperationalError("SELECT count(*)", {}, Exception("unable to open database file"))
    page.search.setText("测试11")
    with qtbot.waitSignal(page.model.sig_failed, timeout=5000):
        page.apply_filter()
    assert page.model.rowCount() == 12 and len(shown_names(page)) == 12  # nothing lost
    assert len(statuses) == 1 and statuses[0].startswith("无法读取企业名录：数据库暂时无法读取")
    assert "日志" in statuses[0] and "SELECT" not in statuses[0] and "unable" not in statuses[0]
    assert page.count_label.text() == "查询失败" and page.count_label.toolTip() == statuses[0]
    reads.fail = None
    page.refresh()
    wait_loaded(qtbot, page.model)
    assert page.count_label.text() == "共 1 家企业" and page.count_label.toolTip() == ""


def test_the_saved_enterprise_stays_selected_further_down_the_list(qtbot, page, sqlite_db, fill):
    fill(sqlite_db, 130)  # two pages: the one edited is on the second
    page.refresh()
    wait_loaded(qtbot, page.model)
    page.model.prefetch(120)
    wait_pages(qtbot, page.model)
    page.select_row(120)
    page.view.scrollTo(page.model.index(120, 0))
    target = page.current_row()
    assert target is not None
    dialog = page.edit_current()
    assert dialog is not None
    dialog.widgets["address"].setText("新地址 9 号")  # type: ignore[attr-defined]
    with qtbot.waitSignal(page.sig_data_changed, timeout=5000):
        dialog.save_button.click()
    wait_loaded(qtbot, page.model)
    row = page.current_row()
    assert page.view.currentIndex().row() == 120
    assert row is not None and row.id == target.id and row.address == "新地址 9 号"
    assert not page.model.fetching  # the page on screen came with the count: no blank rows


def test_the_first_slow_read_says_querying_in_place_of_the_rows(qtbot, sqlite_db, runner, settings, reads):
    page = EnterprisesPage(sqlite_db, runner, settings, actor=TESTER)
    qtbot.addWidget(page)
    page.resize(900, 500)
    page.show()
    gate = reads.hold()
    page.activate()
    assert not page.empty_state.showing  # at once: nothing said (a quick read shows no flicker)
    qtbot.waitUntil(lambda: page.empty_state.title == "正在查询…", timeout=2000)
    assert page.empty_state.showing and page.count_label.text() == "正在查询…"
    gate.set()
    wait_loaded(qtbot, page.model)
    assert page.empty_state.title == "还没有企业" and page.count_label.text() == "共 0 家企业"
