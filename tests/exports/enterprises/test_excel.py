"""The enterprise register (企业名录) as an .xlsx file, and what the generic writer guarantees."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import excel
from exports.enterprises import excel as enterprise_excel
from models.core import reference
from models.core.database import Database
from models.core.errors import Cancelled
from models.core.progress import Progress
from models.enterprises.queries import EnterpriseFilter, count, page
from tests.factories import demo_enterprises

HEADER = ("企业名称", "统一社会信用代码", "行业", "风险等级", "所属区域", "监管部门", "地址", "主要负责人",
          "联系电话", "从业人数", "中型及以上规模", "使用危险化学品达到规定数量", "黑名单", "列入黑名单日期",
          "更新时间")


@pytest.fixture
def filled(db: Database) -> Database:
    demo_enterprises(db, count=40, seed=4)
    return db


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An export folder of its own (the SQLite test database lives in tmp_path)."""
    folder = tmp_path / "导出"
    folder.mkdir()
    return folder


def _read(path: Path) -> list[tuple]:
    wb = load_workbook(path)
    assert wb.sheetnames == ["企业名录"]
    return list(wb["企业名录"].iter_rows(values_only=True))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~"))


def test_export_of_a_filtered_list(filled: Database, out: Path) -> None:
    with filled.read() as s:
        chem = [c.id for c in reference.industries(s) if c.code.startswith("hazchem")]
    flt = EnterpriseFilter(industry_ids=tuple(chem))
    with filled.read() as s:
        expected = count(s, flt)
    assert 0 < expected < 40
    target = out / "危化品企业名录.xlsx"
    written = enterprise_excel.export_enterprises(filled, flt, target, sort="risk_level")
    assert written == expected
    rows = _read(target)
    assert rows[0] == HEADER
    body = rows[1:]
    assert len(body) == expected
    assert all(r[2].startswith("危险化学品") for r in body)
    ranks = {"重大": 1, "较大": 2, "一般": 3, "低": 4}
    assert [ranks[r[3]] for r in body] == sorted(ranks[r[3]] for r in body)
    for r in body:
        assert re.search("(有限(责任)?公司|经营部|商行|合作社|尾矿库)$", r[0]), r[0]
        assert isinstance(r[1], str) and len(r[1]) == 18  # the credit code stays text
        assert isinstance(r[8], str) and isinstance(r[9], int)
        assert isinstance(r[14], datetime)
    with filled.read() as s:
        stored = {r.name: r.updated_at for r in page(s, flt, limit=1000)}
    for r in body:  # stored in UTC, shown in the desk's local time
        assert abs((r[14] - excel.local_time(stored[r[0]])).total_seconds()) < 1
    assert not _leftovers(out)


def test_sheet_layout(filled: Database, out: Path) -> None:
    target = out / "名录.xlsx"
    n = enterprise_excel.export_enterprises(filled, EnterpriseFilter(text="有限"), target, descending=True)
    wb = load_workbook(target)
    ws = wb["企业名录"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:O{n + 1}"
    assert ws["A1"].font.bold
    assert ws.column_dimensions["A"].width >= 30 and ws.column_dimensions["B"].width >= 20
    assert wb.properties.title == "企业名录"
    assert ws["B2"].data_type == "s"
    names = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    with filled.read() as s:
        listed = page(s, EnterpriseFilter(text="有限"), sort="name", descending=True, limit=1000)
    assert names == [r.name for r in listed]  # the order the list shows


def test_the_unit_facts_are_columns_of_yes_or_no(filled: Database, out: Path) -> None:
    from models.enterprises.rules import unit_facts

    assert [f.label for f in unit_facts()] == list(HEADER[10:12])  # headed by the facts' own labels
    with filled.read() as s:
        stored = {r.name: r for r in page(s, EnterpriseFilter(), limit=1000)}
    assert any(r.medium_or_larger for r in stored.values())  # the demo sets both facts on some
    assert any(not r.medium_or_larger for r in stored.values())
    target = out / "名录.xlsx"
    enterprise_excel.export_enterprises(filled, EnterpriseFilter(), target)
    body = _read(target)[1:]
    assert len(body) == len(stored)
    for r in body:
        row = stored[r[0]]
        assert r[10] == ("是" if row.medium_or_larger else "否")
        assert r[11] == ("是" if row.hazchem_use_above_threshold else "否")


def test_empty_result_writes_the_header_only(filled: Database, out: Path) -> None:
    target = out / "空.xlsx"
    assert enterprise_excel.export_enterprises(filled, EnterpriseFilter(text="没有这家企业"), target) == 0
    assert _read(target) == [HEADER]


def test_progress_is_reported(filled: Database, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel, "BATCH", 7)
    reports: list[tuple[int, int, str]] = []
    n = enterprise_excel.export_enterprises(filled, EnterpriseFilter(), out / "all.xlsx",
                                 progress=Progress(lambda d, t, m: reports.append((d, t, m))))
    assert n == 40
    assert reports[0] == (0, 40, "正在导出…")
    assert reports[-1] == (40, 40, "正在导出…")
    assert any(0 < d < 40 for d, _, _ in reports)
    assert len(_read(out / "all.xlsx")) == 41  # batches of 7 add up to every row, once


def test_cancel_leaves_no_file(filled: Database, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel, "BATCH", 10)
    target = out / "取消.xlsx"

    def report(done: int, _total: int, _message: str) -> None:
        if done >= 10:
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        enterprise_excel.export_enterprises(filled, EnterpriseFilter(), target, progress=progress)
    assert list(out.iterdir()) == []


def test_failed_export_keeps_the_previous_file(filled: Database, out: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = out / "名录.xlsx"
    target.write_bytes(b"previous")

    def broken(_row: object) -> str:
        raise RuntimeError("boom")

    columns = list(enterprise_excel.ENTERPRISE_COLUMNS)
    columns[6] = excel.SheetColumn("地址", 46, broken)
    monkeypatch.setattr(enterprise_excel, "ENTERPRISE_COLUMNS", tuple(columns))
    with pytest.raises(RuntimeError):
        enterprise_excel.export_enterprises(filled, EnterpriseFilter(), target)
    assert target.read_bytes() == b"previous"
    assert not _leftovers(out)


def test_unwritable_folder_is_a_chinese_error(filled: Database, out: Path) -> None:
    with pytest.raises(excel.ExportError, match=r"无法写入.*文件夹不存在"):
        enterprise_excel.export_enterprises(filled, EnterpriseFilter(), out / "没有" / "x.xlsx")


def test_unknown_sort_is_refused(filled: Database, out: Path) -> None:
    with pytest.raises(ValueError, match="未知的排序字段"):
        enterprise_excel.export_enterprises(filled, EnterpriseFilter(), out / "x.xlsx", sort="colour")
    assert list(out.iterdir()) == []
