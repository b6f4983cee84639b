"""The supplies commands: import with the error workbook and exit 1, the ledger, stock card,
inventory, labels and the template."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from models.core.database import Database
from models.supplies.entities import StockMovement, SupplyItem
from tests.cli.test_cli import db_arg, run
from tests.exports.supplies.test_imports import ITEM_HEAD, MOVE_HEAD, NORTH, item_row, move_row
from tests.models.supplies.world import World, build


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return build(sqlite_db)


def _book(path: Path, items: list[list[object]], moves: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "物资品目"
    ws.append(ITEM_HEAD)
    for row in items:
        ws.append(row)
    ws2 = wb.create_sheet("出入库记录")
    ws2.append(MOVE_HEAD)
    for row in moves:
        ws2.append(row)
    wb.save(path)
    return path


def test_import_with_bad_rows_exits_1_with_the_error_workbook_then_the_fixed_file_imports(
        sqlite_db: Database, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _book(tmp_path / "物资.xlsx", [item_row("N-1"), item_row("N-2", unit="")],
                [move_row("出库", "HX-001", "B2026-01", NORTH, 99)])
    report = tmp_path / "错误.xlsx"
    code, _out, err = run(capsys, "--db", db_arg(sqlite_db), "import", "supplies", str(bad), "--error-report", str(report))
    assert code == 1 and "没有导入任何内容" in err and "“物资品目”第 3 行“计量单位”列：不能为空" in err
    rows = list(load_workbook(report)["错误汇总"].iter_rows(min_row=2, values_only=True))
    assert [(s, r, c) for s, r, c, _why in rows] == [("物资品目", 3, "计量单位"), ("出入库记录", 2, "（整行）")]
    assert "库存不足" in rows[1][3]
    with sqlite_db.read() as s:
        assert s.scalar(select(func.count()).select_from(SupplyItem)) == 1
    good = _book(tmp_path / "改正.xlsx", [item_row("N-1"), item_row("N-2")], [move_row("出库", "HX-001", "B2026-01", NORTH, 9)])
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "import", "supplies", str(good))
    assert code == 0, err
    assert out.strip() == "已导入：物资品目 2 种，批次 0 个，出入库记录 1 笔。"
    with sqlite_db.read() as s:
        assert s.scalar(select(func.count()).select_from(StockMovement)) == 2


def test_a_file_that_is_not_a_workbook_is_one_chinese_line(sqlite_db: Database, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("物资编码,数量\n")
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "import", "supplies", str(path))
    assert code == 1 and out == "" and "不是 Excel 工作簿" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("kind, header", [("ledger", "单据号"), ("balances", "可用数量"), ("expiring", "剩余天数"),
                                          ("shortfalls", "缺少")])
def test_export_stock_ledger_lists(sqlite_db: Database, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   kind: str, header: str) -> None:
    out_file = tmp_path / f"{kind}.xlsx"
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "export", "stock-ledger", "--out", str(out_file), "--list",
                         kind, "--as-of", "2027-05-01")
    assert code == 0 and out.startswith(f"已导出 {out_file}"), err
    rows = list(load_workbook(out_file).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert header in rows[0]
    if kind in ("ledger", "balances", "expiring"):
        assert len(rows) == 2 and "HX-001" in rows[1]


def test_export_stock_card_pdf_and_docx_and_inventory(sqlite_db: Database, world: World, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    pdf, docx = tmp_path / "card.pdf", tmp_path / "card.docx"
    for target in (pdf, docx):
        code, out, err = run(capsys, "--db", db_arg(sqlite_db), "export", "stock-card", str(world.item), "--out",
                             str(target), "--as-of", "2026-12-03")
        assert code == 0 and "物资台账卡" in out, err
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "正压式空气呼吸器物资台账卡" in text and "RK-1" in text and "北城区应急物资储备库" in text
    assert "正压式空气呼吸器物资台账卡" in "\n".join(p.text for p in Document(str(docx)).paragraphs)
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "export", "inventory", str(world.north), "--out",
                         str(tmp_path / "inv.pdf"))
    assert code == 0 and "库存盘点表" in out, err
    code, _out, err = run(capsys, "--db", db_arg(sqlite_db), "export", "stock-card", "999", "--out", str(pdf))
    assert code == 1 and "找不到物资品目（编号 999）" in err


def test_export_labels_and_template(sqlite_db: Database, world: World, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    labels = tmp_path / "labels.pdf"
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "export", "labels", "--out", str(labels),
                         "--warehouse", str(world.north), "--code", "code128")
    assert code == 0 and "1 枚标签，1 页" in out, err
    assert "B2026-01" in PdfReader(labels).pages[0].extract_text()
    code, _out, err = run(capsys, "--db", db_arg(sqlite_db), "export", "labels", "--out", str(labels),
                          "--warehouse", str(world.south))
    assert code == 1 and "没有可打印的标签" in err
    template = tmp_path / "模板.xlsx"
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "export", "supplies-template", "--out", str(template))
    assert code == 0, err
    assert load_workbook(io.BytesIO(template.read_bytes())).sheetnames[1:4] == ["物资品目", "物资批次", "出入库记录"]
