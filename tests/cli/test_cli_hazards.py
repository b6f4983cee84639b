"""The oversight commands of the hazards helper: list hazards (status, overdue, as-of, JSON), blacklist
list / suggest / add / remove with Chinese errors and exit 1."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from desktop.cli import HAZARD_STATUS_KEYS
from models.core.database import Database
from models.enterprises.entities import Enterprise
from models.oversight import rules
from tests.cli.test_cli import db_arg, run
from tests.models.oversight.hazards_world import AS_OF, World, build, close, finding, inspect


@pytest.fixture
def world(sqlite_db: Database) -> World:
    w = build(sqlite_db)
    a, b, _c = w.enterprises
    inspect(sqlite_db, w, a, date(2026, 9, 1), finding(deadline=date(2026, 10, 1)), finding(deadline=date(2026, 11, 1)),
            finding("major", deadline=date(2027, 3, 1), description="液氯储罐区泄漏报警失效"))
    done = inspect(sqlite_db, w, b, date(2026, 9, 1), finding(deadline=date(2026, 10, 1))).hazard_ids[0]
    close(sqlite_db, done, date(2026, 9, 10))
    return w


def test_status_keys_agree_with_the_reference_data() -> None:
    assert tuple(rules.catalog().statuses) == HAZARD_STATUS_KEYS


def test_list_hazards(sqlite_db: Database, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("--db", db_arg(sqlite_db), "list", "hazards", "--as-of", AS_OF.isoformat())
    code, out, err = run(capsys, *base, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 4
    code, out, err = run(capsys, *base, "--overdue", "--json")
    overdue = json.loads(out)
    assert [(r["deadline"], r["days_overdue"], r["status"]) for r in overdue] == [
        ("2026-10-01", 60, "待整改"), ("2026-11-01", 29, "待整改")]
    code, out, err = run(capsys, *base, "--status", "closed")
    assert code == 0 and out.count("\n") == 1 and "已销号" in out and "销号" in out
    code, out, err = run(capsys, *base)
    assert "已逾期 60 天" in out and "重大隐患" in out
    assert err.strip() == "共 4 项隐患（其中逾期 2 项），按 2026-11-30"
    code, _out, err = run(capsys, *base, "--status", "done")
    assert code == 2 and "参数 --status 的取值" in err


def test_blacklist_suggest_add_list_remove(sqlite_db: Database, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    a = world.enterprises[0]
    db = ("--db", db_arg(sqlite_db))
    code, out, err = run(capsys, *db, "blacklist", "suggest", "--as-of", AS_OF.isoformat(), "--json")
    assert code == 0, err
    found = json.loads(out)
    assert [(c["enterprise_id"], c["reasons"]) for c in found] == [(a, ["逾期未整改隐患 2 项（阈值 2 项）"])]
    code, out, err = run(capsys, *db, "blacklist", "suggest", "--as-of", AS_OF.isoformat())
    assert "逾期未整改隐患 2 项（阈值 2 项）" in out and "共 1 家企业建议列入黑名单" in err
    code, out, err = run(capsys, *db, "blacklist", "add", str(a), "--reason", "两项隐患逾期未整改", "--by", "局务会",
                         "--on", "2026-11-30", "--decision-no", "临应急〔2026〕9号")
    assert code == 0, err
    assert out.strip() == f"已将企业 {a} 列入黑名单（2026-11-30，决定人 局务会）。"
    with sqlite_db.read() as s:
        assert s.get(Enterprise, a).blacklisted_on == date(2026, 11, 30)  # type: ignore[union-attr]
    code, out, err = run(capsys, *db, "blacklist", "add", str(a), "--reason", "again", "--by", "x", "--on", "2026-12-01")
    assert code == 1 and "已在黑名单中" in err and "Traceback" not in err
    code, out, err = run(capsys, *db, "blacklist", "suggest", "--as-of", AS_OF.isoformat(), "--json")
    assert json.loads(out) == []  # listed: no longer suggested
    code, out, err = run(capsys, *db, "blacklist", "list", "--json")
    assert [(e["enterprise_id"], e["decision_no"], e["current"]) for e in json.loads(out)] == [(a, "临应急〔2026〕9号", True)]
    code, out, err = run(capsys, *db, "blacklist", "remove", str(a), "--reason", "整改到位", "--by", "局务会",
                         "--on", "2026-11-29")
    assert code == 1 and "不能早于列入日期（2026-11-30）" in err
    day = (AS_OF + timedelta(days=10)).isoformat()
    code, out, err = run(capsys, *db, "blacklist", "remove", str(a), "--reason", "整改到位", "--by", "局务会", "--on", day)
    assert code == 0 and "移出黑名单" in out
    code, out, err = run(capsys, *db, "blacklist", "list")
    assert out == "" and "共 0 条在册黑名单企业" in err
    code, out, err = run(capsys, *db, "blacklist", "list", "--history")
    assert f"{day} 移出（整改到位，局务会）" in out
    code, out, err = run(capsys, *db, "blacklist", "remove", "9999", "--reason", "x", "--by", "y")
    assert code == 1 and "找不到企业（编号 9999）" in err
