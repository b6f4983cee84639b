"""The 值班 page's dialogs: the duty point form (值班点), a single shift (新建班次), a person on a shift
(安排人员 / 调整 — also to another shift of the period, the dialog path of a drag), 换班 with its reason,
交接班记录, and 生成排班 (a period from a rotation pattern).

The record dialogs are on the field-described form base (``desktop.kit.fields.FieldForm``): they save
through the write flow with the version read, a refused field is marked under it with the input kept, a
stale save opens the conflict dialog. What they offer to choose from — the team's members with their
phones, the shifts of the period, the teams and regions — is read by the page in the background and
handed in. ``GenerateDialog`` is not a record: it writes ``generate_roster`` with the point's version
the page read, shows the service's field errors in place, offers to overwrite when the period already
has shifts, and says so when the roster was changed meanwhile (nothing is written then)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.dates import DateField
from desktop.kit.fields import Field, FieldForm, check, choice, day, line, number, text
from desktop.kit.forms import ERROR_STYLE, FormErrors, Saved, set_widget_value, widget_value
from desktop.kit.pickers import fill_combo
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from desktop.kit.writes import WriteOp
from models.core.database import Database
from models.core.errors import ConflictError, DeskError, FieldError
from models.core.uow import Actor, UnitOfWork, os_actor
from models.teams import rules
from models.teams import service as ts
from models.teams.entities import DutyAssignment, DutyPoint, DutyShift, DutySwap, HandoverLog
from models.teams.queries import PointRow

DATETIME_FORMAT = "yyyy年M月d日 HH:mm"


@dataclass(frozen=True)
class PersonChoice:
    """Someone the dialogs offer: a team member (``person.member_id``) with the phone on file."""

    label: str  # 王建国（队长）
    person: rules.Person


@dataclass(frozen=True)
class ShiftChoice:
    """A shift of the period shown, as the assignment form offers it (moving a person there)."""

    id: int
    label: str  # 12月8日（周二）夜班


def shift_hours(start: datetime, end: datetime, day: date) -> str:
    """“17:30—次日08:30” of a shift of duty day ``day``."""
    def hm(moment: datetime) -> str:
        if moment.date() == day:
            return f"{moment:%H:%M}"
        if moment.date() == day + timedelta(days=1):
            return f"次日{moment:%H:%M}"
        return f"{moment.month}月{moment.day}日{moment:%H:%M}"

    return f"{hm(start)}—{hm(end)}"


def kind_hours(kind: rules.ShiftKind) -> str:
    """A shift kind's usual time, “08:30—17:30”, “17:30—次日08:30”."""
    some_day = date(2026, 1, 5)
    return shift_hours(*kind.times(some_day), some_day)


# ---- a date and time field (交接时间, a shift's start and end)


