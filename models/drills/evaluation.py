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

One form is one JSON object (``shipped_form_json``: the shipped file's shared scale, grade bands,
disagreement spread and HSEEP bands merged into each of its templates, each item with its HSEEP core
capability): what an administrator exports, edits and imports (``models.drills.templates``).
``parse_form`` reads it — the shipped forms and an administrator's alike — and ``form_problems``
lists every problem, each naming the item or the field, in Chinese.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from statistics import fmean
from typing import Any

from models.core.errors import FieldError, ValidationError
from models.core.reference import refdata

KINDS: dict[str, str] = {"score": "评分", "choice": "选择", "measure": "计量"}
BETTER: dict[str, str] = {"lower": "越小越好", "higher": "越大越好"}
HSEEP_RATINGS: tuple[str, ...] = ("P", "S", "M", "U")

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
    capability: str = ""  # HSEEP core capability (the HSEEP view: capability → critical task)

    @property
    def hseep_capability(self) -> str:
        return self.capability or self.indicator

    def rule_text(self, scale: Sequence[tuple[float, str]] = ()) -> str:
        """How the item is scored, in words (the form's scale for a score item)."""
        if self.kind == "choice":
            return "、".join(f"{label} {points:g}" for label, points in self.options)
        if self.kind == "measure":
            return (f"{self.target:g} {self.unit}{'以内' if self.better == 'lower' else '以上'}满分，"
                    f"{'达到或超过' if self.better == 'lower' else '达到或低于'} {self.limit:g} {self.unit}不得分")
        return "、".join(f"{v:g} {label}" for v, label in scale)


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
    return dict(refdata("models.drills.refdata", "evaluation"))


def form_keys() -> dict[str, str]:
    """The forms there are (``live`` 实战演练评估表, ``tabletop`` 桌面演练评估表), by key."""
    return {t["key"]: t["label"] for t in _shipped()["templates"]}


def shipped_form_json(key: str) -> dict[str, Any]:
    """The shipped form ``key`` as one JSON object (a fresh copy): what an administrator edits."""
    data = _shipped()
    template = next((t for t in data["templates"] if t["key"] == key), None)
    if template is None:
        raise KeyError(key)
    capabilities = data.get("hseep_capabilities", {})
    items = [{**i, "capability": i.get("capability") or capabilities.get(i["indicator"], "")}
             for i in template["items"]]
    out = {"key": key, "label": template["label"], "version": template["version"], "source": data["source"],
           "score_scale": data["score_scale"], "grade_bands": data["grade_bands"],
           "grade_bands_source": data.get("grade_bands_source", ""),
           "disagreement_spread": data["disagreement_spread"],
           "disagreement_source": data.get("disagreement_source", ""), "hseep": data["hseep"],
           "hseep_capabilities_source": data.get("hseep_capabilities_source", ""), "items": items}
    return dict(json.loads(json.dumps(out, ensure_ascii=False)))


def shipped_forms() -> dict[str, Form]:
    return dict(_shipped_forms())


@cache
def _shipped_forms() -> dict[str, Form]:
    return {key: parse_form(shipped_form_json(key)) for key in form_keys()}


def form_for(drill_form: str) -> Form:
    """The shipped form for a drill of ``drill_form`` (live → 实战, tabletop → 桌面)."""
    forms = shipped_forms()
    return forms.get(drill_form, forms["live"])


# ---- reading and checking a form (the shipped ones and an administrator's alike)

_ITEM_FIELDS = ("key", "phase", "indicator", "criterion", "weight", "kind", "options", "unit", "target", "limit",
                "better", "capability")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


class _Problems:
    def __init__(self) -> None:
        self.found: list[FieldError] = []

    def __call__(self, field: str, label: str, message: str) -> None:
        self.found.append(FieldError(field, label, message))


