"""Rescue teams from Excel: the import template and the import of teams, members and certificates.

A teams workbook has up to three sheets — 救援队伍, 队员, 证书 — read by their header names through
the one import machinery (``exports.excel_import``). ``import_teams(db, actor, source)`` imports a
whole file **all or nothing**, in one unit of work: teams first (through ``check_teams`` /
``import_teams`` of ``models.teams.service``, the form's own checks), then members (of teams stored
or in the same file, by 队伍名称), then certificates (of members stored or in the file, by 队伍名称
and 队员姓名 — and 队员电话 when two members of a team share a name). Every problem of every row is a
``Problem`` (sheet, row, column, reason); when there is any, the unit of work is rolled back —
nothing is written — and the caller writes the error workbook (``write_error_workbook``). A file
that is not a workbook or has none of the sheets is one ``WorkbookError``.

``write_teams_template(session, path)`` writes the template: the three sheets with drop-down lists
of the team types, positions, statuses, certificate types and the regions stored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports.excel_import import (
    Column,
    Problem,
    ReadSheet,
    RowReader,
    SheetSpec,
    Source,
    WorkbookError,
    open_workbook,
    read_sheet,
    write_template,
)
from models.core.actors import Actor
from models.core.database import Database
from models.core.entities import Region
from models.core.uow import UnitOfWork, unit_of_work
from models.enterprises.entities import Enterprise
from models.teams import rules
from models.teams import service as svc
from models.teams.entities import RescueTeam, TeamMember

LIST_SEPARATORS = r"[、,，;；/\s]+"

TEAMS = SheetSpec("救援队伍", (
    Column("队伍名称", "name", True, width=30, note="全称，系统内唯一"),
    Column("队伍类型", "kind", True, "队伍类型", width=10, note="专职、兼职或协议"),
    Column("专业", "specialties", True, width=18, note="一个或多个，用顿号分隔，如“危化、消防”"),
    Column("所属企业", "owner", width=28, note="企业的队伍填企业名称或统一社会信用代码；政府、社会队伍留空"),
    Column("所在区域", "region", False, "区域", width=16, note="区县或街道（乡镇）的名称"),
    Column("驻地", "base_address", width=24),
    Column("队长", "leader", width=10),
    Column("队长电话", "leader_phone", width=14),
    Column("24小时值班电话", "duty_phone", width=14),
    Column("编制人数", "headcount", True, width=10),
    Column("备案日期", "filed_on", width=12, is_date=True),
    Column("备案编号", "filing_no", width=20),
    Column("出动时间（分钟）", "turnout_minutes", width=12, note="接警到出动的分钟数"),
    Column("协议单位", "agreement_party", width=24, note="协议队伍必填：签订救援协议的单位"),
    Column("协议有效期至", "agreement_expires_on", width=12, is_date=True, note="协议队伍必填"),
    Column("服务企业", "served", width=30, note="另外服务的企业，名称或信用代码，用顿号分隔"),
    Column("备注", "notes", width=20),
), aliases=("队伍", "救援队"), note="每行一支救援队伍。")

MEMBERS = SheetSpec("队员", (
    Column("队伍名称", "team", True, width=30, note="“救援队伍”表或系统中已有的队伍名称"),
    Column("姓名", "name", True, width=10),
    Column("职务", "position", True, "职务", width=10),
    Column("出生日期", "born_on", width=12, is_date=True),
    Column("电话", "phone", width=14),
    Column("状态", "status", False, "队员状态", width=8, note="在岗、休假或离队，默认在岗"),
    Column("最近体检", "medical_checked_on", width=12, is_date=True),
    Column("从业年限（年）", "experience_years", width=12),
    Column("入队日期", "joined_on", width=12, is_date=True),
    Column("备注", "notes", width=20),
), aliases=("队员名单",), note="每行一名队员。")

CERTIFICATES = SheetSpec("证书", (
    Column("队伍名称", "team", True, width=30),
    Column("队员姓名", "member", True, width=10),
    Column("队员电话", "member_phone", width=14, note="同一队伍有同名队员时填写以区分"),
    Column("证书类型", "cert_type", True, "证书类型", width=26),
    Column("证书编号", "number", width=20),
    Column("发证日期", "issued_on", width=12, is_date=True),
    Column("有效期至", "expires_on", width=12, is_date=True, note="长期有效的留空"),
    Column("发证机关", "issuer", width=20),
    Column("备注", "notes", width=20),
), aliases=("队员证书",), note="每行一本证书。")

SPECS = (TEAMS, MEMBERS, CERTIFICATES)
_TEAM_FIELDS = {"name": "name", "kind": "kind", "specialties": "specialties", "owner_enterprise_id": "owner",
                "region_id": "region", "base_address": "base_address", "leader": "leader",
                "leader_phone": "leader_phone", "duty_phone": "duty_phone", "headcount": "headcount",
                "filed_on": "filed_on", "filing_no": "filing_no", "turnout_minutes": "turnout_minutes",
                "agreement_party": "agreement_party", "agreement_expires_on": "agreement_expires_on",
                "enterprise_ids": "served", "notes": "notes"}
_MEMBER_FIELDS = {"team_id": "team", "name": "name", "position": "position", "born_on": "born_on", "phone": "phone",
                  "status": "status", "medical_checked_on": "medical_checked_on", "experience_years": "experience_years",
                  "joined_on": "joined_on", "notes": "notes"}
_CERT_FIELDS = {"member_id": "member", "cert_type": "cert_type", "number": "number", "issued_on": "issued_on",
                "expires_on": "expires_on", "issuer": "issuer", "notes": "notes"}


@dataclass
class ImportOutcome:
    """What an import did: the sheets read (for the error workbook), the problems (none: written)
    and how many of each were written."""

    sheets: list[ReadSheet]
    problems: list[Problem] = field(default_factory=list)
    teams: int = 0
    members: int = 0
    certificates: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            rows = len({(p.sheet, p.row) for p in self.problems})
            return f"有 {rows} 行共 {len(self.problems)} 处问题，没有导入任何内容。"
        return f"已导入：救援队伍 {self.teams} 支，队员 {self.members} 名，证书 {self.certificates} 本。"


class _Rejected(Exception):
    """Raised inside the unit of work to roll it back when any row failed."""


def _inverse(labels: dict[str, str] | Any) -> dict[str, str]:
    return {label: code for code, label in labels.items()}


def write_teams_template(session: Session, path: Path) -> None:
    """The import template with its drop-down lists (the regions stored now)."""
    cat = rules.catalog()
    regions = list(session.scalars(select(Region.name).where(Region.deleted_at.is_(None), Region.level >= 2)
                                   .order_by(Region.sort_order, Region.id)))
    lists = {"队伍类型": list(cat.team_types.values()), "职务": list(cat.positions.values()),
             "队员状态": list(cat.member_statuses.values()),
             "证书类型": [c.label for c in cat.certificate_types.values()], "区域": regions or ["（无）"]}
    examples = {TEAMS.name: [["临江市危险化学品应急救援中队", "专职", "危化、消防", "", regions[0] if regions else "",
                              "化工园区应急救援站", "王建国", "13905390001", "0539-8123119", 36, "2025-03-01",
                              "临应急队备〔2025〕001号", 3]]}
    write_template(Path(path), SPECS, lists, title="救援队伍导入模板", examples=examples)


def import_teams(db: Database, actor: Actor, source: Source) -> ImportOutcome:
    """Import a teams workbook all or nothing (see the module docstring). ``WorkbookError`` when the
    file cannot be read at all; otherwise the outcome, with problems when nothing was written."""
    workbook = open_workbook(source)
    try:
        sheets = [s for s in (read_sheet(workbook, spec) for spec in SPECS) if s is not None]
    finally:
        workbook.close()
    if not sheets:
        found = "、".join(f"“{n}”" for n in workbook.sheetnames[:6]) or "（无）"
        raise WorkbookError(f"工作簿中没有可导入的工作表：应有“救援队伍”“队员”或“证书”（找到 {found}），请使用导入模板。")
    if not any(s.rows for s in sheets):
        raise WorkbookError("工作簿中没有要导入的行（表头下面是空的）。")
    outcome = ImportOutcome(sheets)
    try:
        with unit_of_work(db, actor) as uow:
            _import(uow, outcome)
            if outcome.problems:
                raise _Rejected()
    except _Rejected:
        outcome.teams = outcome.members = outcome.certificates = 0
    return outcome


def _checked(sheet: ReadSheet, parsed: list[tuple[RowReader, Any]], fields: dict[str, str],
             check: Callable[[Sequence[Any]], list[svc.RowProblem]]) -> list[tuple[RowReader, Any]]:
    """The rows whose cells were read and that pass the service's checks; every other row's
    problems recorded (the service's reasons on the columns they concern)."""
    readable = [(r, data) for r, data in parsed if not r.failed]
    problems = check([data for _r, data in readable])
    bad: dict[int, list[svc.RowProblem]] = defaultdict(list)
    for p in problems:
        bad[p.row - 1].append(p)
    ok = []
    for n, (r, data) in enumerate(readable):
        if n not in bad:
            ok.append((r, data))
            continue
        seen = set()
        for p in bad[n]:
            key = fields.get(p.field)
            if (key, p.message) not in seen:
                seen.add((key, p.message))
                r.fail(key, p.message)
    return ok


def _import(uow: UnitOfWork, outcome: ImportOutcome) -> None:
    session = uow.session
    by_spec = {s.spec.name: s for s in outcome.sheets}
    problems = outcome.problems
    teams: dict[str, int] = {n: i for n, i in session.execute(select(RescueTeam.name, RescueTeam.id).where(
        RescueTeam.deleted_at.is_(None)))}
    failed_teams: set[str] = set()
    if TEAMS.name in by_spec:
        sheet = by_spec[TEAMS.name]
        enterprises = _enterprises(session)
        regions = _regions(session)
        parsed = []
        for row in sheet.rows:
            r = RowReader(sheet, row, problems)
            parsed.append((r, _team_data(r, enterprises, regions)))
        ok = _checked(sheet, parsed, _TEAM_FIELDS, lambda rows: svc.check_teams(session, rows))
        passed = {id(r) for r, _d in ok}
        failed_teams.update(data.cleaned().name for r, data in parsed if id(r) not in passed)
        ids = svc.import_teams(uow, [d for _r, d in ok]) if ok else []
        for (_r, data), tid in zip(ok, ids, strict=True):
            teams[data.cleaned().name] = tid
        outcome.teams = len(ids)
    members: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)  # (team, name) → [(id, phone digits)]
    for mid, tid, name, phone in session.execute(select(TeamMember.id, TeamMember.team_id, TeamMember.name,
                                                        TeamMember.phone).where(TeamMember.deleted_at.is_(None))):
        members[(tid, name)].append((mid, rules.person_key(name, phone)[1]))
    failed_members: set[tuple[str, str]] = set()
    if MEMBERS.name in by_spec:
        sheet = by_spec[MEMBERS.name]
        cat = rules.catalog()
        parsed = []
        for row in sheet.rows:
            r = RowReader(sheet, row, problems)
            team_id = _team(r, teams, failed_teams)
            data = svc.MemberData(
                team_id=team_id, name=r.text("name", required=True),
                position=r.choice("position", _inverse(cat.positions), required=True) or "",
                born_on=r.date("born_on"), phone=r.text("phone"),
                status=r.choice("status", _inverse(cat.member_statuses), default="on_duty") or "on_duty",
                medical_checked_on=r.date("medical_checked_on"), experience_years=r.integer("experience_years", minimum=0),
                joined_on=r.date("joined_on"), notes=r.text("notes"))
            parsed.append((r, data))
        ok = _checked(sheet, parsed, _MEMBER_FIELDS, lambda rows: svc.check_members(session, rows))
        passed = {id(r) for r, _d in ok}
        failed_members.update((" ".join(r.text("team").split()), data.cleaned().name) for r, data in parsed
                              if id(r) not in passed)
        ids = svc.import_members(uow, [d for _r, d in ok]) if ok else []
        for (_r, data), mid in zip(ok, ids, strict=True):
            clean = data.cleaned()
            members[(clean.team_id, clean.name)].append((mid, rules.person_key(clean.name, clean.phone)[1]))  # type: ignore[index]
        outcome.members = len(ids)
    if CERTIFICATES.name in by_spec:
        sheet = by_spec[CERTIFICATES.name]
        cat = rules.catalog()
        types = {c.label: c.key for c in cat.certificate_types.values()}
        parsed = []
        for row in sheet.rows:
            r = RowReader(sheet, row, problems)
            member_id = _member(r, teams, failed_teams, members, failed_members)
            data = svc.CertificateData(member_id=member_id, cert_type=r.choice("cert_type", types, required=True) or "",
                                       number=r.text("number"), issued_on=r.date("issued_on"),
                                       expires_on=r.date("expires_on"), issuer=r.text("issuer"), notes=r.text("notes"))
            parsed.append((r, data))
        ok = _checked(sheet, parsed, _CERT_FIELDS, lambda rows: svc.check_certificates(session, rows))
        ids = svc.import_certificates(uow, [d for _r, d in ok]) if ok else []
        outcome.certificates = len(ids)


