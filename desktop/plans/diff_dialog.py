"""版本与对比: a plan's revision history, and two versions side by side.

``VersionsDialog`` lists the published versions (版次, 版本号, 发布日期, 修订原因, 修订说明, 发布人);
two selected versions, one version and its predecessor, or the working draft and the latest
version open a ``DiffDialog``.

``DiffDialog`` shows ``plans.diff.diff(old, new)`` as one two-column table in a QTextBrowser, so
the old and new text of each block stay on the same row: sections added (green), removed (red,
struck through), moved and renamed (noted in the section's heading), and inside changed blocks
the deleted characters highlighted on the left and the inserted ones on the right. A list of the
changed sections beside it jumps to each; the summary line on top is ``DocumentDiff.summary()``.
Every piece of text is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.kit import messages
from desktop.kit.empty import EmptyState
from desktop.kit.windows import fit_to_screen
from models.core.database import Database
from models.core.errors import DeskError
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.entities import PLAN_STATUSES, Plan
from models.plans.queries import VersionInfo
from models.plans.rules import revision_trigger_label
from plans.diff import BlockDiff, DocumentDiff, SectionDiff, Segment, diff
from plans.document import Document

INSERT_STYLE = "background-color:#CDEFD2; color:#0B5E1F;"
DELETE_STYLE = "background-color:#F8D3D3; color:#8B1A1A; text-decoration:line-through;"
ADDED_CELL = "#EEF9F0"
REMOVED_CELL = "#FDF0F0"
HEADING_CELL = "#EEF2F6"
EMPTY_CELL = "#F7F7F7"
MUTED = "#7A8590"
# Metadata that the section table already shows, or that is bookkeeping rather than content.
_META_SKIP = {"title", "template_key", "template_version", "template_source", "layout"}


def reason_label(code: str | None) -> str:
    if not code:
        return "首次发布"
    try:
        return revision_trigger_label(code)
    except KeyError:
        return code


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br/>")


def segments_html(segments: Iterable[Segment]) -> str:
    parts = []
    for seg in segments:
        if seg.op == "equal":
            parts.append(_text(seg.text))
        elif seg.op == "insert":
            parts.append(f'<span style="{INSERT_STYLE}">{_text(seg.text)}</span>')
        else:
            parts.append(f'<span style="{DELETE_STYLE}">{_text(seg.text)}</span>')
    return "".join(parts)


def section_badges(section: SectionDiff) -> list[str]:
    badges = []
    if section.added:
        badges.append("新增")
    if section.removed:
        badges.append("删除")
    if section.moved and section.old is not None and section.new is not None:
        badges.append(f"移动：{section.old.number or '（无编号）'} → {section.new.number or '（无编号）'}")
    if section.renamed and section.old is not None:
        badges.append(f"改名，原名“{section.old.title}”")
    if section.text_changed and not section.added and not section.removed:
        badges.append("内容修改")
    return badges


def diff_html(result: DocumentDiff, *, old_title: str, new_title: str, only_changed: bool = True) -> str:
    """The side-by-side table as Qt rich text."""
    rows = [
        '<table width="100%" cellspacing="0" cellpadding="6" border="1" '
        'style="border-collapse:collapse; border-color:#D0D7DE;">',
        f'<tr><th width="50%" bgcolor="{HEADING_CELL}" align="left">{_text(old_title)}</th>'
        f'<th width="50%" bgcolor="{HEADING_CELL}" align="left">{_text(new_title)}</th></tr>',
    ]
    if result.title_changed:
        rows.append(_pair("预案名称", [s for s in result.title_segments if s.op != "insert"],
                          [s for s in result.title_segments if s.op != "delete"]))
    meta = {k: v for k, v in result.meta_changes.items()
            if k not in _META_SKIP and v[0] is not None and v[1] is not None}
    for key, (old, new) in meta.items():
        label = Plan.__field_labels__.get(key, key)
        rows.append(f"<tr><td>{_text(label)}：{_meta_value(old, DELETE_STYLE)}</td>"
                    f"<td>{_text(label)}：{_meta_value(new, INSERT_STYLE)}</td></tr>")
    shown = 0
    for section in result.sections:
        if only_changed and not section.changed:
            continue
        shown += 1
        rows.append(_section_heading(section))
        blocks = section.blocks
        if not blocks and (section.added or section.removed):
            rows.append(_block_row(BlockDiff("insert" if section.added else "delete", None, None,
                                             (Segment("equal", "（本节无正文）"),))))
        for block in blocks:
            rows.append(_block_row(block))
    if shown == 0:
        rows.append(f'<tr><td colspan="2" align="center" style="color:{MUTED};">'
                    f'{_text("没有改动的章节" if only_changed else "两个版本都没有章节")}</td></tr>')
    rows.append("</table>")
    return "".join(rows)


def _meta_value(value: str | None, style: str) -> str:
    if not value:
        return f'<span style="color:{MUTED};">（空）</span>'
    return f'<span style="{style}">{_text(value)}</span>'


def _pair(label: str, left: list[Segment], right: list[Segment]) -> str:
    return (f"<tr><td><b>{_text(label)}</b>：{segments_html(left)}</td>"
            f"<td><b>{_text(label)}</b>：{segments_html(right)}</td></tr>")


def _section_heading(section: SectionDiff) -> str:
    badges = section_badges(section)
    note = (f' <span style="color:#9A5B00;">〔{_text("；".join(badges))}〕</span>' if badges else "")
    anchor = f'<a name="s-{html.escape(section.key, quote=True)}"></a>'
    left = right = ""
    if section.old is not None:
        title = [s for s in section.title_segments if s.op != "insert"]
        left = f"<b>{_text(section.old.number)} {segments_html(title)}</b>"
    if section.new is not None:
        title = [s for s in section.title_segments if s.op != "delete"]
        right = f"<b>{_text(section.new.number)} {segments_html(title)}</b>"
    left_bg = EMPTY_CELL if section.old is None else (REMOVED_CELL if section.removed else HEADING_CELL)
    right_bg = EMPTY_CELL if section.new is None else (ADDED_CELL if section.added else HEADING_CELL)
    return (f'<tr><td bgcolor="{left_bg}">{anchor}{left}{note if section.new is None else ""}</td>'
            f'<td bgcolor="{right_bg}">{right}{note if section.new is not None else ""}</td></tr>')


def _block_row(block: BlockDiff) -> str:
    if block.op == "equal":
        text = f'<span style="color:#3C4650;">{_text(block.old_text or "")}</span>'
        return f"<tr><td>{text}</td><td>{text}</td></tr>"
    if block.op == "insert":
        return (f'<tr><td bgcolor="{EMPTY_CELL}"></td>'
                f'<td bgcolor="{ADDED_CELL}">{segments_html(block.right_segments)}</td></tr>')
    if block.op == "delete":
        return (f'<tr><td bgcolor="{REMOVED_CELL}">{segments_html(block.left_segments)}</td>'
                f'<td bgcolor="{EMPTY_CELL}"></td></tr>')
    return (f"<tr><td>{segments_html(block.left_segments)}</td>"
            f"<td>{segments_html(block.right_segments)}</td></tr>")


class DiffDialog(QDialog):
    """Two documents side by side; ``old_title`` / ``new_title`` name the columns."""

    def __init__(self, old: Document, new: Document, *, old_title: str, new_title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("版本对比 — {0}").format(new.title or old.title))
        self.setObjectName("DiffDialog")
        self.setSizeGripEnabled(True)
        self.result = diff(old, new)
        self.old_title, self.new_title = old_title, new_title
        layout = QVBoxLayout(self)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("diffSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.summary_label.setText(self.tr("{0} → {1}：{2}").format(old_title, new_title, self.result.summary()))
        layout.addWidget(self.summary_label)
        legend = QLabel(self)
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setText(self.tr('图例：<span style="{0}">删除的文字</span>　<span style="{1}">新增的文字</span>'
                               "　〔移动、改名等说明〕").format(DELETE_STYLE, INSERT_STYLE))
        self.only_changed = QCheckBox(self.tr("只显示有改动的章节"), self)
        self.only_changed.setChecked(True)
        self.only_changed.toggled.connect(self._render)
        top = QHBoxLayout()
        top.addWidget(legend, 1)
        top.addWidget(self.only_changed)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.section_list = QListWidget(splitter)
        self.section_list.setObjectName("changedSections")
        self.section_list.itemActivated.connect(self._jump)
        self.section_list.itemClicked.connect(self._jump)
        self.browser = QTextBrowser(splitter)
        self.browser.setOpenLinks(False)
        splitter.addWidget(self.section_list)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 900])
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(self)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_list()
        self._render()
        fit_to_screen(self, QSize(1180, 760))

    def _fill_list(self) -> None:
        self.section_list.clear()
        for section in self.result.changed:
            place = section.new or section.old
            assert place is not None
            badges = section_badges(section)
            item = QListWidgetItem(f"{place.number} {place.title}".strip(), self.section_list)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setToolTip("；".join(badges))
            if section.added:
                item.setForeground(Qt.GlobalColor.darkGreen)
            elif section.removed:
                item.setForeground(Qt.GlobalColor.darkRed)
        if not self.result.changed:
            QListWidgetItem(self.tr("（没有改动的章节）"), self.section_list).setFlags(Qt.ItemFlag.NoItemFlags)

    def html(self) -> str:
        return diff_html(self.result, old_title=self.old_title, new_title=self.new_title,
                         only_changed=self.only_changed.isChecked())

    def _render(self) -> None:
        self.browser.setHtml(self.html())

    def _jump(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(key, str):
            self.browser.scrollToAnchor(f"s-{key}")


def version_title(info: VersionInfo) -> str:
    return f"第 {info.number} 版（{info.version_label}，{info.publish_date.isoformat()} 发布）"


def versions_diff(db: Database, old: VersionInfo, new: VersionInfo, parent: QWidget | None = None) -> DiffDialog:
    from plans.plans import store

    if new.number < old.number:
        old, new = new, old
    with db.read() as session:
        old_doc = store.version_document(session, old.id)
        new_doc = store.version_document(session, new.id)
    return DiffDialog(old_doc, new_doc, old_title=version_title(old), new_title=version_title(new), parent=parent)


def draft_diff(db: Database, plan_id: int, parent: QWidget | None = None) -> DiffDialog | None:
    """The working draft against the latest published version (None when nothing was published)."""
    from plans.plans import store

    with db.read() as session:
        history = pq.versions(session, plan_id)
        if not history:
            return None
        latest = history[-1]
        old_doc = store.version_document(session, latest.id)
        new_doc, _version = store.load_document(session, plan_id)
    return DiffDialog(old_doc, new_doc, old_title=version_title(latest), new_title="当前草稿", parent=parent)


class VersionsDialog(QDialog):
    """The revision history of one plan, and comparisons between its versions."""

    sig_diff_opened = Signal(object)
    """A comparison was opened; the argument is the ``DiffDialog``."""

    COLUMNS = 6

    def __init__(self, db: Database, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.plan_id = plan_id
        self.diff_dialog: DiffDialog | None = None
        with db.read() as session:
            data, _version, self.status, _ent = ps.load(session, plan_id)
            self.versions = pq.versions(session, plan_id)
        self.setWindowTitle(self.tr("版本与修订记录 — {0}").format(data.title))
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        text = self.tr("{0} {1}，当前状态：{2}，共 {3} 个已发布版本。").format(
            data.plan_no, data.title, PLAN_STATUSES[self.status], len(self.versions))
        if len(self.versions) >= 2:  # (with fewer there is nothing to pick)
            text += self.tr("选择两个版本后点“对比所选版本”。")
        head = QLabel(text, self)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.table = QTableWidget(len(self.versions), self.COLUMNS, self)
        self.table.setHorizontalHeaderLabels([self.tr("版次"), self.tr("版本号"), self.tr("发布日期"),
                                              self.tr("修订原因"), self.tr("修订说明"), self.tr("发布人")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        for row, info in enumerate(self.versions):
            values = (str(info.number), info.version_label, info.publish_date.isoformat(),
                      reason_label(info.reason), info.reason_text, info.published_by)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        for column, width in enumerate((50, 70, 96, 280, 240, 90)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.empty_state = EmptyState(self.table, lambda: (
            self.tr("还没有发布过的版本"),
            self.tr("预案每发布一次就记录一个版本（含修订原因），可以选择两个版本对比。")))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.compare_selected())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.compare_button = QPushButton(self.tr("对比所选版本"), self)
        self.compare_button.clicked.connect(self.compare_selected)
        self.draft_button = QPushButton(self.tr("当前草稿与最新版本对比"), self)
        self.draft_button.clicked.connect(self.compare_draft)
        self.draft_button.setEnabled(bool(self.versions) and self.status in ps.EDITABLE_STATUSES)
        self.draft_button.setToolTip(self.tr("修订中的草稿与最近发布的版本相比改了什么"))
        row.addWidget(self.compare_button)
        row.addWidget(self.draft_button)
        row.addStretch(1)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self._update_buttons()
        fit_to_screen(self, QSize(900, 420))

    def selected_versions(self) -> list[VersionInfo]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.versions[r] for r in rows]

    def select_versions(self, *numbers: int) -> None:
        self.table.clearSelection()
        for row, info in enumerate(self.versions):
            if info.number in numbers:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        chosen = self.selected_versions()
        self.compare_button.setEnabled(len(chosen) == 2 or (len(chosen) == 1 and chosen[0].number > 1))
        self.compare_button.setText(self.tr("与上一版对比") if len(chosen) == 1 else self.tr("对比所选版本"))

    def compare_selected(self) -> DiffDialog | None:
        chosen = self.selected_versions()
        if len(chosen) == 1:
            previous = [v for v in self.versions if v.number < chosen[0].number]
            if not previous:
                return None
            chosen = [previous[-1], chosen[0]]
        if len(chosen) != 2:
            messages.info(self, self.tr("版本对比"), self.tr("请选择两个版本（或一个版本与它的上一版对比）。"))
            return None
        try:
            dialog = versions_diff(self._db, chosen[0], chosen[1], self)
        except DeskError as exc:
            messages.warn(self, self.tr("无法对比"), str(exc))
            return None
        return self._show(dialog)

    def compare_draft(self) -> DiffDialog | None:
        try:
            dialog = draft_diff(self._db, self.plan_id, self)
        except DeskError as exc:
            messages.warn(self, self.tr("无法对比"), str(exc))
            return None
        if dialog is None:
            messages.info(self, self.tr("版本对比"), self.tr("此预案还没有发布过版本。"))
            return None
        return self._show(dialog)

    def _show(self, dialog: DiffDialog) -> DiffDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.diff_dialog = dialog
        dialog.finished.connect(self._on_diff_closed)
        dialog.open()
        self.sig_diff_opened.emit(dialog)
        return dialog

    def _on_diff_closed(self) -> None:
        self.diff_dialog = None