class DateTimeField(QDateTimeEdit):
    """A date and time to the minute, with a calendar popup; ``value()`` is a naive ``datetime``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATETIME_FORMAT)
        self.setMinimumWidth(170)

    def value(self) -> datetime:
        moment: datetime = self.dateTime().toPython()  # type: ignore[assignment]
        return moment.replace(second=0, microsecond=0, tzinfo=None)

    def set_value(self, value: datetime | None) -> None:
        self.setDateTime(QDateTime(value or datetime.combine(date.today(), time(8, 30))))


def datetime_field() -> Callable[[QWidget], QWidget]:
    return lambda parent: DateTimeField(parent)


class PersonPicker(QComboBox):
    """Who to put on duty: one of the people offered (a team's members, or the people already on the
    point's roster) — their name and phone are filled in — or nobody in particular (typed)."""

    sig_chosen = Signal(object)  # PersonChoice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people: list[PersonChoice] = []
        self.setMinimumContentsLength(12)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.activated.connect(lambda _i: self._chosen())

    def set_people(self, people: Sequence[PersonChoice], first: str) -> None:
        self.people = list(people)
        fill_combo(self, [(p.label, n) for n, p in enumerate(self.people)], first=(first, None), keep=False)

    def chosen(self) -> PersonChoice | None:
        n = self.currentData()
        return self.people[n] if isinstance(n, int) and 0 <= n < len(self.people) else None

    def member_id(self, name: str) -> int | None:
        """The member chosen, as long as the name typed is still theirs."""
        found = self.chosen()
        return found.person.member_id if found is not None and found.person.name == name.strip() else None

    def select_member(self, member_id: int | None) -> None:
        n = next((n for n, p in enumerate(self.people) if member_id is not None and p.person.member_id == member_id), None)
        self.setCurrentIndex(n + 1 if n is not None else 0)

    def select_person(self, name: str, phone: str) -> None:
        key = rules.person_key(name, phone)
        n = next((n for n, p in enumerate(self.people) if rules.person_key(p.person.name, p.person.phone) == key), None)
        if n is not None:
            self.setCurrentIndex(n + 1)

    def _chosen(self) -> None:
        found = self.chosen()
        if found is not None:
            self.sig_chosen.emit(found)


class DutyForm(FieldForm):
    """A ``FieldForm`` that also holds ``DateTimeField`` fields (the kit's form base knows dates only)."""

    def fill(self, data: Any) -> None:
        for f in self.fields_:
            widget = self.widgets[f.name]
            value = getattr(data, f.name, None)
            if isinstance(widget, DateTimeField):
                widget.set_value(value)
            elif isinstance(widget, PersonPicker):
                widget.select_member(value)
            elif isinstance(widget, QSpinBox) and value is None:
                set_widget_value(widget, 0)
            else:
                set_widget_value(widget, value)

    def data(self) -> Any:
        names = {f.name for f in fields(self.data_class)}
        base = self.loaded if self.loaded is not None else self.data_class()
        values: dict[str, Any] = {name: getattr(base, name) for name in names}
        for f in self.fields_:
            if f.name not in names:
                continue
            widget = self.widgets[f.name]
            if isinstance(widget, DateTimeField):
                values[f.name] = widget.value()
                continue
            if isinstance(widget, PersonPicker):
                values[f.name] = widget.chosen().person.member_id if widget.chosen() is not None else None
                continue
            value = widget_value(widget)
            if isinstance(widget, QSpinBox) and widget.specialValueText() and value == 0:
                value = None
            if isinstance(value, str) and isinstance(widget, QLineEdit):
                value = value.strip()
            values[f.name] = value
        return self.data_class(**values)

    def value_text(self, name: str, value: Any) -> str:
        if isinstance(value, datetime):
            return f"{value:%Y-%m-%d %H:%M}"
        return super().value_text(name, value)

    def hide_row(self, name: str) -> None:
        """Hide field ``name``'s row (a field the case does not use, e.g. 队员 at a duty room)."""
        holder = self.widgets[name].parentWidget()
        layout = self.layout()
        for n in range(layout.count() if layout is not None else 0):
            item = layout.itemAt(n)
            inner = item.layout() if item is not None else None
            if isinstance(inner, QFormLayout) and holder is not None:
                inner.setRowVisible(holder, False)


# ---- 值班点


POINT_LABELS = dict(DutyPoint.__field_labels__)


class PointDialog(DutyForm):
    """值班点: the bureau's duty room or a team's, its phone, its shift set, minimum staff per shift and
    whether every shift needs a 带班领导."""

    labels = POINT_LABELS
    required_fields = ("name", "kind", "team_id")
    data_class = ts.PointData
    noun = "值班点"
    fields_ = (
        Field("name", line(128, "如：江城区应急管理局应急值班室")),
        Field("kind", choice(lambda: [(label, key) for key, (label, _set) in rules.duty_rules().point_kinds.items()])),
        Field("team_id", lambda parent: QComboBox(parent)),
        Field("region_id", lambda parent: QComboBox(parent)),
        Field("phone", line(32, "如：0539-8123119")),
        Field("address", line(256)),
        Field("shift_set", lambda parent: QComboBox(parent)),
        Field("min_staff", number(rules.duty_rules().max_people_per_shift, " 人", optional=False)),
        Field("leader_required", check("是（每个班次须有一名带班领导）")),
        Field("notes", text()),
    )

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *,
                 teams: Sequence[tuple[str, int]] = (), regions: Sequence[tuple[str, int, int]] = (),
                 actor: Actor | None = None, initial: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        self._teams = list(teams)
        self._regions = list(regions)
        duty = rules.duty_rules()
        start = {"min_staff": duty.min_staff, "leader_required": duty.leader_required, **(initial or {})}
        super().__init__(db, runner, record_id, actor=actor, initial=start, parent=parent)

    def prepare(self) -> None:
        fill_combo(self._combo("team_id"), self._teams, first=(self.tr("请选择救援队伍…"), None))
        fill_combo(self._combo("region_id"), self._regions, first=(self.tr("未填写"), None))
        fill_combo(self._combo("shift_set"), self._shift_sets(), first=(self.tr("按类型默认"), ""))
        self._combo("kind").currentIndexChanged.connect(lambda _i: self._kind_shown())
        self._combo("shift_set").setToolTip(self.tr("已排有班次的值班点不能再更改班次设置"))

    @staticmethod
    def _shift_sets() -> list[tuple[str, str]]:
        return [(f"{s.label}（{'、'.join(f'{k.label} {kind_hours(k)}' for k in s.shifts)}）", key)
                for key, s in rules.duty_rules().shift_sets.items()]

    def _kind_shown(self) -> None:
        """A team's point belongs to the team; a duty room to no team."""
        team = widget_value(self.widgets["kind"]) == "team"
        self.widgets["team_id"].setEnabled(team)
        default = rules.duty_rules().point_kinds.get(str(widget_value(self.widgets["kind"])), ("", ""))[1]
        found = rules.duty_rules().shift_sets.get(default)
        self._combo("shift_set").setItemText(0, self.tr("按类型默认（{0}）").format(found.label) if found
                                             else self.tr("按类型默认"))

    def fill(self, data: Any) -> None:
        super().fill(data)
        self._kind_shown()

    def data(self) -> Any:
        out = super().data()
        if out.kind != "team":
            out.team_id = None  # a duty room belongs to no team
        return out

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ts.load_point(session, self.record_id)
        self.setWindowTitle(self.tr("编辑值班点 — {0}").format(data.name))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ts.create_point(uow, data))
            assert version is not None
            return Saved(record_id, ts.update_point(uow, record_id, data, expected_version=version))

        return write


