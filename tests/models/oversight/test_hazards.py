"""Inspections and hidden hazards on both backends: an inspection with its findings in one unit of
work, the lifecycle 待整改 → 整改中 → 待复查 → 已销号 with refused moves and stale saves, extensions and
re-checks, 挂牌督办, penalties, the paged lists and the due items; and the pure rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models.core.audit import verify_chain
from models.core.errors import ConflictError, StateError, ValidationError
from models.core.uow import unit_of_work
from models.oversight import due, rules
from models.oversight import queries as hq
from models.oversight import service as hs
from models.oversight.entities import Hazard, HazardExtension, Inspection
from tests.factories import TESTER
from tests.models.oversight.hazards_world import AS_OF, build, close, finding, hazard, inspect, version


def fields_of(exc: ValidationError) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


# ---- the pure rules


def test_lifecycle_rule_follows_reference_data() -> None:
    assert rules.allowed_next("open") == ("rectifying", "recheck")
    assert rules.transition_error("open", "rectifying") is None
    assert rules.transition_error("recheck", "closed") is None
    assert rules.transition_error("open", "closed") == "隐患当前为“待整改”，不能直接改为“已销号”（只能改为“整改中”、“待复查”）。"
    assert rules.transition_error("closed", "rectifying") == "该隐患已销号，不能再改为“整改中”。"
    assert rules.transition_error("rectifying", "rectifying") == "该隐患已是“整改中”状态。"
    assert rules.supervision_error("general", "open", False) == "只有重大隐患才能挂牌督办。"
    assert rules.supervision_error("major", "open", True) == "该隐患已在挂牌督办中。"
    assert rules.supervision_error("major", "rectifying", False) is None


def test_deadline_rule_counts_the_deadline_day_in_time() -> None:
    assert rules.default_deadline("general", date(2026, 11, 1)) == date(2026, 12, 1)
    assert rules.default_deadline("major", date(2026, 11, 1)) == date(2027, 1, 30)
    assert not rules.is_overdue("open", AS_OF, AS_OF)
    assert rules.is_overdue("rectifying", AS_OF - timedelta(days=1), AS_OF)
    assert not rules.is_overdue("closed", AS_OF - timedelta(days=30), AS_OF)
    assert rules.overdue_days("open", AS_OF - timedelta(days=3), AS_OF) == 3
    assert rules.deadline_state("open", AS_OF - timedelta(days=3), AS_OF).text == "已逾期 3 天"
    assert rules.deadline_state("open", AS_OF, AS_OF).text == "今天到期"
    soon = rules.deadline_state("open", AS_OF + timedelta(days=7), AS_OF)
    assert (soon.key, soon.severity, soon.text) == ("coming_due", "warning", "还有 7 天")
    assert rules.deadline_state("open", AS_OF + timedelta(days=8), AS_OF).key == "ok"
    assert rules.deadline_state("closed", AS_OF - timedelta(days=8), AS_OF).key == "closed"


# ---- services


def test_inspection_with_findings_in_one_unit_of_work(db) -> None:
    w = build(db)
    day = date(2026, 11, 2)
    rec = inspect(db, w, w.enterprises[0], day, finding(), finding("major", description="液氯储罐区未设置泄漏报警"),
                  department=w.departments[1])
    assert len(rec.hazard_ids) == 2
    general, major = hazard(db, rec.hazard_ids[0]), hazard(db, rec.hazard_ids[1])
    assert (general.enterprise_id, general.department_id, general.found_on) == (w.enterprises[0], w.departments[1], day)
    assert general.deadline == day + timedelta(days=30) and major.deadline == day + timedelta(days=90)
    assert general.status == major.status == "open"
    # a bad finding refuses the whole inspection, each problem named by its finding
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.record_inspection(uow, hs.InspectionData(
            enterprise_id=w.enterprises[1], department_id=None, inspected_on=day,
            findings=(finding(), hs.FindingData(level="huge", category="fire", description=" ",
                                                deadline=day - timedelta(days=1)))))
    errors = {e.label: e.message for e in caught.value.errors}
    assert errors["检查部门"] == "请选择"
    assert errors["第 2 项隐患的隐患等级"] == "请从 一般隐患、重大隐患 中选择"
    assert errors["第 2 项隐患的隐患描述"] == "不能为空"
    assert errors["第 2 项隐患的整改期限"] == "不能早于检查日期"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Inspection)) == 1
        assert s.scalar(select(func.count()).select_from(Hazard)) == 2
        assert verify_chain(s).ok


def test_lifecycle_to_closing_with_refused_moves_and_stale_saves(db) -> None:
    w = build(db)
    hid = inspect(db, w, w.enterprises[0], date(2026, 11, 2), finding("major")).hazard_ids[0]
    v = version(db, hid)
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.recheck(uow, hid, hs.RecheckData(date(2026, 11, 5), "赵敏", True), v)
    assert str(caught.value) == "隐患当前为“待整改”，不能直接改为“已销号”（只能改为“整改中”、“待复查”）。"
    with unit_of_work(db, TESTER) as uow:
        v2 = hs.start_rectification(uow, hid, v)
    assert hazard(db, hid).status == "rectifying"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        hs.start_rectification(uow, hid, v)  # a stale copy
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.start_rectification(uow, hid, v2)
    assert str(caught.value) == "该隐患已是“整改中”状态。"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.submit_rectified(uow, hid, hs.RectifiedData(date(2026, 11, 1), " "), v2)
    assert fields_of(caught.value) == {"measures": "请填写采取的整改措施", "rectified_on": "不能早于发现日期"}
    with unit_of_work(db, TESTER) as uow:
        v3 = hs.submit_rectified(uow, hid, hs.RectifiedData(date(2026, 11, 20), "加装泄漏报警仪"), v2)
    h = hazard(db, hid)
    assert (h.status, h.rectified_on, h.measures) == ("recheck", date(2026, 11, 20), "加装泄漏报警仪")
    # failed: back to 整改中 with a new deadline kept as an extension
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.recheck(uow, hid, hs.RecheckData(date(2026, 11, 19), "", False, ""), v3)
    assert fields_of(caught.value) == {"checker": "请填写", "checked_on": "不能早于整改完成日期",
                                       "opinion": "复查不通过时请写明原因"}
    old = h.deadline
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.recheck(uow, hid, hs.RecheckData(date(2026, 11, 22), "赵敏", False, "报警仪未联动", old), v3)
    assert fields_of(caught.value)["new_deadline"].startswith("新整改期限应晚于原整改期限")
    with unit_of_work(db, TESTER) as uow:
        hs.recheck(uow, hid, hs.RecheckData(date(2026, 11, 22), "赵敏", False, "报警仪未联动", old + timedelta(days=10)), v3)
    h = hazard(db, hid)
    assert (h.status, h.deadline, h.closed_on) == ("rectifying", old + timedelta(days=10), None)
    with unit_of_work(db, TESTER) as uow:
        v = hs.submit_rectified(uow, hid, hs.RectifiedData(date(2026, 11, 25), "报警仪与切断阀联动"), h.version)
    with unit_of_work(db, TESTER) as uow:
        hs.recheck(uow, hid, hs.RecheckData(date(2026, 11, 26), "赵敏", True, "整改到位"), v)
    h = hazard(db, hid)
    assert (h.status, h.closed_on) == ("closed", date(2026, 11, 26))
    with db.read() as s:
        detail = hq.hazard_detail(s, hid, AS_OF)
    assert [r.result_label for r in detail.rechecks] == ["不通过", "通过"]
    assert [(e.old_deadline, e.new_deadline, e.reason) for e in detail.extensions] == [
        (old, old + timedelta(days=10), "复查未通过：报警仪未联动")]
    assert detail.next_statuses == () and not detail.can_supervise
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.start_rectification(uow, hid, h.version)
    assert str(caught.value) == "该隐患已销号，不能再改为“整改中”。"
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.extend_deadline(uow, hid, hs.ExtensionData(AS_OF, AS_OF + timedelta(days=30), "再延", "局长"), h.version)
    assert str(caught.value) == "该隐患已销号，不能再延期。"
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError):
        hs.update_hazard(uow, hid, hs.HazardData(level="major", category="fire", description="x"), h.version)


def test_open_hazard_may_go_straight_to_recheck(db) -> None:
    w = build(db)
    hid = inspect(db, w, w.enterprises[0], date(2026, 11, 2), finding()).hazard_ids[0]
    close(db, hid, date(2026, 11, 3))
    assert hazard(db, hid).status == "closed"


def test_extension_moves_the_deadline_and_keeps_the_record(db) -> None:
    w = build(db)
    hid = inspect(db, w, w.enterprises[0], date(2026, 10, 1), finding(deadline=date(2026, 10, 31))).hazard_ids[0]
    v = version(db, hid)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.extend_deadline(uow, hid, hs.ExtensionData(date(2026, 10, 20), date(2026, 10, 30), " ", ""), v)
    assert fields_of(caught.value) == {"reason": "请写明延期理由", "approved_by": "请填写",
                                       "new_deadline": "新整改期限应晚于原整改期限（2026-10-31）"}
    with unit_of_work(db, TESTER) as uow:
        hs.extend_deadline(uow, hid, hs.ExtensionData(date(2026, 10, 20), date(2026, 12, 15), "设备到货延迟", "李局长"), v)
    h = hazard(db, hid)
    assert h.deadline == date(2026, 12, 15)
    with db.read() as s:
        ext = s.scalars(select(HazardExtension)).one()
        assert (ext.old_deadline, ext.new_deadline, ext.approved_by) == (date(2026, 10, 31), date(2026, 12, 15), "李局长")
        # the effective deadline decides: no longer overdue on AS_OF
        assert hq.hazard_count(s, hq.HazardFilter(as_of=AS_OF, overdue=True)) == 0
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        hs.extend_deadline(uow, hid, hs.ExtensionData(date(2026, 10, 21), date(2027, 1, 15), "再延", "李局长"), v)


def test_supervision_only_for_major_hazards(db) -> None:
    w = build(db)
    general, major = inspect(db, w, w.enterprises[0], date(2026, 11, 2), finding(), finding("major")).hazard_ids
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.supervise(uow, general, hs.SupervisionData(date(2026, 11, 3), "临江市安委办"), version(db, general))
    assert str(caught.value) == "只有重大隐患才能挂牌督办。"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.supervise(uow, major, hs.SupervisionData(None, " "), version(db, major))
    assert fields_of(caught.value) == {"supervised_on": "请填写", "supervising_unit": "请填写"}
    with unit_of_work(db, TESTER) as uow:
        v = hs.supervise(uow, major, hs.SupervisionData(date(2026, 11, 3), "临江市安委办"), version(db, major))
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.supervise(uow, major, hs.SupervisionData(date(2026, 11, 4), "临江市安委办"), v)
    assert str(caught.value) == "该隐患已在挂牌督办中。"
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.update_hazard(uow, major, hs.HazardData(level="general", category="fire", description="降级"), v)
    assert fields_of(caught.value)["level"] == "该隐患正在挂牌督办，请先解除督办再改为一般隐患"
    with db.read() as s:
        rows = hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, supervised=True))
    assert [r.id for r in rows] == [major] and rows[0].supervising_unit == "临江市安委办"
    with unit_of_work(db, TESTER) as uow:
        hs.lift_supervision(uow, major, v)
    assert hazard(db, major).supervised_on is None


def test_penalties(db) -> None:
    w = build(db)
    rec = inspect(db, w, w.enterprises[0], date(2026, 11, 2), finding())
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.add_penalty(uow, hs.PenaltyData(enterprise_id=w.enterprises[1], department_id=w.departments[0], kind="fine",
                                           amount=0, decided_on=date(2026, 11, 10), hazard_id=rec.hazard_ids[0]))
    assert fields_of(caught.value) == {"amount": "罚款金额应大于 0", "hazard_id": "该隐患不属于所选企业"}
    with unit_of_work(db, TESTER) as uow:
        pid = hs.add_penalty(uow, hs.PenaltyData(enterprise_id=w.enterprises[0], department_id=w.departments[0],
                                                 kind="fine", amount=30000, decision_no="临应急罚〔2026〕12号",
                                                 decided_on=date(2026, 11, 10), hazard_id=rec.hazard_ids[0]))
        hs.add_penalty(uow, hs.PenaltyData(enterprise_id=w.enterprises[0], department_id=w.departments[0],
                                           kind="warning", decided_on=date(2026, 11, 12)))
    with db.read() as s:
        data, v = hs.load_penalty(s, pid)
        assert data.inspection_id == rec.inspection_id  # taken from the hazard
        rows = hq.penalty_rows(s, hq.PenaltyFilter(enterprise_id=w.enterprises[0]))
    assert [(r.kind_label, r.amount_text) for r in rows] == [("警告", ""), ("罚款", "30,000.00")]
    data.amount = 50000
    with unit_of_work(db, TESTER) as uow:
        v2 = hs.update_penalty(uow, pid, data, v)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        hs.update_penalty(uow, pid, data, v)
    with unit_of_work(db, TESTER) as uow:
        hs.delete_penalty(uow, pid, v2)
    with db.read() as s:
        assert hq.penalty_count(s, hq.PenaltyFilter()) == 1


def test_campaigns_and_inspection_lists(db) -> None:
    w = build(db)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.create_campaign(uow, hs.CampaignData(name="2026 安全生产大检查", kind="x", starts_on=date(2026, 6, 1),
                                                ends_on=date(2026, 5, 1)))
    assert fields_of(caught.value) == {"kind": "请从 安全生产大检查、汛期专项检查、专项整治、节假日安全检查、日常执法检查 中选择",
                                       "ends_on": "不能早于开始日期", "name": "已有名为“2026 安全生产大检查”的检查行动"}
    inspect(db, w, w.enterprises[0], date(2026, 11, 2), finding(), finding("major"))
    inspect(db, w, w.enterprises[1], date(2026, 11, 3), campaign=False)
    with db.read() as s:
        camps = hq.campaigns(s)
        rows = hq.inspection_rows(s, hq.InspectionFilter())
        assert hq.inspection_count(s, hq.InspectionFilter(campaign_id=w.campaign)) == 1
    assert [(c.name, c.inspections, c.hazards, c.kind_label) for c in camps] == [("2026 安全生产大检查", 1, 2, "安全生产大检查")]
    assert [(r.inspected_on, r.hazards, r.major_hazards) for r in rows] == [(date(2026, 11, 3), 0, 0),
                                                                           (date(2026, 11, 2), 2, 1)]
    with db.read() as s:
        _data, v = hs.load_campaign(s, w.campaign)
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.delete_campaign(uow, w.campaign, v)
    assert "已有检查记录" in str(caught.value)


def test_inspection_update_carries_to_its_hazards_and_delete_takes_them(db) -> None:
    w = build(db)
    rec = inspect(db, w, w.enterprises[0], date(2026, 11, 2), finding())
    with db.read() as s:
        data, v = hs.load_inspection(s, rec.inspection_id)
    data.department_id = w.departments[2]
    data.enterprise_id = w.enterprises[1]
    with unit_of_work(db, TESTER) as uow:
        v = hs.update_inspection(uow, rec.inspection_id, data, v)
        hs.add_hazard(uow, rec.inspection_id, finding(description="配电箱未接地", category="electrical"))
    with db.read() as s:
        rows = hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, inspection_id=rec.inspection_id))
    assert {(r.enterprise_id, r.department_id) for r in rows} == {(w.enterprises[1], w.departments[2])}
    with unit_of_work(db, TESTER) as uow:
        hs.delete_inspection(uow, rec.inspection_id, v)
    with db.read() as s:
        assert hq.hazard_count(s, hq.HazardFilter(as_of=AS_OF)) == 0


def test_hazard_list_filters_sort_and_pages(db) -> None:
    w = build(db)
    a = inspect(db, w, w.enterprises[0], date(2026, 9, 1), finding(deadline=date(2026, 10, 1)),
                finding("major", deadline=date(2026, 12, 1), description="重大隐患：储罐区")).hazard_ids
    b = inspect(db, w, w.enterprises[1], date(2026, 11, 1), finding(deadline=date(2026, 11, 29), description="配电箱"),
                department=w.departments[1], campaign=False).hazard_ids
    close(db, a[0], date(2026, 9, 20))
    with db.read() as s:
        f = hq.HazardFilter(as_of=AS_OF)
        assert hq.hazard_count(s, f) == 3
        assert [r.id for r in hq.hazard_page(s, f, sort="deadline")] == [a[0], b[0], a[1]]
        assert [r.id for r in hq.hazard_page(s, f, sort="deadline", descending=True, offset=2, limit=1, total=3)] == [a[0]]
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, overdue=True))] == [b[0]]
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, level="major"))] == [a[1]]
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, status="closed"))] == [a[0]]
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, department_id=w.departments[1]))] == [b[0]]
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, campaign_id=w.campaign))] == list(a)
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, text="储罐"))] == [a[1]]
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, active=True))] == [b[0], a[1]]
        row = hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, overdue=True))[0]
    assert row.as_json()["days_overdue"] == 1 and row.state.text == "已逾期 1 天" and row.status_label == "待整改"


def test_due_items_overdue_and_coming_due(db) -> None:
    w = build(db)
    major, soon, _later, done = inspect(
        db, w, w.enterprises[0], date(2026, 8, 1), finding("major", deadline=date(2026, 11, 20), description="液氯储罐区泄漏报警失效"),
        finding(deadline=date(2026, 12, 5), description="灭火器过期"), finding(deadline=date(2027, 2, 1)),
        finding(deadline=date(2026, 9, 1))).hazard_ids
    close(db, done, date(2026, 8, 10))
    with unit_of_work(db, TESTER) as uow:
        hs.supervise(uow, major, hs.SupervisionData(date(2026, 8, 2), "临江市安委办"), version(db, major))
    with db.read() as s:
        items = due.due_items(s, as_of=AS_OF, within=30)
        assert due.due_items(s, as_of=AS_OF, within=30, enterprise_id=w.enterprises[1]) == []
        assert [i.record_id for i in due.due_items(s, as_of=AS_OF, within=0)] == [major]
    by_id = {i.record_id: i for i in items}
    assert set(by_id) == {major, soon}
    m = by_id[major]
    assert (m.severity, m.days, m.when_text, m.record, m.parent_id, m.module) == (
        "danger", -10, "已逾期 10 天", "hazard", m.parent_id, "oversight")
    assert m.title.startswith("【重大隐患·挂牌督办】") and "临江市安委办挂牌督办" in m.detail
    s_ = by_id[soon]
    assert (s_.severity, s_.days, s_.when_text, s_.title) == ("warning", 5, "还有 5 天", "灭火器过期")
    assert m.parent_id == hazard(db, major).inspection_id


def test_summary_and_the_recycle_bin(db) -> None:
    w = build(db)
    ids = inspect(db, w, w.enterprises[0], date(2026, 9, 1), finding(deadline=date(2026, 10, 1)),
                  finding("major", deadline=date(2026, 11, 1)), finding(deadline=AS_OF + timedelta(days=3)),
                  finding(deadline=AS_OF + timedelta(days=60))).hazard_ids
    with unit_of_work(db, TESTER) as uow:
        hs.supervise(uow, ids[1], hs.SupervisionData(date(2026, 9, 2), "临江市安委办"), version(db, ids[1]))
    with db.read() as s:
        summary = hq.hazard_summary(s, AS_OF)
    assert summary == hq.HazardSummary(open=4, overdue=2, major_open=1, major_overdue=1, supervised=1, coming_due=1)
    assert summary.text(AS_OF) == ("按 2026-11-30：未销号隐患 4 项（重大 1 项），已逾期 2 项（重大 1 项），"
                                   "7 天内到期 1 项，挂牌督办 1 项。")
    with unit_of_work(db, TESTER) as uow:
        hs.delete_hazard(uow, ids[3], version(db, ids[3]))
    with db.read() as s:
        assert [r.id for r in hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF, deleted=True))] == [ids[3]]
    with unit_of_work(db, TESTER) as uow:
        hs.restore_hazard(uow, ids[3], version(db, ids[3]))
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError):
        hs.restore_hazard(uow, ids[3], version(db, ids[3]))
    with db.read() as s:
        assert hq.hazard_count(s, hq.HazardFilter(as_of=AS_OF)) == 4


def test_photos_of_a_hazard(db) -> None:
    w = build(db)
    hid = inspect(db, w, w.enterprises[0], date(2026, 11, 2), finding()).hazard_ids[0]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with unit_of_work(db, TESTER) as uow:
        att = hs.attach_photo(uow, hid, "现场.png", png, version(db, hid))
    with unit_of_work(db, TESTER) as uow:
        hs.attach_photo(uow, hid, "整改后.png", png, version(db, hid), kind="rectified_photo")
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError):
        hs.attach_photo(uow, hid, "x.png", png, version(db, hid), kind="scan")
    with db.read() as s:
        detail = hq.hazard_detail(s, hid, AS_OF)
        att_version = detail.attachments[0].version
    assert [(a.kind_label, a.filename) for a in detail.attachments] == [("隐患照片", "现场.png"), ("整改后照片", "整改后.png")]
    with unit_of_work(db, TESTER) as uow:
        hs.remove_photo(uow, att, att_version)
    with db.read() as s:
        assert [a.filename for a in hq.hazard_detail(s, hid, AS_OF).attachments] == ["整改后.png"]


def test_open_hazards_by_department_for_the_home_page(db) -> None:  # type: ignore[no-untyped-def]
    """Every department listed in its order; a department's open hazards by level and the overdue among
    them; closed ones and those found after the day are not counted."""
    from models.core.entities import Department

    w = build(db)
    first, second = w.departments[0], w.departments[1]
    day = AS_OF - timedelta(days=40)
    late = inspect(db, w, w.enterprises[0], day, finding("major", AS_OF - timedelta(days=5)), finding("general"),
                   department=first)
    done = inspect(db, w, w.enterprises[1], day, finding("general", AS_OF + timedelta(days=3)), department=second)
    close(db, done.hazard_ids[0], AS_OF - timedelta(days=1))
    inspect(db, w, w.enterprises[2], AS_OF + timedelta(days=1), finding("major"), department=second)  # found later
    with db.read() as s:
        rows = hq.open_hazards_by_department(s, AS_OF)
        names = {d.id: d.short_name or d.name for d in s.scalars(select(Department))}
        order = [names[d] for d in s.scalars(select(Department.id).order_by(Department.sort_order, Department.id))]
    assert [r.department for r in rows] == order
    by_name = {r.department: (r.general, r.major, r.overdue) for r in rows}
    assert by_name[names[first]] == (1, 1, 2)  # both past their deadlines (the 一般 one: 30 days after the inspection)
    assert by_name[names[second]] == (0, 0, 0)
    assert sum(r.general + r.major for r in rows) == 2 and len(late.hazard_ids) == 2
