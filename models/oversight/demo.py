"""Demo inspections, hidden hazards, penalties and the blacklist, as things stand on ``as_of``
(2026-11-29, like the other demo steps):

- Two campaigns: 2026 安全生产大检查 (March to December, led by the 应急管理局 with the 住建局, 交通局
  and 消防支队) and 汛期专项检查 (June to September, led by the 水利局, aimed at the key industries).
- Inspections over the last six months of about six in ten enterprises, by the enterprise's own
  supervising department mostly (else the 应急管理局 or the 消防支队), one to three each, within a
  campaign where its period and industries fit, with none to four hazards each (一般 mostly, now and
  then 重大; 防汛 findings in the flood campaign).
- The departments clearly differ (``DILIGENCE``, demo data — not a rule): a diligent department's
  hazards are rectified and re-checked in time, a lax one's are left open past their deadline. Some
  re-checks fail first and go back to 整改中 with a new deadline, a few deadlines are extended with
  their reason and approver, most open 重大 hazards are under 挂牌督办 (the 安委办), and overdue or 重大
  hazards draw penalties (警告, 罚款 with a decision number, now and then 责令停产停业整顿).
- Five repeat offenders (deterministic from the random stream) with several overdue hazards: three
  are on the blacklist now, one was listed in February and removed in August (its history kept),
  and one the suggestion rule flags but nobody has listed yet.

``demo_oversight(uow, enterprises, departments, as_of, rng)`` writes all of it through one unit of work
(bulk inserts with their stamps and trail; the blacklist through the service, which sets each
enterprise's mark) and returns what it wrote; ``oversight_step(as_of)`` is the generation step over it
(chunks of enterprises, each its own unit of work).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from models.core.base import Entity
from models.core.demo import DemoContext, DemoEnterprise, DemoStep, person_name
from models.core.uow import UnitOfWork
from models.enterprises.entities import Enterprise
from models.oversight import rules
from models.oversight import service as svc
from models.oversight.entities import (
    BlacklistEntry,
    Hazard,
    HazardExtension,
    HazardRecheck,
    Inspection,
    InspectionCampaign,
    Penalty,
)

STEP_NAME = "oversight"
DEFAULT_AS_OF = date(2026, 11, 29)
CHUNK = 2000  # enterprises per unit of work
MONTHS = 6
INSPECTED_SHARE = 0.6
SUPERVISOR = "临江市安全生产委员会办公室"
OFFENDERS = 5

DILIGENCE = {"yjj": 0.96, "xfzd": 0.94, "slj": 0.92, "jtj": 0.9, "scjgj": 0.86, "wlj": 0.84, "swj": 0.8,
             "zjj": 0.72, "cgj": 0.66, "gxj": 0.6, "zrzyj": 0.5}
"""How often a department's hazards are rectified in time (demo data: some departments clearly better)."""

FLOOD_INDUSTRIES = ("mining", "tailings", "hazchem", "construction", "transport", "water", "tourism")

