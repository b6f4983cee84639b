"""The plan list (预案清单) with its deadlines as an .xlsx file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import excel
from exports.plans import excel as plan_excel
from models.core.database import Database
from models.core.errors import Cancelled
from models.core.progress import Progress
from models.core.uow import unit_of_work
from models.plans import service as ps
from models.plans.queries import PlanFilter
from models.plans.service import PlanData
from tests.factories import TESTER, create_enterprise


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An export folder of its own (the SQLite test database lives in tmp_path)."""
    folder = tmp_path / "导出"
    folder.mkdir()
    return folder


PLAN_HEADER = ("预案编号", "预案名称", "企业", "类型", "状态", "版本号", "发布日期", "备案期限", "备案申报日期",
               "评估期限", "下一期限", "逾期")
AS_OF = date(2026, 3, 2)


def _plan(db: Database, enterprise_id: int, plan_no: str, title: str, kind: str = "comprehensive",
          parent: int | None = None) -> int:
    with unit_of_work(db, TESTER) as uow:
        return ps.create(uow, enterprise_id, PlanData(kind=kind, plan_no=plan_no, title=title,
                                                           parent_plan_id=parent))


def _step(db: Database, plan_id: int, command: str, **values: object) -> None:
    with db.read() as s:
        version = ps.load(s, plan_id)[1]
    with unit_of_work(db, TESTER) as uow:
        ps.transition(uow, plan_id, command, version, **values)


@pytest.fixture
def plans(db: Database) -> dict[str, int]:
    a, b = create_enterprise(db, 1), create_enterprise(db, 2)
    top = _plan(db, a, "YA-01", "生产安全事故综合应急预案")
    _step(db, top, "submit_review")
    # published 2026-01-05: filing due 20 working days later, overdue on 2026-03-02
    _step(db, top, "publish", review_date=date(2026, 1, 2), approver="王建国", publish_date=date(2026, 1, 5))
    special = _plan(db, a, "ZX-01", "液氯泄漏专项应急预案", "special", top)
    other = _plan(db, b, "YA-B", "综合应急预案")
    return {"a": a, "b": b, "top": top, "special": special, "other": other}