def form_problems(data: Any) -> list[FieldError]:
    """Every problem of the form JSON ``data``, each naming the item or the field (empty: usable)."""
    if not isinstance(data, Mapping):
        return [FieldError("form", "评估表", "评估表文件应是一个 JSON 对象")]
    bad = _Problems()
    if not _text(data.get("key")):
        bad("key", "评估表代码（key）", "不能为空")
    label = data.get("label")
    if not _text(label) or len(str(label)) > 64:
        bad("label", "评估表名称（label）", "请填写名称（最多 64 个字）")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        bad("version", "版本（version）", "应是正整数（导出时的版本号，请勿修改）")
    if not _text(data.get("source")):
        bad("source", "依据（source）", "请写明评估表的依据（标准、文件）")
    _check_scale(data.get("score_scale"), bad)
    _check_bands(data.get("grade_bands"), bad)
    spread = data.get("disagreement_spread")
    if not _number(spread) or not 0 < float(spread) <= 1:  # type: ignore[arg-type]
        bad("disagreement_spread", "分歧提示阈值（disagreement_spread）",
            "应大于 0、不超过 1（同一项各评估人得分折算为满分比例后最高与最低之差，如 0.4）")
    _check_hseep(data.get("hseep"), bad)
    items = data.get("items")
    if not isinstance(items, list) or not items:
        bad("items", "评估项（items）", "至少要有一项")
    else:
        seen: set[str] = set()
        for n, item in enumerate(items, 1):
            _check_item(n, item, seen, bad)
    return bad.found


def _check_scale(scale: object, bad: _Problems) -> None:
    if not isinstance(scale, list) or len(scale) < 2:
        bad("score_scale", "评分标准（score_scale）", "至少要有两档分值，如 1 差、3 合格、5 优秀")
        return
    values: list[float] = []
    for n, step in enumerate(scale, 1):
        where = f"评分标准第 {n} 档"
        if not isinstance(step, Mapping):
            bad(f"score_scale.{n}", where, "应是含分值（value）和名称（label）的对象")
            continue
        if not _number(step.get("value")) or step["value"] < 0:
            bad(f"score_scale.{n}.value", where, "分值（value）应是不小于 0 的数")
        else:
            values.append(float(step["value"]))
        if not _text(step.get("label")):
            bad(f"score_scale.{n}.label", where, "请填写这一档的名称（label），如“合格”")
    if len(set(values)) != len(values):
        bad("score_scale", "评分标准（score_scale）", "分值不能重复，最低分应小于最高分")


def _check_bands(bands: object, bad: _Problems) -> None:
    if not isinstance(bands, list) or not bands:
        bad("grade_bands", "等级分数线（grade_bands）", "至少要有一个等级，如 优 90、良 80、中 60、差 0")
        return
    minimums: list[float | None] = []
    grades: list[str] = []
    places: list[str] = []
    for n, band in enumerate(bands, 1):
        if not isinstance(band, Mapping):
            bad(f"grade_bands.{n}", f"等级分数线第 {n} 档", "应是含等级（grade）和分数线（min）的对象")
            minimums.append(None)
            places.append("")
            continue
        grade = band.get("grade")
        where = f"等级分数线第 {n} 档" + (f"“{grade}”" if _text(grade) else "")
        places.append(where)
        if not _text(grade):
            bad(f"grade_bands.{n}.grade", where, "请填写等级名称（grade），如“优”")
        elif grade in grades:
            bad(f"grade_bands.{n}.grade", where, "等级名称重复")
        else:
            grades.append(str(grade))
        minimum = band.get("min")
        if not _number(minimum) or not 0 <= float(minimum) <= 100:
            bad(f"grade_bands.{n}.min", where, "分数线（min）应在 0 到 100 之间")
            minimums.append(None)
        else:
            minimums.append(float(minimum))
    for n in range(1, len(minimums)):
        here, before = minimums[n], minimums[n - 1]
        if here is not None and before is not None and here >= before:
            bad(f"grade_bands.{n + 1}.min", places[n], f"分数线应从高到低排列：{here:g} 不低于上一档的 {before:g}")
    if minimums[-1] is not None and minimums[-1] != 0:
        bad("grade_bands", "等级分数线（grade_bands）", "最低一档的分数线应为 0（总分低于其他各档的都归入这一档）")


