"""Batch archive (批量归档): the plans of a selection as PDFs (DOCX optional) with a manifest.

``export_archive`` writes, under the output folder, one sub-folder per enterprise holding
``<预案编号>_<版本号>.pdf`` (and ``.docx``), plus ``manifest.csv`` (UTF-8 with BOM, opens in Excel)
and ``manifest.json``: plan number, title, enterprise, version, file, pages, SHA-256, exported at,
exported by. Or, with ``zip_path``, one .zip holding the same tree.

Safety and re-runs: every file is written under a temporary name and renamed when complete, so a
cancelled or failed run leaves no half-written file under a final name (files finished before the
cancel are complete and stay). Exports are deterministic, so re-running the same selection finds
files whose SHA-256 already matches and leaves them untouched (reported as skipped, keeping the
time they were first exported).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports.files import ExportError, describe, replacing, sha256_of_file, write_atomically
from exports.fonts import find_fonts
from exports.plans.export import render_plan
from exports.result import Format
from exports.styles import DEFAULT_STYLE, load_style
from models.core.database import Database
from models.core.entities import Department
from models.core.errors import DeskError
from models.core.progress import NULL_PROGRESS, Progress
from models.enterprises.entities import Enterprise
from models.plans.entities import PLAN_KINDS, PLAN_STATUSES, Plan
from plans.plans.annexes import AnnexBuilder
from plans.plans.print_model import build_print_document, safe_file_name

MANIFEST_CSV = "manifest.csv"
MANIFEST_JSON = "manifest.json"
MANIFEST_COLUMNS: dict[str, str] = {
    "plan_no": "预案编号", "title": "预案名称", "enterprise": "企业", "version": "版本号", "kind": "预案类型",
    "status": "状态", "format": "格式", "file": "文件", "pages": "页数", "sha256": "SHA-256",
    "exported_at": "导出时间", "exported_by": "导出人",
}


@dataclass(frozen=True)
class ArchiveFilter:
    enterprise_id: int | None = None
    department: str | None = None  # code or name of the supervising department (监管部门)
    kind: str | None = None
    status: str | None = None
    published_from: date | None = None
    published_to: date | None = None


@dataclass(frozen=True)
class ManifestEntry:
    plan_id: int
    plan_no: str
    title: str
    enterprise: str
    version: str
    kind: str
    status: str
    format: str
    file: str  # relative to the archive root, with "/"
    pages: int | None
    sha256: str
    exported_at: str
    exported_by: str


@dataclass
class ArchiveResult:
    root: Path
    entries: list[ManifestEntry] = field(default_factory=list)
    written: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        plans = len({e.plan_id for e in self.entries})
        text = f"已归档 {plans} 份预案（{len(self.entries)} 个文件：新写入 {self.written} 个，"
        text += f"与已有文件一致而跳过 {self.skipped} 个），清单见 {MANIFEST_CSV}。"
        return text


def select_plans(session: Session, flt: ArchiveFilter) -> list[int]:
    """Plan ids of the selection, by enterprise name then plan number (the archive's order)."""
    query = (select(Plan.id).join(Enterprise, Enterprise.id == Plan.enterprise_id)
             .where(Plan.deleted_at.is_(None), Enterprise.deleted_at.is_(None))
             .order_by(Enterprise.name, Enterprise.id, Plan.plan_no, Plan.id))
    if flt.enterprise_id is not None:
        query = query.where(Plan.enterprise_id == flt.enterprise_id)
    if flt.department:
        dept = session.scalar(select(Department.id).where((Department.code == flt.department)
                                                          | (Department.name == flt.department)))
        if dept is None:
            raise DeskError(f"没有名称或代码为“{flt.department}”的监管部门。")
        query = query.where(Enterprise.department_id == dept)
    if flt.kind:
        if flt.kind not in PLAN_KINDS:
            raise DeskError(f"未知的预案类型“{flt.kind}”，可选：" + "、".join(PLAN_KINDS))
        query = query.where(Plan.kind == flt.kind)
    if flt.status:
        if flt.status not in PLAN_STATUSES:
            raise DeskError(f"未知的预案状态“{flt.status}”，可选：" + "、".join(PLAN_STATUSES))
        query = query.where(Plan.status == flt.status)
    if flt.published_from is not None:
        query = query.where(Plan.publish_date >= flt.published_from)
    if flt.published_to is not None:
        query = query.where(Plan.publish_date <= flt.published_to)
    return list(session.scalars(query))


def _previous_manifest(root: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads((root / MANIFEST_JSON).read_text(encoding="utf-8"))
        return {str(item["file"]): item for item in data.get("files", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _manifest_json(entries: list[ManifestEntry], exported_at: str, exported_by: str) -> bytes:
    data = {"title": "应急预案归档清单", "exported_at": exported_at, "exported_by": exported_by,
            "count": len(entries), "files": [asdict(e) for e in entries]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _manifest_csv(entries: list[ManifestEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS.values())
    for e in entries:
        row = asdict(e)
        writer.writerow(["" if row[k] is None else row[k] for k in MANIFEST_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_archive(db: Database, flt: ArchiveFilter, out_dir: Path, *, as_of: date, exported_at: datetime,
                   exported_by: str, formats: tuple[Format, ...] = ("pdf",), style_key: str = DEFAULT_STYLE,
                   zip_path: Path | None = None, progress: Progress = NULL_PROGRESS,
                   annex_builders: Sequence[AnnexBuilder] | None = None) -> ArchiveResult:
    """Archive the selected plans into ``out_dir`` (or into the .zip ``zip_path``); see the module
    docstring. ``progress.report`` raises ``Cancelled`` when the user stops the run."""
    style = load_style(style_key)
    fonts = find_fonts()
    root = Path(zip_path) if zip_path is not None else Path(out_dir)
    if zip_path is None:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"无法创建文件夹 {root}：{describe(exc)}") from exc
    with db.read() as session:
        plan_ids = select_plans(session, flt)
    when = exported_at.strftime("%Y-%m-%d %H:%M:%S")
    previous = _previous_manifest(root) if zip_path is None else {}
    result = ArchiveResult(root)
    total = len(plan_ids) * len(formats)
    message = "正在归档预案…"
    progress.report(0, total, message)
    members: dict[str, bytes] = {}

    def cancel() -> bool:
        return progress.cancelled

    done = 0
    for plan_id in plan_ids:
        with db.read() as session:
            doc = (build_print_document(session, plan_id, as_of=as_of) if annex_builders is None else
                   build_print_document(session, plan_id, as_of=as_of, annex_builders=annex_builders))
            plan = session.get(Plan, plan_id)
            assert plan is not None
            kind, status = PLAN_KINDS.get(plan.kind, plan.kind), PLAN_STATUSES.get(plan.status, plan.status)
        folder = safe_file_name(doc.enterprise_name, "未知企业")
        toc_pages: dict[str, int] | None = None
        for fmt in sorted(formats, key=lambda f: f != "pdf"):  # the PDF first: its pages fill the Word TOC
            rendered = render_plan(doc, fmt, style=style, fonts=fonts, toc_pages=toc_pages, cancel=cancel)
            toc_pages = toc_pages or rendered.result.toc or None
            digest = hashlib.sha256(rendered.data).hexdigest()
            relative = f"{folder}/{doc.file_stem}.{fmt}"
            result.warnings += [f"{doc.plan_no}：{w}" for w in rendered.result.warnings]
            first_time = when
            if zip_path is not None:
                members[relative] = rendered.data
                result.written += 1
            else:
                target = root / folder / f"{doc.file_stem}.{fmt}"
                if sha256_of_file(target) == digest:
                    result.skipped += 1
                    old = previous.get(relative)
                    if old is not None and old.get("sha256") == digest:
                        first_time = str(old.get("exported_at") or when)
                else:
                    try:
                        target.parent.mkdir(parents=True, exist_ok=True)
                    except OSError as exc:
                        raise ExportError(f"无法创建文件夹 {target.parent}：{describe(exc)}") from exc
                    write_atomically(target, rendered.data)
                    result.written += 1
            result.entries.append(ManifestEntry(plan_id, doc.plan_no, doc.title, doc.enterprise_name,
                                                doc.version_label, kind, status, fmt, relative,
                                                rendered.result.pages, digest, first_time, exported_by))
            done += 1
            progress.report(done, total, f"{message}{doc.plan_no} {doc.title}")
    manifest_json = _manifest_json(result.entries, when, exported_by)
    manifest_csv = _manifest_csv(result.entries)
    if zip_path is not None:
        with replacing(Path(zip_path)) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(_zip_info(name, exported_at), data)
            archive.writestr(_zip_info(MANIFEST_CSV, exported_at), manifest_csv)
            archive.writestr(_zip_info(MANIFEST_JSON, exported_at), manifest_json)
    else:
        write_atomically(root / MANIFEST_CSV, manifest_csv)
        write_atomically(root / MANIFEST_JSON, manifest_json)
    return result


def _zip_info(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.flag_bits |= 0x800  # UTF-8 file names (Chinese enterprise folders)
    return info


def verify_manifest(root: Path) -> list[str]:
    """Problems found re-hashing an archive folder against its manifest (empty: all files match)."""
    problems: list[str] = []
    try:
        data = json.loads((root / MANIFEST_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"无法读取 {MANIFEST_JSON}：{exc}"]
    for item in data.get("files", []):
        actual = sha256_of_file(root / item["file"])
        if actual is None:
            problems.append(f"缺少文件 {item['file']}")
        elif actual != item["sha256"]:
            problems.append(f"文件 {item['file']} 与清单中的 SHA-256 不符")
    return problems
