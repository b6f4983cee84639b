"""The teams commands: list teams with every factor, list duty-points and a roster with its
problems, import teams with the error workbook and exit 1, the template."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from models.core.database import Database
from models.teams.entities import RescueTeam
from tests.cli.test_cli import db_arg, run
from tests.exports.teams.test_imports import MEMBER_HEAD, TEAM_HEAD, member_row, team_row
from tests.models.teams.world import AS_OF, World, build, roster


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return build(sqlite_db)


def test_list_teams_gives_status_and_every_factor(sqlite_db: Database, world: World,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    roster(sqlite_db, world.point, AS_OF - timedelta(days=1), AS_OF + timedelta(days=8))
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "teams", "--as-of", AS_OF.isoformat(), "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["临江市危险化学品应急救援中队"]
    team = rows[0]
    assert team["status"] == "就绪" and team["status_key"] == "green"
    assert set(team["factors"]) == {"staffing", "certificates", "equipment", "training", "drill", "roster", "agreement",
                                    "turnout"}
    assert team["factors"]["staffing"]["value"] == 1.0 and team["factors"]["training"]["value"] == 10
    assert team["factors"]["agreement"]["status"] == "na"
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "teams", "--as-of", AS_OF.isoformat())
    assert code == 0 and "就绪" in out and "在岗率 7/7 人（100%）" in out
    assert err.strip() == "共 1 支救援队伍：就绪 1 支，基本就绪 0 支，不就绪 0 支（按 2026-11-29 计算）"


def test_list_roster_with_its_problems(sqlite_db: Database, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    roster(sqlite_db, world.room, date(2026, 12, 1), date(2026, 12, 2), leaders=(), staff=("值班员甲", "值班员乙"))
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "duty-points", "--json")
    assert code == 0 and [p["name"] for p in json.loads(out)] == ["江城区应急管理局应急值班室", "危化救援中队值班点"]
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "roster", "--point", str(world.room),
                         "--from", "2026-12-01", "--to", "2026-12-03", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["shifts"]) == 4
    kinds = [(p["day"], p["kind"]) for p in data["problems"]]
    assert kinds.count(("2026-12-01", "no_leader")) == 2 and ("2026-12-03", "gap") in kinds
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "roster", "--point", str(world.room),
                         "--from", "2026-12-01", "--to", "2026-12-03")
    assert "问题\t2026-12-01\t无带班领导\t12月1日（周二）白班无带班领导" in out
    assert "4 个班次" in err
    code, _out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "roster", "--point", "999",
                          "--from", "2026-12-01", "--to", "2026-12-03")
    assert code == 1 and "找不到值班点（编号 999）" in err
    code, _out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "roster", "--point", str(world.room),
                          "--from", "2026-12-03", "--to", "2026-12-01")
    assert code == 1 and "结束日期不能早于起始日期" in err


def test_import_teams_exits_1_with_the_error_workbook_then_imports(sqlite_db: Database, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def book(path: Path, teams: list[list[object]], members: list[list[object]]) -> Path:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "救援队伍"
        ws.append(TEAM_HEAD)
        for row in teams:
            ws.append(row)
        ws2 = wb.create_sheet("队员")
        ws2.append(MEMBER_HEAD)
        for row in members:
            ws2.append(row)
        wb.save(path)
        return path

    bad = book(tmp_path / "队伍.xlsx", [team_row("甲队"), team_row("乙队", headcount="十")], [member_row("乙队", "张三")])
    report = tmp_path / "错误.xlsx"
    code, _out, err = run(capsys, "--db", db_arg(sqlite_db), "import", "teams", str(bad), "--error-report", str(report))
    assert code == 1 and "没有导入任何内容" in err and "“救援队伍”第 3 行“编制人数”列：“十”不是整数" in err
    rows = list(load_workbook(report)["错误汇总"].iter_rows(min_row=2, values_only=True))
    assert [(s, r, c) for s, r, c, _why in rows] == [("救援队伍", 3, "编制人数"), ("队员", 2, "队伍名称")]
    with sqlite_db.read() as s:
        assert s.scalar(select(func.count()).select_from(RescueTeam)) == 0
    good = book(tmp_path / "改正.xlsx", [team_row("甲队"), team_row("乙队", headcount=10)], [member_row("乙队", "张三")])
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "import", "teams", str(good))
    assert code == 0, err
    assert out.strip() == "已导入：救援队伍 2 支，队员 1 名，证书 0 本。"
    template = tmp_path / "模板.xlsx"
    code, out, _err = run(capsys, "--db", db_arg(sqlite_db), "export", "teams-template", "--out", str(template))
    assert code == 0 and "救援队伍" in load_workbook(template).sheetnames