FINDINGS: dict[str, tuple[str, ...]] = {
    "management": ("安全生产责任制未逐级签订", "隐患排查治理台账不完整", "特种作业人员未持证上岗", "安全教育培训记录缺失"),
    "equipment": ("设备防护罩缺失", "起重机械未定期检验", "压力表超期未校验", "传动部位无防护"),
    "fire": ("消防通道堵塞", "灭火器过期未更换", "安全出口指示灯损坏", "消防栓被遮挡"),
    "electrical": ("配电箱未接地", "临时用电线路私拉乱接", "防爆区域使用非防爆电器"),
    "hazchem": ("储罐区可燃气体报警仪失效", "危化品仓库超量储存", "装卸作业未设置静电接地"),
    "confined_space": ("有限空间作业未审批", "有限空间未设置警示标识"),
    "dust": ("除尘系统未定期清理", "粉尘作业场所未采取防爆措施"),
    "construction": ("脚手架连墙件缺失", "基坑临边防护不到位", "高处作业未系安全带"),
    "emergency": ("应急预案未组织演练", "应急物资配备不足", "应急照明失效"),
    "other": ("作业现场物料堆放混乱", "安全警示标志缺失"),
}
MAJOR_FINDINGS: dict[str, tuple[str, ...]] = {
    "mining": ("矿井主要通风机无备用", "井下采掘工作面无独立回风系统"),
    "tailings": ("尾矿库排洪设施堵塞", "尾矿库坝体出现贯穿性裂缝"),
    "hazchem": ("储罐区未设置紧急切断装置", "液氯钢瓶库未设置泄漏吸收装置"),
    "fireworks": ("烟花爆竹仓库超量储存", "生产工房人员超员"),
    "metallurgy": ("熔融金属吊运未使用冶金起重机", "煤气区域未设置固定式报警仪"),
    "construction": ("深基坑未按方案支护", "起重机械安全装置失效"),
    "manufacturing": ("涉爆粉尘除尘系统采用正压吹送", "有限空间作业未检测气体即进入"),
}
MAJOR_ANY = ("人员密集场所疏散通道封堵", "特种设备超期未检仍在使用", "消防设施严重损坏不能正常使用")
FLOOD_FINDINGS = ("防汛物资储备不足", "排水设施未清淤", "低洼处配电设施未抬高", "防汛应急预案未更新")


@dataclass
class Written:
    """What ``demo_oversight`` wrote: ids per class (children after parents) and counts to report."""

    ids: dict[type[Entity], list[int]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, cls: type[Entity], ids: Sequence[int]) -> None:
        self.ids[cls].extend(ids)


def _campaigns(departments: Mapping[str, int], as_of: date) -> list[svc.CampaignData]:
    year = as_of.year
    dep = [departments[c] for c in ("zjj", "jtj", "xfzd") if c in departments]
    return [
        svc.CampaignData(name=f"{year} 安全生产大检查", kind="general", starts_on=date(year, 3, 1),
                         ends_on=date(year, 12, 31), lead_department_id=departments.get("yjj"), department_ids=tuple(dep),
                         notes="全市各行业领域安全生产大检查，重点检查重大事故隐患排查整治情况。"),
        svc.CampaignData(name="汛期专项检查", kind="flood", starts_on=date(year, 6, 1), ends_on=date(year, 9, 30),
                         lead_department_id=departments.get("slj") or departments.get("yjj"),
                         industry_codes=("mining", "hazchem", "construction"),
                         notes="汛期前后对尾矿库、危化品、建筑施工等重点行业开展防汛专项检查。"),
    ]


def _description(rng: random.Random, category: str, major: bool, flood: bool, industry: str) -> tuple[str, str]:
    if flood and rng.random() < 0.5:
        return "flood", rng.choice(FLOOD_FINDINGS)
    if major:
        return category, rng.choice(MAJOR_FINDINGS.get(industry.split(".")[0], MAJOR_ANY))
    return category, rng.choice(FINDINGS[category])


def _inspectors(rng: random.Random) -> str:
    return "、".join(person_name(rng) for _ in range(rng.randint(2, 3)))


@dataclass
class _Hazard:
    row: dict[str, Any]
    extensions: list[dict[str, Any]] = field(default_factory=list)
    rechecks: list[dict[str, Any]] = field(default_factory=list)
    penalty: dict[str, Any] | None = None