def _key(text: str) -> str:
    return "".join(str(text).split())


def _enterprises(session: Session) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for eid, name, uscc in session.execute(select(Enterprise.id, Enterprise.name, Enterprise.uscc)
                                           .where(Enterprise.deleted_at.is_(None))):
        out[_key(name)].append(eid)
        out[uscc.upper()].append(eid)
    return out


def _regions(session: Session) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for rid, name, code in session.execute(select(Region.id, Region.name, Region.code).where(Region.deleted_at.is_(None))):
        out[_key(name)].append(rid)
        out[code].append(rid)
    return out


def _one(r: RowReader, key: str, text: str, found: list[int], what: str) -> int | None:
    if len(found) == 1:
        return found[0]
    r.fail(key, f"有 {len(found)} 个名为“{text}”的{what}，请填写统一社会信用代码或区划代码区分" if found
           else f"没有名为“{text}”的{what}（请先在系统中建立，或检查名称）")
    return None


def _team_data(r: RowReader, enterprises: dict[str, list[int]], regions: dict[str, list[int]]) -> svc.TeamData:
    cat = rules.catalog()
    specialties = []
    named = _inverse(cat.specialties)
    for word in re.split(LIST_SEPARATORS, r.text("specialties")):
        if not word:
            continue
        key = named.get(word) or (word if word in cat.specialties else None)
        if key is None:
            r.fail("specialties", f"“{word}”不是可选的专业（可选：{'、'.join(cat.specialties.values())}）")
        else:
            specialties.append(key)
    if not specialties and not r.failed:
        r.fail("specialties", "必须填写（一个或多个，用顿号分隔）")
    owner_text = r.text("owner")
    owner = _one(r, "owner", owner_text, enterprises.get(_key(owner_text).upper(), enterprises.get(_key(owner_text), [])),
                 "企业") if owner_text else None
    region_text = r.text("region")
    region = _one(r, "region", region_text, regions.get(_key(region_text), []), "区域") if region_text else None
    served = []
    for word in re.split(r"[、,，;；\n]+", r.text("served")):
        word = word.strip()
        if word:
            eid = _one(r, "served", word, enterprises.get(_key(word).upper(), enterprises.get(_key(word), [])), "企业")
            if eid is not None:
                served.append(eid)
    return svc.TeamData(
        name=r.text("name", required=True), kind=r.choice("kind", _inverse(cat.team_types), required=True) or "",
        specialties=tuple(specialties), owner_enterprise_id=owner, region_id=region,
        base_address=r.text("base_address"), leader=r.text("leader"), leader_phone=r.text("leader_phone"),
        duty_phone=r.text("duty_phone"), headcount=r.integer("headcount", required=True, minimum=1) or 0,
        filed_on=r.date("filed_on"), filing_no=r.text("filing_no"),
        turnout_minutes=r.integer("turnout_minutes", minimum=0), agreement_party=r.text("agreement_party"),
        agreement_expires_on=r.date("agreement_expires_on"), notes=r.text("notes"), enterprise_ids=tuple(served))


