"""Main window: title, status bar, navigation, remembered geometry, demo filling, switching databases."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QMessageBox

from desktop.kit.settings import Settings
from desktop.main_window import MainWindow
from models.core import reference
from models.core.errors import Cancelled
from models.core.paths import demo_db_path
from models.core.progress import NULL_PROGRESS
from models.core.uow import os_actor
from models.enterprises import queries as enterprise_queries
from models.enterprises.queries import EnterpriseFilter, overview
from models.modules import open_database
from tests.desktop.loading import wait_loaded
from tests.factories import TESTER, create_enterprise


def home_loaded(qtbot, window: MainWindow):  # type: ignore[no-untyped-def]
    """The home page once its background read is shown."""
    home = window.home_page
    if home.loading:
        with qtbot.waitSignal(home.sig_loaded, timeout=10000):
            pass
    return home


@pytest.fixture
def make_window(qtbot, sqlite_db, settings):
    windows: list[MainWindow] = []

    def make(db=None, **kwargs) -> MainWindow:
        window = MainWindow(db or sqlite_db, settings, progress_delay_ms=50, **kwargs)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.runner.shutdown()


def test_title_status_bar_and_navigation(qtbot, make_window, sqlite_db, fill):
    fill(sqlite_db, 3)
    window = make_window()
    assert window.windowTitle() == "应急预案与演练管理系统 — test.sqlite"
    assert window.db_label.text() == "数据库：test.sqlite"
    assert window.user_label.text() == f"用户：{os_actor().name}"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == ["首页", "企业", "预案", "演练", "物资", "队伍", "值班", "隐患排查", "黑名单",
                                                                                "事故信息", "统计排名", "检索"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "管理(&M)", "帮助(&H)"]
    assert window.current_page() is window.home_page  # first page, loaded at start (in the background)
    assert home_loaded(qtbot, window).total_label.text() == "在册企业 3 家（不含回收站）"
    assert not window.enterprises_page.activated  # nothing loaded before it is shown
    window.nav.setCurrentRow(1)
    assert window.current_page() is window.enterprises_page
    wait_loaded(qtbot, window.enterprises_page.model)
    assert window.enterprises_page.model.rowCount() == 3
    assert window.settings.last_page == "enterprises"


def test_home_counts_by_risk_and_key_industry(sqlite_db, fill):
    with sqlite_db.read() as s:
        industries = {c.code: c.id for c in reference.industries(s)}
        risks = reference.risk_levels(s)
    fill(sqlite_db, 2, start=1, industry_id=industries["hazchem.production"], risk_level_id=risks[0].id)
    fill(sqlite_db, 1, start=3, industry_id=industries["hazchem"], risk_level_id=risks[3].id)
    fill(sqlite_db, 1, start=4, industry_id=industries["other"], risk_level_id=risks[3].id)
    with sqlite_db.read() as s:
        counts = overview(s)
    assert counts.total == 4
    assert [(t.name, t.count) for t in counts.by_risk] == [("重大", 2), ("较大", 0), ("一般", 0), ("低", 2)]
    assert counts.by_risk[0].color == "#D7263D"
    by_industry = dict((t.name, t.count) for t in counts.by_key_industry)
    assert by_industry["危险化学品"] == 3 and by_industry["矿山"] == 0
    assert "其他" not in by_industry


def test_changes_on_one_page_refresh_the_others(qtbot, make_window, sqlite_db, fill, msgs, finish):
    fill(sqlite_db, 2)
    window = make_window()
    assert home_loaded(qtbot, window).overview.total == 2
    page = window.show_page("enterprises")
    wait_loaded(qtbot, page.model)
    page.select_row(0)
    assert finish(page.delete_current()) == "saved"
    window.show_page("home")
    assert home_loaded(qtbot, window).overview.total == 1


def test_geometry_and_last_page_are_remembered(make_window, settings):
    window = make_window()
    window.setGeometry(QRect(10, 50, 970, 666))  # the offscreen screen is 800 × 800
    window.show_page("enterprises")
    saved = window.saveGeometry()
    window.close()
    again = Settings.open()
    assert again.window_geometry == saved and again.last_page == "enterprises"
    second = make_window()
    assert second.height() == 666
    assert second.current_page() is second.enterprises_page


def test_a_remembered_size_larger_than_the_screen_is_clamped(qtbot, make_window, settings):
    from PySide6.QtWidgets import QMainWindow

    big = QMainWindow()  # as saved on a larger monitor
    qtbot.addWidget(big)
    big.setGeometry(QRect(300, 200, 1600, 1000))
    settings.window_geometry = big.saveGeometry()
    window = make_window()
    area = window.screen().availableGeometry()
    assert window.height() <= area.height()  # Qt clamps a restored geometry to the screen…
    assert window.width() <= max(area.width(), window.minimumWidth())  # …down to the minimum (960)


def test_close_with_running_task_asks_and_then_cancels(make_window, msgs):
    window = make_window()
    started, ended = threading.Event(), threading.Event()

    def long_job(progress):
        started.set()
        try:
            while True:
                progress.report(0, 0)
                threading.Event().wait(0.01)
        finally:
            ended.set()

    window.runner.run(long_job, label="长任务", show_progress=False)
    assert started.wait(5)
    msgs.confirm_answer = False
    assert not window.close()
    assert window.isVisible() and window.runner.busy
    msgs.confirm_answer = True
    assert window.close()
    assert ended.is_set() and not window.runner.busy


def test_fill_demo_runs_the_generator_in_the_background(qtbot, make_window, sqlite_db, fake_module):
    calls = []

    def generate(db, *, scale="small", seed=1, actor=None, progress=NULL_PROGRESS):
        calls.append((db, scale, threading.current_thread() is threading.main_thread()))
        progress.report(0, 2, "企业")
        for n in (1, 2):
            create_enterprise(db, n)
        return "结果"

    fake_module("plans.demo", generate=generate)
    window = make_window()
    window.show_page("enterprises")
    with qtbot.waitSignal(window.sig_demo_filled, timeout=5000) as blocker:
        window.fill_demo()
    assert blocker.args == ["结果"]
    assert calls == [(sqlite_db, "small", False)]
    wait_loaded(qtbot, window.enterprises_page.model)
    assert window.enterprises_page.model.rowCount() == 2  # pages refreshed
    window.show_page("home")
    assert home_loaded(qtbot, window).overview.total == 2


def test_home_says_the_demo_is_being_generated_and_refreshes_when_done(qtbot, make_window, sqlite_db,
                                                                       fake_module):
    release = threading.Event()

    def generate(db, *, scale="small", seed=1, actor=None, progress=NULL_PROGRESS):
        progress.report(1, 4, "企业名录")
        assert release.wait(5)
        for n in (1, 2):
            create_enterprise(db, n)
        return "结果"

    fake_module("plans.demo", generate=generate)
    window = make_window()
    home = home_loaded(qtbot, window)
    assert home.total_label.text() == "在册企业 0 家（不含回收站）" and "还没有企业" in home.hint.text()
    with qtbot.waitSignal(window.sig_demo_filled, timeout=5000):
        task = window.fill_demo()
        assert home.total_label.text() == "正在生成演示数据库，请稍候…"
        assert "还没有企业" not in home.hint.text() and "演示数据库" in home.hint.text()
        assert home.demo_progress.isVisible() and home.details.isHidden()
        with qtbot.waitSignal(task.sig_progress, timeout=5000):
            pass
        assert (home.demo_progress.value(), home.demo_progress.maximum()) == (1, 4)
        assert home.demo_step.text() == "企业名录"
        window.refresh_all()  # a refresh meanwhile keeps saying so
        assert home.total_label.text() == "正在生成演示数据库，请稍候…"
        release.set()
    home_loaded(qtbot, window)
    assert home.total_label.text() == "在册企业 2 家（不含回收站）"
    assert home.demo_progress.isHidden() and not home.details.isHidden()  # (in the 企业概况 tab)


def test_cancelled_demo_leaves_the_database_empty(qtbot, make_window, sqlite_db, fake_module):
    def generate(db, *, scale="small", seed=1, actor=None, progress=NULL_PROGRESS):
        raise Cancelled()

    fake_module("plans.demo", generate=generate)
    window = make_window()
    home_loaded(qtbot, window)
    task = window.fill_demo()
    with qtbot.waitSignal(task.sig_cancelled, timeout=5000):
        pass
    with sqlite_db.read() as s:
        assert enterprise_queries.count(s, EnterpriseFilter()) == 0
    assert not window.home_page.demo_filling  # back to saying what is there
    assert window.home_page.total_label.text() == "在册企业 0 家（不含回收站）"


def test_switch_database(qtbot, make_window, tmp_path, fill):
    other = open_database(str(tmp_path / "other.sqlite"))
    fill(other, 4)
    other.dispose()
    window = make_window()
    home_loaded(qtbot, window)
    assert window.switch_database(str(tmp_path / "other.sqlite"))
    assert window.windowTitle() == "应急预案与演练管理系统 — other.sqlite"
    assert window.db_label.text() == "数据库：other.sqlite"
    assert home_loaded(qtbot, window).overview.total == 4
    window.db.dispose()


def test_switch_database_while_the_first_page_is_still_reading(qtbot, make_window, tmp_path, fill, msgs):
    """Right after start-up (首页's first read under way) a switch waits for the reads, it is not refused."""
    other = open_database(str(tmp_path / "other.sqlite"))
    fill(other, 2)
    other.dispose()
    window = make_window()
    assert window.runner.busy  # the home page's first read
    assert window.switch_database(str(tmp_path / "other.sqlite"))
    assert msgs.kinds() == []
    assert home_loaded(qtbot, window).overview.total == 2
    window.db.dispose()


def test_switch_to_a_bad_database_keeps_the_current_one(qtbot, make_window, msgs, tmp_path):
    window = make_window()
    home_loaded(qtbot, window)
    assert not window.switch_database("nosuchdriver://x/y")
    assert msgs.kinds() == ["warn"] and "无法" in msgs.texts()[0]
    assert window.windowTitle().endswith("test.sqlite")


def test_open_demo_database_fills_it_when_empty(qtbot, make_window, fake_module):
    calls = []

    def generate(db, *, scale="small", seed=1, actor=None, progress=NULL_PROGRESS):
        calls.append(db.name)
        create_enterprise(db, 1, actor=TESTER)
        return None

    fake_module("plans.demo", generate=generate)
    window = make_window()
    home_loaded(qtbot, window)
    with qtbot.waitSignal(window.sig_demo_filled, timeout=5000):
        window.open_demo_database()
    assert calls == [demo_db_path().name]
    assert window.windowTitle().endswith("demo.sqlite")
    window.db.dispose()


def test_about_box_is_chinese(make_window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or 0)
    window = make_window()
    window.show_about()
    title, text = shown[0]
    assert title == "关于" and "应急预案与演练管理系统" in text
    for today in ("企业名录", "应急预案", "导出 Word 和 PDF", "打印预览", "test.sqlite"):
        assert today in text
    body = text.replace("应急预案与演练管理系统", "")
    for not_yet in ("演练", "物资", "队伍", "值班", "隐患", "统计"):  # modules that do not exist yet
        assert not_yet not in body


def test_the_plans_page_prints_with_the_products_annex_builders(make_window, sqlite_db):
    """The main window (the composition root) hands plans.annexes.BUILDERS down: the plans page
    may not import what later modules (supplies, teams) contribute to a printed plan."""
    from plans import annexes

    window = make_window()
    page = next(p for p in window.pages if p.key == "plans")
    assert page.documents.annex_builders is annexes.BUILDERS
