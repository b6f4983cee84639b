"""The demo's supplies: reserves per district and stores per enterprise, batches expired, expiring
and fine, two years of movements that never go negative and add up to the balances, plan needs and
GB 30077 minimums that some enterprises meet and some miss; a cancel leaves nothing behind."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.core.audit import verify_chain, verify_data
from models.core.errors import Cancelled
from models.core.progress import Progress
from models.modules import entity_classes
from models.supplies import demo as supply_demo
from models.supplies import shortfalls as sf
from models.supplies.demo import DEFAULT_AS_OF, ITEMS
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
from models.supplies.reconcile import reconcile
from plans import demo


def test_demo_supplies_are_a_consistent_two_year_ledger(db) -> None:  # type: ignore[no-untyped-def]
    # on both backends (PostgreSQL reserves the ids from its sequences)
    result = demo.generate(db, count=24, seed=3)
    assert "出入库记录" in result.message()
    as_of = DEFAULT_AS_OF
    with db.read() as s:
        warehouses = s.scalars(select(Warehouse)).all()
        batches = s.scalars(select(SupplyBatch)).all()
        moves = s.execute(select(StockMovement.kind, StockMovement.warehouse_id, StockMovement.batch_id,
                                 StockMovement.moved_on, StockMovement.id, StockMovement.quantity,
                                 StockMovement.doc_no, StockMovement.pair_id)
                          .order_by(StockMovement.moved_on, StockMovement.id)).all()
        balances = {(b.warehouse_id, b.batch_id): (b.quantity, b.item_id) for b in s.scalars(select(StockBalance))}
        items = {i.id: i for i in s.scalars(select(SupplyItem))}
        needs = s.scalar(select(func.count(PlanSupplyNeed.id)))
        minimums = s.scalar(select(func.count(MinimumStock.id)))
        short = sf.enterprise_minimums(s, as_of)
        staff = [line for line in sf.plan_need_lines(s, as_of) if line.line.is_staff]
        differences = reconcile(s)  # ``stock reconcile``: every balance is the sum of its movements
    kinds = Counter(w.kind for w in warehouses)
    assert kinds["reserve"] >= 2 and kinds["enterprise"] >= 10
    assert {i.name for i in items.values()} >= {"正压式空气呼吸器", "过滤式防毒面具", "沙袋", "救生衣", "抽水泵",
                                                "柴油发电机", "急救箱"}
    assert len(items) == len(ITEMS) and all(len(i.category_code) == 7 for i in items.values())

    # expiries spread across expired, expiring within 90 days and fine
    spread = Counter("none" if b.expires_on is None else "expired" if b.expires_on < as_of else
                     "expiring" if b.expires_on <= as_of + timedelta(days=90) else "fine" for b in batches)
    assert min(spread["expired"], spread["expiring"], spread["fine"]) > 0
    assert Counter(b.condition for b in batches)["good"] < len(batches)  # some 待修 or 报废

    assert differences == []

    # two years, every kind, never negative, the balances are the sums
    assert {m.kind for m in moves} == {"receive", "issue", "transfer_out", "transfer_in", "scrap", "adjust"}
    assert min(m.moved_on for m in moves) >= as_of - timedelta(days=731) and max(m.moved_on for m in moves) <= as_of
    running: dict[tuple[int, int], int] = defaultdict(int)
    for m in moves:
        running[(m.warehouse_id, m.batch_id)] += m.quantity
        assert running[(m.warehouse_id, m.batch_id)] >= 0, m
    assert {k: v for k, v in running.items()} == {k: q for k, (q, _item) in balances.items()}
    by_id = {m.id: m for m in moves}
    for m in moves:
        if m.kind in ("transfer_out", "transfer_in"):
            other = by_id[m.pair_id]
            assert other.doc_no == m.doc_no and other.quantity == -m.quantity and other.pair_id == m.id
            assert other.warehouse_id != m.warehouse_id and other.batch_id == m.batch_id

    # plans declare needs, hazardous-chemical units have minimums: some met, some short
    assert needs and minimums
    assert short and any(e.short for e in short) and any(not e.short for e in short)
    # and the minimum staff on duty of some plans: some within the on-shift headcount, some above it
    assert staff and any(n.line.shortfall for n in staff) and any(not n.line.shortfall for n in staff)


def test_a_demo_cancelled_in_the_supplies_step_leaves_nothing_behind(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(supply_demo, "CHUNK", 2)
    seen: list[int] = []

    def report(_done: int, _total: int, _message: str) -> None:
        with db.read() as s:
            seen.append(s.scalar(select(func.count(StockMovement.id))) or 0)
        if seen[-1] > 0 and "物资" in _message:
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        demo.generate(db, count=8, seed=2, progress=progress)
    assert max(seen) > 0  # movements had been committed before the cancel
    with db.read() as s:
        for cls in (Warehouse, SupplyItem, SupplyBatch, StockMovement, MinimumStock, PlanSupplyNeed, PlanStaffNeed):
            assert s.scalar(select(func.count(cls.id))) == 0, cls.__name__
        assert s.scalar(select(func.count()).select_from(StockBalance)) == 0
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok
