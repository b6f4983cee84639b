"""编辑预案内容: the plan content editor (P2, P3).

The editor loads the plan's document and the plan version it was read at, edits that copy, and
saves it with ``plans.plans.store.save_document(…, expected_version)`` through the write flow
(``desktop.kit.writes.WriteOp``, on the writer thread; the editor stays responsive and editable
while it saves, and 保存 is disabled until the save has ended). A stale save is refused with
``ConflictError``: the user's document stays in the window (and in the draft file), and the
conflict dialog offers 重新载入 (after confirming) or 比较 (the stored document against the user's,
``desktop.plans.diff_dialog.DiffDialog``), after which the user may keep the document and save it
again on the stored version.

Left, the section tree with its numbered headings; every tree operation (add, add below, rename,
delete, move up/down, indent, outdent) is one of the pure functions of ``plans.document`` applied
to the current ``Document``, so the numbering is recomputed by ``numbered`` after each, and undo
(Ctrl+Z / Ctrl+Y) is a stack of earlier documents. Right, the blocks of the selected section
(``desktop.plans.editor.blocks``); typing is written into the document with ``set_blocks`` after a short
pause and before every other operation. Below, the completeness check
(``plans.completeness.check``), refreshed after edits; double-clicking a finding jumps to its
section or says which cover field is missing.

Nothing is lost silently: closing with changes asks 保存 / 不保存 / 取消; every few seconds a
dirty document is written as a draft file (``desktop.plans.editor.drafts``) that is offered back when
the plan is opened next; a plan that is not a draft or under revision opens read-only with a
banner saying why and what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.kit import messages
from desktop.kit.conflicts import Choice, ConflictDialog
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import Outcome, WriteOp
from desktop.plans.editor import drafts
from desktop.plans.editor.blocks import BlockListEditor, small_button
from desktop.plans.editor.findings import FindingsPanel, severity_icon
from desktop.plans.editor.section_tree import SectionTree
from models.core.database import Database
from models.core.errors import ConflictError, DeskError, StateError
from models.core.uow import Actor, UnitOfWork, os_actor
from models.plans import service as ps
from models.plans.entities import PLAN_STATUSES
from models.plans.service import PlanData
from plans.completeness import Finding, Severity, check
from plans.document import (
    Block,
    BulletList,
    Cell,
    Direction,
    Document,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    Section,
    Table,
    add_section,
    can_move,
    find_section,
    heading,
    indent,
    iter_sections,
    move_down,
    move_up,
    new_key,
    numbers,
    outdent,
    remove_section,
    rename_section,
    set_blocks,
)
from plans.plans import store
from plans.plans.template_store import template_for
from plans.template import Template

log = logging.getLogger(__name__)

DRAFT_INTERVAL_MS = 5000
COMMIT_DELAY_MS = 400
FINDINGS_DELAY_MS = 250
UNDO_LIMIT = 200
MAX_IMAGE_BYTES = 20 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
BLOCK_KINDS = ("paragraph", "bullet_list", "numbered_list", "table", "image", "page_break")
BANNER_STYLE = ("QLabel#editorBanner { background: #FFF4E5; color: #7A4100; border: 1px solid #F0C58A;"
                " border-radius: 3px; padding: 6px 8px; }")


def image_mime(data: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` from the file's first bytes (None for anything else)."""
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    return None


def new_block(kind: str) -> Block:
    """An empty block of ``kind`` (one of ``BLOCK_KINDS`` except "image")."""
    if kind == "paragraph":
        return Paragraph("")
    if kind == "bullet_list":
        return BulletList([])
    if kind == "numbered_list":
        return NumberedList([])
    if kind == "table":
        return Table([[Cell() for _ in range(3)] for _ in range(2)], header_rows=1)
    if kind == "page_break":
        return PageBreak()
    raise ValueError(f"unknown block kind: {kind}")


