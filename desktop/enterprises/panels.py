"""What later modules show about the enterprise chosen on the 企业 page (its drill obligations today;
supplies and teams later), without the enterprises module knowing them: the window's composition
(``desktop.main_window``) hands the page a list of ``EnterprisePanel``s, each a title, its columns
and a read that runs on a worker thread. The page shows them as tabs under the list, read again
(after a short pause, so arrowing down the list does not read every row) when the current
enterprise changes or the data changes. The plans page shows its panels the same way, keyed by the
plan (``PanelTabs`` with the plan's ``prompt``; ``read`` then gets the plan's id).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.tasks import Task, TaskRunner
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor

# Opens the panel's editor for a record: (database, runner, actor, record id, parent) → the dialog
# (a ``RecordForm``: its ``sig_saved`` reloads the panel) or None.
EditPanel = Callable[[Database, TaskRunner, Actor, int, QWidget], QDialog | None]

WARNING = QColor("#B3261E")
PAUSE_MS = 150


@dataclass(frozen=True)
class PanelRow:
    cells: tuple[str, ...]
    warning: bool = False  # shown in red and counted in the tab's title (overdue, below minimum …)
    tooltip: str = ""


@dataclass(frozen=True)
class EnterprisePanel:
    """One tab under the enterprise list: ``read(session, enterprise_id, as_of)`` on a worker thread."""

    title: str
    columns: tuple[str, ...]
    read: Callable[[Session, int, date], list[PanelRow]]
    empty: str = "无"  # the one line shown when the enterprise has nothing here
    warning_noun: str = "项需要处理"
    edit: EditPanel | None = None  # a button beside the tabs opens it for the chosen record
    edit_label: str = "编辑…"


class PanelTabs(QTabWidget):
    """The panels of the current enterprise, each a read-only table (a panel with ``edit`` gets a
    button beside the tabs; what it saves reloads the panel and is told by ``sig_record_changed``)."""

    sig_record_changed = Signal(int)
    """A panel's editor saved the record; the argument is its id."""

    def __init__(self, db: Database, runner: TaskRunner, panels: Sequence[EnterprisePanel],
                 today: Callable[[], date], parent: QWidget | None = None, *,
                 prompt: str = "", actor: Actor | None = None) -> None:
        """``prompt``: the line shown while nothing is chosen in the list above; ``actor``: who
        edits through a panel's ``edit`` (without one, no edit button)."""
        super().__init__(parent)
        self.setObjectName("enterprisePanels")
        self._prompt = prompt or self.tr("请在上方列表中选择一家企业")
        self._db, self._runner, self._today = db, runner, today
        self.panels = list(panels)
        self.tables: list[QTableWidget] = []
        self.enterprise_id: int | None = None
        self.tasks: list[Task] = []
        for panel in self.panels:
            table = QTableWidget(0, len(panel.columns), self)
            table.setHorizontalHeaderLabels(list(panel.columns))
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            table.setAlternatingRowColors(True)
            self.tables.append(table)
            self.addTab(table, panel.title)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PAUSE_MS)
        self._timer.timeout.connect(self.reload)
        self._actor = actor
        self.edit_button: QPushButton | None = None
        if actor is not None and any(p.edit is not None for p in self.panels):
            self.edit_button = QPushButton(self)
            self.edit_button.setObjectName("panelEdit")
            self.edit_button.clicked.connect(self.edit_current)
            self.setCornerWidget(self.edit_button, Qt.Corner.TopRightCorner)
            self.currentChanged.connect(lambda _i: self._update_edit())
            self._update_edit()

    def _update_edit(self) -> None:
        if self.edit_button is None:
            return
        panel = self.panels[self.currentIndex()] if self.currentIndex() >= 0 else None
        self.edit_button.setVisible(panel is not None and panel.edit is not None)
        if panel is not None:
            self.edit_button.setText(panel.edit_label)
        self.edit_button.setEnabled(self.enterprise_id is not None)

    def edit_current(self) -> QDialog | None:
        """Open the current panel's editor for the chosen record."""
        panel = self.panels[self.currentIndex()] if self.currentIndex() >= 0 else None
        rid = self.enterprise_id
        if panel is None or panel.edit is None or rid is None or self._actor is None:
            return None
        dialog = panel.edit(self._db, self._runner, self._actor, rid, self)
        saved = getattr(dialog, "sig_saved", None)
        if saved is not None:
            saved.connect(lambda record_id: (self.reload(), self.sig_record_changed.emit(record_id)))
        return dialog

    def show_enterprise(self, enterprise_id: int | None) -> None:
        """The enterprise chosen in the list (None: none); read after a short pause."""
        self.enterprise_id = enterprise_id
        self._update_edit()
        self._timer.start()

    show = show_enterprise  # the record chosen in the list above (a plan on the plans page)

    def reload(self) -> None:
        self._timer.stop()
        if self._runner.closed:  # the window is closing: the pause ended after the runner shut down
            return
        eid = self.enterprise_id
        self.tasks = []
        for index, panel in enumerate(self.panels):
            if eid is None:
                self._fill(index, eid, [])
                continue
            self.tasks.append(self._read(index, panel, eid))

    def _read(self, index: int, panel: EnterprisePanel, eid: int) -> Task:
        db, as_of = self._db, self._today()

        def work(_progress: Progress) -> list[PanelRow]:
            with db.read() as s:
                return panel.read(s, eid, as_of)

        task = self._runner.run(work, label=self.tr("正在读取{0}…").format(panel.title), show_progress=False)
        task.sig_finished.connect(lambda rows: self._fill(index, eid, rows))
        return task

    def _fill(self, index: int, eid: int | None, rows: list[PanelRow]) -> None:
        if eid != self.enterprise_id:
            return  # another enterprise was chosen meanwhile
        panel, table = self.panels[index], self.tables[index]
        table.setRowCount(max(1, len(rows)))
        table.clearContents()
        if not rows:
            table.setSpan(0, 0, 1, len(panel.columns))
            table.setItem(0, 0, QTableWidgetItem(panel.empty if eid is not None else self._prompt))
        else:
            table.clearSpans()
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells):
                item = QTableWidgetItem(text)
                if row.warning:
                    item.setForeground(QBrush(WARNING))
                if row.tooltip:
                    item.setToolTip(row.tooltip)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        warnings = sum(1 for row in rows if row.warning)
        self.setTabText(index, panel.title if not warnings else
                        self.tr("{0}（{1} {2}）").format(panel.title, warnings, panel.warning_noun))
