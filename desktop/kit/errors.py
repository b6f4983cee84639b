"""Logging and the last line of error handling.

``setup_logging`` (from ``desktop.kit.logs``, shared with the CLI) writes to
``<data dir>/logs/emergency-desk.log`` (rotating, 1 MB × 5).
``install_exception_hooks`` replaces ``sys.excepthook`` and ``threading.excepthook``: an error
nobody handled is logged with its traceback and shown as a Chinese message box, and the
application keeps running. Expected errors (``DeskError``) show as a warning with their own
message; they are the core's Chinese sentences meant for the user. ``report_failure`` is the
write flow's way of saying a save failed unexpectedly: one Chinese sentence (no English, no SQL)
on screen, the whole traceback in the log. ``read_failure_text`` is the same for a read the window
started by itself (a list's rows): one sentence for the status bar, the traceback in the log.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from desktop.kit import messages
from desktop.kit.logs import log_path
from models.core.errors import DeskError

log = logging.getLogger("desktop")


def _tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def _dialog_parent() -> QWidget | None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    return app.activeWindow()


_showing = False


def report_exception(exc: BaseException, parent: QWidget | None = None) -> None:
    """Tell the user about ``exc`` (main thread only); unexpected errors go to the log first."""
    global _showing
    if isinstance(exc, DeskError):
        log.info("已提示用户：%s", exc)
        text = str(exc)
        title = _tr("提示")
    else:
        log.error("发生意外错误", exc_info=(type(exc), exc, exc.__traceback__))
        text = _tr("发生意外错误，当前操作未完成。\n\n详细信息已写入日志：{path}").format(path=log_path())
        title = _tr("错误")
    if _showing:  # an error while the previous message is still open: the log has it
        return
    _showing = True
    try:
        parent = parent or _dialog_parent()
        if isinstance(exc, DeskError):
            messages.warn(parent, title, text)
        else:
            messages.critical(parent, title, text, f"{type(exc).__name__}: {exc}")
    finally:
        _showing = False


def report_failure(exc: BaseException, parent: QWidget | None, *, heading: str = "", title: str = "") -> None:
    """An unexpected error of an operation the user started (a save): the traceback goes to the log,
    the user reads ``heading``（保存失败）and where the log is — never the exception's own text."""
    log.error("%s", heading or "保存失败", exc_info=(type(exc), exc, exc.__traceback__))
    text = _tr("{0}：发生意外错误，没有写入任何数据；窗口中的内容仍然保留。\n\n详细信息已写入日志：{1}").format(
        heading or _tr("保存失败"), log_path())
    messages.critical(parent or _dialog_parent(), title or _tr("保存失败"), text)


def read_failure_text(exc: BaseException, what: str) -> str:
    """A background read the window started by itself failed (a list's rows): the sentence its page
    shows in the status bar, keeping what it showed. ``DeskError``s say their own Chinese reason;
    anything else (the database gone, locked, a broken connection) goes to the log with its
    traceback, never to the screen in English."""
    if isinstance(exc, DeskError):
        log.info("读取%s失败：%s", what, exc)
        return _tr("无法读取{0}：{1}").format(what, exc)
    log.error("读取%s失败", what, exc_info=(type(exc), exc, exc.__traceback__))
    return _tr("无法读取{0}：数据库暂时无法读取，仍显示上次读取的内容。请稍后点击“刷新”重试；"
               "详细信息已写入日志：{1}").format(what, log_path())


class _Relay(QObject):
    """Carries exceptions from any thread to the main thread, where dialogs may be shown."""

    sig_exception = Signal(object)
    """An exception that nobody handled (emitted from any thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.sig_exception.connect(self._on_exception, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_exception(self, exc: BaseException) -> None:
        report_exception(exc)


class ExceptionHooks:
    """The installed hooks; ``uninstall`` puts the previous ones back (tests, nested runs)."""

    def __init__(self) -> None:
        self._relay = _Relay()
        app = QCoreApplication.instance()
        if app is not None:
            self._relay.moveToThread(app.thread())
        self._old_sys = sys.excepthook
        self._old_threading = threading.excepthook

    def install(self) -> ExceptionHooks:
        sys.excepthook = self.excepthook
        threading.excepthook = self.threading_excepthook
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._old_sys
        if threading.excepthook == self.threading_excepthook:
            threading.excepthook = self._old_threading

    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._old_sys(exc_type, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        self._deliver(exc)

    def threading_excepthook(self, args: Any) -> None:
        exc = args.exc_value
        if exc is None or issubclass(args.exc_type, SystemExit):
            return
        if exc.__traceback__ is None and args.exc_traceback is not None:
            exc = exc.with_traceback(args.exc_traceback)
        self._deliver(exc)

    def _deliver(self, exc: BaseException) -> None:
        app = QCoreApplication.instance()
        if app is None:
            log.error("发生意外错误", exc_info=(type(exc), exc, exc.__traceback__))
        elif QThread.currentThread() is app.thread():
            report_exception(exc)
        else:
            self._relay.sig_exception.emit(exc)  # queued: shown (and logged) on the main thread


def install_exception_hooks() -> ExceptionHooks:
    return ExceptionHooks().install()
