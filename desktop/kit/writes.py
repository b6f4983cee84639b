"""The write flow: every change the window makes to stored data goes this one way.

``WriteOp(parent, runner, db, actor, work)`` runs ``work(uow)`` inside one unit of work on the task
runner's single writer thread (``runner.run(…, writes=True)``), so the window thread never waits for
the database and writes from this window never overtake each other. The outcome comes back on the
main thread, sorted into one of ``Outcome``; each has a callback and a sensible default::

    WriteOp(self, runner, db, actor, lambda uow: service.update(uow, id, data, expected_version=v),
            title=self.tr("无法保存"), disable=[save_button]).success(saved).invalid(show_errors).run()

- ``success(result)``: ``work`` returned; the unit of work committed.
- ``invalid(ValidationError)``: default, a warning with the Chinese messages (forms mark the fields).
- ``conflict(ConflictError)``: somebody saved the record in between (此记录已被他人修改); default,
  a warning (forms offer to reload or compare, ``desktop.kit.forms``). Nothing is ever overwritten.
- ``refused(DeskError)``: ``StateError``, ``NotFoundError``, ``PermissionDenied`` …: default, a
  warning titled ``title`` with the core's Chinese sentence.
- ``busy(BusyError)``: another desk held the writer too long (数据库正忙); default, that warning.
- anything else: the traceback goes to the log and the user reads one Chinese sentence
  (``errors.report_failure``: 保存失败：…); then ``failed(exc)``.
- ``ended(outcome)`` runs after every outcome (and ``sig_ended`` is emitted), also after
  ``cancelled`` (a write still waiting for the writer was cancelled: nothing written).

Widgets and actions in ``disable`` are disabled while the write is queued or running (no double
submit) and put back as they were afterwards. The work function must not touch widgets: everything
it needs is read from the form before ``run`` (it runs on another thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from desktop.kit import messages
from desktop.kit.errors import report_failure
from desktop.kit.tasks import Task, TaskRunner
from models.core.database import Database
from models.core.errors import BusyError, ConflictError, DeskError, ValidationError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


def _tr(text: str) -> str:
    return QCoreApplication.translate("WriteOp", text)


class Outcome(StrEnum):
    """How a write ended."""

    SAVED = "saved"
    INVALID = "invalid"
    CONFLICT = "conflict"
    REFUSED = "refused"
    BUSY = "busy"
    FAILED = "failed"
    CANCELLED = "cancelled"


class WriteOp(QObject, Generic[T]):
    """One write from the window: ``work(uow)`` on the writer thread, its outcome on the main thread."""

    sig_ended = Signal(str)
    """The write ended; the argument is its ``Outcome`` (a str)."""

    def __init__(self, parent: QWidget, runner: TaskRunner, db: Database, actor: Actor,
                 work: Callable[[UnitOfWork], T], *, title: str = "", failure: str = "",
                 progress_label: str = "", progress_title: str = "",
                 disable: Sequence[QWidget | QAction] = ()) -> None:
        """``title``: of the messages saying why it was refused (无法保存, 无法删除 …); ``failure``:
        how an unexpected error begins (保存失败); ``progress_label`` (and ``progress_title``): show
        a progress dialog when the write takes longer than a moment (imports); ``disable``: while
        it runs."""
        super().__init__(parent)
        self._parent = parent
        self._runner = runner
        self._db = db
        self._actor = actor
        self._work = work
        self.title = title or _tr("无法保存")
        self.failure = failure or _tr("保存失败")
        self._progress_label = progress_label
        self._progress_title = progress_title
        self._disable = list(disable)
        self._was_enabled: list[bool] = []
        self._on_success: Callable[[T], None] | None = None
        self._on_invalid: Callable[[ValidationError], None] | None = None
        self._on_conflict: Callable[[ConflictError], None] | None = None
        self._on_refused: Callable[[DeskError], None] | None = None
        self._on_busy: Callable[[BusyError], None] | None = None
        self._on_failed: Callable[[BaseException], None] | None = None
        self._on_ended: list[Callable[[Outcome], None]] = []
        self.task: Task | None = None
        self.outcome: Outcome | None = None
        """How it ended (None while it runs)."""

    # --- callbacks --------------------------------------------------------------------------------

    def success(self, callback: Callable[[T], None]) -> WriteOp[T]:
        self._on_success = callback
        return self

    def invalid(self, callback: Callable[[ValidationError], None]) -> WriteOp[T]:
        self._on_invalid = callback
        return self

    def conflict(self, callback: Callable[[ConflictError], None]) -> WriteOp[T]:
        self._on_conflict = callback
        return self

    def refused(self, callback: Callable[[DeskError], None]) -> WriteOp[T]:
        self._on_refused = callback
        return self

    def busy(self, callback: Callable[[BusyError], None]) -> WriteOp[T]:
        self._on_busy = callback
        return self

    def failed(self, callback: Callable[[BaseException], None]) -> WriteOp[T]:
        self._on_failed = callback
        return self

    def ended(self, callback: Callable[[Outcome], None]) -> WriteOp[T]:
        self._on_ended.append(callback)
        return self

    # --- running ----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Queued for the writer or writing."""
        return self.task is not None and self.outcome is None

    @property
    def started(self) -> bool:
        """The writer has begun ``work`` (it can no longer be cancelled)."""
        return self.task is not None and self.task.state != "pending"

    def run(self) -> WriteOp[T]:
        """Queue the write for the writer thread and return at once."""
        assert self.task is None, "a WriteOp runs once"
        db, actor, work = self._db, self._actor, self._work

        def job(_progress: Progress) -> T:
            with unit_of_work(db, actor) as uow:
                return work(uow)

        self._was_enabled = [thing.isEnabled() for thing in self._disable]
        for thing in self._disable:
            thing.setEnabled(False)
        task = self._runner.run(job, writes=True, title=self._progress_title, label=self._progress_label,
                                show_progress=bool(self._progress_label), report_errors=False)
        task.sig_finished.connect(self._finished)
        task.sig_failed.connect(self._failed)
        task.sig_cancelled.connect(lambda: self._end(Outcome.CANCELLED))
        self.task = task
        return self

    def cancel(self) -> bool:
        """Cancel a write still waiting for the writer (nothing is written); False once it writes."""
        if self.task is None or self.started or self.outcome is not None:
            return False
        self.task.cancel()
        return True

    # --- outcomes (main thread) ---------------------------------------------------------------------

    def _finished(self, result: object) -> None:
        self._restore()
        if self._on_success is not None:
            self._on_success(result)  # type: ignore[arg-type]
        self._end(Outcome.SAVED)

    def _failed(self, error: object) -> None:
        assert isinstance(error, BaseException)
        self._restore()
        if isinstance(error, ValidationError):
            self._handle(Outcome.INVALID, self._on_invalid, error)
        elif isinstance(error, ConflictError):
            self._handle(Outcome.CONFLICT, self._on_conflict, error)
        elif isinstance(error, BusyError):
            self._handle(Outcome.BUSY, self._on_busy, error, title=_tr("数据库正忙"))
        elif isinstance(error, DeskError):
            self._handle(Outcome.REFUSED, self._on_refused, error)
        else:
            report_failure(error, self._parent, heading=self.failure, title=self.title)
            if self._on_failed is not None:
                self._on_failed(error)
            self._end(Outcome.FAILED)

    def _handle(self, outcome: Outcome, callback: Callable[[E], None] | None, error: E, *,
                title: str = "") -> None:
        log.info("写入未完成（%s）：%s", outcome.value, error)
        if callback is not None:
            callback(error)
        else:
            messages.warn(self._parent, title or self.title, str(error))
        self._end(outcome)

    def _restore(self) -> None:
        for thing, enabled in zip(self._disable, self._was_enabled, strict=True):
            thing.setEnabled(enabled)

    def _end(self, outcome: Outcome) -> None:
        if outcome is Outcome.CANCELLED:
            self._restore()
        self.outcome = outcome
        for callback in self._on_ended:
            callback(outcome)
        self.sig_ended.emit(outcome.value)

