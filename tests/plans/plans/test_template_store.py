"""Templates an administrator changes: versions, stale edits, reset, plans keep their template."""

from __future__ import annotations

import pytest

from models.core.actors import Actor
from models.core.errors import ConflictError, PermissionDenied
from models.core.uow import unit_of_work
from models.plans.service import PlanData
from plans.completeness import check
from plans.plans import store
from plans.plans import template_store as ts
from plans.plans.templates import TemplateError, load_template
from tests.factories import TESTER, create_enterprise

CLERK = Actor("办事员", frozenset({"staff"}))


def edited(db, kind: str = "special", title: str = "应急物资保障") -> dict:
    with db.read() as s:
        data = ts.template_json(s, kind)
    data["sections"].append({"key": "local.supplies", "title": title, "required": True,
                             "blocks": [{"type": "paragraph", "text": "说明{企业名称}的物资保障安排。"}]})
    return data


def save(db, data: dict, note: str = "本区要求增加物资保障章节") -> int:
    with unit_of_work(db, TESTER) as uow:
        return ts.save_template(uow, data, note=note)


def new_plan(db, enterprise_id: int, kind: str = "special", no: str = "ZX-01") -> int:
    with unit_of_work(db, TESTER) as uow:
        return store.create_from_template(uow, enterprise_id, PlanData(kind=kind, plan_no=no),
                                          {"事故类型": "火灾"})


def test_an_administrators_template_is_used_for_new_plans_and_old_plans_keep_theirs(db) -> None:
    ent = create_enterprise(db, 1)
    shipped = load_template("special")
    old_plan = new_plan(db, ent, no="ZX-01")
    version = save(db, edited(db))
    assert version == shipped.version + 1
    new = new_plan(db, ent, no="ZX-02")
    with db.read() as s:
        old_doc, _ = store.load_document(s, old_plan)
        new_doc, _ = store.load_document(s, new)
        infos = {i.kind: i for i in ts.template_infos(s)}
        old_template = ts.template_for(s, "special", old_doc.meta["template_version"])
        new_template = ts.template_for(s, "special", new_doc.meta["template_version"])
    assert new_doc.meta["template_version"] == str(version)
    assert new_doc.sections[-1].title == "应急物资保障"
    assert "说明" in new_doc.sections[-1].blocks[0].text and "{企业名称}" not in new_doc.sections[-1].blocks[0].text
    assert all(s.title != "应急物资保障" for s in old_doc.sections)
    assert old_template is not None and old_template.version == shipped.version
    assert new_template is not None and new_template.version == version
    assert infos["special"].customised and infos["special"].note == "本区要求增加物资保障章节"
    assert infos["special"].changed_by == TESTER.name and not infos["comprehensive"].customised
    # the completeness check of the new plan knows the new required section's guidance text
    findings = check(new_doc, store.cover(PlanData()), new_template)
    assert any("应急物资保障" in f.message for f in findings)


def test_a_stale_template_edit_is_refused(db) -> None:
    first, second = edited(db, title="甲"), edited(db, title="乙")
    save(db, first)
    with pytest.raises(ConflictError, match="已被修改"):
        save(db, second)


def test_invalid_templates_are_refused_with_every_problem_and_nothing_written(db) -> None:
    data = edited(db)
    data["sections"][0]["key"] = ""
    data["sections"].append({"key": "x", "title": "", "blocks": [{"type": "nonsense"}]})
    with pytest.raises(TemplateError, match="有误"):
        save(db, data)
    with pytest.raises(TemplateError, match="没有“plan9”"):
        save(db, {**edited(db), "kind": "plan9"})
    with db.read() as s:
        assert not any(i.customised for i in ts.template_infos(s))


def test_only_administrators_change_templates(db) -> None:
    with pytest.raises(PermissionDenied), unit_of_work(db, CLERK) as uow:
        ts.save_template(uow, edited(db))
    with pytest.raises(PermissionDenied), unit_of_work(db, CLERK) as uow:
        ts.reset_template(uow, "special")


def test_reset_returns_to_the_shipped_template_and_versions_keep_counting(db) -> None:
    ent = create_enterprise(db, 1)
    v2 = save(db, edited(db))
    plan = new_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        assert ts.reset_template(uow, "special") == load_template("special").version
    with db.read() as s:
        assert ts.active_template(s, "special") == load_template("special")
        assert ts.template_for(s, "special", str(v2)).version == v2  # the plan still finds its template
        doc, _ = store.load_document(s, plan)
    assert doc.meta["template_version"] == str(v2)
    assert save(db, edited(db, title="再次修改")) == v2 + 1
