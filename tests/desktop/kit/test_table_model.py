"""EnterpriseTableModel: paged, filtered, SQL-sorted, and a well-behaved Qt model."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.enterprises.table import EnterpriseTableModel
from models.core.uow import unit_of_work
from models.enterprises import service as enterprises
from models.enterprises.queries import EnterpriseFilter
from tests.factories import TESTER


def names(model: EnterpriseTableModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester, sqlite_db, fill):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db, page_size=5)
    model.refresh()
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_filter(EnterpriseFilter(text="1"))
    qtmodeltester.check(model)


def test_rows_are_fetched_in_pages_on_demand(sqlite_db, fill):
    fill(sqlite_db, 23)
    model = EnterpriseTableModel(sqlite_db, page_size=10, cache_pages=2)
    model.refresh()
    assert model.rowCount() == 23
    assert model.fetches == 0  # counting loads no rows
    assert model.index(0, 0).data()
    assert model.index(9, 0).data()
    assert model.fetches == 1
    assert model.index(22, 0).data()
    assert model.fetches == 2
    assert model.index(12, 0).data()  # third page: the least recently used one is dropped
    assert model.fetches == 3
    assert model.index(0, 0).data()
    assert model.fetches == 4
    row = model.enterprise_at(22)
    assert row is not None and row.uscc == model.index(22, 1).data()
    assert model.enterprise_at(23) is None


def test_columns_show_the_row(sqlite_db, fill):
    (eid,) = fill(sqlite_db, 1)
    model = EnterpriseTableModel(sqlite_db)
    model.refresh()
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


def test_search_words_narrow_the_rows(sqlite_db, fill):
    fill(sqlite_db, 12)
    model = EnterpriseTableModel(sqlite_db)
    model.refresh()
    assert model.rowCount() == 12
    counts: list[int] = []
    model.sig_count_changed.connect(counts.append)
    model.set_filter(EnterpriseFilter(text="测试1"))  # 1, 10, 11, 12
    assert model.rowCount() == 4
    model.set_filter(EnterpriseFilter(text="测试1 滨江路 11"))
    assert names(model) == ["临江市测试11号化工有限公司"]
    assert counts == [4, 1]


def test_sorting_by_header_requeries_in_sql(sqlite_db, fill):
    fill(sqlite_db, 3)
    with unit_of_work(sqlite_db, TESTER) as uow:
        for eid, people in zip(range(1, 4), (50, 500, 5), strict=True):
            data, version = enterprises.load(uow.session, eid)
            data.employees, data.on_shift_headcount = people, 1
            enterprises.update(uow, eid, data, expected_version=version)
    model = EnterpriseTableModel(sqlite_db)
    model.refresh()
    employees = model.column_of("employees")
    model.sort(employees, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, employees).data() for r in range(3)] == ["5", "50", "500"]
    assert (model.sort_key, model.descending) == ("employees", False)
    model.sort(employees, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, employees).data() for r in range(3)] == ["500", "50", "5"]
    before = names(model)
    model.sort(7, Qt.SortOrder.AscendingOrder)  # 联系电话 has no sort key: nothing changes
    assert not model.is_sortable(7)
    assert model.sort_key == "employees" and names(model) == before


def test_deleted_filter_shows_the_recycle_bin(sqlite_db, fill):
    ids = fill(sqlite_db, 3)
    with unit_of_work(sqlite_db, TESTER) as uow:
        enterprises.delete(uow, ids[0], expected_version=1)
    model = EnterpriseTableModel(sqlite_db)
    model.refresh()
    assert model.rowCount() == 2
    model.set_filter(EnterpriseFilter(deleted=True))
    assert names(model) == ["临江市测试1号化工有限公司"]
