"""Drill evaluation (D3, D5): forms as reference data and the aggregation of several evaluators' scores.

A form (``refdata/evaluation.json``, with its source: AQ/T 9009-2015 items grouped by phase and
indicator) has items of three kinds, each turned into a fraction of its full points:

- ``score``: a value of the form's scale (1 差 / 3 合格 / 5 优秀) → value / the scale's maximum;
- ``choice``: one of its options, each with its points (是 1, 部分 0.5, 否 0);
- ``measure``: a number with a unit and a target (a response time in minutes): at or better than
  the target full points, at or worse than the limit none, linearly between.

An item scored 不适用 (N/A) by an evaluator is left out of that evaluator's figures; an item nobody
scored is left out of the weights. ``aggregate`` gives per item the mean, lowest, highest and spread
of the evaluators' fractions (a disagreement when the spread exceeds the form's threshold), the
weighted total normalised to 100 and the grade from the bands — every figure traceable to the
sheets it came from. The HSEEP rating (P/S/M/U) of an item is its mean read against the form's
bands. A drill evaluates against a frozen copy of the form (``Form.to_json``), so later edits of
the template never change past scores.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from statistics import fmean
from typing import Any


@dataclass(frozen=True)
class Item:
    key: str
    phase: str
    indicator: str
    criterion: str
    weight: float
    kind: str  # "score" | "choice" | "measure"
    options: tuple[tuple[str, float], ...] = ()  # choice: (label, points)
    unit: str = ""
    target: float | None = None  # measure: full points at or better than this
    limit: float | None = None  # measure: no points at or worse than this
    better: str = "lower"  # measure: "lower" or "higher"


@dataclass(frozen=True)
class Form:
    key: str
    label: str
    version: int
    items: tuple[Item, ...]
    scale: tuple[tuple[float, str], ...]
    bands: tuple[tuple[str, float], ...]  # (grade, minimum total), highest first
    spread: float
    hseep: tuple[tuple[str, str, float], ...] = ()  # (rating, label, minimum fraction), highest first
    source: str = ""

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        """The frozen copy a drill keeps."""
        return {"key": self.key, "label": self.label, "version": self.version, "source": self.source,
                "spread": self.spread, "scale": [list(s) for s in self.scale], "bands": [list(b) for b in self.bands],
                "hseep": [list(h) for h in self.hseep],
                "items": [{**vars(i), "options": [list(o) for o in i.options]} for i in self.items]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Form:
        items = tuple(Item(**{**i, "options": tuple((str(label), float(points)) for label, points in i["options"])})
                      for i in data["items"])
        return cls(key=data["key"], label=data["label"], version=int(data["version"]), items=items,
                   scale=tuple((float(v), str(label)) for v, label in data["scale"]),
                   bands=tuple((str(g), float(m)) for g, m in data["bands"]), spread=float(data["spread"]),
                   hseep=tuple((str(r), str(label), float(m)) for r, label, m in data.get("hseep", ())),
                   source=str(data.get("source", "")))


@cache
def _shipped() -> dict[str, Any]:
    text = resources.files("models.drills.refdata").joinpath("evaluation.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def shipped_forms() -> dict[str, Form]:
    data = _shipped()
    scale = tuple((float(s["value"]), s["label"]) for s in data["score_scale"])
    bands = tuple(sorted(((b["grade"], float(b["min"])) for b in data["grade_bands"]), key=lambda b: -b[1]))
    hseep = tuple(sorted(((h["rating"], h["label"], float(h["min"])) for h in data["hseep"]), key=lambda h: -h[2]))
    out = {}
    for t in data["templates"]:
        items = tuple(Item(key=i["key"], phase=i["phase"], indicator=i["indicator"], criterion=i["criterion"],
                           weight=float(i["weight"]), kind=i["kind"],
                           options=tuple((o["label"], float(o["points"])) for o in i.get("options", ())),
                           unit=i.get("unit", ""), target=i.get("target"), limit=i.get("limit"),
                           better=i.get("better", "lower")) for i in t["items"])
        out[t["key"]] = Form(t["key"], t["label"], int(t["version"]), items, scale, bands,
                             float(data["disagreement_spread"]), hseep, data["source"])
    return out


def form_for(drill_form: str) -> Form:
    """The shipped form for a drill of ``drill_form`` (live → 实战, tabletop → 桌面)."""
    forms = shipped_forms()
    return forms.get(drill_form, forms["live"])


# ---- one entry


class ScoreError(ValueError):
    """A value that does not fit the item (the message says why, in Chinese)."""


def fraction(form: Form, item: Item, value: float | str | None) -> float | None:
    """``value`` as a fraction of the item's full points; None for 不适用 (no value)."""
    if value is None:
        return None
    if item.kind == "score":
        top = max(v for v, _label in form.scale)
        allowed = {v for v, _label in form.scale}
        number = float(value)
        if number not in allowed:
            shown = "、".join(f"{v:g}（{label}）" for v, label in form.scale)
            raise ScoreError(f"“{item.indicator}”只能打 {shown}")
        return number / top
    if item.kind == "choice":
        for label, points in item.options:
            if value == label:
                return points
        raise ScoreError(f"“{item.indicator}”只能选 " + "、".join(label for label, _p in item.options))
    number = float(value)
    if number < 0:
        raise ScoreError(f"“{item.indicator}”不能为负数")
    assert item.target is not None and item.limit is not None
    good, bad = (item.target, item.limit) if item.better == "lower" else (-item.target, -item.limit)
    x = number if item.better == "lower" else -number
    if x <= good:
        return 1.0
    if x >= bad:
        return 0.0
    return (bad - x) / (bad - good)


