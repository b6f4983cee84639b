"""The drills' month calendar: each day shows how many drills are planned, a dot per drill in the
colour of its status (实战 filled, 桌面 hollow); choosing a day lists that day's drills. The month's
drills are read on a worker thread (``models.drills.queries.month``) with the list's filter."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from PySide6.QtCore import QDate, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.drills.table import STATUS_COLOURS
from models.drills.entities import DRILL_FORMS, DRILL_STATUSES
from models.drills.queries import DayDrill

DOT = 9


class DrillCalendar(QCalendarWidget):
    """A month calendar that paints the drills of each day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))  # 十月 2026, 周一 … also off the app
        self.by_day: dict[date, list[DayDrill]] = {}

    def set_drills(self, drills: list[DayDrill]) -> None:
        grouped: dict[date, list[DayDrill]] = defaultdict(list)
        for d in drills:
            grouped[d.day].append(d)
        self.by_day = dict(grouped)
        self.updateCells()

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        super().paintCell(painter, rect, qdate)
        drills = self.by_day.get(date(qdate.year(), qdate.month(), qdate.day()), [])
        if not drills:
            return
        painter.save()
        x, y = rect.left() + 3, rect.bottom() - DOT - 3
        for d in drills[: max(1, (rect.width() - 20) // (DOT + 2))]:
            colour = QColor(STATUS_COLOURS.get(d.status, "#000000"))
            painter.setPen(QPen(colour, 1.2))
            painter.setBrush(colour if d.form == "live" else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(x, y, DOT, DOT)
            x += DOT + 2
        painter.setPen(QColor("#333333"))
        painter.drawText(rect.adjusted(0, 2, -4, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                         str(len(drills)))
        painter.restore()


class CalendarView(QWidget):
    """The calendar, a legend, and the chosen day's drills (double-click one to find it in the list)."""

    sig_month_changed = Signal(int, int)
    sig_drill_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = DrillCalendar(self)
        self.calendar.setObjectName("drillCalendar")
        self.day_list = QListWidget(self)
        self.day_list.setObjectName("drillDay")
        self.day_label = QLabel(self)
        legend = "　".join(f'<span style="color:{STATUS_COLOURS[k]}">●</span>{label}'
                          for k, label in DRILL_STATUSES.items())
        self.legend = QLabel(self.tr("状态：") + legend + self.tr("　　实心：{0}　空心：{1}").format(
            DRILL_FORMS["live"], DRILL_FORMS["tabletop"]), self)
        left = QVBoxLayout()
        left.addWidget(self.calendar, 1)
        left.addWidget(self.legend)
        right = QVBoxLayout()
        right.addWidget(self.day_label)
        right.addWidget(self.day_list, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.calendar.currentPageChanged.connect(lambda y, m: self.sig_month_changed.emit(y, m))
        self.calendar.selectionChanged.connect(self.show_day)
        self.day_list.itemDoubleClicked.connect(
            lambda item: self.sig_drill_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole))))

    def set_drills(self, drills: list[DayDrill]) -> None:
        self.calendar.set_drills(drills)
        self.show_day()

    def show_day(self) -> None:
        q = self.calendar.selectedDate()
        day = date(q.year(), q.month(), q.day())
        drills = self.calendar.by_day.get(day, [])
        self.day_label.setText(self.tr("{0}：{1} 次演练").format(day.isoformat(), len(drills)))
        self.day_list.clear()
        for d in drills:
            item = QListWidgetItem(f"{d.time}　{DRILL_STATUSES.get(d.status, d.status)}　{d.enterprise}　{d.title}",
                                   self.day_list)
            item.setForeground(QColor(STATUS_COLOURS.get(d.status, "#000000")))
            item.setData(Qt.ItemDataRole.UserRole, d.id)
