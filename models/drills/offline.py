"""Offline score sheets (D4): an evaluator takes a sheet to a laptop with no network as a small file,
scores it there, and brings it back.

``export_sheet(session, sheet_id)`` writes the file: the drill, the evaluator, the sheet, the frozen
form and its SHA-256, the entries so far. On the laptop ``OfflineSheet`` holds it: ``enter`` checks
each value against the form as the database would, ``submit`` locks it with the digest of its entries
(``models.drills.scoring.digest_of``). ``import_sheet(uow, data, sheet_id)`` brings it back as one
write: refused with a Chinese reason when the file is not a score sheet, belongs to another drill or
another evaluator, the form changed since it was taken, it was altered after it was submitted, it
was not submitted, or the sheet was already submitted here. Nothing is written when it is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import DeskError, NotFoundError
from models.core.uow import Command, UnitOfWork
from models.drills import scoring
from models.drills.entities import Drill, DrillEvaluation, ScoreEntry, ScoreSheet
from models.drills.evaluation import Entry, Form, ScoreError, Sheet, fraction

FORMAT = "emergency-desk-score-sheet"
FORMAT_VERSION = 1
MAX_BYTES = 2_000_000
IMPORT = Command("drill.evaluation.import_sheet", "导入离线评估表")


class OfflineSheetError(DeskError):
    """A sheet file that cannot be brought back (the message says why)."""


def form_digest(form: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(form, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


@dataclass
class OfflineSheet:
    drill_id: int
    drill_title: str
    sheet_id: int
    evaluator: str
    form: dict[str, Any]
    form_digest: str
    entries: dict[str, Entry] = field(default_factory=dict)
    submitted_digest: str = ""

    @property
    def submitted(self) -> bool:
        return bool(self.submitted_digest)

    def parsed_form(self) -> Form:
        return Form.from_json(self.form)

    def enter(self, item_key: str, value: float | str | None, comment: str = "") -> None:
        if self.submitted:
            raise OfflineSheetError("这份评估表已提交，不能再修改。")
        form = self.parsed_form()
        try:
            fraction(form, form.item(item_key), value)
        except KeyError:
            raise OfflineSheetError("评估表中没有这一项。") from None
        except ScoreError as exc:
            raise OfflineSheetError(str(exc)) from None
        self.entries[item_key] = Entry(value, comment.strip())

    def submit(self) -> None:
        missing = [i.indicator for i in self.parsed_form().items if i.key not in self.entries]
        if missing:
            raise OfflineSheetError(f"还有 {len(missing)} 项未评分（如“{missing[0]}”），不适用的项请选“不适用”。")
        self.submitted_digest = scoring.digest_of(Sheet(self.evaluator, self.entries))

    def to_bytes(self) -> bytes:
        return json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "drill_id": self.drill_id,
                           "drill_title": self.drill_title, "sheet_id": self.sheet_id, "evaluator": self.evaluator,
                           "form": self.form, "form_digest": self.form_digest,
                           "entries": {k: {"value": e.value, "comment": e.comment} for k, e in self.entries.items()},
                           "submitted_digest": self.submitted_digest}, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> OfflineSheet:
        if len(data) > MAX_BYTES:
            raise OfflineSheetError(f"文件超过 {MAX_BYTES // 1_000_000} MB，不是评估表文件。")
        try:
            raw = json.loads(data.decode("utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError
            if raw.get("version") != FORMAT_VERSION:
                raise OfflineSheetError("评估表文件的版本不受支持，请用同一版本的软件导出。")
            entries = {str(k): Entry(v["value"], str(v.get("comment", ""))) for k, v in raw["entries"].items()}
            return cls(int(raw["drill_id"]), str(raw["drill_title"]), int(raw["sheet_id"]), str(raw["evaluator"]),
                       dict(raw["form"]), str(raw["form_digest"]), entries, str(raw.get("submitted_digest", "")))
        except OfflineSheetError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise OfflineSheetError("这不是本系统导出的评估表文件，或文件已损坏。") from None


def export_sheet(session: Session, sheet_id: int) -> bytes:
    sheet = session.get(ScoreSheet, sheet_id)
    if sheet is None or sheet.is_deleted:
        raise NotFoundError(ScoreSheet.__label__, sheet_id)
    if sheet.status != "open":
        raise OfflineSheetError(f"{sheet.evaluator}的评估表已提交，无需离线评分。")
    drill = session.get(Drill, sheet.drill_id)
    form = session.scalar(select(DrillEvaluation.form).where(DrillEvaluation.drill_id == sheet.drill_id))
    assert drill is not None and form is not None
    current = scoring.sheets_for(session, sheet.drill_id, sheet.evaluator)
    own = next(v for v in current if v.id == sheet_id)
    assert own.sheet is not None
    return OfflineSheet(drill.id, drill.title, sheet.id, sheet.evaluator, dict(form), form_digest(form),
                        dict(own.sheet.entries)).to_bytes()


def import_sheet(uow: UnitOfWork, data: bytes, sheet_id: int) -> int:
    """Bring an offline sheet back into sheet ``sheet_id`` (the one it was taken from); returns the
    sheet's new version. Refused, writing nothing, for the reasons in the module docstring."""
    uow.require(IMPORT)
    offline = OfflineSheet.from_bytes(data)
    sheet = uow.session.get(ScoreSheet, sheet_id)
    if sheet is None or sheet.is_deleted:
        raise NotFoundError(ScoreSheet.__label__, sheet_id)
    if offline.drill_id != sheet.drill_id:
        raise OfflineSheetError(f"这份评估表属于另一次演练（“{offline.drill_title}”），不能导入到这里。")
    if offline.evaluator != sheet.evaluator or offline.sheet_id != sheet.id:
        raise OfflineSheetError(f"这份评估表是{offline.evaluator}的，不是{sheet.evaluator}的。")
    form = uow.session.scalar(select(DrillEvaluation.form).where(DrillEvaluation.drill_id == sheet.drill_id))
    if form is None or form_digest(form) != offline.form_digest or form_digest(offline.form) != offline.form_digest:
        raise OfflineSheetError("评估表的评估项已变化（与导出时不同），不能导入，请重新导出后评分。")
    if not offline.submitted:
        raise OfflineSheetError("这份评估表还没有提交，请在离线电脑上评完并提交后再导入。")
    if scoring.digest_of(Sheet(offline.evaluator, offline.entries)) != offline.submitted_digest:
        raise OfflineSheetError("这份评估表提交后被改动过（校验值不符），不能导入。")
    if sheet.status != "open":
        raise OfflineSheetError(f"{sheet.evaluator}的评估表在这里已经提交，不能再导入。")
    parsed = Form.from_json(form)
    for key, entry in offline.entries.items():  # the file may be hand-made: every value checked again
        try:
            fraction(parsed, parsed.item(key), entry.value)
        except (KeyError, ScoreError, ValueError):
            raise OfflineSheetError(f"评估表中“{key}”一项的值不合规定，不能导入。") from None
    rows = {r.item_key: r for r in uow.session.scalars(select(ScoreEntry).where(ScoreEntry.sheet_id == sheet.id))}
    for key, entry in offline.entries.items():
        values = scoring.entry_columns(parsed.item(key), entry.value, entry.comment)
        row = rows.get(key)
        if row is None:
            uow.add(ScoreEntry(sheet_id=sheet.id, item_key=key, **values))
        else:
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
    sheet.status, sheet.submitted_at, sheet.digest = "submitted", uow.now, offline.submitted_digest
    uow.session.flush()
    return sheet.version
