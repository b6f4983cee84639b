"""Marks every list puts on a record: a blacklisted enterprise's colour and tooltip (the text itself,
“【黑名单】某公司”, comes from ``models.enterprises.queries.with_blacklist_mark`` so exports say the same)."""

from __future__ import annotations

from datetime import date

BLACKLIST_COLOUR = "#D7263D"


def blacklist_tooltip(name: str, blacklisted_on: date | None) -> str:
    """The enterprise's name, and since when it is on the blacklist when it is."""
    if blacklisted_on is None:
        return name
    return f"{name}\n自 {blacklisted_on.isoformat()} 起列入黑名单"