def test_plan_export_with_deadlines_in_the_lists_order(db: Database, plans: dict[str, int], out: Path) -> None:
    target = out / "预案清单.xlsx"
    written = plan_excel.export_plans(db, PlanFilter(), target, as_of=AS_OF, sort="plan_no", descending=True)
    assert written == 3
    wb = load_workbook(target)
    assert wb.sheetnames == ["预案清单"] and wb.properties.title == "预案清单"
    ws = wb["预案清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == PLAN_HEADER
    assert [r[0] for r in rows[1:]] == ["ZX-01", "YA-B", "YA-01"]  # the order the list shows
    top = dict(zip(PLAN_HEADER, rows[3], strict=True))
    assert top["预案名称"] == "生产安全事故综合应急预案" and top["企业"] == "临江市测试1号化工有限公司"
    assert (top["类型"], top["状态"], top["版本号"]) == ("综合应急预案", "已发布", "V1.0")
    assert top["发布日期"] == datetime(2026, 1, 5) and ws["G4"].number_format == "yyyy-mm-dd"
    assert isinstance(top["备案期限"], datetime) and date(2026, 2, 1) < top["备案期限"].date() < AS_OF
    assert top["备案申报日期"] is None and top["评估期限"].year == 2029
    assert top["下一期限"].startswith("备案期限：2026-02-") and top["下一期限"].endswith("（已逾期）")
    assert top["逾期"] == "备案" and ws["L4"].font.color.rgb.endswith("D7263D") and ws["L4"].font.bold
    draft = dict(zip(PLAN_HEADER, rows[1], strict=True))
    assert (draft["类型"], draft["状态"]) == ("专项应急预案", "草稿")
    assert draft["发布日期"] is None and draft["备案期限"] is None and not draft["逾期"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L4"


def test_plan_export_keeps_the_filter_and_the_recycle_bin_says_when(db: Database, plans: dict[str, int],
                                                                   out: Path) -> None:
    target = out / "专项.xlsx"
    assert plan_excel.export_plans(db, PlanFilter(enterprise_id=plans["a"], kind="special"), target, as_of=AS_OF) == 1
    assert [r[0] for r in _sheet(target, "预案清单")] == ["预案编号", "ZX-01"]
    with db.read() as s:
        version = ps.load(s, plans["other"])[1]
    with unit_of_work(db, TESTER) as uow:
        ps.delete(uow, plans["other"], version)
    trash = out / "回收站.xlsx"
    assert plan_excel.export_plans(db, PlanFilter(deleted=True), trash, as_of=AS_OF) == 1
    header, row = _sheet(trash, "预案清单")
    assert header == (*PLAN_HEADER, "删除时间")
    assert row[0] == "YA-B" and isinstance(row[-1], datetime)
    assert plan_excel.export_plans(db, PlanFilter(text="没有这个预案"), out / "空.xlsx", as_of=AS_OF) == 0
    assert _sheet(out / "空.xlsx", "预案清单") == [PLAN_HEADER]


def test_plan_export_cancel_and_unknown_sort(db: Database, plans: dict[str, int], out: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel, "BATCH", 1)
    progress = Progress(lambda done, _total, _message: progress.cancel() if done >= 1 else None)
    with pytest.raises(Cancelled):
        plan_excel.export_plans(db, PlanFilter(), out / "取消.xlsx", as_of=AS_OF, progress=progress)
    with pytest.raises(ValueError, match="未知的排序字段：next_deadline"):
        plan_excel.export_plans(db, PlanFilter(), out / "x.xlsx", as_of=AS_OF, sort="next_deadline")
    with pytest.raises(excel.ExportError, match=r"无法写入.*文件夹不存在"):
        plan_excel.export_plans(db, PlanFilter(), out / "没有" / "x.xlsx", as_of=AS_OF)
    assert list(out.iterdir()) == []


def _sheet(path: Path, name: str) -> list[tuple]:
    return list(load_workbook(path)[name].iter_rows(values_only=True))


def test_plan_export_shows_the_version_in_force_and_the_authoritys_check(db: Database, plans: dict[str, int],
                                                                        out: Path) -> None:
    """As the list: during a revision 发布日期 is the version in force's (its deadlines run from it); a
    submitted filing not yet registered has the authority's check as its next deadline."""
    from models.plans.rules import authority_check_due

    _step(db, plans["top"], "file", filing_submitted_date=date(2026, 2, 27))
    other = plans["other"]
    _step(db, other, "submit_review")
    _step(db, other, "publish", review_date=date(2025, 6, 10), approver="王建国", publish_date=date(2025, 6, 11))
    with db.read() as s:
        version = ps.load(s, other)[1]
    with unit_of_work(db, TESTER) as uow:
        ps.start_revision(uow, other, version, trigger="risks_changed", reason="新增液氨储罐",
                          trigger_date=date(2026, 2, 1), version_label="V2.0")
    target = out / "预案清单.xlsx"
    plan_excel.export_plans(db, PlanFilter(), target, as_of=AS_OF, sort="plan_no")
    rows = {r[0]: dict(zip(PLAN_HEADER, r, strict=True)) for r in _sheet(target, "预案清单")[1:]}
    revising = rows["YA-B"]
    assert (revising["状态"], revising["版本号"]) == ("修订中", "V2.0")
    assert revising["发布日期"] == datetime(2025, 6, 11)  # the version in force, not blank
    assert revising["备案期限"] is None and revising["下一期限"] == "评估期限：2028-06-11（未到期）"
    filed = rows["YA-01"]
    due = authority_check_due(date(2026, 2, 27)).date
    assert filed["备案申报日期"] == datetime(2026, 2, 27)
    assert filed["下一期限"] == f"备案审查期限：{due.isoformat()}（即将到期）" and not filed["逾期"]
