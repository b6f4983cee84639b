"""Plans through the write path: record, section tree, lifecycle, frozen versions (both backends)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models.core.errors import ConflictError, ImmutableError, StateError, ValidationError
from models.core.uow import Actor, unit_of_work
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.entities import Plan, PlanVersion
from models.plans.service import PlanData, SectionInput
from tests.factories import TESTER, create_enterprise


def sections(text: str = "初稿") -> list[SectionInput]:
    return [
        SectionInput(key="s1", title="总则", position=0, required=True),
        SectionInput(key="s1.1", title="适用范围", parent_key="s1", position=0, required=True,
                     blocks=[{"type": "paragraph", "text": text}]),
        SectionInput(key="s2", title="应急组织机构及职责", position=1, required=True),
    ]


def new_plan(db, enterprise_id: int, **overrides: object) -> int:
    data = PlanData(kind="comprehensive", plan_no="YA-2026-01", title="生产安全事故综合应急预案")
    for k, v in overrides.items():
        setattr(data, k, v)
    with unit_of_work(db, TESTER) as uow:
        return ps.create(uow, enterprise_id, data, sections())


def version_of(db, plan_id: int) -> int:
    with db.read() as s:
        return s.get(Plan, plan_id).version


def run(db, plan_id: int, command: str, **values: object) -> int:
    with unit_of_work(db, TESTER) as uow:
        return ps.transition(uow, plan_id, command, version_of(db, plan_id), **values)


def test_plan_with_section_tree(db) -> None:
    ent = create_enterprise(db, 1)
    pid = new_plan(db, ent)
    with db.read() as s:
        rows = ps.section_rows(s, pid)
        assert [(r.key, r.title) for r in rows] == [("s1", "总则"), ("s1.1", "适用范围"),
                                                     ("s2", "应急组织机构及职责")]
        assert rows[1].parent_id == rows[0].id
        assert ps.load(s, pid)[2] == "draft"


def test_plan_number_unique_per_enterprise_and_parent_rules(db) -> None:
    e1, e2 = create_enterprise(db, 1), create_enterprise(db, 2)
    top = new_plan(db, e1)
    with pytest.raises(ValidationError, match="已有编号"):
        new_plan(db, e1)
    new_plan(db, e2)  # another enterprise may use the same number
    special = new_plan(db, e1, kind="special", plan_no="YA-2026-02", title="危险化学品泄漏专项应急预案",
                       parent_plan_id=top)
    with pytest.raises(ValidationError, match="只能挂在综合应急预案下"):
        new_plan(db, e1, kind="onsite", plan_no="YA-2026-03", title="现场处置方案", parent_plan_id=special)
    with pytest.raises(ValidationError, match="本企业的预案"):
        new_plan(db, e2, kind="special", plan_no="YA-9", title="专项", parent_plan_id=top)


def test_editing_sections_keeps_keys_and_bumps_the_plan_version(db) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    v = version_of(db, pid)
    edited = sections("修改后的适用范围")
    edited.append(SectionInput(key="s3", title="应急响应", position=2))
    edited = [s for s in edited if s.key != "s2"]
    with unit_of_work(db, TESTER) as uow:
        assert ps.save_sections(uow, pid, edited, v) == v + 1
    with db.read() as s:
        rows = ps.section_rows(s, pid)
    assert [r.key for r in rows] == ["s1", "s1.1", "s3"]
    assert rows[1].blocks[0]["text"] == "修改后的适用范围"
    with pytest.raises(ConflictError), unit_of_work(db, TESTER) as uow:
        ps.save_sections(uow, pid, sections(), v)


def test_lifecycle_preconditions_and_frozen_versions(db) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    with pytest.raises(StateError, match="不能发布预案"):
        run(db, pid, "publish")
    run(db, pid, "submit_review")
    with pytest.raises(ValidationError) as err:
        run(db, pid, "publish")
    assert {e.field for e in err.value.errors} == {"review_date", "approver", "publish_date"}
    assert "发布预案前必须填写" in str(err.value)
    run(db, pid, "publish", review_date=date(2026, 3, 2), approver="王建国", publish_date=date(2026, 3, 10))
    with db.read() as s:
        assert ps.load(s, pid)[2] == "published"
        (info,) = pq.versions(s, pid)
        content, meta = ps.version_content(s, info.id)
    assert info.number == 1 and info.publish_date == date(2026, 3, 10)
    assert [c.key for c in content] == ["s1", "s1.1", "s2"] and meta["approver"] == "王建国"
    with pytest.raises(StateError, match="不能编辑内容"), unit_of_work(db, TESTER) as uow:
        ps.save_sections(uow, pid, sections("偷偷改"), version_of(db, pid))
    with pytest.raises(ValidationError, match="备案申报日期"):
        run(db, pid, "file")
    run(db, pid, "file", filing_submitted_date=date(2026, 3, 20))


def test_published_versions_are_immutable(db) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    run(db, pid, "submit_review")
    run(db, pid, "publish", review_date=date(2026, 3, 2), approver="王建国", publish_date=date(2026, 3, 10))
    with db.read() as s:
        vid = s.scalar(select(PlanVersion.id).where(PlanVersion.plan_id == pid))
    with pytest.raises(ImmutableError, match="不可修改"), unit_of_work(db, TESTER) as uow:
        uow.session.get(PlanVersion, vid).reason_text = "改历史"
        uow.session.flush()


def test_revision_starts_from_the_latest_version_and_publishes_a_second(db) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    run(db, pid, "submit_review")
    run(db, pid, "publish", review_date=date(2025, 3, 2), approver="王建国", publish_date=date(2025, 3, 10))
    with pytest.raises(ValidationError, match="修订原因"), unit_of_work(db, TESTER) as uow:
        ps.transition(uow, pid, "start_revision", version_of(db, pid))
    with unit_of_work(db, TESTER) as uow:
        ps.start_revision(uow, pid, version_of(db, pid), trigger="risks_changed", reason="新增液氨储罐",
                          trigger_date=date(2026, 2, 1), version_label="V2.0")
    with db.read() as s:
        data, _, status, _ = ps.load(s, pid)
    assert status == "revising" and data.publish_date is None and data.version_label == "V2.0"
    with unit_of_work(db, TESTER) as uow:
        ps.save_sections(uow, pid, sections("第二版适用范围"), version_of(db, pid))
    run(db, pid, "submit_review")
    run(db, pid, "publish", review_date=date(2026, 3, 1), publish_date=date(2026, 3, 5))
    with db.read() as s:
        history = pq.versions(s, pid)
        assert [(h.number, h.version_label, h.reason) for h in history] == [
            (1, "V1.0", None), (2, "V2.0", "risks_changed")]
        first, _ = ps.version_content(s, history[0].id)
        second, _ = ps.version_content(s, history[1].id)
    assert first[1].blocks[0]["text"] == "初稿" and second[1].blocks[0]["text"] == "第二版适用范围"


def test_a_plan_under_revision_keeps_the_publish_date_and_deadlines_of_the_version_in_force(db) -> None:
    from models.plans.deadlines import plan_deadlines

    ent = create_enterprise(db, 1)  # hazardous goods: periodic evaluation every 3 years
    pid = new_plan(db, ent)
    run(db, pid, "submit_review")
    run(db, pid, "publish", review_date=date(2025, 3, 2), approver="王建国", publish_date=date(2025, 3, 10))
    run(db, pid, "file", filing_submitted_date=date(2025, 3, 20))
    with db.read() as s:
        (row,) = pq.page(s, pq.PlanFilter(enterprise_id=ent))
    # filed, not yet registered: the authority's check runs too (备案审查期限)
    assert [d.kind for d in plan_deadlines(row, as_of=date(2025, 3, 21)).items] == [
        "filing", "authority_check", "evaluation"]
    with unit_of_work(db, TESTER) as uow:
        ps.start_revision(uow, pid, version_of(db, pid), trigger="risks_changed", reason="新增液氨储罐",
                          trigger_date=date(2026, 2, 1), version_label="V2.0")
    with db.read() as s:
        (row,) = pq.page(s, pq.PlanFilter(enterprise_id=ent))
    assert row.status == "revising" and row.publish_date is None and row.version_label == "V2.0"
    assert (row.current_version_label, row.current_publish_date) == ("V1.0", date(2025, 3, 10))
    assert row.in_force_publish_date == date(2025, 3, 10)
    deadlines = plan_deadlines(row, as_of=date(2026, 2, 2))
    assert [d.kind for d in deadlines.items] == ["evaluation"]  # the filing record (and its check) starts again
    assert deadlines.next_due is not None and deadlines.next_due.due == date(2028, 3, 10)
    # its draft in review: still the same; published: its own date and a new filing deadline
    run(db, pid, "submit_review")
    with db.read() as s:
        (row,) = pq.page(s, pq.PlanFilter(enterprise_id=ent))
    assert row.status == "reviewing" and row.in_force_publish_date == date(2025, 3, 10)
    assert plan_deadlines(row, as_of=date(2026, 2, 2)).next_due.due == date(2028, 3, 10)
    run(db, pid, "publish", review_date=date(2026, 3, 1), publish_date=date(2026, 3, 5))
    with db.read() as s:
        (row,) = pq.page(s, pq.PlanFilter(enterprise_id=ent))
    assert (row.publish_date, row.current_version_label) == (date(2026, 3, 5), "V2.0")
    assert [d.kind for d in plan_deadlines(row, as_of=date(2026, 3, 6)).items] == ["filing", "evaluation"]


def test_the_publish_date_sort_puts_a_revision_at_its_version_in_force(db) -> None:
    ent = create_enterprise(db, 1)
    old = new_plan(db, ent, plan_no="A-OLD")
    new = new_plan(db, ent, plan_no="B-NEW")
    for pid, day in ((old, date(2024, 5, 1)), (new, date(2025, 5, 1))):
        run(db, pid, "submit_review")
        run(db, pid, "publish", review_date=day, approver="王建国", publish_date=day)
    with unit_of_work(db, TESTER) as uow:
        ps.start_revision(uow, old, version_of(db, old), trigger="risks_changed", reason="",
                          trigger_date=date(2026, 1, 1), version_label="V2.0")
    assert numbers(db, sort="publish_date") == ["A-OLD", "B-NEW"]
    assert numbers(db, sort="publish_date", descending=True) == ["B-NEW", "A-OLD"]


def test_retire_and_delete_rules(db) -> None:
    ent = create_enterprise(db, 1)
    top = new_plan(db, ent)
    new_plan(db, ent, kind="onsite", plan_no="XC-01", title="液氯泄漏现场处置方案", parent_plan_id=top)
    with pytest.raises(StateError, match="还有 1 个"), unit_of_work(db, TESTER) as uow:
        ps.delete(uow, top, version_of(db, top))
    run(db, top, "retire")
    with pytest.raises(StateError, match="已废止"), unit_of_work(db, TESTER) as uow:
        ps.update(uow, top, PlanData(plan_no="YA-2026-01", title="x"), version_of(db, top))


def test_images_are_stored_once_and_only_png_or_jpeg(db) -> None:
    pid = new_plan(db, create_enterprise(db, 1))
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    with unit_of_work(db, TESTER) as uow:
        a = ps.add_image(uow, pid, png, "image/png")
        b = ps.add_image(uow, pid, png, "image/png")
    assert a == b and len(a) == 64
    with pytest.raises(ValidationError, match="PNG 和 JPEG"), unit_of_work(db, TESTER) as uow:
        ps.add_image(uow, pid, b"GIF89a", "image/gif")


def test_deadlines_follow_the_lifecycle(db) -> None:
    from models.plans.deadlines import plan_deadlines
    from models.plans.queries import PlanFilter
    from models.plans.queries import page as plan_page
    from models.plans.rules import Status

    ent = create_enterprise(db, 1)  # industry with hazardous-goods flags (see factories)
    pid = new_plan(db, ent)
    run(db, pid, "submit_review")
    # Published Friday 2024-09-27: 20 working days skip 国庆 and count the 9-29 and 10-12 调休 days.
    run(db, pid, "publish", review_date=date(2024, 9, 20), approver="王建国", publish_date=date(2024, 9, 27))

    def row():
        with db.read() as s:
            (r,) = plan_page(s, PlanFilter(enterprise_id=ent))
        return r

    dl = plan_deadlines(row(), as_of=date(2024, 10, 20))
    filing = next(d for d in dl.items if d.kind == "filing")
    assert filing.due == date(2024, 10, 30) and filing.status is Status.NOT_DUE
    assert plan_deadlines(row(), as_of=date(2024, 10, 31)).overdue[:1] == ["filing"]
    run(db, pid, "file", filing_submitted_date=date(2024, 10, 25))
    filing = next(d for d in plan_deadlines(row(), as_of=date(2024, 11, 1)).items if d.kind == "filing")
    assert filing.status is Status.DONE_ON_TIME
    with unit_of_work(db, TESTER) as uow:
        ps.record_revision_trigger(uow, pid, version_of(db, pid), trigger="exercise_or_response_problems",
                                   trigger_date=date(2025, 6, 1), reason="演练暴露通讯不畅")
    dl = plan_deadlines(row(), as_of=date(2025, 6, 2))
    assert "revision" in dl.overdue
    with pytest.raises(ValidationError, match="不是规定的修订情形"), unit_of_work(db, TESTER) as uow:
        ps.record_revision_trigger(uow, pid, version_of(db, pid), trigger="new_boss", trigger_date=date(2025, 6, 1))


# --- the list: sorting in SQL ------------------------------------------------------------------------


def numbers(db, flt=None, **sort: object) -> list[str]:
    with db.read() as s:
        return [r.plan_no for r in pq.page(s, flt or pq.PlanFilter(), limit=100, **sort)]


def test_plan_list_sorts_in_sql_by_the_chosen_column_then_by_id(db) -> None:
    e1, e2 = create_enterprise(db, 1), create_enterprise(db, 2)
    top = new_plan(db, e2, plan_no="YA-01", title="综合应急预案")
    new_plan(db, e2, kind="onsite", plan_no="XC-01", title="泄漏现场处置方案", parent_plan_id=top)
    new_plan(db, e2, kind="special", plan_no="ZX-01", title="火灾专项应急预案", parent_plan_id=top)
    other = new_plan(db, e1, plan_no="YA-09", title="综合应急预案")
    run(db, other, "submit_review")
    run(db, top, "submit_review")
    run(db, top, "publish", review_date=date(2026, 1, 2), approver="王建国", publish_date=date(2026, 1, 5))
    # default: enterprise name, then 综合 → 专项 → 现场处置 (the plan system's order), then number
    assert numbers(db) == ["YA-09", "YA-01", "ZX-01", "XC-01"]
    assert numbers(db, sort="enterprise", descending=True) == ["XC-01", "ZX-01", "YA-01", "YA-09"]
    assert numbers(db, sort="plan_no") == ["XC-01", "YA-01", "YA-09", "ZX-01"]
    assert numbers(db, sort="plan_no", descending=True) == ["ZX-01", "YA-09", "YA-01", "XC-01"]
    assert numbers(db, sort="kind")[-2:] == ["ZX-01", "XC-01"]
    assert numbers(db, sort="status") == ["XC-01", "ZX-01", "YA-09", "YA-01"]  # 草稿, 评审中, 已发布
    # a date nobody entered sorts last both ways; equal values keep the id order (reversed when descending)
    assert numbers(db, sort="publish_date") == ["YA-01", "XC-01", "ZX-01", "YA-09"]
    assert numbers(db, sort="publish_date", descending=True) == ["YA-01", "YA-09", "ZX-01", "XC-01"]
    assert numbers(db, sort="title") == numbers(db, sort="title")  # total order: same every time
    with db.read() as s:
        paged = [r.plan_no for i in range(4) for r in pq.page(s, pq.PlanFilter(), sort="title",
                                                                    offset=i, limit=1)]
    assert paged == numbers(db, sort="title")
    # Pages past the middle are read from the end (then turned round): the very same rows, every key
    # and direction, nulls included.
    for key in pq.SORT_KEYS:
        for descending in (False, True):
            with db.read() as s:
                whole = [r.id for r in pq.page(s, pq.PlanFilter(), sort=key, descending=descending)]
                for size in (1, 2, 3):
                    pages = [r.id for start in range(0, 4, size)
                             for r in pq.page(s, pq.PlanFilter(), sort=key, descending=descending, offset=start,
                                              limit=size, total=4)]
                    assert pages == whole, (key, descending, size)
    with pytest.raises(ValueError, match="unknown sort key"):
        numbers(db, sort="next_deadline")
    assert set(pq.SORT_KEYS) >= {"enterprise", "plan_no", "title", "kind", "status", "publish_date"}


def test_plan_search_takes_wildcards_literally(db) -> None:
    ent = create_enterprise(db, 1)
    new_plan(db, ent, plan_no="YA_01", title="综合应急预案")
    new_plan(db, ent, kind="special", plan_no="YA-01", title="100%专项应急预案", parent_plan_id=None)
    assert numbers(db, pq.PlanFilter(text="A_0")) == ["YA_01"]
    assert numbers(db, pq.PlanFilter(text="100%")) == ["YA-01"]
    assert numbers(db, pq.PlanFilter(text="%")) == ["YA-01"]


# --- the recycle bin ---------------------------------------------------------------------------------


def delete(db, plan_id: int) -> None:
    with unit_of_work(db, TESTER) as uow:
        ps.delete(uow, plan_id, version_of(db, plan_id))


def restore(db, plan_id: int, version: int | None = None) -> int:
    with unit_of_work(db, TESTER) as uow:
        return ps.restore(uow, plan_id, version_of(db, plan_id) if version is None else version)


def test_deleted_plans_are_listed_in_the_recycle_bin_and_restored(db) -> None:
    from models.core.audit import history

    ent = create_enterprise(db, 1)
    pid = new_plan(db, ent)
    delete(db, pid)
    assert numbers(db) == [] and numbers(db, pq.PlanFilter(deleted=True)) == ["YA-2026-01"]
    with db.read() as s:
        (row,) = pq.page(s, pq.PlanFilter(deleted=True), sort="deleted_at", descending=True)
        assert pq.count(s, pq.PlanFilter(deleted=True)) == 1
    assert row.deleted_at is not None
    stale = row.version - 1
    with pytest.raises(ConflictError, match="已被他人修改"):
        restore(db, pid, stale)
    assert restore(db, pid, row.version) == row.version + 1
    assert numbers(db) == ["YA-2026-01"] and numbers(db, pq.PlanFilter(deleted=True)) == []
    with db.read() as s:
        audit = [c for c in history(s, "plan", pid) if c.field == "deleted_at"]
        assert ps.load(s, pid)[0].plan_no == "YA-2026-01"
    assert [(a.actor, a.action) for a in audit] == [("测试员", "delete"), ("测试员", "restore")]
    assert audit[-1].after is None
    with pytest.raises(StateError, match="不在回收站中"):
        restore(db, pid)


def test_restore_waits_for_the_parent_plan_and_the_enterprise(db) -> None:
    from models.enterprises import service as enterprises

    ent = create_enterprise(db, 1)
    top = new_plan(db, ent)
    child = new_plan(db, ent, kind="special", plan_no="ZX-01", title="火灾专项应急预案", parent_plan_id=top)
    delete(db, child)
    delete(db, top)
    with pytest.raises(StateError, match="上级预案“YA-2026-01 生产安全事故综合应急预案”也在回收站中"):
        restore(db, child)
    restore(db, top)
    restore(db, child)
    assert numbers(db) == ["YA-2026-01", "ZX-01"]
    delete(db, child)
    with db.read() as s:
        from models.enterprises.entities import Enterprise

        ent_version = s.get(Enterprise, ent).version
    with unit_of_work(db, TESTER) as uow:
        enterprises.delete(uow, ent, ent_version)
    with pytest.raises(StateError, match="所属的企业“临江市测试1号化工有限公司”在回收站中"):
        restore(db, child)


def test_restore_refuses_a_number_a_live_plan_now_has(db) -> None:
    """Numbers unique among live plans only (a partial index), so a restore can meet a clash."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with db.engine.begin() as conn, \
            Operations(MigrationContext.configure(conn)).batch_alter_table("plan") as batch:
        batch.drop_constraint("uq_plan_enterprise_id_plan_no", type_="unique")
    ent = create_enterprise(db, 1)
    old = new_plan(db, ent)
    delete(db, old)
    new = new_plan(db, ent, plan_no="YA-2026-02", title="新综合应急预案")
    with unit_of_work(db, TESTER) as uow:  # renumbered through the write path
        uow.get_for_update(Plan, new, version_of(db, new)).plan_no = "YA-2026-01"
        uow.session.flush()
    with pytest.raises(ValidationError, match="本企业已有编号为“YA-2026-01”的预案“新综合应急预案”，不能恢复") as err:
        restore(db, old)
    assert err.value.errors[0].field == "plan_no"
    assert numbers(db, pq.PlanFilter(deleted=True)) == ["YA-2026-01"]
    other = create_enterprise(db, 2)  # the same number at another enterprise is no clash
    with unit_of_work(db, TESTER) as uow:
        uow.get_for_update(Plan, new, version_of(db, new)).enterprise_id = other
        uow.session.flush()
    restore(db, old)
    assert numbers(db) == ["YA-2026-01", "YA-2026-01"]


