"""The form base every record dialog uses, and how a form shows what is wrong.

``RecordForm`` is a dialog over a *copy* of one record: it loads the copy and the version it was
read at (``read``, one short read), shows it (``fill``), reads the input back (``data``), and saves
through the write flow (``desktop.kit.writes.WriteOp``) with the version it loaded — on the
writer thread, never on the window thread. While a save runs the fields and 保存 are disabled (no
double submit; 取消 still cancels a save that is waiting for the writer) and the window stays
responsive. The outcome:

- saved: ``sig_saved(id)``, then ``after_save`` (by default the dialog closes);
- ``ValidationError``: everything typed stays, each field named in ``error.errors`` is marked
  (red border, the message under it), the banner lists the problems, the first bad field has focus;
- ``ConflictError``: ``ConflictDialog`` offers 重新载入 and 比较 (``desktop.kit.conflicts``); the
  stored record is never overwritten by itself;
- ``StateError`` / ``NotFoundError`` / ``BusyError`` / other refusals: one Chinese message, the form
  stays open with everything typed;
- anything else: one Chinese message (保存失败：…), the traceback in the log.

A subclass says how to read, fill, read back and write its record (``read``, ``fill``, ``data``,
``command``); the generic ``widget_value`` / ``set_widget_value`` cover the usual field widgets.
``FormErrors`` (the banner and the message under each field) also serves forms that are not
records (the Word import form).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.conflicts import Choice, ConflictDialog, Difference
from desktop.kit.dates import DateField, date_text
from desktop.kit.pickers import combo_text
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import Outcome, WriteOp
from models.core.database import Database
from models.core.errors import ConflictError, DeskError, FieldError
from models.core.uow import Actor, UnitOfWork, os_actor

ERROR_STYLE = ('QWidget[error="true"] { border: 1px solid #D7263D; border-radius: 2px; }'
               # a spin box is filled instead (a border would draw its arrows without their images)
               'QAbstractSpinBox[errorFill="true"] { background: #FBD5DA; }')
BANNER_STYLE = ("QLabel#errorBanner { background: #FDECEE; color: #9B1C2C; border: 1px solid #E8A3AC;"
                " border-radius: 3px; padding: 6px 8px; }"
                'QLabel#errorBanner[notice="true"] { background: #EEF4FB; color: #1F4E79;'
                " border: 1px solid #A9C4E2; }")
EMPTY = "（空）"

W = TypeVar("W", bound=QWidget)
D = TypeVar("D")


def typed_widget(widgets: Mapping[str, QWidget], name: str, cls: type[W]) -> W:
    """A form's field widget by name, checked to be of the expected class."""
    widget = widgets[name]
    assert isinstance(widget, cls), f"{name} is a {type(widget).__name__}, not {cls.__name__}"
    return widget


def set_error(widget: QWidget, error: bool, message: str = "") -> None:
    """Mark ``widget`` as wrong (red border through ``ERROR_STYLE``, ``message`` as its tooltip) or
    clear the mark (the widget's own tooltip, if it had one, comes back)."""
    if isinstance(widget, DateField):
        widget = widget.edit
    mark = "errorFill" if isinstance(widget, QAbstractSpinBox) else "error"  # see ERROR_STYLE
    own = widget.property("own_tool_tip")
    if own is None:  # first time here: what the widget says by itself
        own = "" if widget.property(mark) else widget.toolTip()
        widget.setProperty("own_tool_tip", own)
    tip = message if error else str(own)
    if bool(widget.property(mark)) == error and widget.toolTip() == tip:
        return
    widget.setProperty(mark, error)
    widget.setToolTip(tip)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


# --- reading and filling field widgets ---------------------------------------------------------------


def _show_text(widget: QLineEdit, value: Any) -> None:
    widget.setText("" if value is None else str(value))
    widget.setModified(False)


def _choose(widget: QComboBox, value: Any) -> None:
    index = widget.findData(value) if value is not None else -1
    widget.setCurrentIndex(max(index, 0))


@dataclass(frozen=True)
class _FieldKind:
    """How a kind of field widget is read, filled and watched for edits."""

    cls: type[QWidget]
    get: Callable[[Any], Any]
    put: Callable[[Any, Any], None]
    edited: Callable[[Any], Any]