# ---- a single shift


SHIFT_LABELS = dict(DutyShift.__field_labels__)


class ShiftDialog(DutyForm):
    """新建班次: one shift of the point on a duty day, at the kind's usual time unless changed."""

    labels = SHIFT_LABELS
    required_fields = ("day", "kind")
    data_class = ts.ShiftData
    noun = "班次"
    fields_ = (
        Field("day", day(optional=False)),
        Field("kind", lambda parent: QComboBox(parent)),
        Field("starts_at", datetime_field()),
        Field("ends_at", datetime_field()),
        Field("notes", text()),
    )

    def __init__(self, db: Database, runner: TaskRunner, point: PointRow, *, day: date, kind: str = "",
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        self.point = point
        found = rules.duty_rules().shift_sets.get(point.shift_set)
        self.shift_set: rules.ShiftSet | None = found
        first = kind or (found.shifts[0].key if found and found.shifts else "")
        start, end = self._times(day, first)
        super().__init__(db, runner, None, actor=actor, parent=parent,
                         initial={"point_id": point.id, "day": day, "kind": first, "starts_at": start, "ends_at": end})
        self.setWindowTitle(self.tr("新建班次 — {0}").format(point.name))
        date_field = self.widgets["day"]
        assert isinstance(date_field, DateField)
        date_field.sig_changed.connect(self._usual_times)
        self._combo("kind").currentIndexChanged.connect(lambda _i: self._usual_times())

    def intro(self) -> str:
        return self.tr("班次的开始和结束时间默认按值班点的班次设置，可按需要修改（夜班结束于次日）。")

    def prepare(self) -> None:
        kinds = self.shift_set.shifts if self.shift_set else ()
        fill_combo(self._combo("kind"), [(f"{k.label}（{kind_hours(k)}）", k.key) for k in kinds])

    def _times(self, day: date | None, kind: str) -> tuple[datetime | None, datetime | None]:
        found = self.shift_set.kind(kind) if self.shift_set and day else None
        return found.times(day) if found and day else (None, None)

    def _usual_times(self) -> None:
        """A new day or kind: its usual start and end."""
        start, end = self._times(widget_value(self.widgets["day"]), str(widget_value(self.widgets["kind"]) or ""))
        for name, value in (("starts_at", start), ("ends_at", end)):
            widget = self.widgets[name]
            if value is not None and isinstance(widget, DateTimeField):
                widget.set_value(value)

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        def write(uow: UnitOfWork) -> Saved:
            return Saved(ts.add_shift(uow, data))

        return write


# ---- a person on a shift


ASSIGNMENT_LABELS = {**DutyAssignment.__field_labels__, "member_id": "选择人员"}


class AssignmentDialog(DutyForm):
    """安排人员 (a new person on the selected shift) or 调整 (the person's role, name, phone — or the
    shift, to move them within the period). ``people``: whom to offer (a team's members with their
    phones, or the people already on a duty room's roster)."""

    labels = ASSIGNMENT_LABELS
    required_fields = ("shift_id", "role", "name")
    data_class = ts.AssignmentData
    noun = "值班人员"
    fields_ = (
        Field("shift_id", lambda parent: QComboBox(parent)),
        Field("role", choice(lambda: [(label, key) for key, label in rules.duty_rules().roles.items()])),
        Field("member_id", lambda parent: PersonPicker(parent)),
        Field("name", line(32)),
        Field("phone", line(32, "手机或座机")),
    )

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *,
                 shifts: Sequence[ShiftChoice], people: Sequence[PersonChoice] = (), members: bool = False,
                 initial: dict[str, Any] | None = None, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        self._shifts = list(shifts)
        self._people = list(people)
        self._members = members
        self.labels = {**ASSIGNMENT_LABELS, "member_id": "本队队员" if members else "常用人员"}
        super().__init__(db, runner, record_id, actor=actor, initial=initial, parent=parent)
        if record_id is None:
            self.setWindowTitle(self.tr("安排值班人员"))
        if not self._people:
            self.hide_row("member_id")

    def intro(self) -> str:
        if self._members:
            return self.tr("选择班次和值班角色，再从本队队员中选人（姓名和电话随之填入），或直接填写。")
        if self._people:
            return self.tr("选择班次和值班角色，再从本值班点排过班的人员中选人（姓名和电话随之填入），或直接填写。")
        return self.tr("选择班次和值班角色，填写姓名和电话。")

    def prepare(self) -> None:
        fill_combo(self._combo("shift_id"), [(s.label, s.id) for s in self._shifts])
        picker = self.widgets["member_id"]
        assert isinstance(picker, PersonPicker)
        picker.set_people(self._people, self.tr("（直接填写姓名和电话）"))
        picker.sig_chosen.connect(self._chosen)

    def _chosen(self, found: PersonChoice) -> None:
        self._line("name").setText(found.person.name)
        self._line("phone").setText(found.person.phone)

    def fill(self, data: Any) -> None:
        super().fill(data)
        picker = self.widgets["member_id"]
        assert isinstance(picker, PersonPicker)
        if picker.chosen() is None and data.name:  # a duty room's person: the one of that name and phone
            picker.select_person(data.name, data.phone)

    def data(self) -> Any:
        out = super().data()
        picker = self.widgets["member_id"]
        assert isinstance(picker, PersonPicker)
        out.member_id = picker.member_id(out.name) if self._members else None
        return out

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ts.load_assignment(session, self.record_id)
        self.setWindowTitle(self.tr("调整值班人员 — {0}").format(data.name))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ts.assign(uow, data))
            assert version is not None
            return Saved(record_id, ts.update_assignment(uow, record_id, data, expected_version=version))

        return write


