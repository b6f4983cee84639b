"""Calendar arithmetic every module shares (no clock: the day is always passed in).

- ``as_date``: a date column as read through a bare connection (SQLite hands back ISO text).
- ``add_years``: the same day ``years`` later (or earlier); 29 February into a common year is 28 February.
- ``month_index`` / ``month_start`` / ``month_starts``: calendar months as consecutive numbers, for charts
  and statistics by month.
"""

from __future__ import annotations

from datetime import date


def as_date(value: date | str | None) -> date | None:
    """``value`` as a date (ISO text from SQLite's bare rows; None stays None)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` (negative: back); 29 February into a common year: 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def month_index(day: date) -> int:
    """The month of ``day`` as a number that grows by one a month (January 2026 follows December 2025)."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    """The first day of the month ``month_index`` numbers ``index``."""
    return date(index // 12, index % 12 + 1, 1)


def month_starts(as_of: date, months: int, *, back: bool = False) -> list[date]:
    """The first days of ``months`` calendar months from ``as_of``'s (or, ``back``, up to and including it)."""
    index = month_index(as_of)
    first = index - months + 1 if back else index
    return [month_start(m) for m in range(first, first + months)]
