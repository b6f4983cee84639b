"""Demo data of the enterprise register: a realistic, deterministic 临江市 of enterprises and contacts.

``STEP`` is the register's generation step (``models.core.demo`` runs it, ``plans.demo`` lists it
first): enterprises with their line of business, risk level, address, principal and contacts, spread
over the city's districts like a real register. The data depend only on the seed and the reference
data (never on database ids, dict ordering or the clock), so the same seed gives the same names and
credit codes in any empty database.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from models.core.demo import (
    RISK_CODES,
    DemoContext,
    DemoEnterprise,
    DemoStep,
    RefData,
    RegionInfo,
    landline,
    mobile,
    person_name,
    weighted,
    words,
)
from models.enterprises import rules as uscc
from models.enterprises import service as enterprises
from models.enterprises.entities import Enterprise, EnterpriseContact
from models.enterprises.service import ContactData, EnterpriseData

FLUSH_EVERY = 1000  # enterprises per unit of work (each commits its rows and their trail rows)


# Two-character trade names (字号) as they appear on real licences.
TRADE_NAMES = words(
    "恒泰 鑫源 华润 金石 永安 宏达 瑞丰 盛隆 兴旺 泰和 国泰 天成 嘉诚 鼎盛 通达 远航 "
    "华信 博远 正大 立信 昌盛 大地 东方 中天 宏图 腾飞 信达 安泰 永盛 金鼎 银河 鸿运 "
    "德信 丰源 明达 海川 新元 汇通 永泰 华泰 众诚 鑫泰 宏远 恒通 金利 旭日 瑞祥 福源 "
    "广源 诚信 龙腾 华强 祥和 金汇 裕丰 长城 泰山 齐鲁 润丰 聚源 天诚 万通 恒丰 益民 "
    "同力 协和 民生 新华 东升 红星 前进 光明 胜利 建业 富源 宝丰 隆盛 兴隆 和顺 利民 "
    "安达 金源 鑫达 瑞通 恒昌 中信 佳和 天宇 海天 华宇 盛世 伟业 金泰 嘉源 鑫盛 正元 "
    "元通 宏宇 鼎信 金诚 昌达 恒盛 振兴 兴业 双盛 三和 四通 五洲 六合 九州 百川 千禧 "
    "万福 金桥 银座 宏福 鸿达 凯旋 捷达 顺达 永固 久安 长青 常青 松柏 翠峰 青山 绿源 "
    "碧水 蓝天 白云 金穗 丰收 春晖 秋实 冬阳 晨光 朝阳 东辰 北辰 南华 西域 中原 中联 "
    "联合 合力 协力 同心 一诺 信诚 诚达 达信 华瑞 瑞华 瑞德 德润 润德 鑫鼎 鼎鑫 恒瑞"
)


# Syllables that combine into further plausible 字号 when the list above runs short.
TRADE_FIRST = "恒鑫华金永宏瑞盛兴泰嘉鼎通远博昌德鸿祥福顺丰利源海天宇宝富荣伟佳峰晟弘锦凯裕隆铭卓"


TRADE_SECOND = "泰源润石安达丰隆旺和成诚盛通航信远昌图飞鼎运发明辉业康洋峰晖锦茂基硕鹏宸瀚睿"


ROADS = words(
    "建设路 人民路 解放路 中山路 滨江路 新华路 工业大道 创业大道 经一路 经三路 纬二路 纬四路 "
    "环城北路 长江路 黄河路 泰山路 和平路 光明路 文化路 胜利路 兴业路 通达路 港湾路 临港大道 "
    "科技大道 创新路 东风路 北京路 上海路 青年路 健康路 府前街 西关大街 东关街 南门街 站前街 "
    "金山路 沂河路 民主路 振兴路"
)


PARK_ROADS = words(
    "纬一路 纬二路 纬三路 纬五路 经二路 经四路 化工大道 石化路 园区大道 海港路"
)


VILLAGES = words(
    "王庄 李家庄 石窝 后沟 南岭 杨家峪 马鞍山 黄土坡 柳树沟 大河湾 东岭 西坡 青石岗 桃花峪"
)


GULLIES = words(
    "黄土沟 石门沟 西沟 杨家沟 马鞍山 老虎沟 青龙沟 白石沟 大洼 南岔沟"
)


NOTES = {
    "chemical": ("已与化工园区专职消防队签订应急救援协议", "安全生产标准化二级企业", "厂区毗邻居民区，注意疏散路线",
                 "重点监管危险化工工艺：氯化工艺", "重点监管危险化工工艺：加氢工艺",
                 "已接入危险化学品安全生产风险监测预警系统"),
    "hazardous": ("安全生产标准化三级企业", "厂区毗邻居民区，注意疏散路线", "汛期前完成防雷防静电检测",
                  "已与专业救援队伍签订应急救援协议"),
    "transport": ("车辆已全部安装动态监控终端", "汛期恶劣天气停运预案已备案", "驾驶员安全教育每月一次",
                  "已与专业救援队伍签订应急救援协议"),
    "mining": ("汛期重点巡查企业，下游有村庄", "已与市矿山救护大队签订救护协议", "井下作业人员定位系统已联网",
               "位于地质灾害易发区"),
    "construction": ("在建项目：深基坑、高支模工程", "汛期前完成塔吊安全检查", "施工现场实名制管理"),
    "crowded": ("消防控制室24小时双人值班", "节假日客流高峰需重点检查", "疏散通道和安全出口已整改到位"),
    "general": ("小微企业", "已开展安全生产标准化达标创建", "厂房为租赁", "汛期前完成防汛物资储备检查",
                "安全生产责任保险已投保"),
}


# (industry code, line-of-business words, department code, weight in a city's register,
#  employees (low, mode, high), on-shift share (low, high), risk profile, notes kind, hazard kind)
@dataclass(frozen=True)
class Profile:
    industry: str
    words: tuple[str, ...]
    department: str
    weight: float
    employees: tuple[int, int, int]
    on_shift: tuple[float, float]
    risk: str  # key into RISK_WEIGHTS
    notes: str
    hazards: str = ""  # key into HAZARD_SOURCES ("" none)
    place: str = "any"  # any / park (化工园区) / town (镇、乡)


RISK_WEIGHTS: dict[str, tuple[float, float, float, float]] = {  # 重大, 较大, 一般, 低
    "high": (8, 30, 42, 20),
    "elevated": (3, 20, 47, 30),
    "crowded": (1, 10, 44, 45),
    "ordinary": (0.5, 5, 34.5, 60),
}


HAZARD_SOURCES: dict[str, tuple[str, ...]] = {
    "chem": ("液氨储罐区", "液氯钢瓶库", "甲醇储罐区", "液化石油气球罐区", "苯储罐区", "硝酸铵仓库",
             "氢气柜", "丙烯储罐区", "硫酸储罐区", "环氧乙烷储罐区", "乙醇储罐区"),
    "oil": ("汽油储罐区", "柴油储罐区", "液化石油气储罐区", "甲醇储罐区", "溶剂油库房"),
    "fireworks": ("烟花爆竹成品仓库（1.3G级）", "黑火药中转库", "烟火药生产工房"),
    "metal": ("转炉煤气柜", "高炉煤气系统", "液氧储罐区", "铁水吊运区域（高温熔融金属）"),
    "mine": ("井下爆炸物品库", "主井提升系统", "地面炸药库"),
    "tailings": ("尾矿库",),
    "gas": ("液化天然气储罐区", "燃气门站储配区"),
}


# Major hazard source grade by enterprise risk level (一级 is the most dangerous).
_HAZARD_GRADES = {"major": ("一级", "二级"), "larger": ("二级", "三级"), "general": ("三级", "四级"),
                  "low": ("四级",)}


PROFILES: tuple[Profile, ...] = (
    Profile("hazchem.production", ("化工", "石化", "精细化工", "化学工业", "氯碱化工"), "yjj", 4.5,
            (40, 180, 1200), (0.2, 0.35), "high", "chemical", "chem", "park"),
    Profile("hazchem.trade", ("化工贸易", "化学品经营", "石油化工销售"), "yjj", 3.0,
            (5, 12, 60), (0.3, 0.6), "elevated", "hazardous", "oil"),
    Profile("hazchem.storage", ("危险品仓储", "石化仓储", "化工储运"), "yjj", 1.5,
            (15, 40, 200), (0.2, 0.4), "high", "hazardous", "oil", "park"),
    Profile("hazchem.transport", ("化学品物流", "危险货物运输", "危货运输"), "jtj", 2.0,
            (20, 80, 500), (0.3, 0.6), "elevated", "transport"),
    Profile("hazchem", ("化工", "化学"), "yjj", 0.6,
            (20, 60, 300), (0.2, 0.4), "high", "chemical", "chem", "park"),
    Profile("fireworks", ("烟花爆竹", "花炮"), "yjj", 0.5,
            (10, 30, 200), (0.3, 0.7), "high", "hazardous", "fireworks", "town"),
    Profile("mining.coal", ("煤业", "矿业", "能源"), "yjj", 0.8,
            (150, 600, 3000), (0.25, 0.35), "high", "mining", "mine", "town"),
    Profile("mining.metal", ("矿业", "矿产品开发"), "yjj", 1.6,
            (30, 120, 800), (0.25, 0.4), "elevated", "mining", "mine", "town"),
    Profile("mining.metal", ("石料", "建材", "石材"), "zrzyj", 0.8,
            (10, 30, 120), (0.5, 0.8), "elevated", "mining", "", "town"),
    Profile("mining", ("矿业",), "yjj", 0.4,
            (30, 100, 600), (0.25, 0.4), "elevated", "mining", "mine", "town"),
    Profile("tailings", ("矿业",), "yjj", 0.9,
            (8, 20, 60), (0.3, 0.5), "high", "mining", "tailings", "town"),
    Profile("construction", ("建设工程", "建筑安装", "建筑工程", "市政工程", "路桥建设"), "zjj", 11.0,
            (50, 300, 2500), (0.6, 0.9), "elevated", "construction"),
    Profile("metallurgy", ("冶金", "铸造", "钢铁", "特钢", "铝业", "铜业"), "yjj", 2.5,
            (80, 400, 3000), (0.25, 0.4), "high", "hazardous", "metal"),
    Profile("transport.road", ("运输", "客运", "公交", "汽车运输", "物流"), "jtj", 6.0,
            (30, 150, 1500), (0.4, 0.7), "elevated", "transport"),
    Profile("transport", ("运输", "交通发展"), "jtj", 1.0,
            (30, 120, 800), (0.4, 0.7), "elevated", "transport"),
    Profile("transport.urban_rail", ("轨道交通", "地铁运营"), "jtj", 0.05,
            (800, 2500, 6000), (0.3, 0.45), "elevated", "crowded"),
    Profile("tourism", ("旅游开发", "景区管理", "文化旅游", "生态旅游"), "wlj", 3.0,
            (20, 80, 600), (0.5, 0.8), "crowded", "crowded", "", "town"),
    Profile("crowded.hotel", ("酒店管理", "大酒店", "宾馆"), "swj", 2.5,
            (20, 80, 500), (0.3, 0.5), "crowded", "crowded"),
    Profile("crowded.hotel", ("酒店管理", "大酒店"), "wlj", 1.0,
            (40, 150, 500), (0.3, 0.5), "crowded", "crowded"),
    Profile("crowded.mall", ("商贸", "购物中心", "百货", "超市"), "swj", 2.5,
            (30, 150, 1000), (0.5, 0.8), "crowded", "crowded"),
    Profile("crowded.mall", ("商贸", "超市"), "scjgj", 1.5,
            (10, 40, 300), (0.5, 0.8), "crowded", "crowded"),
    Profile("crowded.entertainment", ("文化娱乐", "影城", "文化传播"), "wlj", 2.0,
            (8, 30, 150), (0.5, 0.8), "crowded", "crowded"),
    Profile("crowded", ("物业管理", "商业管理"), "xfzd", 2.0,
            (20, 60, 400), (0.4, 0.7), "crowded", "crowded"),
    Profile("manufacturing", ("机械制造", "电子科技", "食品", "纺织", "家具", "塑胶制品", "包装", "木业",
                              "汽车零部件", "新能源科技", "制药"), "yjj", 18.0,
            (15, 120, 2000), (0.5, 0.85), "ordinary", "general"),
    Profile("manufacturing", ("电子科技", "智能装备", "新材料"), "gxj", 6.0,
            (30, 150, 1500), (0.5, 0.85), "ordinary", "general"),
    Profile("trade", ("商贸", "贸易", "供应链管理", "物资"), "swj", 7.0,
            (3, 15, 200), (0.6, 0.9), "ordinary", "general"),
    Profile("trade", ("商贸", "贸易"), "scjgj", 4.0,
            (3, 10, 80), (0.6, 0.9), "ordinary", "general"),
    Profile("other", ("燃气", "热力"), "cgj", 1.2,
            (30, 120, 600), (0.3, 0.5), "elevated", "general", "gas"),
    Profile("other", ("水务", "供水", "水利工程"), "slj", 1.2,
            (20, 100, 500), (0.3, 0.5), "ordinary", "general"),
    Profile("other", ("地质勘查", "测绘"), "zrzyj", 0.6,
            (15, 50, 300), (0.6, 0.9), "ordinary", "general"),
    Profile("other", ("环境工程", "环保科技"), "cgj", 0.8,
            (10, 40, 300), (0.6, 0.9), "ordinary", "general"),
)


_FALLBACK_WORDS = ("实业", "科技", "发展")


# Contacts: (role, is a post such as a duty room rather than a person)
CONTACT_ROLES: dict[str, tuple[tuple[str, bool], ...]] = {
    "hazardous": (("安全科长", False), ("生产副总", False), ("安全总监", False), ("设备科长", False),
                  ("值班室", True), ("应急办主任", False)),
    "chemical": (("安全科长", False), ("生产副总", False), ("安全总监", False), ("设备科长", False),
                 ("中控室", True), ("值班室", True), ("应急办主任", False)),
    "transport": (("安全科长", False), ("运营副总", False), ("调度室", True), ("车队队长", False),
                  ("动态监控室", True), ("专职安全员", False)),
    "mining": (("安全副矿长", False), ("生产副矿长", False), ("调度室", True), ("通风区长", False),
               ("安全科长", False), ("机电科长", False)),
    "construction": (("项目经理", False), ("安全总监", False), ("专职安全员", False), ("技术负责人", False),
                     ("值班室", True)),
    "crowded": (("安全科长", False), ("消防控制室", True), ("值班经理", False), ("保卫科长", False),
                ("工程部经理", False), ("值班室", True)),
    "general": (("安全科长", False), ("生产副总", False), ("专职安全员", False), ("办公室主任", False),
                ("值班室", True), ("设备科长", False)),
}


def _employees(rng: random.Random, low: int, mode: int, high: int) -> int:
    return max(1, round(rng.triangular(low, high, mode)))


@dataclass
class _NameBook:
    """Enterprise names and credit codes handed out so far (including rows already stored)."""

    names: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)

    def trade_name(self, rng: random.Random, compose: Callable[[str], str]) -> str:
        """A full name from ``compose(字号)`` that nobody has yet."""
        for attempt in range(200):
            if attempt < 4 and rng.random() < 0.7:
                mark = rng.choice(TRADE_NAMES)
            else:
                first = rng.choice(TRADE_FIRST)
                second = rng.choice(TRADE_SECOND.replace(first, ""))
                mark = first + second
            if attempt >= 100:  # practically unreachable: two-syllable marks and a third syllable
                mark += rng.choice(TRADE_SECOND)
            name = compose(mark)
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("演示数据：无法生成不重复的企业名称")

    def credit_code(self, rng: random.Random, category: str, region6: str) -> str:
        while True:
            if rng.random() < 0.65:  # organisations registered since 2015: "MA" + 6 characters
                body = "MA" + "".join(rng.choice(uscc.ALPHABET) for _ in range(6))
            else:
                body = f"{rng.randrange(10**8):08d}"
            if body in self.bodies:
                continue
            code = uscc.make("9", category, region6, body)
            if code not in self.codes:
                self.bodies.add(body)
                self.codes.add(code)
                return code


@dataclass(frozen=True)
class _Planned:
    profile: Profile
    industry_code: str
    risk_code: str
    street: RegionInfo


def _profiles_for(ref: RefData) -> list[Profile]:
    """The shipped profiles whose industry exists, plus a plain one for any industry we don't know."""
    known = [p for p in PROFILES if p.industry in ref.industry]
    covered = {p.industry for p in known}
    for code in sorted(set(ref.industry) - covered):
        parent = ref.industry_parent.get(code)
        like = next((p for p in known if p.industry == parent), None)
        department = like.department if like else "yjj"
        known.append(Profile(code, like.words if like else _FALLBACK_WORDS, department, 0.5,
                             (10, 60, 400), (0.4, 0.8), like.risk if like else "ordinary",
                             like.notes if like else "general", like.hazards if like else ""))
    return known


