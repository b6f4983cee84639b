"""评估汇总: a drill's evaluation at a glance — every evaluator's progress, and (once the viewer may
see them) each item's scores by evaluator with mean, lowest, highest and spread, the disputed items
flagged, the total and the grade, and the HSEEP rating per item; the reports are exported from here.

All figures are 得分率 (the share of the item's full points), so items with different weights and
scales compare; the total is the weighted mean normalised to 100 (``models.drills.evaluation``).
What is hidden from an evaluator whose own sheet is still open is decided by
``models.drills.scoring.overview``, not here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.drills.evaluation import ItemResult
from models.drills.scoring import Overview

DISPUTED = QColor("#FBE3E4")
SHEET_STATUSES = {"open": "评分中", "submitted": "已提交"}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _item(text: str, *, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class OverviewDialog(QDialog):
    """The evaluation overview of one drill (``set_overview`` fills it from a worker thread's read)."""

    sig_export = Signal(str)  # "evaluation" | "summary" | "score-sheet"

    def __init__(self, title: str, viewer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("评估汇总 — {0}").format(title))
        self.viewer = viewer
        self.overview: Overview | None = None
        self.resize(1120, 680)
        layout = QVBoxLayout(self)
        self.header = QLabel(self.tr("正在读取评估情况…"), self)
        self.header.setWordWrap(True)
        layout.addWidget(self.header)

        self.sheets = QTableWidget(0, 4, self)
        self.sheets.setObjectName("overviewSheets")
        self.sheets.setHorizontalHeaderLabels([self.tr("评估人"), self.tr("状态"), self.tr("已评项目"),
                                               self.tr("提交时间")])
        self.sheets.verticalHeader().hide()
        self.sheets.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sheets.setMaximumHeight(150)
        layout.addWidget(self.sheets)

        box = QGroupBox(self.tr("各评估项得分（得分率）"), self)
        inner = QVBoxLayout(box)
        self.summary = QLabel(box)
        self.summary.setObjectName("overviewSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        inner.addWidget(self.summary)
        options = QHBoxLayout()
        self.only_disputed = QCheckBox(self.tr("只看有分歧的项目"), box)
        self.hseep = QCheckBox(self.tr("HSEEP 视图（P/S/M/U）"), box)
        self.hseep.setToolTip(self.tr("按美国 HSEEP 的能力评定方式显示同一批评估项"))
        options.addWidget(self.only_disputed)
        options.addWidget(self.hseep)
        options.addStretch(1)
        inner.addLayout(options)
        self.items = QTableWidget(0, 0, box)
        self.items.setObjectName("overviewItems")
        self.items.verticalHeader().hide()
        self.items.setWordWrap(True)
        self.items.setAlternatingRowColors(False)
        self.items.horizontalHeader().sectionResized.connect(lambda *_: self.items.resizeRowsToContents())
        inner.addWidget(self.items, 1)
        layout.addWidget(box, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, text in (("evaluation", self.tr("导出评估报告…")), ("summary", self.tr("导出总结报告…")),
                           ("score-sheet", self.tr("打印空白评估表…"))):
            button = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda _=False, k=kind: self.sig_export.emit(k))
            self.export_buttons[kind] = button
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.only_disputed.toggled.connect(self._fill_items)
        self.hseep.toggled.connect(self._fill_items)

    def set_overview(self, overview: Overview | None) -> None:
        self.overview = overview
        if overview is None:
            self.header.setText(self.tr("这次演练还没有开始评估：演练实施后点“评分”开始（评估表在第一次评分时固定）。"))
            self.export_buttons["evaluation"].setEnabled(False)
            self._fill_items()
            return
        form = overview.form
        self.header.setText(self.tr("评估表：{0}（第 {1} 版，共 {2} 项）　评估人 {3} 名，已提交 {4} 名").format(
            form.label, form.version, len(form.items), len(overview.sheets), overview.submitted))
        self.sheets.setRowCount(len(overview.sheets))
        for row, s in enumerate(overview.sheets):
            when = s.submitted_at.strftime("%Y-%m-%d %H:%M") if s.submitted_at else ""
            cells = (s.evaluator, SHEET_STATUSES.get(s.status, s.status), f"{s.entered} / {len(form.items)}", when)
            for column, text in enumerate(cells):
                self.sheets.setItem(row, column, _item(text))
        self._fill_items()

    def _fill_items(self) -> None:
        overview = self.overview
        results = overview.results if overview is not None else None
        if overview is None or results is None:
            self.items.setRowCount(0)
            self.items.setColumnCount(0)
            self.only_disputed.setEnabled(False)
            self.hseep.setEnabled(False)
            if overview is not None:
                self.summary.setText(self.tr("您（{0}）的评估表尚未提交：为使各评估人独立评分，提交本人评估表后"
                                             "才能看到其他评估人的得分和汇总结果。").format(self.viewer))
            return
        self.only_disputed.setEnabled(True)
        self.hseep.setEnabled(True)
        form = overview.form
        if results.total is None:
            self.summary.setText(self.tr("还没有已提交的评估表：评估人提交后，这里按已提交的评估表汇总。"))
        else:
            self.summary.setText(self.tr(
                "按 {0} 份已提交的评估表汇总：总分 <b>{1:.1f}</b>（满分 100）　结论 <b>{2}</b>　"
                "有分歧的项目 <b>{3}</b> 项（评估人之间的极差超过 {4}）").format(
                len(results.evaluators), results.total, results.grade, len(results.disagreements),
                percent(form.spread)))
        evaluators = list(results.evaluators)
        hseep = self.hseep.isChecked()
        labels = [self.tr("阶段"), self.tr("指标"), self.tr("评估内容"), self.tr("权重"), *evaluators,
                  self.tr("平均"), self.tr("最低"), self.tr("最高"), self.tr("极差")]
        if hseep:
            labels.append(self.tr("HSEEP 评定"))
        shown: list[ItemResult] = [r for r in results.items if r.disagreement or not self.only_disputed.isChecked()]
        self.items.clear()
        self.items.clearSpans()
        self.items.setColumnCount(len(labels))
        self.items.setHorizontalHeaderLabels(labels)
        self.items.setRowCount(len(shown))
        ratings = {rating: label for rating, label, _minimum in form.hseep}
        number = Qt.AlignmentFlag.AlignRight
        for row, r in enumerate(shown):
            scores = dict(r.fractions)
            cells = [_item(r.item.phase), _item(r.item.indicator), _item(r.item.criterion),
                     _item(f"{r.item.weight:g}", align=number)]
            cells += [_item(percent(scores.get(e)) if e in scores else self.tr("不适用"), align=number)
                      for e in evaluators]
            cells += [_item(percent(v), align=number) for v in (r.mean, r.low, r.high, r.spread)]
            if hseep:
                cells.append(_item(f"{r.hseep} {ratings.get(r.hseep, '不适用' if r.hseep == 'N/A' else '')}"))
            for column, cell in enumerate(cells):
                if r.disagreement:
                    cell.setBackground(QBrush(DISPUTED))
                    cell.setToolTip(self.tr("评估人之间的极差 {0} 超过 {1}，建议评估组复核").format(
                        percent(r.spread), percent(form.spread)))
                self.items.setItem(row, column, cell)
        if not shown and self.only_disputed.isChecked():
            self.items.setRowCount(1)
            self.items.setSpan(0, 0, 1, len(labels))
            self.items.setItem(0, 0, _item(self.tr("没有评估人之间极差超过 {0} 的项目。").format(percent(form.spread))))
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((80, 120)):
            self.items.setColumnWidth(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in range(3, len(labels)):
            self.items.setColumnWidth(column, 64 if column < len(labels) - (1 if hseep else 0) else 120)
        self.items.resizeRowsToContents()
