"""Demo rescue teams and duty: government teams for every district and the city, a team for every
high-risk enterprise, their members with certificates valid, expiring and expired, training and
drills, equipment, and the duty roster of the current and the next month — as things stand on
``as_of`` (2026-11-29, like the other demo steps).

- Every district: a 综合应急救援大队 (专职, with a duty point), a 防汛抢险队 and a 医疗应急救护队
  (兼职), a 蓝天救援队 (a social team bound by an agreement with the district's bureau: 协议), and the
  district bureau's 应急值班室. The city: its bureau's 总值班室, a 矿山救护大队 serving the mines and
  tailings ponds, and a 危险化学品应急救援中队 serving the hazardous-chemical units (both 专职).
- Every high-risk enterprise (risk 重大 or 较大 in the industries that must keep a team: mines, tailings,
  hazardous goods, metal smelting, construction, urban rail — 《生产安全事故应急条例》第十条): its
  own team — 专职 for the large and the 重大-risk mines and chemical plants (with a duty point), 兼职
  for most, 协议 for the small ones (a few part-time rescuers and an agreement with the city's team,
  some expiring or expired).
- Members by position (a mine team's commanders now and then over their age limit), 在岗 / 休假 /
  离队; the certificates their position and team require, most valid, some expiring within 90 or 30
  days, some expired or missing — a careless team more often; monthly (专职) or quarterly (兼职)
  training over the past year and one or two drills a year, a few teams lapsed; equipment mostly
  in good order, some waiting for repair.
- The roster of 1 November to 31 December: duty rooms with a 带班领导 per duty day and a 值班员 per
  shift (白班、夜班), team points with a leader and two or three members per 24-hour shift; a few
  deliberate holes: the city duty room's night of 1 December (a Tuesday) without its leader, a
  district duty room's missing night shift, a person booked at two points at once, a team leader put
  on a duty room's day shift straight after a 24-hour shift, and some enterprise teams whose December
  is not rostered yet. Swaps with their reasons, and handovers of the duty rooms' shifts up to ``as_of``.

Written in chunks, each its own unit of work: teams, members and certificates through the services'
bulk imports (``import_teams`` … with their checks), the rest through the unit of work's bulk insert
(stamps and one trail row per record). Each team draws from its own random stream.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from models.core.demo import DemoContext, DemoEnterprise, DemoStep, landline, mobile, person_name
from models.core.entities import Region
from models.core.errors import ValidationError
from models.core.uow import UnitOfWork
from models.teams import rules
from models.teams import service as svc
from models.teams.entities import (
    DutyAssignment,
    DutyPoint,
    DutyShift,
    DutySwap,
    HandoverLog,
    MemberCertificate,
    RescueTeam,
    TeamEnterprise,
    TeamEquipment,
    TeamMember,
    TrainingRecord,
)

STEP_NAME = "teams"
DEFAULT_AS_OF = date(2026, 11, 29)
CHUNK = 300  # teams per unit of work
HIGH_RISK = ("major", "larger")
TEAM_INDUSTRIES = {"mining": ("mining",), "tailings": ("mining",), "hazchem": ("hazchem", "fire"),
                   "fireworks": ("hazchem", "fire"), "metallurgy": ("fire", "medical"), "construction": ("building",),
                   "transport.urban_rail": ("traffic", "fire")}
CITY_MINES = "临江市矿山救护大队"
CITY_CHEM = "临江市危险化学品应急救援中队"


def _period(as_of: date) -> tuple[date, date]:
    """The current and the next month."""
    start = as_of.replace(day=1)
    after = rules.add_months(start, 2)
    return start, after - timedelta(days=1)


def teams_step(as_of: date = DEFAULT_AS_OF) -> DemoStep:
    def run(ctx: DemoContext) -> None:
        _run(ctx, as_of)

    return DemoStep(STEP_NAME, "救援队伍与值班", run, size=lambda count: max(1, count // 2))


@dataclass
class _Team:
    """A team as generated, before and after it is written."""

    data: svc.TeamData
    rng: random.Random
    careless: bool = False
    duty: bool = False  # keeps a duty point with a roster
    december: bool = True  # its roster covers the next month too
    id: int = 0
    members: list[tuple[int, svc.MemberData]] = field(default_factory=list)


@dataclass
class _Rows:
    members: list[svc.MemberData] = field(default_factory=list)
    owners: list[_Team] = field(default_factory=list)  # per member row: its team
    certificates: list[svc.CertificateData] = field(default_factory=list)
    training: list[dict[str, Any]] = field(default_factory=list)
    equipment: list[dict[str, Any]] = field(default_factory=list)


def _run(ctx: DemoContext, as_of: date) -> None:
    message = "正在生成救援队伍与值班表…"
    ctx.report(0, message)
    districts = _districts(ctx)
    government = _government_teams(ctx, districts, as_of)
    enterprise = _enterprise_teams(ctx, as_of)
    written = 0
    counts: dict[str, int] = defaultdict(int)
    all_teams = government + enterprise
    served = _served(ctx, all_teams)
    for start in range(0, len(all_teams), CHUNK):
        chunk = all_teams[start:start + CHUNK]
        with ctx.unit() as uow:
            _write_teams(ctx, uow, chunk, served, as_of, counts)
        written += len(chunk)
        ctx.report(min(len(ctx.enterprises) // 2, written * max(1, len(ctx.enterprises) // 2) // max(1, len(all_teams))),
                   message)
    with ctx.unit() as uow:
        _write_duty(ctx, uow, districts, all_teams, as_of, counts)
    for key, label in (("teams", "救援队伍"), ("members", "队员"), ("certificates", "证书"), ("shifts", "值班班次")):
        ctx.tally(f"teams.{key}", label, counts[key])


# ---- the teams


@dataclass(frozen=True)
class _District:
    id: int
    code: str
    name: str


def _districts(ctx: DemoContext) -> list[_District]:
    district_of = {s.code: s.district_code for s in ctx.ref.streets}
    with_ents = {district_of.get(e.region_code, ctx.ref.city_code) for e in ctx.enterprises}
    codes = sorted({s.district_code for s in ctx.ref.streets} & with_ents)
    with ctx.db.read() as s:
        found = {c: (i, n) for i, c, n in s.execute(select(Region.id, Region.code, Region.name).where(Region.code.in_(codes)))}
    return [_District(found[c][0], c, found[c][1]) for c in codes if c in found]


def _city_region(ctx: DemoContext) -> int | None:
    with ctx.db.read() as s:
        return s.scalar(select(Region.id).where(Region.code == ctx.ref.city_code))


def _agreement_expiry(rng: random.Random, as_of: date) -> date:
    roll = rng.random()
    if roll < 0.1:
        return as_of - timedelta(days=rng.randint(3, 120))  # lapsed
    if roll < 0.2:
        return as_of + timedelta(days=rng.randint(0, 30))
    if roll < 0.3:
        return as_of + timedelta(days=rng.randint(31, 90))
    return as_of + timedelta(days=rng.randint(91, 700))


def _filed(rng: random.Random, as_of: date, n: int) -> tuple[date | None, str]:
    if rng.random() < 0.12:
        return None, ""  # not filed yet
    day = as_of - timedelta(days=rng.randint(60, 1500))
    return day, f"临应急队备〔{day.year}〕{n:03d}号"


def _government_teams(ctx: DemoContext, districts: list[_District], as_of: date) -> list[_Team]:
    out = []
    city_region = _city_region(ctx)
    has_mines = any(e.industry_code.split(".")[0] in ("mining", "tailings") for e in ctx.enterprises)
    specs: list[tuple[str, str, tuple[str, ...], int, int | None, str]] = []
    if ctx.enterprises:
        if has_mines:
            specs.append((CITY_MINES, "professional", ("mining",), 48, city_region, "临江市北山县铁岭镇矿山救护基地"))
        specs.append((CITY_CHEM, "professional", ("fire", "hazchem"), 36, city_region, "临江市化工园区应急救援站"))
    for d in districts:
        specs += [(f"{d.name}综合应急救援大队", "professional", ("building", "fire", "flood", "traffic"), 40, d.id,
                   f"{d.name}应急救援基地"),
                  (f"{d.name}防汛抢险队", "part_time", ("flood", "water"), 30, d.id, f"{d.name}防汛物资储备库"),
                  (f"{d.name}医疗应急救护队", "part_time", ("medical",), 16, d.id, f"{d.name}人民医院"),
                  (f"{d.name}蓝天救援队", "agreement", ("earthquake", "forest", "water"), 24, d.id,
                   f"{d.name}社会组织孵化基地")]
    for n, (name, kind, specialties, size, region, base) in enumerate(specs, start=1):
        rng = ctx.rng(f"{STEP_NAME}:{name}")
        district = next((d.name for d in districts if d.id == region), "临江市")
        filed_on, filing_no = _filed(rng, as_of, n)
        headcount = max(4, int(size * rng.uniform(0.85, 1.15)))
        data = svc.TeamData(
            name=name, kind=kind, specialties=specialties, region_id=region, base_address=base,
            leader=person_name(rng), leader_phone=mobile(rng), duty_phone=landline(rng), headcount=headcount,
            filed_on=filed_on, filing_no=filing_no,
            turnout_minutes=rng.choice((1, 2, 3, 3, 5)) if kind == "professional" else rng.choice((10, 15, 20, 30)),
            agreement_party=f"{district}应急管理局" if kind == "agreement" else "",
            agreement_expires_on=_agreement_expiry(rng, as_of) if kind == "agreement" else None,
            notes="政府专职救援队伍" if kind == "professional" else "社会应急力量，签订应急救援协议" if kind == "agreement"
            else "政府兼职救援队伍")
        out.append(_Team(data, rng, careless=rng.random() < 0.15, duty=kind == "professional"))
    return out


def _industry_key(ent: DemoEnterprise) -> str | None:
    if ent.industry_code in TEAM_INDUSTRIES:
        return ent.industry_code
    top = ent.industry_code.split(".")[0]
    return top if top in TEAM_INDUSTRIES and top != "transport" else None


def _enterprise_teams(ctx: DemoContext, as_of: date) -> list[_Team]:
    out = []
    street = {s.code: s.id for s in ctx.ref.streets}
    for n, ent in enumerate(ctx.enterprises, start=1):
        key = _industry_key(ent)
        if key is None or ent.risk_code not in HIGH_RISK:
            continue
        rng = ctx.rng(f"{STEP_NAME}:{ent.name}")
        specialties = TEAM_INDUSTRIES[key]
        mining = "mining" in specialties
        big = ent.employees >= 1000 or (ent.risk_code == "major" and key in ("mining", "tailings", "hazchem"))
        if big and rng.random() < 0.85:
            kind = "professional"
        elif ent.employees < 80 and rng.random() < 0.7:
            kind = "agreement"
        else:
            kind = "part_time"
        suffix = {"professional": "矿山救护队" if mining else "专职消防队" if "hazchem" in specialties else "专职应急救援队",
                  "part_time": "兼职应急救援队", "agreement": "兼职救援人员（协议救援）"}[kind]
        if kind == "professional":
            headcount = max(10, min(40, ent.employees // 50 + rng.randint(8, 14)))
        elif kind == "part_time":
            headcount = max(6, min(20, ent.employees // 80 + rng.randint(4, 10)))
        else:
            headcount = rng.randint(3, 6)
        party = ""
        expires = None
        if kind == "agreement":
            party = CITY_MINES if mining else CITY_CHEM if "hazchem" in specialties else "临江市消防救援支队"
            expires = _agreement_expiry(rng, as_of)
        filed_on, filing_no = _filed(rng, as_of, n)
        data = svc.TeamData(
            name=f"{ent.name}{suffix}", kind=kind, specialties=specialties, owner_enterprise_id=ent.id,
            region_id=street.get(ent.region_code), base_address=rng.choice(("厂区应急救援站", "厂区消防站", "生产区值班楼",
                                                                            "办公楼一楼应急值班室", "矿区救护基地")),
            leader=person_name(rng), leader_phone=mobile(rng), duty_phone=landline(rng), headcount=headcount,
            filed_on=filed_on, filing_no=filing_no,
            turnout_minutes=rng.choice((1, 2, 3, 5, 8)) if kind == "professional" else rng.choice((5, 10, 15, 20, 30)),
            agreement_party=party, agreement_expires_on=expires, enterprise_ids=(ent.id,))
        out.append(_Team(data, rng, careless=rng.random() < 0.2, duty=kind == "professional",
                         december=rng.random() > 0.15))
    return out


def _served(ctx: DemoContext, teams: list[_Team]) -> dict[str, tuple[int, ...]]:
    """The city's teams serve the mines and the chemical units (also those bound by agreement)."""
    mines = tuple(e.id for e in ctx.enterprises if e.industry_code.split(".")[0] in ("mining", "tailings")
                  and e.risk_code in HIGH_RISK)
    chems = tuple(e.id for e in ctx.enterprises if e.industry_code.split(".")[0] in ("hazchem", "fireworks")
                  and e.risk_code in HIGH_RISK)
    return {CITY_MINES: mines, CITY_CHEM: chems}


