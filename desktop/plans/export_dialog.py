"""导出预案文档 and 批量归档: the choices before an export, with the pre-print check.

``ExportDialog`` shows the pre-print check of one plan (missing cover data, unwritten required
sections, missing approval, expired items in live annexes) and lets the user choose the format and
house style; with findings exporting is still possible (仍然导出), and an unpublished plan is
watermarked anyway (导出草稿). ``ArchiveDialog`` chooses the plans of a batch archive
(enterprise, department, kind, status, publish-date range), the output folder or .zip, Word copies
and the style.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.enterprises.choices import EnterpriseChoice
from desktop.kit.dates import DateField
from desktop.kit.pickers import EnterprisePicker, fill_combo
from desktop.plans.dialog import kind_items, status_items
from plans.completeness import Severity
from plans.plans.preprint import PreprintReport

ERROR_COLOUR = QColor("#9B1C2C")
WARNING_COLOUR = QColor("#7A4B00")


def style_combo(parent: QWidget, styles: list[tuple[str, str]], current: str) -> QComboBox:
    combo = QComboBox(parent)
    fill_combo(combo, styles)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


@dataclass(frozen=True)
class ExportChoice:
    formats: tuple[str, ...]  # "pdf", "docx"
    style: str


class ExportDialog(QDialog):
    """Format, house style and the pre-print check of one plan."""

    def __init__(self, title: str, report: PreprintReport, styles: list[tuple[str, str]], style: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导出预案文档 — {0}").format(title))
        self.report = report
        self.summary = QLabel(report.summary(), self)
        self.summary.setWordWrap(True)
        self.findings = QListWidget(self)
        self.findings.setObjectName("preprintFindings")
        self.findings.setWordWrap(True)  # a finding is a sentence: wrapped, never cut at the right edge
        self.findings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.findings.setResizeMode(QListWidget.ResizeMode.Adjust)
        for finding in report.findings:
            item = QListWidgetItem(f"【{finding.severity.label}】{finding.message}", self.findings)
            item.setForeground(QBrush(ERROR_COLOUR if finding.severity is Severity.ERROR else WARNING_COLOUR))
            item.setToolTip(finding.message)
        self.findings.setVisible(bool(report.findings))
        self.pdf = QRadioButton(self.tr("PDF（归档、打印）"), self)
        self.docx = QRadioButton(self.tr("Word（.docx，可再编辑）"), self)
        self.both = QRadioButton(self.tr("PDF 和 Word"), self)
        self.pdf.setChecked(True)
        self.style = style_combo(self, styles, style)
        form = QFormLayout()
        formats = QHBoxLayout()
        for button in (self.pdf, self.docx, self.both):
            formats.addWidget(button)
        formats.addStretch(1)
        form.addRow(self.tr("格式"), formats)
        form.addRow(self.tr("版式"), self.style)
        buttons = QDialogButtonBox(self)
        if report.draft:
            label = self.tr("导出草稿…")
        else:
            label = self.tr("仍然导出…") if report.findings else self.tr("导出…")
        self.export_button = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        cancel = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.clicked.connect(self.reject)
        self.export_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.findings, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(640, 420 if report.findings else 200)

    def choice(self) -> ExportChoice:
        formats = ("pdf",) if self.pdf.isChecked() else ("docx",) if self.docx.isChecked() else ("pdf", "docx")
        return ExportChoice(formats, str(self.style.currentData()))


@dataclass(frozen=True)
class ArchiveRequest:
    out: Path  # a folder, or a .zip file
    enterprise_id: int | None
    department: str | None
    kind: str | None
    status: str | None
    published_from: date | None
    published_to: date | None
    docx: bool
    style: str

    @property
    def is_zip(self) -> bool:
        return self.out.suffix.lower() == ".zip"


class ArchiveDialog(QDialog):
    """Which plans to archive, and where."""

    def __init__(self, enterprises: list[EnterpriseChoice], departments: list[tuple[str, str]],
                 styles: list[tuple[str, str]], style: str, folder: str, *, enterprise_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("批量归档"))
        self.enterprise: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("（全部企业）"), self)
        self.enterprise.set_choices(enterprises)
        self.enterprise.set_enterprise_id(enterprise_id)
        self.department = QComboBox(self)
        fill_combo(self.department, [(self.tr("（全部监管部门）"), None), *departments])
        self.kind = QComboBox(self)
        fill_combo(self.kind, [(self.tr("（全部类型）"), None), *kind_items()])
        self.status = QComboBox(self)
        fill_combo(self.status, [(self.tr("（全部状态）"), None), *status_items()])
        self.published_from = DateField(self)
        self.published_to = DateField(self)
        self.out = QLineEdit(folder, self)
        self.out.setPlaceholderText(self.tr("文件夹，或以 .zip 结尾的压缩包"))
        browse = QPushButton(self.tr("选择文件夹…"), self)
        browse.clicked.connect(self.browse)
        browse_zip = QPushButton(self.tr("存为 .zip…"), self)
        browse_zip.clicked.connect(self.browse_zip)
        self.docx = QCheckBox(self.tr("同时导出 Word 文档"), self)
        self.style = style_combo(self, styles, style)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #9B1C2C;")
        self.error.hide()

        selection = QGroupBox(self.tr("选择预案"), self)
        form = QFormLayout(selection)
        form.addRow(self.tr("企业"), self.enterprise)
        form.addRow(self.tr("监管部门"), self.department)
        form.addRow(self.tr("预案类型"), self.kind)
        form.addRow(self.tr("状态"), self.status)
        dates = QHBoxLayout()
        dates.addWidget(self.published_from)
        dates.addWidget(QLabel(self.tr("至"), self))
        dates.addWidget(self.published_to)
        form.addRow(self.tr("发布日期"), dates)
        output = QGroupBox(self.tr("输出"), self)
        out_form = QFormLayout(output)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        row.addWidget(browse_zip)
        out_form.addRow(self.tr("保存到"), row)
        out_form.addRow(self.tr("版式"), self.style)
        out_form.addRow("", self.docx)
        note = QLabel(self.tr("每个企业一个文件夹，文件按“预案编号_版本号”命名，另附 manifest.csv 与 manifest.json"
                              "（含 SHA-256）。再次归档时内容未变的文件会跳过。"), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #5A6570;")
        buttons = QDialogButtonBox(self)
        self.start_button = buttons.addButton(self.tr("开始归档"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.start_button.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(selection)
        layout.addWidget(output)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("选择归档文件夹"), self.out.text())
        if chosen:
            self.out.setText(chosen)

    def browse_zip(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("归档为 .zip"), self.out.text(),
                                                self.tr("ZIP 压缩包 (*.zip)"))
        if chosen:
            self.out.setText(chosen if chosen.lower().endswith(".zip") else chosen + ".zip")

    def request(self) -> ArchiveRequest | None:
        """The choices, or None with the reason shown (the dialog keeps everything entered)."""
        text = self.out.text().strip()
        start, end = self.published_from.value(), self.published_to.value()
        problem = ""
        if not text:
            problem = self.tr("请选择保存归档的文件夹或 .zip 文件。")
        elif start and end and end < start:
            problem = self.tr("发布日期的结束日期早于开始日期。")
        elif text.lower().endswith(".zip") and not Path(text).parent.is_dir():
            problem = self.tr("保存 .zip 的文件夹不存在：{0}").format(Path(text).parent)
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        if problem:
            return None
        return ArchiveRequest(Path(text), self.enterprise.enterprise_id(), self.department.currentData(),
                              self.kind.currentData(), self.status.currentData(), start, end,
                              self.docx.isChecked(), str(self.style.currentData()))

    def submit(self) -> bool:
        if self.request() is None:
            return False
        self.accept()
        return True
