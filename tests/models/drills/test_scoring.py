"""Scoring through the write path (both backends): the frozen form, entries saved one by one and
checked, a stale sheet refused, submitting locks, evaluators kept apart until they submit, results."""

from __future__ import annotations

from datetime import date

import pytest

from models.core.errors import ConflictError, StateError, ValidationError
from models.core.uow import unit_of_work
from models.drills import scoring
from models.drills import service as ds
from models.drills.entities import Drill, ScoreSheet
from models.drills.evaluation import form_for
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _data, _published_plan, _version


def _held_drill(db) -> int:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    return did


def _sheet_version(db, sheet_id: int) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.get(ScoreSheet, sheet_id).version


def _fill(db, sheet_id: int, score: float) -> None:  # type: ignore[no-untyped-def]
    for item in form_for("live").items:
        value = score if item.kind == "score" else "是" if item.kind == "choice" else 2.0
        with unit_of_work(db, TESTER) as uow:
            scoring.enter(uow, sheet_id, item.key, value, _sheet_version(db, sheet_id))


def test_the_form_is_frozen_when_the_held_drill_is_evaluated(db) -> None:  # type: ignore[no-untyped-def]
    did = _held_drill(db)
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="实施后才能开始评估"):
        scoring.start_evaluation(uow, did)
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
    with db.read() as s:
        assert scoring.frozen_form(s, did) == form_for("live")
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="已经开始评估"):
        scoring.start_evaluation(uow, did)


def test_three_evaluators_score_apart_and_the_results_come_from_the_submitted_sheets(db) -> None:  # type: ignore[no-untyped-def]
    did = _held_drill(db)
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
        sheets = [scoring.add_evaluator(uow, did, name) for name in ("张评估", "李评估", "王评估")]
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="已是这次演练的评估人"):
        scoring.add_evaluator(uow, did, " 张评估 ")
    first = sheets[0]
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="只能打 1"):
        scoring.enter(uow, first, "run.command", 4, _sheet_version(db, first))
    stale = _sheet_version(db, first)
    with unit_of_work(db, TESTER) as uow:
        scoring.enter(uow, first, "run.command", 5, stale, comment="指令清晰")
    with unit_of_work(db, TESTER) as uow, pytest.raises(ConflictError):
        scoring.enter(uow, first, "run.command", 3, stale)  # a second window on the same sheet
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="未评分"):
        scoring.submit(uow, first, _sheet_version(db, first))
    _fill(db, first, 5)
    _fill(db, sheets[1], 5)
    with db.read() as s:
        views = {v.evaluator: v for v in scoring.sheets_for(s, did, "李评估")}
    assert views["李评估"].sheet is not None and views["张评估"].sheet is None  # not before 李 submits
    for sheet_id in sheets[:2]:
        with unit_of_work(db, TESTER) as uow:
            scoring.submit(uow, sheet_id, _sheet_version(db, sheet_id))
    with db.read() as s:
        views = {v.evaluator: v for v in scoring.sheets_for(s, did, "李评估")}
        result = scoring.results(s, did)
    assert views["张评估"].sheet is not None and views["王评估"].sheet is not None  # 王 is open, but 李 submitted
    assert result.evaluators == ("张评估", "李评估") and result.total == 100.0 and result.grade == "优"
    with unit_of_work(db, TESTER) as uow, pytest.raises(StateError, match="已提交，不能再修改"):
        scoring.enter(uow, first, "run.command", 1, _sheet_version(db, first))
    _fill(db, sheets[2], 1)
    with unit_of_work(db, TESTER) as uow:
        scoring.submit(uow, sheets[2], _sheet_version(db, sheets[2]))
    with db.read() as s:
        result = scoring.results(s, did)
        assert s.get(Drill, did).status == "conducting"
    assert result.grade in ("中", "良") and any(r.disagreement for r in result.items)


def _evaluated(db, names: tuple[str, ...], scores: tuple[float, ...], submitted: int) -> int:  # type: ignore[no-untyped-def]
    """A held drill with a sheet per name filled with its score; the first ``submitted`` submitted."""
    did = _held_drill(db)
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
        sheets = [scoring.add_evaluator(uow, did, name) for name in names]
    for sheet_id, score in zip(sheets, scores, strict=True):
        _fill(db, sheet_id, score)
    for sheet_id in sheets[:submitted]:
        with unit_of_work(db, TESTER) as uow:
            scoring.submit(uow, sheet_id, _sheet_version(db, sheet_id))
    return did