def _check_hseep(bands: object, bad: _Problems) -> None:
    if not isinstance(bands, list) or not bands:
        bad("hseep", "HSEEP 评级（hseep）", "至少要有一档，如 P 0.85、S 0.6、M 0.3、U 0")
        return
    minimums: list[float | None] = []
    ratings: list[str] = []
    for n, band in enumerate(bands, 1):
        where = f"HSEEP 评级第 {n} 档"
        if not isinstance(band, Mapping):
            bad(f"hseep.{n}", where, "应是含评级（rating）、名称（label）和下限（min）的对象")
            minimums.append(None)
            continue
        rating = band.get("rating")
        if rating not in HSEEP_RATINGS or rating in ratings:
            bad(f"hseep.{n}.rating", where, "评级（rating）应是 P、S、M、U 之一，且不重复")
        else:
            ratings.append(str(rating))
        if not _text(band.get("label")):
            bad(f"hseep.{n}.label", where, "请填写名称（label），如“顺利完成”")
        minimum = band.get("min")
        if not _number(minimum) or not 0 <= float(minimum) <= 1:
            bad(f"hseep.{n}.min", where, "下限（min）应在 0 到 1 之间（得分占满分的比例）")
            minimums.append(None)
        else:
            minimums.append(float(minimum))
    for n in range(1, len(minimums)):
        here, before = minimums[n], minimums[n - 1]
        if here is not None and before is not None and here >= before:
            bad(f"hseep.{n + 1}.min", f"HSEEP 评级第 {n + 1} 档", f"下限应从高到低排列：{here:g} 不低于上一档的 {before:g}")


def _check_item(n: int, item: object, seen: set[str], bad: _Problems) -> None:
    if not isinstance(item, Mapping):
        bad(f"items.{n}", f"第 {n} 项评估项", "应是一个对象")
        return
    key = item.get("key")
    name = (f"第 {n} 项评估项" + (f"“{item['indicator']}”" if _text(item.get("indicator")) else "")
            + (f"（{key}）" if _text(key) else ""))
    field = f"items.{key if _text(key) else n}"
    if not _text(key):
        bad(f"{field}.key", name, "缺少代码（key）")
    elif key in seen:
        bad(f"{field}.key", name, f"代码“{key}”与前面的评估项重复，每项的代码应唯一")
    else:
        seen.add(str(key))
    unknown = [k for k in item if k not in _ITEM_FIELDS]
    if unknown:
        bad(f"{field}", name, f"不认识的字段“{unknown[0]}”（可用：{'、'.join(_ITEM_FIELDS)}）")
    for attr, label in (("phase", "环节"), ("indicator", "评估指标"), ("criterion", "评估内容")):
        if not _text(item.get(attr)):
            bad(f"{field}.{attr}", name, f"请填写{label}（{attr}）")
    if "capability" in item and not isinstance(item["capability"], str):
        bad(f"{field}.capability", name, "HSEEP 核心能力（capability）应是文字")
    weight = item.get("weight")
    if not _number(weight) or float(weight) <= 0:  # type: ignore[arg-type]
        bad(f"{field}.weight", name, "权重（weight）应是大于 0 的数")
    kind = item.get("kind")
    if kind not in KINDS:
        bad(f"{field}.kind", name, "类型（kind）应是 score（评分）、choice（选择）或 measure（计量）")
    elif kind == "choice":
        _check_options(field, name, item.get("options"), bad)
    elif kind == "measure":
        _check_measure(field, name, item, bad)


