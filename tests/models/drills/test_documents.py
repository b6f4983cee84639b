"""演练文件: the work plan, script, support plan, sign-in list and record of a drill, written as one
version through the unit of work — refused when stale, when a part is not yet editable (the record
before the drill is held), and frozen once the drill is done or cancelled."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from models.core.entities import AuditLog
from models.core.errors import ConflictError, StateError, ValidationError
from models.core.uow import unit_of_work
from models.drills import documents as dd
from models.drills import service as ds
from models.drills.documents import DocumentsData, ScriptStep, SignInRow
from models.drills.entities import DrillScriptStep
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _data, _published_plan, _version

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32


def _drill(db) -> int:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        return ds.create(uow, _data(ent, [plan]))


def _step(db, did: int, command: str, **kw: object) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, command, _version(db, did), **kw)  # type: ignore[arg-type]


def _docs(**kw: object) -> DocumentsData:
    data = DocumentsData(
        work_plan={"purpose": "检验液氯泄漏应急预案的可操作性", "organisation": "领导小组：张总\n评估组：李工"},
        support_plan={"medical": "120 救护车一辆待命"},
        steps=[ScriptStep("09:00", "总指挥宣布演练开始", "总指挥", "各组就位"),
               ScriptStep("9:05", "液氯储罐区发现泄漏，报警", "操作工", "按下报警按钮并报告值班长")],
        sign_ins=[SignInRow("张三", "安全环保部", "总指挥", "13800000000"), SignInRow("李四", "储运车间", "操作工")])
    for k, v in kw.items():
        setattr(data, k, v)
    return data


def _save(db, did: int, data: DocumentsData, version: int | None) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with unit_of_work(db, TESTER) as uow:
        return dd.save(uow, did, data, version)


def test_save_load_and_edit_the_documents(db) -> None:  # type: ignore[no-untyped-def]
    did = _drill(db)
    with db.read() as s:
        first = dd.load(s, did)
    assert first.version is None and first.data == DocumentsData()
    doc_id, version = _save(db, did, _docs(), None)
    with db.read() as s:
        loaded = dd.load(s, did)
    assert loaded.version == version and loaded.document_id == doc_id
    assert [s.start for s in loaded.data.steps] == ["09:00", "09:05"]  # the time written the same way
    assert loaded.data.work_plan["organisation"].startswith("领导小组")
    edited = loaded.data
    edited.steps.insert(1, ScriptStep("09:02", "导调组发布情景", "导调组", ""))
    edited.sign_ins.pop()
    _doc, v2 = _save(db, did, edited, version)
    with db.read() as s:
        again = dd.load(s, did)
        stored_steps = s.scalars(select(DrillScriptStep).where(DrillScriptStep.document_id == doc_id)).all()
        trail = s.scalars(select(AuditLog).where(AuditLog.entity == "drill_sign_in")).all()
    assert v2 > version and [s.step for s in again.data.steps][1] == "导调组发布情景"
    assert [r.name for r in again.data.sign_ins] == ["张三"]
    assert len(stored_steps) == 3 and all(not s.is_deleted for s in stored_steps)
    assert any(t.action == "delete" or "deleted_at" in json.loads(t.changes) for t in trail)  # the removal is audited


def test_a_stale_save_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    did = _drill(db)
    _doc, version = _save(db, did, _docs(), None)
    with pytest.raises(ConflictError):
        _save(db, did, _docs(), None)  # the form found none, somebody saved first
    _doc, newer = _save(db, did, _docs(support_plan={"medical": "救护车两辆"}), version)
    assert _save(db, did, _docs(support_plan={"medical": "救护车两辆"}), newer)[1] == newer  # no change, no version
    with pytest.raises(ConflictError, match="已被他人修改"):
        _save(db, did, _docs(support_plan={"medical": "改了"}), version)
    with db.read() as s:
        assert dd.load(s, did).data.support_plan == {"medical": "救护车两辆"}


def test_validation_names_the_row_and_the_field(db) -> None:  # type: ignore[no-untyped-def]
    did = _drill(db)
    bad = _docs(steps=[ScriptStep("09:30", "开始", "", ""), ScriptStep("09:10", "报警"), ScriptStep("T+5", "疏散"),
                       ScriptStep("九点", "集合"), ScriptStep("10:00", "")],
                sign_ins=[SignInRow("张三", "安全环保部"), SignInRow("", "储运车间", "操作工"), SignInRow("张三", "安全环保部"),
                          SignInRow("王五", phone="电话")])
    with pytest.raises(ValidationError) as caught:
        _save(db, did, bad, None)
    errors = {e.field: (e.label, e.message) for e in caught.value.errors}
    assert "早于上一步" in errors["steps.1.start"][1] and errors["steps.1.start"][0] == "演练脚本第 2 步的时间"
    assert "统一" in errors["steps.2.start"][1] and "不是时间" in errors["steps.3.start"][1]
    assert errors["steps.4.step"][1] == "不能为空"
    assert errors["sign_ins.1.name"] == ("签到表第 2 行的姓名", "不能为空")
    assert "与第 1 行重复" in errors["sign_ins.2.name"][1] and "sign_ins.3.phone" in errors
    with db.read() as s:
        assert dd.load(s, did).version is None  # nothing written
    # wholly empty rows are dropped, not refused
    _save(db, did, _docs(steps=[ScriptStep("T+0", "开始"), ScriptStep(), ScriptStep("+10", "结束")],
                         sign_ins=[SignInRow(), SignInRow("赵六")]), None)
    with db.read() as s:
        loaded = dd.load(s, did).data
    assert [s.start for s in loaded.steps] == ["T+0", "T+10"] and [r.name for r in loaded.sign_ins] == ["赵六"]


def test_the_record_waits_for_the_drill_and_everything_freezes_when_done(db) -> None:  # type: ignore[no-untyped-def]
    did = _drill(db)
    with pytest.raises(StateError, match="演练记录在演练实施后才能填写"):
        _save(db, did, _docs(record_notes="09:00 开始"), None)
    doc_id, version = _save(db, did, _docs(), None)
    with pytest.raises(StateError, match="实施后"), unit_of_work(db, TESTER) as uow:
        dd.add_attachment(uow, doc_id, "photo", "现场.png", PNG)
    _step(db, did, "conduct", held_on=date(2026, 5, 12))
    _doc, version = _save(db, did, _docs(record_notes="09:00 总指挥宣布开始；09:40 结束。"), version)
    with unit_of_work(db, TESTER) as uow:
        dd.add_attachment(uow, doc_id, "photo", "现场.png", PNG)
        dd.add_attachment(uow, doc_id, "video", "录像.mp4", MP4)
    with pytest.raises(ValidationError, match="现场照片不支持这种文件"), unit_of_work(db, TESTER) as uow:
        dd.add_attachment(uow, doc_id, "photo", "录像.mp4", MP4)  # photos are pictures
    with pytest.raises(ValidationError, match="不是MP4 视频"), unit_of_work(db, TESTER) as uow:
        dd.add_attachment(uow, doc_id, "video", "假的.mp4", PNG)
    _step(db, did, "evaluate")
    _step(db, did, "complete")
    with db.read() as s:
        version = dd.load(s, did).version
    with pytest.raises(StateError, match="演练已完成，演练文件已封存归档"):
        _save(db, did, _docs(record_notes="补一句"), version)
    from models.core import attachments

    with db.read() as s:
        files = attachments.listing(s, dd.OWNER, doc_id)
    assert [f.kind_label for f in files] == ["现场照片", "现场视频"]
    with pytest.raises(StateError, match="封存"), unit_of_work(db, TESTER) as uow:
        dd.remove_attachment(uow, files[0].id, files[0].version)


def test_a_cancelled_drill_is_frozen_too(db) -> None:  # type: ignore[no-untyped-def]
    did = _drill(db)
    _step(db, did, "cancel", reason="台风")
    with pytest.raises(StateError, match="演练已取消"):
        _save(db, did, _docs(), None)
