"""Choosing from lists: reference data in combo boxes, and the one enterprise picker.

``ReferenceChoices`` loads the reference lists a form or filter offers (industries, risk levels,
regions, departments) in one short read; ``fill_combo`` puts (text, data[, depth]) items into a
combo box, indenting tree items (industries, regions) in the popup.

``EnterprisePicker`` is how every form and filter chooses an enterprise: a combo box one can type
into, completing on any part of the name. It knows nothing of how enterprises are stored (the kit
sits below every module): it shows any choices with an ``id`` and a ``name``, which the enterprise
module provides (``desktop.enterprises.choices.load_enterprise_choices``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from models.core import reference
from models.core.database import Database
from models.core.reference import Choice

INDENT = "\u3000"  # ideographic space: indents child items in combo boxes
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class ReferenceChoices:
    """The reference lists a form or filter offers, loaded in one short read."""

    industries: list[Choice]
    risk_levels: list[Choice]
    regions: list[Choice]
    departments: list[Choice]

    @classmethod
    def load(cls, db: Database) -> ReferenceChoices:
        with db.read() as session:
            return cls(industries=reference.industries(session),
                       risk_levels=reference.risk_levels(session),
                       regions=reference.regions(session),
                       departments=reference.departments(session))

    def industry_ids_with_children(self, industry_id: int) -> tuple[int, ...]:
        """An industry and the industries under it (a top-level industry includes its children)."""
        return tuple(reference.subtree_ids(self.industries, industry_id))

    def region_ids_with_children(self, region_id: int) -> tuple[int, ...]:
        return tuple(reference.subtree_ids(self.regions, region_id))


class IndentDelegate(QStyledItemDelegate):
    """Indents a combo box's popup items by their ``LEVEL_ROLE`` (the closed box shows the plain name)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        level = index.data(LEVEL_ROLE)
        if isinstance(level, int) and level > 0:
            option.text = INDENT * (2 * level) + option.text  # type: ignore[attr-defined]


def tree_items(choices: Iterable[Choice], top_level: int = 1) -> list[tuple[str, Any, int]]:
    """(name, id, depth) for a tree of choices (industries, regions)."""
    return [(c.name, c.id, max(0, c.level - top_level)) for c in choices]


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, Any] | tuple[str, Any, int]], *,
               first: tuple[str, Any] | None = None, keep: bool = True) -> None:
    """Replace the items of ``combo`` (text, data[, depth]); keep the selected data if still offered."""
    current = combo.currentData() if keep else None
    combo.blockSignals(True)
    combo.clear()
    if first is not None:
        combo.addItem(first[0], first[1])
    tree = False
    for item in items:
        combo.addItem(item[0], item[1])
        if len(item) > 2:
            combo.setItemData(combo.count() - 1, item[2], LEVEL_ROLE)
            tree = True
    if tree and not isinstance(combo.itemDelegate(), IndentDelegate):
        combo.setItemDelegate(IndentDelegate(combo))
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def combo_text(combo: QComboBox, value: object, empty: str = "") -> str:
    """The text ``combo`` shows for the item holding ``value`` (``empty`` when it offers none)."""
    index = combo.findData(value) if value is not None else -1
    return combo.itemText(index) if index >= 0 else empty


class Named(Protocol):
    """What a picker shows: a record's id and name."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


C = TypeVar("C", bound=Named)


class EnterprisePicker(QComboBox, Generic[C]):
    """The enterprise chooser one can type into: the popup completes on any part of the name.

    The first item (``first``: 全部企业 in a filter, 请选择企业… in a form) stands for none.
    """

    sig_enterprise_changed = Signal(object)
    """The chosen enterprise changed; the argument is its id (None: the first item)."""

    def __init__(self, first: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._first = first
        self._choices: dict[int, C] = {}
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(12)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.addItem(first, None)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("输入企业名称的一部分"))
        line.editingFinished.connect(self._settle)
        self.currentIndexChanged.connect(lambda _i: self.sig_enterprise_changed.emit(self.enterprise_id()))

    def set_choices(self, choices: Sequence[C]) -> None:
        self._choices = {c.id: c for c in choices}
        fill_combo(self, [(c.name, c.id) for c in choices], first=(self._first, None))

    def choice(self, enterprise_id: int | None = None) -> C | None:
        key = self.enterprise_id() if enterprise_id is None else enterprise_id
        return self._choices.get(key) if key is not None else None

    def enterprise_id(self) -> int | None:
        value = self.currentData()
        return value if isinstance(value, int) else None

    def set_enterprise_id(self, enterprise_id: int | None) -> None:
        index = self.findData(enterprise_id) if enterprise_id is not None else 0
        self.setCurrentIndex(max(index, 0))

    def _settle(self) -> None:
        """After typing: an exact name chooses it; anything else shows the current choice again."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchExactly) if text else 0
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(self.itemText(self.currentIndex()))
