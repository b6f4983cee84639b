"""The movement dialog (入库, 出库, 调拨, 报废, 盘点), made for the keyboard and the barcode scanner.

The focus starts in 物资: type a code or a name (the list narrows as you type) or scan a label — a
scanner types the label's payload and Enter, which picks the item and the batch at once — then
Enter; type the quantity and Enter saves. For 出库 and 调拨 the batch is proposed first-expiry-
first-out over the usable batches (``models.supplies.movements.fefo``; split over several batches
when one is not enough); a scanned or chosen batch is taken as it is, and the service refuses an
expired or unusable one with its Chinese reason. Ctrl+1 … Ctrl+5 switch the kind, Ctrl+Enter saves
from any field. With 保存后继续录入 the dialog stays open after a save with the kind, warehouse,
date, document number and handler kept, ready for the next line.

Reads (the item list, the batches in stock, the FEFO proposal, a scan) run on worker threads;
the save goes through the write flow. A refused save keeps everything typed and says why in the
banner and under the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.kit.dates import DateField
from desktop.kit.forms import ERROR_STYLE, FormErrors
from desktop.kit.pickers import fill_combo
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import WriteOp
from desktop.supplies.forms import BatchDialog
from desktop.supplies.scan import Found, ItemChoice, load_items, resolve
from models.core.database import Database
from models.core.errors import DeskError, FieldError, ValidationError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork
from models.supplies import movements, rules
from models.supplies.entities import StockBalance, StockMovement, SupplyBatch, Warehouse

KINDS: dict[str, str] = {"receive": "入库", "issue": "出库", "transfer": "调拨", "scrap": "报废", "adjust": "盘点"}
FEFO_KINDS = ("issue", "transfer")
"""The kinds whose batch is proposed first-expiry-first-out."""
OUT_KINDS = ("issue", "transfer", "scrap")
LABELS = {"item": "物资", "warehouse_id": "储备库", "to_warehouse_id": "调入储备库", "quantity": "数量",
          "batch_id": "批次", "moved_on": "日期", "doc_no": "单据号", "handler": "经办人",
          "counterparty": "领用/来源单位", "reason": "事由"}
ORDER = ("item", "warehouse_id", "to_warehouse_id", "quantity", "batch_id", "moved_on", "doc_no", "handler",
         "counterparty", "reason")


@dataclass(frozen=True)
class BatchOption:
    """A batch as the dialog offers it: its stock in the warehouse and whether it can be issued."""

    id: int
    batch_no: str
    expires_on: date | None
    quantity: int
    usable: bool
    reason: str

    def label(self, unit: str) -> str:
        expiry = f"，有效期至 {self.expires_on.isoformat()}" if self.expires_on else ""
        state = "" if self.usable else f"，{self.reason}"
        return f"{self.batch_no}（库存 {self.quantity}{unit}{expiry}{state}）"


def load_batches(session: Session, item_id: int, warehouse_id: int | None, as_of: date) -> list[BatchOption]:
    """The item's batches with their stock in the warehouse (every batch, those in stock first by
    expiry)."""
    stock = (select(StockBalance.quantity).where(StockBalance.batch_id == SupplyBatch.id,
                                                  StockBalance.warehouse_id == warehouse_id)
             .scalar_subquery())
    rows = session.execute(select(SupplyBatch, stock).where(SupplyBatch.item_id == item_id,
                                                            SupplyBatch.deleted_at.is_(None))).all()
    out = []
    for batch, quantity in rows:
        ok, why = rules.usable(batch, as_of)
        out.append(BatchOption(batch.id, batch.batch_no, batch.expires_on, int(quantity or 0), ok, why))
    out.sort(key=lambda b: (b.quantity <= 0, b.expires_on or date.max, b.batch_no))
    return out


def load_warehouses(session: Session) -> list[tuple[str, int]]:
    return [(name, wid) for wid, name in session.execute(
        select(Warehouse.id, Warehouse.name).where(Warehouse.deleted_at.is_(None)).order_by(Warehouse.name))]


class MovementDialog(QDialog):
    """Record movements of stock; one save is one document line (a FEFO split: several)."""

    sig_posted = Signal(list)
    """Movements were stored: their ids."""

    def __init__(self, db: Database, runner: TaskRunner, *, actor: Actor, as_of: date, kind: str = "receive",
                 warehouse_id: int | None = None, item_id: int | None = None, batch_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MovementDialog")
        self._db = db
        self._runner = runner
        self._actor = actor
        self.as_of = as_of
        self.items: list[ItemChoice] = []
        self.item: ItemChoice | None = None
        self.batches: list[BatchOption] = []
        self.fefo_parts: list[tuple[int, int]] = []
        """The FEFO proposal for the quantity typed: (batch id, quantity) in order of expiry."""
        self._wanted_item = item_id
        self._wanted_batch = batch_id
        self.tasks: list[Task] = []
        self.write_op: WriteOp[list[int]] | None = None
        self.posted: list[int] = []
        self._auto_batch = False
        """The batch combo is being set by the dialog (a fill, the FEFO proposal), not by the user."""
        self.batch_by_fefo = False
        """The batch shown was chosen by the FEFO proposal (a new quantity proposes again)."""
        self.save_when_read = False
        """Enter came before a read the save needs (the item, the FEFO proposal): save once it is in."""
        self.widgets: dict[str, QWidget] = {}
        self.errors = FormErrors(self, self.widgets, ORDER, grow=True)
        self.setStyleSheet(ERROR_STYLE)
        self._build(kind)
        self._read(lambda s: (load_items(s), load_warehouses(s)), self._base_ready, self.tr("正在读取物资目录…"))
        self._warehouse_wanted = warehouse_id
        fit_to_screen(self, QSize(max(620, self.sizeHint().width()), self.sizeHint().height()))

    # --- building

    def _build(self, kind: str) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        self.kind_combo = QComboBox(self)
        fill_combo(self.kind_combo, [(f"{label}（Ctrl+{n}）", key) for n, (key, label) in enumerate(KINDS.items(), 1)])
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.lookup = QLineEdit(self)
        self.lookup.setObjectName("movementLookup")
        self.lookup.setPlaceholderText(self.tr("扫描标签，或输入物资编码、名称后按回车"))
        self.item_model = QStringListModel(self)
        self.completer = QCompleter(self.item_model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated.connect(self._completed)
        self.lookup.setCompleter(self.completer)
        self.lookup.textEdited.connect(lambda _t: self._forget_item())
        self.widgets["item"] = self.lookup
        self.item_label = QLabel(self)
        self.item_label.setObjectName("movementItem")
        self.item_label.setWordWrap(True)
        self.item_label.hide()
        self.warehouse = QComboBox(self)
        self.warehouse.currentIndexChanged.connect(lambda _i: self._load_batches())
        self.widgets["warehouse_id"] = self.warehouse
        self.to_warehouse = QComboBox(self)
        self.widgets["to_warehouse_id"] = self.to_warehouse
        self.quantity = QSpinBox(self)
        self.quantity.setObjectName("movementQuantity")
        self.quantity.setRange(1, 10_000_000)
        self.quantity.setKeyboardTracking(True)
        self.quantity.valueChanged.connect(lambda _v: self._propose())
        self.widgets["quantity"] = self.quantity
        self.batch = QComboBox(self)
        self.batch.setObjectName("movementBatch")
        self.batch.setMinimumContentsLength(30)
        self.batch.currentIndexChanged.connect(lambda _i: None if self._auto_batch else self._batch_chosen())
        self.widgets["batch_id"] = self.batch
        self.batch_hint = QLabel(self)
        self.batch_hint.setWordWrap(True)
        self.batch_hint.setStyleSheet("color: #555;")
        self.batch_hint.hide()
        self.new_batch_button = QPushButton(self.tr("新建批次…"), self)
        self.new_batch_button.setAutoDefault(False)
        self.new_batch_button.setToolTip(self.tr("新到的一批：填写批次号、生产日期和有效期后回到这里入库"))
        self.new_batch_button.clicked.connect(self.new_batch)
        day = DateField(self, value=self.as_of, clearable=False)
        day.sig_changed.connect(self._load_batches)  # what is usable depends on the day
        self.widgets["moved_on"] = day
        for name, limit in (("doc_no", 64), ("handler", 32), ("counterparty", 128), ("reason", 200)):
            edit = QLineEdit(self)
            edit.setMaxLength(limit)
            self.widgets[name] = edit
        self.line("doc_no").setPlaceholderText(self.tr("不填则自动编号"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.tr("类型"), self.kind_combo)
        self.labels: dict[str, QLabel] = {}
        for name in ORDER:
            label = QLabel(LABELS[name] + (" *" if name in ("item", "warehouse_id", "to_warehouse_id", "quantity") else ""), self)
            label.setBuddy(self.widgets[name])
            self.labels[name] = label
            extras: tuple[QWidget, ...] = ()
            if name == "item":
                extras = (self.item_label,)
            elif name == "batch_id":
                below = QWidget(self)  # the hint, and 新建批次… at its right when receiving
                row = QHBoxLayout(below)
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(self.batch_hint, 1)
                row.addWidget(self.new_batch_button, 0, Qt.AlignmentFlag.AlignTop)
                extras = (below,)
            form.addRow(label, self.errors.holder(self, name, *extras))
        self.form = form
        layout.addLayout(form)
        self.keep_open = QCheckBox(self.tr("保存后继续录入（保留类型、储备库、日期、单据号和经办人）"), self)
        self.keep_open.setChecked(True)
        layout.addWidget(self.keep_open)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("保存（Ctrl+Enter）"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.save_button, self.close_button):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter belongs to the fields (see keyPressEvent)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        for n, key in enumerate(KINDS, 1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda k=key: self.set_kind(k))
        self._kind_changed()
        for widget in (self.lookup, self.quantity, self.quantity.lineEdit(), self.batch):
            widget.installEventFilter(self)
        for name in ("doc_no", "handler", "counterparty", "reason"):
            self.widgets[name].installEventFilter(self)
        self.lookup.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.focusWidget() is None:
            self.lookup.setFocus()

    @staticmethod
    def _hint(label: QLabel, text: str) -> None:
        """A line under a field that takes no room while it says nothing."""
        label.setText(text)
        label.setVisible(bool(text))

    def moved_on(self) -> date:
        field = self.widgets.get("moved_on")
        value = field.value() if isinstance(field, DateField) else None
        return value or self.as_of

    def line(self, name: str) -> QLineEdit:
        widget = self.widgets[name]
        assert isinstance(widget, QLineEdit)
        return widget

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))

    def _kind_changed(self) -> None:
        kind = self.kind
        self.setWindowTitle(self.tr("物资{0}").format(KINDS[kind]))
        transfer = kind == "transfer"
        for name, shown in (("to_warehouse_id", transfer), ("counterparty", kind in ("receive", "issue", "scrap"))):
            self.widgets[name].parentWidget().setVisible(shown)  # the field's holder, with its message
            self.labels[name].setVisible(shown)
        self.labels["warehouse_id"].setText(self.tr("调出储备库 *") if transfer else self.tr("储备库 *"))
        self.labels["counterparty"].setText({"receive": self.tr("来源单位"), "issue": self.tr("领用单位")}.get(
            kind, self.tr("处置单位")))
        self.labels["reason"].setText(LABELS["reason"] + (" *" if kind in ("scrap", "adjust") else ""))
        self.new_batch_button.setVisible(kind == "receive")
        if kind == "adjust":  # a count adjustment is signed: + found more, − found less
            self.quantity.setRange(-10_000_000, 10_000_000)
            self.quantity.setToolTip(self.tr("盘点调整数量：盘盈为正数，盘亏为负数"))
            self.labels["quantity"].setText(self.tr("调整数量（±） *"))
        else:
            self.quantity.setRange(1, 10_000_000)
            self.quantity.setToolTip("")
            self.labels["quantity"].setText(self.tr("数量 *"))
        self._fill_batches()

    # --- reading on worker threads

    def _read(self, fn: Callable[[Session], Any], done: Callable[[Any], None], label: str) -> Task:
        db = self._db

        def work(_progress: Progress) -> Any:
            with db.read() as s:
                return fn(s)

        task = self._runner.run(work, label=label, title=self.tr("物资"), show_progress=False)
        task.sig_finished.connect(done)
        task.sig_finished.connect(lambda _r: self._read_done())
        self.tasks = [t for t in self.tasks if t.running]
        self.tasks.append(task)
        return task

    def _read_done(self) -> None:
        if self.save_when_read and not self.reading:
            self.save_when_read = False
            self.save()

    @property
    def reading(self) -> bool:
        return any(t.running for t in self.tasks)

    def _base_ready(self, result: tuple[list[ItemChoice], list[tuple[str, int]]]) -> None:
        self.items, warehouses = result
        self.item_model.setStringList([i.label for i in self.items])
        fill_combo(self.warehouse, warehouses, first=(self.tr("请选择储备库…"), None))
        fill_combo(self.to_warehouse, warehouses, first=(self.tr("请选择调入储备库…"), None))
        if self._warehouse_wanted is not None:
            self.warehouse.setCurrentIndex(max(0, self.warehouse.findData(self._warehouse_wanted)))
        wanted = next((i for i in self.items if i.id == self._wanted_item), None)
        if wanted is not None:
            self.choose_item(wanted, self._wanted_batch)
            self.quantity.setFocus()
            self.quantity.selectAll()

    # --- the item

    def _forget_item(self) -> None:
        if self.item is not None:
            self.item = None
            self._hint(self.item_label, "")
            self.batches = []
            self._fill_batches()

    def _completed(self, text: str) -> None:
        item = next((i for i in self.items if i.label == text), None)
        if item is not None:
            self.choose_item(item)
            self.quantity.setFocus()
            self.quantity.selectAll()

    def resolve_lookup(self) -> Task | None:
        """Enter in 物资: a scanned label or a typed code/name → the item (and batch), read on a
        worker thread; the focus then goes to 数量."""
        text = self.lookup.text()
        if self.item is not None and text == self.item.label:
            self.quantity.setFocus()
            self.quantity.selectAll()
            return None
        items = list(self.items)
        return self._read(lambda s: resolve(s, items, text), self._resolved, self.tr("正在查找物资…"))

    def _resolved(self, found: Found) -> None:
        if found.item is None:
            self.errors.show([FieldError("item", LABELS["item"], found.problem)], self.tr("请修正以下问题："))
            if found.candidates:
                self.completer.setCompletionPrefix(self.lookup.text())
                self.completer.complete()
            return
        self.errors.clear()
        self.choose_item(found.item, found.batch_id)
        if found.problem:
            self.errors.show([FieldError("batch_id", LABELS["batch_id"], found.problem)], self.tr("请注意："))
        self.quantity.setFocus()
        self.quantity.selectAll()

    def choose_item(self, item: ItemChoice, batch_id: int | None = None) -> Task | None:
        self.item = item
        self.batch_by_fefo = False
        self._wanted_batch = batch_id
        self.lookup.setText(item.label)
        self.quantity.setSuffix(f" {item.unit}")
        self._hint(self.item_label, self.tr("计量单位：{0}").format(item.unit))
        return self._load_batches()

    # --- batches and FEFO

    def _load_batches(self) -> Task | None:
        if self.item is None:
            return None
        item_id, warehouse_id, as_of = self.item.id, self.warehouse.currentData(), self.moved_on()
        self.fefo_parts = []
        return self._read(lambda s: (item_id, warehouse_id, load_batches(s, item_id, warehouse_id, as_of)),
                          self._batches_ready, self.tr("正在读取批次…"))

    def _batches_ready(self, result: tuple[int, int | None, list[BatchOption]]) -> None:
        item_id, warehouse_id, batches = result
        if self.item is None or self.item.id != item_id or self.warehouse.currentData() != warehouse_id:
            return  # an answer to an earlier question
        self.batches = batches
        self._fill_batches()
        self._propose()

    def _fill_batches(self) -> None:
        unit = self.item.unit if self.item else ""
        kind = self.kind
        shown = self.batches if kind in ("receive", "adjust") else [b for b in self.batches if b.quantity > 0]
        wanted = self._wanted_batch if self._wanted_batch is not None else self.batch.currentData()
        first = (self.tr("按先到期先出库（FEFO）自动选择"), None) if kind in FEFO_KINDS else (
            self.tr("请选择批次…"), None)
        self._auto_batch = True
        try:
            fill_combo(self.batch, [(b.label(unit), b.id) for b in shown], first=first, keep=False)
            if wanted is not None:
                index = self.batch.findData(wanted)
                if index < 0 and self._wanted_batch is not None:  # scanned, but no stock here: still show it
                    chosen = next((b for b in self.batches if b.id == wanted), None)
                    if chosen is not None:
                        self.batch.addItem(chosen.label(unit), chosen.id)
                        index = self.batch.count() - 1
                self.batch.setCurrentIndex(max(0, index))
        finally:
            self._auto_batch = False
        if self.item is not None and not shown and kind in OUT_KINDS:
            self._hint(self.batch_hint, self.tr("此储备库中没有“{0}”的库存").format(self.item.name))
        elif kind == "receive":
            self._hint(self.batch_hint, self.tr("新到的一批物资请先“新建批次”"))
        else:
            self._hint(self.batch_hint, "")

    def new_batch(self) -> QDialog | None:
        """入库 of a new delivery: the batch form for the chosen item; saved, the batch is chosen here."""
        if self.item is None:
            self.errors.show([FieldError("item", LABELS["item"], self.tr("请先扫描或输入物资，再新建它的批次"))],
                             self.tr("请修正以下问题："))
            return None
        dialog = BatchDialog(self._db, self._runner, actor=self._actor, initial={"item_id": self.item.id}, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(self._batch_created)
        self.batch_dialog = dialog
        dialog.open()
        return dialog

    def _batch_created(self, batch_id: int) -> None:
        self._wanted_batch = batch_id
        self._load_batches()
        self.quantity.setFocus()
        self.quantity.selectAll()

    def _batch_chosen(self) -> None:
        """The user picked a batch: it is taken as it is (FEFO again with the first item)."""
        self.batch_by_fefo = False
        if self.batch.currentData() is not None:
            self.fefo_parts = []
            self._hint(self.batch_hint, "")
            self._count_hint()
        else:
            self._propose()

    def _count_hint(self) -> None:
        """盘点: what the book says and what it will say (the adjustment is the count's difference)."""
        chosen = next((b for b in self.batches if b.id == self.batch.currentData()), None)
        if self.kind != "adjust" or chosen is None or self.item is None:
            return
        unit, delta = self.item.unit, self.quantity.value()
        self._hint(self.batch_hint, self.tr("账面 {0}{2}，调整后 {1}{2}（盘盈为正，盘亏为负）").format(
            chosen.quantity, chosen.quantity + delta, unit))

    def _propose(self) -> Task | None:
        """出库/调拨 with FEFO chosen: ask ``movements.fefo`` which batches give the quantity."""
        self._count_hint()
        if self.kind not in FEFO_KINDS or self.item is None or not (
                self.batch.currentData() is None or self.batch_by_fefo):
            return None
        item_id, warehouse_id, quantity = self.item.id, self.warehouse.currentData(), self.quantity.value()
        as_of = self.moved_on()  # usable on the day of the movement, as the service checks it
        if warehouse_id is None:
            return None

        def ask(s: Session) -> tuple[int, int, list[movements.Pick] | str]:
            try:
                return quantity, item_id, movements.fefo_picks(s, warehouse_id, item_id, quantity, as_of)
            except DeskError as exc:  # not enough usable stock
                return quantity, item_id, str(exc)

        return self._read(ask, self._proposed, self.tr("正在按先到期先出库分配批次…"))

    def _proposed(self, result: tuple[int, int, list[movements.Pick] | str]) -> None:
        quantity, item_id, parts = result
        if self.item is None or item_id != self.item.id or quantity != self.quantity.value():
            return
        self._auto_batch = True
        try:
            self._take_proposal(parts)
        finally:
            self._auto_batch = False

    def _take_proposal(self, parts: list[movements.Pick] | str) -> None:
        if self.batch_by_fefo:  # back to “FEFO”: the proposal decides again
            self.batch.setCurrentIndex(0)
            self.batch_by_fefo = False
        if isinstance(parts, str):
            self.fefo_parts = []
            self._hint(self.batch_hint, parts)
            return
        assert self.item is not None
        self.fefo_parts = [(p.batch_id, p.quantity) for p in parts]
        unit = self.item.unit
        text = "，".join(f"{p.batch_no} × {p.quantity}{unit}" for p in parts)
        self._hint(self.batch_hint, self.tr("先到期先出：{0}").format(text) if parts else "")
        if len(parts) == 1:
            index = self.batch.findData(parts[0].batch_id)
            if index >= 0:
                self.batch.setCurrentIndex(index)
                self.batch_by_fefo = True

    # --- the keyboard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in 物资 looks the text up (a scanner ends its payload with Enter); Enter in 数量 or
        批次 saves (or goes to 批次 when one must be chosen); Ctrl+Enter saves from any field."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and self._scan_elsewhere(
                watched, event):
            return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.completer.popup().isVisible() and watched is self.lookup:
                return False  # the list's own Enter picks the item (``_completed``)
            self.enter(watched, bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
            return True
        return super().eventFilter(watched, event)

    def _scan_elsewhere(self, watched: QObject, event: QKeyEvent) -> bool:
        """A letter typed into 数量 or 批次 is a label being scanned (a label's code starts with
        letters, a quantity has none): it goes to 物资, so the digits after it do not become the
        quantity."""
        text = event.text()
        if watched not in (self.quantity, self.quantity.lineEdit(), self.batch) or not (
                len(text) == 1 and text.isascii() and text.isalpha()) or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        self.lookup.setFocus()
        self.lookup.clear()
        self._forget_item()
        self.lookup.insert(text)
        return True

    def enter(self, field: QObject, ctrl: bool = False) -> None:
        if ctrl:
            self.save()
        elif field is self.lookup:
            self.resolve_lookup()
        elif field in (self.quantity, self.quantity.lineEdit()):
            if self.batch.currentData() is None and not (self.kind in FEFO_KINDS and (self.fefo_parts or self.reading)):
                self.batch.setFocus()
            else:
                self.save()
        elif field is self.batch:
            self.save()
        elif isinstance(field, QWidget):
            self.focusNextChild()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # the other fields: Enter goes on
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save()
            else:
                self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)

    # --- saving

    def data(self) -> movements.MovementData:
        moved_on = self.widgets["moved_on"]
        assert isinstance(moved_on, DateField)
        kind = self.kind
        return movements.MovementData(
            kind=kind, batch_id=self.batch.currentData(), warehouse_id=self.warehouse.currentData(),
            quantity=self.quantity.value(), moved_on=moved_on.value() or self.as_of,
            doc_no=self.line("doc_no").text().strip(), reason=self.line("reason").text().strip(),
            handler=self.line("handler").text().strip(), counterparty=self.line("counterparty").text().strip(),
            to_warehouse_id=self.to_warehouse.currentData() if kind == "transfer" else None)

    def check(self) -> list[FieldError]:
        """What the dialog sees before the service does (``movements.check`` and a chosen item)."""
        problems = []
        if self.item is None:
            problems.append(FieldError("item", LABELS["item"], self.tr("请扫描标签或输入物资编码、名称后按回车")))
        fefo = self.kind in FEFO_KINDS and bool(self.fefo_parts)
        for error in movements.check(self.data()):
            if error.field == "batch_id" and (fefo or self.item is None):
                continue
            if error.field == "batch_id" and self.kind in FEFO_KINDS:
                error = FieldError("batch_id", error.label, self.tr("可用库存不够按先到期先出库分配，请选择批次"))
            problems.append(error)
        return problems

    @property
    def saving(self) -> bool:
        return self.write_op is not None and self.write_op.running

    def save(self) -> WriteOp[list[int]] | None:
        """Post the line through the write flow; refused: everything stays, the reason is shown."""
        if self.saving:
            return None
        if self.reading:  # Enter typed before the item, its batches or the proposal were read
            self.save_when_read = True
            return None
        problems = self.check()
        if problems:
            self.errors.show(problems, self.tr("请修正以下问题后再保存："))
            return None
        data = self.data()
        parts = [(data.batch_id, data.quantity)] if data.batch_id else list(self.fefo_parts)

        def work(uow: UnitOfWork) -> list[int]:
            ids: list[int] = []
            line = data
            for batch_id, quantity in parts:  # a FEFO split: one document, a line per batch
                ids.extend(movements.post(uow, replace(line, batch_id=batch_id, quantity=quantity)))
                if not line.doc_no:
                    line = replace(line, doc_no=uow.session.get(StockMovement, ids[0]).doc_no)  # type: ignore[union-attr]
            return ids

        # the typed fields turn read-only (disabled ones would lose the focus the next line needs)
        typed = [w for w in self.widgets.values() if isinstance(w, QLineEdit | QSpinBox)]
        frozen = [w for w in self.widgets.values() if w not in typed] + [self.kind_combo, self.save_button]
        for widget in typed:
            widget.setReadOnly(True)
        op: WriteOp[list[int]] = WriteOp(self, self._runner, self._db, self._actor, work,
                                         title=self.tr("无法{0}").format(KINDS[data.kind]), disable=frozen)
        op.ended(lambda _outcome: [w.setReadOnly(False) for w in typed])
        op.success(self._posted)
        op.invalid(lambda error: self.errors.show(error.errors, self.tr("请修正以下问题后再保存：")))
        op.refused(self._refused)
        self.write_op = op
        op.run()
        return op

    def _refused(self, error: DeskError) -> None:
        """The service refused (not enough stock, an expired or unusable batch): say why under the
        batch (or the quantity) and keep the input."""
        if isinstance(error, ValidationError):
            self.errors.show(error.errors, self.tr("请修正以下问题后再保存："))
            return
        text = str(error)
        field = "quantity" if "库存不足" in text else "batch_id"
        self.errors.show([FieldError(field, LABELS[field], text)], self.tr("未保存，没有写入任何内容："))

    def _posted(self, ids: list[int]) -> None:
        self.posted.extend(ids)
        self.sig_posted.emit(ids)
        item = self.item.name if self.item else ""
        done = self.tr("已{0}：{1} {2}{3}").format(KINDS[self.kind], item, abs(self.quantity.value()),
                                                  self.item.unit if self.item else "")
        if not self.keep_open.isChecked():
            self.accept()
            return
        self.errors.notice(done)
        self.item = None
        self.lookup.clear()
        self._hint(self.item_label, "")
        self.batches = []
        self.fefo_parts = []
        self._wanted_batch = None
        self.batch_by_fefo = False
        self.quantity.setValue(1)
        self.line("reason").clear()
        self._fill_batches()
        self.lookup.setFocus()

    def reject(self) -> None:
        if self.write_op is not None and self.write_op.running:
            self.write_op.cancel()
            return
        super().reject()
