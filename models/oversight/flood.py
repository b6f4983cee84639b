"""Flood season (汛期, issue 13 H4): the season window of a region (``refdata/flood.json``, with its
source), and which of everything due is flood work — what the home page leads with in season.

Flood work, from the due items of every module (``models.core.due``) and the reference data:
- supplies alerts about 防汛 items (the item's own 防汛 flag, or a category of ``supply_categories``:
  防汛材料, 排水装备 … and everything below them in the GB/T 38565 tree) — below minimum, expired or expiring;
- drills owed and corrective actions of enterprises in the key industries (``key_industry_flags`` of
  the enterprise's industry: mines and tailings ponds, hazardous goods, construction);
- hidden hazards of the 防汛防台 category, or of the key industries;
- duty-roster gaps (every one: the flood season asks for 24-hour duty), and teams of the flood
  specialty not ready or with certificates and agreements running out.
Nothing here reads the clock: ``as_of`` is passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.due import DueItem
from models.core.entities import Industry
from models.core.listing import chunks
from models.core.reference import refdata
from models.enterprises.entities import Enterprise
from models.supplies.entities import SupplyBatch, SupplyItem
from models.teams.entities import RescueTeam


@cache
def _rules() -> dict[str, Any]:
    return refdata("models.oversight.refdata", "flood")  # type: ignore[no-any-return]


def _day(year: int, month_day: str) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


@dataclass(frozen=True)
class FloodSeason:
    """A year's flood season (汛期) and its main part (主汛期)."""

    starts: date
    ends: date
    main_starts: date | None = None
    main_ends: date | None = None

    def contains(self, day: date) -> bool:
        return self.starts <= day <= self.ends

    def in_main(self, day: date) -> bool:
        return self.main_starts is not None and self.main_ends is not None and self.main_starts <= day <= self.main_ends

    @property
    def label(self) -> str:
        """“汛期 6月1日至9月30日（主汛期 7月1日至8月31日）”."""
        text = f"汛期 {self.starts.month}月{self.starts.day}日至{self.ends.month}月{self.ends.day}日"
        if self.main_starts is not None and self.main_ends is not None:
            text += (f"（主汛期 {self.main_starts.month}月{self.main_starts.day}日至"
                     f"{self.main_ends.month}月{self.main_ends.day}日）")
        return text


def season(year: int, region_code: str | None = None) -> FloodSeason:
    """The flood season of ``year`` in the region (its own window when ``flood.json`` sets one,
    else the default)."""
    rules = _rules()
    window = {**rules["default"], **rules.get("regions", {}).get(region_code or "", {})}
    main = ("main_starts" in window and "main_ends" in window)
    return FloodSeason(_day(year, window["starts"]), _day(year, window["ends"]),
                       _day(year, window["main_starts"]) if main else None,
                       _day(year, window["main_ends"]) if main else None)


def season_on(as_of: date, region_code: str | None = None) -> FloodSeason | None:
    """The season ``as_of`` falls in, or None out of season."""
    found = season(as_of.year, region_code)
    return found if found.contains(as_of) else None


def _category_prefixes() -> tuple[str, ...]:
    """GB/T 38565 codes pad the lower levels with zeros: 3010000 covers every code starting 301."""
    return tuple(code.rstrip("0") or code for code in _rules()["supply_categories"])


def is_flood_category(code: str) -> bool:
    return code.startswith(_category_prefixes())


def flood_work(session: Session, items: Sequence[DueItem]) -> list[DueItem]:
    """The flood work among ``items`` (their order kept): a few grouped reads to know each item's
    supply category, enterprise industry or team specialty."""
    rules = _rules()
    key_flags = set(rules["key_industry_flags"])
    specialty = rules["team_specialty"]

    def ids(module: str, records: Iterable[str], attr: str = "record_id") -> set[int]:
        wanted = set(records)
        return {getattr(i, attr) for i in items if i.module == module and i.record in wanted
                and getattr(i, attr) is not None}

    batch_ids, item_ids = ids("supplies", ["batch"]), ids("supplies", ["warehouse_item"])
    flood_batches: set[int] = set()
    flood_items: set[int] = set()
    prefixes = _category_prefixes()
    for chunk in chunks(sorted(batch_ids)):
        for bid, code, flagged in session.execute(select(SupplyBatch.id, SupplyItem.category_code, SupplyItem.flood).join(
                SupplyItem, SupplyItem.id == SupplyBatch.item_id).where(SupplyBatch.id.in_(chunk))):
            if flagged or code.startswith(prefixes):
                flood_batches.add(bid)
    for chunk in chunks(sorted(item_ids)):
        for iid, code, flagged in session.execute(select(SupplyItem.id, SupplyItem.category_code, SupplyItem.flood)
                                                  .where(SupplyItem.id.in_(chunk))):
            if flagged or code.startswith(prefixes):
                flood_items.add(iid)
    enterprise_ids = {i.enterprise_id for i in items if i.enterprise_id is not None
                      and i.module in ("drills", "oversight")}
    key_enterprises: set[int] = set()
    for chunk in chunks(sorted(enterprise_ids)):
        for eid, flags in session.execute(select(Enterprise.id, Industry.flags).join(
                Industry, Industry.id == Enterprise.industry_id).where(Enterprise.id.in_(chunk))):
            if key_flags & set(flags or ()):
                key_enterprises.add(eid)
    flood_teams = set(_flood_teams(session, items, specialty))
    flood_hazards = _flood_hazards(session, ids("oversight", ["hazard"]))

    def wanted(item: DueItem) -> bool:
        if item.module == "supplies":
            return (item.record == "batch" and item.record_id in flood_batches) or \
                (item.record == "warehouse_item" and item.record_id in flood_items)
        if item.module == "drills":
            return item.enterprise_id in key_enterprises
        if item.module == "teams":
            return item.record == "shift" or item.parent_id in flood_teams or item.record_id in flood_teams
        if item.module == "oversight" and item.record == "hazard":
            return item.record_id in flood_hazards or item.enterprise_id in key_enterprises
        return False

    return [item for item in items if wanted(item)]


def _flood_teams(session: Session, items: Sequence[DueItem], specialty: str) -> list[int]:
    """The teams of the flood specialty among the teams items point at (a certificate's team is its
    ``parent_id``; a team item's own id is its ``record_id``)."""
    team_ids = {i.parent_id for i in items if i.module == "teams" and i.record == "certificate" and i.parent_id} | \
        {i.record_id for i in items if i.module == "teams" and i.record == "team" and i.record_id}
    out: list[int] = []
    for chunk in chunks(sorted(t for t in team_ids if t is not None)):
        for tid, specialties in session.execute(select(RescueTeam.id, RescueTeam.specialties).where(
                RescueTeam.id.in_(chunk))):
            if specialty in (specialties or ()):
                out.append(tid)
    return out


def _flood_hazards(session: Session, hazard_ids: set[int]) -> set[int]:
    from models.oversight.entities import Hazard

    out: set[int] = set()
    for chunk in chunks(sorted(hazard_ids)):
        out |= set(session.scalars(select(Hazard.id).where(Hazard.id.in_(chunk), Hazard.category == "flood")))
    return out


__all__ = ["FloodSeason", "flood_work", "is_flood_category", "season", "season_on"]
