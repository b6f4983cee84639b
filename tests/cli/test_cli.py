"""The command line: output, exit codes, Chinese errors, and no Qt for window-less commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.__main__ import main
from models.core.database import Database
from tests.factories import create_enterprise


def db_arg(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --version, --help, usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("emergency-desk ")


def test_list_enterprises_json(db, capsys) -> None:
    create_enterprise(db, 1)
    create_enterprise(db, 2)
    code, out, err = run(capsys, "--db", db_arg(db), "list", "enterprises", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 2
    assert {"id", "name", "uscc", "industry", "risk_level", "department", "region"} <= rows[0].keys()
    assert rows[0]["name"].endswith("有限公司") and len(rows[0]["uscc"]) == 18


def test_list_enterprises_text_and_search(db, capsys) -> None:
    create_enterprise(db, 1)
    create_enterprise(db, 2, name="临江市金石矿业有限公司")
    code, out, err = run(capsys, "--db", db_arg(db), "list", "enterprises", "--search", "矿业")
    assert code == 0
    assert out.count("\n") == 1 and "金石矿业" in out and "共 1 家企业" in err


def test_audit_verify_reports_tampering_with_exit_code_1(sqlite_db, capsys) -> None:
    create_enterprise(sqlite_db, 1)
    code, out, _ = run(capsys, "--db", db_arg(sqlite_db), "audit", "verify")
    assert code == 0 and "审计链完整" in out and "数据与审计记录一致" in out
    head = out.strip().splitlines()[-1].split("“")[1].split("”")[0]
    with sqlite_db.engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM audit_log")).scalar()
        conn.execute(text("UPDATE audit_log SET actor = '别人' WHERE id = :id"), {"id": last - 1})
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "audit", "verify")
    assert code == 1 and "审计链完整" not in out
    assert err.splitlines()[0].startswith(f"审计链在第 {last - 1} 条记录处断开")
    with sqlite_db.engine.begin() as conn:  # put it back, then edit the data instead
        conn.execute(text("UPDATE audit_log SET actor = '测试员' WHERE id = :id"), {"id": last - 1})
        conn.execute(text("UPDATE enterprise SET principal = '冒名顶替'"))
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "audit", "verify", "--head", head)
    assert code == 1 and "审计链完整" in out and "记下的链头" in out
    assert "主要负责人" in err and "冒名顶替" in err
    with sqlite_db.engine.begin() as conn:  # deleting the newest trail row shows against the noted head
        conn.execute(text("UPDATE enterprise SET principal = '王建国'"))
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": last})
        conn.execute(text("UPDATE audit_head SET count = count - 1, last_id = last_id - 1,"
                          " last_hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)"))
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "audit", "verify", "--head", head)
    assert code == 1 and "不在当前审计链中" in err
    code, _, err = run(capsys, "--db", db_arg(sqlite_db), "audit", "verify", "--head", "12:xyz")
    assert code == 2 and "链头的格式" in err


def test_db_upgrade(tmp_path: Path, capsys) -> None:
    path = tmp_path / "new.sqlite"
    code, out, _ = run(capsys, "--db", str(path), "db", "upgrade")
    assert code == 0 and "升级到" in out and path.exists()
    code, out, _ = run(capsys, "--db", str(path), "db", "upgrade")
    assert code == 0 and "已是最新结构" in out


@pytest.mark.parametrize(("argv", "expected"), [
    (["list"], "缺少参数"),
    (["list", "plans-and-more"], "无效"),
    (["demo", "--scale", "huge"], "无效"),
    (["demo", "--seed", "abc"], "需要整数"),
    (["frobnicate"], "无效"),
])
def test_usage_errors_exit_2_with_one_chinese_line(capsys, argv: list[str], expected: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err


def test_unreachable_database_is_one_chinese_line(capsys) -> None:
    code, _, err = run(capsys, "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "list", "enterprises")
    assert code == 1
    assert err.count("\n") == 1 and "无法打开数据库" in err


def test_window_less_commands_never_import_qt(sqlite_db, tmp_path: Path) -> None:
    create_enterprise(sqlite_db, 1)
    script = (
        "import sys\n"
        "from desktop.__main__ import main\n"
        f"rc = main(['--db', {db_arg(sqlite_db)!r}, 'list', 'enterprises', '--json'])\n"
        f"rc += main(['--db', {db_arg(sqlite_db)!r}, 'audit', 'verify'])\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print('QT', qt, file=sys.stderr)\n"
        "sys.exit(rc or (3 if qt else 0))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "QT []" in proc.stderr


def test_installed_command_runs(sqlite_db) -> None:
    exe = Path(sys.executable).with_name("emergency-desk")
    if not exe.exists():
        pytest.skip("emergency-desk is not installed in this environment")
    proc = subprocess.run([str(exe), "--db", db_arg(sqlite_db), "list", "enterprises", "--json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


def test_demo_fills_once_with_if_empty(tmp_path: Path, capsys) -> None:
    path = str(tmp_path / "demo.sqlite")
    code, out, err = run(capsys, "--db", path, "demo", "--scale", "small", "--seed", "7")
    assert code == 0, err
    assert "企业 50 家" in out
    code, out, _ = run(capsys, "--db", path, "demo", "--if-empty")
    assert code == 0 and "已有企业" in out
    code, out, _ = run(capsys, "--db", path, "list", "enterprises", "--json")
    rows = json.loads(out)
    assert len(rows) == 50 and len({r["uscc"] for r in rows}) == 50
    code, out, _ = run(capsys, "--db", path, "audit", "verify")
    assert code == 0


def test_list_plans_with_deadlines(db, capsys) -> None:
    from datetime import date

    from models.core.uow import unit_of_work
    from models.plans import service as ps
    from models.plans.entities import Plan
    from tests.factories import TESTER

    ent = create_enterprise(db, 1)
    with unit_of_work(db, TESTER) as uow:
        pid = ps.create(uow, ent, ps.PlanData(plan_no="YA-01", title="综合应急预案"))
    for command, values in (("submit_review", {}), ("publish", {"review_date": date(2024, 9, 20),
                                                                 "approver": "王建国",
                                                                 "publish_date": date(2024, 9, 27)})):
        with db.read() as s:
            version = s.get(Plan, pid).version
        with unit_of_work(db, TESTER) as uow:
            ps.transition(uow, pid, command, version, **values)
    code, out, err = run(capsys, "--db", db_arg(db), "list", "plans", "--json", "--as-of", "2024-11-01")
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["number"] == "YA-01" and row["status"] == "已发布" and row["kind"] == "综合应急预案"
    assert row["filing_due"] == "2024-10-30" and row["overdue"] == ["filing"]
    code, out, err = run(capsys, "--db", db_arg(db), "list", "plans", "--enterprise", str(ent),
                         "--as-of", "2024-10-08")
    assert code == 0 and "YA-01" in out and "备案期限：2024-10-30（未到期）" in out
    code, _, err = run(capsys, "--db", db_arg(db), "list", "plans", "--as-of", "11/01/2024")
    assert code == 2 and "不是 YYYY-MM-DD 格式" in err and "argument" not in err
    # Filed on Friday 25 December 2026: the authority's 5 working days run into 2027, whose holiday
    # arrangement is not shipped (1 January counts as Monday–Friday). The JSON and the text both say so.
    with db.read() as s:
        version = s.get(Plan, pid).version
    with unit_of_work(db, TESTER) as uow:
        ps.transition(uow, pid, "file", version, filing_submitted_date=date(2026, 12, 25))
    code, out, err = run(capsys, "--db", db_arg(db), "list", "plans", "--json", "--as-of", "2026-12-28")
    (row,) = json.loads(out)
    assert row["authority_check_due"] == "2027-01-01" and any("2027" in w for w in row["warnings"])
    code, out, err = run(capsys, "--db", db_arg(db), "list", "plans", "--as-of", "2026-12-28")
    assert code == 0 and "备案审查期限：2027-01-01" in out
    assert "注意：" in err and "2027" in err and "节假日安排" in err


def test_calendar_import_and_list(sqlite_db, tmp_path: Path, capsys) -> None:
    doc = {"year": 2027, "source": "测试用安排", "holidays": [{"date": "2027-01-01", "name": "元旦"}],
           "workdays": []}
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "calendar", "import", str(path))
    assert code == 0 and "已录入 2027 年" in out, err
    code, out, _ = run(capsys, "--db", db_arg(sqlite_db), "calendar", "list")
    assert [line.split("\t")[0] for line in out.splitlines()] == ["2021", "2022", "2023", "2024", "2025", "2026", "2027"]
    (tmp_path / "bad.json").write_text("{不是 JSON", encoding="utf-8")
    code, _, err = run(capsys, "--db", db_arg(sqlite_db), "calendar", "import", str(tmp_path / "bad.json"))
    assert code == 1 and err.count("\n") == 1 and "无法读取节假日文件" in err


def test_import_plan_from_word(sqlite_db, tmp_path: Path, capsys) -> None:
    from docx import Document as WordDocument

    ent = create_enterprise(sqlite_db, 1)
    word = WordDocument()
    word.add_heading("一、总则", level=1)
    word.add_paragraph("本预案适用于本公司液氨泄漏事故的应急处置。")
    path = tmp_path / "液氨泄漏专项预案.docx"
    word.save(str(path))
    # No cover with a plan number and no --number: refused (the file name is never a plan number).
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "import", "plan", str(path),
                         "--enterprise", str(ent), "--kind", "special")
    assert code == 1 and "封面上没有预案编号" in err and "--number" in err
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "import", "plan", str(path),
                         "--enterprise", str(ent), "--kind", "special", "--number", "ZX-01")
    assert code == 0, err
    assert "已导入预案" in out and "草稿" in out and "预案编号 ZX-01" in out
    code, out, _ = run(capsys, "--db", db_arg(sqlite_db), "list", "plans", "--json", "--as-of", "2026-11-29")
    (row,) = json.loads(out)
    assert row["number"] == "ZX-01" and row["kind"] == "专项应急预案" and row["status"] == "草稿"
    (tmp_path / "坏文件.docx").write_bytes(b"PK\x03\x04 broken")
    code, _, err = run(capsys, "--db", db_arg(sqlite_db), "import", "plan", str(tmp_path / "坏文件.docx"),
                       "--enterprise", str(ent))
    assert code == 1 and err.count("\n") == 1
    code, out, _ = run(capsys, "--db", db_arg(sqlite_db), "list", "plans", "--json")
    assert len(json.loads(out)) == 1


def test_template_export_edit_import_list_and_reset(sqlite_db, tmp_path: Path, capsys) -> None:
    from desktop.cli import TEMPLATE_KINDS
    from models.plans.entities import PLAN_KINDS

    assert TEMPLATE_KINDS == PLAN_KINDS
    path = tmp_path / "onsite.json"
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "template", "export", "onsite", "--out", str(path))
    assert code == 0 and "现场处置方案模板第 1 版" in out, err
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"][0]["title"] = "事故风险描述（本区格式）"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "template", "import", str(path), "--note", "按区局格式")
    assert code == 0 and "第 2 版" in out, err
    code, out, err = run(capsys, "--db", db_arg(sqlite_db), "template", "import", str(path))
    assert code == 1 and err.count("\n") == 1 and "已被修改" in err  # the file is based on version 1
    code, out, _ = run(capsys, "--db", db_arg(sqlite_db), "template", "list")
    lines = {line.split("\t")[0]: line for line in out.splitlines()}
    assert "第 2 版\t管理员修改" in lines["onsite"] and "按区局格式" in lines["onsite"]
    assert "内置" in lines["comprehensive"]
    code, out, _ = run(capsys, "--db", db_arg(sqlite_db), "template", "reset", "onsite")
    assert code == 0 and "已恢复内置现场处置方案模板（第 1 版）" in out
    (tmp_path / "bad.json").write_text(json.dumps({**data, "sections": [{"key": "", "title": ""}]}), encoding="utf-8")
    code, _, err = run(capsys, "--db", db_arg(sqlite_db), "template", "import", str(tmp_path / "bad.json"))
    assert code == 1 and err.count("\n") == 1 and "有误" in err
    code, _, err = run(capsys, "--db", db_arg(sqlite_db), "template", "export", "plan9", "--out", str(path))
    assert code == 2 and "plan9" in err


def test_export_plan_and_archive(sqlite_db, tmp_path: Path, capsys) -> None:
    from pypdf import PdfReader

    from tests.exports.samples import add_kitchen_sink, fill_demo

    fill_demo(sqlite_db, count=1)
    plan_id = add_kitchen_sink(sqlite_db)
    db = db_arg(sqlite_db)
    pdf = tmp_path / "预案.pdf"
    code, out, err = run(capsys, "--db", db, "export", "plan", str(plan_id), "--out", str(pdf), "--style", "gbt9704",
                         "--as-of", "2026-11-29")
    assert code == 0, err
    assert f"已导出 {pdf}（PDF，" in out and "字体：仿宋：" in out
    assert len(PdfReader(pdf).pages) > 5
    docx = tmp_path / "预案.docx"
    code, out, err = run(capsys, "--db", db, "export", "plan", str(plan_id), "--out", str(docx))
    assert code == 0 and docx.stat().st_size > 10_000 and "（Word）" in out, err
    code, _, err = run(capsys, "--db", db, "export", "plan", str(plan_id), "--out", str(tmp_path / "x.txt"))
    assert code == 1 and err.count("\n") == 1 and "--format" in err
    code, _, err = run(capsys, "--db", db, "export", "plan", "99999", "--out", str(pdf))
    assert code == 1 and err.count("\n") == 1 and "99999" in err
    code, _, err = run(capsys, "--db", db, "export", "plan", str(plan_id), "--version", "7", "--out", str(pdf))
    assert code == 1 and "没有第 7 版（已发布的版次：1）" in err
    code, _, err = run(capsys, "--db", db, "export", "plan", str(plan_id), "--out", str(tmp_path / "无此目录" / "a.pdf"))
    assert code == 1 and err.count("\n") == 2 and "文件夹不存在" in err and "用 --check 列出各项" in err
    code, out, _ = run(capsys, "--db", db, "export", "plan", str(plan_id), "--check")
    assert code == 1 and "必须处理：必备章节“2 应急组织机构及职责”仍只有模板提示文字" in out
    code, _, err = run(capsys, "--db", db, "export", "plan", str(plan_id))
    assert code == 1 and "请用 --out 指定输出文件" in err
    archive = tmp_path / "归档"
    code, out, err = run(capsys, "--db", db, "export", "archive", "--out", str(archive), "--status", "published")
    assert code == 0 and "已归档" in out, err
    assert json.loads((archive / "manifest.json").read_text(encoding="utf-8"))["count"] >= 1
    code, out, _ = run(capsys, "--db", db, "export", "archive", "--out", str(archive), "--status", "published")
    assert "新写入 0 个" in out
    code, out, _ = run(capsys, "export", "verify", str(archive))
    assert code == 0 and "一致" in out
    victim = next(archive.rglob("*.pdf"))
    victim.write_bytes(victim.read_bytes() + b"x")
    code, _, err = run(capsys, "export", "verify", str(archive))
    assert code == 1 and "SHA-256 不符" in err
    code, _, err = run(capsys, "--db", db, "export", "archive", "--out", str(archive), "--department", "不存在")
    assert code == 1 and "监管部门" in err
    code, out, err = run(capsys, "--db", db, "export", "archive", "--out", str(tmp_path / "a.zip"), "--docx")
    assert code == 0 and (tmp_path / "a.zip").exists(), err


def test_export_check_reports_characters_no_font_can_print(sqlite_db, capsys) -> None:
    from sqlalchemy import select

    from models.core.uow import unit_of_work
    from models.enterprises.entities import Enterprise
    from models.plans.service import PlanData
    from plans.plans import store
    from tests.exports.samples import fill_demo
    from tests.factories import TESTER

    fill_demo(sqlite_db, count=1)
    with sqlite_db.read() as s:
        enterprise_id = s.scalar(select(Enterprise.id).limit(1))
    with unit_of_work(sqlite_db, TESTER) as uow:
        plan_id = store.create_from_template(uow, enterprise_id, PlanData(
            kind="special", plan_no="YA-GLYPH-01", title="含\U00013000字的专项应急预案"))
    code, out, _ = run(capsys, "--db", db_arg(sqlite_db), "export", "plan", str(plan_id), "--check")
    assert code == 1 and "\U00013000" in out and "都缺少" in out and "检查通过" not in out


def test_list_drills_and_drill_obligations(sqlite_db, capsys) -> None:
    from datetime import date, datetime

    from models.core.uow import unit_of_work
    from models.drills import service as ds
    from models.drills.service import DrillData
    from tests.factories import TESTER, create_enterprise
    from tests.models.plans.test_plan_service import new_plan
    from tests.models.plans.test_plan_service import run as run_plan

    ent = create_enterprise(sqlite_db, 1, industry_id=_industry(sqlite_db, "hazchem.production"))
    plan = new_plan(sqlite_db, ent)
    run_plan(sqlite_db, plan, "submit_review")
    run_plan(sqlite_db, plan, "publish", review_date=date(2026, 1, 5), approver="王建国",
             approval_date=date(2026, 1, 6), publish_date=date(2026, 1, 8), effective_date=date(2026, 1, 8))
    with unit_of_work(sqlite_db, TESTER) as uow:
        did = ds.create(uow, DrillData(enterprise_id=ent, title="液氯泄漏综合演练", planned_at=datetime(2026, 3, 2, 9),
                                       plan_ids=[plan], content_type="comprehensive"))
    with unit_of_work(sqlite_db, TESTER) as uow:
        ds.transition(uow, did, "conduct", 1, held_on=date(2026, 3, 2))
    db = db_arg(sqlite_db)
    code, out, err = run(capsys, "--db", db, "list", "drills", "--json")
    (item,) = json.loads(out)
    assert code == 0 and item["status"] == "实施" and item["held_on"] == "2026-03-02"
    assert item["classification"] == ["综合演练", "实战演练", "检验性演练"] and item["plans"][0].endswith("（第 1 版）")
    assert item["score"] is None and item["grade"] is None  # not evaluated yet
    code, out, err = run(capsys, "--db", db, "list", "drill-obligations", "--enterprise", str(ent), "--as-of",
                         "2027-01-15", "--json")
    rows = {r["key"]: r for r in json.loads(out)}
    assert code == 0 and rows["key_industry_half_year"]["overdue"] and rows["key_industry_half_year"]["days_left"] == -15
    assert rows["plan_yearly"]["due"] == "2027-12-31" and not rows["onsite_half_year"]["applicable"]
    code, out, err = run(capsys, "--db", db, "list", "drill-obligations", "--as-of", "2027-01-15")
    assert code == 0 and "已逾期 15 天" in out and "1 项逾期" in err
    code, _, err = run(capsys, "--db", db, "list", "drill-obligations", "--enterprise", "999")
    assert code == 1 and "999" in err and err.count("\n") == 1


def test_export_the_annual_drill_plan(sqlite_db, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from pypdf import PdfReader

    from models.core.uow import unit_of_work
    from models.drills import service as ds
    from tests.factories import TESTER, create_enterprise
    from tests.models.drills.test_drill_service import _published_plan

    ent = create_enterprise(sqlite_db, 1, industry_id=_industry(sqlite_db, "hazchem.production"))
    _published_plan(sqlite_db, ent)
    with unit_of_work(sqlite_db, TESTER) as uow:
        planned = ds.plan_year(uow, ent, 2027)
    assert planned
    db = db_arg(sqlite_db)
    pdf = tmp_path / "年度计划.pdf"
    code, out, err = run(capsys, "--db", db, "export", "drill-plan", "--enterprise", str(ent), "--year", "2027",
                         "--out", str(pdf), "--as-of", "2026-12-01")
    assert code == 0 and "已导出" in out and err == ""
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace(" ", "")
    assert "2027年度应急演练计划" in text and "每半年至少1次" in text and "生产安全事故应急预案管理办法" in text
    assert f"2027年共安排演练{len(planned)}次" in text
    docx = tmp_path / "年度计划.docx"
    code, out, err = run(capsys, "--db", db, "export", "drill-plan", "--enterprise", str(ent), "--year", "2027",
                         "--out", str(docx))
    schedule = Document(str(docx)).tables[-1]
    assert code == 0 and len(schedule.rows) == 1 + len(planned) and schedule.rows[0].cells[-1].text == "状态"
    code, _, err = run(capsys, "--db", db, "export", "drill-plan", "--enterprise", "999", "--year", "2027",
                       "--out", str(pdf))
    assert code == 1 and "999" in err and err.count("\n") == 1


def _industry(db, code: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from models.core.entities import Industry

    with db.read() as s:
        return int(s.scalar(select(Industry.id).where(Industry.code == code)))


def test_a_reader_that_stops_early_is_no_error(sqlite_db) -> None:
    """``emergency-desk list … | head -1``: the pipe closes under the writer; exit 0, nothing on stderr,
    no "内部错误" and no log written."""
    import fcntl

    from tests.factories import create_enterprise

    exe = Path(sys.executable).with_name("emergency-desk")
    if not exe.exists():
        pytest.skip("emergency-desk is not installed in this environment")
    for n in range(1, 25):
        create_enterprise(sqlite_db, n)
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, 1031, 4096)  # F_SETPIPE_SZ: a one-page pipe, so the output cannot fit in it
    proc = subprocess.Popen([str(exe), "--db", db_arg(sqlite_db), "list", "enterprises", "--json"],
                            stdout=write_end, stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.read(100)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and err == ""
