"""评分: one evaluator's score sheet, keyboard-first.

Every item of the drill's frozen form is a row (环节, 指标, 评估内容, 权重); the 评分 column takes what
is typed — the score of the scale (1/3/5), an option by its number or label (1 是, 2 部分 …), a
measurement (minutes), or N / - for 不适用 — and Enter or Tab moves on to the next row. Each entry is
saved at once through the write flow (one write per entry, in order, with the sheet's version), so
a crash loses nothing entered; a value that does not fit is refused with the form's Chinese reason,
the cell marked and the stored value shown again. 说明 takes a comment per item. 提交 locks the
sheet; only then does the dialog show the drill's aggregate (the other evaluators' scores stay
hidden until one has submitted).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import WriteOp
from exports.files import write_atomically
from models.core.database import Database
from models.core.errors import ValidationError
from models.core.uow import Actor, UnitOfWork
from models.drills import scoring
from models.drills.entities import DrillEvaluation, ScoreSheet
from models.drills.evaluation import Entry, Form, Item
from models.drills.offline import OfflineSheet, OfflineSheetError

VALUE, COMMENT = 4, 5
NA_KEYS = ("N", "n", "-", "不适用")
BAD = QColor("#FBD5DA")


def parse(item: Item, text: str) -> float | str | None:
    """What was typed, as the form takes it; None for 不适用. Raises ValueError for nothing sensible."""
    text = text.strip()
    if text in NA_KEYS:
        return None
    if item.kind == "choice":
        labels = [label for label, _points in item.options]
        if text in labels:
            return text
        if text.isdigit() and 1 <= int(text) <= len(labels):
            return labels[int(text) - 1]
        raise ValueError(text)
    return float(text)


def shown(item: Item, value: float | str | None) -> str:
    if value is None:
        return "不适用"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class SheetTable(QTableWidget):
    """Enter and Tab commit the cell and move down the 评分 column."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab) and self.state() != \
                QAbstractItemView.State.EditingState:
            row = self.currentRow()
            if row + 1 < self.rowCount():
                self.setCurrentCell(row + 1, self.currentColumn())
            return
        super().keyPressEvent(event)


