"""Demo data: a realistic, deterministic 临江市 written through the real write path.

``generate(db, scale="city", seed=1)`` fills the register with enterprises and their contacts in
ONE unit of work, so every row gets its audit rows and a cancel (``progress.report`` raising
``Cancelled``) rolls everything back. The data depend only on the seed and the reference data
(never on database ids, dict ordering or the clock), so the same seed gives the same names and
credit codes in any empty database.

Generation is a list of steps (``STEPS``); later modules (plans, drills, supplies, teams) append
their own ``DemoStep`` and read what earlier steps produced from the ``DemoContext`` (for example
``ctx.enterprises``). Each step draws from its own random stream (seeded by the seed and the step
name), so adding a step never changes the data of the steps before it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import TypeVar

from sqlalchemy import select

from models.core.database import Database
from models.core.entities import Department, Enterprise, EnterpriseContact, Industry, Region, RiskLevel
from models.core.errors import DeskError, ValidationError
from models.core.progress import NULL_PROGRESS, Progress
from models.core.uow import SYSTEM, Actor, Command, UnitOfWork, unit_of_work
from models.enterprises import rules as uscc
from models.enterprises import service as enterprises
from models.enterprises.service import ContactData, EnterpriseData

GENERATE = Command("demo.generate", "生成演示数据", role="admin")

SCALES: dict[str, int] = {"small": 50, "district": 2000, "city": 10000}
SCALE_LABELS: dict[str, str] = {"small": "小规模", "district": "区县规模", "city": "城市规模"}

FLUSH_EVERY = 500  # rows of enterprises per flush; each flush also writes their audit rows

T = TypeVar("T")


# --- result, context, steps ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoResult:
    """What was generated: counts per kind of record (``others``: rows of steps added later)."""

    scale: str
    seed: int
    enterprises: int
    contacts: int
    others: tuple[tuple[str, int], ...] = ()

    def message(self) -> str:
        parts = [f"企业 {self.enterprises} 家", f"联系人 {self.contacts} 人"]
        parts += [f"{label} {n}" for label, n in self.others]
        scale = SCALE_LABELS.get(self.scale, self.scale)
        return f"已生成演示数据（{scale}，随机种子 {self.seed}）：" + "，".join(parts) + "。"


@dataclass(frozen=True)
class DemoEnterprise:
    """What later steps need to know about a generated enterprise (no ORM object kept alive)."""

    id: int
    name: str
    industry_code: str
    risk_code: str
    region_code: str
    employees: int
    on_shift_headcount: int
    principal: str
    principal_phone: str


@dataclass
class DemoContext:
    uow: UnitOfWork
    seed: int
    scale: str
    count: int  # how many enterprises this scale asks for
    progress: Progress
    ref: RefData
    enterprises: list[DemoEnterprise] = field(default_factory=list)
    tallies: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (label, count)
    _base: int = 0
    _total: int = 1

    def rng(self, step: str) -> random.Random:
        """The step's own random stream (string seeds are hashed with SHA-512: stable everywhere)."""
        return random.Random(f"emergency-desk-demo:{self.seed}:{step}")

    def tally(self, key: str, label: str, n: int) -> None:
        old = self.tallies.get(key, (label, 0))[1]
        self.tallies[key] = (label, old + n)

    def report(self, done: int, message: str) -> None:
        """Progress of the current step in its own units; raises ``Cancelled`` on cancel."""
        self.progress.report(self._base + done, self._total, message)


@dataclass(frozen=True)
class DemoStep:
    """One generation step: ``size(count)`` is its share of the progress bar in work units."""

    name: str
    label: str
    run: Callable[[DemoContext], None]
    size: Callable[[int], int] = lambda count: count


STEPS: list[DemoStep] = []  # filled at the bottom of this module; later modules append


# --- reference data as the generator sees it --------------------------------------------------------


@dataclass(frozen=True)
class RegionInfo:
    id: int
    code: str
    name: str
    district: str  # the district/county name ("" when the street hangs off the city directly)
    district_code: str
    named_district: bool  # a 区/县 whose name companies carry (not a 开发区 or 园区)


@dataclass
class RefData:
    industry: dict[str, int]  # code -> id
    industry_parent: dict[str, str | None]
    department: dict[str, int]
    department_order: list[str]
    risk: dict[str, int]
    city: str
    city_code: str
    streets: list[RegionInfo]


_RISK_CODES = ("major", "larger", "general", "low")


