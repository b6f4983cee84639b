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


def test_unindexed_sorts_by_the_column_without_an_index_walk_on_sqlite_only() -> None:
    from sqlalchemy import Column, Date, Integer, MetaData, Table, select
    from sqlalchemy.dialects import postgresql, sqlite

    from models.core.listing import unindexed

    t = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("d", Date))
    query = select(t.c.id).order_by(unindexed(t.c.d).asc().nulls_last())
    assert str(query.compile(dialect=sqlite.dialect())).endswith("ORDER BY +t.d ASC NULLS LAST")
    assert str(query.compile(dialect=postgresql.dialect())).endswith("ORDER BY t.d ASC NULLS LAST")
