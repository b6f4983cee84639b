"""The section tree of the plan editor: numbered headings ("3.1.2 信息接报"), renamed in place.

The tree only shows a ``Document``; every change goes through the plan editor, which applies the
pure functions of ``plans.document`` and calls ``show_document`` again, so the numbers are always
those ``plans.document.numbered`` computes.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from plans.document import Document, Section, heading, numbered

KEY_ROLE = Qt.ItemDataRole.UserRole
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 2


class _TitleDelegate(QStyledItemDelegate):
    """In-place rename: the line edit holds the bare title (not the number); the tree asks the
    editor to rename instead of writing into the item."""

    def __init__(self, tree: SectionTree) -> None:
        super().__init__(tree)
        self._tree = tree

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setMaxLength(200)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(TITLE_ROLE) or ""))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        key = index.data(KEY_ROLE) if index.isValid() else None
        if isinstance(editor, QLineEdit) and isinstance(key, str):
            title = editor.text()
            # Deferred: the rename rebuilds the tree, which must not happen inside the commit.
            QTimer.singleShot(0, self._tree, lambda: self._tree.sig_rename_requested.emit(key, title))


class SectionTree(QTreeWidget):
    """Numbered section headings; select one to edit it, F2 or double-click to rename it."""

    sig_section_selected = Signal(object)
    """The selected section changed; the argument is its key (None when nothing is selected)."""

    sig_rename_requested = Signal(str, str)
    """The user typed a new title in place: (section key, title)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionTree")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegate(_TitleDelegate(self))
        self.setExpandsOnDoubleClick(False)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._rebuilding = False
        self.set_editable(True)
        self.currentItemChanged.connect(self._on_current_changed)

    def set_editable(self, editable: bool) -> None:
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked if editable
                             else QAbstractItemView.EditTrigger.NoEditTriggers)
        self._editable = editable
        for item in self._items.values():
            self._set_item_flags(item)

    def _set_item_flags(self, item: QTreeWidgetItem) -> None:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)

    def show_document(self, document: Document, select: str | None = None) -> None:
        """Rebuild the tree from ``document`` and select ``select`` (without signalling)."""
        self._rebuilding = True
        try:
            self.clear()
            self._items = {}
            parent_of = _parents(document)
            parents: dict[str, QTreeWidgetItem] = {}
            for number, section in numbered(document):
                item = QTreeWidgetItem()
                self._fill(item, number, section)
                parent = parents.get(parent_of.get(section.key, ""))
                if parent is None:
                    self.addTopLevelItem(item)
                else:
                    parent.addChild(item)
                parents[section.key] = item
                self._items[section.key] = item
            self.expandAll()
            if select is not None and select in self._items:
                self.setCurrentItem(self._items[select])
                self.scrollToItem(self._items[select])
        finally:
            self._rebuilding = False

    def _fill(self, item: QTreeWidgetItem, number: str, section: Section) -> None:
        item.setText(0, heading(number, section))
        item.setData(0, KEY_ROLE, section.key)
        item.setData(0, TITLE_ROLE, section.title)
        item.setData(0, NUMBER_ROLE, number)
        tip = heading(number, section)
        if section.required:
            tip += self.tr("\n模板规定的必备章节")
        item.setToolTip(0, tip)
        if section.required:
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(0, font)
        self._set_item_flags(item)

    # --- selection ---------------------------------------------------------------------------------

    def current_key(self) -> str | None:
        item = self.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else None
        return key if isinstance(key, str) else None

    def select_key(self, key: str) -> bool:
        """Select and scroll to section ``key`` (signals ``sig_section_selected``)."""
        item = self._items.get(key)
        if item is None:
            return False
        self.setCurrentItem(item)
        self.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def item_for(self, key: str) -> QTreeWidgetItem | None:
        return self._items.get(key)

    def start_rename(self, key: str | None = None) -> None:
        item = self._items.get(key or self.current_key() or "")
        if item is not None and self._editable:
            self.scrollToItem(item)
            self.editItem(item, 0)

    def headings(self) -> list[str]:
        """Every shown heading in reading order ("1 总则", "1.1 适用范围", …)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem) -> None:
            out.append(item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.topLevelItemCount()):
            walk(self.topLevelItem(i))
        return out

    def set_marks(self, marks: dict[str, QIcon]) -> None:
        """Show an icon (error / warning) next to the sections in ``marks``; clear the others."""
        for key, item in self._items.items():
            item.setIcon(0, marks.get(key, QIcon()))

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if self._rebuilding:
            return
        key = current.data(0, KEY_ROLE) if current is not None else None
        self.sig_section_selected.emit(key if isinstance(key, str) else None)


def _parents(document: Document) -> dict[str, str]:
    """Section key → its parent's key (top-level sections are absent)."""
    out: dict[str, str] = {}

    def walk(sections: list[Section], parent: str | None) -> None:
        for s in sections:
            if parent is not None:
                out[s.key] = parent
            walk(s.children, s.key)

    walk(document.sections, None)
    return out