def _plan(rng: random.Random, ref: RefData, count: int) -> list[_Planned]:
    """Which profile, risk level and street each enterprise gets.

    The first rows cover every profile (so every industry and department), every risk level and
    every street; the rest follow the weights.
    """
    profiles = _profiles_for(ref)
    weights = [p.weight for p in profiles]
    parks = [s for s in ref.streets if "化工" in s.district or "化工" in s.name]
    towns = [s for s in ref.streets if s.name.endswith(("镇", "乡"))]
    risk_codes = [c for c in RISK_CODES if c in ref.risk]
    uncovered = list(ref.streets)
    out: list[_Planned] = []
    for i in range(count):
        profile = profiles[i] if i < len(profiles) else weighted(rng, profiles, weights)
        if i < len(risk_codes):
            risk = risk_codes[i]
        else:
            weights_by_code = dict(zip(RISK_CODES, RISK_WEIGHTS[profile.risk], strict=True))
            risk = weighted(rng, risk_codes, [weights_by_code[c] for c in risk_codes])
        pool = {"park": parks, "town": towns}.get(profile.place) or ref.streets
        if uncovered:  # the first rows visit every street, each where its profile fits best
            fitting = ([s for s in uncovered if s in pool]
                       or [s for s in uncovered if s not in parks or profile.place == "park"] or uncovered)
            street = fitting[0]
            uncovered.remove(street)
        else:
            street = rng.choice(pool if rng.random() < 0.7 else ref.streets)
        out.append(_Planned(profile, profile.industry, risk, street))
    return out


