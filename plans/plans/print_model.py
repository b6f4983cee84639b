"""A plan as it is printed: front matter, numbered body, annexes — the one input of both renderers.

``build_print_document(session, plan_id, as_of=…)`` gathers everything the Word and PDF exporters
draw, so the two files cannot differ in content:

- the *source*: a frozen published version (the latest one for a published or filed plan, or the
  one asked for), else the working draft;
- the cover (预案编号, 版本号, 预案名称, 编制单位, 发布/实施日期, 受控状态, 发放号, 持有人), the
  发布令 signed by the 主要负责人, the 编制/审核/批准 sign-off rows and the revision history —
  wording and field choices from ``templates/front_matter.json``;
- the body as a flat list of sections in reading order, each with its level and number path;
  ``heading_text`` formats the number in the plan's style (1 / 1.1) or in GB/T 9704 style
  (一、/（一）/1./（1）) — the house style chooses;
- the annexes of the plan's template, filled from live data by the annex builders it is given
  (``annex_builders``: the product's list is ``plans.annexes.BUILDERS``; by default the plan
  package's own, ``plans.plans.annexes.BUILDERS``) where one has the annex's key, otherwise
  listed as bound separately;
- the watermark: "草稿" for anything not published, "作废" for a retired plan or a superseded
  version; metadata for the PDF (title, author = compiling unit, subject, keywords, and a creation
  date that is the content's own date, so re-exporting unchanged content gives the same bytes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFoundError
from models.enterprises.entities import Enterprise
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.entities import PLAN_KINDS, PLAN_STATUSES, Plan, PlanImage, PlanVersion
from models.plans.rules import revision_trigger_label
from plans.document import Block, Document, Section, from_flat, is_numbered
from plans.plans import annexes as plan_annexes
from plans.plans.annexes import AnnexBuilder
from plans.plans.template_store import template_for
from plans.template import Template

NumberScheme = Literal["decimal", "gbt9704"]
CN_DIGITS = "〇一二三四五六七八九"


@cache
def front_matter() -> dict[str, Any]:
    """Wording of the front matter (``templates/front_matter.json``, with its source)."""
    text = resources.files("plans.plans.templates").joinpath("front_matter.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


# ------------------------------------------------------------------------------------- numbering


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (headings rarely go past 99)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def format_number(path: tuple[int, ...], scheme: NumberScheme) -> str:
    """The number of a heading at ``path`` (1-based ordinals from the top): "3.1" or "（一）"."""
    if not path:
        return ""
    if scheme == "decimal":
        return ".".join(str(p) for p in path)
    n = path[-1]
    return {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}."}.get(len(path), f"（{n}）")


def heading_text(path: tuple[int, ...], title: str, scheme: NumberScheme) -> str:
    number = format_number(path, scheme)
    if not number:
        return title
    return f"{number} {title}" if scheme == "decimal" else f"{number}{title}"


# ------------------------------------------------------------------------------------------ model


@dataclass(frozen=True)
class PrintSection:
    key: str
    title: str
    level: int  # 1 = chapter
    path: tuple[int, ...]  # () for an unnumbered section (text before the first heading of an import)
    blocks: list[Block]

    def heading(self, scheme: NumberScheme = "decimal") -> str:
        return heading_text(self.path, self.title, scheme)


@dataclass(frozen=True)
class CoverField:
    name: str
    label: str
    value: str


@dataclass(frozen=True)
class SignOff:
    role: str
    name: str
    date: str


@dataclass(frozen=True)
class RevisionRow:
    version: str
    date: str
    reason: str
    text: str
    by: str


@dataclass(frozen=True)
class PrintAnnex:
    number: int
    key: str
    title: str
    blocks: list[Block]
    separate: bool  # nothing generated: bound separately, listed in the annex index
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"附件{self.number}　{self.title}"


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: list[str]
    created: datetime


@dataclass(frozen=True)
class PrintDocument:
    plan_id: int
    version_number: int | None  # None: the working draft
    title: str
    kind: str
    kind_label: str
    status_label: str
    plan_no: str
    version_label: str
    controlled: str  # 受控 / 非受控
    enterprise_name: str
    cover: list[CoverField]
    decree_title: str
    decree: list[str]
    signer_label: str
    signer: str
    decree_date_label: str
    decree_date: str
    signoff_title: str
    signoff_columns: list[str]
    signoffs: list[SignOff]
    revisions_title: str
    revision_columns: list[str]
    revisions: list[RevisionRow]
    sections: list[PrintSection]
    annexes: list[PrintAnnex]
    images: Mapping[str, tuple[bytes, str]]
    watermark: str | None
    metadata: Metadata
    layout: str = "plan"  # "card": a one-page 应急处置卡, no front matter
    document: Document | None = None  # the source as the editor models it (for the pre-print check)
    record: Mapping[str, Any] = field(default_factory=dict)  # the source's record fields (cover data)
    template: Template | None = None
    toc_title: str = "目次"
    annex_index_title: str = "附件"
    annex_separate_note: str = ""

    @property
    def header_text(self) -> str:
        """The running header: plan number, version and control status."""
        return "　".join(p for p in (self.plan_no, self.version_label, self.controlled) if p)

    @property
    def file_stem(self) -> str:
        """A file name for this document: plan number and version."""
        return safe_file_name(f"{self.plan_no}_{self.version_label or '草稿'}", "预案")

    def headings(self, scheme: NumberScheme = "decimal") -> list[str]:
        """Body and annex headings in reading order (what the TOC, bookmarks and tests list)."""
        return [s.heading(scheme) for s in self.sections] + [a.heading for a in self.annexes]

    def warnings(self) -> list[str]:
        return [w for a in self.annexes for w in a.warnings]


def safe_file_name(text: str, fallback: str = "未命名") -> str:
    """``text`` as a file or folder name on Windows too (reserved characters become “_”)."""
    name = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text).strip(" .")
    return name[:120] or fallback


# ---------------------------------------------------------------------------------------- builder


def _iso(value: object) -> str:
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return _iso(date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def _flatten(document: Document) -> list[PrintSection]:
    out: list[PrintSection] = []

    def walk(sections: list[Section], path: tuple[int, ...], counting: bool) -> None:
        n = 0
        for s in sections:
            if counting and is_numbered(s):
                n += 1
                own = (*path, n)
                out.append(PrintSection(s.key, s.title, len(own), own, list(s.blocks)))
                walk(s.children, own, True)
            else:
                out.append(PrintSection(s.key, s.title, len(path) + 1, (), list(s.blocks)))
                walk(s.children, path, False)

    walk(document.sections, (), True)
    return out


def _source(session: Session, plan: Plan, version_id: int | None) -> tuple[PlanVersion | None, bool]:
    """The version to print (None: the working draft) and whether a newer version supersedes it."""
    latest = session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id)
                            .order_by(PlanVersion.number.desc()).limit(1))
    if version_id is not None:
        row = session.get(PlanVersion, version_id)
        if row is None or row.plan_id != plan.id:
            raise NotFoundError(PlanVersion.__label__, version_id)
        return row, latest is not None and latest.number > row.number
    if plan.status in ("published", "filed"):
        return latest, False
    if plan.status == "retired" and latest is not None:
        return latest, False
    return None, False


def _meta_of(session: Session, plan: Plan, version: PlanVersion | None) -> dict[str, Any]:
    if version is not None:
        return dict(version.meta)
    return vars(ps.load(session, plan.id)[0])


def build_print_document(session: Session, plan_id: int, *, as_of: date, version_id: int | None = None,
                         annex_builders: Sequence[AnnexBuilder] = plan_annexes.BUILDERS) -> PrintDocument:
    """Everything the exporters draw for one plan (see the module docstring); ``annex_builders``
    fill the annexes (for one key, the last builder listed wins)."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.is_deleted:
        raise NotFoundError(Plan.__label__, plan_id)
    fm = front_matter()
    version, superseded = _source(session, plan, version_id)
    meta = _meta_of(session, plan, version)
    enterprise = session.get(Enterprise, plan.enterprise_id)
    enterprise_name = enterprise.name if enterprise is not None else ""
    if version is not None:
        sections, _ = ps.version_content(session, version.id)
        document = from_flat(str(meta.get("title", "")), sections)
    else:
        document = from_flat(plan.title, ps.section_inputs(session, plan.id))
    title = str(meta.get("title") or plan.title)
    blank = fm["blank"]

    retired = plan.status == "retired" or superseded
    blank_date = fm["blank_date"]

    def value(name: str) -> str:
        raw = meta.get(name)
        if name == "controlled":  # an abolished plan or a replaced version is no longer controlled
            return fm["control"]["void"] if retired else fm["control"]["controlled" if raw in (True, None)
                                                                           else "uncontrolled"]
        if name in ("publish_date", "effective_date"):
            return _iso(raw) or blank_date  # room to write the date by hand
        return _iso(raw) or (blank if name in ("plan_no", "version_label", "compiling_unit") else "")

    compiling_unit = str(meta.get("compiling_unit") or enterprise_name)
    cover = [CoverField(name, label, compiling_unit if name == "compiling_unit" else value(name))
             for name, label in fm["cover_fields"]]
    facts = {"编制单位": compiling_unit, "预案名称": title, "预案编号": str(meta.get("plan_no", "")),
             "版本号": str(meta.get("version_label", "")),
             "评审方式": (str(meta.get("review_type") or "评审") + "通过"),
             "实施日期": _iso(meta.get("effective_date")) or "发布之日"}
    decree = [_fill(p, facts) for p in fm["decree"]["paragraphs"]]

    reviewers = [r.strip() for r in str(meta.get("reviewers") or "").splitlines() if r.strip()]
    names = {"compiled_by": str(meta.get("compiled_by") or ""), "approver": str(meta.get("approver") or ""),
             "reviewers_first": reviewers[0] if reviewers else ""}
    signoffs = [SignOff(r["role"], names.get(r["name_from"], ""),
                        _iso(meta.get(r["date_from"])) if r["date_from"] else "")
                for r in fm["signoff"]["roles"]]

    history = pq.versions(session, plan.id)
    if version is not None:
        history = [h for h in history if h.number <= version.number]
    revisions = [RevisionRow(h.version_label, _iso(h.publish_date),
                             _trigger_label(h.reason) if h.reason else fm["revisions"]["first_reason"],
                             h.reason_text, h.approver or h.published_by) for h in history]

    template = template_for(session, str(meta.get("template_key") or ""), meta.get("template_version"))
    annexes = _annexes(session, plan, template, as_of, {b.key: b for b in annex_builders})
    images = {row.sha256: (row.data, row.mime) for row in session.scalars(
        select(PlanImage).where(PlanImage.plan_id == plan.id, PlanImage.deleted_at.is_(None)))}

    watermarks = fm["watermarks"]
    if plan.status == "retired":
        watermark: str | None = watermarks["retired"]
    elif superseded:
        watermark = watermarks["superseded"]
    elif version is None:
        watermark = watermarks["draft"]
    else:
        watermark = None
    created = version.created_at if version is not None else plan.updated_at
    kind_label = PLAN_KINDS.get(plan.kind, plan.kind)
    status_label = PLAN_STATUSES.get(plan.status, plan.status) if version is None or not superseded else \
        fm["control"]["superseded_status"]
    return PrintDocument(
        plan_id=plan.id, version_number=version.number if version else None, title=title, kind=plan.kind,
        kind_label=kind_label, status_label=status_label,
        plan_no=str(meta.get("plan_no") or ""), version_label=str(meta.get("version_label") or ""),
        controlled=value("controlled"), enterprise_name=enterprise_name, cover=cover,
        decree_title=fm["decree"]["title"], decree=decree, signer_label=fm["decree"]["signer_label"],
        signer=names["approver"], decree_date_label=fm["decree"]["date_label"],
        decree_date=_iso(meta.get("publish_date")) or blank_date, signoff_title=fm["signoff"]["title"],
        signoff_columns=list(fm["signoff"]["columns"]), signoffs=signoffs,
        revisions_title=fm["revisions"]["title"], revision_columns=list(fm["revisions"]["columns"]),
        revisions=revisions, sections=_flatten(document), annexes=annexes, images=images, watermark=watermark,
        metadata=Metadata(title=f"{title}（{watermark}）" if watermark else title, author=compiling_unit,
                          subject=f"{enterprise_name}{kind_label}（{status_label}）",
                          keywords=["应急预案", kind_label, status_label, *([watermark] if watermark else []),
                                    enterprise_name, str(meta.get("plan_no") or "")],
                          created=created),
        layout=template.layout if template is not None else "plan",
        toc_title=fm["toc_title"], annex_index_title=fm["annex_index_title"],
        annex_separate_note=fm["annex_separate_note"], document=document, record=meta, template=template)


def _fill(text: str, facts: Mapping[str, str]) -> str:
    for k, v in facts.items():
        text = text.replace("{" + k + "}", v)
    return text


def _trigger_label(code: str) -> str:
    try:
        return revision_trigger_label(code)
    except KeyError:
        return code


def _annexes(session: Session, plan: Plan, template: Template | None, as_of: date,
             builders: Mapping[str, AnnexBuilder]) -> list[PrintAnnex]:
    if template is not None:
        wanted = [(a.key, a.title) for a in template.annexes]
    else:  # a plan without a template (a Word import): the annexes built from live data
        comprehensive = template_for(session, "comprehensive", None)
        titles = {a.key: a.title for a in comprehensive.annexes} if comprehensive else {}
        wanted = [(key, titles.get(key, key)) for key in builders if key in titles]
    out: list[PrintAnnex] = []
    for number, (key, title) in enumerate(wanted, 1):
        builder = builders.get(key)
        content = builder.build(session, plan, as_of) if builder is not None else None
        if content is None:
            out.append(PrintAnnex(number, key, title, [], True))
        else:
            out.append(PrintAnnex(number, key, title, list(content.blocks), False, content.source,
                                  list(content.warnings)))
    return out
