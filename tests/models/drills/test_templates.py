"""Evaluation forms an administrator edits (both backends): a saved version is what new evaluations
freeze, past evaluations keep their copy (results, report and score sheet unchanged), stale edits and
invalid files are refused with Chinese messages naming the item or field, reset returns to the shipped
form, only administrators change forms."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from models.core import audit
from models.core.actors import Actor
from models.core.database import Database
from models.core.errors import ConflictError, PermissionDenied, ValidationError
from models.core.uow import unit_of_work
from models.drills import scoring
from models.drills import service as ds
from models.drills import templates as dt
from models.drills.entities import DrillEvaluation, EvaluationTemplate, ScoreSheet
from models.drills.evaluation import form_for, form_problems, parse_form, shipped_form_json
from models.modules import entity_classes
from plans.drills.report import build_evaluation_report, build_score_sheet
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _data, _published_plan, _version

CLERK = Actor("办事员", frozenset({"staff"}))
AS_OF = date(2026, 6, 1)


def _exported(db: Database, key: str = "live") -> dict[str, Any]:
    with db.read() as s:
        return dt.form_json(s, key)


def _save(db: Database, data: dict[str, Any], note: str = "区局 2026 年评估表") -> int:
    with unit_of_work(db, TESTER) as uow:
        return dt.save_form(uow, data, note=note)


def _held(db: Database, ent: int, plan: int, title: str, form: str = "live") -> int:
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan], title=title, form=form))
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    return did


def _score(db: Database, did: int, evaluator: str = "张评估") -> None:
    """Start the evaluation (the form in use is frozen) and submit one sheet: 3 on every score item."""
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
        sheet_id = scoring.add_evaluator(uow, did, evaluator)
    with db.read() as s:
        form = scoring.frozen_form(s, did)
        version = s.get(ScoreSheet, sheet_id).version
    with unit_of_work(db, TESTER) as uow:
        for item in form.items:
            value: float | str = 3 if item.kind == "score" else item.options[0][0] if item.kind == "choice" else 2
            version = scoring.enter(uow, sheet_id, item.key, value, version)
        scoring.submit(uow, sheet_id, version)


def _edited(db: Database) -> dict[str, Any]:
    data = _exported(db)
    command = next(i for i in data["items"] if i["key"] == "run.command")
    command["criterion"] = "现场指挥部 10 分钟内成立，指令清晰，各组协调有序"
    command["weight"] = 20
    data["grade_bands"] = [{"grade": "合格", "min": 50}, {"grade": "不合格", "min": 0}]
    data["disagreement_spread"] = 0.25
    data["items"].append({"key": "run.headcount", "phase": "演练实施", "indicator": "人员保护",
                          "criterion": "疏散后清点到场人数", "weight": 4, "kind": "measure", "unit": "人",
                          "target": 50, "limit": 30, "better": "higher"})
    return data


def test_shipped_forms_pass_the_same_parser_and_export_whole(db) -> None:
    for key in ("live", "tabletop"):
        data = _exported(db, key)
        assert data == shipped_form_json(key) and form_problems(data) == []
        assert parse_form(data) == form_for(key)
        assert data["grade_bands"][0] == {"grade": "优", "min": 90, "meaning": "全部完成，无差错"}
        assert data["disagreement_spread"] == 0.4 and data["items"][0]["capability"] == "规划"
    with db.read() as s:
        infos = dt.forms_info(s)
    assert [(i.key, i.label, i.version, i.origin, i.customised) for i in infos] == [
        ("live", "实战演练评估表", 1, "内置（AQ/T 9009-2015）", False),
        ("tabletop", "桌面演练评估表", 1, "内置（AQ/T 9009-2015）", False)]


def test_an_edit_reaches_new_evaluations_and_never_past_ones(db) -> None:
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    old = _held(db, ent, plan, "液氯泄漏综合演练")
    _score(db, old)
    with db.read() as s:
        before = (scoring.results(s, old), build_evaluation_report(s, old, as_of=AS_OF), build_score_sheet(s, old))
    assert before[0].grade == "中"

    version = _save(db, _edited(db))
    assert version == 2
    waiting = _held(db, ent, plan, "火灾疏散演练")
    with db.read() as s:
        after = (scoring.results(s, old), build_evaluation_report(s, old, as_of=AS_OF), build_score_sheet(s, old))
        blank = build_score_sheet(s, waiting)  # not started: the form it will be frozen with
        infos = {i.key: i for i in dt.forms_info(s)}
    assert after == before  # the results, the report and the score sheet of the scored drill
    assert "10 分钟内成立" in str(blank) and "10 分钟内成立" not in str(after[2])
    assert infos["live"].customised and infos["live"].version == 2 and infos["live"].note == "区局 2026 年评估表"
    assert infos["live"].changed_by == TESTER.name and infos["live"].origin == "管理员修改"
    assert not infos["tabletop"].customised

    _score(db, waiting)
    with db.read() as s:
        evaluation = s.query(DrillEvaluation).filter_by(drill_id=waiting).one()
        result = scoring.results(s, waiting)
        first = s.query(DrillEvaluation).filter_by(drill_id=old).one()
    assert (evaluation.form_key, evaluation.form_version) == ("live", 2)
    assert (first.form_key, first.form_version) == ("live", 1)
    assert result.grade == "合格" and len(result.items) == len(form_for("live").items) + 1
    assert next(r for r in result.items if r.item.key == "run.command").item.weight == 20
    headcount = next(r for r in result.items if r.item.key == "run.headcount")
    assert headcount.mean == 0.0  # 2 people counted, 30 or fewer scores nothing (better: higher)
    assert headcount.item.capability == "关键运输（人员疏散）"  # the HSEEP core capability of its indicator


def test_a_tabletop_drill_gets_the_tabletop_form_in_use(db) -> None:
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    data = _exported(db, "tabletop")
    data["label"] = "桌面推演评估表（区局格式）"
    assert _save(db, data) == 2
    did = _held(db, ent, plan, "桌面推演", form="tabletop")
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
    with db.read() as s:
        frozen = scoring.frozen_form(s, did)
    assert (frozen.key, frozen.version, frozen.label) == ("tabletop", 2, "桌面推演评估表（区局格式）")


def test_a_stale_edit_is_refused_and_nothing_written(db) -> None:
    first, second = _edited(db), _exported(db)
    _save(db, first)
    second["label"] = "另一位管理员的修改"
    with pytest.raises(ConflictError, match="您的文件基于第 1 版，现在是第 2 版"):
        _save(db, second)
    with db.read() as s:
        assert dt.active_form(s, "live").version == 2 and dt.active_form(s, "live").label == "实战演练评估表"


def _problems_of(db: Database, change: Any) -> list[str]:
    data = _exported(db)
    change(data)
    with pytest.raises(ValidationError) as caught, unit_of_work(db, TESTER) as uow:
        dt.save_form(uow, data)
    return [str(e) for e in caught.value.errors]


def test_invalid_forms_are_refused_with_every_problem_named_and_nothing_written(db) -> None:
    def many(data: dict[str, Any]) -> None:
        data["items"][1]["key"] = data["items"][0]["key"]
        data["items"][2]["weight"] = 0
        data["items"][3]["target"] = 12  # report time: full points at 12 minutes, none at 10
        data["items"][4]["options"] = [{"label": "是", "points": 1}, {"label": "否"}]
        data["items"][5]["kind"] = "guess"
        data["score_scale"] = [{"value": 3, "label": "合格"}, {"value": 3, "label": "好"}]
        data["grade_bands"] = [{"grade": "优", "min": 80}, {"grade": "良", "min": 90}, {"grade": "差", "min": 120}]
        data["disagreement_spread"] = 0

    problems = _problems_of(db, many)
    assert problems == [
        "评分标准（score_scale）：分值不能重复，最低分应小于最高分",
        "等级分数线第 3 档“差”：分数线（min）应在 0 到 100 之间",
        "等级分数线第 2 档“良”：分数线应从高到低排列：90 不低于上一档的 80",
        "分歧提示阈值（disagreement_spread）：应大于 0、不超过 1（同一项各评估人得分折算为满分比例后最高与最低之差，如 0.4）",
        "第 2 项评估项“文件编制”（prep.design）：代码“prep.design”与前面的评估项重复，每项的代码应唯一",
        "第 3 项评估项“保障”（prep.support）：权重（weight）应是大于 0 的数",
        "第 4 项评估项“预警与信息报告”（run.report_time）：越小越好时，目标值 12 应小于不得分的界限 10",
        "第 5 项评估项“预警与信息报告”（run.report_content）：选项“否”的得分（points）应在 0 到 1 之间（1 为满分）",
        "第 6 项评估项“紧急动员”（run.mobilise）：类型（kind）应是 score（评分）、choice（选择）或 measure（计量）",
    ]
    assert _problems_of(db, lambda d: d["grade_bands"].pop()) == [
        "等级分数线（grade_bands）：最低一档的分数线应为 0（总分低于其他各档的都归入这一档）"]
    assert _problems_of(db, lambda d: d["items"][0].update(wieght=5, criterion=" ")) == [
        "第 1 项评估项“策划与设计”（prep.design）：不认识的字段“wieght”（可用：key、phase、indicator、criterion、"
        "weight、kind、options、unit、target、limit、better、capability）",
        "第 1 项评估项“策划与设计”（prep.design）：请填写评估内容（criterion）"]
    assert _problems_of(db, lambda d: d["items"][4].update(options=[{"label": "是", "points": 0.5},
                                                                     {"label": "否", "points": 0}])) == [
        "第 5 项评估项“预警与信息报告”（run.report_content）：至少要有一个选项得满分（points 为 1）"]
    assert _problems_of(db, lambda d: d["items"][3].pop("unit")) == [
        "第 4 项评估项“预警与信息报告”（run.report_time）：计量项请填写单位（unit），如“分钟”"]
    assert _problems_of(db, lambda d: d["hseep"].reverse())[0] == "HSEEP 评级第 2 档：下限应从高到低排列：0.3 不低于上一档的 0"
    assert _problems_of(db, lambda d: d.update(key="drill9")) == [
        "评估表代码（key）：没有“drill9”评估表，可选：live（实战演练评估表）、tabletop（桌面演练评估表）"]
    assert _problems_of(db, lambda d: d.update(items=[])) == ["评估项（items）：至少要有一项"]
    with pytest.raises(ValidationError, match="应是一个 JSON 对象"), unit_of_work(db, TESTER) as uow:
        dt.save_form(uow, ["not", "a", "form"])
    with db.read() as s:
        assert s.query(EvaluationTemplate).count() == 0


def test_only_administrators_change_forms(db) -> None:
    with pytest.raises(PermissionDenied, match="无权执行“修改演练评估表”"), unit_of_work(db, CLERK) as uow:
        dt.save_form(uow, _edited(db))
    with pytest.raises(PermissionDenied, match="无权执行“恢复内置演练评估表”"), unit_of_work(db, CLERK) as uow:
        dt.reset_form(uow, "live")


def test_reset_returns_to_the_shipped_form_every_version_kept_and_versions_keep_counting(db) -> None:
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    v2 = _save(db, _edited(db))
    scored = _held(db, ent, plan, "液氯泄漏综合演练")
    _score(db, scored)
    with unit_of_work(db, TESTER) as uow:
        assert dt.reset_form(uow, "live") == 1
    with db.read() as s:
        assert dt.active_form(s, "live") == form_for("live") and dt.form_json(s, "live") == shipped_form_json("live")
        assert scoring.frozen_form(s, scored).version == v2 and scoring.results(s, scored).grade == "合格"
        kept = s.query(EvaluationTemplate).filter_by(form_key="live").all()
        info = next(i for i in dt.forms_info(s) if i.key == "live")
    assert [r.template_version for r in kept] == [v2] and all(r.is_deleted for r in kept)
    assert not info.customised and info.versions == 1
    again = copy.deepcopy(shipped_form_json("live"))
    again["label"] = "实战演练评估表（再次修改）"
    assert _save(db, again) == v2 + 1
    with db.read() as s:  # every save and reset is in the trail, and the stored rows match it
        assert audit.verify_chain(s).ok and audit.verify_data(s, entity_classes()).ok
