"""The task runner: results on the main thread, delayed progress dialog, cancel, one writer."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from desktop.kit.tasks import TaskRunner
from models.core.errors import Cancelled
from models.core.progress import Progress


def test_finished_is_delivered_on_the_main_thread(qtbot, runner):
    seen: dict[str, object] = {}

    def work(progress: Progress) -> int:
        seen["worker"] = threading.current_thread()
        progress.report(1, 2, "一半")
        return 42

    task = runner.run(work, label="计算中")
    assert runner.busy and task in runner.tasks
    main_thread = QApplication.instance().thread()
    task.sig_finished.connect(lambda _r: seen.setdefault("slot", QThread.currentThread() is main_thread))
    with qtbot.waitSignal(task.sig_finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [42]
    assert seen["worker"] is not threading.main_thread()
    assert seen["slot"] is True
    assert task.state == "finished" and task.result == 42
    assert not runner.busy and runner.tasks == []


def test_failure_is_reported(qtbot, runner, msgs):
    def work(progress: Progress) -> None:
        raise ValueError("坏数据")

    task = runner.run(work, label="计算中")
    with qtbot.waitSignal(task.sig_failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError)
    assert task.state == "failed"
    assert msgs.kinds() == ["critical"]


def test_failure_handled_by_caller_is_not_shown(qtbot, runner, msgs):
    task = runner.run(lambda p: 1 / 0, label="计算中", report_errors=False)
    with qtbot.waitSignal(task.sig_failed, timeout=5000):
        pass
    assert msgs.calls == []


def test_cancel_from_the_progress_dialog_gives_cancelled_not_failed(qtbot, runner, msgs):
    started = threading.Event()

    def work(progress: Progress) -> str:
        started.set()
        while True:  # a long job that reports progress now and then
            progress.report(0, 0, "处理中")
            threading.Event().wait(0.01)

    task = runner.run(work, title="导出", label="正在导出…")
    failed: list[object] = []
    task.sig_failed.connect(failed.append)
    assert started.wait(5)
    assert task.progress_dialog is None  # not before the delay
    qtbot.waitUntil(lambda: task.progress_dialog is not None and task.progress_dialog.isVisible(), timeout=5000)
    dialog = task.progress_dialog
    assert dialog is not None
    assert dialog.labelText().startswith("正在导出…") and dialog.windowTitle() == "导出"
    with qtbot.waitSignal(task.sig_cancelled, timeout=5000):
        dialog.canceled.emit()  # the 取消 button
    assert task.state == "cancelled" and failed == [] and msgs.calls == []
    assert task.progress_dialog is None


def test_cancelled_exception_counts_as_cancelled(qtbot, runner):
    def work(progress: Progress) -> None:
        raise Cancelled()

    task = runner.run(work, label="x")
    with qtbot.waitSignal(task.sig_cancelled, timeout=5000):
        pass


def test_quick_task_shows_no_progress_dialog(qtbot):
    runner = TaskRunner(None)  # the real 600 ms delay
    task = runner.run(lambda p: "ok", label="x")
    with qtbot.waitSignal(task.sig_finished, timeout=5000):
        pass
    assert task.progress_dialog is None
    runner.shutdown()


def test_writes_run_one_at_a_time(qtbot, runner):
    lock = threading.Lock()
    overlaps: list[bool] = []
    active = [0]

    def write(progress: Progress) -> None:
        with lock:
            active[0] += 1
            overlaps.append(active[0] > 1)
        threading.Event().wait(0.02)
        with lock:
            active[0] -= 1

    tasks = [runner.run(write, label="写入", writes=True, show_progress=False) for _ in range(4)]
    qtbot.waitUntil(lambda: all(t.state == "finished" for t in tasks), timeout=5000)
    assert overlaps == [False] * 4


def test_shutdown_cancels_and_waits(qtbot):
    runner = TaskRunner(None)
    started = threading.Event()
    ended = threading.Event()

    def work(progress: Progress) -> None:
        started.set()
        try:
            while True:
                progress.report(0, 0)
                threading.Event().wait(0.01)
        finally:
            ended.set()

    task = runner.run(work, label="x", show_progress=False)
    results: list[str] = []
    task.sig_cancelled.connect(lambda: results.append("cancelled"))
    assert started.wait(5)
    runner.shutdown()
    assert ended.is_set()  # the thread ended before shutdown returned
    assert runner.tasks == [] and results == []  # nothing is delivered after shutdown
