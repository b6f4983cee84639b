"""Progress and cancellation for long work, without any UI dependency.

Long jobs (demo generation, exports, imports) take a ``Progress`` and call ``report`` now and
then; ``report`` raises ``Cancelled`` once the user has asked to stop, so the job unwinds and its
unit of work rolls back whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from models.core.errors import Cancelled


class Progress:
    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int, message: str = "") -> None:
        """Tell how far the job is (``total`` 0: unknown); raises ``Cancelled`` when cancelled."""
        self.check()
        if self._callback is not None:
            self._callback(done, total, message)


NULL_PROGRESS = Progress()
