"""A drill with every document filled in, held, scored and with a finding: for the document tests."""

from __future__ import annotations

import io
from datetime import date

from models.core.database import Database
from models.core.uow import unit_of_work
from models.drills import documents as dd
from models.drills import service as ds
from models.drills.documents import DocumentsData, ScriptStep, SignInRow
from tests.exports.test_drill_report import _scored_drill
from tests.factories import TESTER


def photo_png() -> bytes:
    """A small real PNG (a picture the renderers can draw)."""
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (160, 90), (70, 130, 180)).save(buffer, format="PNG")
    return buffer.getvalue()


def long_script(n: int = 60) -> list[ScriptStep]:
    steps = []
    for i in range(n):
        minutes = 9 * 60 + i * 2
        steps.append(ScriptStep(f"{minutes // 60:02d}:{minutes % 60:02d}", f"第 {i + 1} 步：液氯储罐区泄漏处置，"
                                "导调组发布情景信息，各组按预案响应", "应急指挥部" if i % 2 else "储运车间",
                                "按处置卡关闭进出料阀门，佩戴正压式空气呼吸器进入现场，报告处置进展"))
    return steps


def documented_drill(db: Database, *, steps: int = 60, people: int = 8) -> int:
    """A scored drill (three evaluators, one finding) whose documents are all filled in."""
    did = _scored_drill(db)
    data = DocumentsData(
        work_plan={"purpose": "检验《液氯泄漏专项应急预案》的可操作性，锻炼应急队伍的协同处置能力。",
                   "organisation": "领导小组：组长张总经理，副组长李副总。\n策划与导调组：安全环保部。\n评估组：外聘专家三人。\n"
                                   "保障组：综合办公室。\n宣传组：党群工作部。",
                   "steps": "09:00 演练开始；09:40 演练结束；10:00 现场点评。"},
        support_plan={"materials": "正压式空气呼吸器 6 套，化学防护服 4 套，堵漏工具 1 套。",
                      "medical": "厂医务室 2 人携急救箱到场，120 救护车一辆待命。",
                      "safety": "演练区域设警戒线，出现真实险情时由总指挥宣布终止演练。"},
        steps=long_script(steps),
        sign_ins=[SignInRow(f"参演人员{i + 1}", "储运车间" if i % 2 else "安全环保部", "处置组" if i % 3 else "警戒组",
                            f"1380000{i:04d}", signed=i % 4 != 3) for i in range(people)])
    with unit_of_work(db, TESTER) as uow:
        dd.save(uow, did, data, None)
    with db.read() as s:
        loaded = dd.load(s, did)
    loaded.data.record_notes = "09:00 总指挥宣布演练开始。\n09:05 储运车间报告液氯储罐区发生泄漏。\n09:40 泄漏点堵住，演练结束。"
    with unit_of_work(db, TESTER) as uow:
        dd.save(uow, did, loaded.data, loaded.version)
        assert loaded.document_id is not None
        dd.add_attachment(uow, loaded.document_id, "photo", "现场处置.png", photo_png())
        dd.add_attachment(uow, loaded.document_id, "video", "全程录像.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    return did


def touch(db: Database, did: int) -> None:
    """The drill moved on a step (evaluated): nothing else changes."""
    with db.read() as s:
        from models.drills.entities import Drill

        version = s.get(Drill, did).version
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "evaluate", version)


__all__ = ["date", "documented_drill", "long_script", "photo_png", "touch"]
