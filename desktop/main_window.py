"""The main window: left navigation of module pages, menus, and a status bar (database, user)."""

from __future__ import annotations

import html
import importlib
import logging
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from desktop import __version__
from desktop.kit import messages
from desktop.kit.pages import Page
from desktop.kit.settings import Settings
from desktop.kit.tasks import PROGRESS_DELAY_MS, Task, TaskRunner
from models.core.actors import Actor, os_actor
from models.core.errors import DeskError
from models.core.paths import demo_db_path
from models.core.progress import Progress

if TYPE_CHECKING:  # the database layer is imported after the window shows (see desktop.app)
    from desktop.enterprises.page import EnterprisesPage
    from desktop.home.page import HomePage
    from desktop.plans.page import PlansPage
    from desktop.plans.search import SearchPage
    from models.core.database import Database
    from models.core.due import DueItem

log = logging.getLogger(__name__)

PRODUCT = "应急预案与演练管理系统"
DEMO_SCALE = "small"
READS_WAIT_MS = 10_000  # switching databases waits this long for the pages' reads to end
NAV_WIDTH = 112  # room for the longest entry to come (隐患/检查); the lists need the rest at 1280 px


class MainWindow(QMainWindow):
    sig_database_changed = Signal(object)
    """Another database was opened in this window; the argument is the new ``Database``."""

    sig_demo_filled = Signal(object)
    """The demo database was filled in the background; the argument is the generator's result."""

    def __init__(self, db: Database | None, settings: Settings, *, actor: Actor | None = None,
                 progress_delay_ms: int = PROGRESS_DELAY_MS, today: Callable[[], date] | None = None,
                 parent: QWidget | None = None) -> None:
        """``db`` None builds the window without pages; ``attach_database`` adds them later.
        ``today`` is the user's "now" every page's rules take as ``as_of`` (the calendar's day by default)."""
        super().__init__(parent)
        self.today: Callable[[], date] = today or date.today
        self._db = db
        self.settings = settings
        self.actor = actor or os_actor()
        self.runner = TaskRunner(self, progress_delay_ms=progress_delay_ms)
        self.demo_task: Task | None = None
        self.pages: list[Page] = []
        self.setObjectName("MainWindow")
        self.setMinimumSize(QSize(960, 600))

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.nav.setStyleSheet(
            "QListWidget#navigation { background: #22313F; color: #E8EDF2; border: none;"
            " font-size: 15px; padding-top: 8px; outline: none; }"
            "QListWidget#navigation::item { padding: 10px 18px; }"
            "QListWidget#navigation::item:selected { background: #3A6EA5; color: white; }"
            "QListWidget#navigation::item:hover:!selected { background: #2D4052; }")
        self.stack = QStackedWidget(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self.db_label = QLabel(self)
        self.user_label = QLabel(self.tr("用户：{0}").format(self.actor.name), self)
        self.busy_label = QLabel(self.tr("后台任务进行中…"), self)
        self.busy_label.hide()
        for label in (self.busy_label, self.db_label, self.user_label):
            label.setContentsMargins(10, 0, 10, 0)
        status = self.statusBar()
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.db_label)
        status.addPermanentWidget(self.user_label)
        self.runner.sig_busy_changed.connect(self.busy_label.setVisible)
        self.nav.currentRowChanged.connect(self._on_nav)

        self.opening_label = QLabel(self.tr("正在打开数据库…"), self.stack)
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_label.setStyleSheet("color: #5A6570; font-size: 15px;")
        self.stack.addWidget(self.opening_label)
        self.setWindowTitle(PRODUCT)
        self._restore_window()
        if db is not None:
            self.attach_database(db)

    @property
    def has_database(self) -> bool:
        return self._db is not None

    @property
    def db(self) -> Database:
        assert self._db is not None, "attach_database() first"
        return self._db

    def attach_database(self, db: Database) -> None:
        """Show ``db`` in this window: create the module pages and load the first one."""
        self._db = db
        self._install_pages()
        self._show_database_name()

    # --- building ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        self.act_switch_db = QAction(self.tr("切换数据库…"), self)
        self.act_switch_db.triggered.connect(self.choose_database)
        self.act_open_demo = QAction(self.tr("打开演示数据库"), self)
        self.act_open_demo.triggered.connect(self.open_demo_database)
        self.act_quit = QAction(self.tr("退出"), self)
        self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.act_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.act_quit.triggered.connect(self.close)
        file_menu.addAction(self.act_switch_db)
        file_menu.addAction(self.act_open_demo)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        tools_menu = bar.addMenu(self.tr("管理(&M)"))
        self.act_templates = QAction(self.tr("预案模板…"), self)
        self.act_templates.triggered.connect(self.manage_templates)
        tools_menu.addAction(self.act_templates)
        self.act_evaluation_forms = QAction(self.tr("演练评估表…"), self)
        self.act_evaluation_forms.triggered.connect(self.manage_evaluation_forms)
        tools_menu.addAction(self.act_evaluation_forms)
        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        self.act_about = QAction(self.tr("关于"), self)
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.act_about.triggered.connect(self.show_about)
        help_menu.addAction(self.act_about)

    def manage_templates(self) -> QDialog | None:
        """预案模板管理 (administrators change templates; everyone may look)."""
        if self._db is None:
            return None
        from desktop.plans.template_dialog import TemplateDialog

        dialog = TemplateDialog(self.db, self.runner, actor=self.actor, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def manage_evaluation_forms(self) -> QDialog | None:
        """演练评估表管理 (administrators change the forms; everyone may look and export)."""
        if self._db is None:
            return None
        from desktop.drills.form_dialog import EvaluationFormDialog

        dialog = EvaluationFormDialog(self.db, self.runner, actor=self.actor, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _install_pages(self) -> None:
        """Create the module pages for ``self.db`` (again after switching databases)."""
        import desktop.supplies.panels as supply_panels
        from desktop.drills.page import DrillsPage
        from desktop.drills.panels import obligations_panel
        from desktop.enterprises.page import EnterprisesPage
        from desktop.home.page import HomePage
        from desktop.oversight.blacklist import BlacklistPage
        from desktop.oversight.hazards import HazardsPage
        from desktop.oversight.incidents import IncidentsPage
        from desktop.oversight.stats import StatsPage
        from desktop.plans.page import PlansPage
        from desktop.plans.search import SearchPage
        from desktop.supplies.page import SuppliesPage
        from desktop.teams.duty import DutyPage
        from desktop.teams.page import TeamsPage
        from desktop.teams.panels import enterprise_teams_panel
        from plans.annexes import BUILDERS as ANNEX_BUILDERS

        self.nav.blockSignals(True)
        self.nav.clear()
        for page in self.pages:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages = [
            HomePage(self.db, self.runner, self.settings, today=self.today, parent=self.stack),
            EnterprisesPage(self.db, self.runner, self.settings, actor=self.actor,
                            panels=[obligations_panel(), supply_panels.minimums_panel(), supply_panels.enterprise_needs_panel(),
                                    enterprise_teams_panel()],
                            today=self.today, parent=self.stack),
            PlansPage(self.db, self.runner, self.settings, actor=self.actor, annex_builders=ANNEX_BUILDERS,
                      panels=[supply_panels.plan_needs_panel()], today=self.today, parent=self.stack),
            DrillsPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today,
                       parent=self.stack),
            SuppliesPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today,
                         parent=self.stack),
            TeamsPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today,
                      parent=self.stack),
            DutyPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today,
                     parent=self.stack),
            HazardsPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today, parent=self.stack),
            BlacklistPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today, parent=self.stack),
            IncidentsPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today, parent=self.stack),
            StatsPage(self.db, self.runner, self.settings, actor=self.actor, today=self.today, parent=self.stack),
            SearchPage(self.db, self.runner, actor=self.actor, parent=self.stack),
        ]
        for page in self.pages:
            self.stack.addWidget(page)
            item = QListWidgetItem(page.title, self.nav)
            item.setSizeHint(QSize(NAV_WIDTH - 8, 44))
            page.sig_status.connect(self.show_status)
            page.sig_data_changed.connect(lambda source=page: self._on_data_changed(source))
            if isinstance(page, TeamsPage):
                page.sig_open_roster.connect(self.open_roster)
            if isinstance(page, HomePage):
                page.sig_open_item.connect(self.open_due_item)
        self.nav.blockSignals(False)
        self.show_page(self.settings.last_page)

    def _show_database_name(self) -> None:
        self.setWindowTitle(self.tr("{0} — {1}").format(PRODUCT, self.db.name))
        self.db_label.setText(self.tr("数据库：{0}").format(self.db.name))
        self.db_label.setToolTip(self.db.url.render_as_string(hide_password=True))

    def _restore_window(self) -> None:
        geometry = self.settings.window_geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)

    # --- pages ---------------------------------------------------------------------------------------

    @property
    def due_routes(self) -> dict[str, Callable[[DueItem], None]]:
        """Where a due item of the home page opens, by its module (a new module: one line here)."""
        return {"plans": self._open_plan_item, "drills": self._open_drill_item,
                "supplies": self._open_supply_item, "teams": self._open_team_item,
                "oversight": self._open_oversight_item}

    def open_due_item(self, item: DueItem) -> None:
        """A due item of the home page opened: its record on its module's page."""
        route = self.due_routes.get(item.module)
        if route is None:
            self.show_status(self.tr("“{0}”的事项还不能从首页打开，请到相应页面查看：{1}").format(
                item.module_label, item.title))
            return
        route(item)

    def _not_listed(self, page: Page, what: str) -> None:
        page.sig_status.emit(self.tr("{0}不在当前列表已读取的行中（可能被筛选条件排除），可用搜索查找").format(what))

    def _open_plan_item(self, item: DueItem) -> None:
        from desktop.plans.page import PlansPage

        page = self.show_page("plans")
        assert isinstance(page, PlansPage)
        plan_id = item.record_id
        if plan_id is not None:
            page.model.after_load(lambda: page.select_plan(plan_id) or self._not_listed(page, self.tr("该预案")))

    def _open_oversight_item(self, item: DueItem) -> None:
        """A hazard: the 隐患排查 page on it (its inspection's hazards); an incident: 事故信息 with it selected."""
        from desktop.oversight.hazards import HazardsPage
        from desktop.oversight.incidents import IncidentsPage

        if item.record_id is None:
            return
        incident_id = item.record_id
        if item.record == "hazard":
            page = self.show_page("hazards")
            assert isinstance(page, HazardsPage)
            page.show_hazard(item.record_id, item.parent_id)
        elif item.record == "incident":
            incidents = self.show_page("incidents")
            assert isinstance(incidents, IncidentsPage)
            incidents.model.after_load(lambda: incidents.select_id(incident_id)
                                       or self._not_listed(incidents, self.tr("该事故信息")))

    def _open_drill_item(self, item: DueItem) -> None:
        """A corrective action: its drill in the list; a drill owed: the enterprise's 频次要求 row."""
        from desktop.drills.page import DrillsPage

        page = self.show_page("drills")
        assert isinstance(page, DrillsPage)
        if item.record == "finding" and item.parent_id is not None:
            page.show_drill(item.parent_id)
            return
        page.tabs.setCurrentWidget(page.obligation_tab)

        def select() -> None:
            model = page.obligations
            for row in range(model.rowCount()):
                if (model.index(row, 0).data(), model.index(row, 1).data()) == (item.enterprise, item.title):
                    page.obligation_view.selectRow(row)
                    page.obligation_view.scrollTo(model.index(row, 0))
                    return
            self._not_listed(page, self.tr("该演练要求"))

        task = page.obligation_task
        if task is not None and task.running:
            task.sig_finished.connect(lambda _rows: select())
        else:
            select()

    def _open_supply_item(self, item: DueItem) -> None:
        """A batch or an item of a warehouse: the warehouse chosen in the tree, the row selected."""
        from desktop.supplies.page import SuppliesPage

        page = self.show_page("supplies")
        assert isinstance(page, SuppliesPage)
        warehouse_id, record_id = item.parent_id, item.record_id

        def select_row() -> None:
            if warehouse_id is None or record_id is None:
                return
            if item.record == "batch":
                found = page.select_place(warehouse_id, record_id)
            else:
                n = page.model.find_row(lambda r: r.warehouse_id == warehouse_id and r.item_id == record_id)
                if n >= 0:
                    page.select_row(n)
                found = n >= 0
            if not found:
                self._not_listed(page, self.tr("该物资"))

        def place() -> None:
            if warehouse_id is not None and not page.select_warehouse(warehouse_id):
                self._not_listed(page, self.tr("该储备库"))
                return
            page.model.after_load(select_row)

        task = page.tree_task
        if task is not None and task.running:
            task.sig_finished.connect(lambda _nodes: place())  # after the page's own _tree_ready
        else:
            place()

    def _open_team_item(self, item: DueItem) -> None:
        """A roster gap: the duty point's week; a certificate, agreement or readiness: the team."""
        if item.record == "shift":
            if item.parent_id is not None:
                self.open_roster(item.parent_id, item.due_on or self.today())
            return
        from desktop.teams.page import TeamsPage

        page = self.show_page("teams")
        assert isinstance(page, TeamsPage)
        team_id = item.parent_id if item.parent_id is not None else item.record_id
        if team_id is not None:
            page.show_team(team_id)

    def open_roster(self, point_id: int, day: date) -> None:
        """The 值班 page on a duty point's week holding ``day``."""
        from desktop.teams.duty import DutyPage

        duty = self.page("duty")
        assert isinstance(duty, DutyPage)
        duty.open_roster(point_id, day)
        self.show_page("duty")

    def when_first_page_loaded(self, fn: Callable[[], object]) -> None:
        """Call ``fn`` once the page shown has its first data (the home page reads in the background)."""
        from desktop.home.page import HomePage

        page = self.current_page() if self.pages else None
        if not isinstance(page, HomePage) or not page.loading or page.demo_filling:  # filling: it says so at once
            fn()
            return

        def done() -> None:
            page.sig_loaded.disconnect(done)
            fn()

        page.sig_loaded.connect(done)

    def page(self, key: str) -> Page:
        for page in self.pages:
            if page.key == key:
                return page
        raise KeyError(key)

    @property
    def home_page(self) -> HomePage:
        return self.page("home")  # type: ignore[return-value]

    @property
    def enterprises_page(self) -> EnterprisesPage:
        return self.page("enterprises")  # type: ignore[return-value]

    @property
    def plans_page(self) -> PlansPage:
        return self.page("plans")  # type: ignore[return-value]

    @property
    def search_page(self) -> SearchPage:
        return self.page("search")  # type: ignore[return-value]

    def current_page(self) -> Page:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Page)
        return widget

    def show_page(self, key: str) -> Page:
        index = next((i for i, p in enumerate(self.pages) if p.key == key), 0)
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)  # → _on_nav
        else:
            self._on_nav(index)
        return self.pages[index]

    def _on_nav(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        page = self.pages[index]
        self.stack.setCurrentWidget(page)
        try:
            page.activate()
        except DeskError as exc:
            messages.warn(self, self.tr("无法显示"), str(exc))
        self.settings.last_page = page.key

    def _on_data_changed(self, source: Page) -> None:
        for page in self.pages:
            if page is not source:
                page.mark_stale()

    def refresh_all(self) -> None:
        for page in self.pages:
            page.mark_stale()
        self.current_page().activate()

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # --- databases -----------------------------------------------------------------------------------

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("切换数据库"), str(demo_db_path().parent),
            self.tr("SQLite 数据库 (*.sqlite *.db);;所有文件 (*)"))
        if path:
            self.switch_database(path)

    def open_demo_database(self) -> None:
        from models.enterprises.queries import has_enterprises

        if self.switch_database(str(demo_db_path())) and not has_enterprises(self.db):
            self.fill_demo()

    def switch_database(self, target: str) -> bool:
        """Open another database in this window; False when it could not be opened."""
        if self.runner.busy and not self.runner.writing:
            self._wait_for_reads(READS_WAIT_MS)  # the pages' reads (首页's first one) end in a moment
        if self.runner.busy:
            messages.warn(self, self.tr("切换数据库"), self.tr("后台任务还在进行，请等它完成后再切换数据库。"))
            return False
        from models.modules import open_database

        try:
            new_db = open_database(target)
        except DeskError as exc:
            messages.warn(self, self.tr("无法打开数据库"), str(exc))
            return False
        old, self._db = self._db, new_db
        for page in self.pages:
            page.save_state(self.settings)
        self._install_pages()
        self._show_database_name()
        if old is not None:
            old.dispose()
        self.sig_database_changed.emit(new_db)
        self.show_status(self.tr("已打开数据库：{0}").format(new_db.name))
        return True

    def _wait_for_reads(self, msecs: int) -> None:
        """Let the background reads end (their answers are shown as usual), at most ``msecs``."""
        deadline = time.monotonic() + msecs / 1000
        while self.runner.busy and not self.runner.writing and time.monotonic() < deadline:
            loop = QEventLoop(self)
            self.runner.sig_busy_changed.connect(loop.quit)
            QTimer.singleShot(max(1, int((deadline - time.monotonic()) * 1000)), loop.quit)
            loop.exec()
            self.runner.sig_busy_changed.disconnect(loop.quit)

    def fill_demo(self, scale: str = DEMO_SCALE) -> Task:
        """Fill the (empty) current database with demo data in the background, then refresh."""
        db = self.db

        def work(progress: Progress) -> object:
            demo = importlib.import_module("plans.demo")  # only needed for the demo
            return demo.generate(db, scale=scale, progress=progress)

        task = self.runner.run(work, writes=True, title=self.tr("演示数据库"),
                               label=self.tr("正在生成演示数据，请稍候…"))
        task.sig_finished.connect(self._on_demo_filled)
        task.sig_cancelled.connect(self._on_demo_cancelled)
        task.sig_failed.connect(lambda _error: self._demo_ended())
        home = self.home_page
        task.sig_progress.connect(home.show_demo_progress)
        home.set_demo_filling(True)  # not “no enterprises”: they are being generated
        self.demo_task = task
        return task

    def _demo_ended(self) -> None:
        self.demo_task = None
        self.home_page.set_demo_filling(False)

    def _on_demo_cancelled(self) -> None:
        self._demo_ended()
        self.show_status(self.tr("已取消生成演示数据，数据库保持原样"))

    def _on_demo_filled(self, result: object) -> None:
        self._demo_ended()
        self.refresh_all()
        describe = getattr(result, "message", None)
        self.show_status(describe() if callable(describe) else self.tr("演示数据已生成"))
        self.sig_demo_filled.emit(result)

    # --- help ----------------------------------------------------------------------------------------

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("关于"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.RichText)
        # What this version does, and nothing it does not do yet.
        box.setText(self.tr("<h3>{0}</h3><p>版本 {1}</p>"
                            "<p>本版本提供：</p><ul>"
                            "<li>企业名录：企业基本信息、风险等级、监管部门和联系人，"
                            "筛选、排序、导出 Excel，删除后可在回收站恢复；</li>"
                            "<li>应急预案：按模板新建或从 Word 导入，评审、发布、备案、修订，"
                            "版本记录与对比，备案和评估期限提醒，全文检索；</li>"
                            "<li>预案文件：完整性检查，导出 Word 和 PDF，打印预览，批量归档。</li></ul>"
                            "<p>数据库：{2}</p>").format(PRODUCT, html.escape(__version__), html.escape(self.db.name)))
        box.addButton(self.tr("确定"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    # --- closing -------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy and not messages.confirm(
            self, self.tr("退出"), self.tr("后台任务还在进行，退出将取消它们（不会写入不完整的数据）。确定退出吗？"),
            yes=self.tr("退出"), no=self.tr("继续等待"),
        ):
            event.ignore()
            return
        self.save_state()
        self.runner.shutdown()
        super().closeEvent(event)

    def save_state(self) -> None:
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        for page in self.pages:
            page.save_state(self.settings)
        self.settings.sync()
