"""A list page in the window, measured as the user meets it: a filter keystroke → rows ready.

``keystrokes(page, texts, runs)`` drives a real ``ListPage`` offscreen: each run types a search text
(the search box's pause skipped: ``apply_filter`` as when it ends), waits for ``sig_loaded`` in the
event loop and repaints the view (``viewport().repaint()``: the visible rows painted, their cells
asked for), then goes back to the unfiltered list (not timed). One keystroke first warms up (the queries'
first compilation, the glyph caches) and is not counted. Meanwhile a ``QTimer`` ticks every
5 ms on the window thread; the longest gap between two ticks (the keystroke itself, the reset and
the repaint included) is how long the window could not answer: the “window never waits” proof.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

TICK_MS = 5


@dataclass
class Keystrokes:
    ready_ms: float
    """Median: keystroke → rows shown and painted."""
    stall_ms: float
    """The window thread's longest stall over all runs."""
    stall_median_ms: float
    """The median of each run's longest stall."""
    runs: int
    loads: int
    """Loads the page ran for the timed keystrokes (one each)."""


class _Ticks:
    """The longest gap between two ticks of the window thread's timer."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now


def offscreen_app() -> Any:
    """The QApplication (offscreen, the shipped font), settings in a throw-away data directory."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("EMERGENCY_DESK_DATA_DIR", tempfile.mkdtemp(prefix="emergency-desk-bench-"))
    from desktop.app import application, install_fonts

    app = application()
    install_fonts(app)
    return app


def wait_loaded(page: Any) -> None:
    from PySide6.QtCore import QEventLoop

    model = page.model
    while model.loading:
        loop = QEventLoop()
        model.sig_loaded.connect(loop.quit)
        model.sig_failed.connect(loop.quit)
        loop.exec()
        model.sig_loaded.disconnect(loop.quit)
        model.sig_failed.disconnect(loop.quit)


def keystrokes(page: Any, texts: Sequence[str], runs: int) -> Keystrokes:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    model = page.model
    wait_loaded(page)
    ready: list[float] = []
    stalls: list[float] = []
    loads = 0
    for n in range(-1, runs):  # -1: the warm-up
        page.search.setText("")
        page.apply_filter()
        wait_loaded(page)
        page.view.viewport().repaint()
        app.processEvents()

        ticks = _Ticks()
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)
        timer.timeout.connect(ticks.tick)
        timer.start()
        before = model.loads
        start = ticks.last = time.perf_counter()
        page.search.setText(texts[n % len(texts)])
        page.apply_filter()
        ticks.tick()  # the keystroke's own time on the window thread
        if model.loading:
            loop = QEventLoop()
            model.sig_loaded.connect(loop.quit)
            loop.exec()
            model.sig_loaded.disconnect(loop.quit)
        page.view.viewport().repaint()
        ticks.tick()  # the reset and the repaint
        elapsed = (time.perf_counter() - start) * 1000
        timer.stop()
        if n < 0:
            continue
        ready.append(elapsed)
        stalls.append(ticks.worst * 1000)
        loads += model.loads - before
    return Keystrokes(statistics.median(ready), max(stalls), statistics.median(stalls), runs, loads)
