"""Drill dialogs: the record form (new or edit a planned drill: enterprise, plans exercised,
classification, time, place, people), and the small step dialog that asks what a lifecycle step
needs — a new time and the reason for rescheduling, the day a drill was held, why it is cancelled.
Both write through the one write flow; a refusal keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QSize, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit.dates import DateField
from desktop.kit.forms import FormErrors, RecordForm, Saved, set_widget_value, typed_widget, widget_value
from desktop.kit.pickers import EnterprisePicker, fill_combo
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from models.core.database import Database
from models.core.errors import FieldError
from models.core.uow import Actor, UnitOfWork
from models.drills import service as ds
from models.drills.entities import DRILL_CONTENTS, DRILL_FORMS, DRILL_PURPOSES, DRILL_STATUSES, Drill
from models.drills.service import DrillData
from models.plans.entities import PLAN_KINDS, Plan

LABELS = {**Drill.__field_labels__, "plan_ids": "检验的预案"}
ORDER = ("enterprise_id", "title", "drill_no", "planned_at", "content_type", "form", "purpose", "plan_ids",
         "location", "organiser", "participants", "teams", "people_count", "scenario", "notes")
_LINES = {"title": 200, "drill_no": 64, "location": 200, "organiser": 128}
_TEXTS = ("participants", "teams", "scenario", "notes")


class DrillDialog(RecordForm[DrillData]):
    """Create (``drill_id`` None) or edit a drill still being planned or prepared."""

    labels = LABELS
    order = ORDER
    required_fields = ("enterprise_id", "title", "planned_at", "plan_ids")

    def __init__(self, db: Database, runner: TaskRunner, drill_id: int | None = None, *,
                 enterprise_id: int | None = None, actor: Actor | None = None,
                 enterprises: list[EnterpriseChoice] | None = None, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=drill_id, actor=actor, parent=parent)
        self.setObjectName("DrillDialog")
        self._today = today or date.today()  # the page's "now" when it gives one
        self._stored_enterprise: tuple[int, str] | None = None
        self._build(enterprises if enterprises is not None else load_enterprise_choices(db))
        if drill_id is None:
            self.setWindowTitle(self.tr("新建演练"))
            self.show_record(DrillData(planned_at=datetime.combine(self._today, time(9, 0))), None)
            self.enterprise_combo.set_enterprise_id(enterprise_id)
            self._fill_plans(enterprise_id, [])
            self.loaded = self.data()
        else:
            self.reload()
        fit_to_screen(self, QSize(max(760, self.sizeHint().width()), max(640, self.sizeHint().height())))

    def _build(self, enterprises: list[EnterpriseChoice]) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        self.enterprise_combo: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("请选择企业…"), self)
        self.enterprise_combo.set_choices(enterprises)
        self.enterprise_combo.sig_enterprise_changed.connect(lambda eid: self._fill_plans(eid, []))
        self.widgets["enterprise_id"] = self.enterprise_combo
        for name, limit in _LINES.items():
            edit = QLineEdit(self)
            edit.setMaxLength(limit)
            self.widgets[name] = edit
        self._line("title").setPlaceholderText(self.tr("如：液氯储罐泄漏事故综合实战演练"))
        self._line("drill_no").setPlaceholderText(self.tr("如 YL-2026-01"))
        self.widgets["planned_at"] = DateField(self)
        self.time_edit = QTimeEdit(self)
        self.time_edit.setDisplayFormat("HH:mm")
        self.inputs.append(self.time_edit)
        for name, choices in (("content_type", DRILL_CONTENTS), ("form", DRILL_FORMS), ("purpose", DRILL_PURPOSES)):
            combo = QComboBox(self)
            fill_combo(combo, [(label, key) for key, label in choices.items()])
            self.widgets[name] = combo
        self.plan_list = QListWidget(self)
        self.plan_list.setMinimumHeight(96)
        self.plan_list.setObjectName("drillPlans")
        self.widgets["plan_ids"] = self.plan_list
        for name in _TEXTS:
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setMaximumHeight(72)
            self.widgets[name] = text
        people = QSpinBox(self)
        people.setRange(0, 100_000)
        people.setSuffix(self.tr(" 人"))
        self.widgets["people_count"] = people
        self.enterprise_label = QLabel(self)
        self.enterprise_label.hide()

        form = self._form()
        self.enterprise_row_label = QLabel(LABELS["enterprise_id"] + " *", self)
        form.addRow(self.enterprise_row_label, self.errors.holder(self, "enterprise_id", self.enterprise_label))
        for name in ORDER[1:]:
            if name == "planned_at":
                label = QLabel(LABELS[name] + " *", self)
                form.addRow(label, self.errors.holder(self, name, self.time_edit))
                continue
            self._add_row(form, name)
        layout.addLayout(form)
        layout.addWidget(self.make_buttons())

    def _fill_plans(self, enterprise_id: int | None, checked: list[int]) -> None:
        self.plan_list.clear()
        if enterprise_id is None:
            return
        with self._db.read() as s:
            plans = s.execute(select(Plan.id, Plan.plan_no, Plan.title, Plan.kind, Plan.status)
                              .where(Plan.enterprise_id == enterprise_id, Plan.deleted_at.is_(None),
                                     Plan.status != "retired").order_by(Plan.plan_no)).all()
        for plan in plans:
            item = QListWidgetItem(f"{plan.plan_no}　{plan.title}（{PLAN_KINDS.get(plan.kind, plan.kind)}）",
                                   self.plan_list)
            item.setData(Qt.ItemDataRole.UserRole, plan.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if plan.id in checked else Qt.CheckState.Unchecked)

    # --- data in and out

    def read(self, session: Session) -> tuple[DrillData, int]:
        assert self.record_id is not None
        data, version = ds.load(session, self.record_id)
        drill = session.get(Drill, self.record_id)
        assert drill is not None
        self._stored_enterprise = (drill.enterprise_id, drill.enterprise.name)
        self.setWindowTitle(self.tr("编辑演练 — {0}（{1}）").format(drill.title, DRILL_STATUSES[drill.status]))
        return data, version

    def fill(self, data: DrillData) -> None:
        if self._stored_enterprise is not None:
            self.enterprise_combo.hide()
            self.enterprise_label.setText(self._stored_enterprise[1])
            self.enterprise_label.show()
            self.enterprise_row_label.setText(LABELS["enterprise_id"])
            self._fill_plans(self._stored_enterprise[0], data.plan_ids)
        for name in (*_LINES, *_TEXTS, "content_type", "form", "purpose", "people_count"):
            set_widget_value(self.widgets[name], getattr(data, name))
        when = data.planned_at
        set_widget_value(self.widgets["planned_at"], when.date() if when else None)
        self.time_edit.setTime(QTime(when.hour, when.minute) if when else QTime(9, 0))
        self.time_edit.setEnabled(self._stored_enterprise is None)  # a planned time changes by 改期
        self.widgets["planned_at"].setEnabled(self._stored_enterprise is None)

    def data(self) -> DrillData:
        out = DrillData(enterprise_id=self.enterprise_id)
        for name in (*_LINES, *_TEXTS, "content_type", "form", "purpose", "people_count"):
            setattr(out, name, widget_value(self.widgets[name]))
        day = widget_value(self.widgets["planned_at"])
        clock = self.time_edit.time()
        out.planned_at = datetime.combine(day, time(clock.hour(), clock.minute())) if day else None
        out.plan_ids = [int(self.plan_list.item(i).data(Qt.ItemDataRole.UserRole))
                        for i in range(self.plan_list.count())
                        if self.plan_list.item(i).checkState() == Qt.CheckState.Checked]
        return out

    @property
    def enterprise_id(self) -> int | None:
        if self._stored_enterprise is not None:
            return self._stored_enterprise[0]
        return self.enterprise_combo.enterprise_id()

    def command(self, data: DrillData) -> Callable[[UnitOfWork], Saved]:
        drill_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if drill_id is None:
                return Saved(ds.create(uow, data))
            assert version is not None
            return Saved(drill_id, ds.update(uow, drill_id, data, version))

        return write


class StepDialog(QDialog):
    """What a lifecycle step asks for: a new time and a reason (改期), the day held (记录实施), a
    reason (取消). Checked before it closes; what was typed stays when something is missing."""

    def __init__(self, title: str, *, when: datetime | None = None, day: date | None = None,
                 reason_label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.widgets: dict[str, QWidget] = {}
        self.date_field: DateField | None = None
        self.time_edit: QTimeEdit | None = None
        self.reason: QPlainTextEdit | None = None
        if when is not None or day is not None:
            self.date_field = DateField(self, value=(when.date() if when else day))
            self.widgets["date"] = self.date_field
            if when is not None:
                self.time_edit = QTimeEdit(QTime(when.hour, when.minute), self)
                self.time_edit.setDisplayFormat("HH:mm")
        if reason_label:
            self.reason = QPlainTextEdit(self)
            self.reason.setTabChangesFocus(True)
            self.reason.setMaximumHeight(80)
            self.widgets["reason"] = self.reason
        self.errors = FormErrors(self, self.widgets, list(self.widgets))
        form = QFormLayout()
        if self.date_field is not None:
            extras = [self.time_edit] if self.time_edit is not None else []
            form.addRow(self.tr("新的时间") if when is not None else self.tr("实施日期"),
                        self.errors.holder(self, "date", *extras))
        if self.reason is not None:
            form.addRow(reason_label, self.errors.holder(self, "reason"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value_date(self) -> date | None:
        return self.date_field.value() if self.date_field is not None else None

    def value_time(self) -> datetime | None:
        day = self.value_date()
        if day is None or self.time_edit is None:
            return None
        clock = self.time_edit.time()
        return datetime.combine(day, time(clock.hour(), clock.minute()))

    def value_reason(self) -> str:
        return self.reason.toPlainText().strip() if self.reason is not None else ""

    def _accept(self) -> None:
        errors = []
        if self.date_field is not None and self.value_date() is None:
            errors.append(FieldError("date", self.tr("日期"), self.tr("请填写日期")))
        if self.reason is not None and not self.value_reason():
            errors.append(FieldError("reason", self.tr("原因"), self.tr("请填写原因")))
        if errors:
            self.errors.show(errors, self.tr("请补充以下内容："))
            return
        self.accept()


class YearPlanDialog(QDialog):
    """生成年度演练计划: which enterprise, which year."""

    def __init__(self, enterprises: list[EnterpriseChoice], year: int, *, enterprise_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("生成年度演练计划"))
        self.enterprise_combo: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("请选择企业…"), self)
        self.enterprise_combo.set_choices(enterprises)
        self.enterprise_combo.set_enterprise_id(enterprise_id)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.widgets: dict[str, QWidget] = {"enterprise_id": self.enterprise_combo, "year": self.year}
        self.errors = FormErrors(self, self.widgets, list(self.widgets))
        hint = QLabel(self.tr("按演练频次要求（每年综合或专项演练、每半年现场处置方案演练，重点行业每半年一次）"
                              "为该企业排出全年的演练，同一半年的要求合并为一次演练；已有演练的半年不再重复。"
                              "生成后可逐项编辑、改期。"), self)
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("企业 *"), self.errors.holder(self, "enterprise_id"))
        form.addRow(self.tr("年度"), self.errors.holder(self, "year"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        layout.addWidget(hint)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("生成"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _accept(self) -> None:
        if self.enterprise_combo.enterprise_id() is None:
            self.errors.show([FieldError("enterprise_id", self.tr("企业"), self.tr("请选择企业"))],
                             self.tr("请补充以下内容："))
            return
        self.accept()


class FindingDialog(QDialog):
    """登记发现问题: what was found, the plan and section it concerns, the corrective action, who and by
    when, and whether the plan must be revised. Checked in the core; a refusal keeps what was typed."""

    def __init__(self, plans: list[tuple[int, str]], *, today: date, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QCheckBox

        from models.drills.entities import FINDING_KINDS

        super().__init__(parent)
        self.setWindowTitle(self.tr("登记演练发现的问题"))
        kind = QComboBox(self)
        fill_combo(kind, [(label, key) for key, label in FINDING_KINDS.items()])
        plan = QComboBox(self)
        fill_combo(plan, [(self.tr("（不涉及预案）"), None), *[(title, pid) for pid, title in plans]])
        self.widgets: dict[str, QWidget] = {
            "description": QPlainTextEdit(self), "kind": kind, "plan_id": plan, "section": QLineEdit(self),
            "action": QPlainTextEdit(self), "owner": QLineEdit(self), "department": QLineEdit(self),
            "due_date": DateField(self, value=today + timedelta(days=30)),
            "requires_revision": QCheckBox(self.tr("需要据此修订预案（记录修订原因“演练发现问题”）"), self)}
        for name in ("description", "action"):
            text = typed_widget(self.widgets, name, QPlainTextEdit)
            text.setTabChangesFocus(True)
            text.setMaximumHeight(72)
        self.errors = FormErrors(self, self.widgets, list(self.widgets))
        form = QFormLayout()
        labels = {"description": "问题描述 *", "kind": "类型", "plan_id": "相关预案", "section": "相关章节",
                  "action": "整改措施", "owner": "责任人", "department": "责任部门", "due_date": "整改期限 *",
                  "requires_revision": ""}
        for name, label in labels.items():
            form.addRow(self.tr(label), self.errors.holder(self, name))
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登记"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def data(self) -> object:
        from models.drills.findings import FindingData

        return FindingData(**{name: widget_value(widget) for name, widget in self.widgets.items()})
