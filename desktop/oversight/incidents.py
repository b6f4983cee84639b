"""事故信息 page: every incident with its grade (特别重大 / 重大 / 较大 / 一般 in colour, from the figures by
the grade rule of ``models.oversight.incidents``), when it was received and reported up, and whether the
1-hour deadline was kept (迟报 N 分钟 and 超时未报 in red, 待上报 in amber) — paged in SQL, filtered by
text, grade, kind and late only, with a line above the list counting the last twelve months by grade
and the reports late or missing. Below it the selected incident read in the background: its figures
(the latest 续报's), why it has its grade, the 补报 window, the updates (逾期补报 flagged) and the plans
activated.

The forms are ``FieldForm``s (the one form base): 登记事故 (the grade and the reporting verdict shown
live as the figures and times are typed, from the same rules), 上报 (reported at, to whom), 续报/补报
and 关联预案 (a typeable plan chooser, the incident's enterprise's plans first). Every write goes
through the write flow with the version the page read; 删除 moves an incident to the 回收站."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit import messages
from desktop.kit.exporting import Write
from desktop.kit.fields import Field, FieldForm, choice, decimal, line, number, text
from desktop.kit.forms import Saved
from desktop.kit.list_page import ListPage
from desktop.kit.paged import Column, PagedTableModel
from desktop.kit.pickers import EnterprisePicker
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import record_table, tidy_separators
from models.core.database import Database
from models.core.errors import ConflictError
from models.core.progress import Progress
from models.core.uow import Actor, UnitOfWork
from models.enterprises.entities import Enterprise
from models.oversight import incidents as inc
from models.oversight.entities import Incident, IncidentPlan, IncidentUpdate
from models.oversight.incidents import IncidentDetail, IncidentFilter, IncidentRow
from models.plans.entities import Plan

GRADE_COLOURS = {"extraordinary": QColor("#7B0C1E"), "major": QColor("#C0152F"), "larger": QColor("#B35C00"),
                 "general": QColor("#1F5FA8")}
GRADE_BACKGROUNDS = {"extraordinary": QColor("#F9D9DE"), "major": QColor("#FDECEE"), "larger": QColor("#FFF4E0"),
                     "general": QColor("#E8F0FA")}
TIMING_COLOURS = {"late": QColor("#C0152F"), "overdue": QColor("#C0152F"), "pending": QColor("#B35C00"),
                  "on_time": QColor("#2E7D32"), "unreported": QColor("#7F7F7F")}
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ID_ROLE = Qt.ItemDataRole.UserRole
TITLE_MIN_WIDTH = 180
DATETIME_FORMAT = "yyyy-MM-dd HH:mm"
LATE_CHOICES = (("只看迟报和超时未报", True),)


def _tr(text: str) -> str:
    return QCoreApplication.translate("IncidentsPage", text)


def _wan(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# ---- the list


class IncidentTableModel(PagedTableModel[IncidentRow, IncidentFilter]):
    """事故信息 list: one row per incident of the filter, the newest received first."""

    GRADE_COLUMN = 0
    TITLE_COLUMN = 1
    TIMING_COLUMN = 6

    def __init__(self, db: Database, flt: IncidentFilter, *, runner: TaskRunner, parent: Any = None) -> None:
        columns: list[Column[IncidentRow]] = [
            Column(self.tr("事故等级"), lambda r: r.grade_label if not r.deleted else self.tr("已删除"), "grade", width=84,
                   tooltip=lambda r: inc.grade_basis(r.figures.deaths, r.figures.serious_injuries,
                                                     r.figures.direct_loss_wan)),
            Column(self.tr("事故名称"), lambda r: r.title, "title", width=240),
            Column(self.tr("事故类型"), lambda r: r.kind_label, "kind", width=96),
            Column(self.tr("事发企业或地点"), lambda r: r.enterprise or r.region or r.location, "enterprise", width=160),
            Column(self.tr("接报时间"), lambda r: inc.moment_text(r.received_at), "received", width=118),
            Column(self.tr("上报时间"), lambda r: inc.moment_text(r.reported_at) or self.tr("未上报"), "reported",
                   width=118, tooltip=lambda r: self.tr("上报至：{0}").format(r.reported_to) if r.reported_to else ""),
            Column(self.tr("上报情况"), lambda r: r.timing.label, None, width=110,
                   tooltip=lambda r: self.tr("应于 {0} 前上报（接报后 {1} 分钟内）").format(
                       inc.moment_text(r.timing.deadline), inc.incident_rules().report_within_minutes)),
            Column(self.tr("死亡"), lambda r: r.figures.deaths, None, align=RIGHT, width=44),
            Column(self.tr("重伤"), lambda r: r.figures.serious_injuries, None, align=RIGHT, width=44),
            Column(self.tr("直接经济损失（万元）"), lambda r: _wan(r.figures.direct_loss_wan), None, align=RIGHT,
                   width=120),
            Column(self.tr("续报"), lambda r: r.updates or "", None, align=RIGHT, width=44),
        ]
        super().__init__(db, flt, columns, runner=runner, sort="received", parent=parent)

    def query_count(self, session: Session, flt: IncidentFilter) -> int:
        return inc.count(session, flt)

    def query_page(self, session: Session, flt: IncidentFilter, *, sort: str, descending: bool, offset: int,
                   limit: int, total: int) -> list[IncidentRow]:
        return inc.page(session, flt, sort=sort, descending=descending, offset=offset, limit=limit, total=total)

    def decorate(self, row: IncidentRow, column: int, role: int) -> Any:
        if row.deleted:
            return None
        if column == self.GRADE_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return GRADE_COLOURS.get(row.grade)
        if column == self.GRADE_COLUMN and role == Qt.ItemDataRole.BackgroundRole:
            colour = GRADE_BACKGROUNDS.get(row.grade)
            return QBrush(colour) if colour is not None else None
        if column == self.TIMING_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return TIMING_COLOURS.get(row.timing.status)
        return None


# ---- a date and time to the minute (接报, 上报, 续报 times)


class MomentField(QWidget):
    """A date and time to the minute with a calendar popup; an optional one (``clearable``) has a box
    saying whether it is set (unticked: ``value()`` is None). A field widget by ``value`` /
    ``set_value`` / ``sig_changed``."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, clearable: bool = True,
                 default: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.clearable = clearable
        self.default = default or (lambda: datetime.now().replace(second=0, microsecond=0))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.check = QCheckBox(self)
        self.check.setToolTip(_tr("勾选后填写时间；不勾选表示未填写"))
        self.check.setVisible(clearable)
        self.edit = QDateTimeEdit(self)
        self.edit.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DATETIME_FORMAT)
        self.edit.setMinimumWidth(150)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.setFocusProxy(self.edit)
        self.check.toggled.connect(self._toggled)
        self.edit.dateTimeChanged.connect(lambda _d: self.sig_changed.emit())
        self.set_value(None)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.sig_changed.emit()

    def value(self) -> datetime | None:
        if self.clearable and not self.check.isChecked():
            return None
        moment: datetime = self.edit.dateTime().toPython()  # type: ignore[assignment]
        return moment.replace(second=0, microsecond=0, tzinfo=None)

    def set_value(self, value: datetime | None) -> None:
        self.blockSignals(True)
        self.check.setChecked(value is not None or not self.clearable)
        self.edit.setEnabled(value is not None or not self.clearable)
        self.edit.setDateTime(QDateTime(value or self.default()))
        self.blockSignals(False)
        self.sig_changed.emit()  # like the kit's DateField

    def focus_target(self) -> QWidget:
        """Where the focus goes when the field is wrong: the time, or the box that sets one."""
        return self.edit if self.check.isChecked() or not self.clearable else self.check


