"""Reading a page near the end of a list from the end (``models.core.listing.window``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from models.core.listing import window


@given(total=st.integers(0, 500), offset=st.integers(0, 600), limit=st.integers(1, 120))
def test_a_window_from_the_end_covers_the_same_rows(total: int, offset: int, limit: int) -> None:
    rows = list(range(total))
    backwards, start, size = window(offset, limit, total)
    got = list(reversed(list(reversed(rows))[start:start + size])) if backwards else rows[start:start + size]
    assert got == rows[offset:offset + limit]
    assert backwards == (offset > total // 2)


def test_without_a_total_pages_are_read_from_the_start() -> None:
    assert window(9000, 100, None) == (False, 9000, 100)
