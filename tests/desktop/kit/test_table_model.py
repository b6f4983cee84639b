"""EnterpriseTableModel: paged, filtered, SQL-sorted, a well-behaved Qt model — and read in the
background, never on the window thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy.exc import OperationalError

from desktop.enterprises.table import EnterpriseTableModel
from models.core.uow import unit_of_work
from models.enterprises import service as enterprises
from models.enterprises.queries import EnterpriseFilter
from tests.desktop.loading import wait_loaded, wait_pages
from tests.factories import TESTER


def names(model: EnterpriseTableModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_model_passes_qtmodeltester(qtbot, qtmodeltester, sqlite_db, fill, runner):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db, page_size=5, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    for row in range(0, 12, 5):
        model.prefetch(row)
    wait_pages(qtbot, model)
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_filter(EnterpriseFilter(text="1"))
    wait_loaded(qtbot, model)
    qtmodeltester.check(model)


def test_rows_are_fetched_in_pages_on_demand(qtbot, sqlite_db, fill, runner):
    fill(sqlite_db, 23)
    model = EnterpriseTableModel(sqlite_db, page_size=10, cache_pages=2, runner=runner)
    model.refresh()
    assert model.rowCount() == 0 and model.loading  # nothing yet: the count is read in the background
    wait_loaded(qtbot, model)
    assert model.rowCount() == 23
    assert model.fetches == 1  # the count came with the first page
    assert model.index(0, 0).data() and model.index(9, 0).data()
    assert model.fetches == 1
    assert model.index(22, 0).data() is None  # not cached: asked for in the background, once
    assert model.index(21, 0).data() is None
    wait_pages(qtbot, model)
    assert model.fetches == 2 and model.index(22, 0).data()
    assert model.index(12, 0).data() is None  # third page: the least recently used one is dropped
    wait_pages(qtbot, model)
    assert model.fetches == 3 and model.index(12, 0).data()
    assert model.index(0, 0).data() is None
    wait_pages(qtbot, model)
    assert model.fetches == 4
    assert model.enterprise_at(22) is None  # only cached rows; its page is asked for
    wait_pages(qtbot, model)
    row = model.enterprise_at(22)
    assert row is not None and row.uscc == model.index(22, 1).data()
    assert model.enterprise_at(23) is None


def test_columns_show_the_row(qtbot, sqlite_db, fill, runner):
    (eid,) = fill(sqlite_db, 1)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["企业名称", "统一社会信用代码", "行业", "风险等级", "所属区域", "监管部门",
                       "主要负责人", "联系电话", "从业人数", "黑名单", "更新时间"]
    row = model.enterprise_at(0)
    assert row is not None and row.id == eid
    assert model.index(0, 0).data() == "临江市测试1号化工有限公司"
    assert model.index(0, 7).data() == "0539-8123456"
    assert model.index(0, 8).data() == "120"
    assert model.index(0, 9).data() == ""
    assert len(model.index(0, 10).data()) == len("2026-01-01")  # the day; the time in the tooltip
    assert len(model.index(0, 10).data(Qt.ItemDataRole.ToolTipRole)) == len("2026-01-01 12:00")
    colour = model.index(0, EnterpriseTableModel.RISK_COLUMN).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(colour, QColor) and colour.name().upper() == row.risk_color.upper()


def test_search_words_narrow_the_rows(qtbot, sqlite_db, fill, runner):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    assert model.rowCount() == 12
    counts: list[int] = []
    model.sig_count_changed.connect(counts.append)
    model.set_filter(EnterpriseFilter(text="测试1"))  # 1, 10, 11, 12
    wait_loaded(qtbot, model)
    assert model.rowCount() == 4
    model.set_filter(EnterpriseFilter(text="测试1 滨江路 11"))
    wait_loaded(qtbot, model)
    assert names(model) == ["临江市测试11号化工有限公司"]
    assert counts == [4, 1]


def test_sorting_by_header_requeries_in_sql(qtbot, sqlite_db, fill, runner):
    fill(sqlite_db, 3)
    with unit_of_work(sqlite_db, TESTER) as uow:
        for eid, people in zip(range(1, 4), (50, 500, 5), strict=True):
            data, version = enterprises.load(uow.session, eid)
            data.employees, data.on_shift_headcount = people, 1
            enterprises.update(uow, eid, data, expected_version=version)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    employees = model.column_of("employees")
    model.sort(employees, Qt.SortOrder.AscendingOrder)
    wait_loaded(qtbot, model)
    assert [model.index(r, employees).data() for r in range(3)] == ["5", "50", "500"]
    assert (model.sort_key, model.descending) == ("employees", False)
    model.sort(employees, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, model)
    assert [model.index(r, employees).data() for r in range(3)] == ["500", "50", "5"]
    before = names(model)
    loads = model.loads
    model.sort(7, Qt.SortOrder.AscendingOrder)  # 联系电话 has no sort key: nothing changes
    assert not model.is_sortable(7) and not model.loading and model.loads == loads
    assert model.sort_key == "employees" and names(model) == before


def test_deleted_filter_shows_the_recycle_bin(qtbot, sqlite_db, fill, runner):
    ids = fill(sqlite_db, 3)
    with unit_of_work(sqlite_db, TESTER) as uow:
        enterprises.delete(uow, ids[0], expected_version=1)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    assert model.rowCount() == 2
    model.set_filter(EnterpriseFilter(deleted=True))
    wait_loaded(qtbot, model)
    assert names(model) == ["临江市测试1号化工有限公司"]


# --- in the background -------------------------------------------------------------------------------


def test_the_window_thread_never_reads_the_database(qtbot, sqlite_db, fill, runner, reads):
    fill(sqlite_db, 25)
    reads.threads.clear()  # the factories' own reads
    model = EnterpriseTableModel(sqlite_db, page_size=10, runner=runner)
    loaded: list[int] = []
    model.sig_loaded.connect(lambda: loaded.append(model.rowCount()))
    model.refresh()
    wait_loaded(qtbot, model)
    model.set_filter(EnterpriseFilter(text="测试"))
    wait_loaded(qtbot, model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    wait_loaded(qtbot, model)
    for row in range(model.rowCount()):  # a scroll to the end: each page asked for as it is painted
        model.index(row, 0).data()
    wait_pages(qtbot, model)
    assert None not in names(model)
    model.row_at(0)
    model.prefetch(24)
    assert loaded == [25, 25, 25]
    assert reads.threads and reads.on_window_thread == 0


def test_old_rows_stay_until_the_new_ones_are_there(qtbot, sqlite_db, fill, runner, reads):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    gate = reads.hold()
    with qtbot.waitSignal(model.sig_loading_changed) as started:
        model.set_filter(EnterpriseFilter(text="测试11"))
    assert started.args == [True] and model.loading
    qtbot.wait(20)  # the read is held: the window goes on with the old rows
    assert model.rowCount() == 12 and model.index(11, 0).data() == "临江市测试9号化工有限公司"
    gate.set()
    wait_loaded(qtbot, model)
    assert names(model) == ["临江市测试11号化工有限公司"]


def test_a_stale_result_of_an_older_filter_is_dropped(qtbot, sqlite_db, fill, runner, reads):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    shown: list[list[str]] = []
    model.sig_loaded.connect(lambda: shown.append(names(model)))
    gate = reads.hold()
    model.set_filter(EnterpriseFilter(text="测试1"))  # 1, 10, 11, 12: its read is held …
    model.set_filter(EnterpriseFilter(text="测试2"))  # … while a newer filter is asked for
    gate.set()
    wait_loaded(qtbot, model)
    assert model.dropped == 1 and model.loads == 3
    assert shown == [["临江市测试2号化工有限公司"]]  # the older answer never reached the screen


def test_rapid_keystrokes_run_at_most_two_queries(qtbot, sqlite_db, fill, runner, reads):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    before, read_before = model.loads, len(reads.threads)
    gate = reads.hold()
    for text in ("测", "测试", "测试1", "测试1 1", "测试1 11"):
        model.set_filter(EnterpriseFilter(text=text))
    gate.set()
    wait_loaded(qtbot, model)
    assert model.loads - before == 2  # the first keystroke's, then the latest one's
    assert len(reads.threads) - read_before == 2
    assert names(model) == ["临江市测试11号化工有限公司"]


def test_a_refresh_keeps_the_pages_on_screen(qtbot, sqlite_db, fill, runner):
    fill(sqlite_db, 35)
    model = EnterpriseTableModel(sqlite_db, page_size=10, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    assert model.index(25, 0).data() is None  # scrolled down: page 2 read in the background …
    wait_pages(qtbot, model)
    assert model.index(25, 0).data()
    fetches = model.fetches
    model.refresh()  # … and after a save, read again with the count, so the place is kept
    wait_loaded(qtbot, model)
    assert model.fetches == fetches + 2 and not model.fetching
    assert model.index(25, 0).data() and model.index(0, 0).data()
    assert not model.fetching  # nothing left to fetch: no blank rows after the refresh


def test_a_page_scrolled_to_arrives_and_repaints_its_rows(qtbot, sqlite_db, fill, runner):
    fill(sqlite_db, 30)
    model = EnterpriseTableModel(sqlite_db, page_size=10, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    assert model.index(15, 0).data() is None
    assert model.fetching
    with qtbot.waitSignal(model.dataChanged) as changed:
        pass
    first, last = changed.args[0], changed.args[1]
    assert (first.row(), last.row(), last.column()) == (10, 19, model.columnCount() - 1)
    assert model.index(15, 0).data() == names(model)[15]


def test_a_failing_read_keeps_the_rows_and_says_why(qtbot, sqlite_db, fill, runner, reads):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    model.refresh()
    wait_loaded(qtbot, model)
    selected: list[int] = []
    reads.fail = OperationalError("SELECT", {}, Exception("database is locked"))
    model.set_filter(EnterpriseFilter(text="测试1"))
    model.after_load(lambda: selected.append(1))
    with qtbot.waitSignal(model.sig_failed) as failed:
        pass
    assert isinstance(failed.args[0], OperationalError)
    assert not model.loading and model.rowCount() == 12 and names(model)[0] == "临江市测试10号化工有限公司"
    assert selected == []  # what waited for the rows never ran on the old ones
    reads.fail = None
    model.refresh()
    wait_loaded(qtbot, model)
    assert model.rowCount() == 4 and selected == []


def test_a_model_deleted_while_its_read_runs_ignores_the_answer(qtbot, sqlite_db, fill, runner, reads):
    import shiboken6

    fill(sqlite_db, 3)
    model = EnterpriseTableModel(sqlite_db, runner=runner)
    gate = reads.hold()
    model.refresh()
    task = runner.tasks[0]
    shiboken6.delete(model)  # a page closed (its model deleted) while the read runs
    gate.set()
    with qtbot.waitSignal(task.sig_finished, timeout=5000):
        pass  # the answer arrives and nothing is called on the deleted model (pytest-qt fails on errors)
