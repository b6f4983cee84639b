"""CLI: list supply-shortfalls — the GB 30077 minimums and the plans' needs short of usable stock, a
plan's minimum staff on duty short of the on-shift headcount — and the shortfall workbook."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.cli.test_cli import db_arg, run
from tests.models.plans.test_plan_service import new_plan
from tests.models.supplies.stock import AS_OF, hazchem_enterprise, item, need, staff_need, stock, warehouse


def test_list_supply_shortfalls(sqlite_db, capsys) -> None:  # type: ignore[no-untyped-def]
    ent = hazchem_enterprise(sqlite_db, 1, headcount=4)
    plan = new_plan(sqlite_db, ent)
    store = warehouse(sqlite_db, "一号应急物资库", ent)
    scba = item(sqlite_db, "A1", "正压式空气呼吸器")
    mask = item(sqlite_db, "A2", "过滤式防毒面具", "个", category="2010102")
    stock(sqlite_db, store, scba, 2, batch_no="S1")
    stock(sqlite_db, store, mask, 4, batch_no="M1", expires_on=AS_OF + timedelta(days=1))
    need(sqlite_db, plan, scba, 3)
    db = db_arg(sqlite_db)

    code, out, err = run(capsys, "--db", db, "list", "supply-shortfalls", "--as-of", AS_OF.isoformat(), "--json")
    rows = json.loads(out)
    assert code == 0
    by_item = {(r["basis"], r["item"]): r for r in rows}
    assert ("GB 30077", "正压式空气呼吸器") not in by_item and ("GB 30077", "过滤式防毒面具") not in by_item  # met
    assert by_item[("GB 30077", "对讲机")]["shortfall"] == 2
    planned = by_item[("YA-2026-01 生产安全事故综合应急预案", "正压式空气呼吸器")]
    assert (planned["required"], planned["usable"], planned["shortfall"], planned["plan_id"]) == (3, 2, 1, plan)

    later = (AS_OF + timedelta(days=2)).isoformat()  # the masks expired meanwhile
    code, out, err = run(capsys, "--db", db, "list", "supply-shortfalls", "--as-of", later, "--all")
    assert code == 0 and "过滤式防毒面具\t应配 4 个\t可用 0 个\t缺 4 个" in out
    assert "正压式空气呼吸器\t应配 2 套\t可用 2 套\t满足" in out and "所需 3 套\t可用 2 套\t缺 1 套" in out
    assert f"按 {later} 计算" in err
    code, _, err = run(capsys, "--db", db, "list", "supply-shortfalls", "--enterprise", "999")
    assert code == 1 and "999" in err and err.count("\n") == 1



def test_a_plans_staff_on_duty_in_the_list_its_json_and_the_workbook(sqlite_db, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    ent = hazchem_enterprise(sqlite_db, 1, headcount=4)
    short, enough = new_plan(sqlite_db, ent), new_plan(sqlite_db, ent, plan_no="YA-2026-02", title="专项应急预案")
    staff_need(sqlite_db, short, 6)
    staff_need(sqlite_db, enough, 3)
    db = db_arg(sqlite_db)

    code, out, _err = run(capsys, "--db", db, "list", "supply-shortfalls", "--as-of", AS_OF.isoformat(), "--json")
    assert code == 0
    staff = [r for r in json.loads(out) if r["kind"] == "plan_staff"]
    assert [(r["plan_id"], r["item"], r["required"], r["usable"], r["unit"], r["shortfall"], r["summary"])
            for r in staff] == [(short, "应急值守人员", 6, 4, "人", 2, "应急值守人员：需 6 人，当班 4 人，缺 2 人")]
    code, out, _err = run(capsys, "--db", db, "list", "supply-shortfalls", "--as-of", AS_OF.isoformat(), "--all")
    assert code == 0
    assert "YA-2026-01 生产安全事故综合应急预案\t应急值守人员\t需 6 人\t当班 4 人\t缺 2 人" in out
    assert "YA-2026-02 专项应急预案\t应急值守人员\t需 3 人\t当班 4 人\t满足" in out

    book = tmp_path / "缺口.xlsx"
    code, out, err = run(capsys, "--db", db, "export", "stock-ledger", "--list", "shortfalls", "--out", str(book),
                         "--as-of", AS_OF.isoformat())
    assert code == 0 and "物资缺口" in out, err
    rows = list(load_workbook(book).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    head = rows[0]
    lines = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    staff_rows = [r for r in lines if r["类别"] == "预案应急值守人员"]
    assert [(r["依据"], r["应配数量"], r["可用数量"], r["缺少"], r["说明"]) for r in staff_rows] == [
        ("YA-2026-01 生产安全事故综合应急预案", 6, 4, 2, "应急值守人员：需 6 人，当班 4 人，缺 2 人")]
    assert {r["类别"] for r in lines} == {"预案应急值守人员", "GB 30077 最低配备"}  # nothing held: every line short