# ---- several evaluators


@dataclass(frozen=True)
class Entry:
    value: float | str | None  # None: 不适用
    comment: str = ""


@dataclass(frozen=True)
class Sheet:
    evaluator: str
    entries: Mapping[str, Entry]  # item key → entry (items not entered yet are missing)


@dataclass(frozen=True)
class ItemResult:
    item: Item
    fractions: tuple[tuple[str, float], ...]  # (evaluator, fraction) of those who scored it
    mean: float | None
    low: float | None
    high: float | None
    spread: float | None
    disagreement: bool
    hseep: str  # P/S/M/U, or N/A

    @property
    def points(self) -> float | None:
        """The item's mean in points of its weight."""
        return None if self.mean is None else self.mean * self.item.weight


@dataclass(frozen=True)
class Aggregate:
    items: list[ItemResult]
    total: float | None  # 0–100, None when nothing was scored
    grade: str
    weights: float  # the weights that counted (items somebody scored)
    evaluators: tuple[str, ...] = field(default_factory=tuple)

    @property
    def disagreements(self) -> list[ItemResult]:
        return [r for r in self.items if r.disagreement]


def grade_of(form: Form, total: float | None) -> str:
    if total is None:
        return ""
    return next((grade for grade, minimum in form.bands if total >= minimum - 1e-9), form.bands[-1][0])


def hseep_of(form: Form, mean: float | None) -> str:
    if mean is None:
        return "N/A"
    return next((rating for rating, _label, minimum in form.hseep if mean >= minimum - 1e-9), "U")


def aggregate(form: Form, sheets: Sequence[Sheet]) -> Aggregate:
    results: list[ItemResult] = []
    weighted = weights = 0.0
    for item in form.items:
        scored = tuple((s.evaluator, f) for s in sheets if item.key in s.entries
                       for f in [fraction(form, item, s.entries[item.key].value)] if f is not None)
        values = [f for _e, f in scored]
        if values:
            mean, low, high = fmean(values), min(values), max(values)
            spread = high - low
            weighted += mean * item.weight
            weights += item.weight
        else:
            mean = low = high = spread = None
        results.append(ItemResult(item, scored, mean, low, high, spread,
                                  spread is not None and spread > form.spread + 1e-9, hseep_of(form, mean)))
    total = round(100 * weighted / weights, 1) if weights else None
    return Aggregate(results, total, grade_of(form, total), weights, tuple(s.evaluator for s in sheets))
