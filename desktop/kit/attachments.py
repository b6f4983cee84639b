"""The attachment list of a form: files of one kind kept with a record (a plan's 评审纪要 …).

Changes are staged: files added or removed here are written only when the form is saved, in the
same unit of work as the record (``staged()`` is taken on the window thread when the save starts;
its ``apply`` runs on the writer thread, through the owning module's ``add`` / ``remove``
commands), so 取消 leaves the record as it was and a refused save loses nothing. A file is checked when it is added (type, content, size) and refused at once
with the reason, before anything is staged.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.kit import messages
from models.core import attachments as pa
from models.core.database import Database
from models.core.errors import DeskError
from models.core.uow import UnitOfWork

AddFile = Callable[[UnitOfWork, int, str, str, bytes], int]  # (uow, owner id, kind, filename, data)
RemoveFile = Callable[[UnitOfWork, int, int], None]  # (uow, attachment id, expected version)


@dataclass(frozen=True)
class Commands:
    """The owning module's write commands for its records' files (they check the owner may change)."""

    add: AddFile
    remove: RemoveFile


@dataclass(frozen=True)
class PendingFile:
    """A file chosen in this form, not yet saved."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class StagedFiles:
    """What a save writes besides the record: files to remove (id, version) and files to add."""

    commands: Commands
    kind: str
    removed: tuple[tuple[int, int], ...]
    added: tuple[PendingFile, ...]

    def apply(self, uow: UnitOfWork, owner_id: int) -> None:
        """Write the staged changes in the save's unit of work (on the writer thread)."""
        for attachment_id, version in self.removed:
            self.commands.remove(uow, attachment_id, version)
        for pending in self.added:
            self.commands.add(uow, owner_id, self.kind, pending.filename, pending.data)


