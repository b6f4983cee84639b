"""The drill's documents and the 演练档案: the 目次's page numbers are the pages the parts really start
on, the script's header repeats on every page, the sign-in sheet has tall rows with room for
walk-ins, the photos are in the record — in both house styles, in Word too, and from the CLI."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from exports.drills.dossier import dossier_bytes, render_dossier, toc_text
from exports.report import report_bytes
from exports.styles import MM, load_style
from plans.drills import documents as docs
from plans.drills.dossier import build_dossier
from tests.exports.drill_samples import documented_drill

AS_OF = date(2026, 6, 1)


def _pages(pdf: bytes) -> list[str]:
    return [(p.extract_text() or "").replace(" ", "").replace("\u3000", "") for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("style", ["default", "gbt9704"])
def test_the_dossier_contents_page_gives_the_pages_the_parts_start_on(sqlite_db, style: str) -> None:  # type: ignore[no-untyped-def]
    did = documented_drill(sqlite_db)
    with sqlite_db.read() as s:
        dossier = build_dossier(s, did, as_of=AS_OF)
    titles = [p.title for p in dossier.parts]
    assert titles == ["演练工作方案", "演练脚本", "演练保障方案", "签到表", "演练记录", "评估表（张评估）", "评估表（李评估）",
                      "评估表（王评估）", "演练评估报告", "演练总结报告", "整改落实情况"]
    buffer = io.BytesIO()
    done = render_dossier(dossier, "pdf", buffer, style=load_style(style))
    pages = _pages(buffer.getvalue())
    assert done.result.pages == len(pages) and not done.result.warnings
    assert "应急演练档案" in pages[0] and "立卷日期" in pages[0]  # the cover
    contents = re.sub(r"\s+", "", pages[1])
    assert contents.startswith(re.sub(r"\s+", "", dossier.header_text)) and "目次" in contents
    # every part in order: its number, title, a dot leader and its page, and nothing else
    lines = "".join(re.escape(toc_text(n, t).replace("　", "")) + r"\.{3,}(\d+?)" for n, t in enumerate(titles, 1))
    match = re.fullmatch(".*目次" + lines, contents)
    assert match, contents
    printed = [int(page) for page in match.groups()]
    assert printed == done.pages and printed == sorted(printed)
    for title, page in zip(titles, printed, strict=True):
        lines = pages[page - 1].split("\n")
        assert title in lines[:4], (title, page, lines[:4])  # its title heads the page …
        assert title not in pages[page - 2].split("\n"), (title, page)  # … and not the page before
    everything = "".join(pages)
    for wanted in ("领导小组", "正压式空气呼吸器", "应急广播覆盖不到东侧罐区", "评估结论：优", "待整改（逾期2天）"):
        assert wanted in everything.replace("\n", ""), wanted


def test_the_script_repeats_its_header_on_every_page(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    did = documented_drill(sqlite_db, steps=60)
    with sqlite_db.read() as s:
        script = docs.build_script(s, did)
    pages = _pages(report_bytes(script, "pdf", style=load_style("default")))
    assert len(pages) >= 3
    for page in pages:
        assert "序号时间演练步骤责任人预期行动" in page.replace("\n", ""), page[:200]
    assert "第60步" in pages[-1].replace("\n", "")
    word = docx.Document(io.BytesIO(report_bytes(script, "docx", style=load_style("gbt9704"))))
    table = word.tables[-1]
    assert len(table.rows) == 61 and table.rows[0].cells[1].text == "时间"
    assert table.rows[0]._tr.trPr.xml.count("tblHeader")  # the header row repeats in Word too


def test_the_sign_in_sheet_has_room_to_sign_and_for_walk_ins(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    did = documented_drill(sqlite_db, people=8)
    with sqlite_db.read() as s:
        sheet = docs.build_sign_in(s, did)
    table = sheet.sections[0].blocks[1]
    rows = table.rows  # type: ignore[union-attr]
    assert [c.text for c in rows[0]] == ["序号", "姓名", "单位", "演练职责", "联系电话", "签到"]
    assert len(rows) == 1 + 12 and rows[1][1].text == "参演人员1" and rows[4][5].text == ""  # 4 did not sign
    assert all(c.text == "" for c in rows[-1][1:])  # blank rows to sign in by hand
    pdf = report_bytes(sheet, "pdf", style=load_style("gbt9704"))
    pages = _pages(pdf)
    assert len(pages) == 1 and "应到8人，实到6人" in pages[0].replace("\n", "")
    word = docx.Document(io.BytesIO(report_bytes(sheet, "docx", style=load_style("default"))))
    heights = [r.height for r in word.tables[-1].rows[1:]]
    assert heights and all(h is not None and abs(h - 10 * MM * 12700) < 12700 for h in heights)  # 10 mm, in EMU


def test_every_document_renders_in_both_formats(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    did = documented_drill(sqlite_db, steps=3)
    with sqlite_db.read() as s:
        made = {name: getattr(docs, f"build_{name}")(s, did)
                for name in ("work_plan", "script", "support_plan", "sign_in", "record")}
    record = made["record"]
    assert len(record.images) == 1  # the photo is drawn, the video listed
    text = "".join(_pages(report_bytes(record, "pdf", style=load_style("default")))).replace("\n", "")
    assert "图1现场处置" in text and "全程录像.mp4" in text and "现场视频" in text
    for name, doc in made.items():
        for fmt in ("pdf", "docx"):
            assert report_bytes(doc, fmt, style=load_style("gbt9704")), (name, fmt)  # type: ignore[arg-type]
    plan = "".join(_pages(report_bytes(made["work_plan"], "pdf", style=load_style("default")))).replace("\n", "")
    assert "二、演练目的及要求" in plan and "五、组织机构及职责" in plan and "（未填写。）" in plan


def test_the_dossier_as_a_word_file_lists_the_parts_with_the_pdf_pages(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    did = documented_drill(sqlite_db, steps=5)
    with sqlite_db.read() as s:
        dossier = build_dossier(s, did, as_of=AS_OF)
    pdf_pages = render_dossier(dossier, "pdf", io.BytesIO(), style=load_style("default")).pages
    word = docx.Document(io.BytesIO(dossier_bytes(dossier, "docx", style=load_style("default"))))
    toc = [p.text for p in word.paragraphs if p.style.name.startswith("toc") or p.style.style_id.startswith("TOC")]
    assert len(toc) == len(dossier.parts)
    for line, part, page in zip(toc, dossier.parts, pdf_pages, strict=True):
        assert part.title in line and line.rstrip().endswith(str(page)), (line, page)


def test_a_drill_not_yet_evaluated_still_has_a_dossier(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    from models.core.uow import unit_of_work
    from models.drills import service as ds
    from tests.factories import TESTER, create_enterprise
    from tests.models.drills.test_drill_service import _data, _published_plan

    ent = create_enterprise(sqlite_db, 3)
    plan = _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:
        did = ds.create(uow, _data(ent, [plan]))
    with sqlite_db.read() as s:
        dossier = build_dossier(s, did, as_of=AS_OF)
    assert [p.title for p in dossier.parts][5:] == ["演练评估报告", "演练总结报告", "整改落实情况"]
    text = "".join(_pages(dossier_bytes(dossier, "pdf", style=load_style("default")))).replace("\n", "")
    assert "这次演练尚未评估" in text and "（未填写。）" in text and "无整改事项" in text


def test_export_the_dossier_and_a_document_from_the_cli(sqlite_db, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from tests.cli.test_cli import db_arg, run

    did = documented_drill(sqlite_db, steps=3)
    out = tmp_path / "演练档案.pdf"
    code, text, err = run(capsys, "--db", db_arg(sqlite_db), "export", "drill", str(did), "--kind", "dossier",
                          "--out", str(out), "--as-of", "2026-06-01")
    assert code == 0 and "演练档案" in text and "11 部分" in text, err
    assert len(PdfReader(out).pages) > 10
    sign = tmp_path / "签到表.docx"
    code, text, err = run(capsys, "--db", db_arg(sqlite_db), "export", "drill", str(did), "--kind", "sign-in",
                          "--out", str(sign))
    assert code == 0 and sign.exists(), err
    code, _, err = run(capsys, "--db", db_arg(sqlite_db), "export", "drill", "999", "--kind", "dossier",
                       "--out", str(out))
    assert code == 1 and "999" in err and err.count("\n") == 1
