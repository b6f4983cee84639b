"""Plan templates (P2): the GB/T 29639-2020 section skeletons of the plan kinds, as data.

The data ships in this package (a package, not ``plans/plans/templates.py``, so the JSON files are
package data next to the code that reads them): ``comprehensive.json`` (综合应急预案),
``special.json`` (专项应急预案), ``onsite.json`` (现场处置方案), ``card.json`` (应急处置卡),
``placeholders.json`` (the placeholders a plan template may use) and ``front_matter.json`` (the
wording of a printed plan's front matter, read by ``plans.plans.print_model``).

The file format, validation and ``instantiate`` are the generic template machinery of
``plans.template``; this module supplies what is a plan's: the kinds (``KINDS``), the layouts a
plan template may name (``LAYOUTS``: a plan, or a one-page card), the known placeholders, and the
loaders of the shipped files (``load_template``, ``shipped_json``). ``parse_plan_template`` and
``validate_plan_template`` check a plan template (an administrator's edit) against those.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from plans.document import Document
from plans.template import Placeholder, Template, TemplateError, parse_template, validate_template

KINDS: tuple[str, ...] = ("comprehensive", "special", "onsite", "card")
LAYOUTS: tuple[str, ...] = ("plan", "card")  # the first is the default


@cache
def placeholders() -> dict[str, Placeholder]:
    """The placeholders plan templates may use, by name (``placeholders.json``)."""
    data = _read_json("placeholders.json")
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise TemplateError("占位符清单 placeholders.json 有误：缺少“items”列表。")
    out: dict[str, Placeholder] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise TemplateError(f"占位符清单 placeholders.json 有误：第 {i + 1} 项缺少名称。")
        out[item["name"]] = Placeholder(item["name"], str(item.get("description", "")), item.get("from"))
    return out


def parse_plan_template(data: Any, origin: str = "模板") -> Template:
    """A validated plan ``Template`` from JSON data; ``TemplateError`` lists every problem."""
    return parse_template(data, origin, placeholders=placeholders(), layouts=LAYOUTS)


def validate_plan_template(data: Any) -> list[str]:
    """Every problem of plan template JSON ``data`` as a Chinese phrase (empty when usable)."""
    return validate_template(data, placeholders=placeholders(), layouts=LAYOUTS)


# -------------------------------------------------------------------------------------- loading


def _read_json(filename: str) -> Any:
    path = resources.files(__name__).joinpath(filename)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"找不到模板文件 {filename}，安装可能不完整。") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(f"模板文件 {filename} 不是有效的 JSON（第 {exc.lineno} 行）。") from None


@cache
def load_template(kind: str) -> Template:
    """The shipped template of ``kind`` (one of ``KINDS``), validated."""
    if kind not in KINDS:
        raise TemplateError(f"没有“{kind}”类型的预案模板。")
    return parse_plan_template(_read_json(f"{kind}.json"), f"{kind}.json")


def shipped_json(kind: str) -> dict[str, Any]:
    """The shipped template file of ``kind`` as JSON (a fresh copy)."""
    if kind not in KINDS:
        raise TemplateError(f"没有“{kind}”类型的预案模板。")
    data = _read_json(f"{kind}.json")
    assert isinstance(data, dict)
    return data


def load_templates() -> dict[str, Template]:
    return {kind: load_template(kind) for kind in KINDS}


def shipped_template_of(document: Document) -> Template | None:
    """The shipped template of the kind ``document`` was instantiated from (its ``template_key``);
    None for a document without one (a Word import) or when that template file is damaged."""
    kind = document.meta.get("template_key", "")
    if kind not in KINDS:
        return None
    try:
        return load_template(kind)
    except TemplateError:
        # A damaged template file must not stop the completeness check; its guidance rules are skipped.
        return None
