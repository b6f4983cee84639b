"""Completeness check before printing or submitting for review (P3), against a given template.

``check(document, cover, template)`` lists what is still missing, in document order after the
cover: each ``Finding`` has a Chinese ``message``, a ``severity`` and a ``target`` the editor can
jump to (``target_kind`` "cover": a cover field name such as ``plan_no``; "section": a section
key; "document": the document title or the document as a whole).

What counts as unwritten (templates: ``plans.template``):
- a section with no text at all (no own content; for a chapter, none in any subsection either —
  a chapter whose subsections are checked themselves is not reported again);
- a section whose blocks are all still the template's *guidance* (placeholders filled or not),
  possibly beside the template's forms (fill-in lines, tables);
- guidance kept next to the unit's own text (warning: it would be printed);
- ``【待填写：名称】`` left by a placeholder without a value;
- a required template section that was deleted.
Required sections give errors, others warnings. The guidance rules and the deleted-section rule
need the template the document was instantiated from; the caller passes it (for a plan:
``plans.plans.preprint.check_plan`` finds it). Without one only the other rules apply."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from plans.document import Document, Section, block_text, heading, iter_sections, numbered
from plans.template import UNFILLED_RE, Template, form_patterns, guidance_patterns, squash


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return {"error": "必须处理", "warning": "建议处理"}[self.value]


TargetKind = Literal["cover", "section", "document"]


@dataclass(frozen=True)
class Finding:
    message: str
    severity: Severity
    target: str  # cover field name, section key, or "title" / "" for the document
    target_kind: TargetKind


# Cover fields that must be filled before printing, with their Chinese labels.
REQUIRED_COVER: dict[str, str] = {"plan_no": "预案编号", "publish_date": "发布日期", "approver": "主要负责人（批准人）"}
DATE_FIELDS: dict[str, str] = {"publish_date": "发布日期", "effective_date": "实施日期",
                               "approval_date": "批准日期"}

CoverValue = str | date | None


def check(document: Document, cover: Mapping[str, CoverValue], template: Template | None) -> list[Finding]:
    """Everything missing before the document can be printed, cover first, then sections in order.

    ``template`` is the one the document was instantiated from; None: no guidance rules (a Word
    import, or a template that cannot be found)."""
    findings = _check_cover(cover)
    findings += _check_title(document)
    if not document.sections:
        findings.append(Finding("预案正文还没有任何章节。", Severity.ERROR, "", "document"))
        return findings
    present = {s.template_key for s in iter_sections(document) if s.template_key}
    for number, section in numbered(document):
        findings += _check_section(number, section, template)
    if template is not None:
        for ts in template.iter_sections():
            if ts.required and ts.key not in present:
                findings.append(Finding(f"缺少必备章节“{ts.title}”（{template.name}要求），可能已被删除，请补上。",
                                        Severity.ERROR, "", "document"))
    return findings


def _check_cover(cover: Mapping[str, CoverValue]) -> list[Finding]:
    out: list[Finding] = []
    dates: dict[str, date] = {}
    for name, label in DATE_FIELDS.items():
        value = cover.get(name)
        if isinstance(value, date):
            dates[name] = value
        elif isinstance(value, str) and value.strip():
            try:
                dates[name] = date.fromisoformat(value.strip())
            except ValueError:
                out.append(Finding(f"封面：{label}“{value}”不是有效日期，请用日期选择器选择。",
                                   Severity.ERROR, name, "cover"))
                dates[name] = date.min  # reported; do not also report it as missing
    for name, label in REQUIRED_COVER.items():
        value = cover.get(name)
        missing = name not in dates if name in DATE_FIELDS else not (isinstance(value, str) and value.strip())
        if missing:
            out.append(Finding(f"封面：尚未填写{label}。", Severity.ERROR, name, "cover"))
        elif isinstance(value, str) and UNFILLED_RE.search(value):
            out.append(Finding(f"封面：{label}仍是待填写内容。", Severity.ERROR, name, "cover"))
    publish, effective = dates.get("publish_date"), dates.get("effective_date")
    if publish and effective and date.min not in (publish, effective) and effective < publish:
        out.append(Finding(f"封面：实施日期（{effective.isoformat()}）早于发布日期（{publish.isoformat()}）。",
                           Severity.ERROR, "effective_date", "cover"))
    approval = dates.get("approval_date")
    if publish and approval and date.min not in (publish, approval) and publish < approval:
        out.append(Finding(f"封面：发布日期（{publish.isoformat()}）早于批准日期（{approval.isoformat()}）。",
                           Severity.ERROR, "publish_date", "cover"))
    return out


def _check_title(document: Document) -> list[Finding]:
    if not document.title.strip():
        return [Finding("预案名称为空。", Severity.ERROR, "title", "document")]
    names = _unfilled(document.title)
    if names:
        return [Finding(f"预案名称中仍有待填写内容：{'、'.join(names)}。", Severity.ERROR, "title", "document")]
    return []


def _unfilled(text: str) -> list[str]:
    return list(dict.fromkeys(UNFILLED_RE.findall(text)))


def _has_text(section: Section) -> bool:
    return any(block_text(b).strip() for b in section.blocks)


def _subtree_has_text(section: Section) -> bool:
    return _has_text(section) or any(_subtree_has_text(c) for c in section.children)


def _has_required_below(section: Section) -> bool:
    return any(c.required or _has_required_below(c) for c in section.children)


def _check_section(number: str, section: Section, template: Template | None) -> list[Finding]:
    out: list[Finding] = []
    name = f"“{heading(number, section)}”"
    kind_label = "必备章节" if section.required else "章节"
    severity = Severity.ERROR if section.required else Severity.WARNING

    def add(message: str, sev: Severity = severity) -> None:
        out.append(Finding(message, sev, section.key, "section"))

    if not section.title.strip():
        add(f"第 {number or '（未编号）'} 节没有标题。", Severity.ERROR)

    if not _has_text(section):
        if not section.children:
            add(f"{kind_label}{name}尚未填写内容。" + ("" if section.required else "如不适用，可删除此章节。"))
        elif not _subtree_has_text(section) and not _has_required_below(section):
            add(f"{kind_label}{name}及其下各节都没有内容。")
    else:
        guidance, forms = _patterns(template, section)
        if guidance:
            texts = [t for t in (squash(block_text(b)) for b in section.blocks) if t]
            is_guidance = [any(p.fullmatch(t) for p in guidance) for t in texts]
            own = [not g and not any(p.fullmatch(t) for p in forms) for t, g in zip(texts, is_guidance, strict=True)]
            if any(is_guidance) and not any(own):
                add(f"{kind_label}{name}仍只有模板提示文字，请按本单位实际情况编写。")
            elif any(is_guidance):
                add(f"章节{name}中仍保留模板提示文字，打印前请删除或改写。", Severity.WARNING)

    names = _unfilled("\n".join([section.title] + [block_text(b) for b in section.blocks]))
    if names:
        add(f"{kind_label}{name}中有待填写内容：{'、'.join(names)}。")
    return out


def _patterns(template: Template | None, section: Section) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """The template's guidance and form patterns for the section (none without a template)."""
    ts = template.section(section.template_key) if template is not None and section.template_key else None
    return (guidance_patterns(ts), form_patterns(ts)) if ts is not None else ([], [])