def _check_options(field: str, name: str, options: object, bad: _Problems) -> None:
    if not isinstance(options, list) or len(options) < 2:
        bad(f"{field}.options", name, "选择项至少要有两个选项（options），每个有名称（label）和得分（points）")
        return
    labels: list[str] = []
    points: list[float] = []
    for m, option in enumerate(options, 1):
        label = option.get("label") if isinstance(option, Mapping) else None
        if not _text(label):
            bad(f"{field}.options.{m}", name, f"第 {m} 个选项缺少名称（label）")
        elif label in labels:
            bad(f"{field}.options.{m}", name, f"选项“{label}”重复")
        else:
            labels.append(str(label))
        value = option.get("points") if isinstance(option, Mapping) else None
        if not _number(value) or not 0 <= float(value) <= 1:  # type: ignore[arg-type]
            bad(f"{field}.options.{m}.points", name,
                f"选项“{label if _text(label) else m}”的得分（points）应在 0 到 1 之间（1 为满分）")
        else:
            points.append(float(value))  # type: ignore[arg-type]
    if len(points) == len(options) and max(points) < 1:
        bad(f"{field}.options", name, "至少要有一个选项得满分（points 为 1）")


def _check_measure(field: str, name: str, item: Mapping[str, Any], bad: _Problems) -> None:
    if not _text(item.get("unit")):
        bad(f"{field}.unit", name, "计量项请填写单位（unit），如“分钟”")
    numbers = {}
    for attr, label in (("target", "目标值（target，满分）"), ("limit", "界限（limit，不得分）")):
        value = item.get(attr)
        if not _number(value) or float(value) < 0:
            bad(f"{field}.{attr}", name, f"计量项的{label}应是不小于 0 的数")
        else:
            numbers[attr] = float(value)
    better = item.get("better", "lower")
    if better not in BETTER:
        bad(f"{field}.better", name, "better 应是 lower（越小越好）或 higher（越大越好）")
    elif len(numbers) == 2:
        if better == "lower" and numbers["target"] >= numbers["limit"]:
            bad(f"{field}.target", name, f"越小越好时，目标值 {numbers['target']:g} 应小于不得分的界限 {numbers['limit']:g}")
        if better == "higher" and numbers["target"] <= numbers["limit"]:
            bad(f"{field}.target", name, f"越大越好时，目标值 {numbers['target']:g} 应大于不得分的界限 {numbers['limit']:g}")


def parse_form(data: Any) -> Form:
    """A ``Form`` from its JSON object; ``ValidationError`` lists every problem and names where."""
    problems = form_problems(data)
    if problems:
        raise ValidationError(problems)
    capabilities = _shipped().get("hseep_capabilities", {})  # an item without one: its indicator's
    items = tuple(Item(key=i["key"], phase=i["phase"].strip(), indicator=i["indicator"].strip(),
                       criterion=i["criterion"].strip(), weight=float(i["weight"]), kind=i["kind"],
                       options=tuple((str(o["label"]), float(o["points"])) for o in i.get("options", ()))
                       if i["kind"] == "choice" else (),
                       unit=str(i.get("unit", "")) if i["kind"] == "measure" else "",
                       target=float(i["target"]) if i["kind"] == "measure" else None,
                       limit=float(i["limit"]) if i["kind"] == "measure" else None,
                       better=str(i.get("better", "lower")),
                       capability=str(i.get("capability") or capabilities.get(i["indicator"].strip(), "")).strip())
                  for i in data["items"])
    scale = tuple(sorted((float(s["value"]), str(s["label"])) for s in data["score_scale"]))
    bands = tuple((str(b["grade"]), float(b["min"])) for b in data["grade_bands"])
    hseep = tuple((str(h["rating"]), str(h["label"]), float(h["min"])) for h in data["hseep"])
    return Form(str(data["key"]), str(data["label"]).strip(), int(data["version"]), items, scale, bands,
                float(data["disagreement_spread"]), hseep, str(data["source"]))


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
