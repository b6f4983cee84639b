"""Plans as documents, stored: the bridge between ``plans.document`` and the plan services.

Everything that writes goes through ``models.plans.service`` inside the caller's unit of work;
this module turns documents into section rows and back, fills templates with an enterprise's
facts, and brings Word files in.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import FieldError, NotFoundError, ValidationError
from models.core.uow import UnitOfWork
from models.enterprises.entities import Enterprise
from models.plans import service as ps
from models.plans.entities import Plan, PlanImage
from models.plans.service import LABELS, PlanData, SectionInput
from plans.document import Document, flatten, from_flat
from plans.plans.print_model import front_matter
from plans.plans.template_store import active_template
from plans.plans.templates import KINDS
from plans.template import instantiate
from plans.word_import import DEFAULT_WORDING, ImportResult, Wording, import_docx

DUTY_ROLES = ("值班室", "值班电话", "总值班室", "调度室", "中控室")


@cache
def _placeholder_sources() -> dict[str, str | None]:
    text = resources.files("plans.plans.templates").joinpath("placeholders.json").read_text(encoding="utf-8")
    return {item["name"]: item.get("from") for item in json.loads(text)["items"]}


def enterprise_facts(session: Session, enterprise_id: int) -> dict[str, str]:
    """Placeholder values from the enterprise record (``placeholders.json`` says which field)."""
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or ent.is_deleted:
        raise NotFoundError(Enterprise.__label__, enterprise_id)
    return facts_of(ent)


def facts_of(ent: Enterprise) -> dict[str, str]:
    """``enterprise_facts`` of a loaded enterprise (its industry and contacts are read through it:
    load them with it when there are many)."""
    values = {
        "enterprise.name": ent.name, "enterprise.address": ent.address,
        "enterprise.industry": ent.industry.name, "enterprise.employees": f"{ent.employees}",
        "enterprise.principal": ent.principal, "enterprise.principal_phone": ent.principal_phone,
        "enterprise.safety_manager": ent.safety_manager,
        "enterprise.safety_manager_phone": ent.safety_manager_phone,
        "enterprise.major_hazard_sources": ent.major_hazard_sources or "无",
    }
    facts = {name: values[src] for name, src in _placeholder_sources().items()
             if values.get(src)}
    duty = next((c.phone for c in sorted(ent.contacts, key=lambda c: c.id)
                 if c.deleted_at is None and c.role in DUTY_ROLES and c.phone), None)
    if duty:
        facts["值班电话"] = duty
    return facts


def _rows(document: Document) -> list[SectionInput]:
    return [SectionInput(**vars(row)) for row in flatten(document)]


def create_from_template(uow: UnitOfWork, enterprise_id: int, data: PlanData,
                         extra_facts: dict[str, str] | None = None) -> int:
    """A new draft plan of ``data.kind`` from its template, filled with the enterprise's facts."""
    template = active_template(uow.session, data.kind)
    facts = {**enterprise_facts(uow.session, enterprise_id), **(extra_facts or {})}
    document = instantiate(template, facts)
    data.template_key = template.kind
    data.template_version = str(template.version)
    if not data.title:
        data.title = document.title
    return ps.create(uow, enterprise_id, data, _rows(document))


def load_document(session: Session, plan_id: int) -> tuple[Document, int]:
    """The plan's working document and the plan version it was read at."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.is_deleted:
        raise NotFoundError(Plan.__label__, plan_id)
    document = from_flat(plan.title, ps.section_inputs(session, plan_id),
                         {"template_key": plan.template_key, "template_version": plan.template_version})
    return document, plan.version


def save_document(uow: UnitOfWork, plan_id: int, document: Document, expected_version: int) -> int:
    """Store the edited document (sections, blocks, search text); returns the new plan version."""
    return ps.save_sections(uow, plan_id, _rows(document), expected_version)


def version_document(session: Session, version_id: int) -> Document:
    sections, meta = ps.version_content(session, version_id)
    return from_flat(str(meta.get("title", "")), sections, {k: str(v) for k, v in meta.items() if v is not None})


def image_data(session: Session, plan_id: int, sha256: str) -> tuple[bytes, str] | None:
    row = session.execute(select(PlanImage.data, PlanImage.mime).where(
        PlanImage.plan_id == plan_id, PlanImage.sha256 == sha256, PlanImage.deleted_at.is_(None))).first()
    return (row.data, row.mime) if row else None


def import_wording() -> Wording:
    """The words the Word import recognises front matter by: the usual ones and this product's own
    (``templates/front_matter.json``: cover labels, page titles, the 另行装订 note, the blank mark)."""
    fm = front_matter()
    return DEFAULT_WORDING.extended(
        cover_fields={label: name for name, label in fm["cover_fields"]},
        pages={fm["decree"]["title"]: "decree", fm["signoff"]["title"]: "signoff",
               fm["revisions"]["title"]: "revisions", fm["toc_title"]: "toc", fm["annex_index_title"]: "annex_index"},
        separate_notes=[fm["annex_separate_note"]], blanks=[fm["blank"]])


_DEFAULT_VERSION = PlanData().version_label


def import_word(uow: UnitOfWork, enterprise_id: int, source: str | Path | bytes | BinaryIO,
                data: PlanData) -> tuple[int, ImportResult]:
    """A new draft plan from a .docx (``WordImportError`` for a bad file: nothing written).

    What ``data`` leaves open comes from the document: the title (the cover's, else the document's
    title), the plan number and the version from the cover (a version other than the default
    ``V1.0`` in ``data`` is the caller's and wins). Without a number in ``data`` or on the cover the
    import is refused (``ValidationError`` on ``plan_no``): the file name is never a plan number.
    When the document follows the active template of ``data.kind`` (this product's export of
    such a plan: its annexes and sections), the plan takes that template and the sections its keys.
    """
    uow.get(Enterprise, enterprise_id)
    template = active_template(uow.session, data.kind) if data.kind in KINDS else None
    result = import_docx(source, wording=import_wording(), template=template)
    if not data.title.strip():
        data.title = result.document.title or "导入的应急预案"
    if not data.plan_no.strip():
        if not result.plan_no:
            raise ValidationError([FieldError("plan_no", LABELS["plan_no"],
                                              "Word 文档封面上没有预案编号，请填写预案编号")])
        data.plan_no = result.plan_no
    if result.version_label and data.version_label.strip() in ("", _DEFAULT_VERSION):
        data.version_label = result.version_label
    if result.template is not None and not data.template_key:
        data.template_key, data.template_version = result.template.kind, str(result.template.version)
    plan_id = ps.create(uow, enterprise_id, data, _rows(result.document))
    for digest, (blob, mime) in result.images.items():
        stored = ps.add_image(uow, plan_id, blob, mime)
        assert stored == digest
    return plan_id, result


def cover(data: PlanData) -> dict[str, Any]:
    """The cover fields the completeness check looks at."""
    return {"plan_no": data.plan_no, "publish_date": data.publish_date, "approver": data.approver,
            "effective_date": data.effective_date, "approval_date": data.approval_date}
