"""Lifecycle steps that need input: 发布, 登记备案, 开始修订, 记录修订原因.

Each dialog is a ``RecordForm`` (``desktop.kit.forms``) over the fields its step needs: it loads the
plan's current values and version in one short read, lets the user fill the fields (a date picker
for every date), and runs the step through the write flow on the writer thread
(``plan_service.transition`` / ``start_revision`` / ``record_revision_trigger``). Missing fields
come back as the core's ``ValidationError``: the dialog stays open with the input, marks the fields
and lists the Chinese messages. A ``ConflictError`` (somebody changed the plan since) offers
重新载入 or 比较; a ``StateError`` (somebody moved the plan on) is said and the dialog stays open
with the input, to be closed by the user.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.dates import DateField
from desktop.kit.forms import RecordForm, Saved, set_widget_value, widget_value
from desktop.kit.tasks import TaskRunner
from desktop.plans.dialog import LABELS
from models.core.calendar import load_calendar
from models.core.database import Database
from models.core.errors import FieldError
from models.core.uow import Actor, UnitOfWork
from models.plans import queries as pq
from models.plans import rules as plan_rules
from models.plans import service as ps
from models.plans.entities import PLAN_STATUSES
from models.plans.rules import revision_triggers
from models.plans.service import PlanData

Values = dict[str, Any]
"""The fields a step asks for, by name."""

_ORDER_PAIRS = (("review_date", "approval_date"), ("review_date", "publish_date"),
                ("approval_date", "publish_date"), ("publish_date", "effective_date"),
                ("publish_date", "filing_submitted_date"), ("filing_submitted_date", "filing_registered_date"))


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def next_version_label(label: str) -> str:
    """The label of the next revision: V1.0 → V2.0, 第1版 → 第2版, anything else gets "（修订）"."""
    match = re.search(r"(\d+)(?:\.\d+)*", label)
    if match is None:
        return f"{label}（修订）" if label else "V2.0"
    major = int(match.group(1)) + 1
    rest = ".0" * match.group(0).count(".")
    return label[:match.start()] + f"{major}{rest}" + label[match.end():]


class LifecycleDialog(RecordForm[Values]):
    """A form for one lifecycle step of one plan; subclasses add fields and say how to run it."""

    labels = LABELS
    order = ("review_date", "approver", "approval_date", "publish_date", "effective_date",
             "filing_submitted_date", "filing_number", "filing_registered_date", "revision_trigger",
             "revision_trigger_date", "revision_reason", "version_label")

    def __init__(self, db: Database, runner: TaskRunner, plan_id: int, *, title: str,
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=plan_id, actor=actor, parent=parent)
        self.step_title = title
        self.plan_id = plan_id
        self.plan = PlanData()
        self.status = ""
        with db.read() as session:
            _values, self.version = self.read(session)
        self.loaded = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.heading)
        self.form = self._form()
        layout.addLayout(self.form)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5A6570;")
        self.note.hide()
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.buttons = self.make_buttons(self.step_title)
        self.ok_button = self.save_button
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("{0} — {1}").format(self.step_title, self.plan.title))
        self._set_heading()

    def read(self, session: Session) -> tuple[Values, int]:
        data, version, status, _enterprise = ps.load(session, self.plan_id)
        self.plan, self.status = data, status
        return {name: getattr(data, name) for name in self.widgets}, version

    def show_record(self, data: Values, version: int | None, *, keep_staged: bool = False) -> None:
        super().show_record(data, version, keep_staged=keep_staged)
        self._set_heading()

    def _set_heading(self) -> None:
        self.heading.setText(self.tr("{0} {1}（{2}，当前状态：{3}）").format(
            self.plan.plan_no, self.plan.title, self.plan.version_label, PLAN_STATUSES[self.status]))

    # --- building helpers ----------------------------------------------------------------------------

    def add_date(self, name: str, value: date | None, *, required: bool = False) -> DateField:
        """A date field; a required one that has a value cannot be cleared (no 未填写 box)."""
        field = DateField(self, value=value, clearable=not (required and value is not None))
        self._add(name, field, required=required)
        return field

    def add_line(self, name: str, value: str, *, required: bool = False, max_length: int = 64) -> QLineEdit:
        edit = QLineEdit(value, self)
        edit.setMaxLength(max_length)
        self._add(name, edit, required=required)
        return edit

    def add_text(self, name: str, value: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(value, self)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(90)
        self._add(name, edit)
        return edit

    def _add(self, name: str, widget: QWidget, *, required: bool = False) -> None:
        self.widgets[name] = widget
        assert isinstance(self.loaded, dict)
        self.loaded[name] = getattr(self.plan, name)
        self._add_row(self.form, name, required=required)

    # --- the form's copy -----------------------------------------------------------------------------

    def fill(self, data: Values) -> None:
        for name, value in data.items():
            set_widget_value(self.widgets[name], value)

    def data(self) -> Values:
        values = {name: widget_value(widget) for name, widget in self.widgets.items()}
        return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}

    def check(self, data: Values) -> list[FieldError]:
        """Problems the form can see before the core does (dates out of order)."""
        known = {name: getattr(self.plan, name) for name in LABELS if hasattr(self.plan, name)}
        known.update({n: v for n, v in data.items() if isinstance(self.widgets[n], DateField)})
        problems = []
        for earlier, later in _ORDER_PAIRS:
            a, b = known.get(earlier), known.get(later)
            if a and b and b < a and (earlier in self.widgets or later in self.widgets):
                field = later if later in self.widgets else earlier
                problems.append(FieldError(field, LABELS[field],
                                           self.tr("{0}（{1}）不能早于{2}（{3}）").format(
                                               LABELS[later], b.isoformat(), LABELS[earlier], a.isoformat())))
        return problems

    def step(self, uow: UnitOfWork, plan_id: int, version: int, values: Values) -> int:
        """Run the step (on the writer thread: only its arguments, never a widget); the new version."""
        raise NotImplementedError

    def command(self, data: Values) -> Callable[[UnitOfWork], Saved]:
        plan_id, version, step = self.plan_id, self.version, self.step
        assert version is not None
        return lambda uow: Saved(plan_id, step(uow, plan_id, version, data))

    def refusal_title(self) -> str:
        return self.tr("无法{0}").format(self.step_title)

    def error_heading(self, count: int) -> str:
        return self.tr("还不能{0}，请先处理以下 {1} 处问题：").format(self.step_title, count)


class PublishDialog(LifecycleDialog):
    """发布: review date, approver and publish date are required; publishing freezes a version."""

    def __init__(self, db: Database, runner: TaskRunner, plan_id: int, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, plan_id, title=_tr("PublishDialog", "发布"), actor=actor, parent=parent)
        p = self.plan
        self.add_date("review_date", p.review_date, required=True)
        self.add_line("approver", p.approver, required=True, max_length=32)
        self.add_date("approval_date", p.approval_date)
        self.add_date("publish_date", p.publish_date or date.today(), required=True)
        self.add_date("effective_date", p.effective_date)
        self._note_version()
        self.note.show()
        self.resize(580, self.sizeHint().height())

    def _note_version(self) -> None:
        with self._db.read() as session:
            number = len(pq.versions(session, self.plan_id)) + 1
        self.note.setText(self.tr("发布后将冻结当前内容为第 {0} 版（{1}），之后的修改需先“开始修订”。"
                                  "备案期限从发布日期起按工作日计算。").format(number, self.plan.version_label))

    def step(self, uow: UnitOfWork, plan_id: int, version: int, values: Values) -> int:
        return ps.transition(uow, plan_id, "publish", version, **values)


class FilingDialog(LifecycleDialog):
    """登记备案: the date the filing was submitted (required), its number and registration date."""

    def __init__(self, db: Database, runner: TaskRunner, plan_id: int, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, plan_id, title=_tr("FilingDialog", "登记备案"), actor=actor, parent=parent)
        p = self.plan
        with db.read() as session:
            self.calendar = load_calendar(session)
        submitted = self.add_date("filing_submitted_date", p.filing_submitted_date or date.today(), required=True)
        self.add_line("filing_number", p.filing_number)
        self.add_date("filing_registered_date", p.filing_registered_date)
        submitted.sig_changed.connect(self._show_deadlines)
        self._show_deadlines()
        self.resize(580, self.sizeHint().height())

    def deadlines_text(self) -> str:
        """The plan's filing deadline and, for the submitted date chosen, the authority's: the
        备案审查期限 (working days after the submission; done once the registration date is filled)."""
        rules = plan_rules.load_plan_rules()
        lines = []
        warnings: list[str] = []
        if self.plan.publish_date is not None:
            due = plan_rules.filing_due(self.plan.publish_date, self.calendar, rules)
            lines.append(self.tr("发布日期：{0}，备案期限：{1}（发布后 {2} 个工作日内申报）").format(
                self.plan.publish_date.isoformat(), due.date.isoformat(), rules.filing_working_days))
            warnings += due.warnings
        submitted = widget_value(self.widgets["filing_submitted_date"])
        if isinstance(submitted, date):
            check = plan_rules.authority_check_due(submitted, self.calendar, rules)
            lines.append(self.tr("备案审查期限：{0}（申报后 {1} 个工作日内审查；填写登记日期即为完成）").format(
                check.date.isoformat(), rules.authority_check_working_days))
            warnings += check.warnings
        lines += [f"⚠ {w}" for w in dict.fromkeys(warnings)]
        return "\n".join(lines)

    def _show_deadlines(self) -> None:
        text = self.deadlines_text()
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def step(self, uow: UnitOfWork, plan_id: int, version: int, values: Values) -> int:
        return ps.transition(uow, plan_id, "file", version, **values)


class RevisionDialog(LifecycleDialog):
    """开始修订 (``start=True``: a new draft from the latest version) or 记录修订原因 (note only)."""

    def __init__(self, db: Database, runner: TaskRunner, plan_id: int, *, start: bool,
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        title = _tr("RevisionDialog", "开始修订") if start else _tr("RevisionDialog", "记录修订原因")
        super().__init__(db, runner, plan_id, title=title, actor=actor, parent=parent)
        self.start = start
        p = self.plan
        self.trigger_combo = QComboBox(self)
        self.trigger_combo.addItem(self.tr("请选择修订情形…"), None)
        for trigger in revision_triggers():
            self.trigger_combo.addItem(trigger.label, trigger.code)
            self.trigger_combo.setItemData(self.trigger_combo.count() - 1,
                                           f"{trigger.text}\n{trigger.source}".strip(),
                                           Qt.ItemDataRole.ToolTipRole)
        self.trigger_combo.setMinimumContentsLength(20)
        self.trigger_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        if p.revision_trigger:
            self.trigger_combo.setCurrentIndex(max(0, self.trigger_combo.findData(p.revision_trigger)))
        self._add("revision_trigger", self.trigger_combo, required=True)
        self.add_date("revision_trigger_date", p.revision_trigger_date or date.today(), required=True)
        self.add_text("revision_reason", p.revision_reason)
        if start:
            self.add_line("version_label", next_version_label(p.version_label), required=True, max_length=32)
            self.note.setText(self.tr("开始修订后，预案内容从最新发布的版本复制为新的草稿，"
                                      "上一轮的评审、批准、发布和备案日期将清空，修订原因记入修订记录。"))
        else:
            self.note.setText(self.tr("只记录需要修订的原因（如演练发现问题），暂不开始修订；"
                                      "预案列表会提示需修订。"))
        self.note.show()
        self.resize(600, self.sizeHint().height())

    def check(self, data: Values) -> list[FieldError]:
        problems = super().check(data)
        if data["revision_trigger"] is None:
            problems.append(FieldError("revision_trigger", LABELS["revision_trigger"], self.tr("请选择修订情形")))
        if self.start and not data["version_label"]:
            problems.append(FieldError("version_label", LABELS["version_label"], self.tr("请填写新的版本号")))
        return problems

    def step(self, uow: UnitOfWork, plan_id: int, version: int, values: Values) -> int:
        if "version_label" in values:  # 开始修订
            return ps.start_revision(uow, plan_id, version, trigger=values["revision_trigger"],
                                     reason=values["revision_reason"], trigger_date=values["revision_trigger_date"],
                                     version_label=values["version_label"])
        return ps.record_revision_trigger(uow, plan_id, version, trigger=values["revision_trigger"],
                                          trigger_date=values["revision_trigger_date"],
                                          reason=values["revision_reason"])
