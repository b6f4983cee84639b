"""Starting the window: ``run_gui`` is what ``emergency-desk`` (no arguments) calls.

Start-up shows the window first and then does only what the first screen needs: the window
frame appears as soon as Qt is up; then the database layer is imported and the database opened
(and migrated if needed), the first-start question asked if it applies, and the first page's
query run. Heavy modules (openpyxl, the exporters, the demo generator) load when first used.

Benchmark hook: when ``EMERGENCY_DESK_QUIT_WHEN_SHOWN`` is set, the app prints
``shown rss_kb=<VmRSS>`` once the window is on screen, ``ready rss_kb=<VmRSS>`` once the database
is open and the first page loaded, and quits with exit code 0. Settings are not written then.
"""

from __future__ import annotations

import importlib.resources
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop import __version__
from desktop.kit import messages
from desktop.kit.errors import install_exception_hooks
from desktop.kit.logs import setup_logging
from desktop.kit.settings import APPLICATION, ORGANISATION, Settings
from desktop.main_window import MainWindow
from models.core.errors import DeskError
from models.core.paths import demo_db_path

if TYPE_CHECKING:
    from models.core.database import Database

log = logging.getLogger(__name__)

QUIT_WHEN_SHOWN_ENV = "EMERGENCY_DESK_QUIT_WHEN_SHOWN"

_translators: list[QTranslator] = []  # kept alive for the whole process

SUPPLEMENT = ("desktop.kit", "qt_supplement_zh_CN.qm")
"""Chinese for texts of Qt's dialogs that ``qtbase_zh_CN.qm`` lacks (source: the .ts beside it)."""

SHIPPED_FONT = ("exports", "fonts", "wqy-microhei.ttc")
"""The openly licensed CJK font shipped for the documents (``exports/fonts``), also the window's
font on a machine without any Chinese font."""


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    return app


def install_translations(app: QApplication) -> bool:
    """Load Qt's own Chinese texts (standard buttons, file dialogs…) and, after them, the few they
    lack (``SUPPLEMENT``: “查找范围”, “文件类型” of the file dialog); False if Qt's are not found."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if _translators:
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    found = translator.load("qtbase_zh_CN", folder)
    if found:
        app.installTranslator(translator)
        _translators.append(translator)
    else:
        log.warning("找不到 Qt 中文翻译 qtbase_zh_CN.qm（%s）", folder)
    supplement = QTranslator(app)
    package, name = SUPPLEMENT
    resource = importlib.resources.files(package).joinpath(name)
    if isinstance(resource, Path) and supplement.load(str(resource)):
        app.installTranslator(supplement)  # installed last: asked first
        _translators.append(supplement)
    else:
        log.warning("找不到 %s/%s，文件对话框的个别文字将是英文", package, name)
    return found


def chinese_families() -> list[str]:
    """The installed font families that can write Simplified Chinese."""
    return QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)


def install_fonts(app: QApplication) -> str | None:
    """Make the window's Chinese readable: when no installed family covers Simplified Chinese
    (a fresh Linux machine shows empty boxes for every character), register the font shipped
    with the application and make it the application font (same size). Installed Chinese fonts
    are kept as they are. Returns the family set, None when nothing was changed."""
    if chinese_families():
        return None
    package, *parts = SHIPPED_FONT
    resource = importlib.resources.files(package).joinpath(*parts)
    if isinstance(resource, Path):  # an ordinary file: Qt reads it when it needs glyphs
        font_id = QFontDatabase.addApplicationFont(str(resource))
    elif resource.is_file():  # inside an archive: hand Qt the bytes
        font_id = QFontDatabase.addApplicationFontFromData(resource.read_bytes())
    else:
        font_id = -1
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("没有可显示中文的字体，软件附带的字体 %s 也无法载入", "/".join(SHIPPED_FONT))
        return None
    font = app.font()
    font.setFamilies([families[0]])
    app.setFont(font)
    log.info("系统中没有中文字体，界面使用软件附带的 %s", families[0])
    return families[0]


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
    log.info("启动 %s，日志：%s", __version__, log_file)
    install_fonts(app)  # before the first window, so every widget gets it
    hooks = install_exception_hooks()
    try:
        return _run(app, db, demo)
    finally:
        hooks.uninstall()


def _open(target: str | None) -> Database | None:
    from models.modules import open_database

    try:
        return open_database(target)
    except DeskError as exc:
        log.warning("无法打开数据库：%s", exc)
        messages.critical(None, QCoreApplication.translate("app", "无法打开数据库"), str(exc))
        return None


def _run(app: QApplication, db: str | None, demo: bool) -> int:
    settings = Settings.open()
    window = MainWindow(None, settings)
    window.show()
    bench = bool(os.environ.get(QUIT_WHEN_SHOWN_ENV))
    if bench:
        QTimer.singleShot(0, lambda: _report("shown"))
    # Open the database once the frame is on screen (the zero timer runs after the show).
    QTimer.singleShot(0, lambda: _open_into(app, window, settings, db, demo, bench))
    try:
        return app.exec()
    finally:
        window.runner.shutdown()
        if window.has_database:
            window.db.dispose()
        window.deleteLater()


def _open_into(app: QApplication, window: MainWindow, settings: Settings, db: str | None,
               demo: bool, bench: bool) -> None:
    from desktop import first_start
    from models.enterprises.queries import has_enterprises

    database = _open(str(demo_db_path()) if demo else db)
    if database is None:
        window.hide()
        app.exit(1)
        return
    fill = demo and not has_enterprises(database)
    if not demo and first_start.should_ask(db, settings, database):
        choice = first_start.ask(window)
        first_start.record(choice, settings)
        if choice is first_start.FirstStartChoice.DEMO:
            database.dispose()
            database = _open(str(demo_db_path()))
            if database is None:
                window.hide()
                app.exit(1)
                return
            fill = not has_enterprises(database)
    window.attach_database(database)
    if fill:
        window.fill_demo()
    if bench:  # ready: the first page shows its data (the home page reads it in the background)
        window.when_first_page_loaded(lambda: (_report("ready"), app.exit(0)))


def _report(stage: str) -> None:
    print(f"{stage} rss_kb={rss_kb()}", flush=True)
