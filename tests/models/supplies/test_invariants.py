"""The ledger's invariants, property-based (Hypothesis) on both backends: stock never goes negative,
every balance is the sum of its movements, a transfer conserves the batch's total, a refused movement
changes nothing — and two desks issuing the last units at once: one succeeds, the other is refused."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models.core.errors import ValidationError
from models.core.uow import Actor, unit_of_work
from models.supplies import movements as mv
from models.supplies import service as ss
from models.supplies.entities import StockBalance, StockMovement
from models.supplies.movements import MovementData, StockError
from models.supplies.reconcile import reconcile
from tests.factories import TESTER
from tests.models.supplies.world import DAY, add_batch, build

OPS = st.lists(st.tuples(st.sampled_from(["receive", "issue", "transfer", "scrap", "adjust"]),
                         st.integers(0, 2), st.integers(0, 2), st.integers(1, 8), st.booleans()),
               min_size=1, max_size=12)


def _stored(db, batch: int) -> dict[int, int]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return dict(s.execute(select(StockBalance.warehouse_id, StockBalance.quantity)
                              .where(StockBalance.batch_id == batch)).all())


def test_movement_invariants(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    with unit_of_work(db, TESTER) as uow:
        east = ss.create_warehouse(uow, ss.WarehouseData(name="东城区应急物资储备库",
                                                         region_id=ss.load_warehouse(uow.session, w.north)[0].region_id))
    places = [w.north, w.south, east]
    numbers = itertools.count()

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=OPS)
    def run(ops: list[tuple[str, int, int, int, bool]]) -> None:
        batch = add_batch(db, w.item, f"P-{next(numbers)}", DAY + timedelta(days=400))
        model: Counter[int] = Counter()
        added = 0  # what came in or went out of the warehouses as a whole (transfers excluded)
        for kind, a, b, qty, down in ops:
            quantity = -qty if kind == "adjust" and down else qty
            data = MovementData(kind=kind, batch_id=batch, warehouse_id=places[a], quantity=quantity, moved_on=DAY,
                                reason="盘点" if kind in ("adjust", "scrap") else "",
                                to_warehouse_id=places[b] if kind == "transfer" else None)
            before = _stored(db, batch)
            try:
                with unit_of_work(db, TESTER) as uow:
                    mv.post(uow, data)
            except StockError:
                assert _stored(db, batch) == before  # refused: nothing changed
                out = -quantity if kind in ("adjust",) else quantity
                assert model[places[a]] - out < 0  # and only because it would have gone negative
                continue
            except ValidationError:
                assert kind == "transfer" and a == b
                continue
            if kind == "transfer":
                model[places[a]] -= qty
                model[places[b]] += qty
            else:
                delta = {"receive": qty, "issue": -qty, "scrap": -qty, "adjust": quantity}[kind]
                model[places[a]] += delta
                added += delta
            stored = _stored(db, batch)
            assert all(v >= 0 for v in stored.values())  # never negative
            assert {k: v for k, v in stored.items() if v} == {k: v for k, v in model.items() if v}
            assert sum(stored.values()) == added  # a transfer conserves the batch's total
        with db.read() as s:
            ledger = dict(s.execute(select(StockMovement.warehouse_id, func.sum(StockMovement.quantity))
                                    .where(StockMovement.batch_id == batch)
                                    .group_by(StockMovement.warehouse_id)).all())
            assert {k: int(v) for k, v in ledger.items()} == {k: v for k, v in _stored(db, batch).items()}
            assert reconcile(s) == []  # balance = sum of movements, everywhere

    run()


def test_post_many_keeps_the_same_invariants(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    numbers = itertools.count()

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=OPS)
    def run(ops: list[tuple[str, int, int, int, bool]]) -> None:
        batch = add_batch(db, w.item, f"M-{next(numbers)}", None)
        places = [w.north, w.south, w.south]
        rows = [MovementData(kind=k, batch_id=batch, warehouse_id=places[a], moved_on=DAY, reason="导入",
                             quantity=-q if k == "adjust" and down else q,
                             to_warehouse_id=places[b] if k == "transfer" else None)
                for k, a, b, q, down in ops if k != "transfer" or places[a] != places[b]]
        running: Counter[int] = Counter()
        fits = True
        for r in rows:
            legs = ([(r.warehouse_id, -r.quantity), (r.to_warehouse_id, r.quantity)] if r.kind == "transfer" else
                    [(r.warehouse_id, -r.quantity if r.kind in ("issue", "scrap") else r.quantity)])
            for place, delta in legs:
                running[place] += delta
                fits = fits and running[place] >= 0
        try:
            with unit_of_work(db, TESTER) as uow:
                mv.post_many(uow, rows)
        except StockError:
            assert not fits and _stored(db, batch) == {}  # all or nothing
            return
        assert fits and {k: v for k, v in _stored(db, batch).items() if v} == {k: v for k, v in running.items() if v}
        with db.read() as s:
            assert reconcile(s) == []

    run()


def test_two_desks_issuing_the_last_units_at_once(db) -> None:  # type: ignore[no-untyped-def]
    """Each round: 3 left, two desks each issue 2 (or the last 3) at the same moment; exactly one
    succeeds and the other is refused with what is left, never both."""
    w = build(db, receive=0)
    for round_no, (first, second) in enumerate([(2, 2), (3, 3), (2, 3), (3, 2)]):
        batch = add_batch(db, w.item, f"C-{round_no}", date(2028, 1, 1))
        with unit_of_work(db, TESTER) as uow:
            mv.post(uow, MovementData("receive", batch, w.north, 3, DAY))
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def desk(name: str, quantity: int, batch: int = batch, start: threading.Barrier = start,
                 outcomes: dict[str, object] = outcomes) -> None:
            start.wait(timeout=10)
            try:
                with unit_of_work(db, Actor(name)) as uow:
                    mv.post(uow, MovementData("issue", batch, w.north, quantity, DAY, handler=name))
                outcomes[name] = "ok"
            except StockError as exc:
                outcomes[name] = exc

        threads = [threading.Thread(target=desk, args=(name, q)) for name, q in (("一号台", first), ("二号台", second))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(type(v).__name__ if v != "ok" else "ok" for v in outcomes.values()) == ["StockError", "ok"]
        refused = next(v for v in outcomes.values() if v != "ok")
        winner = next(k for k, v in outcomes.items() if v == "ok")
        taken = first if winner == "一号台" else second
        assert f"现有 {3 - taken} 套" in str(refused)
        assert _stored(db, batch) == {w.north: 3 - taken}
        with db.read() as s:
            issues = s.scalar(select(func.count(StockMovement.id)).where(StockMovement.batch_id == batch,
                                                                        StockMovement.kind == "issue"))
        assert issues == 1
    with db.read() as s:
        assert reconcile(s) == []
