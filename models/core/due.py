"""Everything due or overdue, the one small interface every module contributes through.

A module lists what needs doing by a day in ``models/<module>/due.py`` as a function
``due_items(session, *, as_of, within, enterprise_id=None) -> list[DueItem]`` — plain rows from the
module's own rule functions (the same the module's pages use), nothing the home page has to know
about. The composition root (``models.modules``) lists those functions once; the home page and the
``due`` command read them through ``models.modules.due_items`` and so agree by construction. No
module imports the home page, and the home page imports no module.

Each source's answer is kept per database as of the audit trail's head (``source_items``): the home
page asking again, or after a write that touched only another module's tables, costs a read of the head.

``within``: items whose date is at most that many days after ``as_of`` (overdue ones always). An item
without a date (a team not ready now) is due now.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from models.core import audit

SEVERITIES = {"danger": "紧急", "warning": "提醒"}
"""danger: overdue, expired or missing now; warning: coming due within the window."""

MODULE_LABELS = {"plans": "预案", "drills": "演练", "supplies": "物资", "teams": "队伍", "oversight": "监管"}


@dataclass(frozen=True)
class DueItem:
    """One thing due or overdue: which module and kind, the record it opens (``record`` names its
    kind — plan, drill, finding, batch, warehouse_item, certificate, team, shift …), the enterprise
    (None for a government team or a duty room), a title, the Chinese sentence, the date, how many days
    are left (negative: overdue by that many) and the severity."""

    module: str
    kind: str
    kind_label: str
    record: str
    record_id: int | None
    enterprise_id: int | None
    enterprise: str
    title: str
    detail: str
    due_on: date | None
    days: int | None
    severity: str  # danger | warning
    parent_id: int | None = None  # where the record sits (a certificate's team, a batch's warehouse, a shift's point)

    @property
    def overdue(self) -> bool:
        return self.days is not None and self.days < 0

    @property
    def module_label(self) -> str:
        return MODULE_LABELS.get(self.module, self.module)

    @property
    def severity_label(self) -> str:
        return SEVERITIES.get(self.severity, self.severity)

    @property
    def when_text(self) -> str:
        """已逾期 N 天 / 今天到期 / 还有 N 天 / 现在 (no date)."""
        if self.days is None:
            return "现在"
        if self.days < 0:
            return f"已逾期 {-self.days} 天"
        if self.days == 0:
            return "今天到期"
        return f"还有 {self.days} 天"

    def as_json(self) -> dict[str, object]:
        return {"module": self.module, "kind": self.kind, "kind_label": self.kind_label, "record": self.record,
                "record_id": self.record_id, "parent_id": self.parent_id, "enterprise_id": self.enterprise_id,
                "enterprise": self.enterprise or None, "title": self.title, "detail": self.detail,
                "due_on": self.due_on.isoformat() if self.due_on else None, "days": self.days,
                "days_overdue": -self.days if self.days is not None and self.days < 0 else 0,
                "severity": self.severity}


class DueSource(Protocol):
    def __call__(self, session: Session, *, as_of: date, within: int,
                 enterprise_id: int | None = None) -> list[DueItem]: ...


def days_between(as_of: date, day: date | None) -> int | None:
    return (day - as_of).days if day is not None else None


def in_window(day: date | None, as_of: date, within: int) -> bool:
    """An item belongs to the list: no date (now), overdue, or due within ``within`` days."""
    return day is None or (day - as_of).days <= within


def sort_key(item: DueItem) -> tuple[object, ...]:
    """Urgent first (danger before warning), then the most overdue, what is due now (no date) with what is
    due today, then the soonest; then by module, kind and title."""
    return (item.severity != "danger", item.days if item.days is not None else 0, item.module, item.kind,
            item.enterprise, item.title, item.record_id or 0)


@dataclass(frozen=True)
class Source:
    """A module's contribution: its ``due_items`` and the tables its answer is read from (a write to
    any other leaves its kept answer standing)."""

    name: str
    items: DueSource
    tables: frozenset[str]


@dataclass(frozen=True)
class _Kept:
    stamp: int
    items: tuple[DueItem, ...]


_KEPT: weakref.WeakKeyDictionary[Engine, dict[tuple[str, date, int, int | None], _Kept]] = weakref.WeakKeyDictionary()
_MERGED: weakref.WeakKeyDictionary[Engine, dict[Any, tuple[tuple[tuple[DueItem, ...], ...], tuple[DueItem, ...]]]] = \
    weakref.WeakKeyDictionary()  # the sorted whole, with the parts it was made of
_LOCK = threading.Lock()
_MAX_KEPT = 64  # answers kept per database (a day, a few windows and enterprises)


def _changed_tables(session: Session, since: int, stamp: int) -> set[str]:
    from models.core.entities import AuditLog

    return set(session.scalars(select(AuditLog.entity).where(AuditLog.id > since, AuditLog.id <= stamp).distinct()))


def source_items(source: Source, session: Session, *, as_of: date, within: int,
                 enterprise_id: int | None = None) -> tuple[DueItem, ...]:
    """``source``'s items, kept per database as of the audit trail's last row: asked again with nothing
    written since — or only rows of tables the source does not read — the same answer is handed out;
    otherwise it is worked out again. (Every write goes through the unit of work, which writes the
    trail, so the trail says what changed.)"""
    engine = session.get_bind().engine  # type: ignore[union-attr]
    key = (source.name, as_of, within, enterprise_id)
    stamp = audit.head_stamp(session)
    with _LOCK:
        kept = _KEPT.get(engine, {}).get(key)
    if kept is not None and (kept.stamp == stamp or (
            kept.stamp < stamp and not _changed_tables(session, kept.stamp, stamp) & source.tables)):
        items = kept.items
    else:
        items = tuple(source.items(session, as_of=as_of, within=within, enterprise_id=enterprise_id))
    with _LOCK:
        answers = _KEPT.setdefault(engine, {})
        if len(answers) >= _MAX_KEPT and key not in answers:
            answers.clear()
        answers[key] = _Kept(stamp, items)
    return items


def collect(sources: Iterable[Source], session: Session, *, as_of: date, within: int,
            enterprise_id: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[DueItem]:
    """Every source's items on ``as_of`` in one list, most urgent first."""
    listed: Sequence[Source] = list(sources)
    parts: list[tuple[DueItem, ...]] = []
    for n, source in enumerate(listed):
        parts.append(source_items(source, session, as_of=as_of, within=within, enterprise_id=enterprise_id))
        if progress is not None:
            progress(n + 1, len(listed))
    engine = session.get_bind().engine  # type: ignore[union-attr]
    key = (tuple(source.name for source in listed), as_of, within, enterprise_id)
    with _LOCK:
        merged = _MERGED.get(engine, {}).get(key)
    if merged is not None and all(a is b for a, b in zip(merged[0], parts, strict=True)):
        return list(merged[1])  # every part is the kept answer it was made of
    out = [item for part in parts for item in part]
    out.sort(key=sort_key)
    with _LOCK:
        answers = _MERGED.setdefault(engine, {})
        if len(answers) >= _MAX_KEPT and key not in answers:
            answers.clear()
        answers[key] = (tuple(parts), tuple(out))
    return out
