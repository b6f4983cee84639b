"""Document templates: section skeletons as data, validated, and filled in (generic).

A template is JSON data (a kind of document — a plan, a drill report… — ships its own files and
says which placeholders and layouts its templates may use)::

    {"kind": "comprehensive", "name": "综合应急预案", "version": 1,
     "source": "GB/T 29639-2020《…》", "layout": "plan",
     "title": "{企业名称}生产安全事故综合应急预案",
     "sections": [{"key": "general.scope", "title": "适用范围", "required": true,
                   "blocks": [<block JSON of plans.document>], "children": [...]}],
     "annexes": [{"key": "supplies", "title": "应急物资装备名录或清单", "guidance": "…",
                  "generated_from": "supplies"}]}

Section keys are unique within a template (annex keys among annexes), at most 40 characters, and
stable across template versions: an instantiated section's ``key`` and ``template_key`` are the
template key, so versions of a document compare section by section. Leaf sections carry a short
guidance paragraph saying what to write, with ``{名称}`` placeholders; chapters with subsections
carry none. Paragraphs and lists are *guidance* (to be replaced by the author's own text; the
completeness check flags them while unchanged) unless marked ``"form": true`` — a fill-in line
such as "应急总指挥：{主要负责人}" that may stay once filled. Tables are forms.

``parse_template`` / ``validate_template`` take the placeholders and layouts the document kind
allows (the first layout is the default). ``instantiate`` fills placeholders from ``facts``; a
placeholder without a value becomes ``【待填写：名称】`` so nothing is silently blank, and the
completeness check (``plans.completeness``) finds it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.core.errors import DeskError
from plans.document import (
    MAX_KEY_LENGTH,
    Block,
    BulletList,
    Cell,
    Document,
    DocumentFormatError,
    Image,
    NumberedList,
    Paragraph,
    Section,
    Table,
    block_from_json,
)

PLACEHOLDER_RE = re.compile(r"\{([^{}\s]{1,20})\}")
UNFILLED_RE = re.compile(r"【待填写：([^】]*)】")


class TemplateError(DeskError):
    """A template file that cannot be used; the message lists every problem found."""


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    source: str | None  # where the value usually comes from, e.g. "enterprise.principal"


@dataclass(frozen=True)
class TemplateSection:
    key: str
    title: str
    required: bool
    blocks: tuple[Block, ...]
    children: tuple[TemplateSection, ...]
    guidance: tuple[bool, ...] = ()  # per block: True = guidance to replace, False = a form to fill in


@dataclass(frozen=True)
class Annex:
    key: str
    title: str
    guidance: str
    generated_from: str | None = None  # the live data it is built from when printed ("supplies", "contacts")


@dataclass(frozen=True)
class Template:
    kind: str
    name: str
    version: int
    source: str
    layout: str
    title: str
    sections: tuple[TemplateSection, ...]
    annexes: tuple[Annex, ...]

    def iter_sections(self) -> list[TemplateSection]:
        out: list[TemplateSection] = []

        def walk(items: tuple[TemplateSection, ...]) -> None:
            for s in items:
                out.append(s)
                walk(s.children)

        walk(self.sections)
        return out

    def section(self, key: str) -> TemplateSection | None:
        return next((s for s in self.iter_sections() if s.key == key), None)


# ------------------------------------------------------------------------------------ placeholders


def unfilled(name: str) -> str:
    return f"【待填写：{name}】"


def find_placeholders(text: str) -> list[str]:
    """The ``{名称}`` placeholders of ``text`` in order (repeats included)."""
    return PLACEHOLDER_RE.findall(text)


def fill(text: str, facts: Mapping[str, str]) -> str:
    """``text`` with each ``{名称}`` replaced by its (stripped, non-empty) fact, else 【待填写：名称】."""

    def replace(m: re.Match[str]) -> str:
        value = (facts.get(m.group(1)) or "").strip()
        return value or unfilled(m.group(1))

    return PLACEHOLDER_RE.sub(replace, text)


# -------------------------------------------------------------------------------------- parsing


def parse_template(data: Any, origin: str = "模板", *, placeholders: Collection[str],
                   layouts: Sequence[str]) -> Template:
    """A validated ``Template`` from JSON data; ``TemplateError`` lists every problem.

    ``placeholders``: the names the template may use; ``layouts``: the layouts it may name, the
    first one being the default (both are the document kind's, e.g. ``plans.plans.templates``)."""
    problems = validate_template(data, placeholders=placeholders, layouts=layouts)
    if problems:
        raise TemplateError(f"模板 {origin} 有误：" + "；".join(problems) + "。")
    return Template(kind=data["kind"], name=data["name"], version=data["version"], source=data["source"],
                    layout=data.get("layout", layouts[0]), title=data.get("title", data["name"]),
                    sections=tuple(_template_section(s) for s in data["sections"]),
                    annexes=tuple(Annex(a["key"], a["title"], a.get("guidance", ""), a.get("generated_from"))
                                  for a in data.get("annexes", [])))


def _template_section(data: dict[str, Any]) -> TemplateSection:
    blocks = tuple(block_from_json(b) for b in data.get("blocks", []))
    return TemplateSection(data["key"], data["title"], data.get("required", False), blocks,
                           tuple(_template_section(c) for c in data.get("children", [])),
                           tuple(isinstance(b, Paragraph | BulletList | NumberedList) and not raw.get("form", False)
                                 for b, raw in zip(blocks, data.get("blocks", []), strict=True)))


def validate_template(data: Any, *, placeholders: Collection[str], layouts: Sequence[str]) -> list[str]:
    """Every problem of template JSON ``data`` as a Chinese phrase (empty when usable);
    ``placeholders`` and ``layouts`` as for ``parse_template``."""
    if not isinstance(data, dict):
        return ["内容应为 JSON 对象"]
    problems: list[str] = []

    def text_field(obj: dict[str, Any], name: str, where: str) -> str | None:
        value = obj.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}缺少“{name}”")
            return None
        return value

    def check_placeholders(text: str, where: str) -> None:
        for name in find_placeholders(text):
            if name not in placeholders:
                problems.append(f"{where}使用了未知的占位符“{{{name}}}”")

    text_field(data, "kind", "")
    text_field(data, "name", "")
    text_field(data, "source", "")
    if not isinstance(data.get("version"), int) or isinstance(data.get("version"), bool) or data["version"] < 1:
        problems.append("“version”应为正整数")
    if data.get("layout", layouts[0]) not in layouts:
        problems.append(f"“layout”只能是 {'、'.join(layouts)}")
    title = data.get("title", data.get("name"))
    if isinstance(title, str):
        check_placeholders(title, "标题")
    else:
        problems.append("“title”应为文字")

    keys: set[str] = set()

    def walk(items: Any, where: str) -> None:
        if not isinstance(items, list):
            problems.append(f"{where}“sections/children”应为列表")
            return
        for i, item in enumerate(items):
            here = f"{where}第 {i + 1} 节"
            if not isinstance(item, dict):
                problems.append(f"{here}应为 JSON 对象")
                continue
            key = text_field(item, "key", here)
            title = text_field(item, "title", here)
            label = f"章节“{title or key or here}”"
            if key is not None:
                if key in keys:
                    problems.append(f"章节标识“{key}”重复")
                keys.add(key)
                if len(key) > MAX_KEY_LENGTH:
                    problems.append(f"章节标识“{key}”超过 {MAX_KEY_LENGTH} 个字符")
            if title is not None:
                check_placeholders(title, label)
            if not isinstance(item.get("required", False), bool):
                problems.append(f"{label}的“required”应为 true 或 false")
            blocks = item.get("blocks", [])
            if not isinstance(blocks, list):
                problems.append(f"{label}的“blocks”应为列表")
                blocks = []
            for j, raw in enumerate(blocks):
                try:
                    block = block_from_json(raw, f"{key}.blocks[{j}]")
                except DocumentFormatError as exc:
                    problems.append(f"{label}的第 {j + 1} 个内容块有误（{str(exc).rstrip('。')}）")
                    continue
                if isinstance(block, Image):
                    problems.append(f"{label}：模板中不能含图片")
                if not isinstance(raw.get("form", False), bool):
                    problems.append(f"{label}的第 {j + 1} 个内容块的“form”应为 true 或 false")
                for text in _block_strings(block):
                    check_placeholders(text, label)
            walk(item.get("children", []), f"{label}下")

    if "sections" not in data:
        problems.append("缺少“sections”")
    else:
        walk(data["sections"], "")
        if isinstance(data["sections"], list) and not data["sections"]:
            problems.append("“sections”不能为空")

    annexes = data.get("annexes", [])
    if not isinstance(annexes, list):
        problems.append("“annexes”应为列表")
        annexes = []
    annex_keys: set[str] = set()
    for i, annex in enumerate(annexes):
        here = f"附件第 {i + 1} 项"
        if not isinstance(annex, dict):
            problems.append(f"{here}应为 JSON 对象")
            continue
        key = text_field(annex, "key", here)
        text_field(annex, "title", here)
        if key is not None:
            if key in annex_keys:
                problems.append(f"附件标识“{key}”重复")
            annex_keys.add(key)
        guidance = annex.get("guidance", "")
        if not isinstance(guidance, str):
            problems.append(f"{here}的“guidance”应为文字")
        else:
            check_placeholders(guidance, here)
    return problems