def _life(rng: random.Random, found: date, level: str, diligence: float, as_of: date, offender: bool,
          force_open: bool = False) -> _Hazard:
    """The hazard's rectification as of ``as_of``: closed in time (diligent), late, or still open
    (``force_open``: left open when its deadline has passed — a repeat offender's)."""
    days = rules.catalog().default_days[level]
    if rng.random() < 0.25:
        days = days // 2
    deadline = found + timedelta(days=days)
    row: dict[str, Any] = {"level": level, "deadline": deadline, "status": rules.OPEN, "found_on": found}
    h = _Hazard(row)
    p = 0.3 if offender else diligence
    due_past = deadline < as_of
    done = rng.random() < (p if due_past else p * 0.6) and not (force_open and due_past)
    if not done:
        if rng.random() < 0.08 and not offender:  # an extension granted
            new = deadline + timedelta(days=rng.choice((15, 30, 45)))
            granted = min(as_of, deadline - timedelta(days=rng.randint(0, 5)))
            if granted >= found:
                h.extensions.append({"granted_on": granted, "old_deadline": deadline, "new_deadline": new,
                                     "reason": rng.choice(("整改所需设备到货延迟", "需停产检修，择期施工", "涉及设计变更，需论证")),
                                     "approved_by": person_name(rng)})
                row["deadline"] = deadline = new
        elapsed = (as_of - found).days
        roll = rng.random()
        if elapsed > 3 and roll < 0.55:
            row["status"] = rules.RECTIFYING
        elif elapsed > 10 and roll < 0.75:
            row["status"] = rules.RECHECK
            row["rectified_on"] = min(as_of, found + timedelta(days=rng.randint(3, max(3, elapsed - 1))))
            row["measures"] = "已按要求整改，申请复查"
        return h
    span = max(1, min((deadline - found).days, (as_of - found).days - 2))
    rectified = found + timedelta(days=rng.randint(1, span) if span > 1 else 1)
    if rectified >= as_of:
        rectified = as_of - timedelta(days=1)
    if rectified < found:
        return h
    checked = min(as_of, rectified + timedelta(days=rng.randint(1, 5)))
    if rng.random() < 0.1 and (as_of - checked).days > 6:  # a failed re-check first
        h.rechecks.append({"checked_on": checked, "checker": person_name(rng), "passed": False,
                           "opinion": "整改不彻底，需重新整改"})
        rectified = checked + timedelta(days=rng.randint(1, 3))
        checked = min(as_of, rectified + timedelta(days=rng.randint(1, 3)))
    h.rechecks.append({"checked_on": checked, "checker": person_name(rng), "passed": True, "opinion": "整改到位，同意销号"})
    row.update(status=rules.CLOSED, rectified_on=rectified, closed_on=checked, measures="已整改到位")
    return h


