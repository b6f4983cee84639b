"""evaluation-form list|export|import|reset: the administrator's evaluation forms from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import db_arg, run


def test_evaluation_form_export_edit_import_list_and_reset(db, tmp_path: Path, capsys) -> None:
    from desktop.cli import EVALUATION_FORMS
    from models.drills.evaluation import form_keys

    assert form_keys() == EVALUATION_FORMS
    url = db_arg(db)
    path = tmp_path / "live.json"
    code, out, err = run(capsys, "--db", url, "evaluation-form", "export", "live", "--out", str(path))
    assert code == 0 and out.strip() == f"已导出实战演练评估表第 1 版到 {path}。", err
    data = json.loads(path.read_text(encoding="utf-8"))
    data["grade_bands"][0]["min"] = 95
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--db", url, "evaluation-form", "import", str(path), "--note", "优秀线提高到 95")
    assert code == 0 and "已保存实战演练评估表第 2 版" in out, err
    code, out, err = run(capsys, "--db", url, "evaluation-form", "import", str(path))
    assert code == 1 and err.count("\n") == 1 and "您的文件基于第 1 版，现在是第 2 版" in err
    code, out, _ = run(capsys, "--db", url, "evaluation-form", "list")
    lines = {line.split("\t")[0]: line for line in out.splitlines()}
    assert "实战演练评估表\t第 2 版\t管理员修改\t16 个评估项" in lines["live"] and "优秀线提高到 95" in lines["live"]
    assert "第 1 版\t内置（AQ/T 9009-2015）" in lines["tabletop"]
    code, out, _ = run(capsys, "--db", url, "evaluation-form", "reset", "live")
    assert code == 0 and out.strip() == "已恢复内置实战演练评估表（第 1 版）。"


def test_evaluation_form_import_says_what_is_wrong(sqlite_db, tmp_path: Path, capsys) -> None:
    url = db_arg(sqlite_db)
    path = tmp_path / "live.json"
    run(capsys, "--db", url, "evaluation-form", "export", "live", "--out", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][0]["weight"] = -1
    data["disagreement_spread"] = 2
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "evaluation-form", "import", str(path))
    assert code == 1 and err.count("\n") == 1
    assert "分歧提示阈值（disagreement_spread）：应大于 0、不超过 1" in err
    assert "第 1 项评估项“策划与设计”（prep.design）：权重（weight）应是大于 0 的数" in err
    path.write_text("{坏", encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "evaluation-form", "import", str(path))
    assert code == 1 and "无法读取评估表文件" in err
    code, _, err = run(capsys, "--db", url, "evaluation-form", "export", "drill9", "--out", str(path))
    assert code == 2 and "drill9" in err
