"""Lifecycle steps that need input: 发布, 登记备案, 开始修订, 记录修订原因.

Each dialog loads the plan's current values and version in one short read, lets the user fill the
fields the step needs (date pickers for every date), and runs the step through the write path
(``plan_service.transition`` / ``start_revision`` / ``record_revision_trigger``). Missing fields
come back as the core's ``ValidationError``: the dialog stays open with the input, marks the fields
and lists the Chinese messages. A ``ConflictError`` keeps the input and offers to load the newer
version (the step is then tried against it); a ``StateError`` (somebody moved the plan on) is
shown and the dialog closes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.kit import messages
from desktop.kit.widgets import ERROR_STYLE
from desktop.plans.dialog import LABELS, DateField, FormErrors
from models.core.database import Database
from models.core.errors import ConflictError, DeskError, FieldError, StateError, ValidationError
from models.core.uow import Actor, UnitOfWork, os_actor, unit_of_work
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.entities import PLAN_STATUSES
from models.plans.rules import revision_triggers
from models.plans.service import PlanData

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


class LifecycleDialog(QDialog):
    """A form for one lifecycle step of one plan; subclasses add fields and say how to run it."""

    sig_done = Signal(int)
    """The step was saved; the argument is the plan's id."""

    order = ("review_date", "approver", "approval_date", "publish_date", "effective_date",
             "filing_submitted_date", "filing_number", "filing_registered_date", "revision_trigger",
             "revision_trigger_date", "revision_reason", "version_label")

    def __init__(self, db: Database, plan_id: int, *, title: str, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step_title = title
        self._db = db
        self._actor = actor or os_actor()
        self.plan_id = plan_id
        self.widgets: dict[str, QWidget] = {}
        self.setStyleSheet(ERROR_STYLE)
        self.setSizeGripEnabled(True)
        self.plan, self.version, self.status = self._load()
        layout = QVBoxLayout(self)
        self.errors = FormErrors(self, self.widgets, self.order)
        layout.addWidget(self.errors.banner)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.heading)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(self.form)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5A6570;")
        self.note.hide()
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(self.step_title, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("{0} — {1}").format(self.step_title, self.plan.title))
        self._set_heading()

    def _load(self) -> tuple[PlanData, int, str]:
        with self._db.read() as session:
            data, version, status, _enterprise = ps.load(session, self.plan_id)
        return data, version, status

    def _set_heading(self) -> None:
        self.heading.setText(self.tr("{0} {1}（{2}，当前状态：{3}）").format(
            self.plan.plan_no, self.plan.title, self.plan.version_label, PLAN_STATUSES[self.status]))

    # --- building helpers ----------------------------------------------------------------------------

    def add_date(self, name: str, value: date | None, *, required: bool = False) -> DateField:
        field = DateField(self, value=value)
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
        label = QLabel(LABELS[name] + (" *" if required else ""), self)
        label.setBuddy(widget)
        self.form.addRow(label, self.errors.holder(self, name))

    def date_value(self, name: str) -> date | None:
        widget = self.widgets[name]
        assert isinstance(widget, DateField)
        return widget.value()

    def text_value(self, name: str) -> str:
        widget = self.widgets[name]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        assert isinstance(widget, QLineEdit)
        return widget.text().strip()

    # --- running -------------------------------------------------------------------------------------

    def check(self) -> list[FieldError]:
        """Problems the form can see before the core does (dates out of order)."""
        known = {name: getattr(self.plan, name) for name in LABELS if hasattr(self.plan, name)}
        known.update({n: w.value() for n, w in self.widgets.items() if isinstance(w, DateField)})
        problems = []
        for earlier, later in _ORDER_PAIRS:
            a, b = known.get(earlier), known.get(later)
            if a and b and b < a and (earlier in self.widgets or later in self.widgets):
                field = later if later in self.widgets else earlier
                problems.append(FieldError(field, LABELS[field],
                                           self.tr("{0}（{1}）不能早于{2}（{3}）").format(
                                               LABELS[later], b.isoformat(), LABELS[earlier], a.isoformat())))
        return problems

    def run(self, uow: UnitOfWork) -> None:
        raise NotImplementedError

    def submit(self) -> bool:
        """Run the step; True when saved (the dialog then closes)."""
        problems = self.check()
        if problems:
            self.show_errors(problems)
            return False
        try:
            with unit_of_work(self._db, self._actor) as uow:
                self.run(uow)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except ConflictError as exc:
            self.errors.clear()
            self._on_conflict(exc)
            return False
        except StateError as exc:
            messages.warn(self, self.tr("无法{0}").format(self.step_title), str(exc))
            super().reject()
            return False
        except DeskError as exc:
            messages.warn(self, self.tr("无法{0}").format(self.step_title), str(exc))
            return False
        self.errors.clear()
        self.sig_done.emit(self.plan_id)
        self.accept()
        return True

    def _on_conflict(self, exc: ConflictError) -> None:
        choice = messages.choose(
            self, self.tr("操作被拒绝"), str(exc), [self.tr("继续编辑"), self.tr("载入最新版本")],
            self.tr("“载入最新版本”保留您在此窗口中的输入，按数据库中的最新记录再试一次。"))
        if choice == 1:
            try:
                self.plan, self.version, self.status = self._load()
            except DeskError as err:
                messages.warn(self, self.tr("无法重新载入"), str(err))
                return
            self._set_heading()

    def show_errors(self, errors: list[FieldError]) -> None:
        self.errors.show(errors, self.tr("还不能{0}，请先处理以下 {1} 处问题：").format(
            self.step_title, len(errors)))

    def error_text(self, name: str) -> str:
        return self.errors.text(name)


