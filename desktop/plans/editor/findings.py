"""The completeness panel of the plan editor: what ``plans.completeness.check`` still finds missing."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QStyle, QVBoxLayout, QWidget

from desktop.kit.empty import EmptyState
from plans.completeness import Finding, Severity

FINDING_ROLE = Qt.ItemDataRole.UserRole


def severity_icon(widget: QWidget, severity: Severity) -> QIcon:
    pixmap = (QStyle.StandardPixmap.SP_MessageBoxCritical if severity is Severity.ERROR
              else QStyle.StandardPixmap.SP_MessageBoxWarning)
    return widget.style().standardIcon(pixmap)


class FindingsPanel(QWidget):
    """A summary line over the list of findings; double-click (or Enter) on one to go there."""

    sig_activated = Signal(object)
    """The user chose a finding (double-click or Enter); the argument is the ``Finding``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.summary = QLabel(self)
        self.summary.setObjectName("findingsSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.list = QListWidget(self)
        self.list.setObjectName("findingsList")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setIconSize(QSize(16, 16))
        self.list.setToolTip(self.tr("双击一项即可跳到相应章节"))
        self.list.itemActivated.connect(self._on_activated)
        self.empty_state = EmptyState(self.list, lambda: (
            self.tr("没有需要处理的缺漏"), self.tr("编辑后会自动重新检查；导出和打印前还会再检查一次。")))
        layout.addWidget(self.list, 1)

    def show_findings(self, findings: list[Finding]) -> None:
        """Replace the list (the selected finding stays selected when it is still there)."""
        current = self.list.currentItem()
        keep = current.data(FINDING_ROLE) if current is not None else None
        self.findings = list(findings)
        self.list.clear()
        for finding in findings:
            item = QListWidgetItem(severity_icon(self, finding.severity), finding.message)
            item.setData(FINDING_ROLE, finding)
            item.setToolTip(f"{finding.severity.label}：{finding.message}")
            self.list.addItem(item)
            if finding == keep:
                self.list.setCurrentItem(item)
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        warnings = len(findings) - errors
        if not findings:
            self.summary.setText(self.tr("✓ 完整性检查未发现缺漏。"))
            self.summary.setStyleSheet("color: #2E7D32;")
        else:
            self.summary.setText(self.tr("完整性检查：{0} 项必须处理，{1} 项建议处理。双击一项可跳到相应位置。")
                                 .format(errors, warnings))
            self.summary.setStyleSheet("color: #9B1C2C;" if errors else "color: #B35C00;")

    def messages(self) -> list[str]:
        return [f.message for f in self.findings]

    def activate(self, row: int) -> None:
        """Act as if the finding in ``row`` was double-clicked."""
        item = self.list.item(row)
        if item is not None:
            self.list.setCurrentItem(item)
            self._on_activated(item)

    def _on_activated(self, item: QListWidgetItem) -> None:
        finding = item.data(FINDING_ROLE)
        if isinstance(finding, Finding):
            self.sig_activated.emit(finding)
