"""Dates in the window: the one date field every form uses, and how dates and times read.

``DateField`` is a date picker (calendar popup, Chinese format ``2026年3月2日``). An optional date
(``clearable=True``, the default) has a box on its left saying whether a date is set at all: unticked
reads 未填写 and ``value()`` is None. A date the form always needs (``clearable=False``) has no box
and always holds a day (today when nothing was given).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget

DISPLAY_FORMAT = "yyyy年M月d日"
NO_DATE = QDate(1900, 1, 1)
"""What the editor holds while no date is set (shown as its special text, 未填写)."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("DateField", text)


def date_text(value: date | None, empty: str = "") -> str:
    """A date as the window writes it (``2026年3月2日``); ``empty`` for None."""
    if value is None:
        return empty
    return f"{value.year}年{value.month}月{value.day}日"


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Stored times are UTC without a zone; show them in the computer's local time (``fmt``:
    ``"%Y-%m-%d"`` for the day alone)."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime(fmt)


class DateField(QWidget):
    """A date picker; optional dates (``clearable``) have an explicit 未填写 state."""

    sig_changed = Signal()
    """The value changed (ticked, cleared, or another date picked)."""

    def __init__(self, parent: QWidget | None = None, *, value: date | None = None,
                 clearable: bool = True) -> None:
        super().__init__(parent)
        self.clearable = clearable
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.check = QCheckBox(self)
        self.check.setToolTip(_tr("勾选后填写日期；不勾选表示未填写"))
        self.check.setVisible(clearable)
        self.edit = QDateEdit(self)
        self.edit.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DISPLAY_FORMAT)
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setSpecialValueText(_tr("未填写"))
        self.edit.setMinimumWidth(132)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.setFocusProxy(self.edit)
        self._last: date | None = None
        self.check.toggled.connect(self._on_toggled)
        self.edit.dateChanged.connect(lambda _d: self.sig_changed.emit())
        self.set_value(value)

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        picked = self.edit.date()
        return None if picked == NO_DATE else picked.toPython()  # type: ignore[no-any-return]

    def set_value(self, value: date | None) -> None:
        if value is None and not self.clearable:
            value = self._last or date.today()
        if value is not None:
            self._last = value
        self.check.blockSignals(True)
        self.check.setChecked(value is not None)
        self.check.blockSignals(False)
        self.edit.setEnabled(value is not None)
        self.edit.setDate(QDate(value) if value is not None else NO_DATE)
        self.sig_changed.emit()

    def focus_target(self) -> QWidget:
        """Where the focus goes when the field is wrong: the date, or the box that sets one."""
        return self.edit if self.check.isChecked() else self.check

    def _on_toggled(self, on: bool) -> None:
        if on:
            self.edit.setEnabled(True)
            self.edit.setDate(QDate(self._last or date.today()))
            self.edit.setFocus()
        else:
            value = self.value()
            if value is not None:
                self._last = value
            self.edit.setDate(NO_DATE)
            self.edit.setEnabled(False)
        self.sig_changed.emit()
