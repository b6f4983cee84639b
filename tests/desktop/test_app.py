"""run_gui: start-up, the benchmark hook, database errors, and the first-start question."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import app as app_module
from desktop import first_start
from desktop.app import QUIT_WHEN_SHOWN_ENV, install_translations, run_gui
from desktop.first_start import FirstStartChoice
from desktop.kit.settings import Settings
from desktop.main_window import MainWindow
from models.core.paths import ENV_DB, default_db_path, demo_db_path
from models.core.progress import NULL_PROGRESS
from models.modules import open_database
from tests.factories import create_enterprise


@pytest.fixture
def windows(monkeypatch):
    """Record the main windows run_gui creates (they are gone once it returns)."""
    made: list[MainWindow] = []

    class Recording(MainWindow):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_module, "MainWindow", Recording)
    return made


@pytest.fixture
def quit_when_shown(monkeypatch):
    monkeypatch.setenv(QUIT_WHEN_SHOWN_ENV, "1")


def test_quit_when_shown_prints_memory_and_exits_0(qapp, quit_when_shown, tmp_path, capsys, windows, fill):
    db = open_database(str(tmp_path / "x.sqlite"))
    fill(db, 2)
    db.dispose()
    assert run_gui(str(tmp_path / "x.sqlite")) == 0
    out = capsys.readouterr().out.strip().splitlines()
    # The frame shows first; then the database opens and the first page loads.
    assert [line.split()[0] for line in out] == ["shown", "ready"]
    assert all(int(line.split("=")[1]) > 0 for line in out)  # VmRSS from /proc on Linux
    (window,) = windows
    assert window.windowTitle() == "应急预案与演练管理系统 — x.sqlite"
    assert window.home_page.overview is not None and window.home_page.overview.total == 2


def test_unopenable_database_shows_a_message_and_returns_1(qapp, msgs):
    assert run_gui("nosuchdriver://nowhere/db") == 1
    assert msgs.kinds() == ["critical"]
    assert "数据库" in msgs.texts()[0]


def test_translations_and_locale(qapp):
    from PySide6.QtCore import QLocale

    assert install_translations(qapp) is True
    assert QLocale().name() == "zh_CN"


def test_the_supplement_qm_says_what_its_ts_says(qapp):
    import xml.etree.ElementTree as ET

    from PySide6.QtCore import QCoreApplication

    install_translations(qapp)
    source = Path(app_module.__file__).parent / "kit" / "qt_supplement_zh_CN.ts"
    messages = [(context.findtext("name"), m.findtext("source"), m.findtext("translation"))
                for context in ET.parse(source).getroot().iter("context") for m in context.iter("message")]
    assert ("QFileDialog", "&Look in:", "查找范围(&L)：") in messages
    for context, text, translation in messages:  # the .qm was compiled from this .ts
        assert QCoreApplication.translate(context, text) == translation


def english_left(widget) -> list[str]:
    """Visible texts of a Qt dialog that still contain English words."""
    import re

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QTreeView

    texts = [w.text() for w in widget.findChildren(QLabel)]
    texts += [t for w in widget.findChildren(QAbstractButton) for t in (w.text(), w.toolTip())]
    texts += [w.title() for w in widget.findChildren(QGroupBox)]
    texts += [w.itemText(i) for w in widget.findChildren(QComboBox) for i in range(w.count())]
    texts += [str(w.model().headerData(i, Qt.Orientation.Horizontal)) for w in widget.findChildren(QTreeView)
              for i in range(w.model().columnCount())]
    return [t for t in texts if re.search(r"[A-Za-z]{2,}", t.replace("PDF", ""))
            and not Path(t).is_absolute()]  # folder names in the “查找范围” box are the user's


@pytest.mark.parametrize("mode", ["open", "save", "folder"])
def test_qt_file_dialogs_are_chinese(qtbot, qapp, tmp_path, mode):
    from PySide6.QtWidgets import QFileDialog

    install_translations(qapp)
    dialog = QFileDialog(None, "导出Excel", str(tmp_path), "Excel 工作簿 (*.xlsx)")
    qtbot.addWidget(dialog)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own dialog (Linux), not Windows'
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if mode == "folder":
        dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.show()
    assert set(english_left(dialog)) <= {"Excel 工作簿 (*.xlsx)"}  # only the file type we named
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn) == "查找范围(&L)："
    assert dialog.labelText(QFileDialog.DialogLabel.FileType) == "文件类型(&T)："


def test_the_print_dialog_is_chinese(qtbot, qapp):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    install_translations(qapp)
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    assert english_left(dialog) == []


@pytest.fixture
def app_font(qapp):
    """Put the application font back after a test changed it."""
    font = qapp.font()
    yield font
    qapp.setFont(font)


def test_shipped_font_when_no_family_writes_chinese(qapp, app_font, monkeypatch):
    from PySide6.QtGui import QFontDatabase, QFontMetrics

    monkeypatch.setattr(app_module, "chinese_families", lambda: [])  # as on a fresh Linux machine
    family = app_module.install_fonts(qapp)
    assert family == "WenQuanYi Micro Hei"
    font = qapp.font()
    assert font.family() == family and font.pointSizeF() == app_font.pointSizeF()
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
    metrics = QFontMetrics(font)
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "应急预案与演练管理系统（9 个）")


def test_installed_chinese_fonts_are_kept(qapp, app_font, monkeypatch):
    monkeypatch.setattr(app_module, "chinese_families", lambda: ["Microsoft YaHei UI"])
    assert app_module.install_fonts(qapp) is None
    assert qapp.font() == app_font


def test_first_start_asks_only_on_an_empty_default_database(qapp, tmp_path, monkeypatch):
    settings = Settings.open()
    empty = open_database(None)
    assert first_start.should_ask(None, settings, empty)
    assert not first_start.should_ask(str(tmp_path / "x.sqlite"), settings, empty)
    monkeypatch.setenv(ENV_DB, str(tmp_path / "y.sqlite"))
    assert not first_start.should_ask(None, settings, empty)
    monkeypatch.delenv(ENV_DB)
    create_enterprise(empty, 1)
    assert not first_start.should_ask(None, settings, empty)
    empty.dispose()
    other = open_database(str(tmp_path / "z.sqlite"))
    settings.first_start_answered = True
    assert not first_start.should_ask(None, settings, other)
    other.dispose()


def test_first_start_question_texts(msgs):
    msgs.choose_answer = 1
    assert first_start.ask() is FirstStartChoice.BLANK
    msgs.choose_answer = 0
    assert first_start.ask() is FirstStartChoice.DEMO
    msgs.choose_answer = -1
    assert first_start.ask() is None
    assert msgs.texts()[0] == "数据库中还没有任何企业。"


def test_start_blank_is_remembered(qapp, quit_when_shown, msgs, windows, capsys):
    msgs.choose_answer = 1  # 从空白开始
    assert run_gui(None) == 0
    assert msgs.kinds() == ["choose"]
    assert Settings.open().first_start_answered is True
    assert windows[0].db.name == default_db_path().name
    msgs.calls.clear()
    assert run_gui(None) == 0
    assert msgs.calls == []  # not asked again


def test_choosing_demo_opens_the_demo_database_and_fills_it(qapp, quit_when_shown, msgs, windows,
                                                            fake_module, capsys):
    def generate(db, *, scale="small", seed=1, actor=None, progress=NULL_PROGRESS):
        return None

    fake_module("plans.demo", generate=generate)
    msgs.choose_answer = 0  # 打开演示数据库
    assert run_gui(None) == 0
    (window,) = windows
    assert window.db.name == demo_db_path().name
    assert window.windowTitle().endswith("demo.sqlite")
    assert window.demo_task is not None  # filling was started
    assert Settings.open().first_start_answered is False  # asked again while the real one is empty


def test_demo_flag_skips_the_question_and_does_not_refill(qapp, quit_when_shown, msgs, windows, capsys):
    demo = open_database(str(demo_db_path()))
    create_enterprise(demo, 1)
    demo.dispose()
    assert run_gui(None, demo=True) == 0
    assert msgs.calls == []
    assert windows[0].demo_task is None
    assert windows[0].db.name == "demo.sqlite"


def test_the_pages_do_not_import_the_document_exporters() -> None:
    """Start-up stays light: reportlab, python-docx, openpyxl and QtPdf load with their first use."""
    import os
    import subprocess
    import sys

    code = ("import sys; import desktop.main_window, desktop.plans.page, desktop.enterprises.page, "
            "desktop.plans.search, desktop.home.page; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'docx', 'openpyxl'}) + "
            "[m for m in sys.modules if m.startswith(('PySide6.QtPdf', 'PySide6.QtPrintSupport'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "[]"
