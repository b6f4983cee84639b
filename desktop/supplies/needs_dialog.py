"""所需物资 of a plan: the supplies (with quantities) the plan declares it needs, edited as one list,
and the minimum staff on duty (应急值守人员, against the enterprise's on-shift headcount), saved together
through the write flow with the plan's version (``models.supplies.service.set_plan_needs``).

Each row is an item — chosen from the catalogue by typing part of its code, name or specification —
and a quantity in the item's unit. 添加 (Ctrl+Enter) adds a row, 删除 (Ctrl+Delete) removes the
current one. A row without an item, or the same item twice, is refused before anything is written,
the input kept; a stale plan opens the conflict dialog (重新载入 or 比较), as every record form does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.forms import RecordForm, Saved
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.core.errors import FieldError, NotFoundError
from models.core.uow import Actor, UnitOfWork
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan
from models.supplies import queries as sq
from models.supplies import service as ss

CATALOGUE_LIMIT = 5000
MAX_QUANTITY = 10_000_000
LABELS = {"staff": "应急值守人员", "needs": "所需物资"}


@dataclass
class NeedsData:
    """The form's copy: [(item id or None while not chosen, quantity)] and the staff on duty (0: none)."""

    needs: list[tuple[int | None, int]] = field(default_factory=list)
    staff: int = 0


