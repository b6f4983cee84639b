"""The blacklist on both backends: add and remove with reason, date and who decided, the full history,
the mark on the enterprise kept in the same unit of work, refusals; and the suggestion rule at its
thresholds' and window's boundaries (the rule pure, the counts one grouped query per criterion)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.core.errors import StateError, ValidationError
from models.core.uow import unit_of_work
from models.enterprises.entities import Enterprise
from models.oversight import queries as hq
from models.oversight import rules
from models.oversight import service as hs
from tests.factories import TESTER
from tests.models.oversight.hazards_world import AS_OF, build, close, finding, inspect

FAR = AS_OF + timedelta(days=200)  # a deadline that is not overdue


def mark(db, enterprise_id: int) -> date | None:
    with db.read() as s:
        row = s.get(Enterprise, enterprise_id)
        assert row is not None
        return row.blacklisted_on


def test_reasons_at_the_thresholds() -> None:
    assert rules.blacklist_reasons({"hazards": 4, "major_hazards": 1, "overdue_hazards": 1, "penalties": 1}) == []
    reasons = rules.blacklist_reasons({"hazards": 6, "major_hazards": 2, "overdue_hazards": 2, "penalties": 2})
    assert [r.text for r in reasons] == ["12个月内发现隐患 6 项（阈值 5 项）", "12个月内发现重大隐患 2 项（阈值 2 项）",
                                         "逾期未整改隐患 2 项（阈值 2 项）", "12个月内受到行政处罚 2 次（阈值 2 次）"]
    assert rules.blacklist_candidates([rules.BlacklistFacts(1, {"hazards": 5}), rules.BlacklistFacts(2, {"hazards": 4})]) \
        == {1: [rules.Reason("hazards", 5, 5, "12个月内发现隐患 5 项（阈值 5 项）")]}
    assert rules.window_start(date(2026, 11, 30)) == date(2025, 11, 30)
    assert rules.in_window(date(2025, 12, 1), date(2026, 11, 30))
    assert not rules.in_window(date(2025, 11, 30), date(2026, 11, 30))
    assert not rules.in_window(date(2026, 12, 1), date(2026, 11, 30))


def test_add_remove_history_and_the_mark(db) -> None:
    w = build(db)
    ent = w.enterprises[0]
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.blacklist_add(uow, hs.ListingData(enterprise_id=ent, listed_on=None, reason=" ", decided_by=""))
    assert {e.field: e.message for e in caught.value.errors} == {"listed_on": "请填写", "reason": "请写明列入理由",
                                                                 "decided_by": "请填写"}
    with unit_of_work(db, TESTER) as uow:
        first = hs.blacklist_add(uow, hs.ListingData(ent, date(2026, 3, 1), "重大隐患逾期未整改", "局务会", "临应急〔2026〕5号"))
    assert mark(db, ent) == date(2026, 3, 1)
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.blacklist_add(uow, hs.ListingData(ent, date(2026, 4, 1), "再次", "局务会"))
    assert "已在黑名单中" in str(caught.value)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.blacklist_remove(uow, ent, hs.RemovalData(date(2026, 2, 1), "整改到位", "局务会"))
    assert {e.field: e.message for e in caught.value.errors} == {"removed_on": "不能早于列入日期（2026-03-01）"}
    with unit_of_work(db, TESTER) as uow:
        hs.blacklist_remove(uow, ent, hs.RemovalData(date(2026, 9, 1), "整改到位，信用修复", "局务会"))
    assert mark(db, ent) is None
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError) as caught:
        hs.blacklist_remove(uow, ent, hs.RemovalData(date(2026, 9, 2), "x", "y"))
    assert "不在黑名单中" in str(caught.value)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError) as caught:
        hs.blacklist_add(uow, hs.ListingData(ent, date(2026, 8, 1), "复发", "局务会"))
    assert caught.value.errors[0].message == "不能早于上次移出黑名单的日期（2026-09-01）"
    with unit_of_work(db, TESTER) as uow:
        second = hs.blacklist_add(uow, hs.ListingData(ent, date(2026, 11, 1), "再次发现重大隐患", "局务会"))
        hs.blacklist_add(uow, hs.ListingData(w.enterprises[1], date(2026, 10, 1), "拒不整改", "局长"))
    assert mark(db, ent) == date(2026, 11, 1)
    with db.read() as s:
        current = hq.blacklist_rows(s, hq.BlacklistFilter())
        history = hq.blacklist_rows(s, hq.BlacklistFilter(current=False, enterprise_id=ent))
        assert hq.blacklist_count(s, hq.BlacklistFilter(current=False)) == 3
    assert [(r.enterprise_id, r.listed_on) for r in current] == [(ent, date(2026, 11, 1)),
                                                                 (w.enterprises[1], date(2026, 10, 1))]
    assert [(r.id, r.state_label, r.removal_reason) for r in history] == [(second, "在册", ""),
                                                                          (first, "已移出", "整改到位，信用修复")]
    assert history[1].as_json()["removed_by"] == "局务会"


def test_suggestion_at_the_boundaries(db) -> None:
    w = build(db)
    a, b, c = w.enterprises
    start = rules.window_start(AS_OF)
    # a: 5 hazards in the window, one more on the day the window opens (outside it)
    inspect(db, w, a, start, finding(deadline=FAR))
    inspect(db, w, a, start + timedelta(days=1), *(finding(deadline=FAR) for _ in range(4)))
    inspect(db, w, a, AS_OF, finding(deadline=FAR))
    # b: 4 hazards, two of them overdue — one is due on AS_OF itself (in time), one closed late
    hb = inspect(db, w, b, date(2026, 9, 1), finding(deadline=date(2026, 11, 1)), finding(deadline=date(2026, 11, 29)),
                 finding(deadline=AS_OF), finding(deadline=date(2026, 10, 1))).hazard_ids
    close(db, hb[3], date(2026, 11, 20))
    # c: two penalties in the window, one before it
    with unit_of_work(db, TESTER) as uow:
        for day in (start, start + timedelta(days=1), AS_OF):
            hs.add_penalty(uow, hs.PenaltyData(enterprise_id=c, department_id=w.departments[0], kind="warning",
                                               decided_on=day))
    with db.read() as s:
        counts = hq.blacklist_counts(s, AS_OF)
        found = {r.enterprise_id: r for r in hq.blacklist_candidates(s, AS_OF)}
    assert counts[a]["hazards"] == 5 and counts[b] == {"hazards": 4, "overdue_hazards": 2}
    assert counts[c] == {"penalties": 2}
    assert set(found) == {a, b, c}
    assert found[a].reason_text == "12个月内发现隐患 5 项（阈值 5 项）"
    assert found[b].reason_text == "逾期未整改隐患 2 项（阈值 2 项）"
    assert found[c].reason_text == "12个月内受到行政处罚 2 次（阈值 2 次）"
    # a day earlier b's second hazard is not yet overdue (due that day); the window slides with as_of:
    # a's last hazard is not yet found but its first is in, c's first penalty in and its last not yet
    with db.read() as s:
        earlier = {r.enterprise_id: r.counts for r in hq.blacklist_candidates(s, AS_OF - timedelta(days=1))}
    assert set(earlier) == {a, c} and earlier[a]["hazards"] == 5 and earlier[c]["penalties"] == 2
    # a listed enterprise is no longer suggested (unless asked)
    with unit_of_work(db, TESTER) as uow:
        hs.blacklist_add(uow, hs.ListingData(a, AS_OF, found[a].reason_text, "局务会"))
    with db.read() as s:
        assert {r.enterprise_id for r in hq.blacklist_candidates(s, AS_OF)} == {b, c}
        listed = {r.enterprise_id: r for r in hq.blacklist_candidates(s, AS_OF, include_listed=True)}
    assert listed[a].listed and listed[a].as_json()["reasons"] == ["12个月内发现隐患 5 项（阈值 5 项）"]


def test_blacklisted_mark_shows_in_the_hazard_list(db) -> None:
    w = build(db)
    inspect(db, w, w.enterprises[0], date(2026, 11, 1), finding())
    with unit_of_work(db, TESTER) as uow:
        hs.blacklist_add(uow, hs.ListingData(w.enterprises[0], date(2026, 11, 2), "拒不整改", "局长"))
    with db.read() as s:
        row = hq.hazard_rows(s, hq.HazardFilter(as_of=AS_OF))[0]
    assert row.blacklisted and row.as_json()["blacklisted"] is True