def test_the_overview_shows_progress_to_all_and_scores_only_to_who_may_see_them(db) -> None:  # type: ignore[no-untyped-def]
    did = _evaluated(db, ("张评估", "李评估", "王评估"), (5, 1, 3), submitted=2)
    items = len(form_for("live").items)
    with db.read() as s:
        desk = scoring.overview(s, did, TESTER.name)  # not an evaluator: the aggregate of the submitted
        own_open = scoring.overview(s, did, "王评估")
        submitted = scoring.overview(s, did, "张评估")
    assert desk is not None and own_open is not None and submitted is not None
    assert [(p.evaluator, p.status, p.entered) for p in desk.sheets] == [
        ("张评估", "submitted", items), ("李评估", "submitted", items), ("王评估", "open", items)]
    assert desk.submitted == 2 and desk.sheets[0].submitted_at is not None
    assert own_open.results is None  # 王 has not submitted: nobody's scores yet
    assert desk.results is not None and submitted.results == desk.results
    assert desk.results.evaluators == ("张评估", "李评估")  # the open sheet is not counted
    disputed = {r.item.key for r in desk.results.disagreements}
    scored_items = {i.key for i in form_for("live").items if i.kind == "score"}
    assert disputed == scored_items  # 5 against 1 on every scored item: above the spread
    with db.read() as s:
        drill = s.get(Drill, did)
        ent, plans = drill.enterprise_id, [p.plan_id for p in drill.plans]
    with unit_of_work(db, TESTER) as uow:
        other = ds.create(uow, _data(ent, plans))
    with db.read() as s:
        assert scoring.overview(s, other, TESTER.name) is None  # not evaluated yet


def test_the_lists_show_the_total_and_grade_of_the_submitted_sheets(db) -> None:  # type: ignore[no-untyped-def]
    from models.drills import queries as dq

    did = _evaluated(db, ("张评估", "李评估", "王评估"), (5, 3, 1), submitted=2)
    with db.read() as s:
        expected = scoring.results(s, did)
        (row,) = dq.rows(s, dq.DrillFilter())
        assert scoring.scores(s, [did, did + 999]) == {did: scoring.Score(expected.total, expected.grade, 2)}
        assert scoring.scores(s, []) == {}
    assert expected.total is not None and row.score == expected.total and row.grade == expected.grade


def test_evaluations_brought_in_at_once_are_checked_as_the_commands_check_them(db) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from models.drills.evaluation import Entry

    did = _held_drill(db)
    form = form_for("live")
    full = {i.key: Entry(5.0 if i.kind == "score" else "是" if i.kind == "choice" else 2.0) for i in form.items}
    record = scoring.EvaluationRecord(did, form, (scoring.SheetRecord("张评估", full, datetime(2026, 5, 13, 16)),
                                                  scoring.SheetRecord("李评估", dict(list(full.items())[:3]))))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="尚未实施"):
        scoring.import_evaluations(uow, [record])  # not held yet
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    bad = [({**full, "run.command": Entry(4.0)}, "只能打 1"), ({**full, "no.such": Entry(1.0)}, "没有“no.such”"),
           (dict(list(full.items())[:5]), "还有项未评分")]
    for entries, message in bad:
        wrong = scoring.EvaluationRecord(did, form, (scoring.SheetRecord("张评估", entries, datetime(2026, 5, 13)),))
        with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match=message) as caught:
            scoring.import_evaluations(uow, [wrong])
        assert caught.value.errors[0].label.startswith("第 1 条评估")
    twice = scoring.EvaluationRecord(did, form, (scoring.SheetRecord("张评估", {}), scoring.SheetRecord("张评估", {})))
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="只能有一份"):
        scoring.import_evaluations(uow, [twice])
    with unit_of_work(db, TESTER) as uow:
        done = scoring.import_evaluations(uow, [record])
    assert len(done.evaluations) == 1 and len(done.sheets) == 2 and len(done.entries) == len(form.items) + 3
    with db.read() as s:
        assert scoring.frozen_form(s, did) == form
        views = {v.evaluator: v for v in scoring.sheets_for(s, did, "张评估")}
        stored = s.get(ScoreSheet, views["张评估"].id)
        result = scoring.results(s, did)
    assert views["张评估"].status == "submitted" and views["李评估"].status == "open"
    assert stored.digest == scoring.digest_of(views["张评估"].sheet)  # as submit() locks it
    assert result.evaluators == ("张评估",) and result.total == 100.0 and result.grade == "优"
    with unit_of_work(db, TESTER) as uow:  # the open sheet goes on through the commands
        scoring.enter(uow, views["李评估"].id, "run.response", 3, views["李评估"].version)
    with unit_of_work(db, TESTER) as uow, pytest.raises(ValidationError, match="已经开始评估"):
        scoring.import_evaluations(uow, [record])
