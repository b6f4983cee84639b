"""Scoring a drill (D4): the frozen form, one sheet per evaluator, every entry saved at once, sheets
locked when submitted, evaluators kept apart until they have submitted, and the aggregate.

- ``start_evaluation`` freezes the form a drill is scored against (the form in use for its form of
  drill, 实战 or 桌面 — the administrator's latest version or the shipped one,
  ``models.drills.templates`` — unless another is named) with its key and version; the drill must
  have been held. Later edits of the form never reach an evaluation that has started.
- ``add_evaluator`` opens a sheet for a name (once per drill).
- ``enter`` writes one item of one sheet — a value of the item's kind, or 不适用, and a comment —
  checked against the frozen form and refused on a submitted sheet; each entry is its own unit of
  work, so a crash loses nothing entered before it. The sheet's version goes up with every entry,
  so a second window on the same sheet is refused, not silently overwritten.
- ``submit`` locks a sheet and records the SHA-256 of its entries (what an offline sheet brought
  back is compared against).
- ``sheets_for(session, drill_id, evaluator)``: an evaluator sees their own sheet, and the others
  only once their own is submitted. ``results`` aggregates the submitted sheets
  (``models.drills.evaluation.aggregate``); ``overview`` is what the window's 评估汇总 shows a
  viewer: every evaluator's progress, and the aggregate unless the viewer's own sheet is still open.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.errors import FieldError, NotFoundError, StateError, ValidationError
from models.core.uow import Command, UnitOfWork
from models.drills.entities import HELD_STATUSES, Drill, DrillEvaluation, ScoreEntry, ScoreSheet
from models.drills.evaluation import (
    Aggregate,
    Entry,
    Form,
    Item,
    ScoreError,
    Sheet,
    aggregate,
    fraction,
)
from models.drills.templates import form_for_drill

START = Command("drill.evaluation.start", "开始演练评估")
ADD_EVALUATOR = Command("drill.evaluation.add_evaluator", "添加评估人")
ENTER = Command("drill.evaluation.enter", "录入评估得分")
SUBMIT = Command("drill.evaluation.submit", "提交评估表")


def start_evaluation(uow: UnitOfWork, drill_id: int, form: Form | None = None) -> int:
    uow.require(START)
    drill = uow.session.get(Drill, drill_id)
    if drill is None or drill.is_deleted:
        raise NotFoundError(Drill.__label__, drill_id)
    if drill.status not in HELD_STATUSES:
        raise StateError("演练实施后才能开始评估。")
    if uow.session.scalar(select(DrillEvaluation.id).where(DrillEvaluation.drill_id == drill_id)) is not None:
        raise StateError("这次演练已经开始评估，评估表已固定。")
    chosen = form or form_for_drill(uow.session, drill.form)
    evaluation = DrillEvaluation(drill_id=drill_id, form_key=chosen.key, form_version=chosen.version,
                                 form=chosen.to_json())
    uow.add(evaluation)
    uow.session.flush()
    return evaluation.id


def frozen_form(session: Session, drill_id: int) -> Form:
    data = session.scalar(select(DrillEvaluation.form).where(DrillEvaluation.drill_id == drill_id,
                                                             DrillEvaluation.deleted_at.is_(None)))
    if data is None:
        raise StateError("这次演练还没有开始评估。")
    return Form.from_json(data)


def add_evaluator(uow: UnitOfWork, drill_id: int, evaluator: str) -> int:
    uow.require(ADD_EVALUATOR)
    name = " ".join(evaluator.split())
    if not name or len(name) > 64:
        raise ValidationError([FieldError("evaluator", "评估人", "请填写评估人姓名（最多 64 个字）")])
    frozen_form(uow.session, drill_id)
    taken = uow.session.scalar(select(ScoreSheet.id).where(ScoreSheet.drill_id == drill_id,
                                                           ScoreSheet.evaluator == name))
    if taken is not None:
        raise ValidationError([FieldError("evaluator", "评估人", f"“{name}”已是这次演练的评估人")])
    sheet = ScoreSheet(drill_id=drill_id, evaluator=name, status="open")
    uow.add(sheet)
    uow.session.flush()
    return sheet.id


def enter(uow: UnitOfWork, sheet_id: int, item_key: str, value: float | str | None, expected_version: int, *,
          comment: str = "") -> int:
    """Write one item of a sheet (``value`` None: 不适用); returns the sheet's new version."""
    uow.require(ENTER)
    sheet = uow.get_for_update(ScoreSheet, sheet_id, expected_version)
    if sheet.status != "open":
        raise StateError(f"{sheet.evaluator}的评估表已提交，不能再修改。")
    form = frozen_form(uow.session, sheet.drill_id)
    try:
        item = form.item(item_key)
    except KeyError:
        raise ValidationError([FieldError("item_key", "评估项", "评估表中没有这一项")]) from None
    try:
        fraction(form, item, value)
    except (ScoreError, ValueError) as exc:
        message = str(exc) if isinstance(exc, ScoreError) else f"“{item.indicator}”应填写数字"
        raise ValidationError([FieldError(item_key, item.indicator, message)]) from None
    row = uow.session.scalar(select(ScoreEntry).where(ScoreEntry.sheet_id == sheet_id,
                                                      ScoreEntry.item_key == item_key))
    values = entry_columns(item, value, comment)
    if row is None:
        uow.add(ScoreEntry(sheet_id=sheet_id, item_key=item_key, **values))
    else:
        for key, v in values.items():
            if getattr(row, key) != v:
                setattr(row, key, v)
    uow.touch(sheet)
    uow.session.flush()
    return sheet.version


