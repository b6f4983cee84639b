"""检查记录 managed from the 隐患排查 page: the inspections recorded (``queries.inspection_page``), the
latest first, filtered by campaign, department, enterprise and period; 编辑 an inspection's own fields
(day, department, inspectors, campaign, summary — its findings are hazards of their own, handled in the
hazard list) and 删除 (the service moves its hazards to the 回收站 with it). Reads in the background;
writes through the write flow with the version read (a stale one is refused, nothing overwritten)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget
from sqlalchemy.orm import Session

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit.dates import DateField
from desktop.kit.fields import Field, FieldForm, day, line, text
from desktop.kit.forms import RecordForm, Saved
from desktop.kit.pickers import EnterprisePicker, fill_combo
from desktop.kit.records import RecordsDialog, fixed_columns
from desktop.kit.tasks import TaskRunner
from models.core import reference
from models.core.database import Database
from models.core.reference import Choice
from models.core.uow import Actor, UnitOfWork
from models.oversight import queries as oq
from models.oversight import service as osv
from models.oversight.entities import Inspection

LIMIT = 200  # rows shown at once; the filters narrow the rest


@dataclass(frozen=True)
class InspectionOptions:
    """What the filters and the form offer: campaigns, departments, enterprises."""

    campaigns: list[oq.Choice]
    departments: list[Choice]
    enterprises: list[EnterpriseChoice]


@dataclass(frozen=True)
class InspectionListing:
    rows: list[oq.InspectionRow]
    total: int
    options: InspectionOptions | None  # read with the first list only


class InspectionEditForm(FieldForm):
    """编辑检查记录: the inspection's own fields; its enterprise is named above them, its findings are
    not here (each hazard is handled in the hazard list)."""

    labels = Inspection.__field_labels__
    required_fields = ("inspected_on", "department_id")
    data_class = osv.InspectionData
    noun = "检查记录"
    fields_ = (
        Field("inspected_on", day(optional=False)),
        Field("department_id", lambda parent: QComboBox(parent)),
        Field("campaign_id", lambda parent: QComboBox(parent)),
        Field("inspectors", line(256, "如：张强、李明")),
        Field("summary", text()),
    )

    def __init__(self, db: Database, runner: TaskRunner, record_id: int, *, enterprise: str = "",
                 options: InspectionOptions | None = None, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        self.enterprise = enterprise
        self.options = options
        super().__init__(db, runner, record_id, actor=actor, parent=parent)

    def intro(self) -> str:
        head = self.tr("企业：{0}。").format(self.enterprise) if self.enterprise else ""
        return head + self.tr("检查发现的隐患不在这里修改：在隐患列表中逐项办理。")

    def prepare(self) -> None:
        options = self.options
        if options is None:
            with self._db.read() as s:
                options = InspectionOptions(oq.campaign_choices(s), reference.departments(s), [])
        fill_combo(self._combo("department_id"), [(c.name, c.id) for c in options.departments],
                   first=(self.tr("请选择"), None))
        fill_combo(self._combo("campaign_id"), [(c.label, c.id) for c in options.campaigns],
                   first=(self.tr("不属于检查行动"), None))

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        self.setWindowTitle(self.tr("编辑检查记录"))
        return osv.load_inspection(session, self.record_id)

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version
        assert record_id is not None

        def write(uow: UnitOfWork) -> Saved:
            assert version is not None
            return Saved(record_id, osv.update_inspection(uow, record_id, data, expected_version=version))

        return write


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class InspectionsDialog(RecordsDialog[InspectionListing, oq.InspectionRow]):
    """检查记录: filtered by campaign, department, enterprise and period; 编辑 and 删除."""

    HEADERS = ("检查日期", "企业", "检查部门", "检查行动", "检查人员", "发现隐患", "检查情况")
    STRETCH = 6
    noun = "检查记录"

    def __init__(self, db: Database, runner: TaskRunner, *, actor: Actor | None = None,
                 initial: oq.InspectionFilter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, actor=actor, parent=parent)
        self.setWindowTitle(self.tr("检查记录"))
        self.options: InspectionOptions | None = None
        self.initial = initial or oq.InspectionFilter()
        self.new_button.hide()  # an inspection is recorded with its findings: 登记检查 on the page
        self.campaign_combo = QComboBox(self)
        self.department_combo = QComboBox(self)
        self.enterprise_picker: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("全部企业"), self)
        self.start_field = DateField(self, clearable=True)
        self.end_field = DateField(self, clearable=True)
        self.start_field.setToolTip(self.tr("检查日期不早于"))
        self.end_field.setToolTip(self.tr("检查日期不晚于"))
        fill_combo(self.campaign_combo, [], first=(self.tr("全部检查行动"), None))
        fill_combo(self.department_combo, [], first=(self.tr("全部检查部门"), None))
        self.start_field.set_value(self.initial.start)
        self.end_field.set_value(self.initial.end)
        self.clear_button = QPushButton(self.tr("清除筛选"), self)
        self.clear_button.clicked.connect(self.clear_filters)
        for widget in (self.campaign_combo, self.department_combo, self.enterprise_picker):
            self.top.addWidget(widget, 2)
        self.top.addWidget(QLabel(self.tr("检查日期"), self))
        self.top.addWidget(self.start_field)
        self.top.addWidget(QLabel(self.tr("至"), self))
        self.top.addWidget(self.end_field)
        self.top.addWidget(self.clear_button)
        self.campaign_combo.activated.connect(lambda _i: self.load())
        self.department_combo.activated.connect(lambda _i: self.load())
        self.enterprise_picker.sig_enterprise_changed.connect(lambda _id: self._filter_changed())
        self.start_field.sig_changed.connect(self._filter_changed)
        self.end_field.sig_changed.connect(self._filter_changed)
        fixed_columns(self.table, {1: 240, 3: 180})
        self.fit(1200, 560)
        self.load()

    # --- filters

    def _filter_changed(self) -> None:
        if self.options is not None:  # not while the filters are being filled
            self.load()

    def current_filter(self) -> oq.InspectionFilter:
        if self.options is None:
            return self.initial
        return oq.InspectionFilter(enterprise_id=self.enterprise_picker.enterprise_id(),
                                   department_id=self.department_combo.currentData(),
                                   campaign_id=self.campaign_combo.currentData(),
                                   start=self.start_field.value(), end=self.end_field.value())

    def clear_filters(self) -> None:
        for combo in (self.campaign_combo, self.department_combo, self.enterprise_picker):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for field in (self.start_field, self.end_field):
            field.blockSignals(True)
            field.set_value(None)
            field.blockSignals(False)
        self.load()

    # --- reading

    def reader(self) -> Callable[[Session], InspectionListing]:
        flt, db, want_options = self.current_filter(), self._db, self.options is None

        def read(session: Session) -> InspectionListing:
            options = None
            if want_options:
                options = InspectionOptions(oq.campaign_choices(session), reference.departments(session),
                                            load_enterprise_choices(db))
            total = oq.inspection_count(session, flt)
            return InspectionListing(oq.inspection_page(session, flt, limit=LIMIT, total=total), total, options)

        return read

    def loaded(self) -> None:
        assert self.listing is not None
        options = self.listing.options
        if options is None or self.options is not None:
            return
        flt = self.initial
        fill_combo(self.campaign_combo, [(c.label, c.id) for c in options.campaigns],
                   first=(self.tr("全部检查行动"), None), keep=False)
        fill_combo(self.department_combo, [(c.name, c.id) for c in options.departments],
                   first=(self.tr("全部检查部门"), None), keep=False)
        self.enterprise_picker.blockSignals(True)
        self.enterprise_picker.set_choices(options.enterprises)
        self.enterprise_picker.set_enterprise_id(flt.enterprise_id)
        self.enterprise_picker.blockSignals(False)
        for combo, value in ((self.campaign_combo, flt.campaign_id), (self.department_combo, flt.department_id)):
            index = combo.findData(value) if value is not None else 0
            combo.setCurrentIndex(max(index, 0))
        self.options = options

    def rows_of(self, listing: InspectionListing) -> list[oq.InspectionRow]:
        return listing.rows

    def cells(self, row: oq.InspectionRow) -> tuple[str, ...]:
        found = self.tr("{0} 项").format(row.hazards) if row.hazards else self.tr("无")
        if row.major_hazards:
            found += self.tr("（重大 {0} 项）").format(row.major_hazards)
        return (_day(row.inspected_on), row.enterprise, row.department, row.campaign or "—", row.inspectors or "—",
                found, " ".join(row.summary.split()))

    def count_text(self, listing: InspectionListing) -> str:
        if listing.total > len(listing.rows):
            return self.tr("共 {0} 条检查记录，显示最近的 {1} 条；可按行动、部门、企业或日期筛选").format(
                listing.total, len(listing.rows))
        return self.tr("共 {0} 条检查记录").format(listing.total)

    # --- writing

    def make_form(self, row: oq.InspectionRow | None) -> RecordForm[Any] | None:
        if row is None:
            return None
        return InspectionEditForm(self._db, self._runner, row.id, enterprise=row.enterprise, options=self.options,
                                  actor=self._actor, parent=self)

    def delete_texts(self, row: oq.InspectionRow) -> tuple[str, str, str]:
        what = self.tr("{0} {1} 的检查记录").format(_day(row.inspected_on), row.enterprise)
        hazards = (self.tr("\n其下 {0} 项隐患将一并移入回收站；删除的检查记录不能在窗口中恢复。").format(row.hazards) if row.hazards
                   else self.tr("\n该次检查没有登记隐患；删除的检查记录不能在窗口中恢复。"))
        return (self.tr("删除检查记录"), self.tr("确定删除{0}吗？{1}").format(what, hazards),
                self.tr("已删除{0}。").format(what))

    def delete_work(self, row: oq.InspectionRow) -> Callable[[UnitOfWork], object]:
        inspection_id, version = row.id, row.version
        return lambda uow: osv.delete_inspection(uow, inspection_id, expected_version=version)


__all__ = ["InspectionEditForm", "InspectionsDialog"]
