"""CLI: list supply-shortfalls — the GB 30077 minimums and the plans' needs short of usable stock."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.cli.test_cli import db_arg, run
from tests.models.plans.test_plan_service import new_plan
from tests.models.supplies.stock import AS_OF, hazchem_enterprise, item, need, stock, warehouse


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
