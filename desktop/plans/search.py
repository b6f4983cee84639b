"""检索 page: one search box over every plan's title and content, across all enterprises.

Typing waits a moment (debounce) and then asks ``models.plans.search.search`` — terms of one, two, three
or more Chinese characters all work — with the enterprise, kind and status filters. The query runs
on the task runner's read pool, so typing never waits for the database: the page shows that it is
searching, and a result that arrives after a newer search was started is dropped. At most
``RESULT_LIMIT`` hits are listed; past it the label says how many there are in all
(``search.count``, from the same index). Each result shows 企业 · 预案编号 预案名称 · 章节 over a
snippet with the matched words highlighted (rich text; every piece of stored text is HTML-escaped
first). Double-click or Enter opens the section editor at that section, the words marked there too.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit.empty import EmptyState
from desktop.kit.pages import Page
from desktop.kit.pickers import EnterprisePicker, fill_combo
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import SearchBox
from desktop.plans.dialog import kind_items, status_items
from desktop.plans.page import open_plan_editor
from models.core.database import Database
from models.core.errors import DeskError
from models.core.progress import Progress
from models.core.uow import Actor, os_actor
from models.plans import search
from models.plans.entities import PLAN_KINDS, PLAN_STATUSES
from models.plans.search import SearchCount, SearchFilter, SearchHit

SEARCH_DELAY_MS = 300
RESULT_LIMIT = 200
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
HTML_ROLE = Qt.ItemDataRole.UserRole + 2
MARK_STYLE = "background-color:#FFE27A; color:#000000; font-weight:bold;"

Index = QModelIndex | QPersistentModelIndex


def snippet_html(hit: SearchHit) -> str:
    """The snippet as rich text: stored text escaped, matches marked."""
    parts = []
    for text, highlighted in hit.snippet:
        piece = html.escape(text.replace("\n", " "))
        parts.append(f'<span style="{MARK_STYLE}">{piece}</span>' if highlighted else piece)
    return "".join(parts)


def hit_heading(hit: SearchHit) -> str:
    """企业 · 预案编号 预案名称 · 章节, as plain text."""
    return f"{hit.enterprise} · {hit.plan_no} {hit.plan_title} · {hit.section_title}"


def marked_html(value: str, words: list[str]) -> str:
    """``value`` escaped, with every occurrence of ``words`` marked (case-blind)."""
    lower = value.lower()
    marks = [False] * len(value)
    for word in words:
        start = lower.find(word)
        while word and start >= 0:
            for i in range(start, start + len(word)):
                marks[i] = True
            start = lower.find(word, start + 1)
    parts, i = [], 0
    while i < len(value):
        j = i
        while j < len(value) and marks[j] == marks[i]:
            j += 1
        piece = html.escape(value[i:j])
        parts.append(f'<span style="{MARK_STYLE}">{piece}</span>' if marks[i] else piece)
        i = j
    return "".join(parts)


def hit_html(hit: SearchHit, words: list[str] | None = None) -> str:
    words = words or []
    kind = PLAN_KINDS.get(hit.kind, hit.kind)
    status = PLAN_STATUSES.get(hit.status, hit.status)
    return (f'<div><span style="color:#5A6570;">{html.escape(hit.enterprise)}</span> · '
            f"<b>{html.escape(hit.plan_no)} {marked_html(hit.plan_title, words)}</b> · "
            f'<span style="color:#1F5FA8;">{marked_html(hit.section_title, words)}</span>'
            f'　<span style="color:#8A949E;">{html.escape(kind)}｜{html.escape(status)}</span></div>'
            f'<div style="color:#2B333B;">{snippet_html(hit)}</div>')


class HtmlDelegate(QStyledItemDelegate):
    """Paints an item's ``HTML_ROLE`` rich text (wrapped to the view's width)."""

    MARGIN = 6

    def _document(self, option: QStyleOptionViewItem, index: Index, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)  # type: ignore[attr-defined]
        doc.setDocumentMargin(self.MARGIN)
        doc.setHtml(str(index.data(HTML_ROLE) or html.escape(str(index.data() or ""))))
        doc.setTextWidth(max(width, 50))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect = opt.rect  # type: ignore[attr-defined]
        doc = self._document(opt, index, rect.width())
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:  # type: ignore[attr-defined]
            context.palette.setColor(QPalette.ColorRole.Text,
                                     opt.palette.color(QPalette.ColorRole.HighlightedText))  # type: ignore[attr-defined]
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        view = opt.widget  # type: ignore[attr-defined]
        width = view.viewport().width() if isinstance(view, QListView) else opt.rect.width()  # type: ignore[attr-defined]
        doc = self._document(opt, index, width)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2)


class SearchPage(Page):
    key = "search"

    sig_searched = Signal(int)
    """A search finished and its hits are shown; the argument is their number."""

    sig_search_failed = Signal(str)
    """A search failed; the argument is the message shown in place of the results' count."""

    def __init__(self, db: Database, runner: TaskRunner, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._actor = actor or os_actor()
        self.hits: list[SearchHit] = []
        self.editor: QDialog | None = None
        self.search_task: Task | None = None
        """The search running in the background (None when idle)."""
        self._generation = 0  # bumped by every search; a result of an older one is dropped
        self.searched_for = ""
        """The words of the search whose hits are shown ('' before the first, or for an empty box)."""
        self.failed = False
        """The last search failed (the count label says why)."""
        self.total = SearchCount(0, 0)
        """How many sections and plans the last search found in all (more than listed past the limit)."""
        self._build()

    @property
    def title(self) -> str:
        return self.tr("检索")

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(8)
        heading = QLabel(self.tr("全文检索：在全部企业的预案标题和正文中查找"), self)
        heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(heading)
        row = QHBoxLayout()
        self.search_box = SearchBox(self.tr("输入关键词，如“泄漏”“应急响应”；多个词用空格分开"), self,
                                    delay_ms=SEARCH_DELAY_MS)
        self.search_box.setObjectName("searchBox")
        self.search_box.setMinimumHeight(30)
        self.search_box.setStyleSheet("QLineEdit#searchBox { font-size: 14px; padding: 2px 6px; }")
        self.search_box.sig_search.connect(self.run_search)
        row.addWidget(self.search_box, 1)
        self.search_button = QPushButton(self.tr("检索"), self)
        self.search_button.clicked.connect(self.run_search)
        row.addWidget(self.search_button)
        layout.addLayout(row)

        filters = QHBoxLayout()
        self.enterprise_combo: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("全部企业"), self)
        self.enterprise_combo.sig_enterprise_changed.connect(lambda _id: self.run_search())
        self.kind_combo = QComboBox(self)
        fill_combo(self.kind_combo, kind_items(), first=(self.tr("全部类型"), None))
        self.status_combo = QComboBox(self)
        fill_combo(self.status_combo, status_items(), first=(self.tr("全部状态"), None))
        for combo in (self.kind_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self.run_search())
        filters.addWidget(QLabel(self.tr("企业"), self))
        filters.addWidget(self.enterprise_combo, 3)
        filters.addWidget(QLabel(self.tr("类型"), self))
        filters.addWidget(self.kind_combo, 1)
        filters.addWidget(QLabel(self.tr("状态"), self))
        filters.addWidget(self.status_combo, 1)
        filters.addStretch(1)
        layout.addLayout(filters)

        status = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setStyleSheet("color: #5A6570;")
        status.addWidget(self.count_label, 1)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("searchBusy")
        self.busy_bar.setRange(0, 0)  # busy, no percentage
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedSize(120, 8)
        self.busy_bar.hide()
        status.addWidget(self.busy_bar)
        layout.addLayout(status)
        self.results = QListWidget(self)
        self.results.setObjectName("searchResults")
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setUniformItemSizes(False)
        self.results.setAlternatingRowColors(True)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Activated: a double-click, or Enter on the current result.
        self.results.itemActivated.connect(self.open_item)
        palette = self.results.palette()  # a light selection keeps the coloured text readable
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#D5E5F7"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#000000"))
        self.results.setPalette(palette)
        self.empty_state = EmptyState(self.results, self._describe_empty)
        layout.addWidget(self.results, 1)
        hint = QLabel(self.tr("双击结果（或按回车）打开预案，定位到该章节。"), self)
        hint.setStyleSheet("color: #8A949E;")
        layout.addWidget(hint)
        self._show_idle()

    # --- loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        self.enterprise_combo.blockSignals(True)
        self.enterprise_combo.set_choices(load_enterprise_choices(self._db))
        self.enterprise_combo.blockSignals(False)
        self.run_search()
        self.search_box.setFocus()

    def refresh(self) -> None:
        self.load()

    # --- searching -----------------------------------------------------------------------------------

    def current_filter(self) -> SearchFilter:
        return SearchFilter(enterprise_id=self.enterprise_combo.enterprise_id(),
                            kind=self.kind_combo.currentData(), status=self.status_combo.currentData())

    @property
    def searching(self) -> bool:
        return self.search_task is not None

    def run_search(self) -> None:
        """Start a search for the box's text and the filters in the background (any older one is
        dropped); an empty box shows the hint at once."""
        self.search_box.cancel_pending()
        if not self.activated:
            return
        self._generation += 1
        if self.search_task is not None:
            self.search_task.cancel()  # not started yet: it never runs; running: its result is dropped
            self.search_task = None
        query = self.search_box.text().strip()
        self.failed = False
        if not search.query_terms(query):
            self._set_busy(False)
            self.hits = []
            self.searched_for = ""
            self.results.clear()
            self._show_idle()
            self.sig_searched.emit(0)
            return
        db, flt, generation = self._db, self.current_filter(), self._generation

        def work(_progress: Progress) -> tuple[list[SearchHit], SearchCount]:
            with db.read() as session:
                hits = search.search(session, query, flt, limit=RESULT_LIMIT)
                total = (search.count(session, query, flt) if len(hits) >= RESULT_LIMIT
                         else SearchCount(len(hits), len({h.plan_id for h in hits})))
                return hits, total

        task = self._runner.run(work, label=self.tr("正在检索…"), show_progress=False, report_errors=False)
        task.sig_finished.connect(lambda found: self._on_found(generation, query, found))
        task.sig_failed.connect(lambda error: self._on_failed(generation, error))
        self.search_task = task
        self._set_busy(True)
        self.count_label.setText(self.tr("正在检索“{0}”…").format(query))

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.count_label.setStyleSheet("color: #5A6570;")
        self.empty_state.update_state()

    def _on_found(self, generation: int, query: str, found: object) -> None:
        if generation != self._generation:
            return  # a newer search was started meanwhile
        assert isinstance(found, tuple)
        hits, total = found
        self.total = total
        self.search_task = None
        self._set_busy(False)
        self.hits = hits
        self.searched_for = query
        self.results.clear()
        words = search.highlight_terms(query)
        for hit in self.hits:
            item = QListWidgetItem(hit_heading(hit) + "\n" + hit.snippet_text(), self.results)
            item.setData(HIT_ROLE, hit)
            item.setData(HTML_ROLE, hit_html(hit, words))
            item.setToolTip(hit_heading(hit))
        if not self.hits:
            self.count_label.setText(self.tr("没有找到包含“{0}”的预案章节").format(query))
        elif total.sections > len(self.hits):
            self.count_label.setText(self.tr("在 {0} 个预案中找到 {1} 处，显示前 {2} 处；请增加关键词或筛选条件缩小范围")
                                     .format(total.plans, total.sections, len(self.hits)))
        else:
            self.count_label.setText(self.tr("在 {0} 个预案中找到 {1} 处").format(total.plans, total.sections))
        if self.hits:
            self.results.setCurrentRow(0)
        self.sig_searched.emit(len(self.hits))

    def _on_failed(self, generation: int, error: object) -> None:
        if generation != self._generation:
            return
        self.search_task = None
        self._set_busy(False)
        assert isinstance(error, BaseException)
        if isinstance(error, DeskError):
            text = self.tr("检索失败：{0}").format(error)
        else:  # unexpected: logged with its traceback and shown once
            from desktop.kit.errors import report_exception

            report_exception(error, self)
            text = self.tr("检索失败，详细信息已写入日志。请稍后重试。")
        self.count_label.setText(text)
        self.count_label.setStyleSheet("color: #D7263D;")
        self.failed = True
        self.empty_state.update_state()
        self.sig_search_failed.emit(text)

    def _describe_empty(self) -> tuple[str, str]:
        if self.searching or self.failed:
            return "", ""  # the label above says that it searches, or why it failed
        if not self.searched_for:
            return self.tr("在全部企业的预案中检索"), self.tr(
                "例如输入“泄漏”“应急响应”；输入多个词（用空格分开）时，只列出同时包含这些词的章节。")
        return self.tr("没有匹配的章节"), self.tr(
            "请换一个说法或减少关键词，或把企业、类型、状态筛选放宽为“全部”。")

    def _show_idle(self) -> None:
        self.count_label.setText(self.tr("输入关键词开始检索；一个字、两个字的词也可以。"))

    # --- opening -------------------------------------------------------------------------------------

    def hit_at(self, row: int) -> SearchHit | None:
        item = self.results.item(row)
        hit = item.data(HIT_ROLE) if item is not None else None
        return hit if isinstance(hit, SearchHit) else None

    def open_item(self, item: QListWidgetItem) -> QDialog | None:
        hit = item.data(HIT_ROLE)
        if not isinstance(hit, SearchHit):
            return None
        return self.open_hit(hit)

    def open_hit(self, hit: SearchHit) -> QDialog | None:
        if self.editor is not None:
            self.editor.raise_()
            self.editor.activateWindow()
            return self.editor
        editor = open_plan_editor(self._db, hit.plan_id, runner=self._runner, actor=self._actor,
                                  section_key=hit.section_key, highlight=search.highlight_terms(self.searched_for),
                                  parent=self,
                                  on_saved=lambda _pid: self._on_editor_saved())
        if editor is not None:
            editor.finished.connect(lambda _r: setattr(self, "editor", None))
        self.editor = editor
        return editor

    def _on_editor_saved(self) -> None:
        self.sig_data_changed.emit()
        self.run_search()
