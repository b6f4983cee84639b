"""首页: how many enterprises, by risk level (with its colour) and by key industry.

A placeholder for the dashboard to come (due plans, drills, expiring supplies…). The counts come
from one grouped query; the names and colours from the reference tables in the same short read.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.kit.pages import Page
from models.core.database import Database
from models.enterprises.queries import Overview, Tally, overview


class HomePage(Page):
    key = "home"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.overview: Overview | None = None
        self.demo_filling = False
        """The demo database is being generated in the background (the counts are not there yet)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        heading = QLabel(self.tr("概况"), self)
        heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(heading)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("totalLabel")
        self.total_label.setStyleSheet("font-size: 15px;")
        layout.addWidget(self.total_label)
        self.demo_progress = QProgressBar(self)
        self.demo_progress.setObjectName("demoProgress")
        self.demo_progress.setMaximumWidth(420)
        self.demo_progress.setFormat("%p%")
        self.demo_progress.hide()
        layout.addWidget(self.demo_progress)
        self.demo_step = QLabel(self)
        self.demo_step.setObjectName("demoStep")
        self.demo_step.setStyleSheet("color: #5A6570;")
        self.demo_step.hide()
        layout.addWidget(self.demo_step)
        self.details = QWidget(self)  # the counts (hidden while the demo is generated)
        layout.addWidget(self.details)
        outer, layout = layout, QVBoxLayout(self.details)  # the counts go into ``details``
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)

        risk_title = QLabel(self.tr("按风险等级"), self.details)
        risk_title.setStyleSheet("font-weight: bold;")
        layout.addWidget(risk_title)
        self._risk_row = QHBoxLayout()
        self._risk_row.setSpacing(12)
        layout.addLayout(self._risk_row)
        self.risk_cards: dict[str, QLabel] = {}

        industry_title = QLabel(self.tr("按重点行业"), self.details)
        industry_title.setStyleSheet("font-weight: bold;")
        layout.addWidget(industry_title)
        self.industry_table = QTableWidget(0, 2, self.details)
        self.industry_table.setHorizontalHeaderLabels([self.tr("重点行业"), self.tr("企业数")])
        self.industry_table.verticalHeader().setVisible(False)
        self.industry_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.industry_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.industry_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.industry_table.setColumnWidth(1, 90)
        self.industry_table.setMaximumWidth(420)
        self.industry_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.industry_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.industry_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.industry_table)
        self.hint = QLabel(self)
        self.hint.setObjectName("homeHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666666;")
        outer.addWidget(self.hint)
        outer.addStretch(1)

    @property
    def title(self) -> str:
        return self.tr("首页")

    def refresh(self) -> None:
        with self._db.read() as session:
            self.overview = overview(session)
        self._show(self.overview)

    def set_demo_filling(self, filling: bool) -> None:
        """The demo database is (no longer) being generated: say so instead of “no enterprises”."""
        self.demo_filling = filling
        self.demo_progress.setRange(0, 0)  # busy until the generator reports how far it is
        self.demo_progress.setVisible(filling)
        self.demo_step.clear()
        self.demo_step.setVisible(filling)
        if filling:
            self._show_filling()
        elif self.overview is not None:
            self._show(self.overview)

    def show_demo_progress(self, done: int, total: int, message: str) -> None:
        """How far the demo generator is (``done`` of ``total``; ``message``: the current step)."""
        if not self.demo_filling:
            return
        if total > 0:
            self.demo_progress.setRange(0, total)
            self.demo_progress.setValue(min(done, total))
        if message:
            self.demo_step.setText(message)

    def _show_filling(self) -> None:
        self.total_label.setText(self.tr("正在生成演示数据库，请稍候…"))
        self.details.hide()
        self.hint.setText(self.tr("演示数据库（虚构的临江市企业及其应急预案）正在后台生成，"
                                  "完成后这里会自动显示概况；其他页面也会随之刷新。"))

    def _show(self, overview: Overview) -> None:
        if self.demo_filling:
            self._show_filling()
            return
        self.details.show()
        self.total_label.setText(self.tr("在册企业 {0} 家（不含回收站）").format(overview.total))
        while self._risk_row.count():
            item = self._risk_row.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.risk_cards.clear()
        for tally in overview.by_risk:
            card = _risk_card(tally, self)
            self.risk_cards[tally.name] = card.findChild(QLabel, "count")  # type: ignore[assignment]
            self._risk_row.addWidget(card)
        self._risk_row.addStretch(1)
        self.industry_table.setRowCount(len(overview.by_key_industry))
        for row, tally in enumerate(overview.by_key_industry):
            self.industry_table.setItem(row, 0, QTableWidgetItem(tally.name))
            count = QTableWidgetItem(str(tally.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.industry_table.setItem(row, 1, count)
        table = self.industry_table
        rows_height = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(table.horizontalHeader().height() + rows_height + 2 * table.frameWidth())
        if overview.total == 0:
            self.hint.setText(self.tr("数据库中还没有企业。可在“企业”页新建，"
                                      "或从“文件”菜单打开演示数据库看看各项功能。"))
        else:
            self.hint.setText(self.tr("重点行业的数字包含其下属行业，例如“危险化学品”包含生产、经营、储存、运输。"))


def _risk_card(tally: Tally, parent: QWidget) -> QFrame:
    card = QFrame(parent)
    card.setObjectName("riskCard")
    color = tally.color or "#888888"
    card.setStyleSheet(
        f"QFrame#riskCard {{ border: 1px solid {color}; border-left: 6px solid {color};"
        " border-radius: 4px; background: palette(base); }")
    grid = QGridLayout(card)
    grid.setContentsMargins(12, 8, 16, 8)
    name = QLabel(tally.name, card)
    name.setStyleSheet(f"color: {color}; font-weight: bold;")
    count = QLabel(str(tally.count), card)
    count.setObjectName("count")
    count.setStyleSheet("font-size: 22px; font-weight: bold;")
    unit = QLabel(card.tr("家"), card)
    grid.addWidget(name, 0, 0, 1, 2)
    grid.addWidget(count, 1, 0)
    grid.addWidget(unit, 1, 1, Qt.AlignmentFlag.AlignBottom)
    grid.setColumnStretch(2, 1)
    grid.setHorizontalSpacing(4)
    card.setMinimumWidth(110)
    return card