# ---- 换班


SWAP_LABELS = {**DutySwap.__field_labels__, "to_member_id": "选择替班人"}


class SwapDialog(DutyForm):
    """换班: hand the selected person's duty to another, with the reason (required, kept in the
    换班记录 and the audit trail)."""

    labels = SWAP_LABELS
    required_fields = ("to_name", "reason")
    data_class = ts.SwapData
    noun = "换班"
    fields_ = (
        Field("to_member_id", lambda parent: PersonPicker(parent)),
        Field("to_name", line(32)),
        Field("to_phone", line(32, "手机或座机")),
        Field("reason", text()),
    )

    def __init__(self, db: Database, runner: TaskRunner, assignment_id: int, *, who: str,
                 version: int | None = None, people: Sequence[PersonChoice] = (), members: bool = False,
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        """``version``: the assignment's version the page read (then nothing is read here)."""
        self._who = who
        self._version_read = version
        self._people = list(people)
        self._members = members
        super().__init__(db, runner, assignment_id, actor=actor, parent=parent)
        self.setWindowTitle(self.tr("换班"))
        if not self._people:
            self.hide_row("to_member_id")

    def intro(self) -> str:
        return self.tr("原值班人：{0}\n填写替班人和换班原因；换班会记入换班记录。").format(self._who)

    def prepare(self) -> None:
        picker = self.widgets["to_member_id"]
        assert isinstance(picker, PersonPicker)
        picker.set_people(self._people, self.tr("（直接填写替班人的姓名和电话）"))
        picker.sig_chosen.connect(self._chosen)
        self._text("reason").setPlaceholderText(self.tr("如：原值班人出差，经分管领导同意由替班人值班"))

    def _chosen(self, found: PersonChoice) -> None:
        self._line("to_name").setText(found.person.name)
        self._line("to_phone").setText(found.person.phone)

    def data(self) -> Any:
        out = super().data()
        picker = self.widgets["to_member_id"]
        assert isinstance(picker, PersonPicker)
        out.to_member_id = picker.member_id(out.to_name) if self._members else None
        return out

    def reload(self) -> None:
        if self._version_read is None:
            super().reload()
            return
        self.show_record(ts.SwapData(), self._version_read)
        self._version_read = None  # a later reload (after a conflict) reads the stored version

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        _data, version = ts.load_assignment(session, self.record_id)
        return ts.SwapData(), version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version
        assert record_id is not None and version is not None

        def write(uow: UnitOfWork) -> Saved:
            return Saved(record_id, ts.swap(uow, record_id, data, expected_version=version))

        return write


# ---- 交接班记录


HANDOVER_LABELS = dict(HandoverLog.__field_labels__)


class HandoverDialog(DutyForm):
    """交接班记录 of a shift: when, from whom to whom, the matters still open, notes."""

    labels = HANDOVER_LABELS
    required_fields = ("handed_at", "from_name", "to_name")
    data_class = ts.HandoverData
    noun = "交接班记录"
    fields_ = (
        Field("handed_at", datetime_field()),
        Field("from_name", line(32)),
        Field("to_name", line(32)),
        Field("open_matters", text()),
        Field("notes", text()),
    )

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *, shift_text: str,
                 initial: dict[str, Any] | None = None, actor: Actor | None = None,
                 parent: QWidget | None = None) -> None:
        self._shift_text = shift_text
        super().__init__(db, runner, record_id, actor=actor, initial=initial, parent=parent)
        if record_id is None:
            self.setWindowTitle(self.tr("登记交接班"))

    def intro(self) -> str:
        return self.tr("班次：{0}").format(self._shift_text)

    def prepare(self) -> None:
        self._text("open_matters").setPlaceholderText(self.tr("尚未办结、需接班人继续跟进的事项"))

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ts.load_handover(session, self.record_id)
        self.setWindowTitle(self.tr("编辑交接班记录"))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ts.record_handover(uow, data))
            assert version is not None
            return Saved(record_id, ts.update_handover(uow, record_id, data, expected_version=version))

        return write