# ---- members, certificates, training, equipment

POSITION_PLAN = (("captain", 1), ("vice_captain", 1), ("technician", 1), ("medic", 1))
CERT_ISSUERS = {"mine_rescue": "省矿山救援培训中心", "rescuer": "省应急管理厅职业技能鉴定中心",
                "firefighter": "省消防救援总队职业技能鉴定站", "first_aid": "临江市红十字会",
                "water_rescue": "临江市体育局", "driver": "临江市公安局交通警察支队"}
CERT_YEARS = {"mine_rescue": 3, "rescuer": 4, "firefighter": 4, "first_aid": 3, "water_rescue": 2, "driver": 6}
TRAINING = {
    "mining": ("佩用氧气呼吸器训练", "矿井灾区侦察训练", "心肺复苏与现场急救", "高温浓烟环境适应训练", "救护仪器操作与维护"),
    "hazchem": ("危化品泄漏堵漏训练", "重型防化服穿戴训练", "洗消作业训练", "有毒气体检测训练"),
    "fire": ("水带铺设与射水训练", "空气呼吸器佩戴训练", "火场搜救训练", "消防车辆操作训练"),
    "flood": ("冲锋舟操作训练", "抢险打桩与堵口训练", "沙袋装填与堆垒训练"),
    "water": ("水上救生训练", "抛投器使用训练"),
    "medical": ("心肺复苏与AED使用", "创伤止血包扎训练", "批量伤员检伤分类"),
    "building": ("破拆工具操作训练", "建筑坍塌搜救训练", "绳索救援训练"),
    "traffic": ("车辆事故破拆救援", "交通事故现场警戒训练"),
    "earthquake": ("地震废墟搜救训练", "生命探测仪使用训练"),
    "forest": ("森林灭火扑打训练", "风力灭火机使用训练"),
}
DRILLS = {
    "mining": "矿井火灾事故应急救援演练", "hazchem": "危险化学品泄漏事故应急演练", "fire": "火灾事故综合应急演练",
    "flood": "防汛抢险应急演练", "medical": "突发事件医疗救援演练", "building": "建筑坍塌事故救援演练",
    "traffic": "道路交通事故救援演练", "water": "水上搜救演练", "earthquake": "地震灾害救援演练",
    "forest": "森林火灾扑救演练",
}
EQUIPMENT = {
    "mining": (("正压氧气呼吸器", "HYZ4", "protection", 12), ("自动苏生器", "ASZ-30", "lifesaving", 3),
               ("多参数气体检测仪", "CD4", "detection", 4), ("灾区电话", "KTT-100", "communication", 2),
               ("矿山救护车", "", "vehicle", 2)),
    "hazchem": (("重型防化服", "A级", "protection", 6), ("正压式空气呼吸器", "RHZKF6.8/30", "protection", 12),
                ("堵漏工具组", "内封式、外封式", "plugging", 2), ("洗消帐篷", "", "decontamination", 1),
                ("有毒气体探测仪", "", "detection", 3), ("防爆输转泵", "", "transfer", 2)),
    "fire": (("水罐消防车", "", "vehicle", 2), ("消防水带", "65 mm×20 m", "firefighting", 40),
             ("正压式空气呼吸器", "RHZKF6.8/30", "protection", 10), ("移动照明灯组", "", "lighting", 2),
             ("警戒带", "", "cordon", 10)),
    "flood": (("冲锋舟", "橡胶 5.2 m", "lifesaving", 3), ("救生衣", "", "lifesaving", 60), ("移动抽水泵", "", "transfer", 4),
              ("应急照明灯", "", "lighting", 6)),
    "water": (("救生圈", "", "lifesaving", 20), ("抛投器", "", "lifesaving", 4), ("水下声呐", "", "detection", 1)),
    "medical": (("急救箱", "", "lifesaving", 10), ("担架", "铲式", "lifesaving", 8), ("AED", "", "lifesaving", 3),
                ("救护车", "", "vehicle", 2)),
    "building": (("液压破拆工具组", "", "breaking", 2), ("生命探测仪", "雷达式", "detection", 1),
                 ("救援支撑套具", "", "breaking", 2), ("发电照明车", "", "lighting", 1)),
    "traffic": (("液压扩张器", "", "breaking", 2), ("警示锥", "", "cordon", 30)),
    "earthquake": (("生命探测仪", "音视频", "detection", 2), ("凿岩机", "", "breaking", 2)),
    "forest": (("风力灭火机", "", "firefighting", 10), ("二号工具", "", "firefighting", 30)),
}


