"""Starting the window: ``run_gui`` is what ``emergency-desk`` (no arguments) calls.

Start-up does only what the first screen needs: Qt's Chinese translations, logging and error
hooks, opening (and if needed migrating) the database, and the first page's query. Heavy modules
(openpyxl, the exporters, the demo generator) are imported when first used.

Benchmark hook: when ``EMERGENCY_DESK_QUIT_WHEN_SHOWN`` is set, the app prints one line
``shown rss_kb=<VmRSS>`` as soon as the main window is shown with its first page loaded, and quits
with exit code 0. Nothing else changes; settings are not written in that mode.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from desktop import first_start, messages
from desktop.errors import install_exception_hooks
from desktop.logs import setup_logging
from desktop.main_window import MainWindow, app_version
from desktop.settings import APPLICATION, ORGANISATION, Settings
from models.database import Database, demo_db_path
from models.errors import DeskError
from models.schema import open_database

log = logging.getLogger(__name__)

QUIT_WHEN_SHOWN_ENV = "EMERGENCY_DESK_QUIT_WHEN_SHOWN"

_translators: list[QTranslator] = []  # kept alive for the whole process


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(app_version())
    return app


def install_translations(app: QApplication) -> bool:
    """Load Qt's own Chinese texts (standard buttons, file dialogs…); False if not found."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if _translators:
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load("qtbase_zh_CN", folder):
        log.warning("找不到 Qt 中文翻译 qtbase_zh_CN.qm（%s）", folder)
        return False
    app.installTranslator(translator)
    _translators.append(translator)
    return True


def rss_kb() -> int:
    """Resident memory of this process in kB (Linux ``/proc``), 0 where unavailable."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def run_gui(db: str | None, *, demo: bool = False) -> int:
    """Open the main window on ``db`` (URL, path, or None for the default) and run until it closes.

    ``demo``: open the demo database instead, filling it in the background when it is empty.
    Returns the exit code (1 when the database could not be opened).
    """
    app = application()
    install_translations(app)
    log_file = setup_logging()
    log.info("启动 %s，日志：%s", app_version(), log_file)
    hooks = install_exception_hooks()
    try:
        return _run(app, db, demo)
    finally:
        hooks.uninstall()


def _open(target: str | None) -> Database | None:
    try:
        return open_database(target)
    except DeskError as exc:
        log.warning("无法打开数据库：%s", exc)
        messages.critical(None, QCoreApplication.translate("app", "无法打开数据库"), str(exc))
        return None


def _run(app: QApplication, db: str | None, demo: bool) -> int:
    settings = Settings.open()
    database = _open(str(demo_db_path()) if demo else db)
    if database is None:
        return 1
    fill = demo and not first_start.has_enterprises(database)
    if not demo and first_start.should_ask(db, settings, database):
        choice = first_start.ask()
        first_start.record(choice, settings)
        if choice is first_start.FirstStartChoice.DEMO:
            database.dispose()
            database = _open(str(demo_db_path()))
            if database is None:
                return 1
            fill = not first_start.has_enterprises(database)

    window = MainWindow(database, settings)
    window.show()
    if fill:
        window.fill_demo()
    if os.environ.get(QUIT_WHEN_SHOWN_ENV):
        # The first page loaded in MainWindow(); the zero timer fires once the show is processed.
        QTimer.singleShot(0, lambda: _report_shown_and_quit(app))
    try:
        return app.exec()
    finally:
        window.runner.shutdown()
        window.db.dispose()
        window.deleteLater()


def _report_shown_and_quit(app: QApplication) -> None:
    print(f"shown rss_kb={rss_kb()}", flush=True)
    app.exit(0)