class SheetDialog(QDialog):
    """The sheet table and its keyboard flow; where an entry and a submission are stored is the
    subclass's (the database through the write flow, or an offline sheet file)."""

    sig_submitted = Signal(int)

    def __init__(self, form: Form, evaluator: str, entries: dict[str, Entry], status: str, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form, self.evaluator, self.status = form, evaluator, status
        self.entries: dict[str, Entry] = dict(entries)
        self._queue: deque[tuple[int, int, str]] = deque()
        self.write_op: WriteOp[int] | None = None
        self._loading = False
        self.setWindowTitle(self.tr("评估表 — {0}（{1}）").format(self.evaluator, self.form.label))
        self._build()
        fit_to_screen(self, QSize(1000, 660))  # wide enough for the criteria, never past the screen

    def busy(self) -> bool:
        return self.write_op is not None and self.write_op.running

    def store(self, row: int, item: Item, value: float | str | None, comment: str) -> None:
        """Store one entry, then call ``_saved`` or ``_refuse`` and ``_next``."""
        raise NotImplementedError

    def submit(self) -> object:
        raise NotImplementedError

    def _results_text(self) -> str:
        return ""

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("评分列直接输入：分值 1（差）/3（合格）/5（优秀），选项按序号或文字，计量项输入数值；"
                              "N 或 - 为不适用。回车或 Tab 跳到下一项，每项输入后立即保存。"), self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = SheetTable(len(self.form.items), 6, self)
        self.table.setObjectName("scoreSheet")
        self.table.setHorizontalHeaderLabels([self.tr("环节"), self.tr("评估指标"), self.tr("评估内容"),
                                              self.tr("权重"), self.tr("评分"), self.tr("说明")])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 70), (1, 110), (3, 44), (4, 70), (5, 160)):
            self.table.setColumnWidth(column, width)
        self._loading = True
        for row, item in enumerate(self.form.items):
            criterion = item.criterion
            if item.kind == "choice":
                criterion += "（" + "、".join(f"{n}={label}" for n, (label, _p) in enumerate(item.options, 1)) + "）"
            elif item.kind == "measure":
                criterion += f"（{item.unit}；≤{item.target:g} 满分，≥{item.limit:g} 不得分）"
            for column, text in enumerate((item.phase, item.indicator, criterion, f"{item.weight:g}")):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, cell)
            entry = self.entries.get(item.key)
            self.table.setItem(row, VALUE, QTableWidgetItem(shown(item, entry.value) if entry else ""))
            self.table.setItem(row, COMMENT, QTableWidgetItem(entry.comment if entry else ""))
        self._loading = False
        self.table.resizeRowsToContents()
        self.table.itemChanged.connect(self._changed)
        layout.addWidget(self.table, 1)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(self)
        self.submit_button = buttons.addButton(self.tr("提交（提交后不能再修改）"), QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.submit_button.clicked.connect(self.submit)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.table.setCurrentCell(0, VALUE)
        self._show_state()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # the criteria wrap to the width the columns have once the layout has settled
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    # --- entries

    def _changed(self, cell: QTableWidgetItem) -> None:
        if self._loading or cell.column() not in (VALUE, COMMENT):
            return
        if cell.column() == VALUE and not cell.text().strip():  # emptied: nothing to store
            return
        self._queue.append((cell.row(), cell.column(), cell.text()))
        self._next()

    def _next(self) -> None:
        if self.busy() or not self._queue:
            return
        row, column, text = self._queue.popleft()
        item = self.form.items[row]
        stored = self.entries.get(item.key)
        comment = text if column == COMMENT else (stored.comment if stored else "")
        if column == VALUE:
            try:
                value = parse(item, text)
            except ValueError:
                self._refuse(row, self.tr("“{0}”：无法识别“{1}”").format(item.indicator, text))
                self._next()
                return
        else:
            if stored is None:  # a comment before a score: kept in the cell, saved with the score
                self._next()
                return
            value = stored.value
        self.store(row, item, value, comment)

    def _saved(self, row: int, item: Item, value: float | str | None, comment: str) -> None:
        self.entries[item.key] = Entry(value, comment)
        self._paint(row, None)
        self._show_state(self.tr("已保存：{0} = {1}").format(item.indicator, shown(item, value)))

    def _invalid(self, row: int, error: ValidationError) -> None:
        self._refuse(row, "；".join(e.message for e in error.errors))

    def _refuse(self, row: int, message: str) -> None:
        item = self.form.items[row]
        stored = self.entries.get(item.key)
        self._loading = True
        self.table.item(row, VALUE).setText(shown(item, stored.value) if stored else "")
        self._loading = False
        self._paint(row, BAD)
        self.status_label.setText(self.tr("未保存：{0}").format(message))

    def _paint(self, row: int, colour: QColor | None) -> None:
        self._loading = True  # a colour change is an itemChanged too: not an entry
        try:
            self.table.item(row, VALUE).setBackground(QBrush(colour) if colour is not None else QBrush())
        finally:
            self._loading = False

    def _show_state(self, last: str = "") -> None:
        done = len(self.entries)
        text = self.tr("已评 {0} / {1} 项").format(done, len(self.form.items))
        if self.status == "submitted":
            text = self.tr("已提交，不能再修改。") + self._results_text()
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.submit_button.setEnabled(False)
        self.status_label.setText(f"{last}　{text}" if last else text)

    def _submitted(self) -> None:
        self.status = "submitted"
        self._show_state()
        self.sig_submitted.emit(0)


class ScoreSheetDialog(SheetDialog):
    """A sheet in the database: each entry one write through the write flow, in order, with the
    sheet's version."""

    def __init__(self, db: Database, runner: TaskRunner, drill_id: int, sheet_id: int, *, actor: Actor,
                 parent: QWidget | None = None) -> None:
        self._db, self._runner, self._actor = db, runner, actor
        self.drill_id, self.sheet_id = drill_id, sheet_id
        with db.read() as s:
            form = scoring.frozen_form(s, drill_id)
            own = s.get(ScoreSheet, sheet_id)
            assert own is not None
            view = next(v for v in scoring.sheets_for(s, drill_id, own.evaluator) if v.id == sheet_id)
        self.version = view.version
        super().__init__(form, view.evaluator, dict(view.sheet.entries) if view.sheet else {}, view.status,
                         parent=parent)

    def store(self, row: int, item: Item, value: float | str | None, comment: str) -> None:
        sheet_id, version = self.sheet_id, self.version

        def work(uow: UnitOfWork) -> int:
            return scoring.enter(uow, sheet_id, item.key, value, version, comment=comment)

        def saved(new_version: int) -> None:
            self.version = new_version
            self._saved(row, item, value, comment)

        op: WriteOp[int] = WriteOp(self, self._runner, self._db, self._actor, work, title=self.tr("无法保存评分"))
        op.success(saved)
        op.invalid(lambda error: self._invalid(row, error))
        op.ended(lambda _outcome: self._next())
        self.write_op = op
        op.run()

    def _results_text(self) -> str:
        with self._db.read() as s:
            result = scoring.results(s, self.drill_id)
        parts = [self.tr("已提交的 {0} 份评估表：总分 {1}，等级 {2}").format(
            len(result.evaluators), f"{result.total:g}" if result.total is not None else "—", result.grade or "—")]
        if result.disagreements:
            parts.append(self.tr("分歧较大的项：") + "、".join(r.item.indicator for r in result.disagreements))
        return "；".join(parts) + "。"

    def submit(self) -> WriteOp[int] | None:
        if self.busy():
            return None
        sheet_id, version = self.sheet_id, self.version

        def submitted(new_version: int) -> None:
            self.version = new_version
            self._submitted()

        op: WriteOp[int] = WriteOp(self, self._runner, self._db, self._actor,
                                   lambda uow: scoring.submit(uow, sheet_id, version), title=self.tr("无法提交"))
        op.success(submitted)
        op.invalid(lambda error: self.status_label.setText("；".join(e.message for e in error.errors)))
        self.write_op = op
        op.run()
        return op


class FileSheetDialog(SheetDialog):
    """An offline sheet file (``models.drills.offline``) scored on a machine without the database:
    each entry is checked against the form in the file and the file written again at once."""

    def __init__(self, path: Path, *, parent: QWidget | None = None) -> None:
        self.path = path
        self.sheet = OfflineSheet.from_bytes(path.read_bytes())
        super().__init__(self.sheet.parsed_form(), self.sheet.evaluator, self.sheet.entries,
                         "submitted" if self.sheet.submitted else "open", parent=parent)
        self.setWindowTitle(self.tr("离线评估表 — {0}（{1}）").format(self.evaluator, self.sheet.drill_title))

    def _write(self) -> None:
        write_atomically(self.path, self.sheet.to_bytes())  # never a half-written file

    def store(self, row: int, item: Item, value: float | str | None, comment: str) -> None:
        try:
            self.sheet.enter(item.key, value, comment)
            self._write()
        except (OfflineSheetError, OSError) as exc:
            self._refuse(row, str(exc))
        else:
            self._saved(row, item, value, comment)
        self._next()

    def _results_text(self) -> str:
        return self.tr("请把文件带回联网的电脑，在“演练”页用“导入离线评估表”导入。")

    def submit(self) -> None:
        try:
            self.sheet.submit()
            self._write()
        except (OfflineSheetError, OSError) as exc:
            self.status_label.setText(str(exc))
            return
        self._submitted()


def open_sheet(actor: Actor, drill_id: int, evaluator: str | None = None) -> Callable[[UnitOfWork], int]:
    """The write that makes sure the drill is being evaluated and ``evaluator`` (by default the
    signed-in user; a paper sheet's evaluator when it is keyed in afterwards) has a sheet; returns its id."""
    name = " ".join((evaluator or actor.name).split())

    def work(uow: UnitOfWork) -> int:
        if uow.session.scalar(select(DrillEvaluation.id).where(DrillEvaluation.drill_id == drill_id)) is None:
            scoring.start_evaluation(uow, drill_id)
        sheet = uow.session.scalar(select(ScoreSheet.id).where(ScoreSheet.drill_id == drill_id,
                                                               ScoreSheet.evaluator == name))
        return int(sheet) if sheet is not None else scoring.add_evaluator(uow, drill_id, name)

    return work

