"""The one chart widget of the window: grouped or stacked bars over categories, with a title, a
legend, value labels and the counts as a tooltip, painted with ``QPainter`` (no chart library, so
one could replace it behind ``BarChart.set_data`` without touching a page). Pages hand it plain data
(``ChartData``) read on a worker thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

PALETTE = ("#1F4E79", "#C0152F", "#B35C00", "#2E7D32", "#6A3D9A", "#7F7F7F")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    colour: str = ""


@dataclass(frozen=True)
class ChartData:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...] = ()
    stacked: bool = False
    unit: str = ""  # after each value in the tooltip (项, 次, 批)
    note: str = field(default="")  # a line under the title (what is counted)

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.values)


class BarChart(QWidget):
    """Bars per category (side by side, or stacked), the y axis from 0 to a round maximum."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = ChartData("", ())
        self._bars: list[tuple[QRectF, str]] = []  # where each bar was drawn and its tooltip
        self.setMinimumSize(260, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def set_data(self, data: ChartData) -> None:
        self.data = data
        self.setToolTip("" if not data.empty else self.tr("暂无数据"))
        self.update()

    @staticmethod
    def nice_step(value: float) -> float:
        """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
        if value <= 0:
            return 1.0
        step = 1.0
        while step > value:
            step /= 10
        while step * 10 <= value:
            step *= 10
        for m in (1, 2, 5, 10):
            if m * step >= value:
                return float(m * step)
        return 10 * step

    @classmethod
    def axis(cls, peak: float, *, whole: bool = True) -> tuple[float, int]:
        """The axis top and its number of grid steps (1–5) for values up to ``peak``: round steps, whole
        numbers when the values are counts (``whole``), the top no higher than it needs to be."""
        step = cls.nice_step(peak / 5 if peak > 0 else 1.0)
        if whole:
            step = max(1.0, step)
        steps = max(1, int(-(-peak // step))) if peak > 0 else 1
        return step * steps, steps

    @staticmethod
    def nice_max(value: float) -> float:
        """The axis top for ``value`` (whole-number steps)."""
        return BarChart.axis(value)[0]

    def _colour(self, n: int, series: Series) -> QColor:
        return QColor(series.colour or PALETTE[n % len(PALETTE)])

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        line = fm.height()
        rect = QRectF(self.rect()).adjusted(8, 6, -8, -6)
        title_font = self.font()
        title_font.setBold(True)
        p.setFont(title_font)
        p.drawText(QRectF(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft, self.data.title)
        p.setFont(self.font())
        top = rect.top() + line + 2
        if self.data.note:
            p.setPen(QColor("#666666"))
            p.drawText(QRectF(rect.left(), top, rect.width(), line), Qt.AlignmentFlag.AlignLeft, self.data.note)
            top += line
        # the legend on one line
        x = rect.left()
        for n, s in enumerate(self.data.series):
            p.fillRect(QRectF(x, top + line / 4, line / 2, line / 2), self._colour(n, s))
            p.setPen(QColor("#333333"))
            p.drawText(QPointF(x + line * 0.7, top + fm.ascent()), s.name)
            x += line * 0.7 + fm.horizontalAdvance(s.name) + line
        top += line + 4
        self._bars = []
        data = self.data
        if data.empty:
            p.setPen(QColor("#888888"))
            p.drawText(QRectF(rect.left(), top, rect.width(), rect.bottom() - top), Qt.AlignmentFlag.AlignCenter,
                       self.tr("暂无数据"))
            p.end()
            return
        count = len(data.categories)
        if data.stacked:
            peak = max(sum(s.values[i] for s in data.series if i < len(s.values)) for i in range(count))
        else:
            peak = max(v for s in data.series for v in s.values)
        whole = all(float(v).is_integer() for s in data.series for v in s.values)
        axis_top, steps = self.axis(peak, whole=whole)
        ticks = [f"{axis_top * k / steps:g}" for k in range(steps + 1)]
        label_w = max(fm.horizontalAdvance(t) for t in ticks) + 8
        top += line  # room for the tallest bar's value
        plot = QRectF(rect.left() + label_w, top, rect.width() - label_w, rect.bottom() - top - line - 4)
        labelled = max(1, -int(-(line * 1.15) // max(plot.height() / steps, 1.0)))  # tick labels that do not touch
        for k, tick in enumerate(ticks):
            y = plot.bottom() - plot.height() * k / steps
            p.setPen(QPen(QColor("#DDDDDD"), 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            if k % labelled:
                continue
            p.setPen(QColor("#666666"))
            p.drawText(QRectF(rect.left(), y - line / 2, label_w - 4, line),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, tick)
        slot = plot.width() / count
        groups = 1 if data.stacked else max(1, len(data.series))
        bar_w = max(2.0, slot * 0.7 / groups)
        widest = max(fm.horizontalAdvance(c) for c in data.categories) + 4
        # Every category labelled when its label fits its slot, or when two characters do (the rest elided:
        # the tooltip names it); else every n-th one.
        elide = widest > slot and slot >= fm.horizontalAdvance("中中…") + 4
        every = 1 if elide else max(1, -int(-widest // max(slot, 1.0)))
        for i, category in enumerate(data.categories):
            x0 = plot.left() + slot * i + (slot - bar_w * groups) / 2
            base = plot.bottom()
            for n, s in enumerate(data.series):
                value = s.values[i] if i < len(s.values) else 0
                h = plot.height() * value / axis_top
                if data.stacked:
                    bar = QRectF(x0, base - h, bar_w, h)
                    base -= h
                else:
                    bar = QRectF(x0 + bar_w * n, plot.bottom() - h, bar_w, h)
                if h > 0:
                    p.fillRect(bar, self._colour(n, s))
                self._bars.append((QRectF(bar.left(), plot.top(), bar.width(), plot.height()),
                                   f"{category} {s.name}：{value:g}{data.unit}"))
                if not data.stacked and value:
                    self._value_label(p, fm, bar, value)
            if data.stacked:
                total = sum(s.values[i] for s in data.series if i < len(s.values))
                if total:
                    self._value_label(p, fm, QRectF(x0, base, bar_w, plot.bottom() - base), total)
            if i % every == 0:
                p.setPen(QColor("#333333"))
                shown = fm.elidedText(category, Qt.TextElideMode.ElideRight, int(slot) - 2) if elide else category
                p.drawText(QRectF(plot.left() + slot * i - slot, plot.bottom() + 2, slot * 3, line),
                           Qt.AlignmentFlag.AlignHCenter, shown)
        p.end()

    @staticmethod
    def _value_label(p: QPainter, fm: QFontMetrics, bar: QRectF, value: float) -> None:
        """The value over a bar, when it fits its width."""
        text = f"{value:g}"
        width = fm.horizontalAdvance(text)
        if width > bar.width() + 6 or bar.top() - fm.height() < 0:
            return
        p.setPen(QColor("#333333"))
        p.drawText(QRectF(bar.center().x() - width, bar.top() - fm.height(), width * 2, fm.height()),
                   Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            hit = next((tip for bar, tip in self._bars if bar.contains(QPointF(event.pos()))), "")
            if hit:
                QToolTip.showText(event.globalPos(), hit, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]

    def bar_tips(self) -> Sequence[str]:
        """What each drawn bar's tooltip says (tests, accessibility)."""
        return [tip for _bar, tip in self._bars]
