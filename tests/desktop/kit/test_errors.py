"""Unhandled errors are logged with their traceback and shown in Chinese; the app keeps running."""

from __future__ import annotations

import sys
import threading

import pytest

from desktop.kit.errors import install_exception_hooks, report_exception
from desktop.kit.logs import log_path, setup_logging
from models.core.errors import NotFoundError


@pytest.fixture
def hooks(qapp):
    setup_logging()
    installed = install_exception_hooks()
    yield installed
    installed.uninstall()


def raise_and_catch(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - we want the traceback attached
        return caught


def test_unexpected_error_is_logged_and_shown(hooks, msgs):
    exc = raise_and_catch(ZeroDivisionError("除数为零"))
    sys.excepthook(type(exc), exc, exc.__traceback__)
    assert msgs.kinds() == ["critical"]
    text = msgs.texts()[0]
    assert text.startswith("发生意外错误") and str(log_path()) in text
    log = log_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "ZeroDivisionError: 除数为零" in log


def test_expected_error_shows_its_own_message(hooks, msgs):
    exc = NotFoundError("企业", 7)
    sys.excepthook(type(exc), exc, None)
    assert msgs.calls == [("warn", "提示", "找不到企业（编号 7），它可能已被删除。")]


def test_error_in_a_thread_is_shown_on_the_main_thread(qtbot, hooks, msgs):
    def boom() -> None:
        raise RuntimeError("线程出错")

    thread = threading.Thread(target=boom, name="worker-x")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: msgs.kinds() == ["critical"], timeout=3000)
    assert "RuntimeError: 线程出错" in log_path().read_text(encoding="utf-8")


def test_uninstall_restores_previous_hooks(qapp):
    before_sys, before_threading = sys.excepthook, threading.excepthook
    installed = install_exception_hooks()
    assert sys.excepthook != before_sys
    installed.uninstall()
    assert sys.excepthook == before_sys and threading.excepthook == before_threading


def test_report_exception_directly(msgs):
    report_exception(ValueError("x"))
    assert msgs.kinds() == ["critical"]
