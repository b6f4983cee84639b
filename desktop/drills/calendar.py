"""The drills' calendar. By month: each day shows how many drills are planned, a dot per drill in the
colour of its status (实战 filled, 桌面 hollow). By week: a column per day with its drills by time.
Choosing a day lists that day's drills. The drills of the days shown are read on a worker thread
(``models.drills.queries.planned_between``) with the list's filter."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from PySide6.QtCore import QDate, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
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


WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class WeekView(QTableWidget):
    """One week, Monday to Sunday: a column per day, the day's drills down it by time, each in the
    colour of its status; a cell is a drill (double-click to find it in the list)."""

    sig_day_chosen = Signal(object)  # date
    sig_drill_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self.start = monday_of(date(2000, 1, 3))
        self.by_day: dict[date, list[DayDrill]] = {}
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.currentCellChanged.connect(lambda row, column, *_: self.sig_day_chosen.emit(self.day(column)))
        self.cellDoubleClicked.connect(self._double_clicked)

    def day(self, column: int) -> date:
        return self.start + timedelta(days=max(0, column))

    def set_week(self, start: date, drills: list[DayDrill]) -> None:
        self.start = monday_of(start)
        grouped: dict[date, list[DayDrill]] = defaultdict(list)
        for d in drills:
            grouped[d.day].append(d)
        self.by_day = dict(grouped)
        self.setHorizontalHeaderLabels([f"{WEEKDAYS[i]}\n{self.day(i).month}月{self.day(i).day}日" for i in range(7)])
        self.clearContents()
        self.setRowCount(max([len(v) for v in self.by_day.values()] + [1]))
        for column in range(7):
            for row, d in enumerate(self.by_day.get(self.day(column), [])):
                item = QTableWidgetItem(f"{d.time}　{DRILL_STATUSES.get(d.status, d.status)}\n{d.enterprise}\n{d.title}")
                item.setForeground(QColor(STATUS_COLOURS.get(d.status, "#000000")))
                item.setToolTip(f"{d.day.isoformat()} {d.time}　{d.enterprise}　{d.title}"
                                f"（{DRILL_FORMS.get(d.form, d.form)}，{DRILL_STATUSES.get(d.status, d.status)}）")
                item.setData(Qt.ItemDataRole.UserRole, d.id)
                self.setItem(row, column, item)

    def _double_clicked(self, row: int, column: int) -> None:
        item = self.item(row, column)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self.sig_drill_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))


class CalendarView(QWidget):
    """The month calendar or the week, a legend, and the chosen day's drills (double-click one to find
    it in the list). ``sig_range_changed(start, end)`` asks for the drills of the days shown."""

    sig_range_changed = Signal(object, object)  # date, date (end exclusive)
    sig_drill_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = DrillCalendar(self)
        self.calendar.setObjectName("drillCalendar")
        self.week = WeekView(self)
        self.week.setObjectName("drillWeek")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.calendar)
        self.stack.addWidget(self.week)
        self.day_list = QListWidget(self)
        self.day_list.setObjectName("drillDay")
        self.day_label = QLabel(self)
        self.by_day: dict[date, list[DayDrill]] = {}
        self.chosen = date(2000, 1, 3)

        bar = QHBoxLayout()
        self.month_button = QToolButton(self)
        self.month_button.setText(self.tr("月"))
        self.week_button = QToolButton(self)
        self.week_button.setText(self.tr("周"))
        modes = QButtonGroup(self)
        for button, tip in ((self.month_button, self.tr("按月查看")), (self.week_button, self.tr("按周查看"))):
            button.setCheckable(True)
            button.setToolTip(tip)
            modes.addButton(button)
            bar.addWidget(button)
        self.month_button.setChecked(True)
        self.previous_button = QToolButton(self)
        self.previous_button.setText(self.tr("◀ 上一周"))
        self.this_button = QToolButton(self)
        self.this_button.setText(self.tr("本周"))
        self.next_button = QToolButton(self)
        self.next_button.setText(self.tr("下一周 ▶"))
        self.week_label = QLabel(self)
        bar.addSpacing(12)
        for widget in (self.previous_button, self.this_button, self.next_button, self.week_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.week_controls = (self.previous_button, self.this_button, self.next_button, self.week_label)

        legend = "　".join(f'<span style="color:{STATUS_COLOURS[k]}">●</span>{label}'
                          for k, label in DRILL_STATUSES.items())
        self.legend = QLabel(self.tr("状态：") + legend + self.tr("　　实心：{0}　空心：{1}").format(
            DRILL_FORMS["live"], DRILL_FORMS["tabletop"]), self)
        left = QVBoxLayout()
        left.addLayout(bar)
        left.addWidget(self.stack, 1)
        left.addWidget(self.legend)
        right = QVBoxLayout()
        right.addWidget(self.day_label)
        right.addWidget(self.day_list, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.month_button.toggled.connect(lambda on: on and self.show_month())
        self.week_button.toggled.connect(lambda on: on and self.show_week(self.chosen))
        self.previous_button.clicked.connect(lambda: self.show_week(self.week.start - timedelta(days=7)))
        self.next_button.clicked.connect(lambda: self.show_week(self.week.start + timedelta(days=7)))
        self.this_button.clicked.connect(lambda: self.show_week(self.today))
        self.calendar.currentPageChanged.connect(lambda y, m: self.sig_range_changed.emit(*self.month_range(y, m)))
        self.calendar.selectionChanged.connect(self._calendar_day)
        self.week.sig_day_chosen.connect(self.choose_day)
        self.week.sig_drill_chosen.connect(self.sig_drill_chosen)
        self.day_list.itemDoubleClicked.connect(
            lambda item: self.sig_drill_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole))))
        self.today = self.chosen
        self._show_controls()

    @property
    def in_week(self) -> bool:
        return self.stack.currentWidget() is self.week

    @staticmethod
    def month_range(year: int, month: int) -> tuple[date, date]:
        return date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)

    def shown_range(self) -> tuple[date, date]:
        """The days on screen: the calendar's month, or the week."""
        if self.in_week:
            return self.week.start, self.week.start + timedelta(days=7)
        return self.month_range(self.calendar.yearShown(), self.calendar.monthShown())

    def set_today(self, day: date) -> None:
        """The page's as_of: the week 本周 goes to and the day chosen at first."""
        self.today = day
        self.chosen = day
        self.week.start = monday_of(day)
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def show_month(self) -> None:
        self.stack.setCurrentWidget(self.calendar)
        self._show_controls()
        self.calendar.setSelectedDate(QDate(self.chosen.year, self.chosen.month, self.chosen.day))
        self.calendar.setCurrentPage(self.chosen.year, self.chosen.month)
        self.sig_range_changed.emit(*self.shown_range())

    def show_week(self, day: date) -> None:
        self.week.start = monday_of(day)
        if not self.week_button.isChecked():
            self.week_button.setChecked(True)  # back here through toggled
            return
        self.stack.setCurrentWidget(self.week)
        self.chosen = day
        self._show_controls()
        end = self.week.start + timedelta(days=6)
        iso = self.week.start.isocalendar()
        self.week_label.setText(self.tr("{0}年{1}月{2}日至{3}月{4}日（第 {5} 周）").format(
            self.week.start.year, self.week.start.month, self.week.start.day, end.month, end.day, iso.week))
        self.week.set_week(self.week.start, [])
        self.sig_range_changed.emit(*self.shown_range())

    def _show_controls(self) -> None:
        for widget in self.week_controls:
            widget.setVisible(self.in_week)

    def set_drills(self, drills: list[DayDrill]) -> None:
        """The drills of the days shown (what ``sig_range_changed`` asked for)."""
        grouped: dict[date, list[DayDrill]] = defaultdict(list)
        for d in drills:
            grouped[d.day].append(d)
        self.by_day = dict(grouped)
        if self.in_week:
            self.week.set_week(self.week.start, drills)
        else:
            self.calendar.set_drills(drills)
        self.choose_day(self.chosen)

    def _calendar_day(self) -> None:
        q = self.calendar.selectedDate()
        self.choose_day(date(q.year(), q.month(), q.day()))

    def choose_day(self, day: date) -> None:
        self.chosen = day
        drills = self.by_day.get(day, [])
        self.day_label.setText(self.tr("{0}：{1} 次演练").format(day.isoformat(), len(drills)))
        self.day_list.clear()
        for d in drills:
            item = QListWidgetItem(f"{d.time}　{DRILL_STATUSES.get(d.status, d.status)}　{d.enterprise}　{d.title}",
                                   self.day_list)
            item.setForeground(QColor(STATUS_COLOURS.get(d.status, "#000000")))
            item.setData(Qt.ItemDataRole.UserRole, d.id)

    def show_day(self) -> None:  # the month calendar's chosen day (kept for callers)
        self._calendar_day()
