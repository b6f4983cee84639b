"""附件 应急物资装备清单 of a printed plan, from the live ledger through the product's annex list."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from exports.plans.export import export_plan, load_print_document
from plans import annexes
from plans.document import Paragraph, Table
from plans.supplies.annexes import SUPPLIES, supplies_annex
from tests.models.plans.test_plan_service import new_plan
from tests.models.supplies.stock import AS_OF, hazchem_enterprise, item, need, stock, warehouse


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_the_annex_lists_the_enterprises_stock_with_usable_quantities_and_the_plans_shortfall(db) -> None:  # type: ignore[no-untyped-def]
    ent = hazchem_enterprise(db, 1)
    other = hazchem_enterprise(db, 2)
    plan = new_plan(db, ent)
    store = warehouse(db, "一号应急物资库", ent, address="厂区东侧", keeper="张建华", phone="13905391111")
    scba = item(db, "2010101-01", "正压式空气呼吸器", spec="RHZKF6.8/30")
    mask = item(db, "2010102-02", "过滤式防毒面具", "个", category="2010102")
    stock(db, store, scba, 3, batch_no="S1", expires_on=AS_OF + timedelta(days=400))
    stock(db, store, scba, 2, batch_no="S2", expires_on=AS_OF + timedelta(days=40))
    stock(db, store, mask, 10, batch_no="M1", expires_on=AS_OF - timedelta(days=3))  # expired: not usable
    stock(db, warehouse(db, "邻厂物资库", other), mask, 99, batch_no="M2")  # another enterprise's
    need(db, plan, scba, 4)
    need(db, plan, mask, 30)

    with db.read() as s:
        from models.plans.entities import Plan

        content = supplies_annex(s, s.get(Plan, plan), AS_OF)
    assert content is not None and content.source == f"应急物资台账，截至 {AS_OF.isoformat()}"
    stock_table, place, note, heading, needs_table = content.blocks
    assert isinstance(stock_table, Table) and isinstance(needs_table, Table)
    assert _texts(stock_table) == [
        ["序号", "名称", "规格型号", "可用数量", "有效期至", "存放地点"],
        ["1", "正压式空气呼吸器", "RHZKF6.8/30", "5 套", (AS_OF + timedelta(days=40)).isoformat(), "一号应急物资库"],
        ["2", "过滤式防毒面具", "", "0 个（账面 10）", "—", "一号应急物资库"]]
    assert isinstance(place, Paragraph)
    assert place.text == "一号应急物资库，地址：厂区东侧；管理责任人：张建华 13905391111。"
    assert isinstance(note, Paragraph) and "不含已过期" in note.text
    assert isinstance(heading, Paragraph)
    assert _texts(needs_table)[1:] == [["1", "正压式空气呼吸器", "RHZKF6.8/30", "4 套", "5 套", "无"],
                                       ["2", "过滤式防毒面具", "", "30 个", "0 个", "30 个"]]
    assert content.warnings == [
        "附件“应急物资装备清单”：过滤式防毒面具有已过期或不可用的库存，未计入可用数量，请及时处置或补充。",
        "附件“应急物资装备清单”：过滤式防毒面具所需 30 个，可用 0 个，缺 30 个。"]


def test_an_enterprise_without_stock_or_needs_gets_the_annex_bound_separately(db) -> None:  # type: ignore[no-untyped-def]
    ent = hazchem_enterprise(db, 1)
    plan = new_plan(db, ent)
    doc = load_print_document(db, plan, as_of=AS_OF, annex_builders=annexes.BUILDERS)
    annex = next(a for a in doc.annexes if a.key == "supplies")
    assert annex.separate and annex.blocks == []


def test_the_printed_plan_carries_the_annex_from_the_ledger(sqlite_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert SUPPLIES in annexes.BUILDERS
    ent = hazchem_enterprise(sqlite_db, 1)
    plan = new_plan(sqlite_db, ent)
    store = warehouse(sqlite_db, "一号应急物资库", ent, address="厂区东侧应急物资库", keeper="张建华",
                      phone="13905391111")
    for n, name in enumerate(("正压式空气呼吸器", "重型化学防护服", "便携式多种气体检测仪", "防爆对讲机"), 1):
        iid = item(sqlite_db, f"20{n:05d}-01", name, spec="防爆型，Ex ib IIC T4" if n > 2 else "A 级")
        stock(sqlite_db, store, iid, n + 1, batch_no=f"B{n}", expires_on=AS_OF + timedelta(days=300 * n))
        need(sqlite_db, plan, iid, n + 2)
    doc = load_print_document(sqlite_db, plan, as_of=AS_OF, annex_builders=annexes.BUILDERS)
    annex = next(a for a in doc.annexes if a.key == "supplies")
    assert not annex.separate and annex.warnings  # every need is short by one
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"plan.{fmt}"
        export_plan(doc, fmt, out)  # type: ignore[arg-type]
        assert out.stat().st_size > 0


def test_the_annex_says_the_plans_minimum_staff_on_duty_against_the_headcount(db) -> None:  # type: ignore[no-untyped-def]
    from models.plans.entities import Plan
    from tests.models.supplies.stock import staff_need

    ent = hazchem_enterprise(db, 1, headcount=3)
    short, enough = new_plan(db, ent), new_plan(db, ent, plan_no="YA-2026-02")
    staff_need(db, short, 5)
    staff_need(db, enough, 3)
    with db.read() as s:
        only_staff = supplies_annex(s, s.get(Plan, short), AS_OF)
        met = supplies_annex(s, s.get(Plan, enough), AS_OF)
    assert only_staff is not None and met is not None  # nothing held, yet the plan declares something
    assert [b.text for b in only_staff.blocks if isinstance(b, Paragraph)] == [
        "本单位储备库中尚无物资台账记录。", "本预案要求应急值守人员不少于 5 人；企业当班人数 3 人，缺 2 人。"]
    assert only_staff.warnings == ["附件“应急物资装备清单”：应急值守人员：需 5 人，当班 3 人，缺 2 人。"]
    assert met.blocks[-1].text == "本预案要求应急值守人员不少于 3 人；企业当班人数 3 人，满足要求。"  # type: ignore[union-attr]
    assert met.warnings == []
