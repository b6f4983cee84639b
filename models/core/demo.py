"""Demo data: a realistic, deterministic 临江市 written through the real write path.

``generate(db, steps, scale="city", seed=1)`` fills the database through the real write path: every
row is validated by the module's service and gets its trail row; the steps commit in bounded
chunks, and a cancel (``progress.report`` raising ``Cancelled``) removes everything they committed. The data depend only on the seed and the reference data
(never on database ids, dict ordering or the clock), so the same seed gives the same names and
credit codes in any empty database.

Generation runs the steps it is given, in order: one ``DemoStep`` per module (the enterprise
register in ``models.enterprises.demo``, plans in ``plans.plans.demo``, …), composed in one explicit
list by ``plans.demo``. A step reads what earlier steps produced from the ``DemoContext`` (for
example ``ctx.enterprises``). Each step draws from its own random stream (seeded by the seed and
the step name), so adding a step never changes the data of the steps before it. This module holds
the shared machinery: the context, the reference rows as the generators see them, person names and
phone numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.base import Entity
from models.core.database import Database
from models.core.entities import Department, Industry, Region, RiskLevel
from models.core.errors import Cancelled, DeskError
from models.core.progress import NULL_PROGRESS, Progress
from models.core.uow import SYSTEM, Actor, Command, UnitOfWork, unit_of_work

GENERATE = Command("demo.generate", "生成演示数据", role="admin")


SCALES: dict[str, int] = {"small": 50, "district": 2000, "city": 10000}


SCALE_LABELS: dict[str, str] = {"small": "小规模", "district": "区县规模", "city": "城市规模"}


T = TypeVar("T")


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
    """What a generation step works with: the database (``unit()`` gives a unit of work per chunk),
    its random streams, what earlier steps produced, progress, and the records it wrote (``wrote``),
    which a cancelled generation removes again."""

    db: Database
    actor: Actor
    seed: int
    scale: str
    count: int  # how many enterprises this scale asks for
    progress: Progress
    ref: RefData
    enterprises: list[DemoEnterprise] = field(default_factory=list)
    tallies: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (label, count)
    written: list[tuple[str, type[Entity], list[int]]] = field(default_factory=list)  # (step, class, ids)
    step: str = ""
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

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        """One chunk's unit of work: committed when the block ends, so memory and the write-ahead
        log stay bounded however large the demo (a cancel removes what was committed)."""
        with unit_of_work(self.db, self.actor) as uow:
            yield uow

    def wrote(self, cls: type[Entity], ids: list[int]) -> None:
        """Note records the current step wrote (in the order written: children after parents)."""
        if ids:
            self.written.append((self.step, cls, list(ids)))


@dataclass(frozen=True)
class DemoStep:
    """One generation step: ``size(count)`` is its share of the progress bar in work units;
    ``undo`` removes what only the step knows about (search entries) before its records are purged."""

    name: str
    label: str
    run: Callable[[DemoContext], None]
    size: Callable[[int], int] = lambda count: count
    undo: Callable[[UnitOfWork, list[tuple[type[Entity], list[int]]]], None] | None = None


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


RISK_CODES = ("major", "larger", "general", "low")


def load_reference(s: Session) -> RefData:
    """The live reference rows, ordered by their codes in Python (never by ids or a server collation,
    so SQLite and PostgreSQL give the same data for a seed)."""
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
    for code, row in zip(RISK_CODES, risks, strict=False):
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


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)


GIVEN_TWO = words(
    "建国 卫东 志强 海燕 秀英 丽娟 俊杰 晓明 文博 国庆 建华 红梅 玉兰 德明 志刚 永红 "
    "桂兰 春生 立新 宝华 振华 新民 淑芬 爱华 金凤 明亮 海波 晓东 建军 丽萍 雪梅 文静 "
    "子涵 浩然 思远 佳怡 宇航 欣怡 家豪 梓轩 建平 长春 庆丰 秋菊 冬梅 春燕 国栋 学军 "
    "志勇 伟东 洪涛 海峰 立军 中华 守信 兆祥 文斌 卫国 向阳 红旗"
)


GIVEN_ONE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华鹏辉斌宇浩凯健俊帆帅旭亮波宁"


MOBILE_PREFIXES = words(
    "130 131 132 133 134 135 136 137 138 139 150 151 "
    "152 153 155 156 157 158 159 180 181 182 183 185 "
    "186 187 188 189"
)


AREA_CODE = "0539"


def weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
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


def scale_count(scale: str) -> int:
    try:
        return SCALES[scale]
    except KeyError:
        names = "、".join(f"{k}（{v} 家企业）" for k, v in SCALES.items())
        raise ValueError(f"未知的演示数据规模“{scale}”，可选：{names}") from None


def generate(db: Database, steps: Sequence[DemoStep], *, scale: str = "small", seed: int = 1,
             actor: Actor = SYSTEM, progress: Progress = NULL_PROGRESS, count: int | None = None) -> DemoResult:
    """Run ``steps`` (``plans.demo.STEPS`` is the product's list); all or nothing.

    Each step writes in chunks, each chunk its own unit of work (``DemoContext.unit``): memory and
    the write-ahead log stay small at city scale. When the progress is cancelled (``Cancelled``),
    everything the steps committed is removed again in one unit of work (the trail keeps each
    insert and its purge), so nothing of a half-generated demo stays behind.

    ``count`` overrides the scale's number of enterprises (tests use a handful). Raises
    ``ValueError`` for an unknown scale, ``PermissionDenied`` when ``actor`` may not generate demo
    data. The data depend on the seed, the reference data and the enterprises already stored (their
    names and codes are avoided), and on the Python version's ``random`` algorithms.
    """
    n = scale_count(scale)
    if count is not None:
        n = count
    if n < 0:
        raise ValueError("演示企业数量不能为负数")
    todo = list(steps)
    with unit_of_work(db, actor) as uow:
        uow.require(GENERATE)
    with db.read() as session:
        ref = load_reference(session)
    ctx = DemoContext(db=db, actor=actor, seed=seed, scale=scale, count=n, progress=progress, ref=ref)
    ctx._total = max(1, sum(step.size(n) for step in todo))
    try:
        for step in todo:
            ctx.step = step.name
            step.run(ctx)
            ctx._base += step.size(n)
    except Cancelled:
        _undo(ctx, todo)
        raise
    progress.report(ctx._total, ctx._total, "正在整理数据库…")
    db.analyze()
    tallies = dict(ctx.tallies)
    ents = tallies.pop("enterprises", ("企业", 0))[1]
    contacts = tallies.pop("contacts", ("联系人", 0))[1]
    return DemoResult(scale=scale, seed=seed, enterprises=ents, contacts=contacts,
                      others=tuple(tallies.values()))


def _undo(ctx: DemoContext, steps: Sequence[DemoStep]) -> None:
    """Remove what the cancelled generation committed, newest first."""
    if not ctx.written:
        return
    with unit_of_work(ctx.db, ctx.actor, allow_purge=True) as uow:
        for step in reversed(steps):
            mine = [(cls, ids) for name, cls, ids in ctx.written if name == step.name]
            if mine and step.undo is not None:
                step.undo(uow, mine)
            for cls, ids in reversed(mine):
                uow.purge_rows(cls, ids)