def load_reference(uow: UnitOfWork) -> RefData:
    """The live reference rows, ordered by their codes in Python (never by ids or a server collation,
    so SQLite and PostgreSQL give the same data for a seed)."""
    s = uow.session
    inds = sorted(s.execute(select(Industry.id, Industry.code, Industry.parent_code)
                            .where(Industry.deleted_at.is_(None))).all(), key=lambda r: r.code)
    deps = sorted(s.execute(select(Department.id, Department.code, Department.sort_order)
                            .where(Department.deleted_at.is_(None))).all(), key=lambda r: (r.sort_order, r.code))
    risks = sorted(s.execute(select(RiskLevel.id, RiskLevel.code, RiskLevel.rank)
                             .where(RiskLevel.deleted_at.is_(None))).all(), key=lambda r: (r.rank, r.code))
    regs = sorted(s.execute(select(Region.id, Region.code, Region.name, Region.parent_code, Region.level)
                            .where(Region.deleted_at.is_(None))).all(), key=lambda r: r.code)
    if not inds or not deps or not risks or not regs:
        raise DeskError("数据库中缺少参考数据（行业、监管部门、风险等级或区域），无法生成演示数据。")
    by_code = {r.code: r for r in regs}
    city = next((r for r in regs if r.level == 1), regs[0])
    streets: list[RegionInfo] = []
    leaves = [r for r in regs if r.level == 3] or [r for r in regs if r.level == 2] or [city]
    for r in leaves:
        parent = by_code.get(r.parent_code or "")
        district = parent.name if parent is not None and parent.level == 2 else ""
        district_code = parent.code if parent is not None and parent.level == 2 else city.code
        named = district.endswith(("区", "县", "市")) and not district.endswith(("开发区", "园区", "新区"))
        streets.append(RegionInfo(r.id, r.code, r.name, district, district_code, named))
    # Risk levels by their shipped codes; an administrator's renamed codes fall back to rank order.
    risk = {r.code: r.id for r in risks}
    for code, row in zip(_RISK_CODES, risks, strict=False):
        risk.setdefault(code, row.id)
    return RefData(
        industry={r.code: r.id for r in inds},
        industry_parent={r.code: r.parent_code for r in inds},
        department={r.code: r.id for r in deps},
        department_order=[r.code for r in deps],
        risk=risk,
        city=city.name,
        city_code=city.code,
        streets=streets,
    )


# --- word lists ------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Two-character trade names (字号) as they appear on real licences.
TRADE_NAMES = _words(
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

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_TWO = _words(
    "建国 卫东 志强 海燕 秀英 丽娟 俊杰 晓明 文博 国庆 建华 红梅 玉兰 德明 志刚 永红 "
    "桂兰 春生 立新 宝华 振华 新民 淑芬 爱华 金凤 明亮 海波 晓东 建军 丽萍 雪梅 文静 "
    "子涵 浩然 思远 佳怡 宇航 欣怡 家豪 梓轩 建平 长春 庆丰 秋菊 冬梅 春燕 国栋 学军 "
    "志勇 伟东 洪涛 海峰 立军 中华 守信 兆祥 文斌 卫国 向阳 红旗"
)
GIVEN_ONE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华鹏辉斌宇浩凯健俊帆帅旭亮波宁"

MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 150 151 "
    "152 153 155 156 157 158 159 180 181 182 183 185 "
    "186 187 188 189"
)
AREA_CODE = "0539"

ROADS = _words(
    "建设路 人民路 解放路 中山路 滨江路 新华路 工业大道 创业大道 经一路 经三路 纬二路 纬四路 "
    "环城北路 长江路 黄河路 泰山路 和平路 光明路 文化路 胜利路 兴业路 通达路 港湾路 临港大道 "
    "科技大道 创新路 东风路 北京路 上海路 青年路 健康路 府前街 西关大街 东关街 南门街 站前街 "
    "金山路 沂河路 民主路 振兴路"
)
PARK_ROADS = _words(
    "纬一路 纬二路 纬三路 纬五路 经二路 经四路 化工大道 石化路 园区大道 海港路"
)
VILLAGES = _words(
    "王庄 李家庄 石窝 后沟 南岭 杨家峪 马鞍山 黄土坡 柳树沟 大河湾 东岭 西坡 青石岗 桃花峪"
)
GULLIES = _words(
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


# --- industry profiles -----------------------------------------------------------------------------

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


# --- small generators ------------------------------------------------------------------------------


def _weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights=weights, k=1)[0]


def person_name(rng: random.Random) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 25)), len(SURNAMES) - 1)]  # common surnames first
    roll = rng.random()
    if roll < 0.62:
        return surname + rng.choice(GIVEN_TWO)
    if roll < 0.92:
        return surname + rng.choice(GIVEN_ONE)
    return surname + rng.choice(GIVEN_ONE) + rng.choice(GIVEN_ONE)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    return f"{AREA_CODE}-{rng.randint(2, 8)}{rng.randrange(10**6):06d}"


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