def _dept_id(ref: RefData, code: str) -> int:
    return ref.department.get(code) or ref.department[ref.department_order[0]]


def _address(rng: random.Random, ref: RefData, planned: _Planned) -> str:
    street, place = planned.street, planned.profile.place
    head = ref.city + re.sub(r"（.*?）", "", street.district)
    if "化工" in street.district or "化工" in street.name:  # a chemical park: numbered park roads
        return f"{head}{rng.choice(PARK_ROADS)}{rng.randint(1, 120)}号"
    if street.name.endswith(("镇", "乡")):
        if place == "town" and planned.profile.risk != "crowded":
            return f"{head}{street.name}{rng.choice(VILLAGES)}村{rng.choice('东西南北')}{rng.randint(1, 5)}公里"
        if rng.random() < 0.5:
            return f"{head}{street.name}工业园区{rng.choice(ROADS)}{rng.randint(1, 60)}号"
        return f"{head}{street.name}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
    if street.name.endswith("街道") and rng.random() < 0.25:
        return f"{head}{street.name}{rng.choice(ROADS)}{rng.randint(1, 400)}号"
    if street.named_district and rng.random() < 0.2:
        return f"{head}经济开发区{rng.choice(ROADS)}{rng.randint(1, 200)}号"
    return f"{head}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def _hazards(rng: random.Random, planned: _Planned) -> str:
    kind = planned.profile.hazards
    if not kind:
        return ""
    if planned.risk_code == "low" and rng.random() < 0.7:
        return ""
    if kind == "tailings":
        grade = {"major": "二等库", "larger": "三等库", "general": "四等库"}.get(planned.risk_code, "五等库")
        return f"尾矿库（{grade}，{rng.choice(('上游式', '中线式', '下游式'))}筑坝）"
    grades = _HAZARD_GRADES[planned.risk_code]
    n = 1 + (rng.random() < 0.35) + (planned.risk_code == "major" and rng.random() < 0.4)
    picked = rng.sample(HAZARD_SOURCES[kind], min(n, len(HAZARD_SOURCES[kind])))
    return "；".join(f"{name}（{rng.choice(grades)}重大危险源）" for name in picked)


