"""The supplies record forms on the field-described form base (``desktop.kit.fields.FieldForm``): 储备库, 物资品目,
批次, and the inspection entry (检查维护记录). Each loads a plain copy and its version from
``models.supplies.service``, saves through the write flow with that version (a stale save opens the
conflict dialog, never overwrites), and marks the fields the service refuses, keeping the input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit.fields import Field, FieldForm, check, choice, day, line, number, text
from desktop.kit.forms import Saved, set_widget_value, widget_value
from desktop.kit.pickers import EnterprisePicker, ReferenceChoices, fill_combo
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.core.uow import Actor, UnitOfWork
from models.supplies import queries as sq
from models.supplies import rules
from models.supplies import service as ss
from models.supplies.entities import (
    CONDITIONS,
    ITEM_KINDS,
    WAREHOUSE_KINDS,
    SupplyBatch,
    SupplyInspection,
    SupplyItem,
    Warehouse,
)


def category_items() -> list[tuple[str, str, int]]:
    """The GB/T 38565 tree (code, name, depth) for a combo."""
    tree = rules.categories()
    return [(f"{c.code}　{c.name}", c.code, c.level - 1) for c in (tree.by_code[code] for code in tree.order)]


BATCH_LABELS = {**SupplyBatch.__field_labels__, "item_id": "物资"}
MINIMUM_LABELS = {"quantity": "最低库存"}
INSPECTION_LABELS = {**SupplyInspection.__field_labels__, "batch_id": "批次", "scope": "检查范围"}
SCOPE_BATCH, SCOPE_ITEM = "batch", "item"


class WarehouseDialog(FieldForm):
    """储备库（点）: a district's government reserve or an enterprise's store."""

    labels = Warehouse.__field_labels__
    required_fields = ("name", "kind")
    data_class = ss.WarehouseData
    noun = "储备库"
    fields_ = (
        Field("name", line(128, "如：城东区应急物资储备库")),
        Field("kind", choice([(label, key) for key, label in WAREHOUSE_KINDS.items()])),
        Field("region_id", lambda parent: QComboBox(parent)),
        Field("enterprise_id", lambda parent: EnterprisePicker("不属于企业", parent)),
        Field("address", line(256)),
        Field("keeper", line(32)),
        Field("phone", line(32)),
        Field("notes", text()),
    )

    def prepare(self) -> None:
        choices = ReferenceChoices.load(self._db)
        region = self.widgets["region_id"]
        assert isinstance(region, QComboBox)
        fill_combo(region, [(r.name, r.id, max(0, r.level - 1)) for r in choices.regions],
                   first=(self.tr("未填写"), None))
        picker = self.widgets["enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        self.enterprises: list[EnterpriseChoice] = load_enterprise_choices(self._db)
        picker.set_choices(self.enterprises)
        kind = self.widgets["kind"]
        assert isinstance(kind, QComboBox)
        kind.currentIndexChanged.connect(lambda _i: self._kind_shown())

    def _kind_shown(self) -> None:
        """A government reserve belongs to a district, an enterprise's store to the enterprise."""
        self.widgets["enterprise_id"].setEnabled(widget_value(self.widgets["kind"]) == "enterprise")
        self.widgets["region_id"].setToolTip(self.tr("政府储备库必填；企业储备点不填时取企业所在区域"))

    def fill(self, data: Any) -> None:
        super().fill(data)
        self._kind_shown()

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ss.load_warehouse(session, self.record_id)
        self.setWindowTitle(self.tr("编辑储备库 — {0}").format(data.name))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ss.create_warehouse(uow, data))
            assert version is not None
            return Saved(record_id, ss.update_warehouse(uow, record_id, data, expected_version=version))

        return write


class ItemDialog(FieldForm):
    """物资品目: code, name, specification, GB/T 38565 category, unit, and its periods."""

    labels = SupplyItem.__field_labels__
    required_fields = ("code", "name", "category_code", "unit")
    data_class = ss.ItemData
    noun = "物资"
    fields_ = (
        Field("code", line(32, "如：HX-001")),
        Field("name", line(128, "如：正压式空气呼吸器")),
        Field("spec", line(128, "如：RHZKF6.8/30")),
        Field("category_code", choice(category_items, first=("请选择物资类别…", None))),
        Field("unit", line(16, "套、个、台、件、袋…")),
        Field("kind", choice([(label, key) for key, label in ITEM_KINDS.items()])),
        Field("flood", check("是（汛期重点保障）")),
        Field("shelf_life_months", number(600, " 个月")),
        Field("inspection_days", number(3650, " 天")),
        Field("calibration_days", number(3650, " 天")),
        Field("notes", text()),
    )

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ss.load_item(session, self.record_id)
        self.setWindowTitle(self.tr("编辑物资 — {0}").format(data.name))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ss.create_item(uow, data))
            assert version is not None
            return Saved(record_id, ss.update_item(uow, record_id, data, expected_version=version))

        return write


