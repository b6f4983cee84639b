"""账实核对 and its command line: a tampered balance is found and named; ``list supplies`` and
``stock reconcile`` (exit 1 naming each difference)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from models.supplies.reconcile import check, reconcile
from tests.cli.test_cli import db_arg, run
from tests.models.supplies.world import add_batch, build, move


def _tamper(db, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    """Change the stored data behind the application's back (what reconcile must catch)."""
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_reconcile_finds_a_tampered_balance_and_names_it(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=10)
    move(db, "transfer", w.batch, w.north, 4, to_warehouse_id=w.south)
    with db.read() as s:
        result = check(s)
    assert result.ok and result.checked == 2
    _tamper(db, "UPDATE stock_balance SET quantity = 9 WHERE warehouse_id = :w AND batch_id = :b", w=w.north, b=w.batch)
    with db.read() as s:
        [diff] = reconcile(s)
    assert (diff.warehouse_id, diff.batch_id, diff.balance, diff.ledger, diff.difference) == (w.north, w.batch, 9, 6, 3)
    assert diff.describe() == (f"北城区应急物资储备库（编号 {w.north}）的正压式空气呼吸器批次 B2026-01（编号 {w.batch}）："
                               "库存余额 9 套，出入库记录合计 6 套，相差 +3")


def test_reconcile_finds_missing_and_orphan_balances_and_negatives(db) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=5)
    other = add_batch(db, w.item, "B2026-02", date(2028, 1, 1))
    move(db, "receive", other, w.south, 2)
    _tamper(db, "DELETE FROM stock_balance WHERE warehouse_id = :w AND batch_id = :b", w=w.south, b=other)
    _tamper(db, "INSERT INTO stock_balance (warehouse_id, batch_id, item_id, quantity) VALUES (:w, :b, :i, -1)",
            w=w.south, b=w.batch, i=w.item)
    with db.read() as s:
        found = {(d.warehouse_id, d.batch_id): d for d in reconcile(s)}
    assert set(found) == {(w.south, other), (w.south, w.batch)}
    assert found[(w.south, other)].balance is None
    assert found[(w.south, other)].describe().endswith("出入库记录合计 2 套，但没有库存余额记录")
    assert found[(w.south, w.batch)].describe().endswith("库存余额 -1 套，出入库记录合计 0 套，相差 -1")


def test_cli_stock_reconcile(db, capsys) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=3)
    code, out, err = run(capsys, "--db", db_arg(db), "stock", "reconcile")
    assert code == 0 and out.startswith("核对无误：1 个库存余额") and err == ""
    _tamper(db, "UPDATE stock_balance SET quantity = 30")
    code, out, err = run(capsys, "--db", db_arg(db), "stock", "reconcile")
    assert code == 1
    assert out.strip().endswith("库存余额 30 套，出入库记录合计 3 套，相差 +27")
    assert "1 个库存余额中有 1 处与出入库记录不符" in err
    assert w.batch


def test_cli_list_supplies(db, capsys) -> None:  # type: ignore[no-untyped-def]
    w = build(db, receive=4)
    soon = add_batch(db, w.item, "B2025-11", date(2026, 12, 20))
    move(db, "receive", soon, w.south, 2)
    code, out, err = run(capsys, "--db", db_arg(db), "list", "supplies", "--as-of", "2026-12-03", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["warehouse"], r["batch_no"], r["book_quantity"], r["usable_quantity"]) for r in rows] == [
        ("北城区应急物资储备库", "B2026-01", 4, 4), ("南城区应急物资储备库", "B2025-11", 2, 2)]
    assert rows[1]["alerts"] == ["30 天内到期（有效期至 2026-12-20，还有 17 天到期）"]
    assert rows[0]["category"] == "2010101 正压式空气呼吸器" and rows[0]["expires_on"] == "2027-06-30"
    code, out, err = run(capsys, "--db", db_arg(db), "list", "supplies", "--warehouse", str(w.south),
                         "--as-of", "2026-12-21")
    assert code == 0
    assert out.split("\t")[:6] == ["南城区应急物资储备库", "HX-001", "正压式空气呼吸器", "B2025-11", "2 套", "可用 0 套"]
    assert "已过期（有效期至 2026-12-20，已过期 1 天）" in out
    assert "共 1 条库存（批次 × 储备库），其中 1 条有预警（按 2026-12-21 计算）" in err


@pytest.mark.parametrize(("argv", "message"), [
    (("list", "supplies", "--warehouse", "999"), "找不到储备库（编号 999）"),
    (("list", "supplies", "--as-of", "2026-13-01"), "参数 --as-of"),
])
def test_cli_list_supplies_errors(db, capsys, argv: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run(capsys, "--db", db_arg(db), *argv)
    assert code in (1, 2) and message in err
