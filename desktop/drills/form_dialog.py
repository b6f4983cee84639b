"""演练评估表管理: the forms drills are evaluated with (实战, 桌面), changed by an administrator.

Modelled on the plan template dialog (``desktop.plans.template_dialog``): the list of forms with
their version, origin and who changed them when; the selected form's items grouped by phase and
indicator, or in the HSEEP view (core capability → critical task); its rules (score scale, grade
bands, disagreement spread, HSEEP bands) and source. The administrator exports the form in use as
JSON, edits it, and imports it back as the form's next version, or returns to the shipped form.
Drills whose evaluation has started keep their frozen copy. Reads run as tasks (the window thread
never waits on the database), writes through the write flow; a refused import (invalid file, stale
version, no permission) says why and changes nothing. Only administrators may change a form:
for everyone else the dialog shows and exports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.kit import messages
from desktop.kit.exporting import open_json_file, save_json_file
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import WriteOp
from models.core.database import Database
from models.core.errors import ValidationError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork, os_actor
from models.drills import templates as dt
from models.drills.evaluation import KINDS, Form, Item

COLUMNS = ("评估表", "版本", "来源", "评估项", "修改人", "修改时间", "修改说明")
ITEM_COLUMNS = ("环节 / 评估指标 / 评估内容", "类型", "权重", "评分方法")
HSEEP_COLUMNS = ("核心能力 / 关键任务", "对应指标", "权重", "评分方法")


@dataclass(frozen=True)
class Forms:
    """What the dialog shows, read in one task: the list, and each form in use with its JSON."""

    infos: list[dt.FormInfo]
    forms: dict[str, Form]
    data: dict[str, dict[str, Any]]


def read_forms(db: Database) -> Forms:
    with db.read() as session:
        infos = dt.forms_info(session)
        return Forms(infos, {i.key: dt.active_form(session, i.key) for i in infos},
                     {i.key: dt.form_json(session, i.key) for i in infos})


def rules_text(form: Form, data: dict[str, Any]) -> str:
    """The form's rules in one short paragraph (what the JSON's numbers mean)."""
    scale = "、".join(f"{v:g} {label}" for v, label in form.scale)
    bands = [f"{grade} ≥ {minimum:g} 分" for grade, minimum in form.bands[:-1]]
    if len(form.bands) > 1:
        bands.append(f"{form.bands[-1][0]} 低于 {form.bands[-2][1]:g} 分")
    else:
        bands.append(form.bands[0][0])
    hseep = "、".join(f"{r} {label}（≥ {minimum:.0%}）" for r, label, minimum in form.hseep)
    weights = sum(i.weight for i in form.items)
    return (f"共 {len(form.items)} 项，权重合计 {weights:g}。评分项：{scale}。结论等级：{'、'.join(bands)}。"
            f"分歧提示：同一项各评估人得分相差超过满分的 {form.spread:.0%}。HSEEP 评级：{hseep}。")


class EvaluationFormDialog(QDialog):
    def __init__(self, db: Database, runner: TaskRunner, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._actor = actor or os_actor()
        self.admin = "admin" in self._actor.roles
        self.write_op: WriteOp[object] | None = None
        self.load_task: Task | None = None
        self.loaded = False
        self._forms: Forms | None = None
        self._keep: str | None = None
        self.setWindowTitle(self.tr("演练评估表管理"))
        self.setSizeGripEnabled(True)

        help_text = QLabel(self.tr(
            "修改评估表：导出正在使用的评估表（JSON），修改评估项（环节、指标、评估内容、权重、类型）、评分标准、"
            "计量项的目标值与界限、结论等级分数线、分歧提示阈值或 HSEEP 核心能力后导入，成为该评估表的新版本。"
            "此后开始评估的演练使用最新版本；已开始评估的演练仍按其固定的评估表计分，报告不变。"), self)
        help_text.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_form)
        self.items_tree = self._tree(ITEM_COLUMNS)
        self.hseep_tree = self._tree(HSEEP_COLUMNS)
        self.views = QTabWidget(self)
        self.views.addTab(self.items_tree, self.tr("按环节与指标"))
        self.views.addTab(self.hseep_tree, self.tr("HSEEP 视图"))
        self.rules_label = QLabel(self)
        self.rules_label.setWordWrap(True)
        self.rules_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.source_label.setStyleSheet("color: #5A6570;")
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText(self.tr("如：按区应急管理局 2026 年评估细则调整权重和等级分数线"))
        self.export_button = QPushButton(self.tr("导出 JSON…"), self)
        self.export_button.clicked.connect(self.export_selected)
        self.import_button = QPushButton(self.tr("导入修改后的评估表…"), self)
        self.import_button.clicked.connect(self.import_file)
        self.reset_button = QPushButton(self.tr("恢复内置评估表"), self)
        self.reset_button.clicked.connect(self.reset_selected)
        self.role_label = QLabel(self.tr("只有管理员可以修改评估表；您可以查看和导出。"), self)
        self.role_label.setStyleSheet("color: #8A5A00;")
        self.role_label.setVisible(not self.admin)
        self.note_edit.setEnabled(self.admin)
        self.import_button.setEnabled(self.admin)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.views, 1)
        right_layout.addWidget(self.rules_label)
        right_layout.addWidget(self.source_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([92, 560])
        form = QFormLayout()
        form.addRow(self.tr("修改说明"), self.note_edit)
        buttons = QHBoxLayout()
        for button in (self.export_button, self.import_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addWidget(self.role_label)
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
        self._set_actions()
        self.refresh()
        fit_to_screen(self, QSize(1080, 720))

    def _tree(self, columns: tuple[str, ...]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setHeaderLabels([self.tr(c) for c in columns])
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(columns)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        return tree

    # --- reading ------------------------------------------------------------------------------------

    def refresh(self, select_key: str | None = None) -> Task:
        """Read the forms in a task; the list and the selected form are shown when it has ended."""
        self._keep = select_key or self.selected_key() or self._keep or "live"
        self.loaded = False
        self._set_actions()
        self.source_label.setText(self.tr("正在读取评估表…"))
        db = self._db

        def work(_progress: Progress) -> Forms:
            return read_forms(db)

        task = self._runner.run(work, label=self.tr("正在读取演练评估表…"), title=self.tr("演练评估表"))
        task.sig_finished.connect(self._show_forms)
        self.load_task = task
        return task

    def _show_forms(self, forms: Forms) -> None:
        self._forms = forms
        self.table.blockSignals(True)
        self.table.setRowCount(len(forms.infos))
        for row, info in enumerate(forms.infos):
            values = (info.label, f"第 {info.version} 版", info.origin, str(info.items), info.changed_by,
                      info.changed_at.strftime("%Y-%m-%d %H:%M") if info.changed_at else "", info.note)
            for col, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.table.setItem(row, col, cell)
        rows = [i for i, info in enumerate(forms.infos) if info.key == self._keep]
        self.table.selectRow(rows[0] if rows else 0)
        self.table.blockSignals(False)
        self.loaded = True
        self._show_form()

    def selected_key(self) -> str | None:
        row = self.table.currentRow()
        if self._forms is None or not 0 <= row < len(self._forms.infos):
            return None
        return self._forms.infos[row].key

    def _selected_info(self) -> dt.FormInfo | None:
        key = self.selected_key()
        return next((i for i in self._forms.infos if i.key == key), None) if self._forms and key else None

    def _set_actions(self) -> None:
        info = self._selected_info() if self.loaded else None
        self.export_button.setEnabled(info is not None)
        self.import_button.setEnabled(self.admin and self.loaded)
        self.reset_button.setEnabled(self.admin and info is not None and info.customised)

    def _show_form(self) -> None:
        self._set_actions()
        self.items_tree.clear()
        self.hseep_tree.clear()
        key = self.selected_key()
        if self._forms is None or key is None:
            return
        self._keep = key
        form, data = self._forms.forms[key], self._forms.data[key]
        phases: dict[str, QTreeWidgetItem] = {}
        indicators: dict[tuple[str, str], QTreeWidgetItem] = {}
        capabilities: dict[str, QTreeWidgetItem] = {}
        for item in form.items:
            if item.phase not in phases:
                phases[item.phase] = QTreeWidgetItem(self.items_tree, [item.phase])
            place = (item.phase, item.indicator)
            if place not in indicators:
                indicators[place] = QTreeWidgetItem(phases[item.phase], [item.indicator])
            self._item_row(indicators[place], item, item.criterion, form)
            capability = item.hseep_capability
            if capability not in capabilities:
                capabilities[capability] = QTreeWidgetItem(self.hseep_tree, [capability])
            self._item_row(capabilities[capability], item, item.criterion, form, indicator=True)
        for tree in (self.items_tree, self.hseep_tree):
            tree.expandAll()
        self.rules_label.setText(rules_text(form, data))
        self.source_label.setText(self.tr("依据：{0}").format(form.source))

    def _item_row(self, parent: QTreeWidgetItem, item: Item, text: str, form: Form, *,
                  indicator: bool = False) -> None:
        rule = item.rule_text(form.scale)
        values = [text, f"{item.phase}·{item.indicator}" if indicator else KINDS[item.kind], f"{item.weight:g}", rule]
        row = QTreeWidgetItem(parent, values)
        row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.setToolTip(0, f"{item.key}：{text}")
        row.setToolTip(3, rule)

    # --- actions ------------------------------------------------------------------------------------

    def export_selected(self) -> Path | None:
        key = self.selected_key()
        if key is None or self._forms is None:
            return None
        data = self._forms.data[key]
        return save_json_file(self, self.tr("导出评估表"), f"{key}-v{data['version']}.json", data)

    def _write(self, work: Callable[[UnitOfWork], object], *, refused: str) -> WriteOp[object]:
        """Run a form change through the write flow; the buttons wait until it has ended."""
        op: WriteOp[object] = WriteOp(self, self._runner, self._db, self._actor, work, title=refused,
                                      disable=[self.import_button, self.reset_button])
        self.write_op = op
        return op

    def import_file(self) -> WriteOp[object] | None:
        opened = open_json_file(self, self.tr("导入评估表"), self.tr("评估表文件"))
        if opened is None:
            return None
        source, data = opened
        note = self.note_edit.text()
        key = str(data.get("key", "")) if isinstance(data, dict) else ""

        def imported(version: object) -> None:
            self.note_edit.clear()
            self.refresh(select_key=key)
            messages.info(self, self.tr("已导入"), self.tr(
                "已保存为第 {0} 版，此后开始评估的演练将使用它；已开始评估的演练不受影响。").format(version))

        def invalid(error: ValidationError) -> None:
            lines = "\n".join(f"· {e}" for e in error.errors)
            messages.warn(self, self.tr("无法导入"),
                          self.tr("评估表文件 {0} 有误，没有导入：\n{1}").format(source.name, lines))

        return self._write(lambda uow: dt.save_form(uow, data, note=note),
                           refused=self.tr("无法导入")).success(imported).invalid(invalid).run()

    def reset_selected(self) -> WriteOp[object] | None:
        info = self._selected_info()
        if info is None or not messages.confirm(
                self, self.tr("恢复内置评估表"),
                self.tr("恢复内置的{0}？此后开始评估的演练将使用内置评估表；已开始评估的演练不受影响，"
                        "修改过的版本仍保留。").format(info.label), yes=self.tr("恢复"), no=self.tr("取消")):
            return None
        key = info.key
        return self._write(lambda uow: dt.reset_form(uow, key), refused=self.tr("无法恢复")).success(
            lambda _result: self.refresh(select_key=key)).run()