class BatchDialog(FieldForm):
    """批次 of an item: number, dates, supplier, calibration (its condition follows inspections)."""

    labels = BATCH_LABELS
    required_fields = ("item_id", "batch_no")
    data_class = ss.BatchData
    noun = "批次"
    fields_ = (
        Field("item_id", lambda parent: QComboBox(parent)),
        Field("batch_no", line(64, "如：2026-03-A")),
        Field("produced_on", day()),
        Field("expires_on", day()),
        Field("supplier", line(128)),
        Field("calibrated_on", day()),
        Field("calibration_due", day()),
    )

    def prepare(self) -> None:
        from desktop.supplies.scan import load_items

        with self._db.read() as s:
            items = load_items(s)
        combo = self.widgets["item_id"]
        assert isinstance(combo, QComboBox)
        fill_combo(combo, [(i.label, i.id) for i in items], first=(self.tr("请选择物资…"), None))

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ss.load_batch(session, self.record_id)
        self.widgets["item_id"].setEnabled(False)
        self.setWindowTitle(self.tr("编辑批次 — {0}").format(data.batch_no))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ss.create_batch(uow, data))
            assert version is not None
            return Saved(record_id, ss.update_batch(uow, record_id, data, expected_version=version))

        return write


class InspectionDialog(FieldForm):
    """检查维护记录: of the selected batch (本批次), or of every batch of its item held in the warehouse
    (本库该物资全部批次); the result (完好/待修/报废) changes whether they can be issued."""

    labels = INSPECTION_LABELS
    required_fields = ("scope", "inspected_on", "inspector", "result")
    data_class = ss.InspectionData
    noun = "检查维护记录"
    fields_ = (
        Field("scope", lambda parent: QComboBox(parent)),
        Field("inspected_on", day(optional=False)),
        Field("inspector", line(32)),
        Field("result", choice([(label, key) for key, label in CONDITIONS.items()])),
        Field("notes", text()),
        Field("next_due", day()),
    )

    RULE = "结果为“待修”或“报废”的批次不能出库；下次检查不填时按物资的检查周期推算。"

    def __init__(self, db: Database, runner: TaskRunner, batch_id: int, *, batch_text: str, as_of: date,
                 item_id: int | None = None, item_text: str = "", warehouse_id: int | None = None,
                 warehouse_text: str = "", actor: Actor | None = None, parent: QWidget | None = None) -> None:
        """``batch_text``: the item and batch as the page names them; with ``item_id`` and
        ``warehouse_id`` the inspection may cover every batch of the item held there instead."""
        self.batch_text = batch_text
        self.item_text = item_text
        self.batch_no = ""
        self.item_id, self.warehouse_id, self.warehouse_text = item_id, warehouse_id, warehouse_text
        self.held: list[str] = []  # the batch numbers of the item held in the warehouse
        self._batch_id = batch_id
        super().__init__(db, runner, None, actor=actor, parent=parent,
                         initial={"batch_id": batch_id, "inspected_on": as_of, "result": "good",
                                  "item_id": item_id, "warehouse_id": warehouse_id})
        self.setWindowTitle(self.tr("检查维护 — {0}").format(batch_text))

    def prepare(self) -> None:
        with self._db.read() as s:
            batch = s.get(SupplyBatch, self._batch_id)
            self.batch_no = batch.batch_no if batch is not None else ""
            if self.item_id is not None and self.warehouse_id is not None:
                self.held = [b.batch_no for b in ss.held_batches(s, self.warehouse_id, self.item_id)]
        combo = self.widgets["scope"]
        assert isinstance(combo, QComboBox)
        choices = [(self.tr("本批次（{0}）").format(self.batch_no or self.batch_text), SCOPE_BATCH)]
        if self.held:
            choices.append((self.tr("本库该物资全部批次（共 {0} 批）").format(len(self.held)), SCOPE_ITEM))
        fill_combo(combo, choices)
        combo.setEnabled(len(choices) > 1)
        combo.setToolTip(self.tr("按物资检查时，该储备库中此物资有库存的每个批次都按本次结果记录"))
        combo.currentIndexChanged.connect(lambda _i: self._show_scope())

    def intro(self) -> str:
        return self._scope_text(SCOPE_BATCH)

    def _scope_text(self, scope: str) -> str:
        if scope == SCOPE_ITEM:
            what = self.tr("{0}{1}的全部批次：{2}").format(f"{self.warehouse_text}中" if self.warehouse_text else "",
                                                       self.item_text, "、".join(self.held))
        else:
            what = self.tr("批次：{0}").format(self.batch_text)
        return f"{what}\n{self.tr(self.RULE)}"

    def _show_scope(self) -> None:
        label = self.findChild(QLabel, "formIntro")
        if label is not None:
            label.setText(self._scope_text(widget_value(self.widgets["scope"]) or SCOPE_BATCH))

    @property
    def scope(self) -> str:
        return str(widget_value(self.widgets["scope"]) or SCOPE_BATCH)

    def choose_scope(self, scope: str) -> None:
        set_widget_value(self.widgets["scope"], scope)

    def data(self) -> Any:
        out = super().data()
        if self.scope == SCOPE_ITEM:
            out.batch_id, out.item_id, out.warehouse_id = None, self.item_id, self.warehouse_id
        else:
            out.batch_id, out.item_id, out.warehouse_id = self._batch_id, None, self.warehouse_id
        return out

    def read(self, session: Session) -> tuple[Any, int]:
        raise NotImplementedError  # an inspection is entered once, never edited

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        def write(uow: UnitOfWork) -> Saved:
            return Saved(int(ss.record_inspection(uow, data)))

        return write


