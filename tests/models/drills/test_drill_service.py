"""Drills through the write path (both backends): validation, plans and versions drilled, lifecycle,
rescheduling with a reason, stale saves refused, recycle bin, the list and the obligations query."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.core.audit import history
from models.core.errors import ConflictError, StateError, ValidationError
from models.core.uow import unit_of_work
from models.drills import queries as dq
from models.drills import service as ds
from models.drills.entities import Drill
from models.drills.service import DrillData
from models.plans import service as ps
from tests.factories import TESTER, create_enterprise
from tests.models.plans.test_plan_service import new_plan, run

WHEN = datetime(2026, 5, 12, 9, 30)


def _published_plan(db, ent: int, **kw: object) -> int:  # type: ignore[no-untyped-def]
    pid = new_plan(db, ent, **kw)
    run(db, pid, "submit_review")
    run(db, pid, "publish", review_date=date(2026, 3, 1), approver="王建国", approval_date=date(2026, 3, 2),
        publish_date=date(2026, 3, 5), effective_date=date(2026, 3, 5))
    return pid


def _data(ent: int, plans: list[int], **kw: object) -> DrillData:
    data = DrillData(enterprise_id=ent, title="液氯泄漏综合演练", planned_at=WHEN, plan_ids=plans,
                     location="液氯储罐区", organiser="安全环保部", content_type="comprehensive")
    for k, v in kw.items():
        setattr(data, k, v)
    return data


def _version(db, drill_id: int) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.get(Drill, drill_id).version


def test_create_records_the_plans_with_the_version_drilled(db) -> None:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    draft = new_plan(db, ent, plan_no="XC-01", kind="onsite", title="液氯泄漏现场处置方案")
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan, draft, plan]))
    with db.read() as s:
        data, version = ds.load(s, did)
        row = dq.page(s, dq.DrillFilter(enterprise_id=ent))[0]
    assert data.plan_ids == [plan, draft] and version == 1
    with db.read() as s:
        name = row.enterprise
        assert [r.id for r in dq.rows(s, dq.DrillFilter(text=f"{name[:4]} 液氯"))] == [did]  # enterprise and title
        assert dq.rows(s, dq.DrillFilter(text=f"{name[:4]} 不存在")) == []
    assert row.status_label == "计划" and row.plans[0].endswith("（第 1 版）") and row.plans[1].endswith("（草稿）")


def test_invalid_input_is_refused_with_every_problem_named(db) -> None:  # type: ignore[no-untyped-def]
    ent, other = create_enterprise(db, 1), create_enterprise(db, 2)
    foreign = _published_plan(db, other)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        ds.create(uow, DrillData(enterprise_id=ent, title="", planned_at=None, form="飞行", location="长" * 201))
    fields = {e.field for e in caught.value.errors}
    assert fields == {"title", "planned_at", "form", "location", "plan_ids"}
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="只能选择本企业的预案"):
        ds.create(uow, _data(ent, [foreign]))
    with db.read() as s:
        assert dq.count(s) == 0  # nothing half-written


def test_lifecycle_reschedule_and_cancel(db) -> None:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="改期必须填写原因"):
        ds.reschedule(uow, did, datetime(2026, 5, 20, 9), " ", _version(db, did))
    with unit_of_work(db, TESTER) as uow:
        ds.reschedule(uow, did, datetime(2026, 5, 20, 9), "台风预警，推迟一周", _version(db, did))
    with db.read() as s:
        changes = {c.field: c for c in history(s, "drill", did)}
    assert "台风预警" in str(changes["reschedule_reason"]) and "2026-05-12" in str(changes["planned_at"])
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="实际实施的日期"):
        ds.transition(uow, did, "conduct", _version(db, did))
    for command, kw in (("prepare", {}), ("conduct", {"held_on": date(2026, 5, 20)}), ("evaluate", {}),
                        ("complete", {})):
        with unit_of_work(db, TESTER) as uow:
            ds.transition(uow, did, command, _version(db, did), **kw)
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="当前状态为“完成”"):
        ds.transition(uow, did, "cancel", _version(db, did), reason="x")
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="不能改期"):
        ds.reschedule(uow, did, datetime(2026, 6, 1, 9), "再改", _version(db, did))
    with unit_of_work(db, TESTER) as uow:
        second = ds.create(uow, _data(ent, [plan], title="第二次演练"))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="取消演练必须填写原因"):
        ds.transition(uow, second, "cancel", _version(db, second))
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, second, "cancel", _version(db, second), reason="企业停产检修")
    with db.read() as s:
        assert [r.status for r in dq.rows(s, dq.DrillFilter(enterprise_id=ent))] == ["cancelled", "done"]  # by planned time: the first was moved to the 20th


def test_a_stale_save_is_refused_and_the_bin_keeps_the_drill(db) -> None:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    with db.read() as s:
        data, version = ds.load(s, did)
    data.location = "装卸站台"
    with unit_of_work(db, TESTER) as uow:
        ds.update(uow, did, data, version)
    data.location = "另一处"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        ds.update(uow, did, data, version)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="改期请用"):
        ds.update(uow, did, DrillData(**{**vars(data), "planned_at": datetime(2026, 9, 1, 9)}), version + 1)
    with unit_of_work(db, TESTER) as uow:
        ds.delete(uow, did, _version(db, did))
    with db.read() as s:
        assert dq.count(s) == 0 and dq.count(s, dq.DrillFilter(deleted=True)) == 1
    with unit_of_work(db, TESTER) as uow:
        ds.restore(uow, did, _version(db, did))
    with db.read() as s:
        assert ds.load(s, did)[0].location == "装卸站台"


def test_obligations_query_counts_held_drills_of_the_right_kinds(db) -> None:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    with db.read() as s:
        before = {o.key: o for o in dq.obligations(s, as_of=date(2026, 12, 3), enterprise_id=ent)[0].obligations}
    assert before["plan_yearly"].due == date(2026, 12, 31) and before["plan_yearly"].last_drill is None
    for command, kw in (("conduct", {"held_on": date(2026, 5, 12)}),):
        with unit_of_work(db, TESTER) as uow:
            ds.transition(uow, did, command, _version(db, did), **kw)
    with db.read() as s:
        (row,) = dq.obligations(s, as_of=date(2026, 12, 3), enterprise_id=ent)
    after = {o.key: o for o in row.obligations}
    assert after["plan_yearly"].last_drill == date(2026, 5, 12) and after["plan_yearly"].due == date(2027, 12, 31)
    assert not after["onsite_half_year"].applicable  # no published 现场处置方案
    assert ps  # the plan service made the plans above


def test_the_annual_plan_writes_planned_drills_once(db) -> None:  # type: ignore[no-untyped-def]
    from models.core import reference

    with db.read() as s:
        hazchem = next(c.id for c in reference.industries(s) if c.code == "hazchem.production")
    ent = create_enterprise(db, 1, industry_id=hazchem)
    top = _published_plan(db, ent)
    site = new_plan(db, ent, plan_no="XC-01", kind="onsite", title="液氯泄漏现场处置方案")
    with unit_of_work(db, TESTER) as uow:
        ids = ds.plan_year(uow, ent, 2027)
    with db.read() as s:
        rows = dq.rows(s, dq.DrillFilter(enterprise_id=ent))
        first = ds.load(s, ids[0])[0]
    assert len(ids) == 2 and {r.planned_at for r in rows} == {datetime(2027, 4, 15, 9), datetime(2027, 10, 15, 9)}
    assert set(first.plan_ids) == {top, site} and first.content_type == "comprehensive"
    assert all(r.status == "planned" for r in rows) and "满足" in first.notes
    with unit_of_work(db, TESTER) as uow:
        assert ds.plan_year(uow, ent, 2027) == []  # already planned: nothing added
