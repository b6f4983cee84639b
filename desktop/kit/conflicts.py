"""此记录已被他人修改: what a form offers when its save was refused as stale.

``ConflictDialog`` says that somebody else saved the record since the form loaded it, that nothing
was overwritten and that the input is still in the form, and offers:

- 重新载入: discard the input and show the stored record (its new version);
- 比较: the fields where the input and the stored record differ, side by side with their Chinese
  labels, each saying who changed it since the form was loaded (您 / 他人 / 双方). Ticked rows keep
  the input; 在最新版本上保留所勾选的输入 loads the stored record and copies the ticked values over, so
  the user checks the form and saves again, on the fresh version. A field only the user changed is
  ticked to begin with, one somebody else changed is not: nothing is overwritten unless chosen;
- 继续编辑: close, keep everything as it is.

A form without fields to compare (the plan editor's document) passes ``on_compare`` instead, which
shows its own comparison, and ``keep_text`` for the button that keeps the whole input.
The answer arrives as ``sig_resolved(choice, names)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import ConflictError


class Choice(StrEnum):
    RELOAD = "reload"
    """Discard the input, show the stored record."""
    MERGE = "merge"
    """Show the stored record with the chosen input copied over (save again on its version)."""
    KEEP = "keep"
    """Close the question; the form keeps everything as it is."""


@dataclass(frozen=True)
class Difference:
    """One field where the form's input and the stored record differ (values as the form shows them)."""

    name: str
    label: str
    mine: str
    stored: str
    changed_by_me: bool
    """The input differs from what the form loaded."""
    changed_by_others: bool
    """The stored record differs from what the form loaded."""

    @property
    def who(self) -> str:
        if self.changed_by_me and self.changed_by_others:
            return "双方都修改了"
        if self.changed_by_others:
            return "他人修改了"
        return "您修改了"