def entry_columns(item: Item, value: float | str | None, comment: str) -> dict[str, object]:
    """A checked entry as the columns of ``ScoreEntry`` (a number, an option's label, 不适用)."""
    return {"number": float(value) if value is not None and item.kind != "choice" else None,
            "choice": str(value) if item.kind == "choice" and value is not None else "",
            "not_applicable": value is None, "comment": comment.strip()}


def _sheet_of(session: Session, sheet: ScoreSheet) -> Sheet:
    entries = {}
    for e in session.scalars(select(ScoreEntry).where(ScoreEntry.sheet_id == sheet.id,
                                                      ScoreEntry.deleted_at.is_(None)).order_by(ScoreEntry.item_key)):
        value: float | str | None = None if e.not_applicable else (e.choice or e.number)
        entries[e.item_key] = Entry(value, e.comment)
    return Sheet(sheet.evaluator, entries)


def _plain(value: float | str | None) -> float | str | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def digest_of(sheet: Sheet) -> str:
    """SHA-256 of a sheet's evaluator and entries (numbers as floats: 5 and 5.0 are the same score)."""
    payload = json.dumps({"evaluator": sheet.evaluator, "entries": {k: [_plain(e.value), e.comment] for k, e in
                                                                     sorted(sheet.entries.items())}},
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def submit(uow: UnitOfWork, sheet_id: int, expected_version: int) -> int:
    uow.require(SUBMIT)
    sheet = uow.get_for_update(ScoreSheet, sheet_id, expected_version)
    if sheet.status != "open":
        raise StateError(f"{sheet.evaluator}的评估表已经提交。")
    form = frozen_form(uow.session, sheet.drill_id)
    data = _sheet_of(uow.session, sheet)
    missing = [i.indicator for i in form.items if i.key not in data.entries]
    if missing:
        raise ValidationError([FieldError("entries", "评估项", f"还有 {len(missing)} 项未评分（如“{missing[0]}”），"
                                                              "不适用的项请选“不适用”")])
    sheet.status, sheet.submitted_at, sheet.digest = "submitted", uow.now, digest_of(data)
    uow.session.flush()
    return sheet.version


@dataclass(frozen=True)
class SheetView:
    id: int
    evaluator: str
    status: str
    version: int
    sheet: Sheet | None  # None: hidden (another evaluator's, before the viewer submitted)


def sheets_for(session: Session, drill_id: int, evaluator: str) -> list[SheetView]:
    """The sheets of a drill as ``evaluator`` may see them: their own always, the others' scores only
    once their own sheet is submitted."""
    rows = session.scalars(select(ScoreSheet).where(ScoreSheet.drill_id == drill_id,
                                                    ScoreSheet.deleted_at.is_(None)).order_by(ScoreSheet.id)).all()
    own = next((r for r in rows if r.evaluator == evaluator), None)
    opened = own is not None and own.status == "submitted"
    return [SheetView(r.id, r.evaluator, r.status, r.version,
                      _sheet_of(session, r) if r is own or opened else None) for r in rows]


def results(session: Session, drill_id: int) -> Aggregate:
    """The aggregate of the submitted sheets against the drill's frozen form."""
    form = frozen_form(session, drill_id)
    sheets = [_sheet_of(session, r) for r in session.scalars(
        select(ScoreSheet).where(ScoreSheet.drill_id == drill_id, ScoreSheet.status == "submitted",
                                 ScoreSheet.deleted_at.is_(None)).order_by(ScoreSheet.id))]
    return aggregate(form, sheets)


@dataclass(frozen=True)
class SheetProgress:
    evaluator: str
    status: str  # open | submitted
    entered: int
    submitted_at: datetime | None


@dataclass(frozen=True)
class Overview:
    """A drill's evaluation as one viewer may see it: every evaluator's progress always; the
    aggregate of the submitted sheets only when the viewer has no sheet still open (an evaluator sees
    the others' scores once their own is submitted)."""

    form: Form
    sheets: list[SheetProgress]
    results: Aggregate | None  # None: hidden from this viewer

    @property
    def submitted(self) -> int:
        return sum(1 for s in self.sheets if s.status == "submitted")


def overview(session: Session, drill_id: int, viewer: str) -> Overview | None:
    """The evaluation overview of a drill for ``viewer``; None when its evaluation has not started."""
    if session.scalar(select(DrillEvaluation.id).where(DrillEvaluation.drill_id == drill_id,
                                                       DrillEvaluation.deleted_at.is_(None))) is None:
        return None
    form = frozen_form(session, drill_id)
    counts = dict(session.execute(
        select(ScoreEntry.sheet_id, func.count()).join(ScoreSheet, ScoreSheet.id == ScoreEntry.sheet_id)
        .where(ScoreSheet.drill_id == drill_id, ScoreEntry.deleted_at.is_(None)).group_by(ScoreEntry.sheet_id)).all())
    rows = session.scalars(select(ScoreSheet).where(ScoreSheet.drill_id == drill_id, ScoreSheet.deleted_at.is_(None))
                           .order_by(ScoreSheet.id)).all()
    sheets = [SheetProgress(r.evaluator, r.status, int(counts.get(r.id, 0)), r.submitted_at) for r in rows]
    hidden = any(r.evaluator == viewer and r.status == "open" for r in rows)
    return Overview(form, sheets, None if hidden else results(session, drill_id))


@dataclass(frozen=True)
class Score:
    total: float | None  # 0–100 over the submitted sheets; None: none submitted yet
    grade: str
    submitted: int


def scores(session: Session, drill_ids: Sequence[int]) -> dict[int, Score]:
    """The total and grade of each evaluated drill among ``drill_ids`` (what the lists show), read in
    a few set queries: the frozen forms once per form and version, every submitted entry at once."""
    if not drill_ids:
        return {}
    evaluations = session.execute(select(DrillEvaluation.drill_id, DrillEvaluation.id, DrillEvaluation.form_key,
                                         DrillEvaluation.form_version)
                                  .where(DrillEvaluation.drill_id.in_(drill_ids),
                                         DrillEvaluation.deleted_at.is_(None))).all()
    forms: dict[tuple[str, int], Form] = {}
    form_of: dict[int, Form] = {}
    for drill_id, evaluation_id, key, version in evaluations:
        if (key, version) not in forms:  # a form's version is frozen: one copy stands for all
            forms[key, version] = Form.from_json(session.scalar(
                select(DrillEvaluation.form).where(DrillEvaluation.id == evaluation_id)))
        form_of[drill_id] = forms[key, version]
    sheets = session.execute(select(ScoreSheet.id, ScoreSheet.drill_id, ScoreSheet.evaluator)
                             .where(ScoreSheet.drill_id.in_(list(form_of)), ScoreSheet.status == "submitted",
                                    ScoreSheet.deleted_at.is_(None)).order_by(ScoreSheet.id)).all()
    entries: dict[int, dict[str, Entry]] = {sheet_id: {} for sheet_id, _d, _e in sheets}
    if entries:
        for sheet_id, key, number, choice, na in session.execute(
                select(ScoreEntry.sheet_id, ScoreEntry.item_key, ScoreEntry.number, ScoreEntry.choice,
                       ScoreEntry.not_applicable)
                .where(ScoreEntry.sheet_id.in_(list(entries)), ScoreEntry.deleted_at.is_(None))):
            entries[sheet_id][key] = Entry(None if na else (choice or number))
    by_drill: dict[int, list[Sheet]] = {d: [] for d in form_of}
    for sheet_id, drill_id, evaluator in sheets:
        by_drill[drill_id].append(Sheet(evaluator, entries[sheet_id]))
    out = {}
    for drill_id, form in form_of.items():
        result = aggregate(form, by_drill[drill_id]) if by_drill[drill_id] else None
        out[drill_id] = Score(result.total if result else None, result.grade if result else "",
                              len(by_drill[drill_id]))
    return out


@dataclass(frozen=True)
class ArchivedSheet:
    """A sheet as the drill's archive keeps it: the scores only once submitted (an open sheet is
    named, its scores stay the evaluator's own)."""

    evaluator: str
    status: str
    submitted_at: datetime | None
    digest: str
    sheet: Sheet | None


def archived_sheets(session: Session, drill_id: int) -> list[ArchivedSheet]:
    rows = session.scalars(select(ScoreSheet).where(ScoreSheet.drill_id == drill_id,
                                                    ScoreSheet.deleted_at.is_(None)).order_by(ScoreSheet.id)).all()
    return [ArchivedSheet(r.evaluator, r.status, r.submitted_at, r.digest,
                          _sheet_of(session, r) if r.status == "submitted" else None) for r in rows]


IMPORT = Command("drill.evaluation.import", "批量导入演练评估", role="admin")


@dataclass(frozen=True)
class SheetRecord:
    """One evaluator's sheet as it stands, for ``import_evaluations``: its entries (an entry's value
    None: 不适用) and, once submitted, when (None: still open, as far as it was filled in)."""

    evaluator: str
    entries: dict[str, Entry]
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class EvaluationRecord:
    """A held drill's evaluation as it stands: the form it was frozen with and its sheets."""

    drill_id: int
    form: Form
    sheets: tuple[SheetRecord, ...]


@dataclass(frozen=True)
class ImportedEvaluations:
    """The ids ``import_evaluations`` wrote, per table, in order."""

    evaluations: list[int]
    sheets: list[int]
    entries: list[int]


def import_evaluations(uow: UnitOfWork, items: Sequence[EvaluationRecord]) -> ImportedEvaluations:
    """Write many evaluations at once (a ledger brought in, the demo): each drill's frozen form, its
    evaluators' sheets and their entries, submitted sheets locked with their digest.

    Each is checked as the commands check it one by one: the drill exists and was held and has no
    evaluation yet, evaluators are named once per drill, every entry fits its item of the form
    (``fraction``), a submitted sheet has every item. The first problem stops the whole batch,
    naming the item (第 N 条); nothing is written then.
    """
    uow.require(IMPORT)
    forms: dict[int, dict[str, Item]] = {}

    def by_key(form: Form) -> dict[str, Item]:
        found = forms.get(id(form))
        if found is None:
            found = forms[id(form)] = {i.key: i for i in form.items}
        return found

    drill_ids = [item.drill_id for item in items]
    status: dict[int, str] = {}
    taken: set[int] = set()
    for start in range(0, len(drill_ids), 2000):
        chunk = drill_ids[start:start + 2000]
        status.update((did, st) for did, st in uow.session.execute(select(Drill.id, Drill.status).where(
            Drill.id.in_(chunk), Drill.deleted_at.is_(None))))
        taken.update(uow.session.scalars(select(DrillEvaluation.drill_id).where(DrillEvaluation.drill_id.in_(chunk))))
    seen: set[int] = set()
    items = [EvaluationRecord(item.drill_id, item.form, tuple(
        SheetRecord(sheet.evaluator, {k: Entry(e.value, e.comment.strip()) for k, e in sheet.entries.items()},
                    sheet.submitted_at) for sheet in item.sheets)) for item in items]
    for n, item in enumerate(items, start=1):
        def fail(field_: str, label: str, message: str, n: int = n) -> ValidationError:
            return ValidationError([FieldError(field_, f"第 {n} 条评估的{label}", message)])

        if status.get(item.drill_id) not in HELD_STATUSES:
            raise fail("drill_id", "演练", "演练不存在或尚未实施")
        if item.drill_id in taken or item.drill_id in seen:
            raise fail("drill_id", "演练", "这次演练已经开始评估")
        seen.add(item.drill_id)
        names = [sheet.evaluator for sheet in item.sheets]
        if any(not name or len(name) > 64 or name != " ".join(name.split()) for name in names):
            raise fail("evaluator", "评估人", "请填写评估人姓名（最多 64 个字）")
        if len(set(names)) != len(names):
            raise fail("evaluator", "评估人", "同一评估人只能有一份评估表")
        for sheet in item.sheets:
            for key, entry in sheet.entries.items():
                form_item = by_key(item.form).get(key)
                if form_item is None:
                    raise fail("item_key", "评估项", f"评估表中没有“{key}”这一项")
                try:
                    fraction(item.form, form_item, entry.value)
                except (ScoreError, ValueError) as exc:
                    raise fail(key, "评估项", str(exc) if isinstance(exc, ScoreError) else "应填写数字") from None
            if sheet.submitted_at is not None and len(sheet.entries) != len(item.form.items):
                raise fail("entries", "评估项", f"{sheet.evaluator}的评估表已提交，但还有项未评分")
    evaluation_ids = uow.reserve_ids(DrillEvaluation, len(items))
    uow.insert_rows(DrillEvaluation, [
        {"id": eid, "drill_id": item.drill_id, "form_key": item.form.key, "form_version": item.form.version,
         "form": item.form.to_json()} for eid, item in zip(evaluation_ids, items, strict=True)])
    sheets = [(item, sheet) for item in items for sheet in item.sheets]
    sheet_ids = uow.reserve_ids(ScoreSheet, len(sheets))
    uow.insert_rows(ScoreSheet, [
        {"id": sid, "drill_id": item.drill_id, "evaluator": sheet.evaluator,
         "status": "open" if sheet.submitted_at is None else "submitted", "submitted_at": sheet.submitted_at,
         "digest": "" if sheet.submitted_at is None else digest_of(Sheet(sheet.evaluator, sheet.entries))}
        for sid, (item, sheet) in zip(sheet_ids, sheets, strict=True)])
    entries = []
    for sid, (item, sheet) in zip(sheet_ids, sheets, strict=True):
        for key, entry in sheet.entries.items():
            entries.append({"sheet_id": sid, "item_key": key,
                            **entry_columns(by_key(item.form)[key], entry.value, entry.comment)})
    for row, entry_id in zip(entries, uow.reserve_ids(ScoreEntry, len(entries)), strict=True):
        row["id"] = entry_id
    uow.insert_rows(ScoreEntry, entries)
    return ImportedEvaluations(evaluation_ids, sheet_ids, [row["id"] for row in entries])
