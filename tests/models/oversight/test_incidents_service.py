"""The incident services and queries on both backends: recording with Chinese refusals, the grade
stored and regraded by a 续报, a stale save refused, mark reported, plan links, soft delete, the
paged list with its filters, the detail, the counts by grade and the due items."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.core.database import Database
from models.core.errors import ConflictError, StateError, ValidationError
from models.core.uow import unit_of_work
from models.oversight import incidents as inc
from models.oversight.entities import Incident
from models.oversight.incidents import IncidentData, IncidentFilter, UpdateData
from models.plans import service as ps
from models.plans.service import PlanData
from tests.factories import TESTER, create_enterprise

NOW = datetime(2026, 12, 4, 9, 0)


def fields_of(exc: ValidationError) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


def record(db: Database, **overrides: object) -> int:
    data = IncidentData(title="储罐区泄漏事故", kind="hazchem", received_at=datetime(2026, 12, 3, 23, 40),
                        occurred_at=datetime(2026, 12, 3, 23, 20), location="储罐区")
    for key, value in overrides.items():
        setattr(data, key, value)
    with unit_of_work(db, TESTER) as uow:
        return inc.create_incident(uow, data)


def version_of(db: Database, incident_id: int) -> int:
    with db.read() as s:
        obj = s.get(Incident, incident_id)
        assert obj is not None
        return obj.version


def test_refusals_speak_chinese(db: Database) -> None:
    bad = IncidentData(title=" ", kind="meteor", received_at=None, deaths=-1, serious_injuries=-2, direct_loss_wan=-0.5)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        inc.create_incident(uow, bad)
    errors = fields_of(caught.value)
    assert errors["title"] == "不能为空"
    assert errors["kind"].startswith("请从 道路交通事故、火灾事故、危险化学品事故")
    assert errors["received_at"] == "请填写接报时间（1 小时上报时限从接报时起算）"
    assert errors["deaths"] == "不能为负数" and errors["serious_injuries"] == "不能为负数"
    assert errors["direct_loss_wan"] == "不能为负数"
    assert "接报时间" in str(caught.value)  # the whole message is Chinese labels and sentences
    order = IncidentData(title="火灾", kind="fire", received_at=datetime(2026, 12, 3, 10, 0),
                         reported_at=datetime(2026, 12, 3, 9, 59), occurred_at=datetime(2026, 12, 3, 10, 1))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        inc.create_incident(uow, order)
    assert fields_of(caught.value) == {"reported_at": "不能早于接报时间 2026-12-03 10:00",
                                       "occurred_at": "不能晚于接报时间 2026-12-03 10:00"}
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        inc.create_incident(uow, IncidentData(title="x", received_at=NOW, enterprise_id=9999))
    assert fields_of(caught.value) == {"enterprise_id": "所选企业已不存在，请重新选择"}
    with db.read() as s:
        assert inc.count(s, IncidentFilter(now=NOW)) == 0


def test_grade_stored_and_the_update_regrades(db: Database) -> None:
    ent = create_enterprise(db, 1)
    iid = record(db, enterprise_id=ent, deaths=2, serious_injuries=3, direct_loss_wan=400.0)
    with db.read() as s:
        obj = s.get(Incident, iid)
        assert obj is not None and obj.grade == "general"
        assert obj.region_id is not None  # where it happened: the enterprise's region
    before = version_of(db, iid)
    with unit_of_work(db, TESTER) as uow:
        inc.add_update(uow, iid, UpdateData(datetime(2026, 12, 6, 8, 0), 3, 2, 420.0, "1 名重伤人员死亡"), before)
    assert version_of(db, iid) == before + 1  # regraded and touched: one new version
    with db.read() as s:
        d = inc.detail(s, iid, NOW)
    assert d.row.grade == "larger" and d.row.grade_label == "较大事故"
    assert d.row.figures.deaths == 3 and d.first.deaths == 2
    assert [(u.figures.deaths, u.late) for u in d.updates] == [(3, False)]
    assert d.correction_until == date(2027, 1, 2)
    # a later 补报 after the window is kept and flagged; an earlier-dated one does not win
    with unit_of_work(db, TESTER) as uow:
        inc.add_update(uow, iid, UpdateData(datetime(2027, 1, 3, 9, 0), 10, 2, 420.0, "逾期补报"), version_of(db, iid))
    with unit_of_work(db, TESTER) as uow:
        inc.add_update(uow, iid, UpdateData(datetime(2026, 12, 5, 9, 0), 1, 0, 10.0, "早先的续报"), version_of(db, iid))
    with db.read() as s:
        d = inc.detail(s, iid, NOW)
    assert d.row.grade == "major" and d.row.figures.deaths == 10 and d.row.updates == 3
    assert [u.late for u in d.updates] == [False, False, True]
    # editing the first report's figures does not override the latest update's
    data, version = _load(db, iid)
    data.deaths = 0
    with unit_of_work(db, TESTER) as uow:
        inc.update_incident(uow, iid, data, version)
    with db.read() as s:
        assert s.get(Incident, iid).grade == "major"  # type: ignore[union-attr]
    # removing the latest update regrades from the one before
    with db.read() as s:
        last = inc.detail(s, iid, NOW).updates[-1]
    with unit_of_work(db, TESTER) as uow:
        inc.delete_update(uow, last.id, last.version)
    with db.read() as s:
        assert s.get(Incident, iid).grade == "larger"  # type: ignore[union-attr]


def _load(db: Database, iid: int) -> tuple[IncidentData, int]:
    with db.read() as s:
        return inc.load_incident(s, iid)


def test_update_without_updates_regrades_and_a_stale_save_is_refused(db: Database) -> None:
    iid = record(db)
    data, version = _load(db, iid)
    data.direct_loss_wan = 1000.0
    with unit_of_work(db, TESTER) as uow:
        new_version = inc.update_incident(uow, iid, data, version)
    assert new_version == version + 1
    with db.read() as s:
        assert s.get(Incident, iid).grade == "larger"  # type: ignore[union-attr]
    data.deaths = 30
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError) as caught:
        inc.update_incident(uow, iid, data, version)
    assert "已被他人修改" in str(caught.value) and "没有写入任何内容" in str(caught.value)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        inc.add_update(uow, iid, UpdateData(NOW, 1, 0, 0.0), version)
    with db.read() as s:
        assert s.get(Incident, iid).grade == "larger"  # type: ignore[union-attr]


def test_mark_reported_late_across_midnight(db: Database) -> None:
    iid = record(db)
    with db.read() as s:
        row = inc.rows(s, IncidentFilter(now=datetime(2026, 12, 4, 0, 30)))[0]
    assert row.timing.status == "pending"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        inc.mark_reported(uow, iid, datetime(2026, 12, 3, 23, 0), "市政府总值班室", version_of(db, iid))
    assert fields_of(caught.value) == {"reported_at": "不能早于接报时间 2026-12-03 23:40"}
    with unit_of_work(db, TESTER) as uow:
        inc.mark_reported(uow, iid, datetime(2026, 12, 4, 0, 41), "市政府总值班室", version_of(db, iid))
    with db.read() as s:
        row = inc.rows(s, IncidentFilter(now=NOW))[0]
    assert row.timing.label == "迟报 1 分钟" and row.minutes_late == 1 and row.reported_to == "市政府总值班室"
    assert row.as_json()["minutes_late"] == 1 and row.as_json()["received_at"] == "2026-12-03T23:40"
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as state:
        inc.mark_reported(uow, iid, datetime(2026, 12, 4, 0, 50), "", version_of(db, iid))
    assert "已于 2026-12-04 00:41 上报" in str(state.value)


def test_plan_links_and_soft_delete(db: Database) -> None:
    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        plan = ps.create(uow, ent, PlanData(kind="comprehensive", plan_no="YA-001", title="综合应急预案"), [])
    iid = record(db, enterprise_id=ent)
    with unit_of_work(db, TESTER) as uow:
        link = inc.link_plan(uow, iid, plan, activated_at=datetime(2026, 12, 3, 23, 50), response_level="Ⅱ级",
                             expected_version=version_of(db, iid))
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        inc.link_plan(uow, iid, plan, expected_version=version_of(db, iid))
    assert str(caught.value) == "预案“综合应急预案”已关联到此事故。"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as bad:
        inc.link_plan(uow, iid, 9999, expected_version=version_of(db, iid))
    assert fields_of(bad.value) == {"plan_id": "所选预案已不存在，请重新选择"}
    with db.read() as s:
        d = inc.detail(s, iid, NOW)
    assert [(p.plan_title, p.response_level) for p in d.plans] == [("综合应急预案", "Ⅱ级")]
    with unit_of_work(db, TESTER) as uow:
        inc.unlink_plan(uow, link, d.plans[0].version)
    with unit_of_work(db, TESTER) as uow:  # linked again: the same row back
        assert inc.link_plan(uow, iid, plan, expected_version=version_of(db, iid)) == link
    with unit_of_work(db, TESTER) as uow:
        inc.delete_incident(uow, iid, version_of(db, iid))
    with db.read() as s:
        assert inc.count(s, IncidentFilter(now=NOW)) == 0
        assert inc.count(s, IncidentFilter(now=NOW, deleted=True)) == 1
    with unit_of_work(db, TESTER) as uow:
        inc.restore_incident(uow, iid, version_of(db, iid))
    with db.read() as s:
        assert inc.count(s, IncidentFilter(now=NOW)) == 1


def test_list_filters_sorting_and_counts(db: Database) -> None:
    ent = create_enterprise(db, 1)
    a = record(db, title="甲 道路事故", kind="road", deaths=3, received_at=datetime(2026, 11, 1, 8, 0),
               occurred_at=None, reported_at=datetime(2026, 11, 1, 8, 30))
    b = record(db, title="乙 火灾事故", kind="fire", enterprise_id=ent, serious_injuries=50,
               received_at=datetime(2026, 11, 20, 22, 0), occurred_at=None, reported_at=datetime(2026, 11, 20, 23, 30))
    c = record(db, title="丙 中毒事故", received_at=datetime(2026, 12, 4, 7, 0), occurred_at=None)
    with db.read() as s:
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW))] == [c, b, a]  # the newest first
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW), sort="grade", descending=False)] == [b, a, c]
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW, late_only=True))] == [c, b]
        assert inc.count(s, IncidentFilter(now=NOW, late_only=True)) == 2
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW, grade="major"))] == [b]
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW, kind="road"))] == [a]
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW, enterprise_id=ent))] == [b]
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW, text="测试1号"))] == [b]  # the enterprise's name
        assert [r.id for r in inc.rows(s, IncidentFilter(now=NOW, start=date(2026, 11, 20),
                                                         end=date(2026, 11, 30)))] == [b]
        assert [r.id for r in inc.page(s, IncidentFilter(now=NOW), offset=2, limit=1, total=3)] == [a]
        late = inc.rows(s, IncidentFilter(now=NOW, late_only=True))
        assert [(r.timing.status, r.minutes_late) for r in late] == [("overdue", 60), ("late", 30)]
        assert inc.grade_counts(s, date(2026, 11, 1), date(2026, 11, 30)) == {
            "extraordinary": 0, "major": 1, "larger": 1, "general": 0}
        assert inc.grade_counts(s, date(2026, 12, 4), date(2026, 12, 4))["general"] == 1


def test_due_items(db: Database) -> None:
    ent = create_enterprise(db, 1)
    unreported = record(db, title="未报事故", received_at=datetime(2026, 12, 3, 23, 40), enterprise_id=ent)
    late = record(db, title="迟报事故", kind="fire", received_at=datetime(2026, 11, 30, 23, 40), occurred_at=None,
                  reported_at=datetime(2026, 12, 1, 0, 41))
    old = record(db, title="早先事故", kind="road", received_at=datetime(2026, 10, 1, 8, 0), occurred_at=None,
                 reported_at=datetime(2026, 10, 1, 8, 20))
    record(db, title="以后的事故", received_at=datetime(2026, 12, 6, 8, 0), occurred_at=None)  # after as_of
    with db.read() as s:
        items = inc.incident_due_items(s, as_of=date(2026, 12, 4), within=7)
    found = {(i.kind, i.record_id): i for i in items}
    # the hazchem incident's 30-day window closes after the 7 days asked for
    assert set(found) == {("incident_unreported", unreported), ("incident_late", late), ("incident_correction", late)}
    due = found[("incident_unreported", unreported)]
    assert due.severity == "danger" and due.module == "oversight" and due.record == "incident"
    assert due.due_on == date(2026, 12, 4) and due.days == 0 and due.enterprise_id == ent
    assert due.detail == "12月3日 23:40 接报，应于 12月4日 00:40 前上报，尚未上报"
    assert found[("incident_late", late)].severity == "warning"
    assert found[("incident_late", late)].detail.startswith("迟报 1 分钟")
    corr = found[("incident_correction", late)]
    assert corr.due_on == date(2026, 12, 7) and corr.days == 3 and "火灾事故自发生之日起 7 日内" in corr.detail
    assert old not in {i.record_id for i in items}
    with db.read() as s:  # a longer window takes the hazchem incident's 30-day window in
        wide = inc.incident_due_items(s, as_of=date(2026, 12, 4), within=30)
        assert ("incident_correction", unreported) in {(i.kind, i.record_id) for i in wide}
        only = inc.incident_due_items(s, as_of=date(2026, 12, 4), within=30, enterprise_id=ent)
        assert {i.record_id for i in only} == {unreported}
        later = inc.incident_due_items(s, as_of=date(2026, 12, 20), within=7)
        assert ("incident_late", late) not in {(i.kind, i.record_id) for i in later}