def open_with_system(path: Path) -> bool:
    """Open a file with the program the system associates with it (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AttachmentList(QWidget):
    """Files of one ``kind`` kept with a record of ``owner_type``; staged until ``apply``."""

    sig_changed = Signal()

    def __init__(self, db: Database, owner_type: str, kind: str, commands: Commands,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._owner_type = owner_type
        self._kind = kind
        self._commands = commands
        self._stored: list[pa.AttachmentInfo] = []
        self._removed: set[int] = set()
        self._pending: list[PendingFile] = []
        self._opened_dir: tempfile.TemporaryDirectory[str] | None = None
        label = pa.attachment_rules().kind_label(owner_type, kind)
        self.list = QListWidget(self)
        self.list.setObjectName("attachmentList")
        self.list.setMaximumHeight(72)
        self.list.setToolTip(self.tr("双击打开；保存后才写入数据库"))
        self.list.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(self.tr("添加{0}…").format(label), self)
        self.add_button.clicked.connect(self.browse)
        self.open_button = QPushButton(self.tr("打开"), self)
        self.open_button.clicked.connect(self.open_selected)
        self.save_as_button = QPushButton(self.tr("另存为…"), self)
        self.save_as_button.clicked.connect(self.save_selected_as)
        self.remove_button = QPushButton(self.tr("移除"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.open_button, self.save_as_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self._refresh()

    # --- state ----------------------------------------------------------------------------------------

    def load(self, owner_id: int | None, *, keep_staged: bool = False) -> None:
        """Show the record's stored files (none for a new record) and drop staged changes
        (``keep_staged``: keep the files added, and the removals of files still stored)."""
        removed, pending = (self._removed, self._pending) if keep_staged else (set(), [])
        self._stored = []
        if owner_id is not None:
            with self._db.read() as session:
                self._stored = pa.listing(session, self._owner_type, owner_id, self._kind)
        self._removed = {a.id for a in self._stored if a.id in removed}
        self._pending = list(pending)
        self._refresh()

    def has_changes(self) -> bool:
        return bool(self._removed or self._pending)

    def filenames(self) -> list[str]:
        """The files the record will have after saving, in list order."""
        return [a.filename for a in self._stored if a.id not in self._removed] + [p.filename for p in self._pending]

    def staged(self) -> StagedFiles:
        """The staged changes as they are now, for a save to write (``StagedFiles.apply``)."""
        return StagedFiles(self._commands, self._kind,
                           tuple((a.id, a.version) for a in self._stored if a.id in self._removed),
                           tuple(self._pending))

    # --- actions --------------------------------------------------------------------------------------

    def browse(self) -> None:
        rules = pa.attachment_rules()
        patterns = " ".join(f"*{ext}" for ext in rules.extensions_for(self._owner_type, self._kind))
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择文件"), "",
                                                self.tr("{0} ({1})").format(rules.kind_label(self._owner_type,
                                                                                             self._kind), patterns))
        for path in paths:
            if not self.add_file(Path(path)):
                break

    def add_file(self, path: Path) -> bool:
        """Stage a file after checking it; a refused file is explained and nothing is staged."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            messages.warn(self, self.tr("无法添加文件"),
                          self.tr("无法读取 {0}：{1}").format(path.name, exc.strerror or exc))
            return False
        try:
            pa.check_file(self._owner_type, self._kind, path.name, data)
        except DeskError as exc:
            messages.warn(self, self.tr("无法添加文件"), str(exc))
            return False
        self._pending.append(PendingFile(path.name, data))
        self._refresh(select=self.list.count())
        self.sig_changed.emit()
        return True

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        entry = self._entry(row)
        if entry is None:
            return
        if isinstance(entry, PendingFile):
            self._pending.remove(entry)
        else:
            self._removed.add(entry.id)
        self._refresh(select=row)
        self.sig_changed.emit()

    def selected_file(self) -> tuple[str, bytes] | None:
        entry = self._entry(self.list.currentRow())
        if entry is None:
            return None
        if isinstance(entry, PendingFile):
            return entry.filename, entry.data
        with self._db.read() as session:
            return pa.file_data(session, entry.id)

    def _picked(self, failure_title: str) -> tuple[str, bytes] | None:
        """The selected file, or None (nothing selected, or it could not be read: said)."""
        try:
            return self.selected_file()
        except DeskError as exc:
            messages.warn(self, failure_title, str(exc))
            return None

    def open_selected(self) -> None:
        picked = self._picked(self.tr("无法打开"))
        if picked is None:
            return
        if self._opened_dir is None:
            self._opened_dir = tempfile.TemporaryDirectory(prefix="emergency-desk-")
        path = Path(self._opened_dir.name) / picked[0]
        path.write_bytes(picked[1])
        if not open_with_system(path):
            messages.warn(self, self.tr("无法打开"),
                          self.tr("系统中没有能打开“{0}”的程序，可用“另存为…”保存后再打开。").format(picked[0]))

    def save_selected_as(self) -> None:
        picked = self._picked(self.tr("无法保存"))
        if picked is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, self.tr("另存为"), picked[0])
        if not target:
            return
        try:
            Path(target).write_bytes(picked[1])
        except OSError as exc:
            messages.warn(self, self.tr("无法保存"), self.tr("无法写入 {0}：{1}").format(target, exc.strerror or exc))

    # --- display --------------------------------------------------------------------------------------

    def _entries(self) -> list[pa.AttachmentInfo | PendingFile]:
        return [a for a in self._stored if a.id not in self._removed] + list(self._pending)

    def _entry(self, row: int) -> pa.AttachmentInfo | PendingFile | None:
        entries = self._entries()
        return entries[row] if 0 <= row < len(entries) else None

    def _refresh(self, select: int = -1) -> None:
        self.list.clear()
        for entry in self._entries():
            if isinstance(entry, PendingFile):
                text = self.tr("{0}（{1}，保存后写入）").format(entry.filename, pa.size_text(len(entry.data)))
            else:
                text = self.tr("{0}（{1}，{2} 添加）").format(entry.filename, pa.size_text(entry.size),
                                                          entry.created_at.strftime("%Y-%m-%d"))
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.ToolTipRole, text)
        if not self._entries():
            placeholder = QListWidgetItem(self.tr("（尚未添加）"), self.list)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        elif select >= 0:
            self.list.setCurrentRow(min(select, len(self._entries()) - 1))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self._entry(self.list.currentRow()) is not None
        for button in (self.open_button, self.save_as_button, self.remove_button):
            button.setEnabled(has)