def moment(*, optional: bool = True, default: Callable[[], datetime] | None = None) -> Callable[[QWidget], QWidget]:
    return lambda parent: MomentField(parent, clearable=optional, default=default)


# ---- the forms


def _kind_items() -> list[tuple[str, str]]:
    return [(label, key) for key, label in inc.incident_rules().kinds.items()]


def loss_field() -> Callable[[QWidget], QWidget]:
    make = decimal(inc.MAX_LOSS_WAN, " 万元", decimals=2)

    def build(parent: QWidget) -> QWidget:
        spin = make(parent)
        assert isinstance(spin, QDoubleSpinBox)
        spin.setGroupSeparatorShown(True)
        return spin

    return build


class _Form(FieldForm):
    """The incident forms' shared bits: times shown to the minute in 比较."""

    def value_text(self, name: str, value: Any) -> str:
        if isinstance(value, datetime):
            return inc.moment_text(value)
        return super().value_text(name, value)


class IncidentDialog(_Form):
    """登记事故 / 编辑事故: what happened, where, when it was received and reported, and the figures as
    first reported — with the grade and the reporting verdict shown live as they are typed."""

    labels = Incident.__field_labels__
    required_fields = ("title", "kind", "received_at")
    data_class = inc.IncidentData
    noun = "事故信息"
    fields_ = (
        Field("title", line(128, "如：某化工公司储罐区泄漏事故")),
        Field("kind", choice(_kind_items)),
        Field("enterprise_id", lambda parent: EnterprisePicker("不涉及企业（如道路交通事故）", parent)),
        Field("location", line(256)),
        Field("occurred_at", moment()),
        Field("received_at", moment(optional=False)),
        Field("reported_at", moment()),
        Field("reported_to", line(128, "如：市人民政府总值班室、省应急管理厅")),
        Field("deaths", number(inc.MAX_PEOPLE, " 人", optional=False)),
        Field("serious_injuries", number(inc.MAX_PEOPLE, " 人", optional=False)),
        Field("direct_loss_wan", loss_field()),
        Field("reporter", line(64)),
        Field("summary", text()),
    )

    def intro(self) -> str:
        rules = inc.incident_rules()
        return self.tr("接报后 {0} 分钟内应向上级报告；事故等级按死亡、重伤人数和直接经济损失中最高的一项确定"
                       "（“以上”包括本数，“以下”不包括本数）。").format(rules.report_within_minutes)

    def prepare(self) -> None:
        picker = self.widgets["enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        self.enterprises: list[EnterpriseChoice] = load_enterprise_choices(self._db)
        picker.set_choices(self.enterprises)
        self.grade_label = QLabel(self)
        self.grade_label.setObjectName("incidentGrade")
        self.grade_label.setWordWrap(True)
        self.timing_label = QLabel(self)
        self.timing_label.setObjectName("incidentTiming")
        self.timing_label.setWordWrap(True)
        for name in ("deaths", "serious_injuries", "direct_loss_wan"):
            spin = self.widgets[name]
            assert isinstance(spin, (QSpinBox, QDoubleSpinBox))
            spin.valueChanged.connect(lambda _v: self.show_grade())
        for name in ("occurred_at", "received_at", "reported_at"):
            field = self.widgets[name]
            assert isinstance(field, MomentField)
            field.default = self._now_fn
            if name != "occurred_at":
                field.sig_changed.connect(self.show_grade)

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *,
                 now: Callable[[], datetime] | None = None, actor: Actor | None = None,
                 initial: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        """``now``: the moment 超时未报 is judged at, and a new incident's received time."""
        self._now_fn = now or (lambda: datetime.now().replace(second=0, microsecond=0))
        super().__init__(db, runner, record_id, actor=actor, initial=initial, parent=parent)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, self.grade_label)
        layout.insertWidget(layout.count() - 1, self.timing_label)
        self.show_grade()

    def show_grade(self) -> None:
        """The grade and the reporting verdict of what the form holds now (the same rules as the list)."""
        data = self.data()
        deaths, injuries, loss = data.deaths or 0, data.serious_injuries or 0, data.direct_loss_wan or 0.0
        key = inc.grade(deaths, injuries, loss)
        self.grade_label.setText(self.tr("事故等级：{0}　{1}").format(inc.grade_label(key),
                                                                  inc.grade_basis(deaths, injuries, loss)))
        self.grade_label.setStyleSheet(f"color: {GRADE_COLOURS[key].name()}; font-weight: bold;")
        if data.received_at is None:
            self.timing_label.setText("")
            return
        timing = inc.report_timing(data.received_at, data.reported_at, now=self._now_fn())
        self.timing_label.setText(self.tr("上报时限：{0}　{1}").format(inc.moment_text(timing.deadline), timing.label))
        self.timing_label.setStyleSheet(f"color: {TIMING_COLOURS[timing.status].name()};")

    def fill(self, data: Any) -> None:
        super().fill(data)
        if hasattr(self, "grade_label") and self.grade_label.parent() is not None and self.layout() is not None:
            self.show_grade()

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = inc.load_incident(session, self.record_id)
        self.setWindowTitle(self.tr("编辑事故信息 — {0}").format(data.title))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(inc.create_incident(uow, data))
            assert version is not None
            return Saved(record_id, inc.update_incident(uow, record_id, data, version))

        return write


