"""The movement ledger through the write path, on both backends: every kind, the balance kept with it,
refusals that write nothing (negative stock, unusable issues), transfers in two legs, imports all or
nothing, first-expiry-first-out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models.core.audit import history
from models.core.errors import ImmutableError, ValidationError
from models.core.uow import unit_of_work
from models.supplies import movements as mv
from models.supplies import service as ss
from models.supplies.entities import StockBalance, StockMovement
from models.supplies.movements import MovementData, StockError
from models.supplies.reconcile import reconcile
from tests.factories import TESTER
from tests.models.supplies.world import DAY, add_batch, build, move


def balance(db, warehouse: int, batch: int) -> int | None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(StockBalance.quantity).where(StockBalance.warehouse_id == warehouse,
                                                            StockBalance.batch_id == batch))


def ledger_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return int(s.scalar(select(func.count(StockMovement.id))) or 0)


def test_receive_issue_scrap_adjust_keep_the_balance(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=10)
    move(db, "issue", w.batch, w.north, 3, counterparty="北城区消防救援大队", reason="火灾救援")
    move(db, "scrap", w.batch, w.north, 1, reason="面罩破损")
    move(db, "adjust", w.batch, w.north, -2, reason="盘点短少")
    move(db, "adjust", w.batch, w.north, 1, reason="盘点多出")
    assert balance(db, w.north, w.batch) == 5
    with db.read() as s:
        rows = s.execute(select(StockMovement.kind, StockMovement.quantity).order_by(StockMovement.id)).all()
        assert reconcile(s) == []
    assert [tuple(r) for r in rows] == [("receive", 10), ("issue", -3), ("scrap", -1), ("adjust", -2), ("adjust", 1)]


def test_a_transfer_is_two_legs_with_one_document_that_conserve_stock(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=10)
    out_id, in_id = move(db, "transfer", w.batch, w.north, 4, to_warehouse_id=w.south, doc_no="DB-2026-07")
    assert (balance(db, w.north, w.batch), balance(db, w.south, w.batch)) == (6, 4)
    with db.read() as s:
        legs = {m.id: m for m in s.scalars(select(StockMovement).where(StockMovement.doc_no == "DB-2026-07"))}
    assert legs[out_id].kind == "transfer_out" and legs[out_id].quantity == -4 and legs[out_id].pair_id == in_id
    assert legs[in_id].kind == "transfer_in" and legs[in_id].quantity == 4 and legs[in_id].pair_id == out_id
    assert legs[in_id].warehouse_id == w.south


def test_a_movement_that_would_go_negative_is_refused_naming_the_stock_and_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=5)
    before = ledger_count(db)
    with pytest.raises(StockError) as exc:
        move(db, "issue", w.batch, w.north, 6)
    assert str(exc.value) == ("库存不足：北城区应急物资储备库的正压式空气呼吸器（批次 B2026-01）现有 5 套，"
                              "不够出库 6 套。没有写入任何内容。")
    with pytest.raises(StockError, match="现有 0 套，不够调出 1 套"):
        move(db, "transfer", w.batch, w.south, 1, to_warehouse_id=w.north)
    with pytest.raises(StockError, match="不够盘点调整 9 套"):
        move(db, "adjust", w.batch, w.north, -9, reason="盘亏")
    assert ledger_count(db) == before and balance(db, w.north, w.batch) == 5
    assert balance(db, w.south, w.batch) is None


def test_issuing_an_expired_or_failed_batch_is_refused_but_it_can_be_scrapped(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    old = add_batch(db, w.item, "B2024-09", date(2026, 11, 30))
    move(db, "receive", old, w.north, 4, moved_on=date(2025, 1, 10))
    move(db, "issue", old, w.north, 1, moved_on=date(2026, 11, 30))  # its last day: still usable
    with pytest.raises(StockError) as exc:
        move(db, "issue", old, w.north, 1)
    assert str(exc.value).startswith("该批次已于 2026-11-30 过期，不能出库（正压式空气呼吸器 批次 B2024-09）")
    move(db, "transfer", old, w.north, 1, to_warehouse_id=w.south)  # moved to be disposed of: allowed
    move(db, "scrap", old, w.north, 2, reason="过期报废")
    assert balance(db, w.north, old) == 0
    with unit_of_work(db, TESTER) as uow:
        ss.record_inspection(uow, ss.InspectionData(batch_id=w.batch, inspected_on=DAY, inspector="王五",
                                                    result="repair", notes="减压阀漏气"))
    move(db, "receive", w.batch, w.north, 2)  # receiving a batch under repair is fine
    with pytest.raises(StockError, match="该批次状态为“待修”，不能出库"):
        move(db, "issue", w.batch, w.north, 1)


@pytest.mark.parametrize(("kw", "field", "message"), [
    ({"quantity": 0}, "quantity", "应为 1 到 10000000 之间的整数"),
    ({"quantity": -3}, "quantity", "应为 1 到 10000000 之间的整数"),
    ({"kind": "transfer"}, "to_warehouse_id", "请选择调入的储备库"),
    ({"kind": "scrap", "reason": ""}, "reason", "报废请写明原因"),
    ({"kind": "adjust", "quantity": 0, "reason": "盘点"}, "quantity", "盘点调整的数量不能为 0（盘盈为正，盘亏为负）"),
    ({"kind": "lend"}, "kind", "请从 入库、出库、调拨、报废、盘点调整 中选择"),
    ({"moved_on": None}, "moved_on", "请填写日期"),
    ({"handler": "张" * 33}, "handler", "最多 32 个字，现为 33 个字"),
])
def test_bad_fields_are_refused_in_chinese(db, kw: dict[str, object], field: str, message: str) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=5)
    data = MovementData(kind="issue", batch_id=w.batch, warehouse_id=w.north, quantity=1, moved_on=DAY)
    for k, v in kw.items():
        setattr(data, k, v)
    with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
        mv.post(uow, data)
    assert [e.message for e in exc.value.for_field(field)] == [message]


def test_same_warehouse_transfer_and_deleted_places_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=5)
    with pytest.raises(ValidationError, match="调入与调出的储备库不能相同"):
        move(db, "transfer", w.batch, w.north, 1, to_warehouse_id=w.north)
    with db.read() as s:
        _data, version = ss.load_warehouse(s, w.south)
    with unit_of_work(db, TESTER) as uow:
        ss.delete_warehouse(uow, w.south, version)
    with pytest.raises(ValidationError, match="调入储备库：所选储备库已不存在或已删除"):
        move(db, "transfer", w.batch, w.north, 1, to_warehouse_id=w.south)


def test_document_numbers_are_given_by_kind_and_day(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=10)
    move(db, "issue", w.batch, w.north, 1)
    move(db, "issue", w.batch, w.north, 1)
    move(db, "receive", w.batch, w.north, 1, moved_on=date(2026, 12, 4))
    with db.read() as s:
        docs = list(s.scalars(select(StockMovement.doc_no).order_by(StockMovement.id)))
    assert docs == ["RK-1", "CK-20261203-0001", "CK-20261203-0002", "RK-20261204-0001"]


def test_movements_are_audited_and_never_changed(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=3)
    [mid] = move(db, "issue", w.batch, w.north, 1, reason="演练领用")
    with db.read() as s:
        trail = history(s, "stock_movement", mid)
    fields = {c.field: c.after for c in trail}
    assert {c.action for c in trail} == {"insert"} and trail[0].actor == TESTER.name
    assert fields["quantity"] == -1 and fields["reason"] == "演练领用" and fields["kind"] == "issue"
    with pytest.raises(ImmutableError), unit_of_work(db, TESTER) as uow:
        row = uow.session.get(StockMovement, mid)
        row.quantity = -2
        uow.session.flush()


def test_post_many_is_all_or_nothing_and_names_the_row(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    before = ledger_count(db)
    rows = [MovementData("receive", w.batch, w.north, 5, DAY, handler="导入"),
            MovementData("issue", w.batch, w.north, 3, DAY),
            MovementData("issue", w.batch, w.north, 3, DAY)]
    with pytest.raises(StockError, match=r"^第 3 行：库存不足：.*现有 2 套，不够出库 3 套"), unit_of_work(db, TESTER) as uow:
        mv.post_many(uow, rows)
    with pytest.raises(ValidationError, match="第 2 行的数量：应为 1 到 10000000 之间的整数"), \
            unit_of_work(db, TESTER) as uow:
        mv.post_many(uow, [rows[0], MovementData("issue", w.batch, w.north, 0, DAY)])
    assert ledger_count(db) == before and balance(db, w.north, w.batch) is None
    with unit_of_work(db, TESTER) as uow:
        ids = mv.post_many(uow, [*rows[:2], MovementData("transfer", w.batch, w.north, 2, DAY, to_warehouse_id=w.south)])
    assert len(ids) == 4 and (balance(db, w.north, w.batch), balance(db, w.south, w.batch)) == (0, 2)
    with db.read() as s:
        assert reconcile(s) == []


def test_fefo_proposes_the_first_expiry_over_usable_stock(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=2)  # B2026-01 expires 2027-06-30
    soon = add_batch(db, w.item, "B2025-03", date(2027, 1, 31))
    never = add_batch(db, w.item, "B-NOEXP", None)
    gone = add_batch(db, w.item, "B2023-01", date(2026, 12, 1))
    for batch, qty in ((soon, 3), (never, 5), (gone, 9)):
        move(db, "receive", batch, w.north, qty, moved_on=date(2026, 1, 5))
    move(db, "receive", w.batch, w.south, 7)
    with db.read() as s:
        assert mv.fefo(s, w.north, w.item, 4, DAY) == [(soon, 3), (w.batch, 1)]
        assert mv.fefo(s, w.north, w.item, 10, DAY) == [(soon, 3), (w.batch, 2), (never, 5)]
        picks = mv.fefo_picks(s, w.north, w.item, 1, DAY)
        assert picks[0].batch_no == "B2025-03" and picks[0].available == 3
        with pytest.raises(StockError) as exc:
            mv.fefo(s, w.north, w.item, 11, DAY)
        assert mv.fefo(s, w.north, w.item, 11, DAY, partial=True)[-1] == (never, 5)
    assert str(exc.value) == ("可用库存不足：北城区应急物资储备库的正压式空气呼吸器可用 10 套，需要 11 套"
                              "（过期、待修、报废的不计）。")


def test_the_balance_update_is_conditional_even_past_the_writer_lock(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A writer that read a stale balance (as if the writer lock had let two in) cannot take stock
    that is no longer there: the conditional UPDATE matches nothing and the movement is refused."""
    w = build(db, receive=1)
    real = mv._balances
    monkeypatch.setattr(mv, "_balances", lambda session, keys: {k: v + 5 for k, v in real(session, keys).items()})
    with pytest.raises(StockError, match="现有 1 套，已被他人同时领用。没有写入任何内容。"):
        move(db, "issue", w.batch, w.north, 3)
    monkeypatch.setattr(mv, "_balances", real)
    assert balance(db, w.north, w.batch) == 1
    with db.read() as s:
        assert reconcile(s) == []