_FIELD_KINDS = (
    _FieldKind(DateField, lambda w: w.value(), lambda w, v: w.set_value(v), lambda w: w.sig_changed),
    _FieldKind(QLineEdit, lambda w: w.text(), _show_text, lambda w: w.textEdited),
    _FieldKind(QPlainTextEdit, lambda w: w.toPlainText(), lambda w, v: w.setPlainText("" if v is None else str(v)),
               lambda w: w.textChanged),
    _FieldKind(QComboBox, lambda w: w.currentData(), _choose, lambda w: w.activated),
    _FieldKind(QSpinBox, lambda w: w.value(), lambda w, v: w.setValue(int(v or 0)), lambda w: w.valueChanged),
    _FieldKind(QDoubleSpinBox, lambda w: w.value(), lambda w, v: w.setValue(float(v or 0)),
               lambda w: w.valueChanged),
    _FieldKind(QCheckBox, lambda w: w.isChecked(), lambda w, v: w.setChecked(bool(v)), lambda w: w.toggled),
)


_VALUE_WIDGET = _FieldKind(QWidget, lambda w: w.value(), lambda w, v: w.set_value(v), lambda w: w.sig_changed)
"""Any other widget with ``value()``, ``set_value(v)`` and ``sig_changed`` (a set of check boxes …)."""


def _field_kind(widget: QWidget) -> _FieldKind:
    for kind in _FIELD_KINDS:
        if isinstance(widget, kind.cls):
            return kind
    if all(hasattr(widget, name) for name in ("value", "set_value", "sig_changed")):
        return _VALUE_WIDGET
    raise TypeError(f"not a field widget: {type(widget).__name__}")


def widget_value(widget: QWidget) -> Any:
    """What a field widget holds: text (as typed), the chosen item's data, a number, a date or None."""
    return _field_kind(widget).get(widget)


def set_widget_value(widget: QWidget, value: Any) -> None:
    """Show ``value`` in a field widget (a combo box selects the item holding it, else its first)."""
    _field_kind(widget).put(widget, value)


def _edited_signal(widget: QWidget) -> Any:
    """The signal a field widget sends when the user changes it (None: none to watch)."""
    if isinstance(widget, QTableWidget):
        return widget.itemChanged
    found = next((k.edited(widget) for k in _FIELD_KINDS if isinstance(widget, k.cls)), None)
    return found if found is not None else getattr(widget, "sig_changed", None)


# --- what is wrong --------------------------------------------------------------------------------


class FormErrors:
    """The banner listing a form's problems, and a message under each bad field.

    ``holder(owner, name)`` wraps the field widget with room for its message (and any hints
    beside it); editing a marked field clears its mark. ``on_mark(name, marked)`` lets a form react
    (e.g. hide a hint the error repeats). ``grow``: the window grows (up to the screen) to make room
    for the messages; a form whose fields scroll (``desktop.kit.areas.FormArea``) keeps its size.
    """

    def __init__(self, owner: QWidget, widgets: dict[str, QWidget], order: Sequence[str], *,
                 on_mark: Callable[[str, bool], None] | None = None, grow: bool = True) -> None:
        self.grow = grow
        self.widgets = widgets
        self.order = tuple(order)
        self.on_mark = on_mark
        self.labels: dict[str, QLabel] = {}
        self._marked: set[str] = set()
        self.banner = QLabel(owner)
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()

    def holder(self, owner: QWidget, name: str, *extras: QWidget) -> QWidget:
        """The field's widget (and ``extras`` below it, such as a hint) with its error message underneath."""
        holder = QWidget(owner)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.widgets[name])
        for extra in extras:
            box.addWidget(extra)
        box.addWidget(self.message_label(holder, name))
        return holder

    def message_label(self, parent: QWidget, name: str) -> QLabel:
        """The label under field ``name`` that says what is wrong with it (hidden while it is fine)."""
        label = QLabel(parent)
        label.setObjectName(f"error_{name}")
        label.setStyleSheet("color: #C0152F;")
        label.setWordWrap(True)
        label.hide()
        self.labels[name] = label
        self.watch(name)
        return label

    def watch(self, name: str) -> None:
        """Editing field ``name`` clears its mark (the banner stays until the next save)."""
        widget = self.widgets.get(name)
        signal = _edited_signal(widget) if widget is not None else None
        if signal is not None:
            signal.connect(lambda *_args, n=name: self.clear_field(n))

    def show(self, errors: Sequence[FieldError], heading: str) -> None:
        """Mark each bad field, say why under it and in the banner, and focus the first one."""
        self.clear()
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        for name, texts in by_field.items():
            message = "；".join(texts)
            widget = self.widgets.get(name)
            if widget is not None:
                set_error(widget, True, message)
            label = self.labels.get(name)
            if label is not None:
                label.setText(message)
                label.show()
            self._marked.add(name)
            if self.on_mark is not None:
                self.on_mark(name, True)
        self._set_banner("\n".join([heading] + [f"• {e.label}：{e.message}" for e in errors]), notice=False)
        first = next((n for n in self.order if n in by_field and n in self.widgets), None)
        if first is not None:
            target = self.widgets[first]
            if isinstance(target, DateField):
                target = target.focus_target()
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(target, QLineEdit):
                target.selectAll()

    def notice(self, text: str) -> None:
        """A note in the banner that is not an error (e.g. what a reload did)."""
        self.clear()
        self._set_banner(text, notice=True)

    def _set_banner(self, text: str, *, notice: bool) -> None:
        self.banner.setProperty("notice", notice)
        style = self.banner.style()
        style.unpolish(self.banner)
        style.polish(self.banner)
        self.banner.setText(text)
        self.banner.show()
        if self.grow:
            self._grow()

    def _grow(self) -> None:
        """Make room for the banner and the messages (never squeeze the fields), never past the
        screen or the main window (a form that scrolls its fields then scrolls instead)."""
        window = self.banner.window()
        hint = window.sizeHint()
        if hint.height() > window.height() or hint.width() > window.width():
            fit_to_screen(window, QSize(max(window.width(), hint.width()), max(window.height(), hint.height())))

    def clear_field(self, name: str) -> None:
        widget = self.widgets.get(name)
        if widget is not None:
            set_error(widget, False)
        label = self.labels.get(name)
        if label is not None and not label.isHidden():
            label.hide()
            label.clear()
        if name in self._marked:
            self._marked.discard(name)
            if self.on_mark is not None:
                self.on_mark(name, False)

    def clear(self) -> None:
        self.banner.hide()
        self.banner.clear()
        for name in set(self.widgets) | set(self.labels) | set(self._marked):
            self.clear_field(name)

    def text(self, name: str) -> str:
        """The message shown under field ``name`` ('' when it is fine)."""
        label = self.labels.get(name)
        return label.text() if label is not None and not label.isHidden() else ""