class ConflictDialog(QDialog):
    """重新载入 or 比较 after a refused (stale) save; never overwrites anything by itself."""

    sig_resolved = Signal(str, list)
    """The user chose: a ``Choice`` (str) and, for MERGE, the names of the fields whose input to keep."""

    COLUMNS = ("字段", "您的输入", "数据库中的最新内容", "变化")

    def __init__(self, parent: QWidget, error: ConflictError, differences: Sequence[Difference] | None, *,
                 stored_version: int | None = None, on_compare: Callable[[], object] | None = None,
                 keep_text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("ConflictDialog")
        self.setWindowTitle(self.tr("保存被拒绝"))
        self.setSizeGripEnabled(True)
        self.differences = list(differences or [])
        self._on_compare = on_compare
        self._answered = False
        self.comparing = False
        """比较 was pressed."""
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("此记录已被他人修改"), self)
        self.heading.setObjectName("conflictHeading")
        self.heading.setStyleSheet("font-weight: bold; font-size: 15px; color: #9B1C2C;")
        layout.addWidget(self.heading)
        self.message = QLabel(self._describe(error), self)
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        advice = QLabel(self.tr("您的输入仍保留在窗口中，他人的修改也没有被覆盖。"
                                "“重新载入”放弃您的输入、显示数据库中的最新内容；"
                                "“比较”逐项列出您的输入与最新内容的不同之处。"), self)
        advice.setWordWrap(True)
        advice.setStyleSheet("color: #5A6570;")
        layout.addWidget(advice)

        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setMinimumSectionSize(26)
        # A value wraps at its column's width: the rows follow when the columns change (shown, resized),
        # once the header has laid out all of them.
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_args: self._fit_rows.start())
        self._fill_table()
        self.table.hide()
        layout.addWidget(self.table, 1)
        self.table_note = QLabel(self)
        self.table_note.setWordWrap(True)
        self.table_note.setStyleSheet("color: #5A6570;")
        if stored_version is not None:
            self.table_note.setText(self.tr("勾选的项保留您的输入，其余采用数据库中的最新内容（第 {0} 版）；"
                                            "之后请核对并再次保存。").format(stored_version))
        self.table_note.hide()
        layout.addWidget(self.table_note)

        buttons = QDialogButtonBox(self)
        self.reload_button = buttons.addButton(self.tr("重新载入"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.reload_button.setToolTip(self.tr("放弃您的输入，显示数据库中的最新内容"))
        self.compare_button = buttons.addButton(self.tr("比较"), QDialogButtonBox.ButtonRole.ActionRole)
        self.compare_button.setToolTip(self.tr("逐项比较您的输入与数据库中的最新内容"))
        self.merge_button: QPushButton = buttons.addButton(
            keep_text or self.tr("在最新版本上保留所勾选的输入"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.merge_button.hide()
        self.keep_button = buttons.addButton(self.tr("继续编辑"), QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_button.setDefault(True)
        self.reload_button.clicked.connect(lambda: self._resolve(Choice.RELOAD))
        self.compare_button.clicked.connect(self.compare)
        self.merge_button.clicked.connect(lambda: self._resolve(Choice.MERGE))
        self.keep_button.clicked.connect(lambda: self._resolve(Choice.KEEP))
        layout.addWidget(buttons)
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())

    def _describe(self, error: ConflictError) -> str:
        """Which version the form had and which is stored (the core's sentence when it says less)."""
        if error.entity_id is not None and error.expected is None and error.actual is not None:
            return self.tr("您打开时还没有这条{0}，现已由他人设置（编号 {1}，第 {2} 版）。保存被拒绝，没有写入任何内容。").format(
                error.entity_label, error.entity_id, error.actual)
        if error.entity_id is None or error.expected is None or error.actual is None:
            return str(error)
        return self.tr("您打开的是{0}（编号 {1}）的第 {2} 版，数据库中已是第 {3} 版。保存被拒绝，没有写入任何内容。").format(
            error.entity_label, error.entity_id, error.expected, error.actual)

    def _fill_table(self) -> None:
        self.table.setRowCount(max(1, len(self.differences)))
        if not self.differences:
            item = QTableWidgetItem(self.tr("您的输入与最新内容没有不同（他人修改的是此窗口未显示的内容）"))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(0, 0, item)
            self.table.setSpan(0, 0, 1, len(self.COLUMNS))
            return
        for row, diff in enumerate(self.differences):
            label = QTableWidgetItem(diff.label)
            label.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            label.setCheckState(Qt.CheckState.Checked if diff.changed_by_me and not diff.changed_by_others
                                else Qt.CheckState.Unchecked)
            label.setToolTip(self.tr("勾选：保留您的输入；不勾选：采用数据库中的最新内容"))
            label.setData(Qt.ItemDataRole.UserRole, diff.name)
            self.table.setItem(row, 0, label)
            for column, text in ((1, diff.mine), (2, diff.stored), (3, self.tr(diff.who))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            if diff.changed_by_me and diff.changed_by_others:
                for column in range(len(self.COLUMNS)):
                    self.table.item(row, column).setBackground(QColor("#FFF4E5"))
        self.table.resizeRowsToContents()

    # --- answers -----------------------------------------------------------------------------------

    def compare(self) -> None:
        """Show the comparison (the table, or the form's own) and the button that keeps input."""
        self.comparing = True
        self.merge_button.show()
        if self._on_compare is not None:
            self._on_compare()
            return
        self.table.show()
        self.table_note.show()
        self.compare_button.setEnabled(False)
        self.resize(max(self.width(), 820), max(self.height(), min(620, self.sizeHint().height() + 40)))

    def labels(self) -> list[str]:
        """The Chinese labels of the fields listed (tests, screen readers)."""
        return [d.label for d in self.differences]

    def kept(self) -> list[str]:
        """The names of the ticked fields: their input is kept by MERGE."""
        names = []
        for row in range(len(self.differences)):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                names.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return names

    def set_kept(self, names: Sequence[str]) -> None:
        for row, diff in enumerate(self.differences):
            item = self.table.item(row, 0)
            if item is not None:
                item.setCheckState(Qt.CheckState.Checked if diff.name in names else Qt.CheckState.Unchecked)

    def _resolve(self, choice: Choice) -> None:
        if self._answered:
            return
        self._answered = True
        self.sig_resolved.emit(choice.value, self.kept() if choice is Choice.MERGE else [])
        if choice is Choice.KEEP:
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:
        """Esc / the close button: the same as 继续编辑."""
        if not self._answered:
            self._resolve(Choice.KEEP)
            return
        super().reject()