class PlanNeedsDialog(RecordForm[NeedsData]):
    """所需物资 of one plan."""

    labels = LABELS
    order = ("staff", "needs")

    def __init__(self, db: Database, runner: TaskRunner, plan_id: int, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=plan_id, actor=actor, parent=parent)
        self.items: list[sq.ItemChoice] = []
        self.plan_title = ""
        self.on_shift = 0
        self.setWindowTitle(self.tr("预案所需物资"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        staff_row = QHBoxLayout()
        staff_label = QLabel(self.tr("应急值守人员不少于"), self)
        self.staff_spin = QSpinBox(self)
        self.staff_spin.setObjectName("staffSpin")
        self.staff_spin.setRange(0, ss.MAX_STAFF)
        self.staff_spin.setSuffix(self.tr(" 人"))
        self.staff_spin.setSpecialValueText(self.tr("不要求"))
        self.staff_spin.setToolTip(self.tr("启动本预案时当班应有的应急值守人员（0 表示不要求），与企业名录中的当班人数对照"))
        staff_label.setBuddy(self.staff_spin)
        self.widgets["staff"] = self.staff_spin
        self.on_shift_label = QLabel(self)
        self.on_shift_label.setStyleSheet("color: #555;")
        staff_row.addWidget(staff_label)
        staff_row.addWidget(self.staff_spin)
        staff_row.addSpacing(12)
        staff_row.addWidget(self.on_shift_label)
        staff_row.addStretch(1)
        layout.addLayout(staff_row)
        layout.addWidget(self.errors.message_label(self, "staff"))
        self.staff_spin.valueChanged.connect(lambda _v: self._show_on_shift())
        hint = QLabel(self.tr("所需物资：可输入物资编码、名称或规格型号的一部分查找；缺口按本企业储备点中完好且未过期的库存计算。"), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("物资"), self.tr("数量"), self.tr("单位")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 110)
        self.table.setColumnWidth(2, 60)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.widgets["needs"] = self.table
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors.message_label(self, "needs"))
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加"), self)
        self.add_button.setToolTip(self.tr("添加一行（Ctrl+Enter）"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(self.tr("删除"), self)
        self.remove_button.setToolTip(self.tr("删除当前行（Ctrl+Delete）"))
        self.remove_button.clicked.connect(self.remove_current)
        self.inputs += [self.add_button, self.remove_button]
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.make_buttons())
        QShortcut(QKeySequence("Ctrl+Return"), self, self.add_row)
        QShortcut(QKeySequence("Ctrl+Delete"), self, self.remove_current)
        self.resize(720, 500)
        self.reload()

    # --- the record ---------------------------------------------------------------------------------

    def read(self, session: Session) -> tuple[NeedsData, int]:
        assert self.record_id is not None
        plan = session.get(Plan, self.record_id)
        if plan is None or plan.is_deleted:
            raise NotFoundError(Plan.__label__, self.record_id)
        self.plan_title = f"{plan.plan_no} {plan.title}"
        ent = session.get(Enterprise, plan.enterprise_id)
        self.on_shift = ent.on_shift_headcount if ent is not None else 0
        self.items = sq.find_items(session, "", limit=CATALOGUE_LIMIT)
        needs, version = ss.load_plan_needs(session, self.record_id)
        staff = ss.load_plan_staff(session, self.record_id)
        return NeedsData([(item_id, quantity) for item_id, quantity in needs], staff), version

    def show_record(self, data: NeedsData, version: int | None, *, keep_staged: bool = False) -> None:
        self.heading.setText(self.tr("预案：{0}").format(self.plan_title))
        super().show_record(data, version, keep_staged=keep_staged)

    def _show_on_shift(self) -> None:
        """The enterprise's on-shift headcount beside the field, and whether it is enough."""
        wanted = self.staff_spin.value()
        text = self.tr("企业当班人数 {0} 人").format(self.on_shift)
        if wanted and self.on_shift < wanted:
            text += self.tr("，缺 {0} 人").format(wanted - self.on_shift)
        self.on_shift_label.setText(text)
        self.on_shift_label.setStyleSheet("color: #B3261E;" if wanted and self.on_shift < wanted else "color: #555;")

    def fill(self, data: NeedsData) -> None:
        self.staff_spin.setValue(data.staff)
        self._show_on_shift()
        self.table.setRowCount(0)
        for item_id, quantity in data.needs:
            self._append(item_id, quantity)

    def data(self) -> NeedsData:
        out: list[tuple[int | None, int]] = []
        for row in range(self.table.rowCount()):
            combo, spin = self._combo_at(row), self._spin_at(row)
            item_id = combo.currentData() if combo.currentIndex() >= 0 and combo.currentText() else None
            out.append((item_id, spin.value()))
        return NeedsData(out, self.staff_spin.value())

    def check(self, data: NeedsData) -> list[FieldError]:
        problems: list[FieldError] = []
        seen: set[int] = set()
        for n, (item_id, _quantity) in enumerate(data.needs, start=1):
            if item_id is None:
                problems.append(FieldError("needs", self.tr("所需物资"), self.tr("第 {0} 行未选择物资").format(n)))
            elif item_id in seen:
                problems.append(FieldError("needs", self.tr("所需物资"), self.tr("第 {0} 行的物资已在上面列过").format(n)))
            else:
                seen.add(item_id)
        return problems

    def command(self, data: NeedsData) -> Callable[[UnitOfWork], Saved]:
        plan_id, version = self.record_id, self.version
        assert plan_id is not None and version is not None
        needs = [(item_id, quantity) for item_id, quantity in data.needs if item_id is not None]
        staff = data.staff

        def write(uow: UnitOfWork) -> Saved:
            return Saved(plan_id, ss.set_plan_needs(uow, plan_id, needs, version, staff=staff))

        return write

    def same(self, name: str, a: Any, b: Any) -> bool:
        return bool(a == b) if name == "needs" else super().same(name, a, b)

    def value_text(self, name: str, value: Any) -> str:
        if name == "staff":
            return self.tr("{0} 人").format(value) if value else self.tr("不要求")
        if name == "needs":
            labels = {c.id: c.label for c in self.items}
            return "；".join(f"{labels.get(i, '')} × {q}" for i, q in value or []) or super().value_text(name, "")
        return super().value_text(name, value)

    # --- rows -----------------------------------------------------------------------------------------

    def _combo_at(self, row: int) -> QComboBox:
        widget = self.table.cellWidget(row, 0)
        assert isinstance(widget, QComboBox)
        return widget

    def _spin_at(self, row: int) -> QSpinBox:
        widget = self.table.cellWidget(row, 1)
        assert isinstance(widget, QSpinBox)
        return widget

    def _append(self, item_id: int | None, quantity: int) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox(self.table)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for choice in self.items:
            combo.addItem(choice.label, choice.id)
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        index = combo.findData(item_id) if item_id is not None else -1
        combo.setCurrentIndex(index)
        if index < 0:
            combo.setEditText("")
        spin = QSpinBox(self.table)
        spin.setRange(1, MAX_QUANTITY)
        spin.setValue(max(1, quantity))
        unit = QLabel(self.table)
        units = {c.id: c.unit for c in self.items}

        def show_unit() -> None:
            unit.setText(" " + units.get(combo.currentData(), "") if combo.currentText() else "")

        combo.currentIndexChanged.connect(lambda _i: show_unit())
        show_unit()
        self.table.setCellWidget(row, 0, combo)
        self.table.setCellWidget(row, 1, spin)
        self.table.setCellWidget(row, 2, unit)
        return row

    def add_row(self) -> None:
        if self.saving:
            return
        row = self._append(None, 1)
        self.table.setCurrentCell(row, 0)
        self._combo_at(row).setFocus()

    def remove_current(self) -> None:
        if self.saving:
            return
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)


def edit_plan_needs(db: Database, runner: TaskRunner, actor: Actor, plan_id: int,
                    parent: QWidget) -> PlanNeedsDialog:
    """Open 所需物资 for ``plan_id`` (the plan page's panel button)."""
    dialog = PlanNeedsDialog(db, runner, plan_id, actor=actor, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__: Sequence[str] = ("NeedsData", "PlanNeedsDialog", "edit_plan_needs")
