"""One benchmark's outcome, as every benchmark module reports it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Result:
    name: str
    value: float | None
    unit: str
    floor: float | None = None
    floor_name: str = ""
    goal: str = ""
    ok: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor
