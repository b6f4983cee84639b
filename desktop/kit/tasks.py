"""The task runner: long work off the window thread, results back on it.

``runner.run(fn, label=…)`` calls ``fn(progress)`` on a thread pool and returns a ``Task`` whose
``sig_*`` signals arrive on the main thread. A ``QProgressDialog`` (Chinese text, 取消 button)
appears only when the work takes longer than ``progress_delay_ms`` (600 ms); its 取消 button
calls ``progress.cancel()``, the job's next ``progress.report`` raises ``Cancelled`` and the task
ends with ``sig_cancelled`` (never ``sig_failed``).

Tasks that write (``writes=True``) go to a pool with a single thread, so there is one writer
at a time, as the unit of work expects. The runner keeps every running task referenced, and
``shutdown`` (called when the main window closes) cancels and waits for them all, so no thread
outlives the window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from models.core.errors import Cancelled
from models.core.progress import Progress

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600
_REPORT_INTERVAL_S = 0.1


class Task(QObject):
    """One piece of background work. Connect to its signals right after ``TaskRunner.run``."""

    sig_finished = Signal(object)
    """The callable returned; the argument is its result."""

    sig_failed = Signal(object)
    """The callable raised; the argument is the exception (never ``Cancelled``)."""

    sig_cancelled = Signal()
    """The user (or the runner shutting down) cancelled the task; nothing was written."""

    sig_progress = Signal(int, int, str)
    """Progress as reported by the callable: done, total (0: unknown), message."""

    _sig_done = Signal(str, object)
    _sig_report = Signal(int, int, str)

    def __init__(self, fn: Callable[[Progress], Any], *, label: str, title: str,
                 widget: QWidget | None, show_progress: bool, report_errors: bool,
                 progress_delay_ms: int, writes: bool = False) -> None:
        super().__init__()
        self._fn = fn
        self.writes = writes
        self.label = label
        self.title = title
        self._widget = widget
        self._show_progress = show_progress
        self._report_errors = report_errors
        self.progress = Progress(self._on_worker_progress)
        self.state = "pending"  # pending → running → finished | failed | cancelled
        self.result: Any = None
        self.error: BaseException | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._last = (0, 0, "")
        self._last_emit = 0.0
        self._quiet = False
        self._runnable: _Runnable | None = None
        self._on_end: Callable[[Task], None] | None = None
        self._sig_done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._sig_report.connect(self._on_report, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(progress_delay_ms)
        self._timer.timeout.connect(self._show_dialog)

    @property
    def running(self) -> bool:
        return self.state in ("pending", "running")

    def cancel(self) -> None:
        """Ask the work to stop; it ends with ``sig_cancelled`` at its next progress report."""
        self.progress.cancel()
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText(self.tr("正在取消…"))

    # --- worker thread ---------------------------------------------------------------------------

    def _execute(self) -> None:
        self.state = "running"
        try:
            self.progress.check()
            result = self._fn(self.progress)
        except Cancelled:
            self._sig_done.emit("cancelled", None)
        except Exception as exc:  # noqa: BLE001 - delivered to the main thread as sig_failed
            self._sig_done.emit("failed", exc)
        else:
            self._sig_done.emit("finished", result)

    def _on_worker_progress(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if now - self._last_emit >= _REPORT_INTERVAL_S or (total and done >= total):
            self._last_emit = now
            self._sig_report.emit(done, total, message)

    # --- main thread -----------------------------------------------------------------------------

    def _start(self, pool: QThreadPool, on_end: Callable[[Task], None]) -> None:
        self._on_end = on_end
        self._runnable = _Runnable(self)
        if self._show_progress:
            self._timer.start()
        pool.start(self._runnable)

    @Slot(int, int, str)
    def _on_report(self, done: int, total: int, message: str) -> None:
        self._last = (done, total, message or self._last[2])
        if self._quiet:
            return
        self._update_dialog()
        self.sig_progress.emit(done, total, message)

    def _show_dialog(self) -> None:
        if not self.running or self._quiet:
            return
        dialog = QProgressDialog(self._widget)
        dialog.setWindowTitle(self.title or self.tr("请稍候"))
        dialog.setLabelText(self.label)
        dialog.setCancelButtonText(self.tr("取消"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(360)
        dialog.canceled.connect(self.cancel)
        self.progress_dialog = dialog
        self._update_dialog()
        if self.progress.cancelled:
            self.cancel()
        dialog.show()

    def _update_dialog(self) -> None:
        dialog = self.progress_dialog
        if dialog is None:
            return
        done, total, message = self._last
        if total > 0:
            dialog.setRange(0, total)
            dialog.setValue(min(done, total))
        else:
            dialog.setRange(0, 0)
        if message and not self.progress.cancelled:
            dialog.setLabelText(f"{self.label}\n{message}")

    @Slot(str, object)
    def _on_done(self, outcome: str, value: object) -> None:
        self._timer.stop()
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.state = outcome
        if self._on_end is not None:
            self._on_end(self)
        if self._quiet:
            return
        if outcome == "finished":
            self.result = value
            self.sig_finished.emit(value)
        elif outcome == "cancelled":
            log.info("任务已取消：%s", self.label)
            self.sig_cancelled.emit()
        else:
            assert isinstance(value, BaseException)
            self.error = value
            self.sig_failed.emit(value)
            if self._report_errors:
                from desktop.kit.errors import report_exception

                report_exception(value, self._widget)


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._task = task

    def run(self) -> None:
        self._task._execute()


class TaskRunner(QObject):
    """Runs ``Task``s: reads on a shared pool, writes one at a time on a single-thread pool."""

    sig_busy_changed = Signal(bool)
    """True when the first task starts, False when the last one has ended."""

    def __init__(self, widget: QWidget | None = None, *, progress_delay_ms: int = PROGRESS_DELAY_MS) -> None:
        super().__init__(widget)
        self._widget = widget
        self.progress_delay_ms = progress_delay_ms
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(max(2, min(4, self._readers.maxThreadCount())))
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._tasks: list[Task] = []
        self._closed = False

    @property
    def tasks(self) -> list[Task]:
        """The tasks that have not ended yet."""
        return list(self._tasks)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    @property
    def writing(self) -> bool:
        """A writing task is queued or running (a new write waits behind it on the writer thread)."""
        return any(task.writes for task in self._tasks)

    def run(self, fn: Callable[[Progress], Any], *, label: str, title: str = "", writes: bool = False,
            show_progress: bool = True, report_errors: bool = True) -> Task:
        """Start ``fn(progress)`` in the background and return its ``Task``.

        ``report_errors``: show a failure to the user (as ``desktop.kit.errors.report_exception``
        does) after ``sig_failed``; pass False to handle ``sig_failed`` yourself.
        """
        if self._closed:
            raise RuntimeError("task runner is shut down")
        task = Task(fn, label=label, title=title, widget=self._widget, show_progress=show_progress,
                    report_errors=report_errors, progress_delay_ms=self.progress_delay_ms, writes=writes)
        self._tasks.append(task)
        if len(self._tasks) == 1:
            self.sig_busy_changed.emit(True)
        task._start(self._writer if writes else self._readers, self._task_ended)
        return task

    def _task_ended(self, task: Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
            if not self._tasks and not self._closed:
                self.sig_busy_changed.emit(False)

    def cancel_all(self) -> None:
        for task in self._tasks:
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every worker thread is idle (tests and shutdown); False on timeout."""
        ok = self._readers.waitForDone(msecs)
        return self._writer.waitForDone(msecs) and ok

    @property
    def closed(self) -> bool:
        """True once ``shutdown`` ran: nothing more may start (a timer firing while the window closes)."""
        return self._closed

    def shutdown(self) -> None:
        """Cancel every task, wait for the threads, and drop results that arrive afterwards."""
        self._closed = True
        for task in self._tasks:
            task._quiet = True
            task.cancel()
        self.wait()
        self._readers.clear()
        self._writer.clear()
        self._tasks.clear()
