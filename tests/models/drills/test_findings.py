"""Drill findings (both backends): raised on a held drill, tracked to closure with a verification
note, overdue ones listed as due items, and a finding that requires a plan revision recorded on the
plan and cited in its revision record when the plan is revised."""

from __future__ import annotations

from datetime import date

import pytest

from models.core.errors import StateError, ValidationError
from models.core.uow import unit_of_work
from models.drills import findings as df
from models.drills import service as ds
from models.drills.entities import DrillFinding
from models.plans import queries as pq
from models.plans.entities import Plan
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _data, _published_plan, _version
from tests.models.plans.test_plan_service import run, version_of

AS_OF = date(2026, 6, 1)


def _held(db):  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    return did, plan


def _finding_version(db, fid: int) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.get(DrillFinding, fid).version


def test_a_finding_is_tracked_to_closure_and_overdue_ones_are_due(db) -> None:  # type: ignore[no-untyped-def]
    did, plan = _held(db)
    data = df.FindingData(description="应急广播覆盖不到东侧罐区", owner="王设备", department="设备部",
                          due_date=date(2026, 5, 31), plan_id=plan)
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="实施后才能登记"):
        df.raise_finding(uow, did, data, as_of=AS_OF)
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        df.raise_finding(uow, did, df.FindingData(requires_revision=True), as_of=AS_OF)
    assert {e.field for e in caught.value.errors} == {"description", "due_date", "plan_id"}
    with unit_of_work(db, TESTER) as uow:
        raised = df.raise_finding(uow, did, data, as_of=AS_OF)
    assert not raised.revision_recorded
    with db.read() as s:
        (row,) = df.due(s, as_of=AS_OF)
    assert row.overdue_days == 1 and row.status_label == "待整改"
    for command in ("start", "verify"):
        with unit_of_work(db, TESTER) as uow:
            df.step(uow, raised.id, command, _finding_version(db, raised.id))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="验证情况"):
        df.step(uow, raised.id, "close", _finding_version(db, raised.id), as_of=AS_OF)
    with unit_of_work(db, TESTER) as uow:
        df.step(uow, raised.id, "close", _finding_version(db, raised.id), note="已加装广播，复测可闻", as_of=AS_OF)
    with db.read() as s:
        assert df.due(s, as_of=AS_OF) == [] and s.get(DrillFinding, raised.id).closed_on == AS_OF
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="已关闭"):
        df.step(uow, raised.id, "reopen", _finding_version(db, raised.id))


def test_a_finding_that_requires_a_revision_is_cited_in_the_revision_record(db) -> None:  # type: ignore[no-untyped-def]
    did, plan = _held(db)
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        raised = df.raise_finding(uow, did, df.FindingData(
            description="疏散集合点设在下风向", due_date=date(2026, 7, 1), plan_id=plan, requires_revision=True),
            as_of=AS_OF)
    assert raised.revision_recorded
    with db.read() as s:
        stored = s.get(Plan, plan)
        assert stored.revision_trigger == "drill_findings" and stored.revision_trigger_date == AS_OF
        assert "液氯泄漏综合演练" in stored.revision_reason and "疏散集合点设在下风向" in stored.revision_reason
    with unit_of_work(db, TESTER) as uow:
        from models.plans import service as ps

        ps.start_revision(uow, plan, version_of(db, plan), trigger="drill_findings", reason=stored.revision_reason,
                          trigger_date=AS_OF, version_label="V2.0")
    run(db, plan, "submit_review")
    run(db, plan, "publish", review_date=date(2026, 6, 10), approver="王建国", approval_date=date(2026, 6, 11),
        publish_date=date(2026, 6, 12), effective_date=date(2026, 6, 12))
    with db.read() as s:
        history = pq.versions(s, plan)
    assert history[-1].reason == "drill_findings" and "疏散集合点设在下风向" in history[-1].reason_text


def test_findings_brought_in_at_once_are_checked_and_record_the_revision_once(db) -> None:  # type: ignore[no-untyped-def]
    did, plan = _held(db)
    early = df.FindingRecord(did, df.FindingData(description="报警后 8 分钟才报告", due_date=date(2026, 6, 30),
                                                 plan_id=plan, requires_revision=True), date(2026, 5, 13))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="尚未实施"):
        df.import_findings(uow, [early])
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    late = df.FindingRecord(did, df.FindingData(description="疏散集合点设在下风向", due_date=date(2026, 7, 1),
                                                plan_id=plan, requires_revision=True), date(2026, 5, 15), "in_progress")
    closed = df.FindingRecord(did, df.FindingData(description="消防栓锈蚀", kind="hazard", due_date=date(2026, 6, 1)),
                              date(2026, 5, 13), "closed")
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="验证情况") as caught:
        df.import_findings(uow, [early, late, closed])
    assert caught.value.errors[0].label.startswith("第 3 条问题")
    other = df.FindingRecord(did, df.FindingData(description="x", due_date=date(2026, 6, 1), plan_id=plan + 999),
                             date(2026, 5, 13))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="这次演练检验的预案"):
        df.import_findings(uow, [other])
    closed = df.FindingRecord(closed.drill_id, closed.data, closed.raised_on, "closed", "已更换，试水正常", date(2026, 5, 30))
    with unit_of_work(db, TESTER) as uow:
        done = df.import_findings(uow, [early, late, closed])
    assert len(done.ids) == 3 and done.revisions == [plan]
    with db.read() as s:
        rows = {r.description: r for r in df.findings(s, as_of=AS_OF)}
        stored = s.get(Plan, plan)
    assert rows["消防栓锈蚀"].status_label == "已关闭" and rows["疏散集合点设在下风向"].status_label == "整改中"
    assert stored.revision_trigger == "drill_findings" and stored.revision_trigger_date == date(2026, 5, 15)
    assert "疏散集合点设在下风向" in stored.revision_reason  # the latest finding's reason
