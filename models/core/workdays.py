"""Working days (工作日) under the State Council's yearly holiday arrangements (放假调休).

A day is a working day when it is listed as an adjusted working day (调休上班), or when it is a
Monday to Friday that is not listed as a day off. The arrangements are reference data: one JSON
file per year in ``models/core/refdata/holidays/`` (each naming its notice), loaded by
:func:`load_shipped_calendar`; :meth:`HolidayCalendar.from_days` builds the same value from rows, so
a table of years added by an administrator can feed it (see :meth:`HolidayCalendar.overlay`).

A year without an arrangement falls back to Monday–Friday. That is never silent: every function
that counts across such a year has a companion that reports it (:meth:`HolidayCalendar.missing_years`,
:meth:`HolidayCalendar.warnings`, :class:`DueDate`), with a Chinese warning for the user.

Counting convention (:meth:`HolidayCalendar.add_working_days`): the start day itself is not counted;
the result is the n-th working day *after* it. This follows how the deadline reads in
《生产安全事故应急预案管理办法》（应急管理部令第2号，2019年修正）第二十六条：生产经营单位“应当在应急预案公布之日起
20个工作日内”备案 — a time limit counted in days starts on the next day (《民法典》第二百零一条：
按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算), and the last day of the limit is
the 20th working day after publication.

Nothing here reads the clock: callers pass the dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = [
    "DueDate",
    "HolidayCalendar",
    "add_working_days",
    "calendar_from_documents",
    "due_after_working_days",
    "is_working_day",
    "load_shipped_calendar",
    "missing_year_warning",
    "working_days_between",
]

_YEAR_FILE = re.compile(r"^(\d{4})\.json$")


def missing_year_warning(year: int) -> str:
    """The user-facing warning for a year whose holiday arrangement is not in the calendar."""
    return f"{year} 年节假日安排未录入，按周一至周五计算工作日，请管理员补录"


@dataclass(frozen=True)
class DueDate:
    """A computed deadline and the warnings that go with it (empty when the data was complete)."""

    date: date
    warnings: tuple[str, ...] = ()
    basis: str = ""  # the rule it comes from, for a tooltip: "《…》第二十六条"

    @property
    def is_exact(self) -> bool:
        """True when every year the count passed through had its holiday arrangement."""
        return not self.warnings


def _frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class HolidayCalendar:
    """The holiday arrangements of some years: days off and adjusted working days, by date.

    ``year_sources`` says which years are covered and where each arrangement comes from;
    ``holidays`` and ``workdays`` map a date to its name ("春节", "春节调休"). Build it with
    :meth:`from_days` (validated) or :func:`load_shipped_calendar`.
    """

    year_sources: Mapping[int, str] = field(default_factory=dict)
    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only views, so a shared (cached) calendar cannot be changed by a caller.
        object.__setattr__(self, "year_sources", _frozen(self.year_sources))
        object.__setattr__(self, "holidays", _frozen(self.holidays))
        object.__setattr__(self, "workdays", _frozen(self.workdays))
        # (start, n) → the n-th working day after start: the calendar cannot change, so the answers
        # are kept (thousands of plans published on a few hundred days ask the same questions).
        object.__setattr__(self, "_added", {})

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.year_sources.items())), tuple(sorted(self.holidays)),
                     tuple(sorted(self.workdays))))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HolidayCalendar):
            return NotImplemented
        return (dict(self.year_sources) == dict(other.year_sources)
                and dict(self.holidays) == dict(other.holidays)
                and dict(self.workdays) == dict(other.workdays))

    # --- building ----------------------------------------------------------------------------------

    @classmethod
    def from_days(cls, year_sources: Mapping[int, str], holidays: Mapping[date, str],
                  workdays: Mapping[date, str]) -> HolidayCalendar:
        """A calendar from plain rows (shipped files or an administrator's table), checked.

        Raises ``ValueError`` (Chinese message) when a day is both off and working, when an
        adjusted working day is not a Saturday or Sunday, when a day falls in a year that has no
        source, or when a year has no source text.
        """
        problems: list[str] = []
        for year, source in year_sources.items():
            if not str(source or "").strip():
                problems.append(f"{year} 年节假日安排缺少来源")
        for day in sorted(set(holidays) & set(workdays)):
            problems.append(f"{day.isoformat()} 同时登记为放假日和调休上班日")
        for day in sorted(workdays):
            if day.weekday() < 5:
                problems.append(f"{day.isoformat()} 是周一至周五，不能登记为调休上班日")
        for day in sorted(set(holidays) | set(workdays)):
            if day.year not in year_sources:
                problems.append(f"{day.isoformat()} 所在的 {day.year} 年未登记节假日安排来源")
        for day, name in sorted({**holidays, **workdays}.items()):
            if not str(name or "").strip():
                problems.append(f"{day.isoformat()} 缺少名称")
        if problems:
            raise ValueError("；".join(problems))
        return cls(year_sources, holidays, workdays)

    def overlay(self, other: HolidayCalendar) -> HolidayCalendar:
        """This calendar with each year that ``other`` covers replaced by ``other``'s arrangement.

        For an administrator's table on top of the shipped files: a year entered (or corrected)
        in the table wins as a whole, so a stale shipped day cannot survive next to it.
        """
        replaced = set(other.year_sources)

        def keep(days: Mapping[date, str]) -> dict[date, str]:
            return {d: n for d, n in days.items() if d.year not in replaced}

        return HolidayCalendar(
            {**{y: s for y, s in self.year_sources.items() if y not in replaced}, **other.year_sources},
            {**keep(self.holidays), **other.holidays},
            {**keep(self.workdays), **other.workdays},
        )

    # --- questions ---------------------------------------------------------------------------------

    @property
    def years_covered(self) -> tuple[int, ...]:
        """The years whose arrangement is in this calendar, ascending."""
        return tuple(sorted(self.year_sources))

    def covers(self, year: int) -> bool:
        return year in self.year_sources

    def missing_years(self, start: date, end: date) -> tuple[int, ...]:
        """The years from ``start`` to ``end`` (either order, inclusive) with no arrangement."""
        lo, hi = sorted((start.year, end.year))
        return tuple(y for y in range(lo, hi + 1) if y not in self.year_sources)

    def warnings(self, start: date, end: date) -> tuple[str, ...]:
        """One Chinese warning per year from ``start`` to ``end`` that falls back to Monday–Friday."""
        return tuple(missing_year_warning(y) for y in self.missing_years(start, end))

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def day_name(self, day: date) -> str | None:
        """The holiday or adjusted-working-day name of ``day`` ("国庆节", "国庆节调休"), else None."""
        return self.holidays.get(day) or self.workdays.get(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted); ``start`` for 0.

        See the module docstring for the convention and its source. ``n`` must not be negative.
        """
        if n < 0:
            raise ValueError("工作日数不能为负数")
        kept: dict[tuple[date, int], date] = self._added  # type: ignore[attr-defined]
        found = kept.get((start, n))
        if found is not None:
            return found
        day, left = start, n
        one = timedelta(days=1)
        while left:
            day += one
            if self.is_working_day(day):
                left -= 1
        if len(kept) < 100_000:
            kept[(start, n)] = day
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days are after ``a`` up to and including ``b``: the days in (a, b].

        The inverse of :meth:`add_working_days`: ``working_days_between(d, add_working_days(d, n))
        == n``. Negative when ``b`` is before ``a`` (``-working_days_between(b, a)``).
        """
        if b < a:
            return -self.working_days_between(b, a)
        one = timedelta(days=1)
        count, day = 0, a
        while day < b:
            day += one
            if self.is_working_day(day):
                count += 1
        return count

    def due_after_working_days(self, start: date, n: int, *, basis: str = "") -> DueDate:
        """:meth:`add_working_days` with the warnings for every year the count passed through."""
        due = self.add_working_days(start, n)
        return DueDate(due, self.warnings(start, due), basis)


# --- loading ---------------------------------------------------------------------------------------


def _days(rows: Iterable[Mapping[str, Any]], year: int, what: str) -> dict[date, str]:
    out: dict[date, str] = {}
    for row in rows:
        day = date.fromisoformat(row["date"])
        if day.year != year:
            raise ValueError(f"{year} 年节假日文件的{what} {row['date']} 不在该年内")
        if day in out:
            raise ValueError(f"{year} 年节假日文件的{what} {row['date']} 重复")
        out[day] = str(row["name"])
    return out


def calendar_from_documents(documents: Iterable[Mapping[str, Any]]) -> HolidayCalendar:
    """A calendar from parsed year files ``{"year", "source", "holidays": [...], "workdays": [...]}``."""
    sources: dict[int, str] = {}
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    for doc in documents:
        year = int(doc["year"])
        if year in sources:
            raise ValueError(f"{year} 年节假日安排重复")
        sources[year] = str(doc.get("source", ""))
        holidays.update(_days(doc.get("holidays", []), year, "放假日"))
        workdays.update(_days(doc.get("workdays", []), year, "调休上班日"))
    return HolidayCalendar.from_days(sources, holidays, workdays)


@cache
def load_shipped_calendar() -> HolidayCalendar:
    """The calendar of every year file shipped in ``models/core/refdata/holidays/`` (loaded once)."""
    folder = resources.files("models.core.refdata.holidays")
    docs = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        match = _YEAR_FILE.match(entry.name)
        if match is None:
            continue
        doc = json.loads(entry.read_text(encoding="utf-8"))
        if int(doc["year"]) != int(match.group(1)):
            raise ValueError(f"节假日文件 {entry.name} 的年份是 {doc['year']}")
        docs.append(doc)
    return calendar_from_documents(docs)


# --- the same questions on the shipped calendar (or a given one) -----------------------------------


def _cal(calendar: HolidayCalendar | None) -> HolidayCalendar:
    return load_shipped_calendar() if calendar is None else calendar


def is_working_day(day: date, calendar: HolidayCalendar | None = None) -> bool:
    return _cal(calendar).is_working_day(day)


def add_working_days(start: date, n: int, calendar: HolidayCalendar | None = None) -> date:
    """The ``n``-th working day after ``start`` (``start`` not counted); see the module docstring."""
    return _cal(calendar).add_working_days(start, n)


def working_days_between(a: date, b: date, calendar: HolidayCalendar | None = None) -> int:
    """Working days in (a, b]; see :meth:`HolidayCalendar.working_days_between`."""
    return _cal(calendar).working_days_between(a, b)


def due_after_working_days(start: date, n: int, calendar: HolidayCalendar | None = None, *,
                           basis: str = "") -> DueDate:
    return _cal(calendar).due_after_working_days(start, n, basis=basis)
