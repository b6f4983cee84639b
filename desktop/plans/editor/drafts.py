"""Draft files of the plan editor: what a crash may not take away.

While a plan's content has unsaved changes the editor writes the whole document, with the plan
version it was loaded at, to ``<data dir>/drafts/plan-<id>.json`` every few seconds. The file is
written to a temporary file in the same folder and moved over the old one with ``os.replace``, so
a crash in the middle of a write leaves the previous draft intact. A successful save or an
explicit discard removes it; the next time the plan is opened in the editor with a draft present,
the user is asked whether to restore it.

A draft that cannot be read (damaged, or from a newer program) is moved aside to
``plan-<id>.damaged-<time>.json`` rather than deleted, and the editor opens the stored document.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from models.core.paths import data_dir
from plans.document import Document, DocumentFormatError

log = logging.getLogger(__name__)

FORMAT = 1


@dataclass(frozen=True)
class Draft:
    """A draft as read back: the document, the plan version it was based on, when it was written."""

    plan_id: int
    base_version: int
    saved_at: datetime
    document: Document


def drafts_dir() -> Path:
    return data_dir() / "drafts"


def draft_path(plan_id: int) -> Path:
    return drafts_dir() / f"plan-{plan_id}.json"


def write_draft(plan_id: int, document: Document, base_version: int, *, now: datetime | None = None) -> Path:
    """Write (atomically) the draft of ``plan_id``; returns its path. ``OSError`` on failure."""
    path = draft_path(plan_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    data: dict[str, Any] = {"format": FORMAT, "plan_id": plan_id, "base_version": base_version,
                            "saved_at": stamp, "document": document.to_json()}
    fd, tmp = tempfile.mkstemp(prefix=f".plan-{plan_id}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_draft(plan_id: int) -> Draft | None:
    """The draft of ``plan_id``, or None when there is none (or it was unreadable and set aside)."""
    path = draft_path(plan_id)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("无法读取草稿 %s：%s", path, exc)
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise DocumentFormatError("草稿文件格式不符")
        base = data.get("base_version")
        if not isinstance(base, int) or isinstance(base, bool):
            raise DocumentFormatError("草稿缺少版本号")
        saved_at = datetime.fromisoformat(str(data.get("saved_at")))
        document = Document.from_json(data.get("document"))
    except (ValueError, DocumentFormatError) as exc:  # json.JSONDecodeError is a ValueError
        aside = path.with_name(f"plan-{plan_id}.damaged-{datetime.now():%Y%m%d-%H%M%S}.json")
        log.warning("草稿 %s 无法使用（%s），已移到 %s", path, exc, aside)
        try:
            os.replace(path, aside)
        except OSError as move_error:
            log.warning("无法移走损坏的草稿 %s：%s", path, move_error)
        return None
    return Draft(plan_id, base, saved_at, document)


def remove_draft(plan_id: int) -> None:
    """Remove the draft of ``plan_id`` (nothing happens when there is none)."""
    try:
        draft_path(plan_id).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("无法删除草稿 %s：%s", draft_path(plan_id), exc)


def has_draft(plan_id: int) -> bool:
    return draft_path(plan_id).is_file()
