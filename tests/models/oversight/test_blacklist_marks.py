"""A blacklisted enterprise is marked wherever it appears: the enterprise list, the plan and drill lists
(rows carry the day it was listed, the name reads “【黑名单】某公司”) and the Excel exports — from the
enterprise row's own mark, which the blacklist service keeps."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from exports.enterprises.excel import export_enterprises
from exports.plans.excel import export_plans
from models.core.database import Database
from models.core.uow import unit_of_work
from models.drills import queries as dq
from models.drills import service as ds
from models.drills.service import DrillData
from models.enterprises import queries as eq
from models.enterprises.entities import Enterprise
from models.enterprises.queries import EnterpriseFilter, with_blacklist_mark
from models.plans import queries as pq
from models.plans.queries import PlanFilter
from tests.factories import TESTER, create_enterprise
from tests.models.plans.test_plan_service import new_plan

LISTED = date(2026, 11, 3)


def _world(db: Database) -> tuple[int, int]:
    bad, good = create_enterprise(db, 1), create_enterprise(db, 2)
    for ent in (bad, good):
        plan = new_plan(db, ent, plan_no=f"YA-{ent}")
        with unit_of_work(db, TESTER) as uow:
            ds.create(uow, DrillData(enterprise_id=ent, title="液氯泄漏演练", planned_at=datetime(2026, 12, 10, 9),
                                     plan_ids=[plan], location="储罐区", organiser="安全部", content_type="comprehensive"))
    with unit_of_work(db, TESTER) as uow:
        row = uow.session.get(Enterprise, bad)
        assert row is not None
        row.blacklisted_on = LISTED
    return bad, good


def test_rows_of_every_list_carry_the_mark(db: Database) -> None:
    bad, good = _world(db)
    with db.read() as s:
        ents = {r.id: r for r in eq.page(s, EnterpriseFilter())}
        plans = {r.enterprise_id: r for r in pq.page(s, PlanFilter())}
        drills = {r.enterprise_id: r for r in dq.page(s)}
    assert (ents[bad].blacklist, ents[bad].blacklisted_on) == ("黑名单", LISTED)
    assert (ents[good].blacklist, ents[good].blacklisted_on) == ("", None)
    assert ents[bad].as_json()["blacklisted_on"] == "2026-11-03"
    assert plans[bad].enterprise_blacklisted_on == LISTED and plans[good].enterprise_blacklisted_on is None
    assert drills[bad].enterprise_blacklisted_on == LISTED and drills[good].enterprise_blacklisted_on is None
    assert with_blacklist_mark(plans[bad].enterprise, LISTED).startswith("【黑名单】")
    assert with_blacklist_mark(plans[good].enterprise, None) == plans[good].enterprise


def test_excel_exports_mark_the_blacklisted_enterprise(db: Database, tmp_path: Path) -> None:
    bad, _good = _world(db)
    with db.read() as s:
        bad_name = s.get(Enterprise, bad).name  # type: ignore[union-attr]
    ent_file, plan_file = tmp_path / "企业.xlsx", tmp_path / "预案.xlsx"
    export_enterprises(db, EnterpriseFilter(), ent_file)
    export_plans(db, PlanFilter(), plan_file, as_of=date(2026, 12, 4))
    sheet = load_workbook(ent_file).worksheets[0]
    header = [c.value for c in sheet[1]]
    col, day = header.index("黑名单"), header.index("列入黑名单日期")
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[bad_name][col] == "黑名单" and rows[bad_name][day].date() == LISTED
    assert all(r[col] in (None, "") for name, r in rows.items() if name != bad_name)
    sheet = load_workbook(plan_file).worksheets[0]
    header = [c.value for c in sheet[1]]
    names = [r[header.index("企业")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert f"【黑名单】{bad_name}" in names and sum("黑名单" in n for n in names) == 1