def demo_oversight(uow: UnitOfWork, enterprises: Sequence[DemoEnterprise], departments: Mapping[str, int],
                   as_of: date, rng: random.Random, *, campaigns: Mapping[str, int] | None = None,
                   blacklist: bool = True) -> Written:
    """Inspections and hazards of ``enterprises`` over the last ``MONTHS`` months, their penalties and
    (``blacklist``) the blacklist, in ``uow``. ``departments``: department code → id; ``campaigns``:
    kind → id of campaigns written before (made here when None). Deterministic from ``rng``."""
    out = Written()
    if campaigns is None:
        campaigns = {}
        for data in _campaigns(departments, as_of):
            cid = svc.create_campaign(uow, data)
            campaigns[data.kind] = cid
            out.add(InspectionCampaign, [cid])
        out.counts["campaigns"] += len(campaigns)
    if not enterprises:
        return out
    codes = sorted(departments)
    by_id = {v: k for k, v in departments.items()}
    own = dict(uow.session.execute(select(Enterprise.id, Enterprise.department_id).where(
        Enterprise.id.in_([e.id for e in enterprises]))).all())
    start = as_of - timedelta(days=MONTHS * 30)
    flood_start, flood_end = date(as_of.year, 6, 1), date(as_of.year, 9, 30)
    ordered = sorted(enterprises, key=lambda e: e.id)
    offenders = [e.id for e in rng.sample(ordered, min(OFFENDERS, len(ordered)))] if blacklist else []
    planned: list[tuple[dict[str, Any], list[_Hazard]]] = []
    for e in ordered:
        offender = e.id in offenders
        if not offender and rng.random() > INSPECTED_SHARE:
            continue
        visits = rng.choice((1, 1, 1, 1, 2, 2)) + (1 if offender else 0)
        left_open = 0
        for _ in range(visits):
            day = start + timedelta(days=rng.randrange((as_of - start).days))
            dept = own.get(e.id) if rng.random() < 0.7 and own.get(e.id) in by_id else \
                departments.get(rng.choice(("yjj", "yjj", "xfzd"))) or departments[codes[0]]
            flood = flood_start <= day <= flood_end and e.industry_code.split(".")[0] in FLOOD_INDUSTRIES
            campaign = campaigns.get("flood") if flood and rng.random() < 0.7 else (
                campaigns.get("general") if rng.random() < 0.7 else None)
            inspection = {"enterprise_id": e.id, "department_id": dept, "inspected_on": day, "campaign_id": campaign,
                          "inspectors": _inspectors(rng), "summary": "现场检查了安全管理、设备设施和应急管理情况。"}
            findings = rng.choice((0, 0, 1, 1, 1, 2, 2, 3)) + (2 if offender else 0)
            hazards = []
            diligence = DILIGENCE.get(by_id.get(dept, ""), 0.7)
            for _n in range(findings):
                major = rng.random() < (0.12 if offender else 0.05)
                level = rules.MAJOR if major else rules.GENERAL
                category, text = _description(rng, rng.choice(list(FINDINGS)), major, campaign == campaigns.get("flood"),
                                              e.industry_code)
                h = _life(rng, day, level, diligence, as_of, offender, force_open=offender and left_open < 2)
                left_open += int(rules.is_overdue(h.row["status"], h.row["deadline"], as_of))
                h.row.update(enterprise_id=e.id, department_id=dept, category=category, description=text,
                             responsible=person_name(rng), responsible_phone="")
                if major and h.row["status"] != rules.CLOSED and rng.random() < 0.7:
                    h.row.update(supervised_on=day + timedelta(days=rng.randint(1, 7)), supervising_unit=SUPERVISOR)
                overdue = rules.is_overdue(h.row["status"], h.row["deadline"], as_of)
                if (overdue and rng.random() < 0.3) or (major and rng.random() < 0.5):
                    decided = min(as_of, max(day, h.row["deadline"] if overdue else day) + timedelta(days=rng.randint(1, 10)))
                    kind = rng.choice(("fine", "fine", "fine", "warning", "suspension"))
                    amount = float(rng.randint(1, 10) * 5000) if kind == "fine" else 0.0
                    h.penalty = {"enterprise_id": e.id, "department_id": dept, "kind": kind, "amount": amount,
                                 "decided_on": decided,
                                 "decision_no": f"临应急罚〔{decided.year}〕{rng.randint(1, 999)}号",
                                 "notes": "逾期未整改" if overdue else "存在重大事故隐患"}
                hazards.append(h)
            planned.append((inspection, hazards))
    inspection_ids = uow.reserve_ids(Inspection, len(planned))
    for iid, (inspection, hazards) in zip(inspection_ids, planned, strict=True):
        inspection["id"] = iid
        for h in hazards:
            h.row["inspection_id"] = iid
    out.add(Inspection, uow.insert_rows(Inspection, [i for i, _h in planned]))
    all_hazards = [h for _i, hs in planned for h in hs]
    hazard_ids = uow.reserve_ids(Hazard, len(all_hazards))
    for hid, h in zip(hazard_ids, all_hazards, strict=True):
        h.row["id"] = hid
    out.add(Hazard, uow.insert_rows(Hazard, [h.row for h in all_hazards]))
    extensions = [{"hazard_id": h.row["id"], **x} for h in all_hazards for x in h.extensions]
    rechecks = [{"hazard_id": h.row["id"], **x} for h in all_hazards for x in h.rechecks]
    penalties = [{"hazard_id": h.row["id"], "inspection_id": h.row["inspection_id"], **h.penalty}
                 for h in all_hazards if h.penalty is not None]
    out.add(HazardExtension, uow.insert_rows(HazardExtension, extensions))
    out.add(HazardRecheck, uow.insert_rows(HazardRecheck, rechecks))
    out.add(Penalty, uow.insert_rows(Penalty, penalties))
    out.counts["inspections"] += len(planned)
    out.counts["hazards"] += len(all_hazards)
    out.counts["penalties"] += len(penalties)
    if blacklist and offenders:
        _blacklist(uow, offenders, as_of, rng, out)
    return out


