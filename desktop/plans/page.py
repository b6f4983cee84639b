"""预案 page: every plan with its status, next deadline and overdue flags; the enterprise's plan
tree beside it; creating, editing, the lifecycle, versions and comparison, and Word import.

The list is a paged SQL query (``PlanTableModel``) sorted in SQL by a header click (except the
deadline columns, computed in Python); the 回收站 switch lists the deleted plans to restore them,
and 导出Excel writes the current filter and order in the background. The tree on the right shows, for the chosen
enterprise (the enterprise filter, else the enterprise of the selected row), its 综合 plan with the
专项 plans and 现场处置 schemes under it. Actions are enabled by the selected plan's status, as
``plan_service.TRANSITIONS`` says. Nothing holds a session while the user thinks: every dialog
loads what it shows and saves through the write flow (``desktop.kit.writes``, on the writer thread)
with the version it loaded. The list machinery is the kit's ``ListPage``.

The section editor (``desktop.plans.editor.plan_editor.PlanEditor``) is imported lazily by
``open_plan_editor`` so this page works (and says so) before the editor is installed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.enterprises.panels import EnterprisePanel, PanelTabs
from desktop.kit import messages
from desktop.kit.empty import EmptyState
from desktop.kit.exporting import Write
from desktop.kit.labels import ElidedLabel
from desktop.kit.list_page import ListPage
from desktop.kit.pickers import EnterprisePicker
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import tidy_separators
from desktop.kit.writes import Outcome, WriteOp
from desktop.plans.dialog import (
    ImportReportDialog,
    PlanDialog,
    WordImportDialog,
    WordImportRequest,
    kind_items,
    status_items,
)
from desktop.plans.documents import PlanDocuments
from desktop.plans.table import (
    DEADLINE_WIDEST,
    ENTERPRISE_MAX_WIDTH,
    STATUS_COLOURS,
    TITLE_MIN_WIDTH,
    PlanTableModel,
    short_title,
)
from models.core.database import Database
from models.core.errors import DeskError, ValidationError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.queries import PlanFilter, PlanRow
from models.plans.service import TRANSITIONS

if TYPE_CHECKING:  # imported when first used: start-up only pays for the list
    from desktop.plans.diff_dialog import DiffDialog, VersionsDialog
    from desktop.plans.lifecycle_dialog import LifecycleDialog
    from plans.plans.annexes import AnnexBuilder

log = logging.getLogger(__name__)

EDITOR_MODULE = "desktop.plans.editor.plan_editor"
TREE_WIDTH = 210  # the 预案体系 panel at first (at 1280 px the list keeps room for all its columns)
CELL_PADDING = 12  # a cell's margins and grid line beside its text


def _tr(text: str) -> str:
    return QCoreApplication.translate("PlansPage", text)


def open_plan_editor(db: Database, plan_id: int, *, runner: TaskRunner, actor: Actor,
                     section_key: str | None = None, highlight: Sequence[str] = (),
                     parent: QWidget | None = None,
                     on_saved: Callable[[int], None] | None = None) -> QDialog | None:
    """Open the section editor for a plan (at ``section_key``, with the words ``highlight`` marked
    in the text, e.g. a search's terms); None when it could not open."""
    try:
        module = importlib.import_module(EDITOR_MODULE)
    except ImportError:
        log.exception("section editor not available")
        messages.warn(parent, _tr("无法打开编辑器"), _tr("预案内容编辑器尚未安装在此版本中。"))
        return None
    try:
        extra = {"highlight": list(highlight)} if highlight else {}
        editor = module.PlanEditor(db, plan_id, runner=runner, actor=actor, section_key=section_key,
                                   parent=parent, **extra)
    except DeskError as exc:
        messages.warn(parent, _tr("无法打开编辑器"), str(exc))
        return None
    if on_saved is not None:
        editor.sig_saved.connect(on_saved)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.open()
    return editor  # type: ignore[no-any-return]


class PlansPage(ListPage[PlanRow, PlanFilter]):
    key = "plans"
    service = ps
    export_module = "exports.plans.excel"

    sig_import_finished = Signal(int, object)
    """A Word file was imported: the new plan's id and the ``ImportResult``."""

    sig_plan_changed = Signal(int)
    """A plan was created or changed from this page; the argument is its id."""

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] = date.today, annex_builders: Sequence[AnnexBuilder] | None = None,
                 panels: Sequence[EnterprisePanel] = (), parent: QWidget | None = None) -> None:
        """``today`` gives the day deadlines are computed for (the clock, read at each refresh);
        ``annex_builders``: the product's list for printed plans (the main window hands it down);
        ``panels``: what later modules show about the selected plan, as tabs under the list (their
        ``read`` gets the plan's id; e.g. the supplies it needs)."""
        super().__init__(db, runner, settings, actor=actor, unit=_tr("个预案"),
                         export_label=_tr("正在导出预案清单…"), parent=parent)
        self.enterprises: list[EnterpriseChoice] = []
        self.editor: QDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.import_task: WriteOp[Any] | None = None
        self.trash_open_message = self.tr("回收站中的预案需先恢复才能查看或编辑")
        self.documents = PlanDocuments(db, runner, settings, self._actor, self, today=today,
                                       annex_builders=annex_builders)
        self.documents.sig_status.connect(self.sig_status)
        self.last_import: WordImportRequest | None = None
        self.tree_enterprise_id: int | None = None
        self.deadline_warnings: tuple[str, ...] = ()
        self.model = PlanTableModel(db, runner=runner, today=today, parent=self)
        self.panel_tabs = PanelTabs(db, runner, panels, today, self, prompt=self.tr("请在上方列表中选择一个预案"),
                                    actor=self._actor) if panels else None
        if self.panel_tabs is not None:  # a panel's editor changed the plan (its version moved)
            self.panel_tabs.sig_record_changed.connect(lambda pid: self.changed(pid, self.tr("已保存")))
        self._build()

    @property
    def title(self) -> str:
        return self.tr("预案")

    # --- building ------------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)

        self.act_new = self._action(self.tr("新建预案"), self.new_plan, QKeySequence.StandardKey.New,
                                    self.tr("按模板新建一个预案草稿"))
        self.act_import = self._action(self.tr("从 Word 导入…"), self.import_word, None,
                                       self.tr("把现有的 Word 预案（.docx）导入为草稿"))
        self.act_edit_info = self._action(self.tr("编辑信息"), self.edit_info, None,
                                          self.tr("编辑预案编号、名称、评审、发布、备案等信息"))
        self.act_edit_content = self._action(self.tr("编辑内容"), self.edit_content, QKeySequence("Ctrl+Return"),
                                             self.tr("在章节编辑器中编辑预案正文（双击行）"))
        self.act_submit = self._action(self.tr("提交评审"), self.submit_review, None,
                                       self.tr("草稿编写完成，提交评审"))
        self.act_return = self._action(self.tr("退回修改"), self.return_review, None,
                                       self.tr("评审未通过，退回修改"))
        self.act_publish = self._action(self.tr("发布"), self.publish, None,
                                        self.tr("填写评审日期、批准人和发布日期后发布，冻结为一个版本"))
        self.act_file = self._action(self.tr("登记备案"), self.file_plan, None,
                                     self.tr("登记备案申报日期、备案编号和登记日期"))
        self.act_revise = self._action(self.tr("开始修订"), self.start_revision, None,
                                       self.tr("按修订情形从最新版本开始修订"))
        self.act_trigger = self._action(self.tr("记录修订原因"), self.record_trigger, None,
                                        self.tr("记录需要修订的原因，暂不开始修订"))
        self.act_retire = self._action(self.tr("废止"), self.retire, None, self.tr("废止此预案"))
        self.act_versions = self._action(self.tr("版本与对比"), self.show_versions, None,
                                         self.tr("查看修订记录，对比两个版本"))
        self.act_compare = self._action(self.tr("与最新版本对比"), self.compare_with_latest, None,
                                        self.tr("当前草稿与最近发布的版本相比改了什么"))
        self.act_delete = self._action(self.tr("删除"), self.delete_current, QKeySequence.StandardKey.Delete,
                                       self.tr("将所选预案移入回收站"))
        self.act_restore = self._action(self.tr("恢复"), self.restore_current, None,
                                        self.tr("将所选预案从回收站恢复"))
        self.act_restore.setVisible(False)
        self.act_export = self._action(self.tr("导出Excel"), self.export_excel, QKeySequence("Ctrl+E"),
                                       self.tr("把当前筛选出的预案（按当前排序）导出为 Excel 工作簿"))
        self.act_documents = self._action(self.tr("导出 Word/PDF…"), self.export_document, QKeySequence("Ctrl+Shift+E"),
                                          self.tr("把所选预案导出为 Word 或 PDF 文档（先做打印前检查）"))
        self.act_preview = self._action(self.tr("打印预览"), self.preview_document, QKeySequence.StandardKey.Print,
                                        self.tr("显示所选预案的 PDF 页面，可在预览中打印"))
        self.act_archive = self._action(self.tr("批量归档…"), self.archive_documents, None,
                                        self.tr("按企业、监管部门、类型、状态或发布日期选择预案，批量导出 PDF 并生成清单"))
        self.act_refresh = self._action(self.tr("刷新"), self.refresh, QKeySequence.StandardKey.Refresh, "")
        self.act_search = self._action(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_tree = self._action(self.tr("预案体系"), lambda: None, None,
                                     self.tr("在右侧显示所选企业的预案体系（综合预案及其下的专项预案、现场处置方案）"))
        self.act_tree.setCheckable(True)
        self.act_tree.setChecked(True)
        self.lifecycle_actions: dict[str, QAction] = {
            "submit_review": self.act_submit, "return_review": self.act_return, "publish": self.act_publish,
            "file": self.act_file, "start_revision": self.act_revise, "retire": self.act_retire,
        }
        self.write_actions = [*self.lifecycle_actions.values(), self.act_trigger, self.act_delete,
                              self.act_restore]

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for group in ((self.act_new, self.act_import), (self.act_edit_info, self.act_edit_content),
                      (self.act_submit, self.act_return, self.act_publish, self.act_file, self.act_revise,
                       self.act_trigger, self.act_retire),
                      (self.act_versions, self.act_delete, self.act_restore)):
            for action in group:
                self.toolbar.addAction(action)
            self.toolbar.addSeparator()
        self.documents_menu = QMenu(self.tr("导出与打印"), self)
        for action in (self.act_documents, self.act_preview, self.act_archive):
            self.documents_menu.addAction(action)
        self.documents_menu.addSeparator()
        self.documents_menu.addAction(self.act_export)
        self.documents_button = QToolButton(self)
        self.documents_button.setText(self.tr("导出与打印"))
        self.documents_button.setToolTip(self.tr("导出 Word/PDF、打印预览、批量归档、导出Excel"))
        self.documents_button.setMenu(self.documents_menu)
        self.documents_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(self.documents_button)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_tree)
        tidy_separators(self.toolbar)
        self.make_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的预案，可以恢复"))
        layout.addWidget(self.toolbar)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.make_search(self.tr("搜索预案编号、名称"))
        self.search.setMinimumWidth(180)
        filters.addWidget(self.search, 2)
        self.enterprise_combo: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("全部企业"), self)
        self.enterprise_combo.setToolTip(self.tr("企业（可输入名称的一部分查找）"))
        self.enterprise_combo.sig_enterprise_changed.connect(lambda _id: self.apply_filter())
        filters.addWidget(self.enterprise_combo, 3)
        self.kind_combo = self.make_filter_combo(self.tr("全部类型"), self.tr("预案类型"), kind_items())
        self.status_combo = self.make_filter_combo(self.tr("全部状态"), self.tr("状态"), status_items())
        self.filter_combos.append(self.enterprise_combo)
        filters.addWidget(self.kind_combo, 1)
        filters.addWidget(self.status_combo, 1)
        self.clear_button = self.make_clear_button()
        filters.addWidget(self.clear_button)
        filters.addWidget(self.make_count_label(96))
        layout.addLayout(filters)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.make_view(self.splitter)
        self.model.sig_loaded.connect(self._after_refresh)  # every load: a refresh, a filter, a sort
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(32)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        self.view.setColumnHidden(self.model.DELETED_COLUMN, True)
        # Sized to their content once rows are there; the title takes the room the others leave.
        model = self.model
        deadline_cap = self.view.fontMetrics().horizontalAdvance(DEADLINE_WIDEST) + CELL_PADDING
        self.fit_columns(stretch=model.TITLE_COLUMN, stretch_minimum=TITLE_MIN_WIDTH,
                         maximum={model.ENTERPRISE_COLUMN: ENTERPRISE_MAX_WIDTH, model.DEADLINE_COLUMN: deadline_cap})
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)

        tree_panel = QWidget(self.splitter)
        tree_layout = QVBoxLayout(tree_panel)
        tree_layout.setContentsMargins(4, 0, 0, 0)
        tree_layout.setSpacing(4)
        self.tree_title = ElidedLabel(self.tr("预案体系"), tree_panel)  # one line: a long name gets “…”
        self.tree_title.setObjectName("treeTitle")
        self.tree_title.setStyleSheet("font-weight: bold;")
        tree_layout.addWidget(self.tree_title)
        self.tree = QTreeWidget(tree_panel)
        self.tree.setObjectName("planTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("预案"), self.tr("状态")])
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(14)  # a narrow panel: more of each entry stays readable
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setUniformRowHeights(True)
        self.tree.itemClicked.connect(self._on_tree_clicked)
        self.tree.itemDoubleClicked.connect(self._on_tree_double_clicked)
        tree_layout.addWidget(self.tree, 1)
        self.tree_empty = EmptyState(self.tree, self._describe_empty_tree)
        if self.panel_tabs is None:
            self.splitter.addWidget(self.view)
        else:  # the selected plan's panels under the list
            left = QSplitter(Qt.Orientation.Vertical, self.splitter)
            left.addWidget(self.view)
            left.addWidget(self.panel_tabs)
            left.setStretchFactor(0, 3)
            left.setStretchFactor(1, 1)
            left.setChildrenCollapsible(False)
            self.splitter.addWidget(left)
        self.splitter.addWidget(tree_panel)
        self.tree_panel = tree_panel
        self.act_tree.toggled.connect(self._on_tree_toggled)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([10_000, TREE_WIDTH])
        self.splitter.setCollapsible(0, False)
        layout.addWidget(self.splitter, 1)

        self.note_label = QLabel(self)
        self.note_label.setObjectName("deadlineNote")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("color: #8A6D00;")
        self.note_label.hide()
        layout.addWidget(self.note_label)

        for action in (self.act_new, self.act_edit_content, self.act_delete, self.act_restore, self.act_export,
                       self.act_refresh, self.act_search, self.act_documents, self.act_preview):
            self.addAction(action)
        self.update_actions()


    # --- loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        self._load_enterprises()
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())  # read in the background; then ``_after_refresh``

    def save_state(self, settings: Settings) -> None:
        super().save_state(settings)
        if self.activated:
            settings.set_splitter_state(self.key, self.splitter.saveState())

    def restore_state(self, settings: Settings) -> None:
        super().restore_state(settings)
        state = settings.splitter_state(self.key)  # the 预案体系 panel as wide as the user left it
        if state is not None:
            self.splitter.restoreState(state)

    def refresh(self) -> None:
        """Count and fetch again (and the enterprise list), keeping the filter and the selected plan."""
        self.reload(enterprises=True)

    def reload(self, *, enterprises: bool) -> None:
        """Fetch the rows again in the background, the selected plan selected again once they are
        there; ``enterprises``: the enterprise list too (changed elsewhere)."""
        if enterprises:
            self._load_enterprises()
        self.refetch()

    def _load_enterprises(self) -> None:
        self.enterprises = load_enterprise_choices(self._db)
        self.enterprise_combo.blockSignals(True)
        self.enterprise_combo.set_choices(self.enterprises)
        self.enterprise_combo.blockSignals(False)

    def _after_refresh(self) -> None:
        """The rows of a load are there (``sig_loaded``): columns, calendar warnings, tree, panels."""
        self._show_columns()
        self.deadline_warnings = self.model.cached_warnings()
        if self.deadline_warnings:
            self.note_label.setText("⚠ " + "；".join(self.deadline_warnings))
            self.note_label.show()
        else:
            self.note_label.hide()
        self._update_tree(force=True)
        self.update_actions()
        if self.panel_tabs is not None:  # read again (after the short pause) for the row now current
            row = self.current_row()
            self.panel_tabs.show(row.id if row is not None and not self.in_trash else None)

    # --- filtering -----------------------------------------------------------------------------------

    def current_filter(self) -> PlanFilter:
        return PlanFilter(enterprise_id=self.enterprise_combo.enterprise_id(),
                          kind=self.kind_combo.currentData(), status=self.status_combo.currentData(),
                          text=self.search.text().strip(), deleted=self.in_trash)

    def _show_columns(self) -> None:
        """One enterprise chosen: its name in every row says nothing, the title gets the room. The
        recycle bin shows when each plan was deleted instead of deadlines that no longer run."""
        assert self.columns is not None
        with self.columns.programmatic():  # hiding a column is no width the user chose
            self.view.setColumnHidden(self.model.ENTERPRISE_COLUMN, self.model.filter.enterprise_id is not None)
            trash = self.model.filter.deleted
            for column in (self.model.DEADLINE_COLUMN, self.model.OVERDUE_COLUMN):
                self.view.setColumnHidden(column, trash)
            self.view.setColumnHidden(self.model.DELETED_COLUMN, not trash)
        self.columns.fit()

    # --- the empty list and tree --------------------------------------------------------------------

    def unfiltered(self) -> PlanFilter:
        return PlanFilter(deleted=self.in_trash)

    @property
    def empty_noun(self) -> str:
        return self.tr("预案")

    @property
    def list_name(self) -> str:
        return self.tr("预案列表")

    def describe_nothing_yet(self) -> tuple[str, str]:
        if not self.enterprises:
            return self.tr("还没有预案"), self.tr("请先在“企业”页录入企业，再为企业新建预案。")
        return self.tr("还没有预案"), self.tr(
            "点击“新建预案”按模板编写，或用“从 Word 导入”导入现有的预案文件。")

    def _describe_empty_tree(self) -> tuple[str, str]:
        if self.tree_enterprise_id is None:
            return self.tr("选择企业或预案后，这里显示它的预案体系"), ""
        return self.tr("该企业还没有预案"), ""

    # --- the 回收站 -----------------------------------------------------------------------------------

    def trash_toggled(self, on: bool) -> None:
        for action in (self.act_new, self.act_import, self.act_edit_info, self.act_edit_content,
                       *self.lifecycle_actions.values(), self.act_trigger, self.act_versions, self.act_delete,
                       self.act_tree, self.act_documents, self.act_preview, self.act_archive):
            action.setVisible(not on)
        self.act_restore.setVisible(on)
        tidy_separators(self.toolbar)
        self.tree_panel.setVisible(self.act_tree.isChecked() and not on)

    # --- the plan tree -------------------------------------------------------------------------------

    def _update_tree(self, *, force: bool = False) -> None:
        if not self.act_tree.isChecked() or self.in_trash:
            return
        enterprise_id = self.enterprise_combo.enterprise_id()
        if enterprise_id is None:
            row = self.current_row()
            enterprise_id = row.enterprise_id if row is not None else None
        if enterprise_id == self.tree_enterprise_id and not force:
            self._mark_tree_current()
            return
        self.tree_enterprise_id = enterprise_id
        self.tree.clear()
        if enterprise_id is None:
            self.tree_title.setText(self.tr("预案体系"))  # the empty tree says what to do
            return
        with self._db.read() as session:
            rows = pq.page(session, PlanFilter(enterprise_id=enterprise_id), limit=1000)
        choice = next((c for c in self.enterprises if c.id == enterprise_id), None)
        name = choice.name if choice is not None else (rows[0].enterprise if rows else "")
        self.tree_title.set_parts(self.tr("预案体系："), name, self.tr("（{0} 个）").format(len(rows)))
        build_plan_tree(self.tree, rows)
        self._mark_tree_current()

    def _on_tree_toggled(self, on: bool) -> None:
        self.tree_panel.setVisible(on and not self.in_trash)
        if on:
            self._update_tree(force=True)

    def _mark_tree_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        item = find_tree_item(self.tree, row.id)
        if item is not None:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)

    def _on_tree_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        plan_id = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(plan_id, int) and not self.select_plan(plan_id):
            self.sig_status.emit(self.tr("该预案不在当前筛选结果中"))

    def _on_tree_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        plan_id = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(plan_id, int) and self.select_plan(plan_id):
            self._on_double_clicked(self.view.currentIndex())

    # --- rows and actions ----------------------------------------------------------------------------

    def select_plan(self, plan_id: int) -> bool:
        """Select a plan if it is among the rows fetched; False when it is not."""
        return self.select_id(plan_id)

    def _on_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.update_actions()
        self._update_tree()
        if self.panel_tabs is not None:
            row = self.current_row()
            self.panel_tabs.show(row.id if row is not None and not self.in_trash else None)

    def enable_actions(self) -> None:
        row = self.current_row()
        self.act_restore.setEnabled(row is not None and self.in_trash)
        self.act_export.setEnabled(self.model.rowCount() > 0)
        if self.in_trash:  # a deleted plan is only restored (or exported)
            row = None
        status = row.status if row is not None else None
        for command, action in self.lifecycle_actions.items():
            action.setEnabled(status is not None and status in TRANSITIONS[command].sources)
        self.act_trigger.setEnabled(status in ("published", "filed"))
        self.act_edit_info.setEnabled(status is not None and status != "retired")
        editable = status in ps.EDITABLE_STATUSES
        self.act_edit_content.setEnabled(row is not None)
        self.act_edit_content.setText(self.tr("编辑内容") if editable or row is None else self.tr("查看内容"))
        self.act_edit_content.setToolTip(
            self.tr("在章节编辑器中编辑预案正文（双击行）") if editable or row is None
            else self.tr("预案内容已冻结，只能查看；如需修改请先“开始修订”"))
        self.act_versions.setEnabled(row is not None)
        self.act_compare.setEnabled(status in ps.EDITABLE_STATUSES)
        self.act_delete.setEnabled(row is not None)
        self.act_documents.setEnabled(row is not None and not self.in_trash)
        self.act_preview.setEnabled(row is not None and not self.in_trash)

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction(self.act_restore)
            menu.addSeparator()
            menu.addAction(self.act_export)
            return menu
        for action in (self.act_edit_info, self.act_edit_content):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.act_submit, self.act_return, self.act_publish, self.act_file, self.act_revise,
                       self.act_trigger, self.act_retire):
            if action.isEnabled():
                menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_versions)
        menu.addAction(self.act_compare)
        menu.addSeparator()
        menu.addAction(self.act_documents)
        menu.addAction(self.act_preview)
        menu.addSeparator()
        menu.addAction(self.act_delete)
        menu.addAction(self.act_export)
        menu.addSeparator()
        menu.addAction(self.act_new)
        menu.addAction(self.act_import)
        return menu

    def open_current(self) -> QDialog | None:
        return self.edit_content()

    def refresh_rows(self) -> None:
        self.reload(enterprises=False)

    def changed(self, row_id: int, status: str) -> None:
        super().changed(row_id, status)
        self.sig_plan_changed.emit(row_id)

    # --- create and edit -----------------------------------------------------------------------------

    def new_plan(self) -> PlanDialog | None:
        row = self.current_row()
        enterprise_id = self.enterprise_combo.enterprise_id() or (row.enterprise_id if row else None)
        dialog = self.open_dialog(lambda: PlanDialog(self._db, self._runner, None, enterprise_id=enterprise_id,
                                                     actor=self._actor, enterprises=self.enterprises, parent=self),
                                  refused=self.tr("无法新建"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda pid: self.changed(pid, self.tr("已新建预案草稿")))
        return dialog

    def edit_info(self) -> PlanDialog | None:
        row = self.current_row()
        if row is None:
            return None
        plan_id = row.id
        dialog = self.open_dialog(lambda: PlanDialog(self._db, self._runner, plan_id, actor=self._actor, parent=self),
                                  refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda pid: self.changed(pid, self.tr("已保存预案信息")))
        return dialog

    def edit_content(self, section_key: str | None = None) -> QDialog | None:
        """Open the section editor (read-only for a plan whose content is frozen)."""
        row = self.current_row()
        if row is None:
            return None
        if self.editor is not None:
            self.editor.raise_()
            self.editor.activateWindow()
            return self.editor
        editor = open_plan_editor(self._db, row.id, runner=self._runner, actor=self._actor, section_key=section_key,
                                  parent=self, on_saved=lambda pid: self.changed(pid, self.tr("已保存预案内容")))
        if editor is not None:
            editor.finished.connect(lambda _r: setattr(self, "editor", None))
        self.editor = editor
        return editor

    # --- lifecycle -----------------------------------------------------------------------------------

    def _simple_step(self, command: str, question: str, done: str, *, yes: str) -> WriteOp[Any] | None:
        row = self.current_row()
        if row is None or self.writing:
            return None
        if not messages.confirm(self, TRANSITIONS[command].command.label,
                                question.format(row.plan_no, row.title), yes=yes, no=self.tr("取消")):
            return None
        plan_id, version = row.id, row.version
        return self.write(plan_id, lambda uow: ps.transition(uow, plan_id, command, version),
                          refused=self.tr("无法{0}").format(TRANSITIONS[command].command.label),
                          done=done.format(row.title))

    def submit_review(self) -> WriteOp[Any] | None:
        return self._simple_step("submit_review", self.tr("将“{0} {1}”提交评审吗？\n提交后内容不能再编辑，评审未通过可退回修改。"),
                                 self.tr("已提交评审：{0}"), yes=self.tr("提交评审"))

    def return_review(self) -> WriteOp[Any] | None:
        return self._simple_step("return_review", self.tr("将“{0} {1}”退回修改吗？"),
                                 self.tr("已退回修改：{0}"), yes=self.tr("退回修改"))

    def retire(self) -> WriteOp[Any] | None:
        return self._simple_step("retire", self.tr("确定废止“{0} {1}”吗？\n废止后不能再修改、发布或修订，已发布的版本仍然保留。"),
                                 self.tr("已废止：{0}"), yes=self.tr("废止"))

    def _lifecycle(self, make: Callable[[int], LifecycleDialog], done: str) -> LifecycleDialog | None:
        row = self.current_row()
        if row is None:
            return None
        plan_id, title = row.id, row.title
        dialog = self.open_dialog(lambda: make(plan_id), refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda pid: self.changed(pid, done.format(title)))
        return dialog

    def publish(self) -> LifecycleDialog | None:
        from desktop.plans.lifecycle_dialog import PublishDialog

        return self._lifecycle(lambda pid: PublishDialog(self._db, self._runner, pid, actor=self._actor,
                                                         parent=self),
                               self.tr("已发布：{0}"))

    def file_plan(self) -> LifecycleDialog | None:
        from desktop.plans.lifecycle_dialog import FilingDialog

        return self._lifecycle(lambda pid: FilingDialog(self._db, self._runner, pid, actor=self._actor,
                                                         parent=self),
                               self.tr("已登记备案：{0}"))

    def start_revision(self) -> LifecycleDialog | None:
        from desktop.plans.lifecycle_dialog import RevisionDialog

        return self._lifecycle(lambda pid: RevisionDialog(self._db, self._runner, pid, start=True, actor=self._actor,
                                                          parent=self), self.tr("已开始修订：{0}"))

    def record_trigger(self) -> LifecycleDialog | None:
        from desktop.plans.lifecycle_dialog import RevisionDialog

        return self._lifecycle(lambda pid: RevisionDialog(self._db, self._runner, pid, start=False, actor=self._actor,
                                                          parent=self), self.tr("已记录修订原因：{0}"))

    # --- versions ------------------------------------------------------------------------------------

    def show_versions(self) -> VersionsDialog | None:
        from desktop.plans.diff_dialog import VersionsDialog

        row = self.current_row()
        if row is None:
            return None
        plan_id = row.id
        return self.open_dialog(lambda: VersionsDialog(self._db, plan_id, parent=self), refused=self.tr("无法打开"))

    def compare_with_latest(self) -> DiffDialog | None:
        from desktop.plans.diff_dialog import draft_diff

        row = self.current_row()
        if row is None:
            return None
        plan_id = row.id

        def make() -> DiffDialog | None:
            dialog = draft_diff(self._db, plan_id, self)
            if dialog is None:
                messages.info(self, self.tr("版本对比"), self.tr("此预案还没有发布过版本，没有可对比的内容。"))
            return dialog

        return self.open_dialog(make, refused=self.tr("无法对比"))

    # --- delete, restore and export ------------------------------------------------------------------

    def delete_texts(self, row: PlanRow) -> tuple[str, str, str]:
        return (self.tr("删除预案"),
                self.tr("确定将“{0} {1}”移入回收站吗？\n已发布的版本随预案一并移入回收站，管理员可以恢复。")
                .format(row.plan_no, row.title),
                self.tr("已将“{0}”移入回收站").format(row.title))

    def restored_text(self, row: PlanRow) -> str:
        return self.tr("已恢复“{0} {1}”").format(row.plan_no, row.title)

    def export_stem(self, flt: PlanFilter) -> str:
        return self.tr("回收站预案") if flt.deleted else self.tr("预案清单")

    def excel_writer(self, flt: PlanFilter) -> Write:
        """The deadlines as the list shows them (the same day)."""
        db, sort, descending, as_of = self._db, self.model.sort_key, self.model.descending, self.model.as_of

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_plans(db, flt, path, as_of=as_of, sort=sort, descending=descending,
                                          progress=progress))

        return write

    # --- plan documents ------------------------------------------------------------------------------

    def export_document(self) -> Task | None:
        """导出 Word/PDF of the selected plan: pre-print check, choices, then the file(s)."""
        row = self.current_row()
        return self.documents.export(row.id) if row is not None else None

    def preview_document(self) -> Task | None:
        row = self.current_row()
        return self.documents.preview(row.id) if row is not None else None

    def archive_documents(self) -> Task | None:
        return self.documents.archive(self.current_filter().enterprise_id)

    # --- Word import ---------------------------------------------------------------------------------

    def import_word(self, request: WordImportRequest | None = None) -> WordImportDialog | None:
        """Ask for the file and the new plan's record (again with ``request`` after a refusal)."""
        if self.import_task is not None:
            messages.warn(self, self.tr("请稍候"), self.tr("上一个 Word 文件还在导入中。"))
            return None
        row = self.current_row()
        enterprise_id = self.enterprise_combo.enterprise_id() or (row.enterprise_id if row else None)

        def make() -> WordImportDialog:
            dialog = WordImportDialog(self.enterprises, enterprise_id=enterprise_id, parent=self)
            if request is not None:
                dialog.fill(request)
            dialog.sig_submitted.connect(self.run_import)
            return dialog

        return self.open_dialog(make, refused=self.tr("无法导入"))

    def run_import(self, request: WordImportRequest) -> WriteOp[Any]:
        """Import through the write flow (one writer at a time); the report is shown afterwards."""
        from plans.plans import store

        self.last_import = request

        def work(uow: UnitOfWork) -> tuple[int, Any]:
            return store.import_word(uow, request.enterprise_id, request.path, request.data)

        op: WriteOp[Any] = WriteOp(self, self._runner, self._db, self._actor, work, title=self.tr("无法导入"),
                                   failure=self.tr("导入失败"), progress_title=self.tr("从 Word 导入"),
                                   progress_label=self.tr("正在导入 {0}…").format(request.path.name))
        op.success(self._on_imported).invalid(self._on_import_invalid).ended(self._on_import_ended)
        self.import_task = op
        return op.run()

    def _on_imported(self, result: object) -> None:
        assert isinstance(result, tuple)
        plan_id, outcome = result
        self.reload(enterprises=False)
        self.select_when_loaded(plan_id)
        self.sig_data_changed.emit()
        title = (self.last_import.data.title if self.last_import else "") or outcome.document.title
        self.sig_status.emit(self.tr("已导入“{0}”").format(title))
        dialog = ImportReportDialog(plan_id, title, list(outcome.report), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_open_editor.connect(self._edit_imported)
        dialog.finished.connect(lambda _r: setattr(self, "report_dialog", None))
        self.report_dialog = dialog
        dialog.open()
        self.sig_import_finished.emit(plan_id, outcome)

    def _edit_imported(self, plan_id: int) -> None:
        self.model.after_load(lambda: self.edit_content() if self.select_plan(plan_id) else None)

    def _on_import_invalid(self, error: ValidationError) -> None:
        """The record was refused (e.g. a number already taken): the form again, marked."""
        self.import_task = None
        messages.warn(self, self.tr("无法导入"), str(error))
        request = self.last_import
        dialog = self.import_word(request) if request is not None else None
        if dialog is not None:
            dialog.show_errors(error.errors)

    def _on_import_ended(self, outcome: Outcome) -> None:
        self.import_task = None
        if outcome is Outcome.CANCELLED:
            self.sig_status.emit(self.tr("已取消导入，未写入任何数据"))


TREE_KIND = {"comprehensive": "综合", "special": "专项", "onsite": "现场", "card": "处置卡"}


def plan_item_text(row: PlanRow) -> str:
    """〔专项〕ZX-01 液氯泄漏专项应急预案 — the enterprise's name left off (the tree names it)."""
    return f"〔{TREE_KIND.get(row.kind, row.kind_label)}〕{row.plan_no} {short_title(row)}"


def build_plan_tree(tree: QTreeWidget, rows: list[PlanRow]) -> None:
    """综合 plans at the top with their 专项/现场处置 children; plans without a parent at the top too."""
    by_id = {r.id: r for r in rows}
    items: dict[int, QTreeWidgetItem] = {}

    def make(row: PlanRow, parent: QTreeWidget | QTreeWidgetItem) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [plan_item_text(row), row.status_label])
        item.setData(0, Qt.ItemDataRole.UserRole, row.id)
        item.setToolTip(0, f"{row.kind_label} {row.plan_no} {row.title}")
        item.setForeground(1, QColor(STATUS_COLOURS.get(row.status, "#000000")))
        items[row.id] = item
        return item

    roots = [r for r in rows if r.parent_plan_id is None or r.parent_plan_id not in by_id]
    order = {"comprehensive": 0, "special": 1, "onsite": 2, "card": 3}
    for row in sorted(roots, key=lambda r: (order.get(r.kind, 9), r.plan_no)):
        make(row, tree)
    for row in sorted((r for r in rows if r not in roots), key=lambda r: (order.get(r.kind, 9), r.plan_no)):
        parent = items.get(row.parent_plan_id or -1)
        make(row, parent if parent is not None else tree)
    tree.expandAll()


def find_tree_item(tree: QTreeWidget, plan_id: int) -> QTreeWidgetItem | None:
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        if item.data(0, Qt.ItemDataRole.UserRole) == plan_id:
            return item
        stack.extend(item.child(i) for i in range(item.childCount()))
    return None


__all__ = ["PlansPage", "build_plan_tree", "find_tree_item", "open_plan_editor"]