# --- the record form --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """What a form's write returns: the record's id and its version after the save (None: unknown)."""

    id: int
    version: int | None = None


def field_value(data: Any, name: str) -> Any:
    """A field of a form's copy (a dataclass, or a dict of the fields a step asks for)."""
    return data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


class RecordForm(QDialog, Generic[D]):
    """A dialog editing a copy of one record, saved through the write flow with the version it loaded."""

    sig_saved = Signal(int)
    """The record was saved; the argument is its id."""

    sig_save_ended = Signal(str)
    """A save attempt ended (after the outcome was shown); the argument is its ``Outcome``."""

    labels: Mapping[str, str] = {}
    """The Chinese label of each field (messages, 比较)."""

    order: tuple[str, ...] = ()
    """The fields in the order they appear on screen: the first bad one gets the focus."""

    required_fields: tuple[str, ...] = ()
    """Fields whose label carries the * of a field that must be filled."""

    grow_for_errors = True
    """Whether the dialog grows (up to the screen) to show its error messages; False for a form
    whose fields scroll instead (``desktop.kit.areas.FormArea``)."""

    def __init__(self, db: Database, runner: TaskRunner, *, record_id: int | None = None,
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._actor = actor or os_actor()
        self.record_id = record_id
        self.version: int | None = None
        """The version of the record the form loaded (or last saved): saves expect it."""
        self.loaded: D | None = None
        """The copy as loaded (or last saved): what ``is_modified`` and 比较 compare against."""
        self.saved_id: int | None = None
        self.widgets: dict[str, QWidget] = {}
        self.inputs: list[QWidget] = []
        """Widgets besides ``widgets`` that change the record (add/remove buttons): frozen while saving."""
        self.errors = FormErrors(self, self.widgets, self.order, on_mark=self.field_marked,
                                 grow=self.grow_for_errors)
        self.write_op: WriteOp[Saved] | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.save_button: QAbstractButton | None = None
        self._save_text = ""
        self.cancel_button: QAbstractButton | None = None
        self.setStyleSheet(ERROR_STYLE)
        self.setSizeGripEnabled(True)

    # --- what a form provides -----------------------------------------------------------------------

    def read(self, session: Session) -> tuple[D, int]:
        """The stored copy of ``record_id`` and its version (may raise ``NotFoundError``)."""
        raise NotImplementedError

    def fill(self, data: D) -> None:
        """Show ``data`` in the widgets."""
        raise NotImplementedError

    def data(self) -> D:
        """What the form holds now (not yet cleaned or validated)."""
        raise NotImplementedError

    def command(self, data: D) -> Callable[[UnitOfWork], Saved]:
        """The write for ``data``, to run on the writer thread: it must not touch any widget, so
        everything it needs (the version, staged files …) is taken now, on the window thread."""
        raise NotImplementedError

    def check(self, data: D) -> list[FieldError]:
        """Problems the form can see before the core does (nothing is written when there are any)."""
        return []

    def after_save(self, saved: Saved) -> None:
        """After ``sig_saved``: close (a form that stays open overrides this)."""
        self.accept()

    def error_heading(self, count: int) -> str:
        return self.tr("请修正以下 {0} 处问题后再保存：").format(count)

    def refusal_title(self) -> str:
        """The title of the message saying a save was refused (StateError, NotFoundError …)."""
        return self.tr("无法保存")

    def field_marked(self, name: str, marked: bool) -> None:
        """A field's error mark was set or cleared (e.g. hide a hint the message repeats)."""

    def compared_fields(self) -> list[str]:
        """The fields 比较 looks at: those the form shows, in screen order."""
        return [n for n in self.order if n in self.labels and n in self.widgets]

    def value_text(self, name: str, value: Any) -> str:
        """A field's value as the form shows it (for 比较)."""
        widget = self.widgets.get(name)
        if isinstance(widget, QComboBox) and value is not None:
            text = combo_text(widget, value)
            if text:
                return text
        if value is None or value == "":
            return EMPTY
        if isinstance(widget, QSpinBox):
            return f"{value}{widget.suffix()}"
        if isinstance(value, bool):
            return self.tr("是") if value else self.tr("否")
        if isinstance(value, date):
            return date_text(value)
        if isinstance(value, str):
            return " ⏎ ".join(line for line in value.strip().splitlines())
        return str(value)

    def same(self, name: str, a: Any, b: Any) -> bool:
        """Whether two values of field ``name`` are the same record content (whitespace aside)."""
        return bool(_comparable(a) == _comparable(b))

    def merged(self, stored: D, mine: D, names: Iterable[str]) -> D:
        """The stored copy with the input of fields ``names`` copied over."""
        values = {n: field_value(mine, n) for n in names}
        if isinstance(stored, Mapping):
            return {**stored, **values}  # type: ignore[return-value]
        return dataclasses.replace(stored, **values)  # type: ignore[type-var]

    # --- building -------------------------------------------------------------------------------------

    def _form(self, box: QWidget | None = None) -> QFormLayout:
        """A form layout (in ``box``) whose fields take the room and whose labels align right."""
        form = QFormLayout(box) if box is not None else QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return form

    def _holder(self, name: str) -> QWidget:
        """Field ``name`` with room for its error message (a form may add hints)."""
        return self.errors.holder(self, name)

    def _add_row(self, form: QFormLayout, name: str, *, required: bool | None = None) -> None:
        """Field ``name`` in ``form`` under its Chinese label (with * when it must be filled)."""
        if required is None:
            required = name in self.required_fields
        label = QLabel(self.labels[name] + (" *" if required else ""), self)
        label.setBuddy(self.widgets[name])
        form.addRow(label, self._holder(name))

    def _line(self, name: str) -> QLineEdit:
        return typed_widget(self.widgets, name, QLineEdit)

    def _combo(self, name: str) -> QComboBox:
        return typed_widget(self.widgets, name, QComboBox)

    def _text(self, name: str) -> QPlainTextEdit:
        return typed_widget(self.widgets, name, QPlainTextEdit)

    def make_buttons(self, save_text: str = "") -> QDialogButtonBox:
        """保存 (or ``save_text``) and 取消, wired to ``save`` and ``reject``."""
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(save_text or self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)  # type: ignore[attr-defined]
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        return buttons

    # --- loading --------------------------------------------------------------------------------------

    @property
    def loaded_version(self) -> int | None:
        return self.version

    def reload(self) -> None:
        """Load the stored record (and its version) into the form, replacing the input."""
        assert self.record_id is not None
        with self._db.read() as session:
            data, version = self.read(session)
        self.show_record(data, version)

    def show_record(self, data: D, version: int | None, *, keep_staged: bool = False) -> None:
        """Show a stored copy as the loaded one. ``keep_staged``: keep what the form stages besides
        its fields (files to add or remove) — after 比较, when the input is kept."""
        self.loaded = data
        self.version = version
        self.fill(data)
        self.errors.clear()

    def is_modified(self) -> bool:
        mine = self.data()
        return any(not self.same(n, field_value(mine, n), field_value(self.loaded, n))
                   for n in self.compared_fields())

    # --- saving ---------------------------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        return self.write_op is not None and self.write_op.running

    def save(self) -> WriteOp[Saved] | None:
        """Start saving through the write flow; None when nothing was started (already saving, or
        the form found problems itself). The outcome arrives later (``sig_save_ended``)."""
        if self.saving:
            return None
        data = self.data()
        problems = self.check(data)
        if problems:
            self.show_errors(problems)
            self.sig_save_ended.emit(Outcome.INVALID.value)
            return None
        frozen: list[QWidget] = [*self.widgets.values(), *self.inputs]
        if self.save_button is not None:
            frozen.append(self.save_button)
        op = WriteOp(self, self._runner, self._db, self._actor, self.command(data), title=self.refusal_title(),
                     disable=frozen)
        op.success(lambda saved: self._saved(saved, data))
        op.invalid(lambda error: self.show_errors(error.errors))
        op.conflict(lambda error: self.resolve_conflict(error, data))
        op.ended(self._save_ended)
        self.write_op = op
        if self.save_button is not None:
            self._save_text = self.save_button.text()
            self.save_button.setText(self.tr("正在保存…"))
        op.run()
        return op

    def _saved(self, saved: Saved, data: D) -> None:
        self.errors.clear()
        self.record_id = saved.id
        self.saved_id = saved.id
        self.version = saved.version
        self.loaded = data
        self.sig_saved.emit(saved.id)
        self.after_save(saved)

    def _save_ended(self, outcome: Outcome) -> None:
        if self.save_button is not None:
            self.save_button.setText(self._save_text)
        if outcome is Outcome.CANCELLED:
            self.errors.notice(self.tr("已取消保存，没有写入任何内容；您的输入仍在窗口中。"))
        self.sig_save_ended.emit(outcome.value)

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        self.errors.show(errors, self.error_heading(len(errors)))

    def error_text(self, name: str) -> str:
        """The message shown next to field ``name`` ('' when it is fine)."""
        return self.errors.text(name)

    # --- conflicts ------------------------------------------------------------------------------------

    def differences(self, mine: D, stored: D) -> list[Difference]:
        """The fields where the input and the stored copy differ, and who changed each."""
        out = []
        base = self.loaded
        for name in self.compared_fields():
            a, b = field_value(mine, name), field_value(stored, name)
            if self.same(name, a, b):
                continue
            original = field_value(base, name) if base is not None else None
            out.append(Difference(name, self.labels[name], self.value_text(name, a), self.value_text(name, b),
                                  changed_by_me=not self.same(name, a, original),
                                  changed_by_others=not self.same(name, b, original)))
        return out

    def resolve_conflict(self, error: ConflictError, mine: D) -> None:
        """The save was stale: read the stored record and ask (重新载入 / 比较); overwrite nothing."""
        try:
            with self._db.read() as session:
                stored, version = self.read(session)
        except DeskError as exc:  # deleted meanwhile
            messages.warn(self, self.refusal_title(), f"{error}\n\n{exc}")
            return
        dialog = ConflictDialog(self, error, self.differences(mine, stored), stored_version=version)
        dialog.sig_resolved.connect(lambda choice, names: self._resolved(Choice(choice), names, mine, stored,
                                                                         version))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "conflict_dialog", None))
        self.conflict_dialog = dialog
        dialog.open()

    def _resolved(self, choice: Choice, names: list[str], mine: D, stored: D, version: int) -> None:
        if choice is Choice.RELOAD:
            self.show_record(stored, version)
            self.errors.notice(self.tr("已重新载入数据库中的最新内容（第 {0} 版），您的输入已放弃。").format(version))
        elif choice is Choice.MERGE:
            self.show_record(stored, version, keep_staged=True)
            self.fill(self.merged(stored, mine, names))
            self.errors.notice(self.tr("已载入数据库中的最新内容（第 {0} 版），并保留了您勾选的 {1} 项输入。"
                                       "请核对后再保存。").format(version, len(names)))

    # --- closing --------------------------------------------------------------------------------------

    def reject(self) -> None:
        """取消 / Esc / the close button: a save waiting for the writer is cancelled (the form stays);
        one being written is waited for; unsaved input is only thrown away after asking."""
        if self.write_op is not None and self.write_op.running:
            self.write_op.cancel()
            return
        if self.is_modified() and not messages.confirm(
            self, self.tr("放弃修改"), self.tr("您修改的内容还没有保存，确定放弃吗？"),
            yes=self.tr("放弃修改"), no=self.tr("继续编辑"),
        ):
            return
        super().reject()