def test_check_many_lists_every_problem_of_a_file_without_writing(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=0)
    old = add_batch(db, w.item, "B2020-01", date(2026, 1, 1))
    rows = [MovementData("receive", w.batch, w.north, 5, DAY),
            MovementData("issue", w.batch, w.north, 9, DAY),  # only 5 there
            MovementData("issue", w.batch, w.north, 5, DAY),  # fine: row 2 is left out
            MovementData("issue", w.batch, w.north, 0, DAY),
            MovementData("issue", 99999, w.north, 1, DAY),
            MovementData("receive", old, w.north, 2, DAY),
            MovementData("issue", old, w.north, 1, DAY),  # expired
            MovementData("transfer", w.batch, w.north, 1, DAY, to_warehouse_id=w.south)]  # nothing left
    before = ledger_count(db)
    with db.read() as s:
        problems = mv.check_many(s, rows)
    assert [(p.row, p.field, p.stock) for p in problems] == [
        (4, "quantity", False), (5, "batch_id", False), (2, "quantity", True), (7, "batch_id", True),
        (8, "quantity", True)]
    assert str(problems[2]) == ("第 2 行的数量：库存不足：北城区应急物资储备库的正压式空气呼吸器（批次 B2026-01）"
                                "现有 5 套，不够出库 9 套。")
    assert problems[3].message.startswith("该批次已于 2026-01-01 过期，不能出库")
    assert ledger_count(db) == before
    with pytest.raises(ValidationError) as exc, unit_of_work(db, TESTER) as uow:
        mv.post_many(uow, rows)
    assert [str(e) for e in exc.value.errors] == ["第 4 行的数量：应为 1 到 10000000 之间的整数",
                                                  "第 5 行的批次：所选批次已不存在或已删除"]
    assert ledger_count(db) == before


