"""Offline score sheets: taken as a file, scored on another machine, brought back — and refused, with
nothing written, when the file is another drill's or evaluator's, the form changed, it was altered
after submitting, it was not submitted, the sheet was submitted here already, or it is not a sheet."""

from __future__ import annotations

import json
from datetime import date

import pytest

from models.core.uow import unit_of_work
from models.drills import offline, scoring
from models.drills import service as ds
from models.drills.entities import DrillEvaluation, ScoreSheet
from models.drills.evaluation import form_for
from models.drills.offline import OfflineSheet, OfflineSheetError
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _data, _published_plan, _version


def _evaluated_drill(db, n: int = 1, title: str = "液氯泄漏综合演练") -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, n)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan], title=title))
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
        return did, [scoring.add_evaluator(uow, did, name) for name in ("张评估", "李评估")]


def _scored(data: bytes) -> OfflineSheet:
    sheet = OfflineSheet.from_bytes(data)
    for item in form_for("live").items:
        sheet.enter(item.key, 5 if item.kind == "score" else "是" if item.kind == "choice" else 2, "现场记录")
    sheet.submit()
    return sheet


def _status(db, sheet_id: int) -> str:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.get(ScoreSheet, sheet_id).status


def test_a_sheet_scored_offline_comes_back_submitted(db) -> None:  # type: ignore[no-untyped-def]
    did, (zhang, _li) = _evaluated_drill(db)
    with db.read() as s:
        data = offline.export_sheet(s, zhang)
    laptop = OfflineSheet.from_bytes(data)
    with pytest.raises(OfflineSheetError, match="只能打 1"):
        laptop.enter("run.command", 4)
    with pytest.raises(OfflineSheetError, match="未评分"):
        laptop.submit()
    back = _scored(data).to_bytes()
    with unit_of_work(db, TESTER) as uow:
        offline.import_sheet(uow, back, zhang)
    with db.read() as s:
        result = scoring.results(s, did)
    assert _status(db, zhang) == "submitted" and result.evaluators == ("张评估",) and result.total == 100.0
    with unit_of_work(db, TESTER) as uow, pytest.raises(OfflineSheetError, match="已经提交，不能再导入"):
        offline.import_sheet(uow, back, zhang)


def test_every_refusal_names_its_reason_and_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    did, (zhang, li) = _evaluated_drill(db)
    _other, (other_zhang, _) = _evaluated_drill(db, 2, "另一次演练")
    with db.read() as s:
        data = offline.export_sheet(s, zhang)
    good = _scored(data)

    def refused(payload: bytes, sheet_id: int, reason: str) -> None:
        with unit_of_work(db, TESTER) as uow, pytest.raises(OfflineSheetError, match=reason):
            offline.import_sheet(uow, payload, sheet_id)
        assert _status(db, sheet_id) == "open"

    refused(good.to_bytes(), other_zhang, "属于另一次演练（“液氯泄漏综合演练”）")
    refused(good.to_bytes(), li, "是张评估的，不是李评估的")
    tampered = json.loads(good.to_bytes())
    tampered["entries"]["run.command"]["value"] = 1
    refused(json.dumps(tampered).encode(), zhang, "提交后被改动过")
    unsubmitted = OfflineSheet.from_bytes(data)
    refused(unsubmitted.to_bytes(), zhang, "还没有提交")
    refused(b"PK\x03\x04 not a sheet", zhang, "不是本系统导出的评估表文件")
    with unit_of_work(db, TESTER) as uow:  # the form is changed after the sheet was taken
        evaluation = uow.session.query(DrillEvaluation).filter_by(drill_id=did).one()
        changed = dict(evaluation.form)
        changed["items"] = changed["items"][:-1]
        evaluation.form = changed
    refused(good.to_bytes(), zhang, "评估项已变化")
