"""Column widths: fitted to the content, the long column taking the room left, the user's widths kept."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from desktop.kit.columns import ColumnFit

ROWS = [("临江市兴和石化仓储有限责任公司", "91369900010914471D", "危险化学品储存", "高新区（示范区）/科技城街道", "一般"),
        ("临江华康水务有限公司", "91369900MA0CJ56P8J", "其他", "北山县/铁岭镇", "低")]
HEADERS = ["企业名称", "统一社会信用代码", "行业", "所属区域", "风险等级"]


@pytest.fixture
def view(qtbot):
    model = QStandardItemModel(0, len(HEADERS))
    model.setHorizontalHeaderLabels(HEADERS)
    table = QTableView()
    table.setModel(model)
    table.setParent(None)
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    return table


def fill(view: QTableView) -> None:
    model = view.model()
    model.beginResetModel()
    model.removeRows(0, model.rowCount())
    for row in ROWS:
        model.appendRow([QStandardItem(v) for v in row])
    model.endResetModel()


def visible_sum(view: QTableView) -> int:
    return sum(view.columnWidth(c) for c in range(view.model().columnCount()))


def test_columns_fit_their_content_and_the_long_one_stretches(view):
    fit = ColumnFit(view, stretch=0, stretch_minimum=120, maximum={3: 150})
    fill(view)
    for column in (1, 2, 4):  # never narrower than their header and rows
        assert view.columnWidth(column) >= view.sizeHintForColumn(column)
        assert view.columnWidth(column) >= view.horizontalHeader().sectionSizeHint(column)
    region = max(view.sizeHintForColumn(3), view.horizontalHeader().sectionSizeHint(3))
    assert view.columnWidth(3) == min(region, 150)  # capped: a longer region is cut with “…”
    fit.maximum[3] = region - 10
    fit.refit()
    assert view.columnWidth(3) == region - 10
    assert visible_sum(view) == view.viewport().width()  # the name takes the room left
    assert view.columnWidth(0) >= view.sizeHintForColumn(0)
    view.resize(700, 300)
    assert visible_sum(view) == view.viewport().width() or view.columnWidth(0) == fit.stretch_minimum
    view.resize(400, 300)
    assert view.columnWidth(0) == 120  # never below its minimum (the list scrolls then)


def test_the_users_widths_and_order_are_kept_until_reset(view):
    fit = ColumnFit(view, stretch=0, stretch_minimum=120)
    fill(view)
    header = view.horizontalHeader()
    view.setColumnWidth(2, 222)  # as if dragged
    header.moveSection(4, 1)
    assert fit.user_sized == {2}
    fill(view)  # new rows: nothing is fitted again, the user's width stays
    assert view.columnWidth(2) == 222 and header.visualIndex(4) == 1
    with fit.programmatic():
        view.setColumnHidden(3, True)
    assert fit.user_sized == {2}  # hiding is nothing the user sized
    assert fit.save_user_sized() == [2]
    menu = fit.build_header_menu()
    assert [a.text() for a in menu.actions()] == ["恢复默认列宽和顺序"]
    menu.actions()[0].trigger()
    assert fit.user_sized == set() and header.visualIndex(4) == 4
    assert view.columnWidth(2) == max(view.sizeHintForColumn(2), header.sectionSizeHint(2))


def test_the_first_rows_are_measured_once_and_new_rows_move_no_column(view):
    fit = ColumnFit(view, stretch=0, stretch_minimum=120)
    assert not fit.fitted  # an empty list: the headers only
    fill(view)
    assert fit.fitted
    measured, widths = fit.measured, [view.columnWidth(c) for c in range(5)]
    model = view.model()
    model.beginResetModel()  # a search: other rows, one much wider
    model.removeRows(0, model.rowCount())
    model.appendRow([QStandardItem(v) for v in ("某", "某", "危险化学品储存、经营、使用和运输企业", "某", "某")])
    model.endResetModel()
    assert fit.measured == measured  # not measured again …
    assert [view.columnWidth(c) for c in range(5)] == widths  # … and no column moved
    fit.reset()  # 恢复默认列宽: measured from the rows shown now
    assert fit.measured > measured and view.columnWidth(2) > widths[2]