def _minimum_spin(parent: QWidget) -> QWidget:
    spin = QSpinBox(parent)
    spin.setRange(0, 10_000_000)
    spin.setSpecialValueText("不设")  # 0 reads back as None: no minimum
    spin.setAccelerated(True)
    return spin


class MinimumDialog(FieldForm):
    """最低库存 of an item in a warehouse (usable stock below it is an alert), saved with the version
    the page read (a minimum set meanwhile by another desk: the conflict dialog, nothing overwritten)."""

    labels = MINIMUM_LABELS
    data_class = ss.MinimumData
    noun = "最低库存"
    fields_ = (Field("quantity", _minimum_spin),)

    def __init__(self, db: Database, runner: TaskRunner, warehouse_id: int, item_id: int, *, quantity: int | None,
                 version: int | None, item_text: str, warehouse_text: str, unit: str, as_of: date,
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        """``quantity`` and ``version``: the minimum as the page read it (None, None: none set);
        ``as_of``: the day whose usable stock the form shows beside it."""
        self.warehouse_id, self.item_id = warehouse_id, item_id
        self.item_text, self.warehouse_text, self.unit = item_text, warehouse_text, unit
        with db.read() as s:
            _book, self.usable = sq.total_quantities(s, sq.StockFilter(as_of=as_of, warehouse_ids=(warehouse_id,),
                                                                       item_id=item_id))
        super().__init__(db, runner, None, actor=actor, parent=parent)
        spin = self.widgets["quantity"]
        assert isinstance(spin, QSpinBox)
        spin.setSuffix(f" {unit}")
        self.show_record(ss.MinimumData(quantity), version)
        self.setWindowTitle(self.tr("最低库存 — {0}").format(item_text))
        spin.selectAll()

    def intro(self) -> str:
        return self.tr("“{0}”在{1}的最低库存：可用数量低于它时预警（0 表示不设）。\n目前可用 {2} {3}。").format(
            self.item_text, self.warehouse_text, self.usable, self.unit)

    def read(self, session: Session) -> tuple[Any, Any]:
        return ss.load_minimum(session, self.warehouse_id, self.item_id)

    def value_text(self, name: str, value: Any) -> str:
        if name == "quantity":
            return f"{value} {self.unit}" if value else self.tr("不设")
        return super().value_text(name, value)

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        warehouse_id, item_id, version, quantity = self.warehouse_id, self.item_id, self.version, data.quantity

        def write(uow: UnitOfWork) -> Saved:
            return Saved(ss.set_minimum(uow, warehouse_id, item_id, quantity, version) or 0)

        return write
