"""The 演练文件 dialog (a drill's documents, AQ/T 9007) and the 演练档案 export.

Tabs: 工作方案 and 保障方案 (a text per section of the reference data, its hint as placeholder),
演练脚本 and 签到表 (tables made for the keyboard: Tab past the last cell or Ctrl+Enter adds a row,
Ctrl+Delete removes one, Alt+↑/↓ moves it; rows left wholly empty are dropped), 演练记录 (notes and
the photos, videos and files kept with it, staged until saved). One save writes every tab as one
version through the write flow; a refused save marks the row and field it names and keeps what was
typed. Parts the drill's status does not let change are read-only and say why (the record before the
drill is held; everything once it is done or cancelled).

``DossierExport`` writes the 演练档案 (PDF, or Word) in the background with progress; 取消 leaves no file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.attachments import AttachmentList, Commands, StagedFiles
from desktop.kit.exporting import ask_save_path
from desktop.kit.forms import RecordForm, Saved
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.windows import fit_to_screen
from models.core import attachments as pa
from models.core.database import Database
from models.core.errors import FieldError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork
from models.drills import documents as dd
from models.drills.documents import DocumentsData, ScriptStep, SignInRow
from models.drills.entities import DrillDocument

RULES = dd.document_rules()
PARTS = RULES.parts
SECTION_PARTS = ("work_plan", "support_plan")
STEP_COLUMNS = ("start", "step", "responsible", "expected")
SIGN_COLUMNS = ("name", "unit", "duty", "phone", "signed")
FILE_KINDS = ("photo", "video", "sign_scan", "other")
LABELS: dict[str, str] = {
    **{f"{part}.{s.key}": s.label for part in SECTION_PARTS for s in RULES.sections(part)},
    "work_plan": PARTS["work_plan"].label, "support_plan": PARTS["support_plan"].label,
    "steps": PARTS["script"].label, "sign_ins": PARTS["sign_in"].label, "record_notes": PARTS["record"].label,
}
ORDER = (*(f"work_plan.{s.key}" for s in RULES.sections("work_plan")), "steps",
         *(f"support_plan.{s.key}" for s in RULES.sections("support_plan")), "sign_ins", "record_notes")
TAB_OF = {"work_plan": 0, "steps": 1, "support_plan": 2, "sign_ins": 3, "record_notes": 4}  # field prefix → tab
PART_OF_TAB = ("work_plan", "script", "support_plan", "sign_in", "record")


def _tr(text: str) -> str:
    return QCoreApplication.translate("DrillDocuments", text)


class RowsTable(QTableWidget):
    """A table to type rows into: Tab past the last cell or Ctrl+Enter adds a row (Ctrl+Enter below
    the current one), Ctrl+Delete removes the current row, Alt+↑ / Alt+↓ move it. ``checks``: the
    columns that are check boxes (Space toggles them)."""

    sig_rows_changed = Signal()

    def __init__(self, headers: Sequence[str], checks: Sequence[int] = (), parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.checks = tuple(checks)
        self.setHorizontalHeaderLabels(list(headers))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.setWordWrap(True)
        self.setTabKeyNavigation(True)
        self.verticalHeader().setDefaultSectionSize(28)
        self.horizontalHeader().setHighlightSections(False)

    # rows as plain values
    def values(self) -> list[list[Any]]:
        out = []
        for r in range(self.rowCount()):
            row: list[Any] = []
            for c in range(self.columnCount()):
                item = self.item(r, c)
                if c in self.checks:
                    row.append(item is not None and item.checkState() == Qt.CheckState.Checked)
                else:
                    row.append(item.text() if item is not None else "")
            out.append(row)
        return out

    def set_values(self, rows: Sequence[Sequence[Any]]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for values in rows:
            self._insert(self.rowCount(), values)
        self.blockSignals(False)
        self.sig_rows_changed.emit()

    def _insert(self, at: int, values: Sequence[Any] = ()) -> None:
        self.insertRow(at)
        for c in range(self.columnCount()):
            value = values[c] if c < len(values) else ("" if c not in self.checks else False)
            item = QTableWidgetItem()
            if c in self.checks:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            else:
                item.setText(str(value))
            self.setItem(at, c, item)

    # editing rows
    def add_row(self, below: bool = True) -> int:
        at = self.currentRow() + 1 if below and self.currentRow() >= 0 else self.rowCount()
        self._insert(at)
        self.setCurrentCell(at, 0)
        self.sig_rows_changed.emit()
        self.itemChanged.emit(self.item(at, 0))
        return at

    def remove_row(self) -> None:
        row = self.currentRow()
        if row < 0:
            return
        column = max(self.currentColumn(), 0)
        self.removeRow(row)
        if self.rowCount():
            self.setCurrentCell(min(row, self.rowCount() - 1), column)
        self.sig_rows_changed.emit()
        self.itemChanged.emit(QTableWidgetItem())

    def move_row(self, delta: int) -> None:
        row, column = self.currentRow(), max(self.currentColumn(), 0)
        target = row + delta
        if row < 0 or not 0 <= target < self.rowCount():
            return
        values = self.values()
        values[row], values[target] = values[target], values[row]
        self.blockSignals(True)
        for r in (row, target):
            self.removeRow(r)
            self._insert(r, values[r])
        self.blockSignals(False)
        self.setCurrentCell(target, column)
        self.sig_rows_changed.emit()
        self.itemChanged.emit(self.item(target, column))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if ctrl and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add_row()
            return
        if ctrl and key == Qt.Key.Key_Delete:
            self.remove_row()
            return
        if alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_row(-1 if key == Qt.Key.Key_Up else 1)
            return
        last = self.currentRow() == self.rowCount() - 1 and self.currentColumn() == self.columnCount() - 1
        if key == Qt.Key.Key_Tab and not mods and (last or self.rowCount() == 0):
            self._insert(self.rowCount())
            self.setCurrentCell(self.rowCount() - 1, 0)
            self.sig_rows_changed.emit()
            return
        super().keyPressEvent(event)


def _row_tools(table: RowsTable, parent: QWidget, noun: str) -> QHBoxLayout:
    bar = QHBoxLayout()
    bar.setContentsMargins(0, 0, 0, 0)
    buttons = []
    for text, tip, slot in ((_tr("添加{0}").format(noun), _tr("在当前行下面添加（Ctrl+Enter；在最后一格按 Tab 也会添加）"),
                             table.add_row),
                            (_tr("删除{0}").format(noun), _tr("删除当前行（Ctrl+Delete）"), table.remove_row),
                            (_tr("上移"), _tr("把当前行上移（Alt+↑）"), lambda: table.move_row(-1)),
                            (_tr("下移"), _tr("把当前行下移（Alt+↓）"), lambda: table.move_row(1))):
        button = QPushButton(text, parent)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        bar.addWidget(button)
        buttons.append(button)
    bar.addStretch(1)
    hint = QLabel(_tr("Ctrl+Enter 添加行，Ctrl+Delete 删除行，Alt+↑/↓ 移动行；整行留空的不保存"), parent)
    hint.setStyleSheet("color: #666;")
    bar.addWidget(hint)
    table.tool_buttons = buttons  # type: ignore[attr-defined]
    return bar


class DrillDocumentsDialog(RecordForm[DocumentsData]):
    """The documents of one drill (``record_id`` is the drill's id; the version is the documents')."""

    labels = LABELS
    order = ORDER
    grow_for_errors = False

    def __init__(self, db: Database, runner: TaskRunner, drill_id: int, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=drill_id, actor=actor, parent=parent)
        self.setObjectName("DrillDocumentsDialog")
        self.setWindowTitle(self.tr("演练文件"))
        self.document_id: int | None = None
        self.status = ""
        self.notes: dict[int, QLabel] = {}
        self._build()
        self.reload()
        fit_to_screen(self, QSize(940, 660))

    # --- building

    def _sections_tab(self, part: str) -> QWidget:
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        box = QWidget(area)
        form = self._form(box)
        for spec in RULES.sections(part):
            name = f"{part}.{spec.key}"
            edit = QPlainTextEdit(box)
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText(spec.hint)
            edit.setMinimumHeight(64 if spec.hint.count("\n") < 2 else 104)
            edit.setObjectName(name)
            self.widgets[name] = edit
            label = QLabel(spec.label, box)
            label.setBuddy(edit)
            form.addRow(label, self.errors.holder(box, name))
        area.setWidget(box)
        return area

    def _tab(self, index: int, content: QWidget) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        note = QLabel(page)
        note.setObjectName(f"partNote{index}")
        note.setWordWrap(True)
        note.setStyleSheet("color: #8a4b00;")
        note.hide()
        self.notes[index] = note
        layout.addWidget(note)
        layout.addWidget(content, 1)
        return page

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        self.steps = RowsTable([STEP_LABELS_SHORT[c] for c in STEP_COLUMNS], parent=self)
        self.steps.setObjectName("scriptSteps")
        self.steps.setToolTip(self.tr("时间写成 09:00，或相对开始时刻的 T+15（开始后第 15 分钟）"))
        header = self.steps.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.steps.setColumnWidth(0, 72)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.steps.setColumnWidth(2, 130)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.widgets["steps"] = self.steps
        script = QWidget(self)
        box = QVBoxLayout(script)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(_row_tools(self.steps, script, self.tr("步骤")))
        box.addWidget(self.errors.holder(script, "steps"), 1)

        self.sign_ins = RowsTable([SIGN_LABELS_SHORT[c] for c in SIGN_COLUMNS], checks=(4,), parent=self)
        self.sign_ins.setObjectName("signIns")
        for column, width in enumerate((110, 200, 130, 130, 64)):
            self.sign_ins.setColumnWidth(column, width)
        self.sign_ins.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.widgets["sign_ins"] = self.sign_ins
        signs = QWidget(self)
        box = QVBoxLayout(signs)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(_row_tools(self.sign_ins, signs, self.tr("人员")))
        box.addWidget(self.errors.holder(signs, "sign_ins"), 1)

        record = QWidget(self)
        form = self._form(record)
        notes = QPlainTextEdit(record)
        notes.setTabChangesFocus(True)
        notes.setPlaceholderText(self.tr("按时间记下演练经过，如：09:00 总指挥宣布演练开始；09:05 储运车间报告发生泄漏……"))
        notes.setMinimumHeight(120)
        self.widgets["record_notes"] = notes
        label = QLabel(LABELS["record_notes"], record)
        label.setBuddy(notes)
        form.addRow(label, self.errors.holder(record, "record_notes"))
        self.files: dict[str, AttachmentList] = {}
        commands = Commands(dd.add_attachment, dd.remove_attachment)
        for kind in FILE_KINDS:
            files = AttachmentList(self._db, dd.OWNER, kind, commands, record)
            files.setObjectName(f"files_{kind}")
            self.files[kind] = files
            self.inputs += [files.add_button, files.remove_button]
            form.addRow(pa.attachment_rules().kind_label(dd.OWNER, kind), files)

        for index, (title, content) in enumerate(((self.tr("工作方案"), self._sections_tab("work_plan")),
                                                  (self.tr("演练脚本"), script),
                                                  (self.tr("保障方案"), self._sections_tab("support_plan")),
                                                  (self.tr("签到表"), signs), (self.tr("演练记录"), record))):
            self.tabs.addTab(self._tab(index, content), title)
        layout.addWidget(self.make_buttons())
        for n in range(5):  # Alt+1 … Alt+5: the tabs
            shortcut = QShortcut(QKeySequence(f"Alt+{n + 1}"), self)
            shortcut.activated.connect(lambda n=n: self.tabs.setCurrentIndex(n))

    # --- data in and out

    def read(self, session: Session) -> tuple[DocumentsData, int]:
        assert self.record_id is not None
        loaded = dd.load(session, self.record_id)
        self.document_id = loaded.document_id
        self.status = loaded.drill_status
        self.setWindowTitle(self.tr("演练文件 — {0}").format(loaded.drill_title))
        return loaded.data, loaded.version  # type: ignore[return-value]  # None: no documents yet

    def show_record(self, data: DocumentsData, version: int | None, *, keep_staged: bool = False) -> None:
        for files in self.files.values():
            files.load(self.document_id, keep_staged=keep_staged)
        super().show_record(data, version, keep_staged=keep_staged)
        self._lock_parts()

    def _lock_parts(self) -> None:
        allowed = dd.editable_parts(self.status)
        for index, part in enumerate(PART_OF_TAB):
            note = self.notes[index]
            if part in allowed:
                note.hide()
            else:
                note.setText(dd.refusal(self.status, part))
                note.show()
            editable = part in allowed
            for name, widget in self.widgets.items():
                if TAB_OF[name.split(".")[0]] == index:
                    if isinstance(widget, QPlainTextEdit):
                        widget.setReadOnly(not editable)
                    elif isinstance(widget, RowsTable):
                        widget.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers if editable
                                               else QAbstractItemView.EditTrigger.NoEditTriggers)
                        for button in widget.tool_buttons:  # type: ignore[attr-defined]
                            button.setEnabled(editable)
            if part == "record":
                for files in self.files.values():
                    files.setEnabled(editable)
        if self.save_button is not None:
            self.save_button.setEnabled(bool(allowed))

    def fill(self, data: DocumentsData) -> None:
        for part in SECTION_PARTS:
            values = getattr(data, part)
            for spec in RULES.sections(part):
                edit = self.widgets[f"{part}.{spec.key}"]
                assert isinstance(edit, QPlainTextEdit)
                edit.setPlainText(values.get(spec.key, ""))
        self.steps.set_values([[getattr(s, c) for c in STEP_COLUMNS] for s in data.steps])
        self.sign_ins.set_values([[getattr(r, c) for c in SIGN_COLUMNS] for r in data.sign_ins])
        notes = self.widgets["record_notes"]
        assert isinstance(notes, QPlainTextEdit)
        notes.setPlainText(data.record_notes)

    def data(self) -> DocumentsData:
        out = DocumentsData()
        for part in SECTION_PARTS:
            values = {}
            for spec in RULES.sections(part):
                edit = self.widgets[f"{part}.{spec.key}"]
                assert isinstance(edit, QPlainTextEdit)
                values[spec.key] = edit.toPlainText()
            setattr(out, part, values)
        out.steps = [ScriptStep(*row) for row in self.steps.values()]
        out.sign_ins = [SignInRow(*row[:4], signed=bool(row[4])) for row in self.sign_ins.values()]
        notes = self.widgets["record_notes"]
        assert isinstance(notes, QPlainTextEdit)
        out.record_notes = notes.toPlainText()
        return out

    def command(self, data: DocumentsData) -> Callable[[UnitOfWork], Saved]:
        drill_id, version = self.record_id, self.version
        assert drill_id is not None
        staged: list[StagedFiles] = [files.staged() for files in self.files.values() if files.has_changes()]

        def write(uow: UnitOfWork) -> Saved:
            doc_id, new_version = dd.save(uow, drill_id, data, version)
            for files in staged:
                files.apply(uow, doc_id)
            if staged:
                doc = uow.session.get(DrillDocument, doc_id)
                assert doc is not None
                uow.session.flush()
                new_version = doc.version
            return Saved(drill_id, new_version)

        return write

    # --- what changed, what is wrong

    def compared_fields(self) -> list[str]:
        return ["work_plan", "support_plan", "steps", "sign_ins", "record_notes"]

    def same(self, name: str, a: Any, b: Any) -> bool:
        clean_a = DocumentsData(**{name: a}).cleaned() if a is not None else DocumentsData()
        clean_b = DocumentsData(**{name: b}).cleaned() if b is not None else DocumentsData()
        return getattr(clean_a, name) == getattr(clean_b, name)

    def value_text(self, name: str, value: Any) -> str:
        if name in SECTION_PARTS:
            specs = {s.key: s.label for s in RULES.sections(name)}
            return "；".join(f"{specs.get(k, k)}：{v.strip()}" for k, v in (value or {}).items() if v.strip()) or "（空）"
        if name == "steps":
            return " ⏎ ".join(f"{s.start} {s.step}" for s in value or []) or "（空）"
        if name == "sign_ins":
            return "、".join(r.name for r in value or [] if r.name) or "（空）"
        return super().value_text(name, value)

    def is_modified(self) -> bool:
        if any(files.has_changes() for files in self.files.values()):
            return True
        return self.loaded is not None and self.data().cleaned() != self.loaded.cleaned()

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        """Mark the table or text each error names (“steps.2.start” → the script, row 3, 时间) and
        go to the tab and the cell of the first one."""
        shown = []
        for e in errors:
            head = e.field.split(".")[0]
            shown.append(FieldError(head, e.label, e.message) if head in ("steps", "sign_ins") else e)
        super().show_errors(shown)
        first = errors[0].field if errors else ""
        head = first.split(".")[0]
        self.tabs.setCurrentIndex(TAB_OF.get(head, self.tabs.currentIndex()))
        parts = first.split(".")
        if head in ("steps", "sign_ins") and len(parts) == 3 and parts[1].isdigit():
            table, columns = (self.steps, STEP_COLUMNS) if head == "steps" else (self.sign_ins, SIGN_COLUMNS)
            if parts[2] in columns and int(parts[1]) < table.rowCount():
                table.setFocus()
                table.setCurrentCell(int(parts[1]), columns.index(parts[2]))
        elif first in self.widgets:
            self.widgets[first].setFocus()

    def refusal_title(self) -> str:
        return self.tr("无法保存演练文件")


STEP_LABELS_SHORT = {"start": "时间", "step": "演练步骤", "responsible": "责任人（单位）", "expected": "预期行动"}
SIGN_LABELS_SHORT = {"name": "姓名", "unit": "单位", "duty": "演练职责", "phone": "联系电话", "signed": "已签到"}


class DossierExport(QObject):
    """导出演练档案: ask for the file, render the dossier in the background (progress, 取消 leaves no
    file), then say where it is."""

    sig_status = Signal(str)
    sig_done = Signal(str)

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, parent: QWidget,
                 today: Callable[[], date]) -> None:
        super().__init__(parent)
        self._db, self._runner, self._settings, self._parent, self._today = db, runner, settings, parent, today
        self.task: Task | None = None

    def choose(self, title: str) -> Path | None:
        return ask_save_path(self._parent, self._settings, _tr("导出演练档案"), f"{title}演练档案", (".pdf", ".docx"))

    def start(self, drill_id: int, title: str, path: Path | None = None) -> Task | None:
        path = path or self.choose(title)
        if path is None:
            return None
        db, as_of, style_key = self._db, self._today(), self._settings.export_style

        def work(progress: Progress) -> tuple[Path, int | None, list[str]]:
            from exports.drills.dossier import render_dossier
            from exports.files import write_atomically
            from exports.styles import load_style
            from plans.drills.dossier import build_dossier

            progress.report(0, 3, _tr("正在汇集演练文件、评估表和报告…"))
            with db.read() as session:
                dossier = build_dossier(session, drill_id, as_of=as_of)
            progress.report(1, 3, _tr("正在排版 {0} 部分…").format(len(dossier.parts)))
            buffer = io.BytesIO()
            fmt = "docx" if path.suffix.lower() == ".docx" else "pdf"
            done = render_dossier(dossier, fmt, buffer, style=load_style(style_key),  # type: ignore[arg-type]
                                  cancel=lambda: progress.cancelled)
            progress.report(2, 3, _tr("正在写入 {0}…").format(path.name))
            write_atomically(path, buffer.getvalue())
            return path, done.result.pages, done.result.warnings

        task = self._runner.run(work, label=_tr("正在生成演练档案…"), title=_tr("导出演练档案"))
        task.sig_finished.connect(self._exported)
        task.sig_cancelled.connect(lambda: self.sig_status.emit(_tr("已取消导出，未生成文件")))
        self.task = task
        return task

    def _exported(self, outcome: tuple[Path, int | None, list[str]]) -> None:
        path, pages, warnings = outcome
        self.sig_status.emit(_tr("已导出演练档案：{0}").format(path))
        self.sig_done.emit(str(path))
        text = _tr("已导出演练档案{0}到：\n{1}").format(_tr("（{0} 页）").format(pages) if pages else "", path)
        if warnings:
            text += "\n\n" + _tr("注意：\n{0}").format("\n".join(warnings))
        choice = messages.info(self._parent, _tr("导出完成"), text,
                               options=[_tr("确定"), _tr("打开文件"), _tr("打开所在文件夹")])
        if choice == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        elif choice == 2:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
