"""The working-day calendar in use: the shipped years overlaid by the administrator's years."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.entities import HolidayYear
from models.core.errors import FieldError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.core.workdays import HolidayCalendar, calendar_from_documents, load_shipped_calendar

SAVE_YEAR = Command("calendar.save_year", "录入节假日安排", role="admin")


def load_calendar(session: Session) -> HolidayCalendar:
    docs = list(session.scalars(select(HolidayYear.document).where(HolidayYear.deleted_at.is_(None))))
    shipped = load_shipped_calendar()
    return shipped.overlay(calendar_from_documents(docs)) if docs else shipped


def save_holiday_year(uow: UnitOfWork, document: dict[str, Any]) -> int:
    """Add or replace one year's arrangement (administrators only); returns the year."""
    uow.require(SAVE_YEAR)
    try:
        year = int(document["year"])
        calendar_from_documents([document])
    except (KeyError, TypeError, ValueError) as exc:
        message = f"缺少字段 {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ValidationError([FieldError("document", "节假日安排", message)]) from None
    row = uow.session.scalar(select(HolidayYear).where(HolidayYear.year == year))
    if row is None:
        uow.add(HolidayYear(year=year, source=str(document["source"]), document=document))
    else:
        row.source = str(document["source"])
        row.document = document
        uow.restore(row)
    uow.session.flush()
    return year
