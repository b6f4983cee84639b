"""The write flow: saves run on the writer thread, the window keeps working while the database is slow,
and every outcome reaches the user as one Chinese message (or the form's own marks) with nothing lost."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from desktop.enterprises.dialog import EnterpriseDialog
from desktop.kit.writes import Outcome, WriteOp
from models.core.errors import BusyError, StateError
from models.enterprises import queries as enterprise_queries
from models.enterprises import service as enterprises
from tests.factories import TESTER, create_enterprise


@pytest.fixture
def dialog(qtbot, sqlite_db, runner):
    eid = create_enterprise(sqlite_db, 1)
    form = EnterpriseDialog(sqlite_db, runner, eid, actor=TESTER)
    qtbot.addWidget(form)
    form.show()
    return form


def stored_principal(db, enterprise_id: int) -> str:
    with db.read() as s:
        return enterprises.load(s, enterprise_id)[0].principal


def test_a_slow_database_never_freezes_the_window(qtbot, dialog, sqlite_db, monkeypatch, finish):
    release = threading.Event()
    entered = threading.Event()
    real_update = enterprises.update
    window_threads: list[object] = []

    def slow_update(uow, enterprise_id, data, expected_version):
        window_threads.append(threading.current_thread())
        entered.set()
        assert release.wait(10), "never released"
        return real_update(uow, enterprise_id, data, expected_version)

    monkeypatch.setattr(enterprises, "update", slow_update)
    dialog.widgets["principal"].setText("陈立新")
    op = dialog.save()
    assert op is not None and op.running
    qtbot.waitUntil(entered.is_set, timeout=3000)
    # the write waits on another thread; the window thread goes on: a timer still fires …
    ticked: list[bool] = []
    with qtbot.waitSignal(dialog.sig_save_ended, timeout=500, raising=False) as ended:
        QTimer.singleShot(20, lambda: ticked.append(True))
    assert not ended.signal_triggered and ticked == [True]
    assert window_threads and window_threads[0] is not threading.main_thread()
    # … the form stays open with its input, 保存 is disabled and a second click starts nothing
    assert dialog.isVisible() and dialog.widgets["principal"].text() == "陈立新"
    assert not dialog.save_button.isEnabled() and dialog.save_button.text() == "正在保存…"
    assert not dialog.widgets["principal"].isEnabled()
    assert dialog.save() is None
    dialog.reject()  # the write has begun: closing waits for it
    assert dialog.isVisible()
    release.set()
    assert finish(op) == "saved"
    assert not dialog.isVisible() and stored_principal(sqlite_db, dialog.enterprise_id) == "陈立新"


def test_busy_database_keeps_the_form_and_its_input(dialog, sqlite_db, monkeypatch, msgs, finish):
    def busy(*_args, **_kwargs):
        raise BusyError(5)

    monkeypatch.setattr(enterprises, "update", busy)
    dialog.widgets["principal"].setText("陈立新")
    assert finish(dialog.save()) == "busy"
    assert msgs.calls[0][:2] == ("warn", "数据库正忙") and "您填写的内容没有丢失" in msgs.texts()[0]
    assert dialog.isVisible() and dialog.widgets["principal"].text() == "陈立新"
    assert dialog.save_button.isEnabled() and dialog.save_button.text() == "保存"
    assert dialog.widgets["principal"].isEnabled()
    assert stored_principal(sqlite_db, dialog.enterprise_id) == "王建国"


def test_a_state_error_is_one_message_and_the_form_stays(dialog, monkeypatch, msgs, finish):
    def refused(*_args, **_kwargs):
        raise StateError("企业已被列入黑名单，不能修改。")

    monkeypatch.setattr(enterprises, "update", refused)
    dialog.widgets["address"].setText("新地址")
    assert finish(dialog.save()) == "refused"
    assert msgs.calls == [("warn", "无法保存", "企业已被列入黑名单，不能修改。")]
    assert dialog.isVisible() and dialog.widgets["address"].text() == "新地址"


def test_an_unexpected_error_is_one_chinese_message_and_the_traceback_is_logged(
        dialog, sqlite_db, monkeypatch, msgs, finish, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("sqlite3.OperationalError: near SELECT: syntax error")

    monkeypatch.setattr(enterprises, "update", broken)
    dialog.widgets["principal"].setText("陈立新")
    with caplog.at_level(logging.ERROR):
        assert finish(dialog.save()) == "failed"
    assert msgs.kinds() == ["critical"]
    text = msgs.texts()[0]
    assert text.startswith("保存失败：发生意外错误") and "详细信息已写入日志" in text
    assert "RuntimeError" not in text and "SELECT" not in text and "sqlite" not in text
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert len(logged) == 1 and "Traceback" in caplog.text and "near SELECT" in caplog.text
    assert dialog.isVisible() and dialog.widgets["principal"].text() == "陈立新"
    assert stored_principal(sqlite_db, dialog.enterprise_id) == "王建国"


def test_a_save_waiting_for_the_writer_can_be_cancelled(dialog, sqlite_db, runner, finish):
    release = threading.Event()
    runner.run(lambda _p: release.wait(10), label="后台写入", writes=True, show_progress=False)
    dialog.widgets["principal"].setText("陈立新")
    op = dialog.save()
    assert op is not None and not op.started  # queued behind the other writer
    dialog.reject()  # 取消 while waiting: the save is dropped, the form stays with its input
    release.set()
    assert finish(op) == "cancelled"
    assert dialog.isVisible() and dialog.widgets["principal"].text() == "陈立新" and dialog.save_button.isEnabled()
    assert "已取消保存" in dialog.errors.banner.text()
    assert stored_principal(sqlite_db, dialog.enterprise_id) == "王建国"


def test_writes_queue_behind_a_background_writer_instead_of_being_refused(qtbot, sqlite_db, runner, msgs, finish):
    """What ``_writer_busy`` used to refuse now waits its turn on the single writer thread."""
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    order: list[str] = []
    runner.run(lambda _p: (release.wait(10), order.append("background")), label="演示数据", writes=True,
               show_progress=False)
    eid = create_enterprise(sqlite_db, 1)
    op = WriteOp(parent, runner, sqlite_db, TESTER,
                 lambda uow: (order.append("mine"), enterprises.delete(uow, eid, expected_version=1)))
    done: list[Outcome] = []
    op.ended(done.append).run()
    assert op.running and not op.started and msgs.calls == []
    release.set()
    assert finish(op) == "saved" and done == [Outcome.SAVED] and order == ["background", "mine"]
    with sqlite_db.read() as s:
        assert enterprise_queries.count(s, enterprise_queries.EnterpriseFilter(deleted=True)) == 1


def test_the_default_outcomes_of_an_op_without_callbacks(qtbot, sqlite_db, runner, msgs, finish):
    parent = QWidget()
    qtbot.addWidget(parent)
    eid = create_enterprise(sqlite_db, 1)
    stale = WriteOp(parent, runner, sqlite_db, TESTER, lambda uow: enterprises.delete(uow, eid, expected_version=9),
                    title="无法删除").run()
    assert finish(stale) == "conflict"
    assert msgs.calls[-1][:2] == ("warn", "无法删除") and "已被他人修改" in msgs.texts()[-1]
    result: list[object] = []
    ok = WriteOp(parent, runner, sqlite_db, TESTER, lambda uow: enterprises.delete(uow, eid, expected_version=1))
    assert finish(ok.success(result.append).run()) == "saved" and result == [None]
