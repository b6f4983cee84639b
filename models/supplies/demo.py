"""Demo supplies: a government reserve per district and a store per enterprise, realistic items by
GB/T 38565 category, batches whose expiries fall before, near and well after ``as_of``, two years of
movements, and what some plans declare they need (supplies, and the minimum staff on duty — within
the on-shift headcount or above it) — as a real ledger looks on ``as_of``.

A district's reserve (政府储备库) holds flood-season and relief stock (沙袋, 救生衣, 冲锋舟, 抽水泵,
发电机, 帐篷 …) and now and then transfers some to a neighbouring district's (调拨, two legs, one
document number). A hazardous-chemical enterprise's store holds what GB 30077 asks of it
(``models.supplies.shortfalls``), scaled by its on-shift headcount — most hold enough, some fall
short, some let a batch expire; other enterprises keep a few basics (急救箱, 灭火器, 手电筒 …).
Every batch is received (入库) within the two years, then issued (出库) for drills and use, counted
(盘点 adjustments of a unit or two) and, once expired, often written off (报废) — some expired stock
is left on the books, so the alerts and the usable quantities have something to say. Quantities
are simulated in order, so nothing goes negative, and the balances are the sums of the movements
(``stock reconcile`` agrees).

Written in chunks of enterprises, each its own unit of work, through the unit of work's bulk insert
(``insert_rows``: stamps and one trail row per record), the balances computed from the same rows
in the same transaction. Each enterprise and each district draws from its own random stream.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select

from models.core.base import Entity
from models.core.demo import DemoContext, DemoStep, landline, mobile, person_name
from models.core.entities import Region
from models.core.errors import ValidationError
from models.core.uow import UnitOfWork, executemany
from models.enterprises.entities import Enterprise
from models.plans.entities import Plan
from models.supplies.entities import (
    MinimumStock,
    PlanStaffNeed,
    PlanSupplyNeed,
    StockBalance,
    StockMovement,
    SupplyBatch,
    SupplyItem,
    Warehouse,
)
from models.supplies.service import ItemData, check_item
from models.supplies.shortfalls import applies, load_minimums, required_quantity

STEP_NAME = "supplies"
DEFAULT_AS_OF = date(2026, 11, 29)
CHUNK = 500
DAYS = 730  # two years of movements
WORK_PER_ENTERPRISE = 12  # progress units: an enterprise's store and ledger take about 12× its own row


@dataclass(frozen=True)
class DemoItem:
    key: str
    name: str
    spec: str
    category: str
    unit: str
    kind: str = "equipment"
    flood: bool = False
    shelf_months: int | None = None
    inspection_days: int | None = None
    calibration_days: int | None = None
    typical: int = 10  # a usual quantity per batch


ITEMS: tuple[DemoItem, ...] = (
    DemoItem("scba", "正压式空气呼吸器", "RHZKF6.8/30，6.8 L 碳纤维气瓶", "2010101", "套", inspection_days=30,
             shelf_months=180, typical=2),
    DemoItem("scba_cyl", "空气呼吸器备用气瓶", "6.8 L/30 MPa 碳纤维", "2010104", "个", inspection_days=90,
             shelf_months=180, typical=2),
    DemoItem("gas_mask", "过滤式防毒面具", "全面罩，配 3 号综合滤毒罐", "2010102", "个", "consumable",
             shelf_months=60, inspection_days=180, typical=15),
    DemoItem("chem_suit", "重型化学防护服", "全封闭气密型，A 级", "2010201", "套", shelf_months=120,
             inspection_days=180, typical=2),
    DemoItem("chem_suit_light", "轻型化学防护服", "连体式，B 级", "2010202", "套", "consumable", shelf_months=60,
             typical=4),
    DemoItem("gloves", "防化手套", "丁腈，长 45 cm", "2010203", "副", "consumable", shelf_months=36, typical=20),
    DemoItem("helmet", "安全帽", "ABS，V 型", "2010301", "顶", "consumable", shelf_months=30, typical=30),
    DemoItem("detector", "便携式多种气体检测仪", "四合一（可燃/O₂/H₂S/CO），泵吸式", "2020101", "台",
             calibration_days=365, inspection_days=90, typical=2),
    DemoItem("flashlight", "防爆手电筒", "LED，Ex ib IIC T4", "2030102", "个", typical=15, inspection_days=180),
    DemoItem("radio", "防爆对讲机", "数字，Ex ib IIC T4，5 W", "2040102", "台", typical=4, inspection_days=180),
    DemoItem("first_aid", "急救箱", "工矿企业型，含常用药品", "2080101", "包", "consumable", shelf_months=24,
             typical=2),
    DemoItem("eyewash", "洗眼液", "500 mL", "2080301", "瓶", "consumable", shelf_months=24, typical=10),
    DemoItem("extinguisher", "干粉灭火器", "MFZ/ABC8，8 kg", "2100101", "具", shelf_months=120, inspection_days=30,
             typical=20),
    DemoItem("absorbent", "吸附棉", "通用型，40×50 cm，200 片/包", "2110202", "包", "consumable", shelf_months=60,
             typical=5),
    DemoItem("emergency_light", "防爆应急灯", "LED 40 W", "2030202", "台", typical=4, inspection_days=180),
    DemoItem("sandbag", "沙袋", "编织袋装砂，50 kg", "3010102", "袋", "consumable", True, shelf_months=36,
             typical=2000),
    DemoItem("woven_bag", "编织袋", "聚丙烯，50×80 cm", "3010101", "条", "consumable", True, shelf_months=60,
             typical=5000),
    DemoItem("life_jacket", "救生衣", "船用，浮力 ≥ 113 N", "2050101", "件", "equipment", True, shelf_months=60,
             inspection_days=180, typical=200),
    DemoItem("life_buoy", "救生圈", "2.5 kg 聚乙烯", "2050102", "个", "equipment", True, inspection_days=180,
             typical=50),
    DemoItem("boat", "冲锋舟", "橡胶 5.2 m，配 40 马力舷外机", "2050103", "艘", "equipment", True,
             inspection_days=90, typical=2),
    DemoItem("pump", "抽水泵", "柴油机驱动，流量 300 m³/h", "2060102", "台", "equipment", True, inspection_days=90,
             typical=4),
    DemoItem("sub_pump", "潜水泵", "QDX 型，流量 50 m³/h", "2060101", "台", "equipment", True, inspection_days=90,
             typical=10),
    DemoItem("generator", "柴油发电机", "30 kW，移动式", "2070101", "台", "equipment", True, inspection_days=90,
             typical=2),
    DemoItem("tent", "救灾帐篷", "12 m² 单帐篷", "1010101", "顶", shelf_months=96, typical=100),
    DemoItem("quilt", "棉被", "2 kg，200×230 cm", "1020101", "床", "consumable", shelf_months=96, typical=300),
    DemoItem("cot", "折叠床", "钢架，190×70 cm", "1010201", "张", typical=200),
    DemoItem("water", "瓶装饮用水", "550 mL×24 瓶/箱", "1030201", "箱", "consumable", shelf_months=18, typical=300),
    DemoItem("food", "方便食品", "自热米饭 375 g×12 盒/箱", "1030101", "箱", "consumable", shelf_months=12,
             typical=200),
)
BY_KEY = {i.key: i for i in ITEMS}

# What each GB 30077 requirement is kept as in the demo (an item whose name the requirement matches).
MINIMUM_ITEMS = {"scba": "scba", "chemical_suit": "chem_suit", "gas_mask": "gas_mask", "gas_detector": "detector",
                 "flashlight": "flashlight", "radio": "radio", "first_aid": "first_aid"}
HAZCHEM_EXTRAS = ("scba_cyl", "chem_suit_light", "gloves", "eyewash", "extinguisher", "absorbent", "helmet")
BASIC_ITEMS = ("first_aid", "extinguisher", "flashlight", "helmet", "emergency_light", "radio")
RESERVE_ITEMS = ("sandbag", "woven_bag", "life_jacket", "life_buoy", "boat", "pump", "sub_pump", "generator", "tent",
                 "quilt", "cot", "water", "food", "first_aid", "flashlight")
SUPPLIERS = ("临江市安达消防器材有限公司", "华东应急装备科技有限公司", "临江市宏盛劳保用品商行", "江南安全防护用品有限公司",
             "中安应急物资供应链有限公司", "临江市防汛物资储备中心（调入）")
ISSUE_REASONS = ("应急演练领用", "日常巡检更换", "生产检修领用", "防汛值守领用", "事故处置领用", "培训演示领用")
RESERVE_ISSUE_REASONS = ("汛期抢险调用", "防汛演练领用", "受灾群众安置发放", "抗旱调用", "街道防汛站领用")
ADJUST_REASONS = ("季度盘点盘盈", "季度盘点盘亏", "年度盘点差异调整")
SCRAP_REASONS = ("超过有效期报废", "检查不合格报废", "损坏无法修复报废")


@dataclass
class _Batch:
    id: int
    item: DemoItem
    warehouse_id: int
    received: date
    quantity: int
    rng: random.Random  # the stream of the enterprise or district it belongs to
    keep: int = 0  # issues never take it below this (an enterprise keeping its GB 30077 minimum)
    old_stock: float = 0.12  # the chance the delivery was old stock, expired by now or about to


@dataclass
class _Rows:
    """What one chunk writes, built before its unit of work opens."""

    warehouses: list[dict[str, Any]] = field(default_factory=list)
    batches: list[dict[str, Any]] = field(default_factory=list)
    movements: list[dict[str, Any]] = field(default_factory=list)
    minimums: list[dict[str, Any]] = field(default_factory=list)
    needs: list[dict[str, Any]] = field(default_factory=list)
    staff: list[dict[str, Any]] = field(default_factory=list)


def supplies_step(as_of: date = DEFAULT_AS_OF) -> DemoStep:
    """The demo step writing warehouses, items, batches, two years of movements and plan needs."""

    def run(ctx: DemoContext) -> None:
        _run(ctx, as_of)

    return DemoStep(STEP_NAME, "应急物资", run, size=lambda count: WORK_PER_ENTERPRISE * count, undo=_undo)


def _undo(uow: UnitOfWork, written: list[tuple[type[Entity], list[int]]]) -> None:
    """The balances are no records of their own: removed with the batches they belong to."""
    batch_ids = [i for cls, ids in written if cls is SupplyBatch for i in ids]
    for start in range(0, len(batch_ids), 5000):
        uow.session.execute(delete(StockBalance).where(StockBalance.batch_id.in_(batch_ids[start:start + 5000])))


def _run(ctx: DemoContext, as_of: date) -> None:
    message = "正在生成应急物资…"
    ctx.report(0, message)
    items = _write_items(ctx)
    ents = ctx.enterprises
    district_of = {s.code: s.district_code for s in ctx.ref.streets}
    with ctx.db.read() as s:
        codes = sorted({s_.district_code for s_ in ctx.ref.streets})
        regions = {r.code: (r.id, r.name) for r in s.execute(select(Region.id, Region.code, Region.name)
                                                             .where(Region.code.in_(codes)))}
    docs = defaultdict(int)
    counts = defaultdict(int)
    districts = [(code, *regions[code]) for code in codes if code in regions]
    if ents:  # one reserve per district that has enterprises (a city without districts: the city's)
        with_ents = {district_of.get(e.region_code, ctx.ref.city_code) for e in ents}
        districts = [d for d in districts if d[0] in with_ents]
        _write_reserves(ctx, districts, items, as_of, docs, counts)
    rules = load_minimums()
    for start in range(0, len(ents), CHUNK):
        chunk = ents[start:start + CHUNK]
        ids = [e.id for e in chunk]
        with ctx.db.read() as s:
            plans: dict[int, list[int]] = defaultdict(list)
            for pid, eid in s.execute(select(Plan.id, Plan.enterprise_id).where(
                    Plan.enterprise_id.in_(ids), Plan.deleted_at.is_(None), Plan.kind.in_(("comprehensive", "special")))
                    .order_by(Plan.id)):
                plans[eid].append(pid)
            users = set(s.scalars(select(Enterprise.id).where(Enterprise.id.in_(ids),
                                                              Enterprise.hazchem_use_above_threshold.is_(True))))
        plan_sets: list[tuple[Any, random.Random, bool, list[int]]] = []
        for ent in chunk:
            rng = ctx.rng(f"{STEP_NAME}:{ent.name}")
            hazchem = applies(rules, ent.industry_code, rules.flags if ent.id in users else ())
            if not hazchem and rng.random() > 0.9:
                continue  # some small units keep no store of their own
            plan_sets.append((ent, rng, hazchem, plans.get(ent.id, [])))
        with ctx.unit() as uow:
            wh_ids = uow.reserve_ids(Warehouse, len(plan_sets))
            rows = _Rows()
            batches: list[_Batch] = []
            for (ent, rng, hazchem, plan_ids), wid in zip(plan_sets, wh_ids, strict=True):
                rows.warehouses.append({"id": wid, "name": f"{ent.name}应急物资储备点", "kind": "enterprise",
                                        "enterprise_id": ent.id, "address": rng.choice(("厂区东侧应急物资库",
                                        "中控室旁应急器材柜", "消防站器材室", "仓库一楼应急物资间", "办公楼一楼应急物资间")),
                                        "keeper": person_name(rng), "phone": mobile(rng)})
                wanted = _enterprise_stock(rng, hazchem, ent.on_shift_headcount, rules)
                for key, (qty, keep) in wanted.items():
                    batches += _batches(rng, BY_KEY[key], wid, qty, as_of, keep=keep, old_stock=0.05)
                if hazchem:  # the store's minimum stock is what GB 30077 asks of the enterprise
                    rows.minimums += [{"item_id": items[MINIMUM_ITEMS[r.key]], "warehouse_id": wid,
                                       "quantity": required_quantity(r, ent.on_shift_headcount)}
                                      for r in rules.items if r.key in MINIMUM_ITEMS]
                if hazchem and plan_ids and rng.random() < 0.6:
                    rows.needs += _plan_needs(rng, items, plan_ids, ent.on_shift_headcount)
                    # its own stream: the staff need leaves the stock and ledger drawn above as they were
                    rows.staff += _plan_staff(ctx.rng(f"{STEP_NAME}:staff:{ent.name}"), plan_ids,
                                              ent.on_shift_headcount)
            _write(ctx, uow, rows, batches, items, as_of, docs, counts)
        ctx.report((start + len(chunk)) * WORK_PER_ENTERPRISE, message)
    for key, label in (("warehouses", "储备库"), ("batches", "物资批次"), ("movements", "出入库记录")):
        ctx.tally(f"supplies.{key}", label, counts[key])


def _write_items(ctx: DemoContext) -> dict[str, int]:
    """The shared catalogue (those already stored by their code are kept)."""
    codes = {i.key: f"{i.category}-{n:02d}" for n, i in enumerate(ITEMS, 1)}
    with ctx.db.read() as s:
        have: dict[str, int] = {c: i for c, i in s.execute(
            select(SupplyItem.code, SupplyItem.id).where(SupplyItem.code.in_(list(codes.values()))))}
    missing = [i for i in ITEMS if codes[i.key] not in have]
    for i in missing:  # the catalogue meets the item form's own checks (a category of the shipped tree …)
        _clean, errors = check_item(ItemData(code=codes[i.key], name=i.name, category_code=i.category, unit=i.unit,
                                             spec=i.spec, kind=i.kind, flood=i.flood, shelf_life_months=i.shelf_months,
                                             inspection_days=i.inspection_days,
                                             calibration_days=i.calibration_days))
        if errors:
            raise ValidationError(errors)
    with ctx.unit() as uow:
        new = uow.insert_rows(SupplyItem, [
            {"code": codes[i.key], "name": i.name, "spec": i.spec, "category_code": i.category, "unit": i.unit,
             "kind": i.kind, "flood": i.flood, "shelf_life_months": i.shelf_months,
             "inspection_days": i.inspection_days, "calibration_days": i.calibration_days} for i in missing])
    ctx.wrote(SupplyItem, new)
    have.update({codes[i.key]: nid for i, nid in zip(missing, new, strict=True)})
    return {i.key: have[codes[i.key]] for i in ITEMS}


def _enterprise_stock(rng: random.Random, hazchem: bool, headcount: int,
                      rules: Any) -> dict[str, tuple[int, int]]:
    """Item key → (quantity received, quantity kept whatever is issued): the GB 30077 lines (mostly
    enough; a careless unit falls short on some), or a few basics."""
    out: dict[str, tuple[int, int]] = {}
    if hazchem:
        careless = rng.random() < 0.25
        for req in rules.items:
            key = MINIMUM_ITEMS.get(req.key)
            if key is None:
                continue
            need = required_quantity(req, headcount)
            if careless and rng.random() < 0.4:
                out[key] = (max(need - rng.randint(1, max(1, need // 2 + 1)), 0), 0)  # short
            else:
                out[key] = (need + rng.choice((0, 1, 2, 3, need // 4 + 1)), need)
        for key in rng.sample(HAZCHEM_EXTRAS, rng.randint(2, 5)):
            out[key] = (max(1, int(BY_KEY[key].typical * rng.uniform(0.5, 1.5))), 0)
    else:
        for key in rng.sample(BASIC_ITEMS, rng.randint(4, 6)):
            out[key] = (max(1, int(BY_KEY[key].typical * rng.uniform(0.5, 1.2))), 0)
    return {k: v for k, v in out.items() if v[0] > 0}


def _plan_needs(rng: random.Random, items: dict[str, int], plan_ids: list[int], headcount: int) -> list[dict[str, Any]]:
    plan_id = plan_ids[0]
    wanted = {"scba": rng.choice((2, 4, 4, 6)), "gas_mask": max(headcount, 1) + rng.choice((0, 2, 5)),
              "chem_suit": rng.choice((2, 2, 4)), "detector": rng.choice((2, 3)), "absorbent": rng.choice((5, 10)),
              "first_aid": rng.choice((1, 2))}
    return [{"plan_id": plan_id, "item_id": items[k], "quantity": q,
             "notes": "按本预案应急处置需要配备"} for k, q in wanted.items()]


def _plan_staff(rng: random.Random, plan_ids: list[int], headcount: int) -> list[dict[str, Any]]:
    """The minimum staff on duty of the plan that declares needs (most within the on-shift headcount,
    some above it: short), sometimes of a second plan of the enterprise too."""
    out = []
    for plan_id in plan_ids[:2] if rng.random() < 0.3 else plan_ids[:1]:
        on_shift = max(headcount, 1)
        staff = rng.choice((max(2, on_shift // 3), max(2, on_shift // 2), on_shift, on_shift + rng.randint(1, 4)))
        out.append({"plan_id": plan_id, "staff": staff, "notes": "应急响应期间当班应急值守人员"})
    return out


def _batches(rng: random.Random, item: DemoItem, wid: int, total: int, as_of: date, *, keep: int = 0,
             old_stock: float = 0.12) -> list[_Batch]:
    """One to four deliveries of ``item`` adding up to ``total``, received over the two years."""
    n = min(total, rng.choice((1, 2, 3, 3, 4, 4)))
    out = []
    left = total
    for k in range(n):
        qty = left if k == n - 1 else max(1, round(total / n))
        left -= qty
        if qty <= 0:
            continue
        received = as_of - timedelta(days=rng.randrange(20, DAYS))
        out.append(_Batch(0, item, wid, received, qty, rng, 0, old_stock))
    out.sort(key=lambda b: b.received)  # numbered in the order they arrived
    for b in out:  # the quantity kept, spread over the deliveries
        b.keep = min(b.quantity, keep)
        keep -= b.keep
    return out


def _write_reserves(ctx: DemoContext, districts: list[tuple[str, int, str]], items: dict[str, int], as_of: date,
                    docs: dict[str, int], counts: dict[str, int]) -> None:
    with ctx.unit() as uow:
        ids = uow.reserve_ids(Warehouse, len(districts))
        rows = _Rows()
        batches: list[_Batch] = []
        for (code, region_id, name), wid in zip(districts, ids, strict=True):
            r = ctx.rng(f"{STEP_NAME}:reserve:{code}")
            rows.warehouses.append({"id": wid, "name": f"{name}应急物资储备库", "kind": "reserve", "region_id": region_id,
                                    "address": f"{name}{r.choice(('防汛路', '仓储路', '物流园路', '江堤路'))}{r.randint(1, 199)}号",
                                    "keeper": person_name(r), "phone": landline(r),
                                    "notes": "区级政府应急物资储备库"})
            scale = max(1.0, ctx.count / max(len(districts), 1) / 200)
            for key in RESERVE_ITEMS:
                item = BY_KEY[key]
                qty = max(1, int(item.typical * r.uniform(0.6, 1.4) * min(scale, 3)))
                batches += _batches(r, item, wid, qty, as_of)
                rows.minimums.append({"item_id": items[key], "warehouse_id": wid,
                                      "quantity": max(1, int(item.typical * 0.8))})
        _write(ctx, uow, rows, batches, items, as_of, docs, counts, transfers=ids)


def _write(ctx: DemoContext, uow: UnitOfWork, rows: _Rows, batches: list[_Batch], items: dict[str, int],
           as_of: date, docs: dict[str, int], counts: dict[str, int], *,
           transfers: list[int] | None = None) -> None:
    """Batches and their simulated ledger into ``uow``, with the balances the ledger adds up to."""
    uow.insert_rows(Warehouse, rows.warehouses)
    ctx.wrote(Warehouse, [w["id"] for w in rows.warehouses])
    batch_ids = uow.reserve_ids(SupplyBatch, len(batches))
    serial: dict[tuple[int, int], int] = defaultdict(int)
    for b, bid in zip(batches, batch_ids, strict=True):
        b.id = bid
        item, rng = b.item, b.rng
        item_id = items[item.key]
        serial[(b.warehouse_id, item_id)] += 1
        produced = b.received - timedelta(days=rng.randrange(10, 120))
        expires = None
        if item.shelf_months is not None:
            expires = produced + timedelta(days=round(item.shelf_months * 30.44))
            if rng.random() < b.old_stock:  # some deliveries were old stock: expired by now or about to
                expires = as_of + timedelta(days=rng.randint(-200, 85))
                produced = min(produced, expires - timedelta(days=365))
        roll = rng.random()
        condition = "repair" if roll < 0.03 else "scrapped" if roll < 0.045 else "good"
        inspected = due = calibrated = cal_due = None
        if item.inspection_days:
            inspected = as_of - timedelta(days=rng.randrange(0, int(item.inspection_days * 1.3)))
            due = inspected + timedelta(days=item.inspection_days)
        if item.calibration_days:
            calibrated = as_of - timedelta(days=rng.randrange(0, int(item.calibration_days * 1.15)))
            cal_due = calibrated + timedelta(days=item.calibration_days)
        rows.batches.append({
            "id": bid, "item_id": item_id, "produced_on": produced, "expires_on": expires,
            "batch_no": f"{b.received:%Y%m%d}-{b.warehouse_id}-{serial[(b.warehouse_id, item_id)]:02d}",
            "supplier": rng.choice(SUPPLIERS), "condition": condition, "inspected_on": inspected,
            "inspection_due": due, "calibrated_on": calibrated, "calibration_due": cal_due})
        target = None
        if transfers and len(transfers) > 1 and item.flood and b.quantity >= 10 and rng.random() < 0.2:
            target = rng.choice([w for w in transfers if w != b.warehouse_id])
        rows.movements += _ledger(rng, b, expires, condition, as_of, docs, reserve=transfers is not None,
                                  transfer_to=target)
    uow.insert_rows(SupplyBatch, rows.batches)
    ctx.wrote(SupplyBatch, batch_ids)
    move_ids = uow.reserve_ids(StockMovement, len(rows.movements))
    legs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m, mid in zip(rows.movements, move_ids, strict=True):
        m["id"] = mid
        if m["kind"] in ("transfer_out", "transfer_in"):
            legs[m["doc_no"]].append(m)
    for out_leg, in_leg in legs.values():  # the two legs of a transfer point at each other
        out_leg["pair_id"], in_leg["pair_id"] = in_leg["id"], out_leg["id"]
    uow.insert_rows(StockMovement, rows.movements)
    ctx.wrote(StockMovement, move_ids)
    balance: dict[tuple[int, int], int] = defaultdict(int)
    batch_item = {b["id"]: b["item_id"] for b in rows.batches}
    for m in rows.movements:
        balance[(m["warehouse_id"], m["batch_id"])] += m["quantity"]
    if balance:  # derived rows, not records: one plain executemany, no trail
        keys = sorted(balance)
        executemany(uow.session.connection(), StockBalance.__table__, ["warehouse_id", "batch_id", "item_id", "quantity"],
                    [[w for w, _b in keys], [b for _w, b in keys], [batch_item[b] for _w, b in keys],
                     [balance[k] for k in keys]])
    ctx.wrote(MinimumStock, uow.insert_rows(MinimumStock, rows.minimums))
    ctx.wrote(PlanSupplyNeed, uow.insert_rows(PlanSupplyNeed, rows.needs))
    ctx.wrote(PlanStaffNeed, uow.insert_rows(PlanStaffNeed, rows.staff))
    counts["warehouses"] += len(rows.warehouses)
    counts["batches"] += len(rows.batches)
    counts["movements"] += len(rows.movements)


def _doc(docs: dict[str, int], prefix: str, day: date) -> str:
    docs[prefix + str(day.year)] += 1
    return f"{prefix}{day.year}{docs[prefix + str(day.year)]:06d}"


def _move(kind: str, doc_no: str, day: date, b: _Batch, quantity: int, reason: str, handler: str,
          counterparty: str = "", warehouse_id: int | None = None) -> dict[str, Any]:
    return {"kind": kind, "doc_no": doc_no, "moved_on": day, "batch_id": b.id,
            "warehouse_id": b.warehouse_id if warehouse_id is None else warehouse_id, "quantity": quantity,
            "reason": reason, "handler": handler, "counterparty": counterparty, "pair_id": None}


def _ledger(rng: random.Random, b: _Batch, expires: date | None, condition: str, as_of: date,
            docs: dict[str, int], *, reserve: bool, transfer_to: int | None = None) -> list[dict[str, Any]]:
    """The batch's movements in date order, its quantity never below zero (``transfer_to``: part of it
    is transferred to that warehouse early on, two legs under one document number)."""
    handler = person_name(rng)
    out = [_move("receive", _doc(docs, "RK", b.received), b.received, b, b.quantity, "采购入库",
                 handler, rng.choice(SUPPLIERS))]
    left = b.quantity
    day = b.received
    end = min(as_of, expires) if expires is not None else as_of
    if transfer_to is not None:
        moved_on = day + timedelta(days=rng.randrange(20, 120))
        if moved_on <= end:
            qty = max(1, left // rng.choice((5, 10)))
            doc = _doc(docs, "DB", moved_on)
            out.append(_move("transfer_out", doc, moved_on, b, -qty, "跨区调拨支援", handler, "调入储备库"))
            out.append(_move("transfer_in", doc, moved_on, b, qty, "跨区调拨支援", handler, "调出储备库",
                             warehouse_id=transfer_to))
            left -= qty
            day = moved_on
    reasons = RESERVE_ISSUE_REASONS if reserve else ISSUE_REASONS
    parties = ("街道防汛站", "区防汛抗旱指挥部", "区应急管理局", "村（社区）委员会") if reserve else \
        ("生产部", "安全环保部", "维修班", "应急救援队")
    for _ in range(rng.choice((1, 2, 3, 3, 4, 5))):
        day = day + timedelta(days=rng.randrange(15, 200))
        if day > end or left <= 0:
            break
        qty = max(1, int(left * rng.uniform(0.05, 0.3)))
        if b.item.kind == "equipment" and not reserve:
            qty = 1
        qty = min(qty, left - b.keep)
        if qty <= 0:
            break
        left -= qty
        out.append(_move("issue", _doc(docs, "CK", day), day, b, -qty, rng.choice(reasons), handler,
                         rng.choice(parties)))
    if rng.random() < 0.15 and left > 0:  # a count found a difference of a unit
        counted = day + timedelta(days=rng.randrange(10, 90))
        if counted <= as_of:
            delta = rng.choice((-1, 1)) if left > b.keep else 1
            left += delta
            out.append(_move("adjust", _doc(docs, "PD", counted), counted, b, delta,
                             ADJUST_REASONS[0] if delta > 0 else ADJUST_REASONS[1], handler))
            day = counted
    written_off = expires is not None and expires < as_of and rng.random() < 0.55
    if (written_off or condition == "scrapped") and left > 0:
        scrapped = (max(day, expires) if written_off and expires else day) + timedelta(days=rng.randrange(1, 30))
        if scrapped <= as_of:
            out.append(_move("scrap", _doc(docs, "BF", scrapped), scrapped, b, -left,
                             SCRAP_REASONS[0] if written_off else rng.choice(SCRAP_REASONS[1:]), handler))
    return out