# ---- 生成排班


NAME_ROLE = Qt.ItemDataRole.UserRole


class PeopleEditor(QWidget):
    """The people a rotation takes turns with, in order: name and phone typed (a duty room), or
    picked from the team's members (a team's point)."""

    def __init__(self, what: str, members: Sequence[PersonChoice], people: Sequence[rules.Person] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.members = list(members)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName(f"people_{what}")
        self.table.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("电话")])
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        self.table.itemChanged.connect(self._edited)
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.member_combo = QComboBox(self)
        self.add_member_button = QPushButton(self.tr("添加"), self)
        self.add_all_button = QPushButton(self.tr("全部添加"), self)
        if self.members:
            fill_combo(self.member_combo, [(m.label, n) for n, m in enumerate(self.members)],
                       first=(self.tr("选择本队队员…"), None))
            self.member_combo.setMinimumContentsLength(8)
            self.member_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            bar.addWidget(self.member_combo, 1)
            bar.addWidget(self.add_member_button)
            bar.addWidget(self.add_all_button)
        else:
            self.member_combo.hide()
            self.add_member_button.hide()
            self.add_all_button.hide()
        self.add_button = QPushButton(self.tr("添加一行"), self)
        self.remove_button = QPushButton(self.tr("删除"), self)
        self.up_button = QPushButton(self.tr("上移"), self)
        self.down_button = QPushButton(self.tr("下移"), self)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            bar.addWidget(button)
        if not self.members:
            bar.addStretch(1)
        layout.addLayout(bar)
        self.add_member_button.clicked.connect(self._add_member)
        self.add_all_button.clicked.connect(self._add_all)
        self.add_button.clicked.connect(self._add_blank)
        self.remove_button.clicked.connect(self._remove)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        for person in people:
            self.add(person)

    def add(self, person: rules.Person) -> None:
        """Append a person (a member's id is kept with the name)."""
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        name = QTableWidgetItem(person.name)
        name.setData(NAME_ROLE, person.member_id)
        self.table.setItem(row, 0, name)
        self.table.setItem(row, 1, QTableWidgetItem(person.phone))
        self.table.blockSignals(False)

    def people(self) -> list[rules.Person]:
        """The rows with a name, in order."""
        out = []
        for row in range(self.table.rowCount()):
            name, phone = self.table.item(row, 0), self.table.item(row, 1)
            text_ = name.text().strip() if name is not None else ""
            if not text_:
                continue
            member = name.data(NAME_ROLE) if name is not None else None
            out.append(rules.Person(text_, phone.text().strip() if phone is not None else "",
                                    member if isinstance(member, int) else None))
        return out

    def _edited(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            item.setData(NAME_ROLE, None)  # a name typed over: no longer the member picked

    def _add_member(self) -> None:
        n = self.member_combo.currentData()
        if isinstance(n, int):
            self._add_unique(self.members[n].person)

    def _add_all(self) -> None:
        for m in self.members:
            self._add_unique(m.person)

    def _add_unique(self, person: rules.Person) -> None:
        key = rules.person_key(person.name, person.phone)
        if any(rules.person_key(p.name, p.phone) == key for p in self.people()):
            return
        self.add(person)

    def _add_blank(self) -> None:
        self.add(rules.Person(""))
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _move(self, step: int) -> None:
        row = self.table.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        self.table.blockSignals(True)
        for column in range(2):
            a, b = self.table.takeItem(row, column), self.table.takeItem(other, column)
            self.table.setItem(row, column, b)
            self.table.setItem(other, column, a)
        self.table.blockSignals(False)
        self.table.setCurrentCell(other, 0)


def next_month(today: date) -> tuple[date, date]:
    """The calendar month after ``today``'s: its first and last day."""
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, after - timedelta(days=1)


GENERATE_LABELS = {"start": "开始日期", "end": "结束日期", "kinds": "班次", "leader_per": "带班方式",
                   "leaders": "带班领导", "staff": "值班员", "staff_per_shift": "每班值班员人数",
                   "replace": "覆盖已有排班"}


class GenerateDialog(QDialog):
    """生成排班: a period of the point filled from a rotation pattern (``generate_roster``), with the
    point's version the page read. ``sig_generated(result, start, end)`` once written."""

    sig_generated = Signal(object, object, object)  # GeneratedRoster, date, date
    sig_stale = Signal()
    """The roster was changed meanwhile (nothing written): the page reads it again (``set_point``)."""

    def __init__(self, db: Database, runner: TaskRunner, point: PointRow, *, today: date,
                 members: Sequence[PersonChoice] = (), leaders: Sequence[rules.Person] = (),
                 staff: Sequence[rules.Person] = (), period: tuple[date, date] | None = None,
                 actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._actor = actor or os_actor()
        self.point = point
        self.point_version = point.version
        self.write_op: WriteOp[ts.GeneratedRoster] | None = None
        self.setWindowTitle(self.tr("生成排班 — {0}").format(point.name))
        self.setStyleSheet(ERROR_STYLE)
        self.setSizeGripEnabled(True)
        shift_set = rules.duty_rules().shift_sets.get(point.shift_set)
        self.kinds_available = shift_set.shifts if shift_set else ()
        start, end = period or next_month(today)

        self.widgets: dict[str, QWidget] = {}
        self.start_field = DateField(self, value=start, clearable=False)
        self.end_field = DateField(self, value=end, clearable=False)
        self.kinds_box = QWidget(self)
        kinds_layout = QHBoxLayout(self.kinds_box)
        kinds_layout.setContentsMargins(0, 0, 0, 0)
        self.kind_checks: dict[str, QCheckBox] = {}
        for kind in self.kinds_available:
            box = QCheckBox(f"{kind.label}（{kind_hours(kind)}）", self.kinds_box)
            box.setChecked(True)
            self.kind_checks[kind.key] = box
            kinds_layout.addWidget(box)
        kinds_layout.addStretch(1)
        self.leader_per = QComboBox(self)
        fill_combo(self.leader_per, [(self.tr("按值班日轮换（一天一位带班领导）"), "day"),
                                     (self.tr("按班次轮换（每个班次换一位）"), "shift")])
        self.leaders = PeopleEditor("leaders", members, leaders, self)
        self.staff = PeopleEditor("staff", members, staff, self)
        self.staff_per_shift = QSpinBox(self)
        self.staff_per_shift.setRange(1, rules.duty_rules().max_people_per_shift)
        self.staff_per_shift.setValue(max(1, point.min_staff))
        self.staff_per_shift.setSuffix(self.tr(" 人"))
        self.replace_check = QCheckBox(self.tr("覆盖已有排班（原班次移入回收站）"), self)
        self.widgets.update({"start": self.start_field, "end": self.end_field, "kinds": self.kinds_box,
                             "leader_per": self.leader_per, "leaders": self.leaders, "staff": self.staff,
                             "staff_per_shift": self.staff_per_shift, "replace": self.replace_check})
        self.errors = FormErrors(self, self.widgets, tuple(self.widgets))

        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        rule = self.tr("须有带班领导") if point.leader_required else self.tr("不要求带班领导")
        intro = QLabel(self.tr("按轮换顺序为“{0}”排出所选期间的班次：带班领导和值班员按列表顺序轮流值班。"
                               "本值班点每班最少 {1} 名值班员，{2}。").format(point.name, point.min_staff, rule), self)
        intro.setWordWrap(True)
        intro.setObjectName("formIntro")
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        period_row = QWidget(self)
        period_layout = QHBoxLayout(period_row)
        period_layout.setContentsMargins(0, 0, 0, 0)
        period_layout.addWidget(self.errors.holder(period_row, "start"), 1)
        period_layout.addWidget(QLabel(self.tr("至"), period_row))
        period_layout.addWidget(self.errors.holder(period_row, "end"), 1)
        form.addRow(self.tr("期间 *"), period_row)
        for name in ("kinds", "leader_per", "leaders", "staff", "staff_per_shift", "replace"):
            label = GENERATE_LABELS[name] + (" *" if name in ("kinds",) else "")
            form.addRow(label if name != "replace" else "", self.errors.holder(self, name))
        layout.addLayout(form, 1)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("生成"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.generate)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(max(640, self.sizeHint().width()), max(620, self.sizeHint().height())))

    def set_point(self, point: PointRow) -> None:
        """The point as the page read it again (after a conflict): its version is what the next try expects."""
        if point.id == self.point.id:
            self.point = point
            self.point_version = point.version

    def pattern(self) -> rules.RotationPattern:
        kinds = tuple(k for k, box in self.kind_checks.items() if box.isChecked())
        return rules.RotationPattern(tuple(self.leaders.people()), tuple(self.staff.people()),
                                     self.staff_per_shift.value(), str(self.leader_per.currentData()), kinds)

    def check(self) -> list[FieldError]:
        """What the dialog sees before the service (nothing is written when there is any)."""
        problems = []
        if self.kind_checks and not any(box.isChecked() for box in self.kind_checks.values()):
            problems.append(FieldError("kinds", GENERATE_LABELS["kinds"], "请至少选择一个班次"))
        return problems

    @property
    def running(self) -> bool:
        return self.write_op is not None and self.write_op.running

    def generate(self) -> WriteOp[ts.GeneratedRoster] | None:
        """Write the period through the write flow (None when nothing was started)."""
        if self.running:
            return None
        problems = self.check()
        if problems:
            self.show_errors(problems)
            return None
        point_id, version, pattern = self.point.id, self.point_version, self.pattern()
        start, end = self.start_field.value(), self.end_field.value()
        assert start is not None and end is not None
        replace_existing = self.replace_check.isChecked()
        op: WriteOp[ts.GeneratedRoster] = WriteOp(
            self, self._runner, self._db, self._actor,
            lambda uow: ts.generate_roster(uow, point_id, start, end, pattern, replace_existing=replace_existing,
                                           expected_version=version),
            title=self.tr("无法生成排班"), failure=self.tr("生成排班失败"),
            disable=[*self.widgets.values(), self.save_button])
        op.success(lambda result: self._generated(result, start, end))
        op.invalid(lambda error: self.show_errors(error.errors))
        op.conflict(self._stale)
        op.refused(lambda error: self._refused(error, replace_existing))
        op.ended(lambda _outcome: self._ended())
        self.write_op = op
        self.save_button.setText(self.tr("正在生成…"))
        op.run()
        return op

    def _ended(self) -> None:
        if not self.running:  # (a retry that overwrites may be running already)
            self.save_button.setText(self.tr("生成"))

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        self.errors.show(errors, self.tr("请修正以下 {0} 处问题后再生成：").format(len(errors)))

    def _generated(self, result: ts.GeneratedRoster, start: date, end: date) -> None:
        self.errors.clear()
        self.sig_generated.emit(result, start, end)
        self.accept()

    def _stale(self, error: ConflictError) -> None:
        self.errors.show([], self.tr("{0}\n已重新读取该值班点的排班，请核对后再生成。").format(
            str(error).replace("保存被拒绝", "生成被拒绝")))
        self.sig_stale.emit()

    def _refused(self, error: DeskError, replace_existing: bool) -> None:
        if not replace_existing and isinstance(error, ts.RosterTakenError):
            if messages.confirm(self, self.tr("覆盖已有排班"),
                                self.tr("{0}\n\n要覆盖吗？原有班次及其人员将移入回收站。").format(error),
                                yes=self.tr("覆盖"), no=self.tr("取消")):
                self.replace_check.setChecked(True)
                self.write_op = None
                self.generate()
            return
        messages.warn(self, self.tr("无法生成排班"), str(error))

    def reject(self) -> None:
        if self.write_op is not None and self.write_op.running:
            self.write_op.cancel()
            return
        super().reject()