def _positions(size: int, team: _Team) -> list[str]:
    out = []
    for position, n in POSITION_PLAN:
        if len(out) < size and (position != "technician" or team.data.kind == "professional") and \
                (position != "vice_captain" or size >= 6) and (position != "medic" or size >= 10):
            out += [position] * n
    mining = "mining" in team.data.specialties
    squads = max(0, size // 7) if team.data.kind != "agreement" else 0
    if mining and size >= 30:
        out += ["squadron_leader"] * max(1, size // 24)
    out += ["squad_leader"] * squads
    if team.data.kind == "professional":
        out += ["driver"] * max(1, size // 15)
    out = out[:size]
    out += ["member"] * (size - len(out))
    return out


def _member(team: _Team, position: str, as_of: date) -> svc.MemberData:
    rng = team.rng
    commander = position in ("captain", "vice_captain", "squadron_leader", "vice_squadron_leader", "squad_leader")
    age = rng.randint(32, 52) if commander else rng.randint(21, 48)
    if commander and "mining" in team.data.specialties and rng.random() < 0.12:
        age += rng.randint(5, 9)  # a mine commander past the age limit
    born = as_of - timedelta(days=age * 365 + rng.randint(0, 364))
    years = max(0, min(age - 19, int(rng.triangular(0, age - 19, (age - 19) * 0.5))))
    if commander and rng.random() < 0.1:
        years = rng.randint(0, 2)  # promoted early
    joined = as_of - timedelta(days=min(years, age - 19) * 365 + rng.randint(0, 300))
    roll = rng.random()
    status = "on_duty" if roll < (0.8 if team.careless else 0.95) else "leave" if roll < 0.98 else "left"
    checked = as_of - timedelta(days=rng.randint(10, 430 if team.careless else 380))
    return svc.MemberData(team_id=team.id, name=person_name(rng), position=position, born_on=born, phone=mobile(rng),
                          status=status, medical_checked_on=checked, experience_years=years, joined_on=max(joined, born +
                                                                                                             timedelta(days=365 * 18)))


def _certificates(team: _Team, member_id: int, m: svc.MemberData, as_of: date, serial: list[int],
                  cat: rules.Catalog) -> list[svc.CertificateData]:
    rng = team.rng
    out = []
    for cert in rules.required_certificates(team.data.kind, team.data.specialties, m.position, cat):
        roll = rng.random()
        lapse = 2.0 if team.careless else 0.15
        if roll < 0.03 * lapse:
            continue  # never obtained
        if roll < 0.10 * lapse:
            expires = as_of - timedelta(days=rng.randint(1, 200))
        elif roll < 0.10 * lapse + 0.03:
            expires = as_of + timedelta(days=rng.randint(0, 30))
        elif roll < 0.10 * lapse + 0.08:
            expires = as_of + timedelta(days=rng.randint(31, 90))
        else:
            expires = as_of + timedelta(days=rng.randint(91, 365 * CERT_YEARS.get(cert, 3)))
        issued = rules.add_months(expires, -12 * CERT_YEARS.get(cert, 3)) + timedelta(days=1)
        serial[0] += 1
        out.append(svc.CertificateData(member_id=member_id, cert_type=cert, number=f"{cert[:2].upper()}{issued.year}"
                                       f"{serial[0]:07d}", issued_on=issued, expires_on=expires,
                                       issuer=CERT_ISSUERS.get(cert, "临江市应急管理局")))
    return out


def _training(team: _Team, as_of: date) -> list[dict[str, Any]]:
    rng = team.rng
    out = []
    monthly = team.data.kind == "professional"
    every = 30 if monthly else 91
    lapsed = rng.random() < (0.3 if team.careless else 0.06)
    last = as_of - timedelta(days=rng.randint(3, every)) - (timedelta(days=rng.randint(60, 200)) if lapsed else timedelta(0))
    topics = [t for s in team.data.specialties for t in TRAINING.get(s, ())] or ["综合应急救援技能训练"]
    day = last
    while day >= as_of - timedelta(days=365):
        out.append({"team_id": team.id, "kind": "training", "held_on": day, "content": rng.choice(topics),
                    "hours": rng.choice((2.0, 3.0, 4.0, 4.0, 8.0)), "participants": max(1, int(team.data.headcount * 0.8)),
                    "result": rng.choice(("良好", "合格", "合格", "优秀"))})
        day -= timedelta(days=every + rng.randint(-5, 5))
    drills = [d for s in team.data.specialties if (d := DRILLS.get(s))] or ["综合应急演练"]
    no_drill = rng.random() < (0.35 if team.careless else 0.08)
    for k in range(rng.choice((1, 2, 2))):
        held = as_of - timedelta(days=rng.randint(20, 170) + 180 * k + (220 if no_drill else 0))
        out.append({"team_id": team.id, "kind": "drill", "held_on": held, "content": rng.choice(drills), "hours": 4.0,
                    "participants": max(1, int(team.data.headcount * 0.9)), "result": rng.choice(("良好", "合格", "优秀"))})
    return out


def _equipment(team: _Team) -> list[dict[str, Any]]:
    rng = team.rng
    out = []
    for s in team.data.specialties:
        for name, spec, group, qty in EQUIPMENT.get(s, ()):
            total = max(1, int(qty * rng.uniform(0.6, 1.3)))
            roll = rng.random()
            broken = 0
            if roll < (0.45 if team.careless else 0.15):
                broken = max(1, total // rng.choice((3, 4, 6)))
            good = total - broken
            unit = "辆" if group == "vehicle" else "套" if group == "protection" else "件"
            if good:
                out.append({"team_id": team.id, "name": name, "spec": spec, "category": group, "quantity": good,
                            "unit": unit, "condition": "good"})
            if broken:
                out.append({"team_id": team.id, "name": name, "spec": spec, "category": group, "quantity": broken,
                            "unit": unit, "condition": "scrapped" if rng.random() < 0.25 else "repair",
                            "notes": "送修中" if rng.random() < 0.5 else ""})
    return out


def _checked(check: Any, rows: list[Any]) -> None:
    for row in rows:
        _clean, errors = check(row)
        if errors:
            raise ValidationError(errors)


def _write_teams(ctx: DemoContext, uow: UnitOfWork, chunk: list[_Team], served: dict[str, tuple[int, ...]],
                 as_of: date, counts: dict[str, int]) -> None:
    for t in chunk:
        extra = served.get(t.data.name)
        if extra:
            t.data.enterprise_ids = tuple(dict.fromkeys((*t.data.enterprise_ids, *extra)))
    ids = svc.import_teams(uow, [t.data for t in chunk])
    ctx.wrote(RescueTeam, ids)
    links = list(uow.session.scalars(select(TeamEnterprise.id).where(TeamEnterprise.team_id.in_(ids))))
    ctx.wrote(TeamEnterprise, links)
    cat = rules.catalog()
    rows = _Rows()
    for t, tid in zip(chunk, ids, strict=True):
        t.id = tid
        size = max(1, round(t.data.headcount * t.rng.uniform(0.78 if t.careless else 0.95, 1.0)))
        for position in _positions(size, t):
            rows.members.append(_member(t, position, as_of))
            rows.owners.append(t)
        rows.training += _training(t, as_of)
        rows.equipment += _equipment(t)
    member_ids = svc.import_members(uow, rows.members)
    ctx.wrote(TeamMember, member_ids)
    serial = [counts["certificates"]]
    for mid, m, t in zip(member_ids, rows.members, rows.owners, strict=True):
        t.members.append((mid, m))
        if m.status != "left":
            rows.certificates += _certificates(t, mid, m, as_of, serial, cat)
    cert_ids = svc.import_certificates(uow, rows.certificates)
    ctx.wrote(MemberCertificate, cert_ids)
    _checked(svc.check_training, [svc.TrainingData(**r) for r in rows.training])
    ctx.wrote(TrainingRecord, uow.insert_rows(TrainingRecord, rows.training))
    _checked(svc.check_equipment, [svc.EquipmentLine(**{k: v for k, v in r.items() if k != "team_id"})
                                   for r in rows.equipment])
    ctx.wrote(TeamEquipment, uow.insert_rows(TeamEquipment, rows.equipment))
    counts["teams"] += len(ids)
    counts["members"] += len(member_ids)
    counts["certificates"] += len(cert_ids)


# ---- the duty roster


@dataclass
class _Point:
    name: str
    kind: str
    team: _Team | None
    region_id: int | None
    leaders: list[rules.Person]
    staff: list[rules.Person]
    staff_per_shift: int
    december: bool = True
    id: int = 0
    rng: random.Random = field(default_factory=random.Random)


LEADER_TITLES = ("局长", "副局长", "副局长", "总工程师", "副调研员", "二级调研员")


def _people(rng: random.Random, n: int) -> list[rules.Person]:
    return [rules.Person(person_name(rng), mobile(rng)) for _ in range(n)]


def _write_duty(ctx: DemoContext, uow: UnitOfWork, districts: list[_District], teams: list[_Team], as_of: date,
                counts: dict[str, int]) -> None:
    duty = rules.duty_rules()
    start, end = _period(as_of)
    points: list[_Point] = []
    city_rng = ctx.rng(f"{STEP_NAME}:duty:{ctx.ref.city}")
    if ctx.enterprises:
        points.append(_Point(f"{ctx.ref.city}应急管理局总值班室", "duty_room", None, _city_region(ctx),
                             _people(city_rng, 5), _people(city_rng, 8), 1, rng=city_rng))
    for d in districts:
        r = ctx.rng(f"{STEP_NAME}:duty:{d.code}")
        points.append(_Point(f"{d.name}应急管理局应急值班室", "duty_room", None, d.id, _people(r, 4), _people(r, 6), 1, rng=r))
    for t in teams:
        if not t.duty:
            continue
        on = [(mid, m) for mid, m in t.members if m.status == "on_duty"]
        leaders = [rules.Person(m.name, m.phone, mid) for mid, m in on
                   if m.position in ("captain", "vice_captain", "squadron_leader", "squad_leader")][:4]
        staff = [rules.Person(m.name, m.phone, mid) for mid, m in on if m.position not in ("captain", "vice_captain")]
        if not leaders or len(staff) < 3:
            continue
        per = 2
        points.append(_Point(f"{t.data.name}值班点", "team", t, t.data.region_id, leaders, staff, per, t.december,
                             rng=t.rng))
    point_ids = uow.reserve_ids(DutyPoint, len(points))
    rows = []
    for p, pid in zip(points, point_ids, strict=True):
        p.id = pid
        shift_set = duty.point_kinds[p.kind][1]
        rows.append({"id": pid, "name": p.name, "kind": p.kind, "team_id": p.team.id if p.team else None,
                     "region_id": p.region_id, "phone": p.team.data.duty_phone if p.team else landline(p.rng),
                     "address": p.team.data.base_address if p.team else "", "shift_set": shift_set,
                     "min_staff": duty.min_staff, "leader_required": duty.leader_required})
    ctx.wrote(DutyPoint, uow.insert_rows(DutyPoint, rows))
    planned: list[tuple[_Point, rules.ShiftFacts]] = []
    for p in points:
        shift_set = duty.shift_sets[duty.point_kinds[p.kind][1]]
        last = end if p.december else start.replace(day=1) + timedelta(days=_month_days(start) - 1)
        pattern = rules.RotationPattern(tuple(p.leaders), tuple(p.staff), p.staff_per_shift)
        planned += [(p, s) for s in rules.rotation(shift_set, start, last, pattern, p.id)]
    planned = _holes(planned, points, as_of)
    shift_ids = uow.reserve_ids(DutyShift, len(planned))
    ctx.wrote(DutyShift, uow.insert_rows(DutyShift, [
        {"id": sid, "point_id": s.point_id, "day": s.day, "kind": s.kind, "starts_at": s.starts_at, "ends_at": s.ends_at}
        for sid, (_p, s) in zip(shift_ids, planned, strict=True)]))
    people = [(sid, n, person) for sid, (_p, s) in zip(shift_ids, planned, strict=True)
              for n, person in enumerate(s.people)]
    assignment_ids = uow.reserve_ids(DutyAssignment, len(people))
    ctx.wrote(DutyAssignment, uow.insert_rows(DutyAssignment, [
        {"id": aid, "shift_id": sid, "role": person.role, "name": person.name, "phone": person.phone,
         "member_id": person.member_id, "sort_order": n} for aid, (sid, n, person) in zip(assignment_ids, people, strict=True)]))
    _swaps_and_handovers(ctx, uow, points, planned, shift_ids, people, assignment_ids, as_of)
    counts["shifts"] += len(planned)


def _month_days(first: date) -> int:
    return (rules.add_months(first, 1) - first).days


def _holes(planned: list[tuple[_Point, rules.ShiftFacts]], points: list[_Point], as_of: date
           ) -> list[tuple[_Point, rules.ShiftFacts]]:
    """The deliberate holes (see the module docstring)."""
    duty_rooms = [p for p in points if p.kind == "duty_room"]
    team_points = [p for p in points if p.kind == "team"]
    tuesday = as_of + timedelta(days=(1 - as_of.weekday()) % 7 or 7)  # the coming Tuesday
    out = []
    missing = (duty_rooms[1].id, as_of + timedelta(days=21), "night") if len(duty_rooms) > 1 else None
    for p, s in planned:
        if missing and (s.point_id, s.day, s.kind) == missing:
            continue  # a district duty room's night shift never rostered
        if duty_rooms and p is duty_rooms[0] and s.day == tuesday and s.kind == "night":
            s = rules.ShiftFacts(s.point_id, s.day, s.kind, s.label, s.starts_at, s.ends_at,
                                 tuple(x for x in s.people if x.role != "leader"))  # the leader's night left open
        out.append((p, s))
    if len(duty_rooms) > 2:  # one of the city duty room's staff also booked at a district room the same day
        city_staff = duty_rooms[0].staff[0]
        day = as_of + timedelta(days=12)
        for i, (p, s) in enumerate(out):
            if p is duty_rooms[2] and s.day == day and s.kind == "day":
                out[i] = (p, _with(s, rules.OnDuty(city_staff.name, city_staff.phone, "staff")))
        for i, (p, s) in enumerate(out):
            if p is duty_rooms[0] and s.day == day and s.kind == "day" and \
                    not any(x.key == rules.person_key(city_staff.name, city_staff.phone) for x in s.people):
                out[i] = (p, _with(s, rules.OnDuty(city_staff.name, city_staff.phone, "staff")))
    if team_points and len(duty_rooms) > 1:  # a team leader on a duty room's day straight after a 24-hour shift
        tp = team_points[0]
        leader = tp.leaders[0]
        after = next((s for p, s in out if p is tp and s.day >= as_of + timedelta(days=3)
                      and any(x.key == rules.person_key(leader.name, leader.phone) for x in s.people)), None)
        if after is not None:
            next_day = after.day + timedelta(days=1)
            for i, (p, s) in enumerate(out):
                if p is duty_rooms[-1] and s.day == next_day and s.kind == "day":
                    out[i] = (p, _with(s, rules.OnDuty(leader.name, leader.phone, "staff", leader.member_id)))
    return out


def _with(s: rules.ShiftFacts, person: rules.OnDuty) -> rules.ShiftFacts:
    return rules.ShiftFacts(s.point_id, s.day, s.kind, s.label, s.starts_at, s.ends_at, (*s.people, person))


SWAP_REASONS = ("家中有事，与同事调换", "参加上级培训", "身体不适，请假一天", "外出执行救援任务", "参加会议")
HANDOVER_MATTERS = ("", "", "", "汛期物资调拨单待市局回复", "XX化工厂报告的异味投诉待核实", "上级督查通知已转办，待反馈",
                    "夜间接报一起轻微交通事故，已通知交警处理", "气象台暴雨蓝色预警，已转发各街道")


def _swaps_and_handovers(ctx: DemoContext, uow: UnitOfWork, points: list[_Point],
                         planned: list[tuple[_Point, rules.ShiftFacts]], shift_ids: list[int],
                         people: list[tuple[int, int, rules.OnDuty]], assignment_ids: list[int], as_of: date) -> None:
    duty_rooms = {p.id: p for p in points if p.kind == "duty_room"}
    by_shift: dict[int, list[tuple[int, rules.OnDuty]]] = defaultdict(list)
    for aid, (sid, _n, person) in zip(assignment_ids, people, strict=True):
        by_shift[sid].append((aid, person))
    handovers = []
    swaps = []
    changed: list[tuple[int, str, str]] = []
    for sid, (p, s) in zip(shift_ids, planned, strict=True):
        if s.point_id not in duty_rooms or s.day >= as_of:
            continue
        on = by_shift.get(sid, [])
        staff = [person for _aid, person in on if person.role == "staff"]
        if staff:
            handovers.append({"shift_id": sid, "handed_at": s.ends_at, "from_name": staff[0].name,
                              "to_name": "接班值班员", "open_matters": p.rng.choice(HANDOVER_MATTERS)})
        if p.rng.random() < 0.04 and staff:
            aid = next(a for a, person in on if person.role == "staff")
            substitute = p.staff[(p.staff.index(rules.Person(staff[0].name, staff[0].phone)) + 3) % len(p.staff)] \
                if rules.Person(staff[0].name, staff[0].phone) in p.staff else p.staff[0]
            if substitute.name == staff[0].name:
                continue
            swaps.append({"assignment_id": aid, "shift_id": sid, "from_name": staff[0].name, "from_phone": staff[0].phone,
                          "to_name": substitute.name, "to_phone": substitute.phone, "reason": p.rng.choice(SWAP_REASONS)})
            changed.append((aid, substitute.name, substitute.phone))
    next_names = _next_staff(planned, shift_ids, by_shift)
    for h in handovers:
        h["to_name"] = next_names.get(h["shift_id"], h["to_name"])
    ctx.wrote(HandoverLog, uow.insert_rows(HandoverLog, handovers))
    for aid, name, phone in changed:  # the assignment after the swap (the trail records the change)
        row = uow.session.get(DutyAssignment, aid)
        assert row is not None
        row.name, row.phone = name, phone
    uow.session.flush()
    ctx.wrote(DutySwap, uow.insert_rows(DutySwap, swaps))


def _next_staff(planned: list[tuple[_Point, rules.ShiftFacts]], shift_ids: list[int],
                by_shift: dict[int, list[tuple[int, rules.OnDuty]]]) -> dict[int, str]:
    """Shift id → the first 值班员 of the point's next shift (who took over)."""
    out = {}
    last: dict[int, int] = {}
    for sid, (_p, s) in zip(shift_ids, planned, strict=True):
        prev = last.get(s.point_id)
        if prev is not None:
            staff = [person.name for _a, person in by_shift.get(sid, []) if person.role == "staff"]
            if staff:
                out[prev] = staff[0]
        last[s.point_id] = sid
    return out
