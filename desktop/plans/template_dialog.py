"""预案模板管理: the template each plan kind starts from, changed by an administrator.

The administrator exports the template in use as JSON, edits it (sections, required marks, guidance
text, placeholders such as ``{企业名称}``), and imports it back as the kind's next version; or
returns to the shipped GB/T 29639 template. Plans keep the template they were created from. Both
are written through the write flow (``desktop.kit.writes``, on the writer thread); a refused
import (invalid file, stale version, no permission) says why and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.kit import messages
from desktop.kit.exporting import open_json_file, save_json_file
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import WriteOp
from models.core.database import Database
from models.core.errors import DeskError
from models.core.uow import Actor, UnitOfWork, os_actor
from plans.plans import template_store as ts
from plans.template import TemplateSection

COLUMNS = ("预案类型", "模板名称", "版本", "来源", "章节数", "修改人", "修改时间", "修改说明")


class TemplateDialog(QDialog):
    def __init__(self, db: Database, runner: TaskRunner, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self.write_op: WriteOp[object] | None = None
        self._actor = actor or os_actor()
        self._infos: list[ts.TemplateInfo] = []
        self.setWindowTitle(self.tr("预案模板管理"))
        self.setSizeGripEnabled(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_sections)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("章节（★ 必备）")])
        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.source_label.setStyleSheet("color: #5A6570;")
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText(self.tr("如：按区应急管理局 2026 年格式增加“应急物资保障”章节"))
        self.export_button = QPushButton(self.tr("导出 JSON…"), self)
        self.export_button.clicked.connect(self.export_selected)
        self.import_button = QPushButton(self.tr("导入修改后的模板…"), self)
        self.import_button.clicked.connect(self.import_file)
        self.reset_button = QPushButton(self.tr("恢复内置模板"), self)
        self.reset_button.clicked.connect(self.reset_selected)

        help_text = QLabel(self.tr(
            "修改模板：导出正在使用的模板（JSON），修改章节、必备标记、编写提示或占位符（如 {企业名称}）后导入，"
            "成为该类预案的新版本。新建预案使用最新版本；已有预案仍按其创建时的模板检查完整性。"), self)
        help_text.setWordWrap(True)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tree, 1)
        right_layout.addWidget(self.source_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        form = QFormLayout()
        form.addRow(self.tr("修改说明"), self.note_edit)
        buttons = QHBoxLayout()
        for button in (self.export_button, self.import_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addWidget(splitter, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.refresh()
        fit_to_screen(self, QSize(980, 640))

    # --- display --------------------------------------------------------------------------------------

    def refresh(self, select_kind: str | None = None) -> None:
        keep = select_kind or self.selected_kind() or "comprehensive"
        with self._db.read() as session:
            self._infos = ts.template_infos(session)
        self.table.setRowCount(len(self._infos))
        for row, info in enumerate(self._infos):
            values = (info.kind_label, info.name, f"第 {info.version} 版", info.origin, str(info.sections),
                      info.changed_by, info.changed_at.strftime("%Y-%m-%d %H:%M") if info.changed_at else "",
                      info.note)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, col, item)
        rows = [i for i, info in enumerate(self._infos) if info.kind == keep]
        self.table.selectRow(rows[0] if rows else 0)
        self._show_sections()

    def selected_kind(self) -> str | None:
        row = self.table.currentRow()
        return self._infos[row].kind if 0 <= row < len(self._infos) else None

    def _show_sections(self) -> None:
        kind = self.selected_kind()
        self.tree.clear()
        if kind is None:
            return
        info = next(i for i in self._infos if i.kind == kind)
        self.reset_button.setEnabled(info.customised)
        try:
            with self._db.read() as session:
                template = ts.active_template(session, kind)
        except DeskError as exc:
            self.source_label.setText(str(exc))
            return

        def add(parent: QTreeWidget | QTreeWidgetItem, section: TemplateSection) -> None:
            item = QTreeWidgetItem(parent, [("★ " if section.required else "") + section.title])
            for child in section.children:
                add(item, child)

        for section in template.sections:
            add(self.tree, section)
        for annex in template.annexes:
            QTreeWidgetItem(self.tree, [self.tr("附件：{0}").format(annex.title)])
        self.tree.expandAll()
        self.source_label.setText(self.tr("依据：{0}").format(template.source))

    # --- actions --------------------------------------------------------------------------------------

    def export_selected(self) -> Path | None:
        kind = self.selected_kind()
        if kind is None:
            return None
        with self._db.read() as session:
            data = ts.template_json(session, kind)
        return save_json_file(self, self.tr("导出模板"), f"{kind}-v{data['version']}.json", data)

    def _write(self, work: Callable[[UnitOfWork], object], *, refused: str) -> WriteOp[object]:
        """Run a template change through the write flow; the buttons wait until it has ended."""
        op: WriteOp[object] = WriteOp(self, self._runner, self._db, self._actor, work, title=refused,
                                      disable=[self.import_button, self.reset_button])
        self.write_op = op
        return op

    def import_file(self) -> WriteOp[object] | None:
        opened = open_json_file(self, self.tr("导入模板"), self.tr("模板文件"))
        if opened is None:
            return None
        _source, data = opened
        note = self.note_edit.text()

        def imported(version: object) -> None:
            self.note_edit.clear()
            self.refresh(select_kind=str(data["kind"]))
            messages.info(self, self.tr("已导入"), self.tr("已保存为第 {0} 版，新建预案将使用它。").format(version))

        return self._write(lambda uow: ts.save_template(uow, data, note=note),
                           refused=self.tr("无法导入")).success(imported).run()

    def reset_selected(self) -> WriteOp[object] | None:
        kind = self.selected_kind()
        if kind is None or not messages.confirm(
                self, self.tr("恢复内置模板"),
                self.tr("恢复内置的 GB/T 29639 模板？新建预案将使用内置模板；已有预案不受影响，"
                        "修改过的版本仍保留。"), yes=self.tr("恢复"), no=self.tr("取消")):
            return None
        return self._write(lambda uow: ts.reset_template(uow, kind), refused=self.tr("无法恢复")).success(
            lambda _result: self.refresh(select_kind=kind)).run()