def _block_strings(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, BulletList | NumberedList):
        return list(block.items)
    if isinstance(block, Table):
        return [c.text for row in block.rows for c in row]
    if isinstance(block, Image):
        return [block.caption]
    return []


# -------------------------------------------------------------------------------- instantiation


def _fill_block(block: Block, facts: Mapping[str, str]) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(fill(block.text, facts))
    if isinstance(block, BulletList):
        return BulletList([fill(i, facts) for i in block.items])
    if isinstance(block, NumberedList):
        return NumberedList([fill(i, facts) for i in block.items])
    if isinstance(block, Table):
        return Table([[Cell(fill(c.text, facts), c.colspan, c.rowspan) for c in row] for row in block.rows],
                     block.header_rows)
    return copy.deepcopy(block)


def instantiate(template: Template, facts: Mapping[str, str]) -> Document:
    """A new document from ``template``: every section with its guidance, placeholders filled.

    ``meta`` records ``template_key`` (the kind), ``template_version``, ``template_source`` and
    ``layout``; the completeness check uses them to recognise untouched guidance.
    """

    def build(ts: TemplateSection) -> Section:
        return Section(key=ts.key, title=fill(ts.title, facts), blocks=[_fill_block(b, facts) for b in ts.blocks],
                       children=[build(c) for c in ts.children], required=ts.required, template_key=ts.key)

    return Document(title=fill(template.title, facts), sections=[build(s) for s in template.sections],
                    meta={"template_key": template.kind, "template_version": str(template.version),
                          "template_source": template.source, "layout": template.layout})


