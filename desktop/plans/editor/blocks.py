"""Editors for the content blocks of one section, and the column that holds them.

Each block of ``plans.document`` has an editor widget: a paragraph is a text box that grows with
its text, bullet and numbered lists are text boxes with one item per line, a table is a
``QTableWidget`` (merged cells shown with ``setSpan``, rows/columns added and removed, header rows
set with a spin box), an image shows its thumbnail with a caption and a print width, a page break
is a labelled separator. ``BlockListEditor`` stacks them in a scroll area and turns them back into
blocks (``blocks()``); the plan editor writes those into its document with ``set_blocks``.

Typing emits ``sig_edited`` (the plan editor commits after a short pause); inserting, deleting
and moving blocks emit ``sig_structure_changed`` (committed at once).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QMouseEvent,
    QPixmap,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from plans.document import Block, BulletList, Cell, Image, NumberedList, PageBreak, Paragraph, Table

ImageLoader = Callable[[str], QPixmap | None]
"""Looks up an image's pixmap by its SHA-256 (None when the bytes are missing)."""

THUMBNAIL = QSize(480, 300)
MAX_WIDTH_MM = 400.0
HEADER_BACKGROUND = QColor("#EEF2F7")
MARK_BACKGROUND = QColor("#FFE27A")  # the searched words (as the 检索 page marks them)
CURRENT_STYLE = ("QFrame#blockFrame { border: 1px solid #D5D9E0; border-radius: 4px; background: palette(base); }"
                 "QFrame#blockFrame[current=\"true\"] { border: 1px solid #3B7DDD; }")


