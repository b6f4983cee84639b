"""The 演练评估报告: every evaluator's scores, the spread and the disagreements, the total and the
grade, the problems and the corrective actions — in the PDF and the Word file, and from the CLI."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
from pypdf import PdfReader

from exports.report import report_bytes
from exports.styles import load_style
from models.core.uow import unit_of_work
from models.drills import findings as df
from models.drills import scoring
from models.drills import service as ds
from models.drills.entities import ScoreSheet
from models.drills.evaluation import form_for
from plans.drills.report import build_evaluation_report
from tests.factories import TESTER, create_enterprise
from tests.models.drills.test_drill_service import _data, _published_plan, _version


def _scored_drill(db) -> int:  # type: ignore[no-untyped-def]
    ent = create_enterprise(db, 1)
    plan = _published_plan(db, ent)
    with unit_of_work(db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
        sheets = {name: scoring.add_evaluator(uow, did, name) for name in ("张评估", "李评估", "王评估")}
    for name, sheet_id in sheets.items():
        for item in form_for("live").items:
            if item.kind == "score":
                value: float | str = 1 if name == "王评估" and item.key == "run.command" else 5
            else:
                value = "是" if item.kind == "choice" else 2
            with db.read() as s:
                version = s.get(ScoreSheet, sheet_id).version
            with unit_of_work(db, TESTER) as uow:
                scoring.enter(uow, sheet_id, item.key, value, version)
        with db.read() as s:
            version = s.get(ScoreSheet, sheet_id).version
        with unit_of_work(db, TESTER) as uow:
            scoring.submit(uow, sheet_id, version)
    with unit_of_work(db, TESTER) as uow:
        df.raise_finding(uow, did, df.FindingData(description="应急广播覆盖不到东侧罐区", owner="王设备",
                                                  due_date=date(2026, 5, 30)), as_of=date(2026, 6, 1))
    return did


def test_the_evaluation_report_in_pdf_and_word(sqlite_db, tmp_path: Path) -> None:
    did = _scored_drill(sqlite_db)
    with sqlite_db.read() as s:
        report = build_evaluation_report(s, did, as_of=date(2026, 6, 1))
    assert [sec.title for sec in report.sections] == ["一、演练基本情况", "二、演练过程", "三、评估项目与得分", "四、主要成绩",
                                                      "五、存在的问题", "六、整改措施及落实情况"]
    for key in ("default", "gbt9704"):
        pdf = report_bytes(report, "pdf", style=load_style(key))
        text = "".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
        text = text.replace(" ", "").replace("\n", "")  # a narrow cell wraps its text
        for wanted in ("液氯泄漏综合演练评估报告", "张评估", "李评估", "王评估", "指挥和协调", "（分歧）", "评估结论：优",
                       "应急广播覆盖不到东侧罐区", "逾期2天"):
            assert wanted in text, (key, wanted)
        word = docx.Document(io.BytesIO(report_bytes(report, "docx", style=load_style(key))))
        cells = " ".join(c.text for t in word.tables for row in t.rows for c in row.cells)
        paragraphs = " ".join(p.text for p in word.paragraphs)
        assert "评估结论：优" in paragraphs and "（分歧）" in cells and "王评估" in cells


def test_export_drill_from_the_cli(sqlite_db, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from tests.cli.test_cli import db_arg, run

    did = _scored_drill(sqlite_db)
    out = tmp_path / "评估报告.pdf"
    code, text, err = run(capsys, "--db", db_arg(sqlite_db), "export", "drill", str(did), "--out", str(out),
                          "--as-of", "2026-06-01")
    assert code == 0 and out.exists() and "已导出" in text, err
    code, _, err = run(capsys, "--db", db_arg(sqlite_db), "export", "drill", "999", "--out", str(out))
    assert code == 1 and "999" in err and err.count("\n") == 1


def test_the_summary_report_and_the_blank_score_sheet(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    from models.drills.service import DrillData
    from plans.drills.report import build_score_sheet, build_summary_report

    did = _scored_drill(sqlite_db)
    with sqlite_db.read() as s:
        summary = build_summary_report(s, did, as_of=date(2026, 6, 1))
        sheet = build_score_sheet(s, did, evaluator="张评估")
    assert summary.sections[0].title == "一、演练目的" and summary.title.endswith("总结报告")
    text = "".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(report_bytes(
        summary, "pdf", style=load_style("default")))).pages).replace(" ", "").replace("\n", "")
    assert "应急广播覆盖不到东侧罐区" in text and "结论为“优”" in text
    rows = docx.Document(io.BytesIO(report_bytes(sheet, "docx", style=load_style("gbt9704")))).tables[0].rows
    assert len(rows) == len(form_for("live").items) + 1 and rows[0].cells[5].text == "评分"
    ent = create_enterprise(sqlite_db, 2)
    plan = _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:  # not evaluated yet: the sheet shows the form it will use
        fresh = ds.create(uow, DrillData(**{**vars(_data(ent, [plan])), "form": "tabletop"}))
    with sqlite_db.read() as s:
        blank = build_score_sheet(s, fresh)
        plain = build_summary_report(s, fresh, as_of=date(2026, 6, 1))
    assert blank.title == "桌面演练评估表" and "尚未评估" in str(plain.sections[4].blocks)