def guidance_patterns(section: TemplateSection) -> list[re.Pattern[str]]:
    """Patterns matching the section's guidance blocks whatever the placeholders were filled with,
    ignoring whitespace (match them against ``squash(block_text(block))``). Forms — tables and
    blocks marked ``"form": true`` — are content to complete, not guidance (``form_patterns``)."""
    return [_wildcard_pattern(_template_text(b)) for b, g in zip(section.blocks, section.guidance, strict=True) if g]


def form_patterns(section: TemplateSection) -> list[re.Pattern[str]]:
    """Patterns matching the section's forms as instantiated, whatever they were filled with."""
    return [_wildcard_pattern(_template_text(b)) for b, g in zip(section.blocks, section.guidance, strict=True)
            if not g]


def _template_text(block: Block) -> str:
    return "\n".join(_block_strings(block))


def _wildcard_pattern(text: str) -> re.Pattern[str]:
    parts = PLACEHOLDER_RE.split(text)  # literal, name, literal, name, …
    regex = "".join(re.escape(squash(p)) if i % 2 == 0 else ".*?" for i, p in enumerate(parts))
    return re.compile(regex, re.DOTALL)


def squash(text: str) -> str:
    """``text`` without any whitespace (for comparing guidance whatever the line breaks)."""
    return "".join(text.split())