class _OfIncident(_Form):
    """A form that adds to an incident (上报, 续报, 关联预案): saved with the incident's version; a stale
    one says so, takes the stored version and keeps the input (nothing of the incident is edited here)."""

    def __init__(self, db: Database, runner: TaskRunner, *, incident_id: int, incident_version: int,
                 incident_text: str, enterprise_id: int | None = None, actor: Actor | None = None,
                 initial: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        """``enterprise_id``: the incident's enterprise (its plans are offered first)."""
        self.enterprise_id = enterprise_id
        self.incident_id = incident_id
        self.incident_version = incident_version
        super().__init__(db, runner, None, actor=actor, initial=initial, parent=parent)
        self.setWindowTitle(self.tr("{0} — {1}").format(self.noun, incident_text))

    def resolve_conflict(self, error: ConflictError, mine: Any) -> None:
        with self._db.read() as session:
            found = session.get(Incident, self.incident_id)
            self.incident_version = found.version if found is not None else self.incident_version
        messages.warn(self, self.refusal_title(), self.tr("{0}\n\n已读取这起事故的最新内容，您的输入仍在窗口中；"
                                                          "请核对后再保存。").format(error))


@dataclass
class ReportData:
    reported_at: datetime | None = None
    reported_to: str = ""


class ReportDialog(_OfIncident):
    """上报: when the incident was reported up and to whom."""

    labels = Incident.__field_labels__
    required_fields = ("reported_at",)
    data_class = ReportData
    noun = "登记上报"
    fields_ = (Field("reported_at", moment(optional=False)), Field("reported_to", line(128, "如：市人民政府总值班室")))

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        incident_id, version = self.incident_id, self.incident_version

        def write(uow: UnitOfWork) -> Saved:
            return Saved(incident_id, inc.mark_reported(uow, incident_id, data.reported_at, data.reported_to, version))

        return write


class UpdateDialog(_OfIncident):
    """续报/补报: the figures as they now stand (the latest update's figures grade the incident)."""

    labels = IncidentUpdate.__field_labels__
    required_fields = ("reported_at",)
    data_class = inc.UpdateData
    noun = "续报/补报"
    fields_ = (
        Field("reported_at", moment(optional=False)),
        Field("deaths", number(inc.MAX_PEOPLE, " 人", optional=False)),
        Field("serious_injuries", number(inc.MAX_PEOPLE, " 人", optional=False)),
        Field("direct_loss_wan", loss_field()),
        Field("note", text()),
    )

    def intro(self) -> str:
        return self.tr("填写续报时的最新人数和损失（不是增加的数）；事故等级按最新一次续报重新确定。"
                       "自事故发生之日起 30 日内（道路交通、火灾事故 7 日内）伤亡人数变化的应及时补报，逾期补报仍会保存并标注。")

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        incident_id, version = self.incident_id, self.incident_version

        def write(uow: UnitOfWork) -> Saved:
            return Saved(inc.add_update(uow, incident_id, data, version))

        return write


@dataclass(frozen=True)
class PlanChoice:
    id: int
    name: str


def plan_choices(session: Session, enterprise_id: int | None, limit: int = 3000) -> list[PlanChoice]:
    """Plans not retired nor deleted, the incident's enterprise's first, each named with its number
    and enterprise."""
    mine = case((Plan.enterprise_id == enterprise_id, 0), else_=1) if enterprise_id is not None else None
    query = (select(Plan.id, Plan.plan_no, Plan.title, Enterprise.name).join(Enterprise, Enterprise.id == Plan.enterprise_id)
             .where(Plan.deleted_at.is_(None), Plan.status != "retired"))
    order = [Enterprise.name, Plan.title, Plan.id]
    query = query.order_by(mine, *order) if mine is not None else query.order_by(*order)
    return [PlanChoice(pid, f"{title}（{no}，{ent}）" if no else f"{title}（{ent}）")
            for pid, no, title, ent in session.execute(query.limit(limit))]


@dataclass
class PlanLinkData:
    plan_id: int | None = None
    activated_at: datetime | None = None
    response_level: str = ""


class PlanLinkDialog(_OfIncident):
    """关联预案: a plan activated for the incident, when, at which response level."""

    labels = IncidentPlan.__field_labels__
    required_fields = ("plan_id",)
    data_class = PlanLinkData
    noun = "关联启动预案"
    fields_ = (
        Field("plan_id", lambda parent: EnterprisePicker("请选择预案…", parent)),
        Field("activated_at", moment()),
        Field("response_level", line(16, "如：Ⅱ级")),
    )

    def prepare(self) -> None:
        picker = self.widgets["plan_id"]
        assert isinstance(picker, EnterprisePicker)
        with self._db.read() as session:
            self.plans = plan_choices(session, self.enterprise_id)
        picker.set_choices(self.plans)
        edit = picker.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(self.tr("输入预案名称或编号的一部分"))

    def fill(self, data: Any) -> None:
        super().fill(data)
        picker = self.widgets["plan_id"]
        assert isinstance(picker, EnterprisePicker)
        picker.set_enterprise_id(data.plan_id)

    def data(self) -> Any:
        out = super().data()
        picker = self.widgets["plan_id"]
        assert isinstance(picker, EnterprisePicker)
        out.plan_id = picker.enterprise_id()
        return out

    def check(self, data: Any) -> list[Any]:
        from models.core.errors import FieldError

        if data.plan_id is None:
            return [FieldError("plan_id", self.labels["plan_id"], self.tr("请选择启动的预案"))]
        return []

    def value_text(self, name: str, value: Any) -> str:
        if name == "plan_id":
            return next((p.name for p in self.plans if p.id == value), super().value_text(name, None))
        return super().value_text(name, value)

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        incident_id, version = self.incident_id, self.incident_version

        def write(uow: UnitOfWork) -> Saved:
            return Saved(inc.link_plan(uow, incident_id, data.plan_id, activated_at=data.activated_at,
                                       response_level=data.response_level, expected_version=version))

        return write


# ---- the page


@dataclass(frozen=True)
class RecordService:
    delete: Callable[..., object]
    restore: Callable[..., object]


@dataclass(frozen=True)
class Summary:
    start: date
    end: date
    grades: dict[str, int]
    late: int  # reported late, or not reported past the deadline


def summary_text(summary: Summary) -> tuple[str, bool]:
    rules = inc.incident_rules()
    total = sum(summary.grades.values())
    parts = "，".join(f"{g.short_label} {summary.grades.get(g.key, 0)} 起" for g in rules.grades)
    text_ = _tr("{0} 至 {1}：接报事故 {2} 起（{3}）").format(summary.start.isoformat(), summary.end.isoformat(), total,
                                                        parts)
    if summary.late:
        return text_ + _tr("；迟报或超时未报 {0} 起，用“只看迟报和超时未报”筛选。").format(summary.late), True
    return text_ + _tr("；均在接报后 {0} 分钟内上报。").format(rules.report_within_minutes), False


class IncidentsPage(ListPage[IncidentRow, IncidentFilter]):
    key = "incidents"
    service = RecordService(inc.delete_incident, inc.restore_incident)
    export_module = "exports.oversight.excel"
    default_order = Qt.SortOrder.DescendingOrder  # the latest received first

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, now: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        """``now``: the moment 超时未报 is judged at (by default the clock's time on ``today``)."""
        super().__init__(db, runner, settings, actor=actor, unit=_tr("起事故"), export_label=_tr("正在导出事故信息…"),
                         parent=parent)
        self._today = today
        self._now = now
        self.detail: IncidentDetail | None = None
        self.detail_task: Task | None = None
        self.summary_task: Task | None = None
        self.trash_open_message = self.tr("回收站中的事故信息需先恢复才能编辑")
        self.model = IncidentTableModel(db, IncidentFilter(now=self.now()), runner=runner, parent=self)
        self._build()

    @property
    def title(self) -> str:
        return self.tr("事故信息")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take it

    def now(self) -> datetime:
        if self._now is not None:
            return self._now()
        return datetime.combine(self.as_of(), datetime.now().time()).replace(second=0, microsecond=0)

    # --- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        act = self._action
        self.act_new = act(self.tr("登记事故…"), self.new_incident, QKeySequence.StandardKey.New,
                           self.tr("登记一起事故：接报时间、事发企业、伤亡和损失（自动定级）"))
        self.act_edit = act(self.tr("编辑…"), self.edit_current, None, self.tr("编辑所选事故（双击行）"))
        self.act_report = act(self.tr("登记上报…"), self.report_current, None,
                              self.tr("登记所选事故向上级报告的时间和单位（接报后 1 小时内）"))
        self.act_update = act(self.tr("续报/补报…"), self.add_update, None,
                              self.tr("登记所选事故的续报或补报（最新的伤亡人数和损失，重新定级）"))
        self.act_link = act(self.tr("关联预案…"), self.link_plan, None, self.tr("登记为所选事故启动的应急预案"))
        self.act_unlink = act(self.tr("取消关联"), self.unlink_plan, None, self.tr("取消所选预案与事故的关联"))
        self.act_delete_update = act(self.tr("删除续报"), self.delete_update, None,
                                     self.tr("删除误录的续报（事故等级按其余续报重新确定）"))
        self.act_search = act(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_export = act(self.tr("导出Excel"), self.export_excel, QKeySequence("Ctrl+E"),
                              self.tr("把列表中的事故信息（按当前筛选和排序）导出为 Excel 台账"))
        self.act_refresh = act(self.tr("刷新"), self.refresh, QKeySequence.StandardKey.Refresh, "")
        self.act_delete = act(self.tr("删除"), self.delete_current, QKeySequence.StandardKey.Delete,
                              self.tr("将所选事故信息移入回收站（Delete）"))
        self.act_restore = act(self.tr("恢复"), self.restore_current, None, self.tr("将所选事故信息从回收站恢复"))
        self.act_restore.setVisible(False)
        self.write_actions = [self.act_delete, self.act_restore, self.act_unlink, self.act_delete_update]

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.act_new, self.act_edit, self.act_report, self.act_update, self.act_link):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_delete)
        self.toolbar.addAction(self.act_restore)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_export)
        self.toolbar.addAction(self.act_refresh)
        self.make_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的事故信息，可以恢复"))
        layout.addWidget(self.toolbar)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("incidentSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        filters = QHBoxLayout()
        self.make_search(self.tr("搜索事故名称、地点、企业、报告人"))
        self.search.setMinimumWidth(200)
        filters.addWidget(self.search, 2)
        rules = inc.incident_rules()
        self.grade_combo = self.make_filter_combo(self.tr("全部等级"), self.tr("事故等级"),
                                                  [(g.label, g.key) for g in rules.grades], min_length=6)
        self.kind_combo = self.make_filter_combo(self.tr("全部类型"), self.tr("事故类型"),
                                                 [(label, key) for key, label in rules.kinds.items()], min_length=7)
        self.late_combo = self.make_filter_combo(self.tr("全部上报情况"), self.tr("是否按时上报"),
                                                 [(self.tr(t), v) for t, v in LATE_CHOICES], min_length=9)
        for combo in (self.grade_combo, self.kind_combo, self.late_combo):
            filters.addWidget(combo, 1)
        filters.addWidget(self.make_clear_button())
        filters.addStretch(0)
        filters.addWidget(self.make_count_label(110))
        layout.addLayout(filters)

        self.make_view(self)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        self.fit_columns(stretch=self.model.TITLE_COLUMN, stretch_minimum=TITLE_MIN_WIDTH,
                         maximum={3: 220, 2: 120})
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._row_changed())
        self.model.modelReset.connect(self._row_changed)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self._build_detail(splitter))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.detail_timer = QTimer(self)
        self.detail_timer.setSingleShot(True)
        self.detail_timer.setInterval(120)
        self.detail_timer.timeout.connect(self.load_detail)
        for action in (self.act_search, self.act_refresh, self.act_delete, self.act_new):
            self.addAction(action)
        self.update_actions()

    def _build_detail(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        self.detail_box = box
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        self.detail_label = QLabel(box)
        self.detail_label.setObjectName("incidentDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.detail_label)
        self.basis_label = QLabel(box)
        self.basis_label.setObjectName("incidentBasis")
        self.basis_label.setWordWrap(True)
        self.basis_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.basis_label)
        self.detail_tabs = QTabWidget(box)
        self.update_table = record_table(box, "incidentUpdates", ("续报时间", "死亡", "重伤", "直接经济损失（万元）",
                                                                  "等级", "补报期限", "续报内容"), stretch=6)
        self.plan_table = record_table(box, "incidentPlans", ("预案", "编号", "启动时间", "响应级别"), stretch=0)
        self.detail_tabs.addTab(self.update_table, self.tr("续报/补报"))
        self.detail_tabs.addTab(self.plan_table, self.tr("启动预案"))
        for table in (self.update_table, self.plan_table):
            table.itemSelectionChanged.connect(self.update_actions)
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(lambda pos, t=table: self._show_detail_menu(t, pos))
        layout.addWidget(self.detail_tabs, 1)
        self._show_nothing()
        return box

    # --- loading

    def load(self) -> None:
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())
        self.load_summary()

    def refresh(self) -> None:
        self.refetch(self.current_filter())  # a new moment: 超时未报 judged again
        self.load_summary()
        self.load_detail()

    def _read(self, fn: Callable[[Session], Any], label: str, title: str) -> Task:
        db = self._db

        def work(_progress: Progress) -> Any:
            with db.read() as s:
                return fn(s)

        return self._runner.run(work, label=label, title=title, show_progress=False)

    def load_summary(self) -> Task:
        end = self.as_of()
        start = end.replace(year=end.year - 1) + timedelta(days=1) if not (end.month == 2 and end.day == 29) else \
            date(end.year - 1, 3, 1)
        now = self.now()

        def read(s: Session) -> Summary:
            return Summary(start, end, inc.grade_counts(s, start, end),
                           inc.count(s, IncidentFilter(now=now, start=start, end=end, late_only=True)))

        task = self._read(read, self.tr("正在统计事故信息…"), self.tr("事故信息"))
        task.sig_finished.connect(self._summary_ready)
        self.summary_task = task
        return task

    def _summary_ready(self, summary: Summary) -> None:
        text_, bad = summary_text(summary)
        self.summary_label.setText(text_)
        self.summary_label.setStyleSheet("color: #9B1C2C;" if bad else "color: #2E7D32;")

    def _row_changed(self) -> None:
        self.update_actions()
        self.detail_timer.start()

    def _show_nothing(self) -> None:
        self.detail = None
        self.detail_label.setText(self.tr("选择一起事故，这里显示它的等级依据、上报情况、续报和补报、启动的预案。"))
        self.detail_label.setStyleSheet("")
        self.basis_label.clear()
        self.basis_label.hide()
        for table in (self.update_table, self.plan_table):
            table.setRowCount(0)
        self.detail_tabs.setTabText(0, self.tr("续报/补报"))
        self.detail_tabs.setTabText(1, self.tr("启动预案"))

    def load_detail(self) -> Task | None:
        row = self.current_row()
        if row is None or self.in_trash:
            self._show_nothing()
            return None
        incident_id, now = row.id, self.now()
        try:
            task = self._read(lambda s: inc.detail(s, incident_id, now), self.tr("正在读取事故信息…"), self.tr("事故信息"))
        except RuntimeError:  # the window closed before the pause ended
            return None
        task.sig_finished.connect(self._detail_ready)
        task.sig_failed.connect(lambda _e: self._show_nothing())
        self.detail_task = task
        return task

    def _detail_ready(self, detail: IncidentDetail) -> None:
        row = self.current_row()
        if row is None or row.id != detail.row.id:
            return  # an earlier selection's answer
        self.detail = detail
        r, f = detail.row, detail.row.figures
        where = "，".join(x for x in (r.enterprise, r.region, r.location) if x)
        self.detail_label.setText(self.tr("{0}（{1}，{2}）　{3}　接报 {4}，{5}　{6}").format(
            r.title, r.kind_label, where or self.tr("地点未填写"), r.grade_label, inc.moment_text(r.received_at),
            self.tr("上报 {0}").format(inc.moment_text(r.reported_at)) if r.reported_at else self.tr("尚未上报"),
            r.timing.label))
        self.detail_label.setStyleSheet(f"color: {GRADE_COLOURS.get(r.grade, QColor('#000')).name()}; font-weight: bold;")
        window = (self.tr("补报期限至 {0}（{1}）").format(detail.correction_until.isoformat(),
                                                     self.tr("进行中") if detail.correction_open(self.as_of())
                                                     else self.tr("已截止")))
        current = self.tr("（按 {0} 续报）").format(inc.moment_text(detail.updates[-1].reported_at)) if detail.updates \
            else self.tr("（首报）")
        self.basis_label.setText(self.tr("当前数字{0}：{1}。定级依据：{2}。{3}。").format(
            current, f.text, inc.grade_basis(f.deaths, f.serious_injuries, f.direct_loss_wan), window))
        self.basis_label.show()
        until = detail.correction_until.isoformat()
        self._fill(self.update_table, [(
            (inc.moment_text(u.reported_at), str(u.figures.deaths), str(u.figures.serious_injuries),
             _wan(u.figures.direct_loss_wan), u.grade_label, self.tr("逾期补报（期限 {0}）").format(until) if u.late
             else self.tr("期限内"), u.note), "late" if u.late else "", u.id) for u in detail.updates], status_column=5)
        self._fill(self.plan_table, [(
            (p.plan_title, p.plan_no, inc.moment_text(p.activated_at), p.response_level), "", p.id)
            for p in detail.plans])
        for index, n, label in ((0, len(detail.updates), "续报/补报"), (1, len(detail.plans), "启动预案")):
            self.detail_tabs.setTabText(index, f"{self.tr(label)}（{n}）" if n else self.tr(label))
        self.update_actions()

    def _fill(self, table: QTableWidget, rows: Sequence[tuple[tuple[str, ...], str, int]], *,
              status_column: int | None = None) -> None:
        table.setRowCount(len(rows))
        for n, (cells, status, record_id) in enumerate(rows):
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setData(ID_ROLE, record_id)
                if column == status_column and status in TIMING_COLOURS:
                    item.setForeground(QBrush(TIMING_COLOURS[status]))
                if len(value) > 24:
                    item.setToolTip(value)
                table.setItem(n, column, item)

    @staticmethod
    def _selected_id(table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        if not rows:
            return None
        item = table.item(rows[0].row(), 0)
        return item.data(ID_ROLE) if item is not None else None

    def _ready(self) -> bool:
        """The detail shown is the selected incident's (its version can be acted on)."""
        row = self.current_row()
        return row is not None and not self.in_trash and self.detail is not None and self.detail.row.id == row.id

    # --- filtering

    def current_filter(self) -> IncidentFilter:
        if self.in_trash:
            return IncidentFilter(now=self.now(), text=self.search.text().strip(), deleted=True)
        return IncidentFilter(now=self.now(), text=self.search.text().strip(), grade=self.grade_combo.currentData() or "",
                              kind=self.kind_combo.currentData() or "", late_only=bool(self.late_combo.currentData()))

    def unfiltered(self) -> IncidentFilter:
        return IncidentFilter(now=self.now(), deleted=self.in_trash)

    def trash_toggled(self, on: bool) -> None:
        for action in (self.act_new, self.act_edit, self.act_report, self.act_update, self.act_link, self.act_delete):
            action.setVisible(not on)
        self.act_restore.setVisible(on)
        for widget in (self.grade_combo, self.kind_combo, self.late_combo):
            widget.setEnabled(not on)
        self.summary_label.setVisible(not on)
        self.detail_box.setVisible(not on)
        tidy_separators(self.toolbar)

    @property
    def empty_noun(self) -> str:
        return self.tr("事故信息")

    @property
    def list_name(self) -> str:
        return self.tr("事故信息")

    def describe_nothing_yet(self) -> tuple[str, str]:
        return self.tr("还没有事故信息"), self.tr("接到事故报告后，点击“登记事故”记录接报时间、伤亡和损失；系统自动定级并跟踪 1 小时上报时限。")

    def enable_actions(self) -> None:
        row = self.current_row()
        live = row is not None and not self.in_trash
        ready = self._ready()
        self.act_restore.setEnabled(self.in_trash and row is not None)
        for action in (self.act_edit, self.act_delete):
            action.setEnabled(live)
        self.act_report.setEnabled(ready and row is not None and row.reported_at is None)
        for action in (self.act_update, self.act_link):
            action.setEnabled(ready)
        self.act_unlink.setEnabled(ready and self._selected_id(self.plan_table) is not None)
        self.act_delete_update.setEnabled(ready and self._selected_id(self.update_table) is not None)

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction(self.act_restore)
            return menu
        for action in (self.act_edit, self.act_report, self.act_update, self.act_link):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_delete)
        return menu

    def _show_detail_menu(self, table: QTableWidget, pos: Any) -> None:
        index = table.indexAt(pos)
        if index.isValid():
            table.selectRow(index.row())
        self.update_actions()
        menu = QMenu(self)
        actions = [self.act_update, self.act_delete_update] if table is self.update_table else \
            [self.act_link, self.act_unlink]
        for action in actions:
            menu.addAction(action)
        menu.exec(table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def open_current(self) -> object:
        return self.edit_current()

    def delete_texts(self, row: IncidentRow) -> tuple[str, str, str]:
        return (self.tr("删除事故信息"),
                self.tr("确定将“{0}”移入回收站吗？\n移入回收站后仍可在回收站中恢复。").format(row.title),
                self.tr("已将“{0}”移入回收站").format(row.title))

    def restored_text(self, row: IncidentRow) -> str:
        return self.tr("已恢复“{0}”").format(row.title)

    def export_stem(self, flt: IncidentFilter) -> str:
        return self.tr("事故信息")

    def excel_writer(self, flt: IncidentFilter) -> Write:
        db, sort, descending = self._db, self.model.sort_key, self.model.descending

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_incidents(db, flt, path, sort=sort, descending=descending, progress=progress))

        return write

    # --- writes

    def changed(self, row_id: int, status: str) -> None:
        super().changed(row_id, status)
        self.load_summary()
        self.detail_timer.start()

    def _form(self, make: Callable[[], Any], done: str, row_id: int | None = None) -> Any:
        dialog = self.open_dialog(make, refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda saved_id: self.changed(row_id if row_id is not None else saved_id, done))
        return dialog

    def _incident_dialog(self, record_id: int | None) -> IncidentDialog:
        initial = {"received_at": self.now()} if record_id is None else None
        return IncidentDialog(self._db, self._runner, record_id, now=self.now, actor=self._actor, initial=initial,
                              parent=self)

    def new_incident(self) -> IncidentDialog | None:
        if self.in_trash:
            return None
        return self._form(lambda: self._incident_dialog(None), self.tr("已登记事故信息"))  # type: ignore[no-any-return]

    def edit_current(self) -> IncidentDialog | None:
        row = self.current_row()
        if row is None or self.in_trash:
            return None
        return self._form(lambda: self._incident_dialog(row.id),  # type: ignore[no-any-return]
                          self.tr("已保存事故信息：{0}").format(row.title))

    def _child(self, cls: type[_OfIncident], done: str, initial: dict[str, Any]) -> _OfIncident | None:
        if not self._ready():
            return None
        assert self.detail is not None
        r = self.detail.row

        def make() -> _OfIncident:
            return cls(self._db, self._runner, incident_id=r.id, incident_version=r.version, incident_text=r.title,
                       enterprise_id=r.enterprise_id, actor=self._actor, initial=initial, parent=self)

        return self._form(make, done.format(r.title), r.id)  # type: ignore[no-any-return]

    def report_current(self) -> _OfIncident | None:
        row = self.current_row()
        if row is None or row.reported_at is not None:
            return None
        return self._child(ReportDialog, self.tr("已登记上报：{0}"), {"reported_at": self.now()})

    def add_update(self) -> _OfIncident | None:
        if self.detail is None:
            return None
        f = self.detail.row.figures
        return self._child(UpdateDialog, self.tr("已登记续报：{0}"),
                           {"reported_at": self.now(), "deaths": f.deaths, "serious_injuries": f.serious_injuries,
                            "direct_loss_wan": f.direct_loss_wan})

    def link_plan(self) -> _OfIncident | None:
        if self.detail is None:
            return None
        return self._child(PlanLinkDialog, self.tr("已关联启动预案：{0}"), {"activated_at": None})

    def unlink_plan(self) -> Any:
        wanted = self._selected_id(self.plan_table)
        if not self._ready() or wanted is None or self.detail is None:
            return None
        link = next((p for p in self.detail.plans if p.id == wanted), None)
        if link is None:
            return None
        if not messages.confirm(self, self.tr("取消关联"), self.tr("确定取消预案“{0}”与此事故的关联吗？").format(link.plan_title),
                                yes=self.tr("取消关联"), no=self.tr("保留")):
            return None
        return self.write(self.detail.row.id, lambda uow: inc.unlink_plan(uow, link.id, link.version),
                          refused=self.tr("无法取消关联"), done=self.tr("已取消关联预案：{0}").format(link.plan_title))

    def delete_update(self) -> Any:
        wanted = self._selected_id(self.update_table)
        if not self._ready() or wanted is None or self.detail is None:
            return None
        update = next((u for u in self.detail.updates if u.id == wanted), None)
        if update is None:
            return None
        if not messages.confirm(self, self.tr("删除续报"), self.tr("确定删除 {0} 的续报吗？事故等级将按其余续报重新确定。").format(
                inc.moment_text(update.reported_at)), yes=self.tr("删除"), no=self.tr("保留")):
            return None
        return self.write(self.detail.row.id, lambda uow: inc.delete_update(uow, update.id, update.version),
                          refused=self.tr("无法删除续报"), done=self.tr("已删除续报"))
