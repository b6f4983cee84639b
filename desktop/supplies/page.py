"""物资 page: the warehouse tree beside the stock list — one row per batch in a warehouse, paged in
SQL (``models.supplies.queries``), filtered by the tree node, text, category, expiry window, below
minimum and unusable — with the alerts of the day above it and, below it, the selected row's item:
its batches in every warehouse and the movement history (台账) of the selected batch, read in the
background. The movement dialog (入库, 出库, 调拨, 报废, 盘点), the inspection entry (a batch, or the
item's batches in the warehouse), the minimum and the warehouse, item and batch forms open from the
toolbar; the item's inspection history is beside its ledger. 删除 (Delete) moves the selected batch —
or, from the warehouse tree, the warehouse — to the 回收站 with the version the page read, 删除物资
the row's item; what still holds stock is refused with how much is held where. The 回收站 switch
lists the deleted batches, items and warehouses in the same table, to 恢复; ListPage's delete,
restore, confirm and trash machinery does it all. Every write goes through the write flow."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QBrush, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.columns import ColumnFit
from desktop.kit.exporting import Write, ask_save_path, export_file, export_report
from desktop.kit.importing import Importer, import_workbook
from desktop.kit.list_page import ListPage
from desktop.kit.pickers import fill_combo
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import record_table, tidy_separators
from desktop.kit.writes import WriteOp
from desktop.supplies.forms import BatchDialog, InspectionDialog, ItemDialog, MinimumDialog, WarehouseDialog
from desktop.supplies.movement import KINDS, MovementDialog
from desktop.supplies.table import DANGER, WARNING, StockTableModel
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor
from models.supplies import queries as sq
from models.supplies import rules
from models.supplies import service as ss
from models.supplies.entities import CONDITIONS
from models.supplies.queries import InspectionRow, MovementRow, StockFilter, StockRow, TrashRow, TreeNode

NAME_MIN_WIDTH = 110
FIT_ROWS = 30
"""Rows measured to fit the columns (about a screen)."""
WAREHOUSE_ROLE = Qt.ItemDataRole.UserRole
EXPIRY_CHOICES = (("已过期", "expired"), ("30 天内到期", 30), ("90 天内到期", 90))
VERSION_ROLE = WAREHOUSE_ROLE + 2  # a warehouse leaf's version as the tree read it


@dataclass(frozen=True)
class RecordService:
    """How ListPage's delete and restore treat one kind of the page's records (``service``)."""

    delete: Callable[..., object]
    restore: Callable[..., object]


RECORD_SERVICES = {"batch": RecordService(ss.delete_batch, ss.restore_batch),
                   "item": RecordService(ss.delete_item, ss.restore_item),
                   "warehouse": RecordService(ss.delete_warehouse, ss.restore_warehouse)}


@dataclass(frozen=True)
class Target:
    """What 删除物资 and 删除储备库 delete (a list row deletes its batch): the record and the version read."""

    record: str  # RECORD_SERVICES
    id: int
    version: int
    name: str  # as messages name it: 物资“…”（编码）, 储备库“…”


def _tr(text: str) -> str:
    return QCoreApplication.translate("SuppliesPage", text)


class SuppliesPage(ListPage[StockRow | TrashRow, StockFilter]):
    key = "supplies"
    export_module = "exports.supplies.excel"

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, settings, actor=actor, unit=_tr("条库存"),
                         export_label=_tr("正在导出物资库存…"), parent=parent)
        self._today = today
        self.detail_task: Task | None = None
        self.tree_task: Task | None = None
        self.alerts_task: Task | None = None
        self.model = StockTableModel(db, StockFilter(as_of=self.as_of()), runner=runner, parent=self)
        self.warehouse_ids: tuple[int, ...] = ()
        self.warehouse_scope = ""  # the chosen tree node's key when it holds several warehouses
        self.item_rows: list[StockRow] = []
        self.movement_rows: list[MovementRow] = []
        self.inspection_rows: list[InspectionRow] = []
        self.trash_open_message = self.tr("回收站中的记录需先恢复才能打开")
        self._tree_changed_by_write = False  # a warehouse deleted or restored: the tree is read again
        self._build()

    @property
    def service(self) -> RecordService:  # type: ignore[override]
        """What ListPage's delete and restore call for the current row: a stock row's batch, or in the
        回收站 the deleted record's kind."""
        return RECORD_SERVICES[getattr(self.current_row(), "record", "batch")]

    def stock_row(self) -> StockRow | None:
        """The selected stock row (None in the 回收站, or when none is selected)."""
        row = self.current_row()
        return row if isinstance(row, StockRow) else None

    @property
    def title(self) -> str:
        return self.tr("物资")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    # --- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        self.act_moves = {kind: self._action(label, lambda k=kind: self.open_movement(k), None,
                                             self.tr("登记物资{0}（扫描标签或输入物资编码）").format(label))
                          for kind, label in KINDS.items()}
        for kind, keys in (("receive", "Ctrl+R"), ("issue", "Ctrl+I")):
            action = self.act_moves[kind]
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{action.toolTip()}（{keys}）")
        self.act_inspect = self._action(self.tr("检查维护"), self.inspect_current, None,
                                        self.tr("为所选批次，或本库该物资的全部批次，登记检查维护结果（待修、报废的不能出库）"))
        self.act_new_warehouse = self._action(self.tr("新建储备库…"), self.new_warehouse, None, "")
        self.act_new_item = self._action(self.tr("新建物资…"), self.new_item, None, "")
        self.act_new_batch = self._action(self.tr("新建批次…"), self.new_batch, None, "")
        self.act_edit_warehouse = self._action(self.tr("编辑储备库…"), self.edit_warehouse, None, "")
        self.act_edit_item = self._action(self.tr("编辑物资…"), self.edit_item, None, "")
        self.act_edit_batch = self._action(self.tr("编辑批次…"), self.edit_batch, None, "")
        self.act_minimum = self._action(self.tr("最低库存…"), self.set_minimum, None,
                                        self.tr("设置所选储备库对所选物资的最低库存（低于它时预警）"))
        self.act_search = self._action(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_refresh = self._action(self.tr("刷新"), self.refresh, QKeySequence.StandardKey.Refresh, "")
        self.act_export = self._action(self.tr("导出库存Excel"), self.export_excel, QKeySequence("Ctrl+E"),
                                       self.tr("把当前筛选出的库存（账面、可用数量、有效期、预警）按当前排序导出为 Excel"))
        self.act_labels = self._action(self.tr("打印标签…"), self.print_labels, None,
                                       self.tr("所选批次的标签（二维码），或所选储备库全部库存批次的标签，存为 PDF 打印"))
        self.act_card = self._action(self.tr("导出物资台账卡…"), self.export_stock_card, None,
                                     self.tr("所选物资的台账卡（逐笔出入库和结存），PDF 或 Word"))
        self.act_inventory = self._action(self.tr("导出库存盘点表…"), self.export_inventory, None,
                                          self.tr("所选储备库的库存盘点表，PDF 或 Word"))
        self.act_import = self._action(self.tr("导入Excel…"), self.import_excel, None,
                                       self.tr("从导入模板导入物资品目、批次和出入库记录：全部正确才写入，有错时给出错误报告"))
        self.act_template = self._action(self.tr("导入模板…"), self.save_template, None,
                                         self.tr("存一份带下拉选项（类别、单位、储备库）的空白导入模板"))
        self.act_delete = self._action(self.tr("删除"), self.delete_selected, QKeySequence.StandardKey.Delete,
                                       self.tr("将所选批次移入回收站（在储备库树中：所选储备库）；仍有库存的不能删除（Delete）"))
        self.act_delete_batch = self._action(self.tr("删除批次…"), self.delete_current, None,
                                             self.tr("将所选批次移入回收站（各储备库中账面数量均为 0 时）"))
        self.act_delete_item = self._action(self.tr("删除物资…"), self.delete_item, None,
                                            self.tr("将所选行的物资移入回收站（各储备库中均无库存时）"))
        self.act_delete_warehouse = self._action(self.tr("删除储备库…"), self.delete_warehouse, None,
                                                 self.tr("将储备库树中所选的储备库移入回收站（没有库存时）"))
        self.act_restore = self._action(self.tr("恢复"), self.restore_current, None,
                                        self.tr("将所选批次、物资或储备库从回收站恢复"))
        self.act_restore.setVisible(False)
        self.write_actions = [self.act_minimum, self.act_import, self.act_delete, self.act_delete_batch,
                              self.act_delete_item, self.act_delete_warehouse, self.act_restore]

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self.act_moves.values():
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_inspect)
        self.toolbar.addSeparator()
        self.new_menu = QMenu(self.tr("新建"), self)
        for action in (self.act_new_warehouse, self.act_new_item, self.act_new_batch):
            self.new_menu.addAction(action)
        self.edit_menu = QMenu(self.tr("编辑"), self)
        for action in (self.act_edit_warehouse, self.act_edit_item, self.act_edit_batch, self.act_minimum):
            self.edit_menu.addAction(action)
        self.edit_menu.addSeparator()
        for action in (self.act_delete_batch, self.act_delete_item, self.act_delete_warehouse):
            self.edit_menu.addAction(action)
        self.export_menu = QMenu(self.tr("导出"), self)
        for action in (self.act_export, self.act_labels, self.act_card, self.act_inventory):
            self.export_menu.addAction(action)
        self.import_menu = QMenu(self.tr("导入"), self)
        for action in (self.act_import, self.act_template):
            self.import_menu.addAction(action)
        for menu in (self.new_menu, self.edit_menu):
            self._add_menu(menu)
        self.toolbar.addAction(self.act_delete)
        self.toolbar.addAction(self.act_restore)
        for menu in (self.import_menu, self.export_menu):
            self._add_menu(menu)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_refresh)
        self.make_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的批次、物资和储备库，可以恢复"))
        layout.addWidget(self.toolbar)

        self.alert_label = QLabel(self)
        self.alert_label.setObjectName("supplyAlerts")
        self.alert_label.setWordWrap(True)
        layout.addWidget(self.alert_label)

        filters = QHBoxLayout()
        self.make_search(self.tr("搜索物资编码、名称、规格、批次号"))
        self.search.setMinimumWidth(170)
        filters.addWidget(self.search, 2)
        self.category_combo = self.make_filter_combo(self.tr("全部类别"), self.tr("物资类别（GB/T 38565），含下级类别"),
                                                     min_length=8)
        self.expiry_combo = self.make_filter_combo(self.tr("全部有效期"), self.tr("有效期"),
                                                   [(self.tr(t), v) for t, v in EXPIRY_CHOICES], min_length=6)
        filters.addWidget(self.category_combo, 1)
        filters.addWidget(self.expiry_combo, 1)
        self.below_check = QCheckBox(self.tr("低于最低库存"), self)
        self.unusable_check = QCheckBox(self.tr("不可用"), self)
        self.unusable_check.setToolTip(self.tr("已过期、待修或报废的批次"))
        self.empty_check = QCheckBox(self.tr("含零库存"), self)
        for box in (self.below_check, self.unusable_check, self.empty_check):
            box.toggled.connect(self.apply_filter)
            filters.addWidget(box)
        filters.addWidget(self.make_clear_button())
        filters.addStretch(0)
        filters.addWidget(self.make_count_label(110))

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("warehouseTree")
        self.tree.setHeaderLabel(self.tr("储备库"))
        self.tree.setMinimumWidth(180)
        self.tree.currentItemChanged.connect(lambda _c, _p: self._tree_changed())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_tree_menu)

        right = QWidget(self)
        inner = QVBoxLayout(right)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(filters)
        self.make_view(right)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        # fitted to the first screen of rows once (a filter keystroke measures nothing)
        self.columns = ColumnFit(self.view, stretch=self.model.NAME_COLUMN, stretch_minimum=NAME_MIN_WIDTH,
                                 maximum={0: 160, 3: 100, 4: 120, 9: 170}, sortable=self.model.is_sortable,
                                 sample_rows=FIT_ROWS)
        self._show_columns()
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._row_changed())
        self.model.modelReset.connect(self._row_changed)  # a new filter or a refresh: no row is current
        vertical = QSplitter(Qt.Orientation.Vertical, right)
        vertical.addWidget(self.view)
        vertical.addWidget(self._build_detail(vertical))
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 2)
        inner.addWidget(vertical, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 1000])
        layout.addWidget(splitter, 1)
        self.detail_timer = QTimer(self)
        self.detail_timer.setSingleShot(True)
        self.detail_timer.setInterval(120)
        self.detail_timer.timeout.connect(self.load_detail)
        for action in (*self.act_moves.values(), self.act_search, self.act_refresh, self.act_delete):
            self.addAction(action)
        self.update_actions()

    def _add_menu(self, menu: QMenu) -> None:
        self.toolbar.addAction(menu.menuAction())
        button = self.toolbar.widgetForAction(menu.menuAction())
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def _show_columns(self) -> None:
        """The 回收站 shows what each row is and when it was deleted instead of quantities and alerts."""
        trash = self.model.filter.deleted
        with self.columns.programmatic():  # hiding a column is no width the user chose
            for column in self.model.STOCK_ONLY:
                self.view.setColumnHidden(column, trash)
            for column in self.model.TRASH_ONLY:
                self.view.setColumnHidden(column, not trash)
        self.columns.fit()

    def _build_detail(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        self.detail_box = box
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        self.detail_label = QLabel(self.tr("选择一行，这里显示该物资的各批次、出入库记录和检查维护记录。"), box)
        self.detail_label.setObjectName("supplyDetail")
        self.detail_label.setWordWrap(True)
        layout.addWidget(self.detail_label)
        self.detail_tabs = QTabWidget(box)
        self.batch_table = record_table(box, "supplyBatches", ("储备库", "批次号", "账面", "可用", "有效期至", "状态",
                                                              "下次检查", "预警"), stretch=7)
        self.movement_table = record_table(box, "supplyMovements", ("日期", "类型", "单据号", "数量", "结存",
                                                                   "经办人", "领用/来源单位", "事由"), stretch=7)
        self.inspection_table = record_table(box, "supplyInspections", ("检查日期", "检查范围", "储备库", "检查人",
                                                                       "检查结果", "情况说明", "下次检查"), stretch=5)
        self.detail_tabs.addTab(self.batch_table, self.tr("各储备库批次"))
        self.detail_tabs.addTab(self.movement_table, self.tr("出入库记录"))
        self.detail_tabs.addTab(self.inspection_table, self.tr("检查维护记录"))
        layout.addWidget(self.detail_tabs, 1)
        return box

    # --- loading

    def load(self) -> None:
        tree = rules.categories()
        fill_combo(self.category_combo, [(f"{c.code[:c.level * 2 - 1]} {c.name}", c.code, c.level - 1)
                                         for c in (tree.by_code[code] for code in tree.order) if c.level <= 2],
                   first=(self.tr("全部类别"), None))
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())  # read in the background, with its first page
        self._show_columns()  # a header saved while the 回收站 was shown would hide the quantities
        self.load_tree()
        self.load_alerts()

    def refresh(self) -> None:
        self.refetch(self.current_filter())  # a new day: a new as_of
        self.load_tree()
        self.load_alerts()

    def _read(self, fn: Callable[[Session], Any], label: str, title: str) -> Task:
        db = self._db

        def work(_progress: Progress) -> Any:
            with db.read() as s:
                return fn(s)

        return self._runner.run(work, label=label, title=title, show_progress=False)

    def load_tree(self) -> Task:
        task = self._read(sq.warehouses_tree, self.tr("正在读取储备库…"), self.tr("储备库"))
        task.sig_finished.connect(self._tree_ready)
        self.tree_task = task
        return task

    def _tree_ready(self, nodes: list[TreeNode]) -> None:
        current = self.tree.currentItem()
        wanted = current.data(0, WAREHOUSE_ROLE + 1) if current is not None else "all"
        self.tree.blockSignals(True)
        self.tree.clear()
        root = QTreeWidgetItem(self.tree, [self.tr("全部储备库")])
        root.setData(0, WAREHOUSE_ROLE, ())
        root.setData(0, WAREHOUSE_ROLE + 1, "all")
        chosen = root

        def add(parent: QTreeWidgetItem, node: TreeNode) -> None:
            nonlocal chosen
            label = node.label
            if len(node.children) == 1 and node.children[0].warehouse_id is not None:
                # a district or an enterprise with one store: the store itself (an enterprise's by its name)
                label = node.label if node.key.startswith("enterprise:") else node.children[0].label
                node = node.children[0]
            item = QTreeWidgetItem(parent, [label])
            item.setData(0, WAREHOUSE_ROLE, node.warehouse_ids)
            item.setData(0, WAREHOUSE_ROLE + 1, node.key)
            item.setData(0, VERSION_ROLE, node.version)
            item.setToolTip(0, node.label if node.label == label else f"{label}：{node.label}")
            if node.key == wanted:
                chosen = item
            for child in node.children:
                add(item, child)

        for node in nodes:
            add(root, node)
        self.tree.expandToDepth(1)  # the kinds; a district's or an enterprise's stores open on a click
        self.tree.setCurrentItem(chosen)
        self.tree.blockSignals(False)
        self._choose_scope(chosen)
        self.apply_filter()

    def _tree_changed(self) -> None:
        item = self.tree.currentItem()
        self._choose_scope(item)
        self.apply_filter()
        self.update_actions()

    def _choose_scope(self, item: QTreeWidgetItem | None) -> None:
        """The list's warehouses: one by its id, several by the node's key (filtered in SQL by a
        subquery — a city's 企业储备点 are thousands of stores), everything for 全部储备库."""
        self.warehouse_ids = tuple(item.data(0, WAREHOUSE_ROLE) or ()) if item is not None else ()
        key = item.data(0, WAREHOUSE_ROLE + 1) if item is not None else "all"
        self.warehouse_scope = key if len(self.warehouse_ids) > 1 and key != "all" else ""

    def _warehouse_filter(self) -> dict[str, Any]:
        if self.warehouse_scope:
            return {"warehouse_scope": self.warehouse_scope}
        return {"warehouse_ids": self.warehouse_ids}

    def select_warehouse(self, warehouse_id: int) -> bool:
        """Choose the tree's leaf of a warehouse (False when it is not in the tree)."""
        key = f"warehouse:{warehouse_id}"
        for item in self.tree.findItems("", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive):
            if item.data(0, WAREHOUSE_ROLE + 1) == key:
                self.tree.setCurrentItem(item)
                return True
        return False

    def select_place(self, warehouse_id: int, batch_id: int) -> bool:
        """Select the row of a batch in a warehouse if it is among the pages read (the first and
        those on screen); False when it is not."""
        n = self.model.find_row(lambda r: r.warehouse_id == warehouse_id and r.batch_id == batch_id)
        if n < 0:
            return False
        self.select_row(n)
        return True

    def same_record(self, row: StockRow | TrashRow, other: StockRow | TrashRow) -> bool:
        """A stock row is a batch in a warehouse; a 回收站 row the deleted record it names."""
        if isinstance(row, StockRow) and isinstance(other, StockRow):
            return (row.warehouse_id, row.batch_id) == (other.warehouse_id, other.batch_id)
        if isinstance(row, TrashRow) and isinstance(other, TrashRow):
            return (row.record, row.id) == (other.record, other.id)
        return False

    def current_warehouse_id(self) -> int | None:
        """The warehouse of the tree's leaf, else of the selected row."""
        if len(self.warehouse_ids) == 1:
            return self.warehouse_ids[0]
        row = self.stock_row()
        return row.warehouse_id if row is not None else None

    def load_alerts(self) -> Task:
        as_of = self.as_of()
        task = self._read(lambda s: sq.alerts(s, as_of), self.tr("正在统计物资预警…"), self.tr("物资预警"))
        task.sig_finished.connect(self._alerts_ready)
        self.alerts_task = task
        return task

    def _alerts_ready(self, rows: list[sq.AlertRow]) -> None:
        counts = Counter(r.alert.label for r in rows)
        if not counts:
            self.alert_label.setText(self.tr("按 {0}：没有物资预警。").format(self.as_of().isoformat()))
            self.alert_label.setStyleSheet("color: #2E7D32;")
            return
        parts = "，".join(f"{label} {n} 项" for label, n in counts.most_common())
        self.alert_label.setText(self.tr("按 {0} 的物资预警：{1}。用“有效期”“低于最低库存”“不可用”筛选查看。").format(
            self.as_of().isoformat(), parts))
        self.alert_label.setStyleSheet("color: #9B1C2C;")

    # --- the selected row's item

    def _row_changed(self) -> None:
        self.update_actions()
        self.detail_timer.start()

    def load_detail(self) -> Task | None:
        """The selected row's item in every warehouse, and its batch's movements here."""
        row = self.stock_row()
        if row is None:
            self.detail_label.setText(self.tr("选择一行，这里显示该物资的各批次、出入库记录和检查维护记录。"))
            for table in (self.batch_table, self.movement_table, self.inspection_table):
                table.setRowCount(0)
            return None
        as_of, item_id, batch_id, warehouse_id = self.as_of(), row.item_id, row.batch_id, row.warehouse_id

        def read(s: Session) -> tuple[int, int, list[StockRow], list[MovementRow], list[InspectionRow]]:
            batches = sq.rows(s, StockFilter(as_of=as_of, item_id=item_id, include_empty=True))
            moves = sq.movements(s, batch_id=batch_id, warehouse_id=warehouse_id)
            return item_id, batch_id, batches, moves, sq.inspections(s, item_id)

        try:
            task = self._read(read, self.tr("正在读取物资明细…"), self.tr("物资明细"))
        except RuntimeError:  # the window closed (its runner shut down) before the pause ended
            return None
        task.sig_finished.connect(self._detail_ready)
        self.detail_task = task
        return task

    def _detail_ready(self, result: tuple[int, int, list[StockRow], list[MovementRow], list[InspectionRow]]) -> None:
        item_id, batch_id, batches, moves, checks = result
        row = self.stock_row()
        if row is None or row.item_id != item_id or row.batch_id != batch_id:
            return  # an earlier selection's answer
        self.item_rows, self.movement_rows, self.inspection_rows = batches, moves, checks
        book = sum(b.book_qty for b in batches)
        usable = sum(b.usable_qty for b in batches)
        minimum = self.tr("，本库最低库存 {0}").format(row.minimum) if row.minimum is not None else ""
        self.detail_label.setText(self.tr("{0}　{1}{2}　类别 {3}　共 {4}{5}，可用 {6}{5}{7}").format(
            row.item_code, row.item, f"（{row.spec}）" if row.spec else "", rules.category_label(row.category_code),
            book, row.unit, usable, minimum))
        self.batch_table.setRowCount(len(batches))
        for n, b in enumerate(batches):
            values = (b.warehouse, b.batch_no, str(b.book_qty), str(b.usable_qty),
                      b.expires_on.isoformat() if b.expires_on else "", CONDITIONS.get(b.condition, b.condition),
                      b.inspection_due.isoformat() if b.inspection_due else "", "、".join(a.label for a in b.alerts))
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column in (2, 3):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 7 and b.alerts:
                    cell.setForeground(QBrush(DANGER if any(a.severity == "danger" for a in b.alerts) else WARNING))
                    cell.setToolTip("\n".join(str(a) for a in b.alerts))
                self.batch_table.setItem(n, column, cell)
        self.movement_table.setRowCount(len(moves))
        for n, m in enumerate(reversed(moves)):  # the latest first
            kind = m.kind_label + (f"（{m.other_warehouse}）" if m.other_warehouse else "")
            values = (m.moved_on.isoformat(), kind, m.doc_no, f"{m.quantity:+d}", str(m.balance), m.handler,
                      m.counterparty, m.reason)
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column in (3, 4):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.movement_table.setItem(n, column, cell)
        self.detail_tabs.setTabText(1, self.tr("出入库记录（批次 {0}，{1}）").format(row.batch_no, row.warehouse))
        self.inspection_table.setRowCount(len(checks))
        for n, c in enumerate(checks):  # the latest first, of every batch of the item and of the item itself
            values = (c.inspected_on.isoformat(), c.scope, c.warehouse, c.inspector, c.result_label, c.notes,
                      c.next_due.isoformat() if c.next_due else "")
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column == 4 and c.result != "good":
                    cell.setForeground(QBrush(DANGER))
                if column == 5 and value:
                    cell.setToolTip(value)
                self.inspection_table.setItem(n, column, cell)
        self.detail_tabs.setTabText(2, self.tr("检查维护记录（{0}）").format(len(checks)) if checks
                                    else self.tr("检查维护记录"))

    # --- filtering

    def current_filter(self) -> StockFilter:
        if self.in_trash:  # the deleted records of every warehouse: the tree and the stock filters do not apply
            return StockFilter(as_of=self.as_of(), text=self.search.text().strip(), deleted=True)
        expiry = self.expiry_combo.currentData()
        return StockFilter(as_of=self.as_of(), **self._warehouse_filter(),
                           category_code=self.category_combo.currentData() or "", text=self.search.text().strip(),
                           expiring_within=expiry if isinstance(expiry, int) else None, expired=expiry == "expired",
                           below_minimum=self.below_check.isChecked(), unusable=self.unusable_check.isChecked(),
                           include_empty=self.empty_check.isChecked())

    def unfiltered(self) -> StockFilter:
        if self.in_trash:
            return StockFilter(as_of=self.as_of(), deleted=True)
        return StockFilter(as_of=self.as_of(), **self._warehouse_filter())

    def filter_applied(self) -> None:
        self._show_columns()

    def trash_toggled(self, on: bool) -> None:
        """The 回收站: only 恢复 (and the search) apply there."""
        for action in (*self.act_moves.values(), self.act_inspect, self.act_delete, self.act_import,
                       self.new_menu.menuAction(), self.edit_menu.menuAction(), self.import_menu.menuAction(),
                       self.export_menu.menuAction()):
            action.setVisible(not on)
        self.act_restore.setVisible(on)
        for widget in (self.tree, self.category_combo, self.expiry_combo, self.below_check, self.unusable_check,
                       self.empty_check):
            widget.setEnabled(not on)
        self.alert_label.setVisible(not on)
        self.detail_box.setVisible(not on)  # a deleted record has no stock to show
        tidy_separators(self.toolbar)

    def show_count(self, count: int) -> None:
        if self.in_trash:  # batches, items and warehouses: records, not stock rows
            self.count_label.setText(self.tr("回收站中共 {0} 条记录").format(count))
        else:
            super().show_count(count)

    def clear_filters(self) -> None:
        for box in (self.below_check, self.unusable_check, self.empty_check):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        super().clear_filters()

    @property
    def empty_noun(self) -> str:
        return self.tr("库存")

    @property
    def list_name(self) -> str:
        return self.tr("库存")

    def describe_nothing_yet(self) -> tuple[str, str]:
        if self.warehouse_ids:
            return self.tr("这里还没有库存"), self.tr("点击“入库”登记到货的物资；新到的一批请先“新建批次”。")
        return self.tr("还没有物资库存"), self.tr(
            "先“新建储备库”和“新建物资”，再“新建批次”并“入库”；也可以从 Excel 导入物资台账。")

    def enable_actions(self) -> None:
        self.act_restore.setEnabled(self.in_trash and self.current_row() is not None)
        row = self.stock_row()
        self.act_delete.setEnabled(row is not None or (self.tree.hasFocus() and len(self.warehouse_ids) == 1))
        self.act_delete_batch.setEnabled(row is not None)
        self.act_delete_item.setEnabled(row is not None)
        self.act_delete_warehouse.setEnabled(len(self.warehouse_ids) == 1 and not self.in_trash)
        self.act_inspect.setEnabled(row is not None)
        self.act_edit_batch.setEnabled(row is not None)
        self.act_edit_item.setEnabled(row is not None)
        self.act_edit_warehouse.setEnabled(self.current_warehouse_id() is not None)
        self.act_minimum.setEnabled(row is not None)
        self.act_export.setEnabled(self.model.rowCount() > 0)
        self.act_labels.setEnabled(row is not None or len(self.warehouse_ids) == 1)
        self.act_card.setEnabled(row is not None)
        self.act_inventory.setEnabled(self.current_warehouse_id() is not None)

    # --- rows and actions

    def open_current(self) -> QDialog | None:
        return self.edit_batch()

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction(self.act_restore)
            return menu
        for action in self.act_moves.values():
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.act_inspect, self.act_edit_batch, self.act_edit_item, self.act_minimum):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.act_labels, self.act_card):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.act_delete_batch, self.act_delete_item):
            menu.addAction(action)
        return menu

    def build_tree_menu(self) -> QMenu:
        """The warehouse tree's right-click menu (a warehouse leaf: edit, delete, its inventory and labels)."""
        menu = QMenu(self)
        for action in (self.act_edit_warehouse, self.act_inventory, self.act_labels):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_delete_warehouse)
        return menu

    def _show_tree_menu(self, pos: Any) -> None:
        item = self.tree.itemAt(pos)
        if item is None or self.in_trash:
            return
        self.tree.setCurrentItem(item)
        self.update_actions()
        menu = self.build_tree_menu()
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # --- delete and restore (ListPage's: the confirm texts, the write with the version read)

    def delete_selected(self) -> WriteOp[Any] | None:
        """删除 (Delete): in the tree its warehouse (a group of them: nothing), else the selected row's batch."""
        if self.tree.hasFocus():
            return self.delete_warehouse()
        return self.delete_current()

    def delete_item(self) -> WriteOp[Any] | None:
        row = self.stock_row()
        if row is None:
            return None
        return self._delete(Target("item", row.item_id, row.item_version, f"物资“{row.item}”（{row.item_code}）"))

    def delete_warehouse(self) -> WriteOp[Any] | None:
        """The warehouse chosen in the tree (a leaf), with the version the tree read."""
        item = self.tree.currentItem()
        if item is None or len(self.warehouse_ids) != 1:
            return None
        version = item.data(0, VERSION_ROLE)
        name = item.toolTip(0).split("：")[-1] or item.text(0)
        self._tree_changed_by_write = True
        return self._delete(Target("warehouse", self.warehouse_ids[0], int(version or 0), f"储备库“{name}”"))

    def _delete(self, target: Target) -> WriteOp[Any] | None:
        """Like ``ListPage.delete_current`` for a record that is not the row: ask, then write."""
        if self.in_trash or self.writing:
            return None
        title, question, done = self.delete_texts(target)
        if not messages.confirm(self, title, question, yes=self.tr("移入回收站"), no=self.tr("取消")):
            return None
        service, record_id, version = RECORD_SERVICES[target.record], target.id, target.version
        return self.write(record_id, lambda uow: service.delete(uow, record_id, expected_version=version),
                          refused=self.tr("无法删除"), done=done)

    def delete_texts(self, row: StockRow | TrashRow | Target) -> tuple[str, str, str]:
        if isinstance(row, Target):
            noun = "物资" if row.record == "item" else "储备库"
            held = self.tr("各储备库中均无库存") if row.record == "item" else self.tr("其中没有库存")
            return (self.tr("删除{0}").format(noun),
                    self.tr("确定将{0}移入回收站吗？\n只有{1}时才能删除；移入回收站后仍可在回收站中恢复。").format(row.name, held),
                    self.tr("已将{0}移入回收站").format(row.name))
        assert isinstance(row, StockRow)
        return (self.tr("删除批次"),
                self.tr("确定将“{0}”的批次“{1}”移入回收站吗？\n只有该批次在各储备库的账面数量均为 0 时才能删除；"
                        "移入回收站后仍可在回收站中恢复。").format(row.item, row.batch_no),
                self.tr("已将批次“{0}”移入回收站").format(row.batch_no))

    def restore_current(self) -> WriteOp[Any] | None:
        row = self.current_row()
        if isinstance(row, TrashRow) and row.record == "warehouse":
            self._tree_changed_by_write = True
        return super().restore_current()

    def restored_text(self, row: StockRow | TrashRow) -> str:
        return self.tr("已恢复{0}").format(row.name if isinstance(row, TrashRow) else f"批次“{row.batch_no}”")

    def open_movement(self, kind: str) -> MovementDialog | None:
        """The movement dialog; from a selected row its item and batch are filled in (出库 and 调拨
        still propose first-expiry-first-out unless the batch is scanned)."""
        row = self.stock_row()
        warehouse_id = self.current_warehouse_id()
        item_id = row.item_id if row is not None else None
        batch_id = row.batch_id if row is not None and kind not in ("issue", "transfer") else None
        dialog = self.open_dialog(lambda: MovementDialog(self._db, self._runner, actor=self._actor, as_of=self.as_of(),
                                                         kind=kind, warehouse_id=warehouse_id, item_id=item_id,
                                                         batch_id=batch_id, parent=self),
                                  refused=self.tr("无法登记"))
        if dialog is not None:
            dialog.sig_posted.connect(lambda _ids: self._stored(self.tr("已登记{0}").format(KINDS[dialog.kind])))
        return dialog

    def _stored(self, status: str) -> None:
        """Something was stored from this page: read the rows again (the selected batch selected
        again once they are there; its detail follows the selection) and the alerts."""
        self.refetch()
        self.load_alerts()
        self.sig_data_changed.emit()
        self.sig_status.emit(status)

    def _form(self, make: Callable[[], QDialog], done: str, *, tree: bool = False) -> QDialog | None:
        dialog = self.open_dialog(make, refused=self.tr("无法打开"))
        if dialog is not None and hasattr(dialog, "sig_saved"):
            dialog.sig_saved.connect(lambda _id: (self._stored(done), self.load_tree() if tree else None))
        return dialog

    def new_warehouse(self) -> QDialog | None:
        return self._form(lambda: WarehouseDialog(self._db, self._runner, actor=self._actor, parent=self),
                          self.tr("已新建储备库"), tree=True)

    def edit_warehouse(self) -> QDialog | None:
        wid = self.current_warehouse_id()
        if wid is None:
            return None
        return self._form(lambda: WarehouseDialog(self._db, self._runner, wid, actor=self._actor, parent=self),
                          self.tr("已保存储备库"), tree=True)

    def new_item(self) -> QDialog | None:
        return self._form(lambda: ItemDialog(self._db, self._runner, actor=self._actor, parent=self),
                          self.tr("已新建物资"))

    def edit_item(self) -> QDialog | None:
        row = self.stock_row()
        if row is None:
            return None
        return self._form(lambda: ItemDialog(self._db, self._runner, row.item_id, actor=self._actor, parent=self),
                          self.tr("已保存物资"))

    def new_batch(self) -> QDialog | None:
        row = self.stock_row()
        initial = {"item_id": row.item_id} if row is not None else {}
        return self._form(lambda: BatchDialog(self._db, self._runner, actor=self._actor, initial=initial,
                                              parent=self), self.tr("已新建批次"))

    def edit_batch(self) -> QDialog | None:
        row = self.stock_row()
        if row is None:
            return None
        return self._form(lambda: BatchDialog(self._db, self._runner, row.batch_id, actor=self._actor, parent=self),
                          self.tr("已保存批次"))

    def inspect_current(self) -> QDialog | None:
        row = self.stock_row()
        if row is None:
            return None
        text = f"{row.item} 批次 {row.batch_no}"
        return self._form(lambda: InspectionDialog(self._db, self._runner, row.batch_id, batch_text=text,
                                                   as_of=self.as_of(), item_id=row.item_id, item_text=row.item,
                                                   warehouse_id=row.warehouse_id, warehouse_text=row.warehouse,
                                                   actor=self._actor, parent=self),
                          self.tr("已登记检查维护：{0}").format(row.item))

    def set_minimum(self) -> QDialog | None:
        """最低库存 of the selected row's item in its warehouse, saved with the version the list read."""
        row = self.stock_row()
        if row is None:
            return None
        return self._form(lambda: MinimumDialog(self._db, self._runner, row.warehouse_id, row.item_id,
                                                quantity=row.minimum, version=row.minimum_version,
                                                item_text=row.item, warehouse_text=row.warehouse, unit=row.unit,
                                                as_of=self.as_of(), actor=self._actor, parent=self),
                          self.tr("已设置最低库存：{0}").format(row.item))

    def changed(self, row_id: int, status: str) -> None:
        self._stored(status)
        if self._tree_changed_by_write:
            self._tree_changed_by_write = False
            self.load_tree()

    # --- exports (in the background)

    def export_stem(self, flt: StockFilter) -> str:
        return self.tr("应急物资库存")

    def excel_writer(self, flt: StockFilter) -> Write:
        db = self._db

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_balances(db, flt, path, progress=progress))

        return write

    def import_excel(self, path: Path | None = None) -> Task | None:
        """导入Excel: the whole file or nothing; when rows fail, the error workbook beside the file."""
        def load() -> Importer:
            from exports.supplies.imports import import_supplies

            return import_supplies

        task = import_workbook(self, self._runner, self._settings, self._db, self._actor, title=self.tr("导入物资"),
                               load=load, done=lambda summary: self.changed(-1, summary), path=path)
        self.import_task = task
        return task

    def save_template(self, path: Path | None = None) -> Task | None:
        """A blank import template with its drop-down lists."""
        path = path or self._ask_path(self.tr("导入模板"), self.tr("应急物资导入模板"), (".xlsx",))
        if path is None:
            return None

        def work(s: Session, target: Path) -> int:
            from exports.supplies.imports import write_supplies_template

            write_supplies_template(s, target)
            return 0

        return self._export(self.tr("导入模板"), path, work)

    def _ask_path(self, label: str, stem: str, suffixes: tuple[str, ...]) -> Path | None:
        return ask_save_path(self, self._settings, label, stem, suffixes)

    def _export(self, label: str, path: Path, work: Callable[[Session, Path], int]) -> Task:
        task = export_file(self, self._runner, self._db, label, path, work)
        self.export_file_task = task
        return task

    def _document(self, label: str, stem: str, build: Callable[[Session], Any], path: Path | None) -> Task | None:
        task = export_report(self, self._runner, self._settings, self._db, label, stem, build, path)
        self.export_file_task = task
        return task

    def export_stock_card(self, path: Path | None = None) -> Task | None:
        """物资台账卡 of the selected row's item (in its warehouse)."""
        row = self.stock_row()
        if row is None:
            return None
        item_id, warehouse_id, as_of = row.item_id, row.warehouse_id, self.as_of()

        def build(s: Session) -> Any:
            from plans.supplies.documents import build_stock_card

            return build_stock_card(s, item_id, as_of=as_of, warehouse_id=warehouse_id)

        return self._document(self.tr("物资台账卡"), f"物资台账卡-{row.item_code}-{row.item}", build, path)

    def export_inventory(self, path: Path | None = None) -> Task | None:
        """库存盘点表 of the chosen warehouse."""
        warehouse_id, as_of = self.current_warehouse_id(), self.as_of()
        if warehouse_id is None:
            return None

        def build(s: Session) -> Any:
            from plans.supplies.documents import build_inventory

            return build_inventory(s, warehouse_id, as_of=as_of)

        return self._document(self.tr("库存盘点表"), self.tr("库存盘点表"), build, path)

    def print_labels(self, path: Path | None = None) -> Task | None:
        """Labels (QR code) of the selected batch, or of every batch in stock in the chosen warehouse."""
        row = self.stock_row()
        one = row is not None
        warehouse_id = None if one else self.current_warehouse_id()
        if row is None and warehouse_id is None:
            return None
        path = path or self._ask_path(self.tr("打印标签"), self.tr("物资标签"), (".pdf",))
        if path is None:
            return None
        batch_id = row.batch_id if row is not None else None

        def work(s: Session, target: Path) -> int:
            from exports.supplies.labels import render_labels
            from plans.supplies import labels

            found = labels.batch_labels(s, [batch_id]) if batch_id is not None else labels.stock_labels(
                s, warehouse_id=warehouse_id)
            return render_labels(found, target)

        return self._export(self.tr("物资标签"), path, work)
