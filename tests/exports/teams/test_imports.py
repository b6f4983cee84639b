"""Importing a teams workbook: all or nothing, every bad row named by sheet, row and column in the
error workbook; teams, members and certificates that refer to each other in one file; the template
read back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from exports.excel_import import WorkbookError, write_error_workbook
from exports.teams.imports import CERTIFICATES, MEMBERS, TEAMS, import_teams, write_teams_template
from models.core.database import Database
from models.core.entities import AuditLog
from models.teams.entities import MemberCertificate, RescueTeam, TeamEnterprise, TeamMember
from tests.factories import TESTER, create_enterprise, valid_uscc

TEAM_HEAD = [c.header for c in TEAMS.columns]
MEMBER_HEAD = [c.header for c in MEMBERS.columns]
CERT_HEAD = [c.header for c in CERTIFICATES.columns]


def workbook(teams: list[list[object]] | None = None, members: list[list[object]] | None = None,
             certs: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, head, rows in (("救援队伍", TEAM_HEAD, teams), ("队员", MEMBER_HEAD, members), ("证书", CERT_HEAD, certs)):
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        ws.append(head)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def team_row(name: str, kind: str = "专职", specialties: str = "危化、消防", headcount: object = 10, **kw: object) -> list[object]:
    values = {"队伍名称": name, "队伍类型": kind, "专业": specialties, "编制人数": headcount, **kw}
    return [values.get(h) for h in TEAM_HEAD]


def member_row(team: str, name: str, position: str = "队员", **kw: object) -> list[object]:
    values = {"队伍名称": team, "姓名": name, "职务": position, **kw}
    return [values.get(h) for h in MEMBER_HEAD]


def cert_row(team: str, member: str, cert_type: str = "应急救援员职业技能等级证书", **kw: object) -> list[object]:
    values = {"队伍名称": team, "队员姓名": member, "证书类型": cert_type, **kw}
    return [values.get(h) for h in CERT_HEAD]


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.read() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(cls)) or 0)  # type: ignore[return-value]
                     for cls in (RescueTeam, TeamMember, MemberCertificate, AuditLog))


def test_a_clean_file_is_imported_in_one_go(db) -> None:
    ent = create_enterprise(db, 1)
    with db.read() as s:
        from models.enterprises.entities import Enterprise

        name = s.get(Enterprise, ent).name  # type: ignore[union-attr]
    data = workbook(
        [team_row("甲化工专职消防队", 所属企业=name, 所在区域="江城区", 备案日期="2025年3月1日", **{"出动时间（分钟）": 3}),
         team_row("乙蓝天救援队", "协议", "水上、地震", 20, 协议单位="江城区应急管理局", 协议有效期至="2027/6/30",
                  服务企业=valid_uscc(1))],
        [member_row("甲化工专职消防队", "王建国", "队长", 出生日期="1980-05-01", 电话="13905390001", **{"从业年限（年）": 12}),
         member_row("甲化工专职消防队", "李四", 状态="休假"), member_row("乙蓝天救援队", "李四", 电话="13900000002")],
        [cert_row("甲化工专职消防队", "王建国", 证书编号="YJ001", 有效期至="2028-01-01"),
         cert_row("乙蓝天救援队", "李四", "水上救生员证", 队员电话="139 0000 0002")])
    outcome = import_teams(db, TESTER, data)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.summary() == "已导入：救援队伍 2 支，队员 3 名，证书 2 本。"
    with db.read() as s:
        teams = {t.name: t for t in s.scalars(select(RescueTeam))}
        assert teams["甲化工专职消防队"].owner_enterprise_id == ent and teams["甲化工专职消防队"].specialties == ["fire", "hazchem"]
        assert teams["乙蓝天救援队"].kind == "agreement"
        assert s.scalar(select(func.count()).select_from(TeamEnterprise)) == 2  # the owner; the served one
        members = {(m.team_id, m.name): m for m in s.scalars(select(TeamMember))}
        assert members[(teams["甲化工专职消防队"].id, "李四")].status == "leave"
        assert {c.member_id for c in s.scalars(select(MemberCertificate))} == {
            members[(teams["甲化工专职消防队"].id, "王建国")].id, members[(teams["乙蓝天救援队"].id, "李四")].id}


def test_any_bad_row_writes_nothing_and_names_every_problem(db, tmp_path: Path) -> None:
    before = counts(db)
    data = workbook(
        [team_row("甲队"), team_row("甲队"), team_row("丙队", "志愿", "烹饪", 0), team_row("丁队", "协议")],
        [member_row("甲队", "张三"), member_row("丙队", "李四"), member_row("戊队", "王五"), member_row("甲队", "赵六", "老板"),
         member_row("甲队", "张三")],
        [cert_row("甲队", "张三"), cert_row("甲队", "钱七"), cert_row("丙队", "李四"), cert_row("甲队", "赵六", "驾照")])
    outcome = import_teams(db, TESTER, data)
    assert not outcome.ok and counts(db) == before
    found = {(p.sheet, p.row, p.column): p.reason for p in outcome.problems}
    assert found[("救援队伍", 3, "队伍名称")] == "队伍名称“甲队”与第 1 行重复"
    assert found[("救援队伍", 4, "队伍类型")].startswith("“志愿”不是可选的值")
    assert found[("救援队伍", 4, "专业")].startswith("“烹饪”不是可选的专业")
    assert found[("救援队伍", 4, "编制人数")] == "应不小于 1（填的是 0）"
    assert found[("救援队伍", 5, "协议单位")] == "协议队伍请填写签订救援协议的单位"
    assert found[("救援队伍", 5, "协议有效期至")] == "协议队伍请填写协议有效期"
    assert found[("队员", 3, "队伍名称")] == "队伍“丙队”在“救援队伍”表中有错误，未能建立"
    assert found[("队员", 4, "队伍名称")] == "没有名为“戊队”的救援队伍（请先在“救援队伍”表或系统中建立）"
    assert found[("队员", 5, "职务")].startswith("“老板”不是可选的值")
    assert found[("证书", 2, "队员姓名")] == "队伍“甲队”有 2 名叫“张三”的队员，请填写“队员电话”区分"
    assert found[("证书", 3, "队员姓名")] == "队伍“甲队”没有叫“钱七”的队员（请先在“队员”表或系统中登记）"
    assert found[("证书", 4, "队伍名称")] == "队伍“丙队”在“救援队伍”表中有错误，未能建立"
    assert found[("证书", 5, "队员姓名")] == "队员“赵六”在“队员”表中有错误，未能建立"
    assert found[("证书", 5, "证书类型")].startswith("“驾照”不是可选的值")
    assert outcome.summary().endswith("没有导入任何内容。")
    report = tmp_path / "错误.xlsx"
    write_error_workbook(report, outcome.sheets, outcome.problems)
    wb = load_workbook(report)
    assert wb.sheetnames == ["错误汇总", "救援队伍", "队员", "证书"]
    first = [c.value for c in wb["救援队伍"][4]]
    assert first[1] == 4 and "队伍类型：" in first[0] and "专业：" in first[0]


def test_teams_already_stored_are_found_and_names_stay_unique(db) -> None:
    assert import_teams(db, TESTER, workbook([team_row("甲队")])).ok
    outcome = import_teams(db, TESTER, workbook([team_row("甲队")], [member_row("甲队", "张三", 出生日期="1990年2月30日")]))
    reasons = {(p.sheet, p.column): p.reason for p in outcome.problems}
    assert reasons[("救援队伍", "队伍名称")] == "已有名为“甲队”的救援队伍"
    assert reasons[("队员", "出生日期")] == "日期“1990年2月30日”不存在（1990 年 2 月没有 30 日）"
    assert import_teams(db, TESTER, workbook(members=[member_row("甲队", "张三")])).ok  # the stored team


def test_files_that_cannot_be_imported(db, tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="没有可导入的工作表"):
        wb = Workbook()
        out = io.BytesIO()
        wb.save(out)
        import_teams(db, TESTER, out.getvalue())
    with pytest.raises(WorkbookError, match="没有要导入的行"):
        import_teams(db, TESTER, workbook([]))
    with pytest.raises(WorkbookError, match="不是 Excel 工作簿"):
        import_teams(db, TESTER, b"not a workbook")


def test_the_template_reads_back(db, tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    with db.read() as s:
        write_teams_template(s, path)
    wb = load_workbook(path)
    assert {"填写说明", "救援队伍", "队员", "证书"} <= set(wb.sheetnames)
    outcome = import_teams(db, TESTER, path)  # its example row is a valid team
    assert outcome.ok and outcome.teams == 1, [str(p) for p in outcome.problems]
