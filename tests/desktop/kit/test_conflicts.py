"""The conflict dialog's 比较 table: one line per short value, rows that follow the column widths."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.kit.conflicts import ConflictDialog, Difference
from models.core.errors import ConflictError


def test_compared_rows_fit_their_values_once_the_table_is_shown(qtbot, chinese_font):
    owner = QWidget()
    qtbot.addWidget(owner)
    differences = [
        Difference("address", "地址", "临江市北山县铁岭镇工业园区长江路53号",
                   "临江市北山县铁岭镇工业园区长江路53号（新厂区）", False, True),
        Difference("principal", "主要负责人", "刘振国", "王建华", True, True),
        Difference("medium_or_larger", "中型及以上规模", "是", "否", False, True),
    ]
    dialog = ConflictDialog(owner, ConflictError("企业", 29, 1, 2), differences, stored_version=2)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.compare()
    qtbot.waitUntil(lambda: dialog.table.isVisible())
    table = dialog.table

    def fitted() -> bool:  # each row as tall as its values need at the widths shown now
        return all(table.rowHeight(r) == max(26, table.sizeHintForRow(r)) for r in range(table.rowCount()))

    dialog.resize(1100, dialog.height())  # wide: every value on one line
    qtbot.waitUntil(fitted)
    heights = [table.rowHeight(r) for r in range(table.rowCount())]
    assert max(heights) == min(heights) >= 26, heights  # no row kept the height of a wrapped value
    dialog.resize(420, dialog.height())  # narrower: the long values wrap, their row grows
    qtbot.waitUntil(lambda: table.rowHeight(0) > heights[0])
    assert fitted() and table.rowHeight(1) == heights[1]