class PublishDialog(LifecycleDialog):
    """发布: review date, approver and publish date are required; publishing freezes a version."""

    def __init__(self, db: Database, plan_id: int, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, plan_id, title=_tr("PublishDialog", "发布"), actor=actor, parent=parent)
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

    def run(self, uow: UnitOfWork) -> None:
        values: dict[str, Any] = {name: self.date_value(name) for name in
                                  ("review_date", "approval_date", "publish_date", "effective_date")}
        values["approver"] = self.text_value("approver")
        ps.transition(uow, self.plan_id, "publish", self.version, **values)


class FilingDialog(LifecycleDialog):
    """登记备案: the date the filing was submitted (required), its number and registration date."""

    def __init__(self, db: Database, plan_id: int, *, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, plan_id, title=_tr("FilingDialog", "登记备案"), actor=actor, parent=parent)
        p = self.plan
        self.add_date("filing_submitted_date", p.filing_submitted_date or date.today(), required=True)
        self.add_line("filing_number", p.filing_number)
        self.add_date("filing_registered_date", p.filing_registered_date)
        if p.publish_date is not None:
            self.note.setText(self.tr("发布日期：{0}").format(p.publish_date.isoformat()))
            self.note.show()
        self.resize(580, self.sizeHint().height())

    def run(self, uow: UnitOfWork) -> None:
        ps.transition(uow, self.plan_id, "file", self.version,
                      filing_submitted_date=self.date_value("filing_submitted_date"),
                      filing_number=self.text_value("filing_number"),
                      filing_registered_date=self.date_value("filing_registered_date"))


class RevisionDialog(LifecycleDialog):
    """开始修订 (``start=True``: a new draft from the latest version) or 记录修订原因 (note only)."""

    def __init__(self, db: Database, plan_id: int, *, start: bool, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        title = _tr("RevisionDialog", "开始修订") if start else _tr("RevisionDialog", "记录修订原因")
        super().__init__(db, plan_id, title=title, actor=actor, parent=parent)
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

    def check(self) -> list[FieldError]:
        problems = super().check()
        if self.trigger_combo.currentData() is None:
            problems.append(FieldError("revision_trigger", LABELS["revision_trigger"], self.tr("请选择修订情形")))
        if self.date_value("revision_trigger_date") is None:
            problems.append(FieldError("revision_trigger_date", LABELS["revision_trigger_date"],
                                       self.tr("请填写日期")))
        if self.start and not self.text_value("version_label"):
            problems.append(FieldError("version_label", LABELS["version_label"], self.tr("请填写新的版本号")))
        return problems

    def run(self, uow: UnitOfWork) -> None:
        trigger = self.trigger_combo.currentData()
        day = self.date_value("revision_trigger_date")
        assert isinstance(trigger, str) and day is not None
        if self.start:
            ps.start_revision(uow, self.plan_id, self.version, trigger=trigger,
                              reason=self.text_value("revision_reason"), trigger_date=day,
                              version_label=self.text_value("version_label"))
        else:
            ps.record_revision_trigger(uow, self.plan_id, self.version, trigger=trigger, trigger_date=day,
                                       reason=self.text_value("revision_reason"))