def find_marks(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """(start, length) of every occurrence of ``words`` in ``text``, ignoring case, in order."""
    lower = text.lower()
    spans: list[tuple[int, int]] = []
    for word in {w.lower() for w in words if w}:
        start = lower.find(word)
        while start >= 0:
            spans.append((start, len(word)))
            start = lower.find(word, start + len(word))
    return sorted(spans)


def block_label(block: Block) -> str:
    """The Chinese name of a block type (as the editor's buttons and headers say it)."""
    return {Paragraph: _tr("段落"), BulletList: _tr("项目符号列表"), NumberedList: _tr("编号列表"),
            Table: _tr("表格"), Image: _tr("图片"), PageBreak: _tr("分页符")}[type(block)]


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("blocks", text)


def small_button(text: str, tip: str, parent: QWidget) -> QPushButton:
    """A push button that never becomes the dialog's default (Enter in a field must not click it)."""
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    button.setDefault(False)
    if tip:
        button.setToolTip(tip)
    return button


def tool_button(text: str, tip: str, parent: QWidget, *, flat: bool = False) -> QToolButton:
    """A compact text button (block headers, table tools); tool buttons are never default buttons."""
    button = QToolButton(parent)
    button.setText(text)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setAutoRaise(flat)
    if tip:
        button.setToolTip(tip)
    return button


class AutoHeightTextEdit(QPlainTextEdit):
    """A plain-text box exactly as tall as its (wrapped) text, at least ``min_lines`` lines."""

    def __init__(self, parent: QWidget | None = None, *, min_lines: int = 2) -> None:
        super().__init__(parent)
        self._min_lines = min_lines
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTabChangesFocus(True)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.textChanged.connect(self._fit)
        self._fit()

    def content_height(self) -> int:
        """The pixel height the text needs (every block laid out at the current width)."""
        layout = self.document().documentLayout()
        height = self.document().documentMargin()
        block = self.document().begin()
        while block.isValid():
            height += layout.blockBoundingRect(block).height()
            block = block.next()
        minimum = self._min_lines * self.fontMetrics().lineSpacing() + 2 * self.document().documentMargin()
        return int(max(height, minimum) + 0.999)

    def _fit(self) -> None:
        margins = self.contentsMargins()
        wanted = self.content_height() + margins.top() + margins.bottom() + 2
        if self.height() != wanted or self.minimumHeight() != wanted:
            self.setFixedHeight(wanted)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        if e.size().width() != e.oldSize().width():
            QTimer.singleShot(0, self, self._fit)  # the text re-wraps at the new width first

    def wheelEvent(self, e: QWheelEvent) -> None:
        e.ignore()  # nothing to scroll inside: let the surrounding scroll area take it


class BlockEditor(QFrame):
    """One block's editor: a header (type, 上移 / 下移 / 删除) over the block's own fields."""

    sig_edited = Signal()
    """The user changed the block's content."""

    sig_focused = Signal(object)
    """One of the block's fields got the focus (or the block was clicked); the argument is the editor."""

    sig_action = Signal(object, str)
    """A header button was pressed: (editor, "up" | "down" | "delete")."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blockFrame")
        self.setProperty("current", False)
        self.read_only = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 8)
        outer.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(4)
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("blockTitle")
        self.title_label.setStyleSheet("color: #5A6472;")
        header.addWidget(self.title_label)
        header.addStretch(1)
        self.up_button = tool_button(self.tr("上移"), self.tr("与上一个内容块交换位置"), self, flat=True)
        self.down_button = tool_button(self.tr("下移"), self.tr("与下一个内容块交换位置"), self, flat=True)
        self.delete_button = tool_button(self.tr("删除"), self.tr("删除此内容块"), self, flat=True)
        for name, button in (("up", self.up_button), ("down", self.down_button), ("delete", self.delete_button)):
            button.clicked.connect(lambda _checked=False, n=name: self.sig_action.emit(self, n))
            header.addWidget(button)
        outer.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(4)
        outer.addLayout(self.body)

    def block(self) -> Block:
        raise NotImplementedError

    def focus_input(self) -> None:
        """Put the cursor into the block's main field."""

    def highlight(self, words: Sequence[str]) -> int:
        """Mark ``words`` in the block's text (none: clear the marks); returns how many were marked."""
        return 0

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for button in (self.up_button, self.down_button, self.delete_button):
            button.setVisible(not read_only)

    def set_current(self, current: bool) -> None:
        if bool(self.property("current")) != current:
            self.setProperty("current", current)
            self.style().unpolish(self)
            self.style().polish(self)

    def watch_focus(self, *widgets: QWidget) -> None:
        """Report focus on ``widgets`` (a local event filter on these widgets only)."""
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self.sig_focused.emit(self)
        return super().eventFilter(watched, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.sig_focused.emit(self)
        super().mousePressEvent(event)


class TextBlockEditor(BlockEditor):
    """A paragraph (the text as typed) or a list (one item per line; empty lines are dropped)."""

    def __init__(self, block: Paragraph | BulletList | NumberedList, parent: QWidget | None = None) -> None:
        self.kind: type[Paragraph] | type[BulletList] | type[NumberedList] = type(block)
        title = {Paragraph: self.tr("段落"), BulletList: self.tr("项目符号列表（每行一项）"),
                 NumberedList: self.tr("编号列表（每行一项，编号自动生成）")}[self.kind]
        super().__init__(title, parent)
        self.edit = AutoHeightTextEdit(self, min_lines=2 if isinstance(block, Paragraph) else 1)
        self.edit.setObjectName("blockText")
        if isinstance(block, Paragraph):
            self.edit.setPlaceholderText(self.tr("在此输入段落文字…"))
            self.edit.setPlainText(block.text)
        else:
            self.edit.setPlaceholderText(self.tr("每行输入一项"))
            self.edit.setPlainText("\n".join(block.items))
        self.edit.textChanged.connect(self.sig_edited)
        self.body.addWidget(self.edit)
        self.watch_focus(self.edit)

    def highlight(self, words: Sequence[str]) -> int:
        mark = QTextCharFormat()
        mark.setBackground(MARK_BACKGROUND)
        mark.setForeground(QColor("#000000"))
        selections = []
        for start, length in find_marks(self.edit.toPlainText(), words):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.edit.document())
            cursor.setPosition(start)
            cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor  # type: ignore[attr-defined]
            selection.format = mark  # type: ignore[attr-defined]
            selections.append(selection)
        self.edit.setExtraSelections(selections)  # marks only: the text and the undo stack stay as they are
        return len(selections)

    def marked_texts(self) -> list[str]:
        """The pieces of text marked by ``highlight`` (tests)."""
        return [s.cursor.selectedText() for s in self.edit.extraSelections()]  # type: ignore[attr-defined]

    def block(self) -> Block:
        text = self.edit.toPlainText()
        if self.kind is Paragraph:
            return Paragraph(text)
        items = [line.strip() for line in text.splitlines() if line.strip()]
        return BulletList(items) if self.kind is BulletList else NumberedList(items)

    def focus_input(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)


class TableBlockEditor(BlockEditor):
    """A table: cells in a ``QTableWidget``; merged cells are spans; header rows are shaded."""

    def __init__(self, block: Table, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("表格"), parent)
        tools = QHBoxLayout()
        tools.setSpacing(4)
        self.add_row_button = tool_button(self.tr("插入行"), self.tr("在当前行下方插入一行"), self)
        self.remove_row_button = tool_button(self.tr("删除行"), self.tr("删除所选的行"), self)
        self.add_column_button = tool_button(self.tr("插入列"), self.tr("在当前列右侧插入一列"), self)
        self.remove_column_button = tool_button(self.tr("删除列"), self.tr("删除所选的列"), self)
        self.merge_button = tool_button(self.tr("合并单元格"), self.tr("把选中的矩形区域合并为一个单元格"), self)
        self.split_button = tool_button(self.tr("拆分单元格"), self.tr("取消当前单元格的合并"), self)
        for button in (self.add_row_button, self.remove_row_button, self.add_column_button,
                       self.remove_column_button, self.merge_button, self.split_button):
            tools.addWidget(button)
        tools.addStretch(1)
        self.header_label = QLabel(self.tr("表头行数"), self)
        self.header_spin = QSpinBox(self)
        self.header_spin.setToolTip(self.tr("表格顶部作为表头的行数（打印时每页重复）"))
        self.header_label.setBuddy(self.header_spin)
        tools.addWidget(self.header_label)
        tools.addWidget(self.header_spin)
        self.body.addLayout(tools)

        self.table = QTableWidget(self)
        self.table.setObjectName("blockTable")
        self.table.setWordWrap(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(60)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.body.addWidget(self.table)
        self.watch_focus(self.table)

        self._load(block)
        self.table.itemChanged.connect(self._on_item_changed)
        self.header_spin.valueChanged.connect(self._on_header_rows)
        self.add_row_button.clicked.connect(self.insert_row)
        self.remove_row_button.clicked.connect(self.remove_rows)
        self.add_column_button.clicked.connect(self.insert_column)
        self.remove_column_button.clicked.connect(self.remove_columns)
        self.merge_button.clicked.connect(self.merge_selection)
        self.split_button.clicked.connect(self.split_current)
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.table.itemSelectionChanged.connect(self._update_buttons)

    # --- data in and out -----------------------------------------------------------------------

    def _load(self, block: Table) -> None:
        rows = len(block.rows)
        columns = block.column_count()
        self.table.blockSignals(True)
        self.table.clearSpans()
        self.table.setRowCount(rows)
        self.table.setColumnCount(columns)
        for r in range(rows):
            for c in range(columns):
                self.table.setItem(r, c, QTableWidgetItem(""))
        for placed in block.layout():
            if placed.row >= rows or placed.col >= columns:
                continue
            item = self.table.item(placed.row, placed.col)
            assert item is not None
            item.setText(placed.cell.text)
            row_span = min(max(placed.cell.rowspan, 1), rows - placed.row)
            col_span = min(max(placed.cell.colspan, 1), columns - placed.col)
            if row_span > 1 or col_span > 1:
                self.table.setSpan(placed.row, placed.col, row_span, col_span)
        self.table.blockSignals(False)
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(0, max(rows, block.header_rows))
        self.header_spin.setValue(block.header_rows)
        self.header_spin.blockSignals(False)
        self._restyle()

    def block(self) -> Table:
        rows: list[list[Cell]] = []
        covered: set[tuple[int, int]] = set()
        for r in range(self.table.rowCount()):
            row: list[Cell] = []
            for c in range(self.table.columnCount()):
                if (r, c) in covered:
                    continue
                row_span = max(1, self.table.rowSpan(r, c))
                col_span = max(1, self.table.columnSpan(r, c))
                for dr in range(row_span):
                    for dc in range(col_span):
                        covered.add((r + dr, c + dc))
                item = self.table.item(r, c)
                row.append(Cell(item.text() if item is not None else "", col_span, row_span))
            rows.append(row)
        return Table(rows, min(self.header_spin.value(), len(rows)))

    def highlight(self, words: Sequence[str]) -> int:
        """Shade the cells that contain one of ``words``."""
        header_rows = self.header_spin.value()
        marked = 0
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                if item is None:
                    continue
                hit = bool(find_marks(item.text(), words))
                marked += hit
                item.setBackground(QBrush(MARK_BACKGROUND) if hit else
                                   QBrush(HEADER_BACKGROUND) if r < header_rows else QBrush())
        self.table.blockSignals(False)
        return marked

    def cell_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def set_cell_text(self, row: int, column: int, text: str) -> None:
        """Set a cell as if typed (tests, paste)."""
        item = self.table.item(row, column)
        if item is None:
            self.table.setItem(row, column, QTableWidgetItem(text))
        else:
            item.setText(text)

    # --- editing ---------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.header_spin.blockSignals(True)
        self.header_spin.setMaximum(self.table.rowCount())
        self.header_spin.blockSignals(False)
        self._restyle()
        self._update_buttons()
        self.sig_edited.emit()

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self._refit_rows()
        self.sig_edited.emit()

    def _on_header_rows(self, _value: int) -> None:
        self._restyle()
        self.sig_edited.emit()

    def _fill_empty_items(self) -> None:
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                if self.table.item(r, c) is None:
                    self.table.setItem(r, c, QTableWidgetItem(""))
        self.table.blockSignals(False)

    def insert_row(self) -> None:
        current = self.table.currentRow()
        row = current + 1 if current >= 0 else self.table.rowCount()
        # Below a merged cell that reaches further down, insert after its last row instead.
        if current >= 0:
            column = max(self.table.currentColumn(), 0)
            row = max(row, current + max(1, self.table.rowSpan(current, column)))
        self.table.insertRow(row)
        self._fill_empty_items()
        self.table.setCurrentCell(row, 0)
        self._changed()

    def remove_rows(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()} or {self.table.currentRow()}, reverse=True)
        rows = [r for r in rows if r >= 0]
        if not rows or len(rows) >= self.table.rowCount():
            return
        for r in rows:
            self.table.removeRow(r)
        self._changed()

    def insert_column(self) -> None:
        current = self.table.currentColumn()
        column = current + 1 if current >= 0 else self.table.columnCount()
        if current >= 0:
            row = max(self.table.currentRow(), 0)
            column = max(column, current + max(1, self.table.columnSpan(row, current)))
        self.table.insertColumn(column)
        self._fill_empty_items()
        self._changed()

    def remove_columns(self) -> None:
        columns = sorted({i.column() for i in self.table.selectedIndexes()} or {self.table.currentColumn()},
                         reverse=True)
        columns = [c for c in columns if c >= 0]
        if not columns or len(columns) >= self.table.columnCount():
            return
        for c in columns:
            self.table.removeColumn(c)
        self._changed()

    def spans(self) -> list[tuple[int, int, int, int]]:
        """Every merged cell as (row, column, row span, column span)."""
        table = self.block()
        return [(p.row, p.col, p.cell.rowspan, p.cell.colspan) for p in table.layout()
                if p.cell.rowspan > 1 or p.cell.colspan > 1]

    def merge(self, top: int, left: int, bottom: int, right: int) -> bool:
        """Merge the rectangle (grown to take in merged cells it cuts); texts are joined."""
        if bottom < top or right < left:
            return False
        anchors = {(r, c, r + rs - 1, c + cs - 1) for r, c, rs, cs in self.spans()}
        changed = True
        while changed:  # grow until no merged cell sticks out of the rectangle
            changed = False
            for r1, c1, r2, c2 in anchors:
                overlaps = r1 <= bottom and r2 >= top and c1 <= right and c2 >= left
                if overlaps and (r1 < top or c1 < left or r2 > bottom or c2 > right):
                    top, left, bottom, right = min(top, r1), min(left, c1), max(bottom, r2), max(right, c2)
                    changed = True
        if (top, left) == (bottom, right):
            return False
        table = self.block()
        texts = [p.cell.text for p in table.layout()
                 if top <= p.row <= bottom and left <= p.col <= right and p.cell.text.strip()]
        self.table.blockSignals(True)
        for r1, c1, r2, c2 in anchors:
            if top <= r1 and r2 <= bottom and left <= c1 and c2 <= right:
                self.table.setSpan(r1, c1, 1, 1)  # removes that span
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                item = self.table.item(r, c)
                if item is not None:
                    item.setText("")
        anchor = self.table.item(top, left)
        if anchor is not None:
            anchor.setText("\n".join(texts))
        self.table.setSpan(top, left, bottom - top + 1, right - left + 1)
        self.table.blockSignals(False)
        self.table.setCurrentCell(top, left)
        self._changed()
        return True

    def merge_selection(self) -> None:
        ranges = self.table.selectedRanges()
        if len(ranges) != 1:
            return
        rng = ranges[0]
        self.merge(rng.topRow(), rng.leftColumn(), rng.bottomRow(), rng.rightColumn())

    def split_current(self) -> None:
        row, column = self.table.currentRow(), self.table.currentColumn()
        if row < 0 or column < 0:
            return
        for r, c, rs, cs in self.spans():
            if r <= row < r + rs and c <= column < c + cs:
                self.table.setSpan(r, c, 1, 1)
                self._changed()
                return

    # --- looks -----------------------------------------------------------------------------------

    def _restyle(self) -> None:
        header_rows = self.header_spin.value()
        bold = QFont(self.table.font())
        bold.setBold(True)
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                if item is None:
                    continue
                is_header = r < header_rows
                item.setFont(bold if is_header else self.table.font())
                item.setBackground(QBrush(HEADER_BACKGROUND) if is_header else QBrush())
        self.table.blockSignals(False)
        self._refit_rows()

    def _fit(self) -> None:
        table = self.table
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        if table.horizontalScrollBar().isVisible():
            height += table.horizontalScrollBar().height()
        table.setFixedHeight(max(height, 40))

    def _update_buttons(self) -> None:
        editable = not self.read_only
        rows, columns = self.table.rowCount(), self.table.columnCount()
        self.add_row_button.setEnabled(editable)
        self.add_column_button.setEnabled(editable)
        self.remove_row_button.setEnabled(editable and rows > 1)
        self.remove_column_button.setEnabled(editable and columns > 1)
        ranges = self.table.selectedRanges()
        self.merge_button.setEnabled(editable and len(ranges) == 1
                                     and (ranges[0].rowCount() > 1 or ranges[0].columnCount() > 1))
        row, column = self.table.currentRow(), self.table.currentColumn()
        merged = row >= 0 and column >= 0 and (self.table.rowSpan(row, column) > 1
                                                or self.table.columnSpan(row, column) > 1)
        self.split_button.setEnabled(editable and merged)

    def focus_input(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.table.rowCount() and self.table.columnCount() and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only
                                   else QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.header_spin.setEnabled(not read_only)
        for button in (self.add_row_button, self.remove_row_button, self.add_column_button,
                       self.remove_column_button, self.merge_button, self.split_button):
            button.setVisible(not read_only)
        self._update_buttons()

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        QTimer.singleShot(0, self, self._refit_rows)

    def _refit_rows(self) -> None:
        """Rows as tall as their text; Qt sizes rows without looking at merged cells, so a merged
        cell's lines are counted here and its last row grown to hold them."""
        self.table.resizeRowsToContents()
        line = self.table.fontMetrics().lineSpacing()
        for r, c, row_span, _col_span in self.spans():
            lines = max(1, self.cell_text(r, c).count("\n") + 1)
            wanted = lines * line + 10
            have = sum(self.table.rowHeight(r + i) for i in range(row_span))
            last = r + row_span - 1
            if have < wanted and last < self.table.rowCount():
                self.table.setRowHeight(last, self.table.rowHeight(last) + wanted - have)
        self._fit()


class ImageBlockEditor(BlockEditor):
    """An image: its thumbnail, a caption and the print width (0 = automatic)."""

    def __init__(self, block: Image, pixmap: QPixmap | None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("图片"), parent)
        self._block = block
        self.picture = QLabel(self)
        self.picture.setObjectName("blockImage")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumHeight(60)
        if pixmap is not None and not pixmap.isNull():
            shown = pixmap
            if pixmap.width() > THUMBNAIL.width() or pixmap.height() > THUMBNAIL.height():
                shown = pixmap.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
            self.picture.setPixmap(shown)
            self.picture.setToolTip(self.tr("原图 {0} × {1} 像素").format(pixmap.width(), pixmap.height()))
            self.has_picture = True
        else:
            self.picture.setText(self.tr("（找不到图片数据）"))
            self.picture.setStyleSheet("color: #9B1C2C;")
            self.has_picture = False
        self.body.addWidget(self.picture)
        row = QHBoxLayout()
        caption_label = QLabel(self.tr("图题"), self)
        self.caption = QLineEdit(block.caption, self)
        self.caption.setObjectName("imageCaption")
        self.caption.setPlaceholderText(self.tr("如：厂区应急疏散路线图"))
        caption_label.setBuddy(self.caption)
        width_label = QLabel(self.tr("打印宽度"), self)
        self.width = QDoubleSpinBox(self)
        self.width.setDecimals(0)
        self.width.setRange(0, MAX_WIDTH_MM)
        self.width.setSuffix(self.tr(" 毫米"))
        self.width.setSpecialValueText(self.tr("自动"))
        self.width.setValue(block.width_mm or 0)
        self.width.setToolTip(self.tr("图片在打印稿中的宽度；选“自动”则按页面宽度缩放"))
        width_label.setBuddy(self.width)
        row.addWidget(caption_label)
        row.addWidget(self.caption, 1)
        row.addSpacing(12)
        row.addWidget(width_label)
        row.addWidget(self.width)
        self.body.addLayout(row)
        self.caption.textChanged.connect(self.sig_edited)
        self.width.valueChanged.connect(self.sig_edited)
        self.watch_focus(self.caption, self.width)

    def block(self) -> Image:
        width = self.width.value()
        return Image(self._block.sha256, self._block.mime, self.caption.text(), width if width > 0 else None)

    def focus_input(self) -> None:
        self.caption.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.caption.setReadOnly(read_only)
        self.width.setReadOnly(read_only)


class PageBreakEditor(BlockEditor):
    """A page break: a labelled dashed line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("分页符"), parent)
        line = QLabel(self.tr("—— 此处另起一页 ——"), self)
        line.setObjectName("pageBreak")
        line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        line.setStyleSheet("color: #7A8391; border-top: 1px dashed #9AA3AF; padding-top: 4px;")
        self.body.addWidget(line)

    def block(self) -> PageBreak:
        return PageBreak()


def hint_html(text: str, subsections: Sequence[tuple[str, str]] = (), after: str = "") -> str:
    """The empty section's hint as rich text: ``text``, the subsections as links, ``after``."""
    parts = [f"<p>{html.escape(text)}</p>"] if text else []
    if subsections:
        links = "".join(f'<li><a href="{html.escape(key)}">{html.escape(title)}</a></li>'
                        for key, title in subsections)
        parts.append(f"<ul>{links}</ul>")
    if after:
        parts.append(f"<p>{html.escape(after)}</p>")
    return "".join(parts)


def editor_for(block: Block, images: ImageLoader, parent: QWidget | None = None) -> BlockEditor:
    if isinstance(block, Paragraph | BulletList | NumberedList):
        return TextBlockEditor(block, parent)
    if isinstance(block, Table):
        return TableBlockEditor(block, parent)
    if isinstance(block, Image):
        return ImageBlockEditor(block, images(block.sha256), parent)
    return PageBreakEditor(parent)


class BlockListEditor(QScrollArea):
    """The blocks of one section, top to bottom, under the section's heading."""

    sig_edited = Signal()
    """Text in a block changed (commit after a pause)."""

    sig_structure_changed = Signal()
    """Blocks were inserted, deleted or moved (commit now)."""

    sig_subsection_activated = Signal(str)
    """A subsection named in the empty hint was clicked; the argument is its key."""

    def __init__(self, images: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images = images
        self.read_only = False
        self.editors: list[BlockEditor] = []
        self.marked: list[BlockEditor] = []
        """The blocks in which ``highlight`` marked something."""
        self._current: BlockEditor | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self)
        inner.setObjectName("blockColumn")
        inner.setStyleSheet(CURRENT_STYLE)
        outer = QVBoxLayout(inner)
        outer.setContentsMargins(4, 4, 12, 12)
        outer.setSpacing(8)
        self.heading = QLabel(inner)
        self.heading.setObjectName("sectionHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        outer.addWidget(self.heading)
        self.empty_hint = QLabel(inner)
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #7A8391;")
        self.empty_hint.setTextFormat(Qt.TextFormat.RichText)  # escaped in ``load``
        self.empty_hint.linkActivated.connect(self.sig_subsection_activated)
        outer.addWidget(self.empty_hint)
        self._column = QVBoxLayout()
        self._column.setSpacing(8)
        outer.addLayout(self._column)
        outer.addStretch(1)
        self.setWidget(inner)

    def load(self, heading: str, blocks: list[Block], *, required: bool = False, empty_hint: str = "",
             subsections: Sequence[tuple[str, str]] = (), after_hint: str = "") -> None:
        """Show ``blocks`` under ``heading`` (replacing what was shown). Without blocks the column
        says ``empty_hint``, then lists ``subsections`` ((key, heading) pairs, each a link that
        emits ``sig_subsection_activated``), then ``after_hint``."""
        for editor in self.editors:
            self._column.removeWidget(editor)
            editor.hide()
            editor.deleteLater()
        self.editors = []
        self._current = None
        self.heading.setText(heading + (self.tr("（必备章节）") if required else ""))
        self.empty_hint.setText(hint_html(empty_hint, subsections, after_hint))
        for block in blocks:
            self._add_editor(block, len(self.editors))
        self._after_change()
        self.verticalScrollBar().setValue(0)

    def highlight(self, words: Sequence[str]) -> int:
        """Mark ``words`` in every block shown (a search's terms); returns how many were marked."""
        counts = [(editor, editor.highlight(words)) for editor in self.editors]
        self.marked = [editor for editor, count in counts if count]
        return sum(count for _editor, count in counts)

    def reveal_first_mark(self) -> None:
        """Scroll the first marked block into view."""
        if self.marked:
            self.ensureWidgetVisible(self.marked[0], 0, 40)

    def clear_section(self, text: str) -> None:
        self.load("", [], empty_hint=text)

    def blocks(self) -> list[Block]:
        return [editor.block() for editor in self.editors]

    def current_index(self) -> int:
        return self.editors.index(self._current) if self._current in self.editors else -1

    def set_current(self, index: int) -> None:
        editor = self.editors[index] if 0 <= index < len(self.editors) else None
        self._set_current(editor)

    def _set_current(self, editor: object) -> None:
        self._current = editor if isinstance(editor, BlockEditor) else None
        for item in self.editors:
            item.set_current(item is self._current)

    def _add_editor(self, block: Block, index: int) -> BlockEditor:
        editor = editor_for(block, self._images, self.widget())
        editor.set_read_only(self.read_only)
        editor.sig_edited.connect(self.sig_edited)
        editor.sig_focused.connect(self._set_current)
        editor.sig_action.connect(self._on_action)
        self.editors.insert(index, editor)
        self._column.insertWidget(index, editor)
        return editor

    def insert_block(self, block: Block, index: int | None = None) -> BlockEditor:
        """Insert ``block`` after the current block (or at ``index``; at the end when neither)."""
        if index is None:
            current = self.current_index()
            index = current + 1 if current >= 0 else len(self.editors)
        editor = self._add_editor(block, max(0, min(index, len(self.editors))))
        self._set_current(editor)
        self._after_change()
        editor.focus_input()
        QTimer.singleShot(0, editor, lambda: self.ensureWidgetVisible(editor, 0, 40))
        self.sig_structure_changed.emit()
        return editor

    def remove_block(self, index: int) -> None:
        if not 0 <= index < len(self.editors):
            return
        editor = self.editors.pop(index)
        self._column.removeWidget(editor)
        editor.hide()
        editor.deleteLater()
        if self._current is editor:
            self._set_current(self.editors[min(index, len(self.editors) - 1)] if self.editors else None)
        self._after_change()
        self.sig_structure_changed.emit()

    def move_block(self, index: int, delta: int) -> None:
        target = index + delta
        if not (0 <= index < len(self.editors) and 0 <= target < len(self.editors)):
            return
        editor = self.editors.pop(index)
        self.editors.insert(target, editor)
        self._column.removeWidget(editor)
        self._column.insertWidget(target, editor)
        self._set_current(editor)
        self._after_change()
        self.sig_structure_changed.emit()

    def _on_action(self, editor: BlockEditor, action: str) -> None:
        if self.read_only or editor not in self.editors:
            return
        index = self.editors.index(editor)
        if action == "delete":
            self.remove_block(index)
        else:
            self.move_block(index, -1 if action == "up" else 1)

    def _after_change(self) -> None:
        self.empty_hint.setVisible(not self.editors and bool(self.empty_hint.text()))
        last = len(self.editors) - 1
        for i, editor in enumerate(self.editors):
            editor.up_button.setEnabled(i > 0)
            editor.down_button.setEnabled(i < last)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for editor in self.editors:
            editor.set_read_only(read_only)
