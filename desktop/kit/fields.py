"""The field-described record form: a ``RecordForm`` whose fields are listed as ``Field`` (a service
copy's attribute and how to make its widget) — one row per field in that order, filled from and read
back into the module's data class. Every module's plain record forms (储备库, 物资, 批次, 救援队伍, 队员,
证书, 培训, 值班点, 交接班 …) are built on it; the loading, saving with the version read, conflict
dialog and field marking are ``RecordForm``'s."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.kit.dates import DateField
from desktop.kit.forms import RecordForm, set_widget_value, widget_value
from desktop.kit.pickers import fill_combo
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from models.core.database import Database
from models.core.uow import Actor


@dataclass(frozen=True)
class Field:
    """One field of a form: its name (the service copy's attribute) and how to make its widget."""

    name: str
    make: Callable[[QWidget], QWidget]


def line(limit: int, placeholder: str = "") -> Callable[[QWidget], QWidget]:
    def make(parent: QWidget) -> QWidget:
        edit = QLineEdit(parent)
        edit.setMaxLength(limit)
        edit.setPlaceholderText(placeholder)
        return edit

    return make


def text() -> Callable[[QWidget], QWidget]:
    def make(parent: QWidget) -> QWidget:
        edit = QPlainTextEdit(parent)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(64)
        return edit

    return make


def choice(items: Sequence[tuple[str, Any]] | Callable[[], Sequence[tuple[str, Any] | tuple[str, Any, int]]],
           first: tuple[str, Any] | None = None) -> Callable[[QWidget], QWidget]:
    def make(parent: QWidget) -> QWidget:
        combo = QComboBox(parent)
        fill_combo(combo, items() if callable(items) else items, first=first)
        return combo

    return make


def number(maximum: int, suffix: str = "", *, optional: bool = True) -> Callable[[QWidget], QWidget]:
    """A whole number; optional ones show 未填写 at 0 (read back as None)."""
    def make(parent: QWidget) -> QWidget:
        spin = QSpinBox(parent)
        spin.setRange(0, maximum)
        spin.setSuffix(suffix)
        if optional:
            spin.setSpecialValueText("未填写")
        return spin

    return make


def decimal(maximum: float, suffix: str = "", *, decimals: int = 1) -> Callable[[QWidget], QWidget]:
    """A number with ``decimals`` places (hours of a training)."""
    def make(parent: QWidget) -> QWidget:
        spin = QDoubleSpinBox(parent)
        spin.setRange(0, maximum)
        spin.setDecimals(decimals)
        spin.setSuffix(suffix)
        return spin

    return make


def day(*, optional: bool = True) -> Callable[[QWidget], QWidget]:
    return lambda parent: DateField(parent, clearable=optional)


def check(label: str) -> Callable[[QWidget], QWidget]:
    return lambda parent: QCheckBox(label, parent)


class ChoiceChecks(QWidget):
    """Several keys at once (a team's specialties): a check box per choice, ``columns`` to a row. A
    field widget by its ``value`` (the checked keys, in the choices' order), ``set_value`` and
    ``sig_changed``."""

    sig_changed = Signal()

    def __init__(self, choices: Sequence[tuple[str, str]], parent: QWidget | None = None, *, columns: int = 4) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        for n, (label, key) in enumerate(choices):
            box = QCheckBox(label, self)
            box.toggled.connect(lambda _on: self.sig_changed.emit())
            grid.addWidget(box, n // columns, n % columns)
            self.boxes[key] = box

    def value(self) -> tuple[str, ...]:
        return tuple(k for k, box in self.boxes.items() if box.isChecked())

    def set_value(self, value: Sequence[str] | None) -> None:
        wanted = set(value or ())
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(key in wanted)
            box.blockSignals(False)


def checks(items: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]], *,
           columns: int = 4) -> Callable[[QWidget], QWidget]:
    return lambda parent: ChoiceChecks(items() if callable(items) else items, parent, columns=columns)


class FieldForm(RecordForm[Any]):
    """A record form described by its ``fields`` and the service functions that load and save it."""

    fields_: tuple[Field, ...] = ()
    data_class: type[Any]
    noun = ""

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *,
                 actor: Actor | None = None, initial: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=record_id, actor=actor, parent=parent)
        self.order = tuple(f.name for f in self.fields_)
        self.errors.order = self.order
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        intro = self.intro()
        if intro:
            label = QLabel(intro, self)
            label.setWordWrap(True)
            label.setObjectName("formIntro")
            layout.addWidget(label)
        for f in self.fields_:
            self.widgets[f.name] = f.make(self)
        self.prepare()
        form = self._form()
        for f in self.fields_:
            self._add_row(form, f.name)
        layout.addLayout(form)
        layout.addWidget(self.make_buttons())
        if record_id is None:
            self.setWindowTitle(self.tr("新建{0}").format(self.noun))
            self.show_record(self.data_class(**(initial or {})), None)
            self.loaded = self.data()
        else:
            self.reload()
        fit_to_screen(self, QSize(max(560, self.sizeHint().width()), self.sizeHint().height()))

    def intro(self) -> str:
        """A line above the fields saying what the form is about ('' for none)."""
        return ""

    def prepare(self) -> None:
        """Fill widgets that need a read (choices) before the record is shown."""

    def fill(self, data: Any) -> None:
        for f in self.fields_:
            value = getattr(data, f.name, None)
            widget = self.widgets[f.name]
            if isinstance(widget, QSpinBox) and value is None:
                value = 0
            set_widget_value(widget, value)

    def data(self) -> Any:
        values: dict[str, Any] = {}
        names = {f.name for f in fields(self.data_class)}
        base = self.loaded if self.loaded is not None else self.data_class()
        for name in names:
            values[name] = getattr(base, name)
        for f in self.fields_:
            if f.name not in names:  # a field of the form only (how to read the others)
                continue
            widget = self.widgets[f.name]
            value = widget_value(widget)
            if isinstance(widget, QSpinBox) and widget.specialValueText() and value == 0:
                value = None
            if isinstance(value, str) and not isinstance(widget, QComboBox):
                value = value.strip() if isinstance(widget, QLineEdit) else value
            values[f.name] = value
        return self.data_class(**values)

    def value_text(self, name: str, value: Any) -> str:
        if isinstance(value, bool):
            return self.tr("是") if value else self.tr("否")
        return super().value_text(name, value)