def test_a_built_plan_is_stored_exactly_as_the_commands_would_store_it(db) -> None:
    """PlanBuilder applies the lifecycle commands' own rules in memory; import_plans writes the
    result. The same history both ways gives the same record, sections and versions."""
    from datetime import date

    from models.core.audit import verify_chain, verify_data
    from models.modules import entity_classes
    from models.plans.entities import PlanVersion

    data = PlanData(kind="comprehensive", plan_no="YA-2026-01", title="生产安全事故综合应急预案", approver="王建国")
    publish = {"review_date": date(2025, 3, 1), "approver": "王建国", "publish_date": date(2025, 3, 10)}
    filing = {"filing_submitted_date": date(2025, 3, 20), "filing_number": "备-01"}
    revision = {"trigger": "risks_changed", "reason": "新增储罐区", "trigger_date": date(2026, 1, 5),
                "version_label": "V2.0"}
    second = {"review_date": date(2026, 2, 1), "approver": "王建国", "publish_date": date(2026, 2, 10)}

    first_ent, second_ent = create_enterprise(db, 1), create_enterprise(db, 2)
    with unit_of_work(db, TESTER) as uow:
        pid = ps.create(uow, first_ent, data, sections("初稿"))
        v = ps.transition(uow, pid, "submit_review", uow.session.get(Plan, pid).version)
        v = ps.transition(uow, pid, "publish", v, **publish)
        v = ps.transition(uow, pid, "file", v, **filing)
        v = ps.start_revision(uow, pid, v, **revision)
        v = ps.save_sections(uow, pid, sections("第二版"), v)
        v = ps.transition(uow, pid, "submit_review", v)
        v = ps.transition(uow, pid, "publish", v, **second)
        ps.record_revision_trigger(uow, pid, v, trigger="exercise_or_response_problems", trigger_date=date(2026, 6, 1),
                                   reason="演练发现问题")
    built = ps.PlanBuilder(second_ent, data, sections("初稿"))
    built.transition("submit_review")
    built.transition("publish", **publish)
    built.transition("file", **filing)
    built.start_revision(**revision)
    built.save_sections(sections("第二版"))
    built.transition("submit_review")
    built.transition("publish", **second)
    built.record_revision_trigger(trigger="exercise_or_response_problems", trigger_date=date(2026, 6, 1), reason="演练发现问题")
    with unit_of_work(db, Actor("导入员", frozenset({"admin", "staff"}))) as uow:
        (bid,) = ps.import_plans(uow, [built]).plans

    def stored(plan_id: int) -> tuple[object, ...]:
        with db.read() as s:
            plan = s.get(Plan, plan_id)
            record = {k: getattr(plan, k) for k in vars(data)} | {"status": plan.status}
            rows = [(r.key, r.title, r.parent_id is None, r.position, r.blocks) for r in ps.section_rows(s, plan_id)]
            frozen = [(v.number, v.version_label, v.publish_date, v.reason, v.reason_text, v.content, v.meta)
                      for v in s.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                                         .order_by(PlanVersion.number))]
        return record, rows, frozen

    assert stored(bid) == stored(pid)
    with db.read() as s:
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok


def test_a_builder_refuses_what_the_commands_refuse(db) -> None:
    built = ps.PlanBuilder(1, PlanData(kind="comprehensive", plan_no="YA-01", title="综合应急预案"))
    with pytest.raises(StateError, match="不能发布预案"):
        built.transition("publish")
    built.transition("submit_review")
    with pytest.raises(ValidationError, match="发布预案前必须填写"):
        built.transition("publish")
    with pytest.raises(ValidationError, match="不能为空"):
        ps.PlanBuilder(1, PlanData(kind="comprehensive", plan_no="", title=""))
    ent = create_enterprise(db, 1)
    twice = [ps.PlanBuilder(ent, PlanData(kind="comprehensive", plan_no="YA-01", title="综合应急预案"))
             for _ in range(2)]
    with pytest.raises(ValidationError, match="已有编号"), unit_of_work(db, Actor("导入员", frozenset({"admin"}))) as uow:
        ps.import_plans(uow, twice)
    with db.read() as s:
        assert s.scalar(select(func.count(Plan.id))) == 0