def test_movements_posted_together_share_one_trail_row_that_still_names_each_record(db) -> None:  # type: ignore[no-untyped-def]
    """Movements are never changed, so the legs of one posting (a transfer here; an import, the demo)
    share one 批量新建 trail row holding each record's digest: the history of each leg shows it, and
    `audit verify` still names the very record edited, deleted or added behind the program's back."""
    from sqlalchemy import text

    from models.core.audit import BULK_INSERT, verify_chain, verify_data
    from models.core.entities import AuditLog
    from models.modules import entity_classes

    w = build(db, receive=10)
    out_id, in_id = move(db, "transfer", w.batch, w.north, 4, to_warehouse_id=w.south, doc_no="DB-2026-08")
    third = move(db, "issue", w.batch, w.north, 1)
    with db.read() as s:
        bulk = s.execute(select(AuditLog.entity_id, AuditLog.changes).where(
            AuditLog.entity == "stock_movement", AuditLog.action == BULK_INSERT)).all()
        assert [b.entity_id for b in bulk] == [min(out_id, in_id)]
        assert not s.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.entity == "stock_movement", AuditLog.entity_id.in_([out_id, in_id]),
            AuditLog.action != BULK_INSERT))
        for leg in (out_id, in_id):
            (change,) = history(s, "stock_movement", leg)
            assert change.action_label == "批量新建" and change.field == "*" and change.actor == TESTER.name
        assert verify_data(s, entity_classes()).ok
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_movement SET quantity = 40 WHERE id = :id"), {"id": in_id})
        conn.execute(text("UPDATE stock_movement SET reason = '改' WHERE id = :id"), {"id": third[0]})
    with db.read() as s:
        assert verify_chain(s).ok
        report = verify_data(s, entity_classes())
    named = {(d.entity, d.entity_id): d.message for d in report.differences}
    assert set(named) == {("stock_movement", in_id), ("stock_movement", third[0])}
    assert "批量新建时的审计摘要不符" in named[("stock_movement", in_id)]
    assert "字段“" in named[("stock_movement", third[0])]  # a movement posted alone: its own insert row
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_movement SET quantity = 4 WHERE id = :id"), {"id": in_id})
        conn.execute(text("UPDATE stock_movement SET reason = '' WHERE id = :id"), {"id": third[0]})
        conn.execute(text("UPDATE stock_movement SET pair_id = NULL WHERE id = :id"), {"id": out_id})
        conn.execute(text("DELETE FROM stock_movement WHERE id = :id"), {"id": in_id})
    with db.read() as s:
        report = verify_data(s, entity_classes())
    messages = {d.entity_id: d.message for d in report.differences}
    assert set(messages) == {out_id, in_id}
    assert "数据库中没有（记录被绕过程序删除）" in messages[in_id]
