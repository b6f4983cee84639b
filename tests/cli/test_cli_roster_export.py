"""export roster: the printed weekly or monthly roster as PDF or Word, the workbook as Excel, the
bureau's duty room by default, and one Chinese line with exit 1 for what cannot be exported."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from models.core.database import Database
from models.core.uow import unit_of_work
from models.teams import rules
from models.teams import service as ts
from tests.cli.test_cli import db_arg, run
from tests.exports.pdf_lines import pdf_lines
from tests.factories import TESTER
from tests.models.teams.world import World, build

LEADERS = (rules.Person("李局长", "13900000001"), rules.Person("王副局长", "13900000002"))
STAFF = (rules.Person("值班员甲", "13800000001"), rules.Person("值班员乙", "13800000002"))
ROOM = "江城区应急管理局应急值班室"


@pytest.fixture
def world(sqlite_db: Database) -> World:
    w = build(sqlite_db)
    with unit_of_work(sqlite_db, TESTER) as uow:
        ts.generate_roster(uow, w.room, date(2026, 12, 1), date(2026, 12, 31), rules.RotationPattern(LEADERS, STAFF))
        ts.generate_roster(uow, w.point, date(2026, 12, 1), date(2026, 12, 7),
                           rules.RotationPattern((rules.Person("王建国", "13905390001"),),
                                                 (rules.Person("队员1", "13905390100"),)))
    return w


def _export(capsys: pytest.CaptureFixture[str], db: Database, *argv: str) -> tuple[int, str, str]:
    return run(capsys, "--db", db_arg(db), "export", "roster", *argv)


def test_a_week_and_a_month_to_pdf_word_and_excel(sqlite_db: Database, world: World, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    week = tmp_path / "周值班表.pdf"
    code, out, err = _export(capsys, sqlite_db, "--from", "2026-12-07", "--to", "2026-12-13", "--out", str(week))
    assert code == 0, err
    assert out.strip() == (f"已导出 {week}（{ROOM}值班表，2026年12月7日至12月13日（第50周），PDF，1 页）。")
    lines = [line.text.strip() for line in pdf_lines(week)]  # without --point: the duty room
    assert f"{ROOM}值班表" in lines and "李局长 13900000001" in lines and "本期排班未发现问题。" in lines

    month = tmp_path / "月值班表.docx"
    code, out, err = _export(capsys, sqlite_db, "--from", "2026-12-01", "--to", "2026-12-31", "--out", str(month),
                             "--style", "gbt9704")
    assert code == 0, err
    assert out.strip() == f"已导出 {month}（{ROOM}值班表，2026年12月，Word）。"
    word = Document(str(month))
    days = [row.cells[0].text for row in word.tables[1].rows[2:]]
    assert days == [f"12月{d}日" for d in range(1, 32)]

    book = tmp_path / "值班表.xlsx"
    code, out, err = _export(capsys, sqlite_db, "--from", "2026-12-01", "--to", "2026-12-31", "--out", str(book))
    assert code == 0, err
    assert out.strip() == f"已导出 {book}（{ROOM}值班表，2026-12-01 至 2026-12-31，Excel，62 行）。"
    sheet = load_workbook(book)["值班表"]
    assert [c.value for c in sheet[1]][:5] == ["值班日", "星期", "班次", "时间", "带班领导"]
    assert sheet.max_row == 63


def test_another_point_and_the_pdf_of_a_month(sqlite_db: Database, world: World, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "队伍.pdf"
    code, _out, err = _export(capsys, sqlite_db, "--point", str(world.point), "--from", "2026-12-01",
                             "--to", "2026-12-07", "--out", str(path))
    assert code == 0, err
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "危化救援中队值班点值班表" in text and "王建国" in text and "队员1" in text
    month = tmp_path / "月.pdf"
    code, _out, err = _export(capsys, sqlite_db, "--from", "2026-12-01", "--to", "2026-12-31", "--out", str(month))
    assert code == 0, err
    reader = PdfReader(io.BytesIO(month.read_bytes()))
    assert 2 <= len(reader.pages) <= 3 and reader.pages[0].mediabox.width > reader.pages[0].mediabox.height


def test_what_cannot_be_exported_is_one_chinese_line(sqlite_db: Database, world: World, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out_pdf = str(tmp_path / "x.pdf")
    cases = [
        (("--point", "999", "--from", "2026-12-01", "--to", "2026-12-07", "--out", out_pdf), "找不到值班点（编号 999）"),
        (("--from", "2026-12-07", "--to", "2026-12-01", "--out", out_pdf), "结束日期不能早于起始日期"),
        (("--from", "2026-12-07", "--to", "2026-12-01", "--out", str(tmp_path / "x.xlsx")), "结束日期不能早于起始日期"),
        (("--from", "2026-12-01", "--to", "2027-02-01", "--out", out_pdf), "值班表一次最多打印 62 天"),
        (("--from", "2026-12-01", "--to", "2026-12-07", "--out", str(tmp_path / "x.txt")),
         "无法从文件名 x.txt 判断格式，请用 .pdf、.docx 或 .xlsx 结尾"),
    ]
    for argv, message in cases:
        code, out, err = _export(capsys, sqlite_db, *argv)
        assert code == 1 and message in err and err.count("\n") == 1 and not out, (argv, err)
    assert not list(tmp_path.iterdir())  # nothing written
    code, _out, err = _export(capsys, sqlite_db, "--from", "2026-12-01", "--to", "2027-02-01",
                              "--out", str(tmp_path / "长.xlsx"))
    assert code == 0, err  # the workbook is a list, not a page: longer periods are fine
    code, _out, err = _export(capsys, sqlite_db, "--from", "2026-12-01", "--out", out_pdf)
    assert code == 2 and "缺少参数：--to" in err  # a usage error
    with sqlite_db.read() as s:
        version = ts.load_point(s, world.room)[1]
    with unit_of_work(sqlite_db, TESTER) as uow:
        ts.delete_point(uow, world.room, version)
    code, _out, err = _export(capsys, sqlite_db, "--from", "2026-12-01", "--to", "2026-12-07", "--out", out_pdf)
    assert code == 1 and "数据库中没有应急值班室，请用 --point 指定值班点" in err


def test_export_help_lists_the_roster(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "export", "--help")
    assert code == 0 and "roster" in out and "值班表" in out
