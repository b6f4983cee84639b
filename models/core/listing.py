"""What the paged list queries share: ordering by a named sort key in SQL, and LIKE patterns.

A list module names its sort keys once (``{"name": (Enterprise.name,), …}``); ``order_by_key``
turns the key and direction the user chose (a header click) into ORDER BY terms and always ends
with the row id, so the order is total and paging with OFFSET never repeats or skips a row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import GenericFunction

SortColumns = Mapping[str, Sequence[Any]]
"""Sort key → the column expressions it orders by, most significant first."""


class unindexed(GenericFunction[Any]):
    """A column to sort by without SQLite walking an index for the order: rendered ``+column`` on
    SQLite (the unary plus its planner documents for exactly this) and as the column elsewhere.

    Use it for a sort key whose index SQLite would walk in order while a filter it cannot size (a
    ``LIKE '%…%'`` in a bound parameter) throws most rows away: at city scale the 物资 list sorted by
    expiry with a search took ~100 ms that way, ~25 ms scanning the matches and sorting them."""

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: ColumnElement[Any]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def order_by_key(query: Select[Any], columns: SortColumns, sort: str, descending: bool, id_column: Any, *,
                 nulls_last: Collection[str] = (), reverse: bool = False) -> Select[Any]:
    """``query`` ordered by the columns of ``sort`` (all reversed when ``descending``), then by id.

    Keys named in ``nulls_last`` put rows without a value at the end in both directions (SQLite
    and PostgreSQL disagree on where NULL sorts by default). ``reverse`` gives exactly the opposite
    order (nulls first), for reading a page near the end from the other side (``window``). An
    unknown key raises ValueError.
    """
    if sort not in columns:
        raise ValueError(f"unknown sort key {sort!r}")
    down = descending != reverse
    terms = []
    for column in (*columns[sort], id_column):
        term = column.desc() if down else column.asc()
        if sort in nulls_last and column is not id_column:
            term = term.nulls_first() if reverse else term.nulls_last()
        terms.append(term)
    return query.order_by(*terms)


def window(offset: int, limit: int, total: int | None) -> tuple[bool, int, int]:
    """How to read rows ``offset … offset + limit`` of ``total``: (from the end?, offset, limit).

    A page past the middle is read in the reverse order from the end (then turned round), so the
    last page costs what the first does instead of walking every row before it (OFFSET).
    """
    if total is None or offset <= total // 2:
        return False, offset, limit
    end = min(total, offset + limit)
    return True, total - end, max(0, end - offset)


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards escaped, backslash being the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(word: str) -> str:
    """A LIKE pattern matching values that contain ``word`` literally."""
    return f"%{escape_like(word)}%"


IN_CHUNK = 2000
"""Ids per ``IN (…)`` list: below SQLite's and the driver's limits on bound parameters."""


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> list[Sequence[Any]]:
    """``values`` in slices of at most ``size`` (for ``IN (…)`` lists of many ids)."""
    return [values[i:i + size] for i in range(0, len(values), size)]
