"""The 隐患排查 and 黑名单 forms on the field-described form base (``desktop.kit.fields.FieldForm``):

- ``InspectionDialog`` — 登记检查: the enterprise, department, day, campaign, inspectors and summary,
  and its hazard findings (``FindingsEditor``: level, category, description, responsible, deadline —
  empty for the level's default days), all saved in one unit of work (``record_inspection``).
- The hazard's lifecycle steps, each a form over the step's plain copy saved with the hazard's
  version read: ``RectifiedDialog`` (提交复查), ``RecheckDialog`` (复查: passed → 销号, failed → back to
  整改 with an optional new deadline), ``ExtensionDialog`` (延期), ``SupervisionDialog`` (挂牌督办).
- ``PenaltyDialog`` — 行政处罚 (new and edit).
- ``ListingDialog`` / ``RemovalDialog`` — 列入 and 移出黑名单.

A refusal keeps what was typed and marks the fields the service names (``models.oversight.service``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit.dates import DateField
from desktop.kit.fields import Field, FieldForm, check, choice, day, decimal, line, text
from desktop.kit.forms import Saved
from desktop.kit.pickers import EnterprisePicker, ReferenceChoices, fill_combo
from desktop.kit.tasks import TaskRunner
from desktop.kit.widgets import record_table
from models.core.database import Database
from models.core.uow import Actor, UnitOfWork
from models.oversight import queries as oq
from models.oversight import rules
from models.oversight import service as osv
from models.oversight.entities import (
    BlacklistEntry,
    Hazard,
    HazardExtension,
    HazardRecheck,
    Inspection,
    Penalty,
)


def _items(name: str) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(label, key) for key, label in getattr(rules.catalog(), name).items()]


def _departments(db: Database) -> list[tuple[str, int]]:
    return [(d.name, d.id) for d in ReferenceChoices.load(db).departments]


# ---- findings


class FindingsEditor(QWidget):
    """The hazards found in one inspection: a line to fill (等级, 类别, 描述, 责任人, 电话, 整改期限) and
    添加, the list of findings below with 删除所选. A field widget by ``value`` / ``set_value`` /
    ``sig_changed`` (a tuple of ``FindingData``)."""

    sig_changed = Signal()
    HEADERS = ("隐患等级", "隐患类别", "隐患描述", "整改责任人", "责任人电话", "整改期限")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._findings: list[osv.FindingData] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        self.level = QComboBox(self)
        fill_combo(self.level, _items("levels")())
        self.category = QComboBox(self)
        fill_combo(self.category, _items("categories")())
        self.description = QLineEdit(self)
        self.description.setPlaceholderText(self.tr("如：液氯储罐区可燃气体报警仪失效"))
        self.responsible = QLineEdit(self)
        self.responsible.setMaxLength(32)
        self.phone = QLineEdit(self)
        self.phone.setMaxLength(32)
        self.deadline = DateField(self, clearable=True)
        self.deadline.setToolTip(self.tr("不填时按隐患等级的默认期限（一般隐患 {0} 天，重大隐患 {1} 天）").format(
            rules.catalog().default_days.get("general"), rules.catalog().default_days.get("major")))
        self.add_button = QPushButton(self.tr("添加隐患"), self)
        self.add_button.clicked.connect(self.add_current)
        self.description.returnPressed.connect(self.add_current)
        for column, (label, widget) in enumerate(((self.tr("等级"), self.level), (self.tr("类别"), self.category),
                                                  (self.tr("责任人"), self.responsible), (self.tr("电话"), self.phone))):
            grid.addWidget(QLabel(label, self), 0, column * 2)
            grid.addWidget(widget, 0, column * 2 + 1)
        grid.addWidget(QLabel(self.tr("描述"), self), 1, 0)
        grid.addWidget(self.description, 1, 1, 1, 5)
        grid.addWidget(QLabel(self.tr("期限"), self), 1, 6)
        grid.addWidget(self.deadline, 1, 7)
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        self.remove_button = QPushButton(self.tr("删除所选"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.remove_button)
        self.hint = QLabel(self.tr("未填整改期限的，按隐患等级的默认期限计算。"), self)
        self.hint.setObjectName("formHint")
        buttons.addWidget(self.hint, 1)
        layout.addLayout(buttons)
        self.table = record_table(self, "inspectionFindings", self.HEADERS, stretch=2)
        self.table.setMinimumHeight(120)
        layout.addWidget(self.table)

    def add_current(self) -> None:
        if not self.description.text().strip():
            self.description.setFocus()
            return
        self.add(osv.FindingData(level=self.level.currentData(), category=self.category.currentData(),
                                 description=self.description.text().strip(),
                                 responsible=self.responsible.text().strip(), responsible_phone=self.phone.text().strip(),
                                 deadline=self.deadline.value()))
        self.description.clear()
        self.deadline.set_value(None)
        self.description.setFocus()

    def add(self, finding: osv.FindingData) -> None:
        self._findings.append(finding)
        self._show()
        self.sig_changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            del self._findings[row]
        if rows:
            self._show()
            self.sig_changed.emit()

    def _show(self) -> None:
        cat = rules.catalog()
        self.table.setRowCount(len(self._findings))
        for n, f in enumerate(self._findings):
            cells = (cat.level_label(f.level), cat.category_label(f.category), f.description, f.responsible,
                     f.responsible_phone, f.deadline.isoformat() if f.deadline else self.tr("默认期限"))
            for column, value in enumerate(cells):
                self.table.setItem(n, column, QTableWidgetItem(value))

    def value(self) -> tuple[osv.FindingData, ...]:
        return tuple(self._findings)

    def set_value(self, value: Sequence[osv.FindingData] | None) -> None:
        self._findings = list(value or ())
        self._show()


INSPECTION_LABELS = {**Inspection.__field_labels__, "findings": "发现隐患"}


class InspectionDialog(FieldForm):
    """登记检查 with its findings (a recorded inspection is edited without them: its hazards are their own)."""

    labels = INSPECTION_LABELS
    required_fields = ("enterprise_id", "department_id", "inspected_on")
    data_class = osv.InspectionData
    noun = "检查记录"
    fields_ = (
        Field("enterprise_id", lambda parent: EnterprisePicker("请选择企业", parent)),
        Field("department_id", lambda parent: QComboBox(parent)),
        Field("inspected_on", day(optional=False)),
        Field("campaign_id", lambda parent: QComboBox(parent)),
        Field("inspectors", line(256, "如：张强、李明")),
        Field("summary", text()),
        Field("findings", lambda parent: FindingsEditor(parent)),
    )

    def prepare(self) -> None:
        department = self._combo("department_id")
        fill_combo(department, _departments(self._db), first=(self.tr("请选择"), None))
        with self._db.read() as s:
            campaigns = oq.campaign_choices(s)
        fill_combo(self._combo("campaign_id"), [(c.label, c.id) for c in campaigns], first=(self.tr("不属于检查行动"), None))
        picker = self.widgets["enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        self.enterprises: list[EnterpriseChoice] = load_enterprise_choices(self._db)
        picker.set_choices(self.enterprises)
        if self.record_id is not None:
            self.widgets["findings"].setEnabled(False)

    def value_text(self, name: str, value: Any) -> str:
        if name == "findings":
            return self.tr("{0} 项").format(len(value or ()))
        return super().value_text(name, value)

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = osv.load_inspection(session, self.record_id)
        self.setWindowTitle(self.tr("编辑检查记录"))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(osv.record_inspection(uow, data).inspection_id)
            assert version is not None
            return Saved(record_id, osv.update_inspection(uow, record_id, data, expected_version=version))

        return write


# ---- a hazard's lifecycle steps


class _HazardStep(FieldForm):
    """A step of one hazard (its id and the version the page read): the title names the hazard."""

    title_text = ""

    def __init__(self, db: Database, runner: TaskRunner, hazard_id: int, version: int, *, hazard_text: str = "",
                 actor: Actor | None = None, initial: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        self.hazard_id = hazard_id
        self.hazard_version = version
        super().__init__(db, runner, None, actor=actor, initial=initial, parent=parent)
        self.setWindowTitle(f"{self.tr(self.title_text)} — {hazard_text}" if hazard_text else self.tr(self.title_text))

    @staticmethod
    def step(uow: UnitOfWork, hazard_id: int, data: Any, version: int) -> int:
        """The service call (on the writer thread: it may use only its arguments)."""
        raise NotImplementedError

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        hazard_id, version, step = self.hazard_id, self.hazard_version, self.step

        def write(uow: UnitOfWork) -> Saved:
            step(uow, hazard_id, data, version)
            return Saved(hazard_id)

        return write


RECTIFIED_LABELS = {"rectified_on": "整改完成日期", "measures": "整改措施"}


class RectifiedDialog(_HazardStep):
    """提交复查: the day the rectification was finished and the measures taken."""

    labels = RECTIFIED_LABELS
    required_fields = ("rectified_on", "measures")
    data_class = osv.RectifiedData
    noun = "整改完成情况"
    title_text = "整改完成，提交复查"
    fields_ = (Field("rectified_on", day(optional=False)), Field("measures", text()))

    @staticmethod
    def step(uow: UnitOfWork, hazard_id: int, data: Any, version: int) -> int:
        return osv.submit_rectified(uow, hazard_id, data, expected_version=version)


RECHECK_LABELS = {**HazardRecheck.__field_labels__, "passed": "复查通过（销号）",
                  "new_deadline": "新整改期限（不通过时）"}


class RecheckDialog(_HazardStep):
    """复查: passed closes the hazard (销号); failed sends it back with the reason (and a new deadline)."""

    labels = RECHECK_LABELS
    required_fields = ("checked_on", "checker")
    data_class = osv.RecheckData
    noun = "复查记录"
    title_text = "复查"
    fields_ = (Field("checked_on", day(optional=False)), Field("checker", line(64)),
               Field("passed", check("整改到位，同意销号")), Field("opinion", text()), Field("new_deadline", day()))

    def prepare(self) -> None:
        passed = self.widgets["passed"]
        passed.toggled.connect(lambda on: self.widgets["new_deadline"].setEnabled(not on))  # type: ignore[attr-defined]

    def fill(self, data: Any) -> None:
        super().fill(data)
        self.widgets["new_deadline"].setEnabled(not data.passed)

    @staticmethod
    def step(uow: UnitOfWork, hazard_id: int, data: Any, version: int) -> int:
        if data.passed:
            data = replace(data, new_deadline=None)
        return osv.recheck(uow, hazard_id, data, expected_version=version)


class ExtensionDialog(_HazardStep):
    """延期: the new deadline, why and who approved."""

    labels = HazardExtension.__field_labels__
    required_fields = ("granted_on", "new_deadline", "reason", "approved_by")
    data_class = osv.ExtensionData
    noun = "整改延期"
    title_text = "整改延期"
    fields_ = (Field("granted_on", day(optional=False)), Field("new_deadline", day(optional=False)),
               Field("reason", text()), Field("approved_by", line(32)))

    def intro(self) -> str:
        return self.tr("延期后按新的整改期限判断是否逾期；原期限和新期限都留有记录。")

    @staticmethod
    def step(uow: UnitOfWork, hazard_id: int, data: Any, version: int) -> int:
        return osv.extend_deadline(uow, hazard_id, data, expected_version=version)


class SupervisionDialog(_HazardStep):
    """挂牌督办 of a 重大 hazard."""

    labels = Hazard.__field_labels__
    required_fields = ("supervised_on", "supervising_unit")
    data_class = osv.SupervisionData
    noun = "挂牌督办"
    title_text = "重大隐患挂牌督办"
    fields_ = (Field("supervised_on", day(optional=False)), Field("supervising_unit", line(128, "如：临江市安全生产委员会办公室")))

    @staticmethod
    def step(uow: UnitOfWork, hazard_id: int, data: Any, version: int) -> int:
        return osv.supervise(uow, hazard_id, data, expected_version=version)


# ---- penalties


class PenaltyDialog(FieldForm):
    """行政处罚: kind, amount (a fine needs one), decision number and day; the enterprise and department
    (taken from the hazard when opened from one)."""

    labels = Penalty.__field_labels__
    required_fields = ("enterprise_id", "department_id", "kind", "decided_on")
    data_class = osv.PenaltyData
    noun = "行政处罚"
    fields_ = (
        Field("enterprise_id", lambda parent: EnterprisePicker("请选择企业", parent)),
        Field("department_id", lambda parent: QComboBox(parent)),
        Field("kind", choice(_items("penalty_kinds"))),
        Field("amount", decimal(1e9, " 元", decimals=2)),
        Field("decision_no", line(64, "如：临应急罚〔2026〕12号")),
        Field("decided_on", day(optional=False)),
        Field("notes", text()),
    )

    def prepare(self) -> None:
        fill_combo(self._combo("department_id"), _departments(self._db), first=(self.tr("请选择"), None))
        picker = self.widgets["enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        self.enterprises: list[EnterpriseChoice] = load_enterprise_choices(self._db)
        picker.set_choices(self.enterprises)

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        self.setWindowTitle(self.tr("编辑行政处罚"))
        return osv.load_penalty(session, self.record_id)

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(osv.add_penalty(uow, data))
            assert version is not None
            return Saved(record_id, osv.update_penalty(uow, record_id, data, expected_version=version))

        return write


# ---- the blacklist


class ListingDialog(FieldForm):
    """列入黑名单: the enterprise (a suggested one comes with its reasons filled in), the day, the reason,
    who decided and the decision number."""

    labels = BlacklistEntry.__field_labels__
    required_fields = ("enterprise_id", "listed_on", "reason", "decided_by")
    data_class = osv.ListingData
    noun = "黑名单记录"
    fields_ = (
        Field("enterprise_id", lambda parent: EnterprisePicker("请选择企业", parent)),
        Field("listed_on", day(optional=False)),
        Field("reason", text()),
        Field("decided_by", line(64, "如：局务会、局长")),
        Field("decision_no", line(64)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle(self.tr("列入黑名单"))

    def intro(self) -> str:
        return self.tr("列入后，该企业在企业、预案、演练等列表中带有黑名单标记；移出时保留全部记录。")

    def prepare(self) -> None:
        picker = self.widgets["enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        self.enterprises: list[EnterpriseChoice] = load_enterprise_choices(self._db)
        picker.set_choices(self.enterprises)

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        def write(uow: UnitOfWork) -> Saved:
            osv.blacklist_add(uow, data)
            return Saved(int(data.enterprise_id))

        return write


REMOVAL_LABELS = {"removed_on": "移出日期", "reason": "移出理由", "removed_by": "移出决定人"}


class RemovalDialog(FieldForm):
    """移出黑名单 of one enterprise: the day, the reason and who decided."""

    labels = REMOVAL_LABELS
    required_fields = ("removed_on", "reason", "removed_by")
    data_class = osv.RemovalData
    noun = "移出黑名单"
    fields_ = (Field("removed_on", day(optional=False)), Field("reason", text()), Field("removed_by", line(64)))

    def __init__(self, db: Database, runner: TaskRunner, enterprise_id: int, *, enterprise_text: str = "",
                 actor: Actor | None = None, initial: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        self.enterprise_id = enterprise_id
        super().__init__(db, runner, None, actor=actor, initial=initial, parent=parent)
        self.setWindowTitle(self.tr("移出黑名单 — {0}").format(enterprise_text) if enterprise_text else self.tr("移出黑名单"))

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        enterprise_id = self.enterprise_id

        def write(uow: UnitOfWork) -> Saved:
            osv.blacklist_remove(uow, enterprise_id, data)
            return Saved(enterprise_id)

        return write