def _team(r: RowReader, teams: dict[str, int], failed: set[str]) -> int | None:
    name = " ".join(r.text("team").split())
    if not name:
        r.fail("team", "必须填写")
        return None
    if name in teams:
        return teams[name]
    r.fail("team", f"队伍“{name}”在“救援队伍”表中有错误，未能建立" if name in failed
           else f"没有名为“{name}”的救援队伍（请先在“救援队伍”表或系统中建立）")
    return None


def _member(r: RowReader, teams: dict[str, int], failed_teams: set[str],
            members: dict[tuple[int, str], list[tuple[int, str]]], failed: set[tuple[str, str]]) -> int | None:
    team_id = _team(r, teams, failed_teams)
    name = " ".join(r.text("member", required=True).split())
    if team_id is None or not name:
        return None
    found = members.get((team_id, name), [])
    phone = rules.person_key("", r.text("member_phone"))[1]
    if len(found) > 1 and phone:
        found = [m for m in found if m[1] == phone]
    if len(found) == 1:
        return found[0][0]
    team = " ".join(r.text("team").split())
    if found:
        r.fail("member", f"队伍“{team}”有 {len(found)} 名叫“{name}”的队员，请填写“队员电话”区分")
    elif (team, name) in failed:
        r.fail("member", f"队员“{name}”在“队员”表中有错误，未能建立")
    else:
        r.fail("member", f"队伍“{team}”没有叫“{name}”的队员（请先在“队员”表或系统中登记）")
    return None