def _contacts(rng: random.Random, notes_kind: str) -> list[ContactData]:
    roles = CONTACT_ROLES.get(notes_kind, CONTACT_ROLES["general"])
    k = rng.randint(2, min(5, len(roles)))
    picked = sorted(rng.sample(range(len(roles)), k))
    out = []
    for idx in picked:
        role, is_post = roles[idx]
        if is_post:
            out.append(ContactData(name=role, role="24小时值守", phone=landline(rng)))
        else:
            out.append(ContactData(name=person_name(rng), role=role,
                                   phone=landline(rng) if rng.random() < 0.5 else "", mobile=mobile(rng)))
    return out


def _build(rng: random.Random, ref: RefData, book: _NameBook, planned: _Planned) -> EnterpriseData:
    profile, street = planned.profile, planned.street
    city_short = ref.city[:-1] if ref.city.endswith("市") and len(ref.city) > 2 else ref.city
    form_roll = rng.random()
    at_city = False
    category = "1"
    if profile.industry in ("fireworks", "hazchem.trade", "crowded.entertainment") and form_roll < 0.08:
        category = "2"  # 个体工商户: a shop, not a company
    elif profile.industry == "tourism" and form_roll < 0.12:
        category = "3"  # 农民专业合作社 running a rural scenic spot
    word = rng.choice(profile.words)
    if category == "2":
        kind = rng.choice(("经营部", "商行"))
        prefix = ref.city + street.district if street.named_district else ref.city

        def compose(mark: str) -> str:
            return f"{prefix}{mark}{word}{kind}"
    elif category == "3":
        prefix = (street.district if street.named_district else ref.city) + street.name

        def compose(mark: str) -> str:
            return f"{prefix}{mark}乡村旅游专业合作社"
    else:
        roll = rng.random()
        if street.named_district and roll < 0.35:
            prefix = street.district
        elif roll < 0.55:
            prefix = city_short
        else:
            prefix = ref.city
        at_city = prefix != street.district and rng.random() < 0.3  # registered with the city bureau
        org = weighted(rng, ("有限公司", "有限责任公司", "股份有限公司"), (78, 15, 7))
        tail = f"{rng.choice(GULLIES)}尾矿库" if profile.industry == "tailings" else ""

        def compose(mark: str) -> str:
            return f"{prefix}{mark}{word}{org}{tail}"

    name = book.trade_name(rng, compose)
    region6 = ref.city_code[:6] if category == "1" and at_city else street.district_code[:6]
    if not (len(region6) == 6 and region6.isdigit()):
        region6 = "000000"
    credit = book.credit_code(rng, category, region6)
    employees = _employees(rng, *profile.employees)
    if category != "1":
        employees = min(employees, rng.randint(3, 25))
    on_shift = max(1, round(employees * rng.uniform(*profile.on_shift)))
    notes = rng.choice(NOTES[profile.notes]) if rng.random() < 0.25 else ""
    principal = person_name(rng)
    safety = person_name(rng)
    return EnterpriseData(
        name=name, uscc=credit, industry_id=ref.industry[planned.industry_code],
        risk_level_id=ref.risk[planned.risk_code], region_id=street.id,
        department_id=_dept_id(ref, profile.department), address=_address(rng, ref, planned),
        principal=principal, principal_phone=mobile(rng),
        safety_manager=safety if employees > 5 else principal,
        safety_manager_phone=mobile(rng) if rng.random() < 0.7 else landline(rng),
        employees=employees, on_shift_headcount=min(on_shift, employees),
        major_hazard_sources=_hazards(rng, planned), notes=notes,
        contacts=_contacts(rng, profile.notes),
    )