def _blacklist(uow: UnitOfWork, offenders: Sequence[int], as_of: date, rng: random.Random, out: Written) -> None:
    """Offenders 1–3 listed now, the 4th listed and removed (its history kept), the 5th left for the
    suggestion rule to flag."""
    reasons = ("重大事故隐患逾期未整改，经约谈仍拒不整改", "一年内多次发现同类隐患，屡查屡犯", "受到行政处罚后仍未落实整改")
    listed = list(offenders[:3])
    for n, eid in enumerate(listed):
        day = as_of - timedelta(days=rng.randint(5, 60))
        out.add(BlacklistEntry, [svc.blacklist_add(uow, svc.ListingData(
            eid, day, reasons[n % len(reasons)], "局务会", f"临应急〔{day.year}〕{10 + n}号"))])
    if len(offenders) > 3:
        eid = offenders[3]
        entry = svc.blacklist_add(uow, svc.ListingData(eid, date(as_of.year, 2, 10), "未按期完成重大隐患整改", "局务会",
                                                       f"临应急〔{as_of.year}〕3号"))
        svc.blacklist_remove(uow, eid, svc.RemovalData(date(as_of.year, 8, 20), "隐患已全部整改销号，信用修复", "局务会"))
        out.add(BlacklistEntry, [entry])
    out.counts["blacklisted"] += len(listed)


def oversight_step(as_of: date = DEFAULT_AS_OF) -> DemoStep:
    """The generation step: campaigns, then the enterprises in chunks (each its own unit of work), the
    blacklist with the last chunk."""

    def run(ctx: DemoContext) -> None:
        message = "正在生成检查记录、隐患和黑名单…"
        ctx.report(0, message)
        rng = ctx.rng(STEP_NAME)
        ordered = sorted(ctx.enterprises, key=lambda e: e.id)
        departments = dict(ctx.ref.department)
        with ctx.unit() as uow:
            first = demo_oversight(uow, [], departments, as_of, rng)
        for cls, ids in first.ids.items():
            ctx.wrote(cls, ids)
        campaigns = {}
        with ctx.db.read() as s:
            for cid, kind in s.execute(select(InspectionCampaign.id, InspectionCampaign.kind).where(
                    InspectionCampaign.id.in_(first.ids.get(InspectionCampaign, [])))):
                campaigns[kind] = cid
        totals: dict[str, int] = defaultdict(int, first.counts)
        chunks = [ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK)] or [[]]
        for n, chunk in enumerate(chunks):
            with ctx.unit() as uow:
                written = demo_oversight(uow, chunk, departments, as_of, rng, campaigns=campaigns,
                                         blacklist=n == len(chunks) - 1)
            for cls in (Inspection, Hazard, HazardExtension, HazardRecheck, Penalty, BlacklistEntry):
                ctx.wrote(cls, written.ids.get(cls, []))
            for key, value in written.counts.items():
                totals[key] += value
            ctx.report(min(len(ordered), (n + 1) * CHUNK) // 2, message)
        for key, label in (("campaigns", "检查行动"), ("inspections", "检查记录"), ("hazards", "隐患"),
                           ("penalties", "行政处罚"), ("blacklisted", "黑名单企业")):
            ctx.tally(f"oversight.{key}", label, totals.get(key, 0))

    return DemoStep(STEP_NAME, "检查、隐患与黑名单", run, size=lambda count: max(1, count // 2))
