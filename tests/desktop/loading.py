"""Waiting for a list's background reads (``PagedTableModel``) in the desktop tests: on its signals,
never a sleep."""

from __future__ import annotations

from typing import Any

from desktop.kit.paged import PagedTableModel

TIMEOUT_MS = 5000


def wait_loaded(qtbot: Any, model: PagedTableModel[Any, Any], timeout: int = TIMEOUT_MS) -> None:
    """Until the rows of the latest refresh / filter / sort are shown (``sig_loaded``; at once when
    nothing is loading). Fails when the load failed instead."""
    if model.loading:
        with qtbot.waitSignal(model.sig_loaded, timeout=timeout,
                              check_params_cb=lambda *_args: not model.loading):
            pass
    assert model.loaded and not model.loading


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
