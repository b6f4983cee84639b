"""企业 page: the enterprise register with search, filters, SQL-side sorting, the recycle bin,
editing, soft delete / restore, and Excel export of the current filter — a ``ListPage``
(``desktop.kit.list_page``); every change goes through the write flow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.enterprises.dialog import EnterpriseDialog
from desktop.enterprises.panels import EnterprisePanel, PanelTabs
from desktop.enterprises.table import EnterpriseTableModel
from desktop.kit.exporting import Write
from desktop.kit.list_page import ListPage
from desktop.kit.pickers import ReferenceChoices, fill_combo, tree_items
from desktop.kit.settings import Settings
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor
from models.enterprises import service as enterprises
from models.enterprises.queries import EnterpriseFilter, EnterpriseRow

NAME_MIN_WIDTH = 150


def _tr(text: str) -> str:
    return QCoreApplication.translate("EnterprisesPage", text)


class EnterprisesPage(ListPage[EnterpriseRow, EnterpriseFilter]):
    key = "enterprises"
    service = enterprises
    export_module = "exports.enterprises.excel"

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 panels: Sequence[EnterprisePanel] = (), today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        """``panels``: what later modules show about the current enterprise, as tabs under the list
        (``desktop.enterprises.panels``); ``today`` is their as_of."""
        super().__init__(db, runner, settings, actor=actor, unit=_tr("家企业"),
                         export_label=_tr("正在导出企业名录…"), parent=parent)
        self.choices: ReferenceChoices | None = None
        self.panel_tabs = PanelTabs(db, runner, panels, today, self) if panels else None
        self.trash_open_message = self.tr("回收站中的企业需先恢复才能编辑")
        self.model = EnterpriseTableModel(db, runner=runner, parent=self)
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
        self.act_search = self._action(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_restore.setVisible(False)
        self.write_actions = [self.act_delete, self.act_restore]

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.act_new, self.act_edit, self.act_delete, self.act_restore):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_export)
        self.make_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的企业，可以恢复"))
        layout.addWidget(self.toolbar)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.make_search(self.tr("搜索名称、信用代码、地址"))
        self.search.setMinimumWidth(240)
        filters.addWidget(self.search, 2)

        self.industry_combo = self.make_filter_combo(self.tr("全部行业"), self.tr("行业"), min_length=7)
        self.risk_combo = self.make_filter_combo(self.tr("全部风险等级"), self.tr("风险等级"), min_length=7)
        self.department_combo = self.make_filter_combo(self.tr("全部监管部门"), self.tr("监管部门"), min_length=7)
        self.region_combo = self.make_filter_combo(self.tr("全部区域"), self.tr("所属区域"), min_length=7)
        for combo in (self.industry_combo, self.risk_combo, self.department_combo, self.region_combo):
            filters.addWidget(combo, 1)
        self.clear_button = self.make_clear_button()
        filters.addWidget(self.clear_button)
        filters.addStretch(0)
        filters.addWidget(self.make_count_label(120))
        layout.addLayout(filters)

        self.make_view(self)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        # Sized to their content once rows are there; the name takes the room the others leave.
        model = self.model
        self.fit_columns(stretch=model.NAME_COLUMN, stretch_minimum=NAME_MIN_WIDTH,
                         maximum={model.INDUSTRY_COLUMN: 110, model.REGION_COLUMN: 150, model.DEPARTMENT_COLUMN: 120})
        self.view.selectionModel().currentRowChanged.connect(self.update_actions)
        if self.panel_tabs is None:
            layout.addWidget(self.view, 1)
        else:
            split = QSplitter(Qt.Orientation.Vertical, self)
            split.addWidget(self.view)
            split.addWidget(self.panel_tabs)
            split.setStretchFactor(0, 3)
            split.setStretchFactor(1, 1)
            split.setChildrenCollapsible(False)
            layout.addWidget(split, 1)
            self.view.selectionModel().currentRowChanged.connect(self._show_panels)

        for action in (self.act_new, self.act_edit, self.act_delete, self.act_restore, self.act_copy_uscc,
                       self.act_export, self.act_search):
            self.addAction(action)
        self.update_actions()

    # --- loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        self.choices = ReferenceChoices.load(self._db)
        self._fill_filter_combos(self.choices)
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())  # read in the background, with its first page

    def refresh(self) -> None:
        """Count and fetch again in the background, keeping the filter and (once the rows are there)
        the current enterprise."""
        self.refetch()
        if self.panel_tabs is not None:
            self.panel_tabs.reload()

    def _show_panels(self) -> None:
        assert self.panel_tabs is not None
        row = self.current_row()
        self.panel_tabs.show_enterprise(row.id if row is not None else None)

    def _fill_filter_combos(self, choices: ReferenceChoices) -> None:
        fill_combo(self.industry_combo, tree_items(choices.industries),
                   first=(self.tr("全部行业"), None))
        fill_combo(self.risk_combo, [(c.name, c.id) for c in choices.risk_levels],
                   first=(self.tr("全部风险等级"), None))
        fill_combo(self.department_combo, [(c.name, c.id) for c in choices.departments],
                   first=(self.tr("全部监管部门"), None))
        fill_combo(self.region_combo, tree_items(choices.regions),
                   first=(self.tr("全部区域"), None))

    # --- filtering ---------------------------------------------------------------------------------

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

    def trash_toggled(self, on: bool) -> None:
        self.act_new.setVisible(not on)
        self.act_edit.setVisible(not on)
        self.act_delete.setVisible(not on)
        self.act_restore.setVisible(on)

    # --- the empty list --------------------------------------------------------------------------------

    def unfiltered(self) -> EnterpriseFilter:
        return EnterpriseFilter(deleted=self.in_trash)

    @property
    def empty_noun(self) -> str:
        return self.tr("企业")

    @property
    def list_name(self) -> str:
        return self.tr("企业名录")

    def describe_nothing_yet(self) -> tuple[str, str]:
        return self.tr("还没有企业"), self.tr(
            "点击工具栏上的“新建”录入第一家企业，或从“文件”菜单打开演示数据库看看各项功能。")

    def enable_actions(self) -> None:
        has_row = self.current_row() is not None
        for action in (self.act_edit, self.act_delete, self.act_restore, self.act_copy_uscc):
            action.setEnabled(has_row)
        self.act_export.setEnabled(self.model.rowCount() > 0)

    # --- rows and actions ----------------------------------------------------------------------------

    def open_current(self) -> EnterpriseDialog | None:
        return self.edit_current()

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

    def new_enterprise(self) -> EnterpriseDialog | None:
        if self.in_trash:
            return None
        return self._open_dialog(None)

    def edit_current(self) -> EnterpriseDialog | None:
        row = self.current_row()
        if row is None or self.in_trash:
            return None
        return self._open_dialog(row.id)

    def _open_dialog(self, enterprise_id: int | None) -> EnterpriseDialog | None:
        dialog = self.open_dialog(lambda: EnterpriseDialog(self._db, self._runner, enterprise_id, actor=self._actor,
                                                           choices=self.choices, parent=self),
                                  refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda eid: self.changed(eid, self.tr("已保存")))
        return dialog

    def delete_texts(self, row: EnterpriseRow) -> tuple[str, str, str]:
        return (self.tr("删除企业"),
                self.tr("确定将“{0}”移入回收站吗？\n移入回收站后仍可在回收站中恢复。").format(row.name),
                self.tr("已将“{0}”移入回收站").format(row.name))

    def restored_text(self, row: EnterpriseRow) -> str:
        return self.tr("已恢复“{0}”").format(row.name)

    def copy_uscc(self) -> None:
        row = self.current_row()
        if row is None:
            return
        QGuiApplication.clipboard().setText(row.uscc)
        self.sig_status.emit(self.tr("已复制信用代码 {0}").format(row.uscc))

    # --- export ---------------------------------------------------------------------------------------

    def export_stem(self, flt: EnterpriseFilter) -> str:
        return self.tr("回收站企业") if flt.deleted else self.tr("企业名录")

    def excel_writer(self, flt: EnterpriseFilter) -> Write:
        db, sort, descending = self._db, self.model.sort_key, self.model.descending

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_enterprises(db, flt, path, sort=sort, descending=descending,
                                                progress=progress))

        return write