# --- the enterprises step --------------------------------------------------------------------------


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
    risk_codes = [c for c in _RISK_CODES if c in ref.risk]
    uncovered = list(ref.streets)
    out: list[_Planned] = []
    for i in range(count):
        profile = profiles[i] if i < len(profiles) else _weighted(rng, profiles, weights)
        if i < len(risk_codes):
            risk = risk_codes[i]
        else:
            weights_by_code = dict(zip(_RISK_CODES, RISK_WEIGHTS[profile.risk], strict=True))
            risk = _weighted(rng, risk_codes, [weights_by_code[c] for c in risk_codes])
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
        org = _weighted(rng, ("有限公司", "有限责任公司", "股份有限公司"), (78, 15, 7))
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


_SCALARS = tuple(f.name for f in fields(EnterpriseData) if f.name not in ("contacts",))


def _store(uow: UnitOfWork, data: EnterpriseData) -> tuple[Enterprise, int]:
    """Validate like ``enterprises.create`` and add the ORM rows; the caller flushes in chunks.

    The per-row uniqueness and reference queries of ``create`` are replaced by the name book
    (which started from every stored code) and by reference ids read in this unit of work.
    """
    clean = data.cleaned()
    errors = enterprises.validate(clean)
    if errors:
        raise ValidationError(errors)
    ent = Enterprise(**{k: getattr(clean, k) for k in _SCALARS})
    uow.add(ent)
    for order, c in enumerate(clean.contacts):
        uow.add(EnterpriseContact(enterprise=ent, name=c.name, role=c.role, phone=c.phone,
                                  mobile=c.mobile, notes=c.notes, sort_order=order))
    return ent, len(clean.contacts)


def step_enterprises(ctx: DemoContext) -> None:
    uow, ref = ctx.uow, ctx.ref
    uow.require(enterprises.CREATE)
    rng = ctx.rng("enterprises")
    book = _NameBook()
    for name, code in uow.session.execute(select(Enterprise.name, Enterprise.uscc)):
        book.names.add(name)
        book.codes.add(code)
        book.bodies.add(code[8:16])
    plans = _plan(rng, ref, ctx.count)
    message = "正在生成演示企业…"
    ctx.report(0, message)
    contacts = 0
    chunk: list[tuple[Enterprise, _Planned]] = []
    for i, planned in enumerate(plans, start=1):
        ent, n = _store(uow, _build(rng, ref, book, planned))
        contacts += n
        chunk.append((ent, planned))
        if len(chunk) >= FLUSH_EVERY or i == len(plans):
            uow.session.flush()
            for e, p in chunk:
                ctx.enterprises.append(DemoEnterprise(
                    e.id, e.name, p.industry_code, p.risk_code, p.street.code, e.employees,
                    e.on_shift_headcount, e.principal, e.principal_phone))
            chunk.clear()
            uow.session.expunge_all()  # flushed rows are stored; keep the identity map small
            ctx.report(i, message)
    ctx.tally("enterprises", "企业", len(plans))
    ctx.tally("contacts", "联系人", contacts)


STEPS.append(DemoStep("enterprises", "企业和联系人", step_enterprises))


# --- entry points ----------------------------------------------------------------------------------


def scale_count(scale: str) -> int:
    try:
        return SCALES[scale]
    except KeyError:
        names = "、".join(f"{k}（{v} 家企业）" for k, v in SCALES.items())
        raise ValueError(f"未知的演示数据规模“{scale}”，可选：{names}") from None


def generate(db: Database, *, scale: str = "small", seed: int = 1, actor: Actor = SYSTEM,
             progress: Progress = NULL_PROGRESS, count: int | None = None,
             steps: Sequence[DemoStep] | None = None) -> DemoResult:
    """Generate the demo data in one unit of work; all or nothing.

    ``count`` overrides the scale's number of enterprises (tests use a handful); ``steps`` replaces
    ``STEPS`` (tests). Raises ``ValueError`` for an unknown scale, ``Cancelled`` when the progress is
    cancelled (nothing is written), ``PermissionDenied`` when ``actor`` may not generate demo data.
    The data depend on the seed, the reference data and the enterprises already stored (their names
    and codes are avoided), and on the Python version's ``random`` algorithms.
    """
    n = scale_count(scale)
    if count is not None:
        n = count
    if n < 0:
        raise ValueError("演示企业数量不能为负数")
    todo = list(STEPS if steps is None else steps)
    with unit_of_work(db, actor) as uow:
        uow.require(GENERATE)
        ref = load_reference(uow)
        ctx = DemoContext(uow=uow, seed=seed, scale=scale, count=n, progress=progress, ref=ref)
        ctx._total = max(1, sum(step.size(n) for step in todo))
        for step in todo:
            step.run(ctx)
            ctx._base += step.size(n)
        progress.report(ctx._total, ctx._total, "正在提交…")
    db.analyze()
    tallies = dict(ctx.tallies)
    ents = tallies.pop("enterprises", ("企业", 0))[1]
    contacts = tallies.pop("contacts", ("联系人", 0))[1]
    return DemoResult(scale=scale, seed=seed, enterprises=ents, contacts=contacts,
                      others=tuple(tallies.values()))
