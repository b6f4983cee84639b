"""装备 of a rescue team, edited as one list and saved together through the write flow with the
team's version (``models.teams.service.set_equipment``): a row per line — name, specification,
category, quantity, unit, condition (完好 / 待修 / 报废: the usable share counts in the team's
readiness) and notes. 添加 (Ctrl+Enter) adds a row, 删除 (Ctrl+Delete) removes the current one (lines
removed go to the recycle bin). The service's problems are shown by row, the input kept; a stale
team opens the conflict dialog (重新载入 or 比较), as every record form does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.forms import RecordForm, Saved
from desktop.kit.pickers import fill_combo
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.core.uow import Actor, UnitOfWork
from models.teams import rules
from models.teams import service as ts

COLUMNS = ("装备名称", "规格型号", "类别", "数量", "单位", "状态", "备注")
LABELS = {"lines": "装备"}


@dataclass
class EquipmentData:
    lines: list[ts.EquipmentLine] = field(default_factory=list)


class EquipmentDialog(RecordForm[EquipmentData]):
    """The equipment list of one team."""

    labels = LABELS
    order = ("lines",)

    def __init__(self, db: Database, runner: TaskRunner, team_id: int, *, team_text: str = "",
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=team_id, actor=actor, parent=parent)
        self.setWindowTitle(self.tr("队伍装备 — {0}").format(team_text) if team_text else self.tr("队伍装备"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        hint = QLabel(self.tr("每种装备按状态分行登记（如 8 套呼吸器中 2 套待修：完好 6 套一行、待修 2 套一行）；"
                              "完好的数量占全部数量的比例计入队伍的“装备完好率”。"), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("equipmentLines")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 120), (2, 110), (3, 80), (4, 56), (5, 72), (6, 140)):
            self.table.setColumnWidth(column, width)
        self.widgets["lines"] = self.table
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors.message_label(self, "lines"))
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加"), self)
        self.add_button.setToolTip(self.tr("添加一行（Ctrl+Enter）"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(self.tr("删除"), self)
        self.remove_button.setToolTip(self.tr("删除当前行（Ctrl+Delete）"))
        self.remove_button.clicked.connect(self.remove_current)
        self.inputs += [self.add_button, self.remove_button]
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.make_buttons())
        QShortcut(QKeySequence("Ctrl+Return"), self, self.add_row)
        QShortcut(QKeySequence("Ctrl+Delete"), self, self.remove_current)
        self.ids: list[int | None] = []
        self.resize(900, 460)
        self.reload()

    # --- the record

    def read(self, session: Session) -> tuple[EquipmentData, int]:
        assert self.record_id is not None
        lines, version = ts.load_equipment(session, self.record_id)
        return EquipmentData(lines), version

    def fill(self, data: EquipmentData) -> None:
        self.table.setRowCount(0)
        self.ids = []
        for line in data.lines:
            self._append(line)

    def data(self) -> EquipmentData:
        out = []
        for row in range(self.table.rowCount()):
            name, spec, category, quantity, unit, condition, notes = (self.table.cellWidget(row, c)
                                                                      for c in range(len(COLUMNS)))
            assert isinstance(name, QLineEdit) and isinstance(spec, QLineEdit) and isinstance(unit, QLineEdit)
            assert isinstance(notes, QLineEdit) and isinstance(quantity, QSpinBox)
            assert isinstance(category, QComboBox) and isinstance(condition, QComboBox)
            out.append(ts.EquipmentLine(name.text().strip(), quantity.value(), condition.currentData(),
                                        category.currentData(), spec.text().strip(), unit.text().strip(),
                                        notes.text().strip(), self.ids[row]))
        return EquipmentData(out)

    def command(self, data: EquipmentData) -> Callable[[UnitOfWork], Saved]:
        team_id, version = self.record_id, self.version
        assert team_id is not None and version is not None
        lines = [replace(line) for line in data.lines]

        def write(uow: UnitOfWork) -> Saved:
            return Saved(team_id, ts.set_equipment(uow, team_id, lines, expected_version=version))

        return write

    def same(self, name: str, a: Any, b: Any) -> bool:
        return bool(a == b) if name == "lines" else super().same(name, a, b)

    def value_text(self, name: str, value: Any) -> str:
        if name == "lines":
            cat = rules.catalog()
            return "；".join(f"{line.name} × {line.quantity}{line.unit}（{cat.equipment_conditions.get(line.condition, '')}）"
                            for line in value or []) or super().value_text(name, "")
        return super().value_text(name, value)

    # --- rows

    def _append(self, line: ts.EquipmentLine) -> int:
        cat = rules.catalog()
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.ids.append(line.id)
        texts = []
        for value, limit in ((line.name, 128), (line.spec, 128), (line.unit, 16), (line.notes, 500)):
            edit = QLineEdit(value, self.table)
            edit.setMaxLength(limit)
            texts.append(edit)
        category = QComboBox(self.table)
        fill_combo(category, [(label, key) for key, label in cat.equipment_groups.items()])
        category.setCurrentIndex(max(0, category.findData(line.category)))
        quantity = QSpinBox(self.table)
        quantity.setRange(1, 1_000_000)
        quantity.setValue(max(1, line.quantity))
        condition = QComboBox(self.table)
        fill_combo(condition, [(label, key) for key, label in cat.equipment_conditions.items()])
        condition.setCurrentIndex(max(0, condition.findData(line.condition)))
        for column, widget in enumerate((texts[0], texts[1], category, quantity, texts[2], condition, texts[3])):
            self.table.setCellWidget(row, column, widget)
        return row

    def add_row(self) -> None:
        if self.saving:
            return
        row = self._append(ts.EquipmentLine())
        self.table.setCurrentCell(row, 0)
        widget = self.table.cellWidget(row, 0)
        if widget is not None:
            widget.setFocus()

    def remove_current(self) -> None:
        if self.saving:
            return
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        del self.ids[row]