def _facts(rng: random.Random, data: EnterpriseData, planned: _Planned) -> None:
    """The unit facts the plan rules key on (models/enterprises/refdata/unit_facts.json): larger
    employers are mostly 中型 or larger; some manufacturers use hazardous chemicals above the threshold."""
    data.medium_or_larger = data.employees >= 300 or (data.employees >= 100 and rng.random() < 0.4)
    data.hazchem_use_above_threshold = planned.industry_code == "manufacturing" and rng.random() < 0.12


def step_enterprises(ctx: DemoContext) -> None:
    ref = ctx.ref
    rng = ctx.rng("enterprises")
    book = _NameBook()
    with ctx.db.read() as session:
        for name, code in session.execute(select(Enterprise.name, Enterprise.uscc)):
            book.names.add(name)
            book.codes.add(code)
            book.bodies.add(code[8:16])
    plans = _plan(rng, ref, ctx.count)
    facts_rng = ctx.rng("enterprise-facts")  # its own stream: the facts leave every other field as it was
    message = "正在生成演示企业…"
    ctx.report(0, message)
    contacts = 0
    for start in range(0, len(plans), FLUSH_EVERY):
        chunk = plans[start:start + FLUSH_EVERY]
        data = [_build(rng, ref, book, planned) for planned in chunk]
        for d, planned in zip(data, chunk, strict=True):
            _facts(facts_rng, d, planned)
        with ctx.unit() as uow:
            ids = enterprises.import_enterprises(uow, data)
            contact_ids = list(uow.session.scalars(select(EnterpriseContact.id)
                                                   .where(EnterpriseContact.enterprise_id.in_(ids))))
        ctx.wrote(Enterprise, ids)
        ctx.wrote(EnterpriseContact, contact_ids)
        for ent_id, d, p in zip(ids, data, chunk, strict=True):
            ctx.enterprises.append(DemoEnterprise(ent_id, d.name, p.industry_code, p.risk_code, p.street.code,
                                                  d.employees, d.on_shift_headcount, d.principal,
                                                  d.principal_phone))
        contacts += len(contact_ids)
        ctx.report(start + len(chunk), message)
    ctx.tally("enterprises", "企业", len(plans))
    ctx.tally("contacts", "联系人", contacts)


STEP = DemoStep("enterprises", "企业和联系人", step_enterprises)