class PlanEditor(QDialog):
    """Edit the content (section tree and blocks) of one plan.

    Raises ``DeskError`` (e.g. ``NotFoundError``, ``DocumentFormatError``) from the constructor
    when the plan cannot be loaded; the caller shows it. The editor is not modal by itself and
    does not close after saving; open it with ``show()``/``open()`` and keep a reference (or set
    ``Qt.WA_DeleteOnClose``).
    """

    sig_saved = Signal(int)
    """The plan's content was saved; the argument is the plan id."""

    sig_draft_saved = Signal(str)
    """A draft of the unsaved changes was written; the argument is the draft file's path."""

    def __init__(self, db: Database, plan_id: int, *, runner: TaskRunner, actor: Actor | None = None,
                 section_key: str | None = None, parent: QWidget | None = None,
                 draft_interval_ms: int = DRAFT_INTERVAL_MS, highlight: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._plan_id = plan_id
        self._actor = actor or os_actor()
        self.write_op: WriteOp[object] | None = None
        """The last save (or image upload) through the write flow."""
        self.conflict_dialog: ConflictDialog | None = None
        self.compare_dialog: QDialog | None = None
        self._document = Document("")
        self._saved_document = self._document
        self._version = 0
        self._status = ""
        self._plan_data = PlanData()
        self._template: Template | None = None
        self._read_only = False
        self._undo: list[tuple[Document, str | None]] = []
        self._redo: list[tuple[Document, str | None]] = []
        self._pending = False
        self._shown_key: str | None = None
        self._drafted: Document | None = None
        self._pixmaps: dict[str, QPixmap | None] = {}
        self._image_dir = ""
        self._scrolled = False
        self.highlight_words = [w for w in highlight if w]
        """Words marked in the text of every section shown (the terms of the search it was opened from)."""
        self.setObjectName("PlanEditor")
        self.setSizeGripEnabled(True)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(COMMIT_DELAY_MS)
        self._edit_timer.timeout.connect(self.commit)
        self._findings_timer = QTimer(self)
        self._findings_timer.setSingleShot(True)
        self._findings_timer.setInterval(FINDINGS_DELAY_MS)
        self._findings_timer.timeout.connect(self.refresh_findings)
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(draft_interval_ms)
        self._draft_timer.timeout.connect(self.save_draft_now)

        self._build()
        self._load()
        self._offer_draft()
        self._show_tree(section_key if section_key and find_section(self._document, section_key) else None,
                        force_panel=True)
        self.refresh_findings()
        self._update_state()
        if not self._read_only:
            self._draft_timer.start()
        self._fit_to_screen()

    # --- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        self.banner = QLabel(self)
        self.banner.setObjectName("editorBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_tree_side())
        right = QSplitter(Qt.Orientation.Vertical, self.splitter)
        right.setChildrenCollapsible(False)
        right.addWidget(self._build_content_side())
        findings_box = QGroupBox(self.tr("完整性检查"), right)
        box_layout = QVBoxLayout(findings_box)
        self.findings = FindingsPanel(findings_box)
        self.findings.sig_activated.connect(self.jump_to_finding)
        box_layout.addWidget(self.findings)
        right.addWidget(findings_box)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        right.setSizes([560, 190])
        self.right_splitter = right
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 900])
        layout.addWidget(self.splitter, 1)

        bottom = QHBoxLayout()
        self.undo_button = small_button(self.tr("撤销"), self.tr("撤销上一步章节或内容修改（Ctrl+Z）"), self)
        self.redo_button = small_button(self.tr("重做"), self.tr("重做刚撤销的修改（Ctrl+Y）"), self)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.redo_button)
        bottom.addSpacing(12)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("editorStatus")
        self.status_label.setStyleSheet("color: #5A6472;")
        bottom.addWidget(self.status_label, 1)
        self.save_button = small_button(self.tr("保存"), self.tr("保存预案内容（Ctrl+S）"), self)
        self.close_button = small_button(self.tr("关闭"), "", self)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

        self.save_action = self._action(QKeySequence.StandardKey.Save, self.save)
        self.undo_action = self._action(QKeySequence.StandardKey.Undo, self.undo)
        self.redo_action = self._action(QKeySequence.StandardKey.Redo, self.redo)
        self.redo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")])

    def _action(self, key: QKeySequence.StandardKey, slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_tree_side(self) -> QWidget:
        side = QWidget(self)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 4, 0)
        title = QLabel(self.tr("章节"), side)
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
        spec: list[tuple[str, str, str, Callable[[], object]]] = [
            ("add", self.tr("新增章节"), self.tr("在所选章节之后新增同级章节"), self.add_sibling),
            ("add_child", self.tr("新增下级章节"), self.tr("在所选章节下新增下级章节（排在最后）"), self.add_child),
            ("rename", self.tr("重命名"), self.tr("修改所选章节的标题（F2 或双击章节）"), self.start_rename),
            ("delete", self.tr("删除"), self.tr("删除所选章节及其下级章节"), self.remove_current),
            ("up", self.tr("上移"), self.tr("与前一个同级章节交换位置"), lambda: self.move_current("up")),
            ("down", self.tr("下移"), self.tr("与后一个同级章节交换位置"), lambda: self.move_current("down")),
            ("in", self.tr("降级"), self.tr("成为前一个同级章节的下级章节（如 3.2 → 3.1.1）"),
             lambda: self.move_current("in")),
            ("out", self.tr("升级"), self.tr("成为上级章节之后的同级章节（如 3.1.2 → 3.2）"),
             lambda: self.move_current("out")),
        ]
        self.section_buttons: dict[str, QPushButton] = {}
        for i, (name, text, tip, slot) in enumerate(spec):
            button = small_button(text, tip, side)
            button.setObjectName(f"section_{name}")
            button.clicked.connect(lambda _checked=False, fn=slot: fn())
            grid.addWidget(button, i // 4, i % 4)
            self.section_buttons[name] = button
        layout.addLayout(grid)
        self.tree = SectionTree(side)
        self.tree.sig_section_selected.connect(self._on_section_selected)
        self.tree.sig_rename_requested.connect(self.rename_section)
        delete = QAction(self.tree)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(lambda _checked=False: self.remove_current())
        self.tree.addAction(delete)
        layout.addWidget(self.tree, 1)
        return side

    def _build_content_side(self) -> QWidget:
        side = QWidget(self)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(4, 0, 0, 0)
        self.insert_bar = QWidget(side)
        tools = QHBoxLayout(self.insert_bar)
        tools.setContentsMargins(0, 0, 0, 0)
        tools.setSpacing(4)
        tools.addWidget(QLabel(self.tr("插入："), self.insert_bar))
        labels = {"paragraph": (self.tr("段落"), self.tr("在当前内容块之后插入一个段落")),
                  "bullet_list": (self.tr("项目符号列表"), self.tr("插入项目符号列表（每行一项）")),
                  "numbered_list": (self.tr("编号列表"), self.tr("插入编号列表（每行一项）")),
                  "table": (self.tr("表格"), self.tr("插入 2 行 3 列的表格")),
                  "image": (self.tr("图片…"), self.tr("选择 PNG 或 JPEG 图片插入（如厂区平面图、疏散路线图）")),
                  "page_break": (self.tr("分页符"), self.tr("在此处另起一页"))}
        self.insert_buttons: dict[str, QPushButton] = {}
        for kind in BLOCK_KINDS:
            text, tip = labels[kind]
            button = small_button(text, tip, self.insert_bar)
            button.setObjectName(f"insert_{kind}")
            button.clicked.connect(lambda _checked=False, k=kind: self.insert_block(k))
            tools.addWidget(button)
            self.insert_buttons[kind] = button
        tools.addStretch(1)
        layout.addWidget(self.insert_bar)
        self.blocks = BlockListEditor(self._pixmap, side)
        self.blocks.sig_edited.connect(self._on_block_edited)
        self.blocks.sig_structure_changed.connect(self._on_blocks_restructured)
        self.blocks.sig_subsection_activated.connect(self.select_section)
        layout.addWidget(self.blocks, 1)
        return side

    def _fit_to_screen(self) -> None:
        """Large on a large screen, never larger than the screen or the main window."""
        fit_to_screen(self, QSize(1320, 880))

    # --- loading ----------------------------------------------------------------------------------

    @property
    def plan_id(self) -> int:
        return self._plan_id

    @property
    def loaded_version(self) -> int:
        """The plan version the document was loaded at (or last saved as)."""
        return self._version

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def document(self) -> Document:
        """The document as edited so far (typing included)."""
        self.commit()
        return self._document

    def _load(self) -> None:
        with self._db.read() as session:
            data, _version, status, _enterprise = ps.load(session, self._plan_id)
            document, version = store.load_document(session, self._plan_id)
            self._template = template_for(session, data.template_key, data.template_version)
        self._plan_data = data
        self._status = status
        self._document = self._saved_document = document
        self._version = version
        self._undo.clear()
        self._redo.clear()
        self._pending = False
        self.setWindowTitle(self.tr("编辑预案内容 — {0} {1}").format(data.plan_no, data.title).strip())
        if status in ps.EDITABLE_STATUSES:
            self._set_read_only(False)
        else:
            self._set_read_only(True, self._read_only_reason(status))

    def _read_only_reason(self, status: str) -> str:
        label = PLAN_STATUSES.get(status, status)
        if status in ("published", "filed"):
            hint = self.tr("已发布的预案不能直接修改，请先在预案列表中“开始修订”。")
        elif status == "reviewing":
            hint = self.tr("评审中的预案不能修改内容；如需修改，请先在预案列表中“退回修改”。")
        elif status == "retired":
            hint = self.tr("已废止的预案不能再修改。")
        else:
            hint = self.tr("当前状态下不能修改内容。")
        return self.tr("只读：此预案的状态为“{0}”。{1}").format(label, hint)

    def _set_read_only(self, read_only: bool, reason: str = "") -> None:
        self._read_only = read_only
        self.banner.setText(reason)
        self.banner.setVisible(read_only and bool(reason))
        self.tree.set_editable(not read_only)
        self.blocks.set_read_only(read_only)
        self.insert_bar.setVisible(not read_only)
        for button in self.section_buttons.values():
            button.setVisible(not read_only)
        for widget in (self.save_button, self.undo_button, self.redo_button):
            widget.setVisible(not read_only)
        self.save_action.setEnabled(not read_only)
        title = self.windowTitle().removesuffix(self.tr("（只读）"))
        self.setWindowTitle(title + (self.tr("（只读）") if read_only else ""))
        if read_only:
            self._draft_timer.stop()
        self._update_actions()

    def reload(self) -> None:
        """Load the stored document again, discarding local changes and the draft."""
        self._edit_timer.stop()
        self._pending = False
        keep = self._shown_key
        self._load()
        drafts.remove_draft(self._plan_id)
        self._drafted = None
        self._pixmaps.clear()
        self._show_tree(keep if keep and find_section(self._document, keep) else None, force_panel=True)
        self.refresh_findings()
        self._update_state()
        if not self._read_only and not self._draft_timer.isActive():
            self._draft_timer.start()

    def _offer_draft(self) -> None:
        if self._read_only:
            return  # kept on disk until the plan can be edited again
        draft = drafts.read_draft(self._plan_id)
        if draft is None:
            return
        if draft.document == self._document:
            drafts.remove_draft(self._plan_id)
            return
        when = draft.saved_at.strftime("%Y-%m-%d %H:%M:%S")
        detail = self.tr("“恢复草稿”继续编辑草稿中的内容（尚未保存到数据库）；"
                         "“放弃草稿”删除草稿，打开数据库中保存的内容。")
        if draft.base_version != self._version:
            detail += self.tr("\n注意：草稿是在第 {0} 版上编辑的，数据库中已是第 {1} 版（期间有人保存过），"
                              "恢复草稿并保存将覆盖期间的修改。").format(draft.base_version, self._version)
        choice = messages.choose(self.parentWidget() or self, self.tr("恢复草稿"),
                                 self.tr("发现此预案未保存的草稿（时间 {0}），是否恢复？").format(when),
                                 [self.tr("恢复草稿"), self.tr("放弃草稿")], detail)
        if choice == 1:
            drafts.remove_draft(self._plan_id)
            return
        # Restoring is the answer that loses nothing (the stored version stays in the database).
        self._document = draft.document
        self._drafted = draft.document
        self.status_label.setText(self.tr("已恢复 {0} 的草稿，尚未保存").format(when))

    # --- the tree and the panel ---------------------------------------------------------------------

    def _show_tree(self, select: str | None, *, force_panel: bool = False) -> None:
        """Rebuild the tree from the document, select ``select`` (else keep/first), update the panel."""
        target = select if select and find_section(self._document, select) else None
        if target is None and self._shown_key and find_section(self._document, self._shown_key):
            target = self._shown_key
        if target is None:
            first = next(iter_sections(self._document), None)
            target = first.key if first else None
        self.tree.show_document(self._document, target)
        if force_panel or target != self._shown_key:
            self._show_section(target)
        else:
            self._update_heading()
        self._update_actions()

    def _show_section(self, key: str | None) -> None:
        self._edit_timer.stop()
        self._pending = False
        self._shown_key = key
        section = find_section(self._document, key) if key else None
        if section is None:
            self.blocks.clear_section(self.tr("预案还没有章节。请用左侧“新增章节”添加。")
                                      if not self._document.sections else self.tr("请在左侧选择一个章节。"))
            return
        subsections: list[tuple[str, str]] = []
        after = ""
        if any(s.blocks for s in _walk(section.children)):  # a chapter whose text is in its subsections
            hint = self.tr("本章内容在下列小节中：")
            subsections = [(child.key, self._heading_of(child.key)) for child in section.children]
            if not self._read_only:
                after = self.tr("如需在小节之前写一段导语，可用上方“插入”按钮添加。")
        elif self._read_only:
            hint = self.tr("本章节还没有内容。")
        else:
            hint = self.tr("本章节还没有内容。用上方“插入”按钮添加段落、列表、表格、图片或分页符。")
        self.blocks.load(self._heading_of(key), section.blocks, required=section.required, empty_hint=hint,
                         subsections=subsections, after_hint=after)
        if self.highlight_words:
            self.blocks.highlight(self.highlight_words)
        self.blocks.set_read_only(self._read_only)

    def _heading_of(self, key: str | None) -> str:
        section = find_section(self._document, key) if key else None
        if section is None:
            return ""
        return heading(numbers(self._document).get(section.key, ""), section)

    def _update_heading(self) -> None:
        section = find_section(self._document, self._shown_key) if self._shown_key else None
        if section is not None:
            self.blocks.heading.setText(self._heading_of(self._shown_key)
                                        + (self.tr("（必备章节）") if section.required else ""))

    def _on_section_selected(self, key: str | None) -> None:
        if key == self._shown_key:
            return
        self.commit()
        self._show_section(key)
        self._update_actions()

    def current_key(self) -> str | None:
        """The key of the section shown on the right."""
        return self._shown_key

    def select_section(self, key: str) -> bool:
        """Select ``key`` in the tree, scroll to it and show its content; False if there is none."""
        return self.tree.select_key(key)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._scrolled:  # the viewport has its size only now
            self._scrolled = True
            key = self._shown_key
            QTimer.singleShot(0, self, lambda: self._scroll_to(key))

    def _scroll_to(self, key: str | None) -> None:
        item = self.tree.item_for(key) if key else None
        if item is not None:
            self.tree.scrollToItem(item, self.tree.ScrollHint.PositionAtCenter)
        self.blocks.reveal_first_mark()  # the searched words it was opened for

    # --- committing edits and undo ---------------------------------------------------------------

    def _on_block_edited(self) -> None:
        if self._read_only:
            return
        self._pending = True
        self._edit_timer.start()
        self.status_label.setText(self.tr("有未保存的修改"))
        self.undo_button.setEnabled(True)

    def _on_blocks_restructured(self) -> None:
        if not self._read_only:
            self._pending = True
            self.commit()

    def commit(self) -> None:
        """Write what the block editors hold into the document (``set_blocks``)."""
        self._edit_timer.stop()
        if not self._pending:
            return
        self._pending = False
        key = self._shown_key
        section = find_section(self._document, key) if key else None
        if key is None or section is None:
            return
        blocks = self.blocks.blocks()
        if blocks == section.blocks:
            self._update_state()
            return
        self._apply(set_blocks(self._document, key, blocks), tree=False)

    def _apply(self, document: Document, *, select: str | None = None, tree: bool = True) -> None:
        self._undo.append((self._document, self._shown_key))
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()
        self._document = document
        if tree:
            self._show_tree(select)
        self._after_change()

    def _after_change(self) -> None:
        self._update_actions()
        self._update_state()
        self._findings_timer.start()

    def undo(self) -> None:
        """Go back to the document before the last change (section operation or typing pause)."""
        if self._read_only:
            return
        self.commit()
        if not self._undo:
            return
        document, key = self._undo.pop()
        self._redo.append((self._document, self._shown_key))
        self._document = document
        self._show_tree(key, force_panel=True)
        self._after_change()

    def redo(self) -> None:
        if self._read_only:
            return
        self.commit()
        if not self._redo:
            return
        document, key = self._redo.pop()
        self._undo.append((self._document, self._shown_key))
        self._document = document
        self._show_tree(key, force_panel=True)
        self._after_change()

    # --- section operations ------------------------------------------------------------------------

    def _tree_op(self, op: Callable[[Document], Document], select: str | None = None) -> bool:
        if self._read_only:
            return False
        self.commit()
        try:
            document = op(self._document)
        except DeskError as exc:  # SectionEditError: a Chinese sentence
            messages.warn(self, self.tr("无法完成操作"), str(exc))
            return False
        self._apply(document, select=select)
        return True

    def add_sibling(self, title: str = "", *, rename: bool = True) -> str | None:
        """新增章节: a new section after the selected one (at the end when none); returns its key."""
        key = new_key()
        after = self._shown_key
        name = title or self.tr("新章节")
        if not self._tree_op(lambda d: add_section(d, name, after_key=after, key=key), select=key):
            return None
        if rename:
            self.tree.start_rename(key)
        return key

    def add_child(self, title: str = "", *, rename: bool = True) -> str | None:
        """新增下级章节: a new last subsection of the selected section; returns its key."""
        parent = self._shown_key
        if parent is None:
            return self.add_sibling(title, rename=rename)
        key = new_key()
        name = title or self.tr("新章节")
        if not self._tree_op(lambda d: add_section(d, name, parent_key=parent, key=key), select=key):
            return None
        if rename:
            self.tree.start_rename(key)
        return key

    def start_rename(self) -> None:
        """重命名: edit the selected section's title in place."""
        if not self._read_only:
            self.tree.start_rename(self._shown_key)

    def rename_section(self, key: str, title: str) -> bool:
        section = find_section(self._document, key)
        if section is None or self._read_only or " ".join(title.split()) == section.title:
            return False
        return self._tree_op(lambda d: rename_section(d, key, title), select=key)

    def remove_current(self) -> bool:
        """删除: remove the selected section with its subsections (asks when anything would go)."""
        key = self._shown_key
        section = find_section(self._document, key) if key else None
        if key is None or section is None or self._read_only:
            return False
        self.commit()
        section = find_section(self._document, key)
        assert section is not None
        below = sum(1 for _ in _walk(section.children))
        has_content = any(s.blocks for s in _walk([section]))
        if below or has_content or section.required:
            name = self._heading_of(key)
            parts = [self.tr("确定删除章节“{0}”吗？").format(name)]
            if below:
                parts.append(self.tr("其下的 {0} 个下级章节也会一并删除。").format(below))
            if has_content:
                parts.append(self.tr("章节中的内容也会删除。"))
            if section.required:
                parts.append(self.tr("这是模板规定的必备章节，删除后完整性检查会提示缺少此章节。"))
            parts.append(self.tr("删除后可用“撤销”恢复。"))
            if not messages.confirm(self, self.tr("删除章节"), "".join(parts), yes=self.tr("删除"),
                                    no=self.tr("取消")):
                return False
        order = [s.key for s in iter_sections(self._document)]
        index = order.index(key)
        try:
            document = remove_section(self._document, key)
        except DeskError as exc:
            messages.warn(self, self.tr("无法删除"), str(exc))
            return False
        remaining = [s.key for s in iter_sections(document)]
        after = remaining[min(index, len(remaining) - 1)] if remaining else None
        self._apply(document, select=after)
        return True

    def move_current(self, direction: Direction) -> bool:
        """上移 / 下移 / 降级 / 升级 the selected section."""
        key = self._shown_key
        if key is None:
            return False
        ops: dict[str, Callable[[Document, str], Document]] = {"up": move_up, "down": move_down,
                                                                "in": indent, "out": outdent}
        return self._tree_op(lambda d: ops[direction](d, key), select=key)

    # --- blocks ---------------------------------------------------------------------------------------

    def insert_block(self, kind: str) -> bool:
        """Insert an empty block of ``kind`` after the current block ("image" asks for a file)."""
        if self._read_only or self._shown_key is None:
            return False
        if kind == "image":
            return self.insert_image()
        self.blocks.insert_block(new_block(kind))
        return True

    def insert_image(self) -> bool:
        """Ask for a PNG/JPEG file, store it with the plan (at once) and insert an image block."""
        if self._read_only or self._shown_key is None:
            return False
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("插入图片"), self._image_dir,
                                                    self.tr("PNG 或 JPEG 图片 (*.png *.jpg *.jpeg)"))
        if not path:
            return False
        name = Path(path).name
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            messages.warn(self, self.tr("无法读取图片"),
                          self.tr("无法读取文件“{0}”：{1}").format(name, exc.strerror or exc))
            return False
        mime = image_mime(data)
        if mime is None:
            messages.warn(self, self.tr("不支持的图片"),
                          self.tr("“{0}”不是 PNG 或 JPEG 图片。请选择 PNG 或 JPEG 格式的图片文件。").format(name))
            return False
        if len(data) > MAX_IMAGE_BYTES:
            messages.warn(self, self.tr("图片过大"),
                          self.tr("“{0}”有 {1:.1f} MB，超过 {2} MB。请先缩小或压缩图片。").format(
                              name, len(data) / 1024 / 1024, MAX_IMAGE_BYTES // 1024 // 1024))
            return False
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            messages.warn(self, self.tr("图片已损坏"), self.tr("“{0}”无法识别为图片，文件可能已损坏。").format(name))
            return False
        if self.saving:
            return False
        plan_id, key, caption = self._plan_id, self._shown_key, Path(path).stem
        self._image_dir = str(Path(path).parent)

        def stored(digest: object) -> None:
            assert isinstance(digest, str)
            self._pixmaps[digest] = pixmap
            self._place_image(key, Image(digest, mime, caption))

        self.write_op = WriteOp(self, self._runner, self._db, self._actor,
                                lambda uow: ps.add_image(uow, plan_id, data, mime), title=self.tr("无法插入图片"),
                                disable=[self.insert_bar, self.save_button]).success(stored).run()
        return True

    def _place_image(self, key: str | None, image: Image) -> None:
        """Insert a stored image where it was asked for (the section may no longer be the one shown)."""
        if key is not None and key == self._shown_key:
            self.blocks.insert_block(image)
            return
        section = find_section(self._document, key) if key else None
        if section is not None:
            self._apply(set_blocks(self._document, section.key, [*section.blocks, image]), tree=False)

    def _pixmap(self, sha256: str) -> QPixmap | None:
        if sha256 not in self._pixmaps:
            with self._db.read() as session:
                found = store.image_data(session, self._plan_id, sha256)
            pixmap: QPixmap | None = None
            if found is not None:
                pixmap = QPixmap()
                if not pixmap.loadFromData(found[0]):
                    log.warning("预案 %s 的图片 %s 无法解码", self._plan_id, sha256)
                    pixmap = None
            self._pixmaps[sha256] = pixmap
        return self._pixmaps[sha256]

    # --- completeness --------------------------------------------------------------------------------

    def refresh_findings(self) -> list[Finding]:
        """Run the completeness check on the document as edited and show the result."""
        self.commit()
        findings = check(self._document, store.cover(self._plan_data), self._template)
        self._findings_timer.stop()
        self.findings.show_findings(findings)
        marks: dict[str, QIcon] = {}
        worst: dict[str, Severity] = {}
        for finding in findings:
            if finding.target_kind == "section" and (
                    worst.get(finding.target) is not Severity.ERROR):
                worst[finding.target] = finding.severity
        for key, severity in worst.items():
            marks[key] = severity_icon(self, severity)
        self.tree.set_marks(marks)
        return findings

    def jump_to_finding(self, finding: Finding) -> None:
        """Go to a finding's section; for cover and title findings, say where they are filled in."""
        if finding.target_kind == "section":
            if self.select_section(finding.target):
                if self.blocks.editors:
                    self.blocks.editors[0].focus_input()
                return
            messages.info(self, self.tr("完整性检查"), self.tr("该章节已不存在，检查结果将自动刷新。"))
            self._findings_timer.start()
            return
        if finding.target_kind == "cover" or finding.target == "title":
            messages.info(self, self.tr("封面信息"), finding.message + "\n\n" + self.tr(
                "预案编号、名称、发布日期、主要负责人等封面信息不在此窗口编辑，"
                "请在预案列表中选中此预案，用“编辑信息”填写。"))
            return
        messages.info(self, self.tr("完整性检查"), finding.message)

    # --- state display ---------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        """Whether the document differs from what is stored (typing included)."""
        self.commit()
        return self._document != self._saved_document

    def _update_state(self) -> None:
        if self._read_only:
            self.status_label.setText("")
            return
        dirty = self._pending or self._document != self._saved_document
        text = self.status_label.text()
        if dirty and not text.startswith((self.tr("草稿已自动保存"), self.tr("已恢复"))):
            self.status_label.setText(self.tr("有未保存的修改"))
        elif not dirty:
            self.status_label.setText(self.tr("所有修改均已保存") if self._undo else "")

    def _update_actions(self) -> None:
        editable = not self._read_only
        key = self._shown_key if self._shown_key and find_section(self._document, self._shown_key) else None
        buttons = self.section_buttons
        buttons["add"].setEnabled(editable)
        for name in ("add_child", "rename", "delete"):
            buttons[name].setEnabled(editable and key is not None)
        directions: tuple[Direction, ...] = ("up", "down", "in", "out")
        for direction in directions:
            buttons[direction].setEnabled(editable and key is not None
                                          and can_move(self._document, key, direction))
        for button in self.insert_buttons.values():
            button.setEnabled(editable and key is not None)
        self.undo_button.setEnabled(editable and (bool(self._undo) or self._pending))
        self.redo_button.setEnabled(editable and bool(self._redo))
        self.save_button.setEnabled(editable)

    # --- saving -------------------------------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        return self.write_op is not None and self.write_op.running

    def save(self, *, close_after: bool = False) -> WriteOp[object] | None:
        """保存 through the write flow with the version loaded (``close_after``: close once stored);
        None when nothing was started (read-only, or already saving)."""
        if self._read_only or self.saving:
            return None
        self.commit()
        document, version, plan_id = self._document, self._version, self._plan_id

        def write(uow: UnitOfWork) -> int:
            return store.save_document(uow, plan_id, document, version)

        op: WriteOp[object] = WriteOp(self, self._runner, self._db, self._actor, write, title=self.tr("无法保存"),
                                      disable=[self.save_button, self.save_action])
        op.success(lambda new_version: self._saved(document, new_version, close_after))
        op.conflict(self._on_conflict).refused(self._on_refused).ended(self._save_ended)
        self.write_op = op
        self.status_label.setText(self.tr("正在保存…"))
        return op.run()

    def _saved(self, document: Document, version: object, close_after: bool) -> None:
        assert isinstance(version, int)
        self._version = version
        self._saved_document = document
        if self._document == document:  # edits made while saving stay unsaved (and in the next draft)
            drafts.remove_draft(self._plan_id)
            self._drafted = None
            self.status_label.setText(self.tr("已保存（{0}）").format(datetime.now().strftime("%H:%M:%S")))
        else:
            self._update_state()
        self._update_actions()
        self.sig_saved.emit(self._plan_id)
        if close_after:
            super().reject()

    def _save_ended(self, _outcome: Outcome) -> None:
        if self.status_label.text() == self.tr("正在保存…"):  # busy, failed or cancelled: said already
            self._update_state()

    def _on_refused(self, exc: DeskError) -> None:
        if not isinstance(exc, StateError):
            self.status_label.setText(self.tr("未保存"))
            messages.warn(self, self.tr("无法保存"), str(exc))
            return
        self.save_draft_now()
        messages.warn(self, self.tr("无法保存"), str(exc) + "\n\n" + self.tr(
            "您的修改已另存为草稿；预案回到草稿或修订中状态后，再次打开编辑器即可恢复。"))
        self._set_read_only(True, self.tr("只读：{0}").format(str(exc)))

    def _on_conflict(self, exc: ConflictError) -> None:
        """Somebody saved the plan since it was loaded: keep the document (and its draft) and ask."""
        self.save_draft_now()
        self.status_label.setText(self.tr("保存被拒绝：他人已修改此预案"))
        try:
            with self._db.read() as session:
                stored, version = store.load_document(session, self._plan_id)
        except DeskError as err:
            messages.warn(self, self.tr("无法保存"), f"{exc}\n\n{err}")
            return
        dialog = ConflictDialog(self, exc, None, stored_version=version,
                                on_compare=lambda: self._compare_stored(stored, version),
                                keep_text=self.tr("保留我的修改，在最新版本上再保存"))
        dialog.sig_resolved.connect(lambda choice, _names: self._resolved(Choice(choice), version))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "conflict_dialog", None))
        self.conflict_dialog = dialog
        dialog.open()

    def _compare_stored(self, stored: Document, version: int) -> QDialog:
        """比较: the stored document (left) against the one in this window (right)."""
        from desktop.plans.diff_dialog import DiffDialog

        self.commit()
        dialog = DiffDialog(stored, self._document, old_title=self.tr("数据库中的最新内容（第 {0} 版）").format(version),
                            new_title=self.tr("您在此窗口中的修改"), parent=self.conflict_dialog or self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "compare_dialog", None))
        self.compare_dialog = dialog
        dialog.show()
        return dialog

    def _resolved(self, choice: Choice, version: int) -> None:
        if choice is Choice.MERGE:  # keep the document, save it next on the stored version
            self._version = version
            self.status_label.setText(self.tr("已以数据库中的第 {0} 版为基础，保存将写入您的修改").format(version))
            return
        if choice is not Choice.RELOAD:
            return
        if not messages.confirm(self, self.tr("重新载入"),
                                self.tr("重新载入将放弃您在此窗口中的全部修改，确定吗？"),
                                yes=self.tr("放弃修改并重新载入"), no=self.tr("继续编辑")):
            return
        try:
            self.reload()
        except DeskError as err:
            messages.warn(self, self.tr("无法重新载入"), str(err))

    def save_draft_now(self) -> bool:
        """Write the draft file if the document has changes not yet in a draft; True if written."""
        self.commit()
        if self._document == self._saved_document:
            if self._drafted is not None:  # back to the stored state (undo): nothing to keep
                drafts.remove_draft(self._plan_id)
                self._drafted = None
            return False
        if self._drafted is not None and self._drafted == self._document:
            return False
        try:
            path = drafts.write_draft(self._plan_id, self._document, self._version)
        except OSError as exc:
            log.warning("无法写入预案 %s 的草稿：%s", self._plan_id, exc)
            self.status_label.setText(self.tr("无法自动保存草稿：{0}").format(exc.strerror or exc))
            return False
        self._drafted = self._document
        self.status_label.setText(self.tr("草稿已自动保存（{0}），尚未保存到数据库")
                                  .format(datetime.now().strftime("%H:%M:%S")))
        self.sig_draft_saved.emit(str(path))
        return True

    # --- closing ---------------------------------------------------------------------------------------

    def confirm_close(self) -> bool:
        """Ask 保存 / 不保存 / 取消 when there are unsaved changes; True when the editor may close."""
        if self._read_only or not self.is_dirty():
            return True
        choice = messages.choose(
            self, self.tr("关闭编辑器"), self.tr("预案内容有未保存的修改，是否保存？"),
            [self.tr("保存"), self.tr("不保存"), self.tr("取消")],
            self.tr("选“不保存”将放弃这些修改，自动保存的草稿也会删除。"))
        if choice == 0:
            self.save(close_after=True)  # closes once stored; stays open when the save is refused
            return False
        if choice == 1:
            drafts.remove_draft(self._plan_id)
            self._drafted = None
            return True
        return False

    def reject(self) -> None:
        """关闭 / Esc / the window's close button: never loses changes without asking (and waits
        for a save that is running)."""
        if self.saving:
            return
        if self.confirm_close():
            super().reject()

    def done(self, result: int) -> None:
        self._edit_timer.stop()
        self._findings_timer.stop()
        self._draft_timer.stop()
        super().done(result)


def _walk(sections: list[Section]) -> list[Section]:
    """The sections and all their subsections, in reading order."""
    out: list[Section] = []
    for s in sections:
        out.append(s)
        out.extend(_walk(s.children))
    return out
