"""The incident commands: list incidents with grade, received, reported and minutes late (JSON keys
in English, values as the data), its filters, and incident add with Chinese refusals."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from models.core.database import Database
from models.core.uow import unit_of_work
from models.oversight import incidents as inc
from models.oversight.incidents import IncidentData
from tests.cli.test_cli import db_arg, run
from tests.factories import TESTER


@pytest.fixture
def incidents(sqlite_db: Database) -> dict[str, int]:
    with unit_of_work(sqlite_db, TESTER) as uow:
        late = inc.create_incident(uow, IncidentData(
            title="商业综合体火灾事故", kind="fire", received_at=datetime(2026, 12, 3, 23, 40),
            reported_at=datetime(2026, 12, 4, 0, 41), deaths=3, serious_injuries=2, direct_loss_wan=800.0))
        on_time = inc.create_incident(uow, IncidentData(
            title="叉车伤害事故", kind="industrial", received_at=datetime(2026, 11, 2, 9, 0),
            reported_at=datetime(2026, 11, 2, 9, 30), deaths=1))
    return {"late": late, "on_time": on_time}


def test_list_incidents_json(sqlite_db: Database, incidents: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "incidents", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [incidents["late"], incidents["on_time"]]  # the newest first
    late = rows[0]
    assert late["grade"] == "larger" and late["grade_label"] == "较大事故"
    assert late["received_at"] == "2026-12-03T23:40" and late["reported_at"] == "2026-12-04T00:41"
    assert late["deadline"] == "2026-12-04T00:40"
    assert late["minutes_late"] == 1 and late["late"] is True and late["report_status"] == "late"
    assert late["kind"] == "fire" and late["deaths"] == 3 and late["direct_loss_wan"] == 800.0
    assert rows[1]["minutes_late"] is None and rows[1]["report_status"] == "on_time"
    assert all(k.isascii() for r in rows for k in r)
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "incidents", "--late", "--json")
    assert [r["id"] for r in json.loads(out)] == [incidents["late"]]
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "incidents", "--grade", "一般", "--json")
    assert [r["id"] for r in json.loads(out)] == [incidents["on_time"]]
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "incidents", "--from", "2026-12-01",
                         "--to", "2026-12-31", "--json")
    assert [r["id"] for r in json.loads(out)] == [incidents["late"]]


def test_list_incidents_text_and_refusals(sqlite_db: Database, incidents: dict[str, int],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "incidents")
    assert code == 0
    assert f"{incidents['late']}\t较大事故\t2026-12-03 23:40\t2026-12-04 00:41\t迟报 1 分钟\t火灾事故" in out
    assert err.strip() == "共 2 起事故（其中迟报或超时未报 1 起）"
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "incidents", "--grade", "巨大")
    assert code == 1 and "没有“巨大”这个事故等级，请用 特别重大、重大、较大、一般" in err
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "list", "incidents", "--from", "2026-12-31",
                         "--to", "2026-12-01")
    assert code == 1 and "结束日期不能早于起始日期" in err


def test_incident_add(sqlite_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "incident", "add", "--title", "隧道坍塌事故",
                         "--received", "2026-12-03 23:40", "--reported", "2026-12-04 00:41", "--deaths", "10",
                         "--kind", "建筑施工事故", "--json")
    assert code == 0, err
    row = json.loads(out)
    assert row["grade_label"] == "重大事故" and row["minutes_late"] == 1 and row["kind"] == "construction"
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "incident", "add", "--title", "x",
                         "--received", "2026-12-03 23:40", "--reported", "2026-12-03 23:00", "--deaths", "-1")
    assert code == 1
    assert "上报时间：不能早于接报时间 2026-12-03 23:40" in err and "死亡人数：不能为负数" in err
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "incident", "add", "--title", "x", "--received", "昨晚")
    assert code == 2 and "“昨晚”不是 YYYY-MM-DD HH:MM 格式的时间" in err
