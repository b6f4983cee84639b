"""企业 page: the enterprise register with search, filters, SQL-side sorting, the recycle bin,
editing, soft delete / restore, and Excel export of the current filter."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.enterprises.dialog import EnterpriseDialog
from desktop.enterprises.table import EnterpriseTableModel
from desktop.kit import messages
from desktop.kit.columns import ColumnFit
from desktop.kit.empty import EmptyState
from desktop.kit.exporting import ListExporter
from desktop.kit.pages import Page
from desktop.kit.settings import Settings
from desktop.kit.sorting import HeaderSorting
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import ReferenceChoices, SearchBox, add_trash_button, fill_combo, tree_items
from models.core.database import Database
from models.core.errors import DeskError
from models.core.progress import Progress
from models.core.uow import Actor, os_actor, unit_of_work
from models.enterprises import service as enterprises
from models.enterprises.queries import EnterpriseFilter, EnterpriseRow

NAME_MIN_WIDTH = 150


class EnterprisesPage(Page):
    key = "enterprises"

    sig_export_finished = Signal(str, int)
    """An Excel export was written: path and number of enterprises."""

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._settings = settings
        self._actor = actor or os_actor()
        self.choices: ReferenceChoices | None = None
        self.dialog: EnterpriseDialog | None = None
        self.exporter = ListExporter(self, runner, settings, label=self.tr("正在导出企业名录…"),
                                     unit=self.tr("家企业"))
        self.exporter.sig_finished.connect(self.sig_export_finished)
        self.model = EnterpriseTableModel(db, parent=self)
        self._build()

    @property
    def title(self) -> str:
        return self.tr("企业")

    # --- building ------------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)

        self.act_new = self._action(self.tr("新建"), self.new_enterprise, QKeySequence.StandardKey.New,
                                    self.tr("新建一家企业"))
        self.act_edit = self._action(self.tr("编辑"), self.edit_current, None, self.tr("编辑所选企业（双击行）"))
        self.act_delete = self._action(self.tr("删除"), self.delete_current, QKeySequence.StandardKey.Delete,
                                       self.tr("将所选企业移入回收站"))
        self.act_restore = self._action(self.tr("恢复"), self.restore_current, None,
                                        self.tr("将所选企业从回收站恢复"))
        self.act_copy_uscc = self._action(self.tr("复制信用代码"), self.copy_uscc, None,
                                          self.tr("复制所选企业的统一社会信用代码"))
        self.act_export = self._action(self.tr("导出Excel"), self.export_excel, QKeySequence("Ctrl+E"),
                                       self.tr("把当前筛选出的企业导出为 Excel 工作簿"))
        self.act_search = self._action(self.tr("搜索"), self._focus_search, QKeySequence.StandardKey.Find, "")
        self.act_restore.setVisible(False)

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.act_new, self.act_edit, self.act_delete, self.act_restore):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_export)
        self.trash_button = add_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的企业，可以恢复"))
        self.trash_button.toggled.connect(self._on_trash_toggled)
        layout.addWidget(self.toolbar)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.search = SearchBox(self.tr("搜索名称、信用代码、地址"), self)
        self.search.setMinimumWidth(240)
        self.search.sig_search.connect(self.apply_filter)
        filters.addWidget(self.search, 2)

        self.industry_combo = self._combo(self.tr("全部行业"), self.tr("行业"))
        self.risk_combo = self._combo(self.tr("全部风险等级"), self.tr("风险等级"))
        self.department_combo = self._combo(self.tr("全部监管部门"), self.tr("监管部门"))
        self.region_combo = self._combo(self.tr("全部区域"), self.tr("所属区域"))
        for combo in (self.industry_combo, self.risk_combo, self.department_combo, self.region_combo):
            filters.addWidget(combo, 1)
        self.clear_button = QPushButton(self.tr("清除筛选"), self)
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(0)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setMinimumWidth(120)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        filters.addWidget(self.count_label)
        layout.addLayout(filters)

        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_context_menu)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.sorting = HeaderSorting(self.view, self.model)
        self.sorting.sig_status.connect(self.sig_status)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        # Sized to their content once rows are there; the name takes the room the others leave.
        model = self.model
        self.columns = ColumnFit(self.view, stretch=model.NAME_COLUMN, stretch_minimum=NAME_MIN_WIDTH,
                                 maximum={model.INDUSTRY_COLUMN: 110, model.REGION_COLUMN: 150,
                                          model.DEPARTMENT_COLUMN: 120}, sortable=model.is_sortable)
        self.view.selectionModel().currentRowChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.model.sig_count_changed.connect(self._show_count)
        self.empty_state = EmptyState(self.view, self._describe_empty)
        layout.addWidget(self.view, 1)

        for action in (self.act_new, self.act_edit, self.act_delete, self.act_restore, self.act_copy_uscc,
                       self.act_export, self.act_search):
            self.addAction(action)
        self._update_actions()

    def _action(self, text: str, slot: object, shortcut: QKeySequence | QKeySequence.StandardKey | None,
                tip: str) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        return action

    def _combo(self, all_text: str, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tip)
        combo.addItem(all_text, None)
        combo.setMinimumContentsLength(7)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(self.apply_filter)
        return combo

    # --- loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        self.choices = ReferenceChoices.load(self._db)
        self._fill_filter_combos(self.choices)
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())
        self.model.prefetch(0)

    def refresh(self) -> None:
        """Count and fetch again, keeping the filter and the current row."""
        current = self.view.currentIndex().row()
        self.model.refresh()
        if 0 <= current < self.model.rowCount():
            self.view.selectRow(current)

    def _fill_filter_combos(self, choices: ReferenceChoices) -> None:
        fill_combo(self.industry_combo, tree_items(choices.industries),
                   first=(self.tr("全部行业"), None))
        fill_combo(self.risk_combo, [(c.name, c.id) for c in choices.risk_levels],
                   first=(self.tr("全部风险等级"), None))
        fill_combo(self.department_combo, [(c.name, c.id) for c in choices.departments],
                   first=(self.tr("全部监管部门"), None))
        fill_combo(self.region_combo, tree_items(choices.regions),
                   first=(self.tr("全部区域"), None))

    # --- filtering and sorting -----------------------------------------------------------------------

    @property
    def in_trash(self) -> bool:
        return self.trash_button.isChecked()

    def current_filter(self) -> EnterpriseFilter:
        choices = self.choices
        industry = self.industry_combo.currentData()
        region = self.region_combo.currentData()
        industry_ids: tuple[int, ...] = ()
        region_ids: tuple[int, ...] = ()
        if choices is not None and industry is not None:
            industry_ids = choices.industry_ids_with_children(industry)
        if choices is not None and region is not None:
            region_ids = choices.region_ids_with_children(region)
        return EnterpriseFilter(
            text=self.search.text().strip(),
            industry_ids=industry_ids,
            risk_level_id=self.risk_combo.currentData(),
            department_id=self.department_combo.currentData(),
            region_ids=region_ids,
            deleted=self.in_trash,
        )

    def apply_filter(self) -> None:
        self.search.cancel_pending()
        if not self.activated:
            return
        flt = self.current_filter()
        if flt != self.model.filter or not self.model.loaded:
            self.model.set_filter(flt)

    def clear_filters(self) -> None:
        for combo in (self.industry_combo, self.risk_combo, self.department_combo, self.region_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_trash_toggled(self, on: bool) -> None:
        self.act_new.setVisible(not on)
        self.act_edit.setVisible(not on)
        self.act_delete.setVisible(not on)
        self.act_restore.setVisible(on)
        self.apply_filter()
        self._update_actions()

    def _show_count(self, count: int) -> None:
        if self.in_trash:
            self.count_label.setText(self.tr("回收站中共 {0} 家企业").format(count))
        else:
            self.count_label.setText(self.tr("共 {0} 家企业").format(count))

    def _describe_empty(self) -> tuple[str, str]:
        """What the empty list says: the recycle bin, a filter that matches nothing, or no data yet."""
        if not self.model.loaded:
            return "", ""
        filtered = self.model.filter != EnterpriseFilter(deleted=self.in_trash)
        if filtered:
            title = self.tr("回收站中没有符合条件的企业") if self.in_trash else self.tr("没有符合条件的企业")
            return title, self.tr("请修改搜索词或筛选条件，或点击“清除筛选”。")
        if self.in_trash:
            return self.tr("回收站是空的"), self.tr(
                "删除的企业会先移入回收站，可以在这里恢复。点击“回收站（点击返回）”回到企业名录。")
        return self.tr("还没有企业"), self.tr(
            "点击工具栏上的“新建”录入第一家企业，或从“文件”菜单打开演示数据库看看各项功能。")

    def _update_actions(self) -> None:
        has_row = self.current_row() is not None
        for action in (self.act_edit, self.act_delete, self.act_restore, self.act_copy_uscc):
            action.setEnabled(has_row)
        self.act_export.setEnabled(self.model.rowCount() > 0)

    # --- rows and actions ----------------------------------------------------------------------------

    def current_row(self) -> EnterpriseRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.enterprise_at(index.row())

    def select_row(self, row: int) -> None:
        self.view.selectRow(row)
        self.view.setCurrentIndex(self.model.index(row, 0))

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        if self.in_trash:
            self.sig_status.emit(self.tr("回收站中的企业需先恢复才能编辑"))
            return
        self.edit_current()

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction(self.act_restore)
        else:
            menu.addAction(self.act_edit)
            menu.addAction(self.act_delete)
        menu.addSeparator()
        menu.addAction(self.act_copy_uscc)
        menu.addAction(self.act_export)
        if not self.in_trash:
            menu.addSeparator()
            menu.addAction(self.act_new)
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.select_row(index.row())
        menu = self.build_context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _writer_busy(self) -> bool:
        """Refuse to start a change while a background task writes (e.g. demo data being generated)."""
        if not self._runner.writing:
            return False
        messages.warn(self, self.tr("请稍候"),
                      self.tr("后台任务正在写入数据库（如生成演示数据），请等它完成后再修改。"))
        return True

    def new_enterprise(self) -> None:
        if self.in_trash or self._writer_busy():
            return
        self._open_dialog(None)

    def edit_current(self) -> None:
        row = self.current_row()
        if row is None or self.in_trash or self._writer_busy():
            return
        self._open_dialog(row.id)

    def _open_dialog(self, enterprise_id: int | None) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        try:
            dialog = EnterpriseDialog(self._db, enterprise_id, actor=self._actor, choices=self.choices,
                                      parent=self)
        except DeskError as exc:  # e.g. deleted by someone else since the list was loaded
            messages.warn(self, self.tr("无法打开"), str(exc))
            self.refresh()
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(self._on_saved)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_finished(self) -> None:
        self.dialog = None

    def _on_saved(self, enterprise_id: int) -> None:
        self.refresh()
        self.sig_data_changed.emit()
        self.sig_status.emit(self.tr("已保存"))

    def delete_current(self) -> None:
        row = self.current_row()
        if row is None or self.in_trash or self._writer_busy():
            return
        if not messages.confirm(
            self, self.tr("删除企业"),
            self.tr("确定将“{0}”移入回收站吗？\n移入回收站后仍可在回收站中恢复。").format(row.name),
            yes=self.tr("移入回收站"), no=self.tr("取消"),
        ):
            return
        try:
            with unit_of_work(self._db, self._actor) as uow:
                enterprises.delete(uow, row.id, expected_version=row.version)
        except DeskError as exc:
            messages.warn(self, self.tr("无法删除"), str(exc))
            self.refresh()
            return
        self._changed(self.tr("已将“{0}”移入回收站").format(row.name))

    def restore_current(self) -> None:
        row = self.current_row()
        if row is None or not self.in_trash or self._writer_busy():
            return
        try:
            with unit_of_work(self._db, self._actor) as uow:
                enterprises.restore(uow, row.id, row.version)
        except DeskError as exc:
            messages.warn(self, self.tr("无法恢复"), str(exc))
            self.refresh()
            return
        self._changed(self.tr("已恢复“{0}”").format(row.name))

    def _changed(self, status: str) -> None:
        self.refresh()
        self.sig_data_changed.emit()
        self.sig_status.emit(status)

    def copy_uscc(self) -> None:
        row = self.current_row()
        if row is None:
            return
        QGuiApplication.clipboard().setText(row.uscc)
        self.sig_status.emit(self.tr("已复制信用代码 {0}").format(row.uscc))

    # --- export ---------------------------------------------------------------------------------------

    @property
    def export_task(self) -> Task | None:
        return self.exporter.task

    def export_excel(self) -> Task | None:
        """Ask where to save, then export the current filter and order in the background."""
        flt = self.current_filter()
        db, sort, descending = self._db, self.model.sort_key, self.model.descending

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_enterprises(db, flt, path, sort=sort, descending=descending,
                                                progress=progress))

        return self.exporter.start(self.tr("回收站企业") if flt.deleted else self.tr("企业名录"), write)
