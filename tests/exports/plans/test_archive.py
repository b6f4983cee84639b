"""Batch archive: files per enterprise, manifests whose hashes verify, skip on re-run, cancel, zip."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.files import ExportError
from exports.plans.archive import ArchiveFilter, export_archive, select_plans, verify_manifest
from models.core.database import Database
from models.core.errors import Cancelled, DeskError
from models.core.progress import Progress
from tests.conftest import make_db
from tests.exports.samples import AS_OF, SINK_NO, add_kitchen_sink, fill_demo

WHEN = datetime(2026, 11, 29, 9, 30)


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = make_db("sqlite", tmp_path_factory.mktemp("archive"))
    fill_demo(db, count=2)
    add_kitchen_sink(db)
    yield db
    db.dispose()


def run(db: Database, out: Path, flt: ArchiveFilter | None = None, **kw: object):
    return export_archive(db, flt or ArchiveFilter(), out, as_of=AS_OF, exported_at=WHEN, exported_by="归档员",
                          **kw)


def test_archive_writes_pdfs_and_manifests_that_verify_and_rerun_skips(archive_db, tmp_path: Path) -> None:
    flt = ArchiveFilter(status="published")
    with archive_db.read() as s:
        ids = select_plans(s, flt)
    assert ids
    result = run(archive_db, tmp_path, flt)
    assert result.written == len(ids) and result.skipped == 0
    data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert data["count"] == len(ids) and data["exported_by"] == "归档员"
    for item in data["files"]:
        path = tmp_path / item["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == item["sha256"]
        assert len(PdfReader(path).pages) == item["pages"] > 0
        assert item["exported_at"] == "2026-11-29 09:30:00"
    sink = next(i for i in data["files"] if i["plan_no"] == SINK_NO)
    assert sink["file"].endswith(f"/{SINK_NO}_V1.0.pdf") and sink["version"] == "V1.0"
    with (tmp_path / "manifest.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:4] == ["预案编号", "预案名称", "企业", "版本号"] and len(rows) == len(ids) + 1
    assert verify_manifest(tmp_path) == []
    later = export_archive(archive_db, flt, tmp_path, as_of=AS_OF, exported_at=datetime(2026, 12, 1, 8, 0),
                           exported_by="归档员")
    assert later.written == 0 and later.skipped == len(ids)
    again = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {i["exported_at"] for i in again["files"]} == {"2026-11-29 09:30:00"}  # first export kept
    victim = tmp_path / sink["file"]
    victim.write_bytes(victim.read_bytes() + b"%tampered")
    assert verify_manifest(tmp_path) == [f"文件 {sink['file']} 与清单中的 SHA-256 不符"]


def test_cancel_leaves_no_partial_file(archive_db, tmp_path: Path) -> None:
    def report(done: int, total: int, message: str) -> None:
        if done == 2:
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        run(archive_db, tmp_path, progress=progress)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.endswith(".part")]
    assert not (tmp_path / "manifest.json").exists()
    assert len(files) == 2  # the two finished files are complete
    for path in files:
        assert len(PdfReader(path).pages) > 0


def test_zip_and_word_copies(archive_db, tmp_path: Path) -> None:
    zip_path = tmp_path / "归档.zip"
    result = run(archive_db, tmp_path, ArchiveFilter(kind="comprehensive", status="published"), formats=("pdf", "docx"),
                 zip_path=zip_path, style_key="gbt9704")
    assert result.written == len(result.entries) >= 2
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        for item in manifest["files"]:
            assert hashlib.sha256(archive.read(item["file"])).hexdigest() == item["sha256"]
    assert {Path(n).suffix for n in names} >= {".pdf", ".docx", ".csv", ".json"}
    assert [p.name for p in tmp_path.iterdir()] == ["归档.zip"]


def test_selection_and_errors(archive_db, tmp_path: Path) -> None:
    with archive_db.read() as s:
        everything = select_plans(s, ArchiveFilter())
        assert select_plans(s, ArchiveFilter(published_from=date(2030, 1, 1))) == []
        assert set(select_plans(s, ArchiveFilter(kind="onsite"))) < set(everything)
        with pytest.raises(DeskError, match="没有名称或代码为“不存在的局”的监管部门"):
            select_plans(s, ArchiveFilter(department="不存在的局"))
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="无法创建文件夹"):
        run(archive_db, blocker / "sub")
