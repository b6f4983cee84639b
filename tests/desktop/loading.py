"""Waiting for a list's background reads (``PagedTableModel``) in the desktop tests — on its signals,
never a sleep — and ``Reads``, which records (holds, fails) the database reads of a test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from desktop.kit.paged import PagedTableModel
from models.core.database import Database

TIMEOUT_MS = 5000


def wait_loaded(qtbot: Any, model: PagedTableModel[Any, Any], timeout: int = TIMEOUT_MS) -> None:
    """Until the rows of the latest refresh / filter / sort are shown (``sig_loaded``; at once when
    nothing is loading). Times out when the load failed instead."""
    if model.loading:
        with qtbot.waitSignal(model.sig_loaded, timeout=timeout,
                              check_params_cb=lambda *_args: not model.loading):
            pass


def wait_pages(qtbot: Any, model: PagedTableModel[Any, Any], timeout: int = TIMEOUT_MS) -> None:
    """Until the list is loaded and every page it was asked for (scrolled to, ``data`` of an uncached
    row) has arrived."""
    wait_loaded(qtbot, model, timeout)
    if model.fetching:  # each page ends with sig_page_loaded or sig_failed
        qtbot.waitUntil(lambda: not model.fetching, timeout=timeout)


def all_rows(qtbot: Any, model: PagedTableModel[Any, Any]) -> list[Any]:
    """Every row of the list (each page read in the background, as a scroll would)."""
    wait_loaded(qtbot, model)
    for row in range(0, model.rowCount(), model.page_size):
        model.prefetch(row)
    wait_pages(qtbot, model)
    rows = [model.row_at(r) for r in range(model.rowCount())]
    assert None not in rows, "more pages than the model caches"
    return rows


class Reads:
    """Wraps ``db.read`` to record the thread of every read; ``gate`` (when set) holds the
    background reads until it is opened, so a test can act while a load runs; ``fail`` makes them
    raise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, db: Database) -> None:
        self.threads: list[threading.Thread] = []
        self.gate: threading.Event | None = None
        self.fail: Exception | None = None
        original = db.read

        @contextmanager
        def read() -> Iterator[Session]:
            thread = threading.current_thread()
            self.threads.append(thread)
            worker = thread is not threading.main_thread()  # the window thread is never held
            if worker and self.gate is not None:
                assert self.gate.wait(5), "the test never opened the gate"
            if worker and self.fail is not None:
                raise self.fail
            with original() as session:
                yield session

        monkeypatch.setattr(db, "read", read)

    @property
    def on_window_thread(self) -> int:
        return sum(1 for t in self.threads if t is threading.main_thread())

    def hold(self) -> threading.Event:
        self.gate = threading.Event()
        return self.gate

