"""The teams record forms on the field-described form base (``desktop.kit.fields.FieldForm``): 救援队伍,
队员, 证书 and 培训演练记录. Each loads a plain copy and its version from ``models.teams.service``, saves
through the write flow with that version (a stale save opens the conflict dialog, never overwrites),
and marks the fields the service refuses, keeping what the user typed. The choices (team types,
specialties, positions, certificate types, results) are the module's reference data (``catalog.json``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget
from sqlalchemy.orm import Session

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit.fields import Field, FieldForm, checks, choice, day, decimal, line, number, text
from desktop.kit.forms import Saved, widget_value
from desktop.kit.pickers import EnterprisePicker, ReferenceChoices, fill_combo
from desktop.kit.tasks import TaskRunner
from models.core.database import Database
from models.core.uow import Actor, UnitOfWork
from models.teams import rules
from models.teams import service as ts
from models.teams.entities import MemberCertificate, RescueTeam, TeamMember, TrainingRecord


def _catalog_items(name: str) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(label, key) for key, label in getattr(rules.catalog(), name).items()]


def certificate_items() -> list[tuple[str, str]]:
    return [(t.label, key) for key, t in rules.catalog().certificate_types.items()]


TRAINING_LABELS = {**TrainingRecord.__field_labels__, "member_id": "队员（个人培训）"}


class TeamDialog(FieldForm):
    """救援队伍: name, type (协议 with its party and expiry), specialties, owner, region, base, leader,
    24-hour duty phone, 编制, turnout time and 备案. The enterprises served are kept as loaded."""

    labels = RescueTeam.__field_labels__
    required_fields = ("name", "kind", "duty_phone", "headcount")
    data_class = ts.TeamData
    noun = "救援队伍"
    fields_ = (
        Field("name", line(128, "如：城东区危化品应急救援队")),
        Field("kind", choice(_catalog_items("team_types"))),
        Field("specialties", checks(_catalog_items("specialties"))),
        Field("owner_enterprise_id", lambda parent: EnterprisePicker("政府或社会队伍（不属于企业）", parent)),
        Field("region_id", lambda parent: QComboBox(parent)),
        Field("base_address", line(256)),
        Field("leader", line(32)),
        Field("leader_phone", line(32)),
        Field("duty_phone", line(32, "24 小时有人接听的电话")),
        Field("headcount", number(9999, " 人", optional=False)),
        Field("turnout_minutes", number(1440, " 分钟")),
        Field("filed_on", day()),
        Field("filing_no", line(64)),
        Field("agreement_party", line(128, "与本队签订救援协议的单位")),
        Field("agreement_expires_on", day()),
        Field("notes", text()),
    )

    def prepare(self) -> None:
        choices = ReferenceChoices.load(self._db)
        region = self.widgets["region_id"]
        assert isinstance(region, QComboBox)
        fill_combo(region, [(r.name, r.id, max(0, r.level - 1)) for r in choices.regions],
                   first=(self.tr("未填写"), None))
        picker = self.widgets["owner_enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        self.enterprises: list[EnterpriseChoice] = load_enterprise_choices(self._db)
        picker.set_choices(self.enterprises)
        kind = self.widgets["kind"]
        assert isinstance(kind, QComboBox)
        kind.currentIndexChanged.connect(lambda _i: self._kind_shown())

    def _kind_shown(self) -> None:
        """The agreement's party and expiry belong to a 协议 team."""
        agreement = widget_value(self.widgets["kind"]) == "agreement"
        for name in ("agreement_party", "agreement_expires_on"):
            self.widgets[name].setEnabled(agreement)

    def fill(self, data: Any) -> None:
        super().fill(data)
        picker = self.widgets["owner_enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        picker.set_enterprise_id(data.owner_enterprise_id)
        self._kind_shown()

    def data(self) -> Any:
        out = super().data()
        picker = self.widgets["owner_enterprise_id"]
        assert isinstance(picker, EnterprisePicker)
        out.owner_enterprise_id = picker.enterprise_id()
        out.specialties = tuple(sorted(out.specialties or ()))  # as stored (the service sorts them)
        return out

    def same(self, name: str, a: Any, b: Any) -> bool:
        if name == "specialties":
            return set(a or ()) == set(b or ())
        return super().same(name, a, b)

    def value_text(self, name: str, value: Any) -> str:
        if name == "specialties":
            return "、".join(rules.catalog().specialty_labels(value or ())) or super().value_text(name, "")
        if name == "owner_enterprise_id":
            return next((e.name for e in self.enterprises if e.id == value), super().value_text(name, None))
        return super().value_text(name, value)

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ts.load_team(session, self.record_id)
        self.setWindowTitle(self.tr("编辑救援队伍 — {0}").format(data.name))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ts.create_team(uow, data))
            assert version is not None
            return Saved(record_id, ts.update_team(uow, record_id, data, expected_version=version))

        return write


class _OfTeam(FieldForm):
    """A form of a record that belongs to a team or a member, named in the title."""

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *, owner_text: str = "",
                 actor: Actor | None = None, initial: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        self.owner_text = owner_text
        super().__init__(db, runner, record_id, actor=actor, initial=initial, parent=parent)
        if record_id is None and owner_text:
            self.setWindowTitle(self.tr("新建{0} — {1}").format(self.noun, owner_text))

    def intro(self) -> str:
        return self.owner_text


class MemberDialog(_OfTeam):
    """队员: name, position, date of birth, phone, status (在岗/休假/离队), medical check, experience."""

    labels = TeamMember.__field_labels__
    required_fields = ("name", "position", "status")
    data_class = ts.MemberData
    noun = "队员"
    fields_ = (
        Field("name", line(32)),
        Field("position", choice(_catalog_items("positions"))),
        Field("status", choice(_catalog_items("member_statuses"))),
        Field("born_on", day()),
        Field("phone", line(32)),
        Field("medical_checked_on", day()),
        Field("experience_years", number(80, " 年")),
        Field("joined_on", day()),
        Field("notes", text()),
    )

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ts.load_member(session, self.record_id)
        self.setWindowTitle(self.tr("编辑队员 — {0}").format(data.name))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ts.create_member(uow, data))
            assert version is not None
            return Saved(record_id, ts.update_member(uow, record_id, data, expected_version=version))

        return write


class CertificateDialog(_OfTeam):
    """证书 of a member: type, number, issued, expiry (empty: no expiry), issuer. Renewing an expired
    certificate is editing its dates, or adding the new one."""

    labels = MemberCertificate.__field_labels__
    required_fields = ("cert_type",)
    data_class = ts.CertificateData
    noun = "证书"
    fields_ = (
        Field("cert_type", choice(certificate_items, first=("请选择证书类型…", ""))),
        Field("number", line(64)),
        Field("issued_on", day()),
        Field("expires_on", day()),
        Field("issuer", line(128)),
        Field("notes", text()),
    )

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ts.load_certificate(session, self.record_id)
        self.setWindowTitle(self.tr("编辑证书 — {0}").format(self.owner_text or rules.catalog().certificate_label(
            data.cert_type)))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ts.add_certificate(uow, data))
            assert version is not None
            return Saved(record_id, ts.update_certificate(uow, record_id, data, expected_version=version))

        return write


class TrainingDialog(_OfTeam):
    """培训训练 or 演练 of a team (or one member's own course): date, content, hours, participants, result."""

    labels = TRAINING_LABELS
    required_fields = ("held_on", "kind", "content")
    data_class = ts.TrainingData
    noun = "培训演练记录"
    fields_ = (
        Field("held_on", day(optional=False)),
        Field("kind", choice(_catalog_items("training_kinds"))),
        Field("content", line(256, "如：危化品泄漏处置实操训练")),
        Field("hours", decimal(999, " 学时")),
        Field("participants", number(9999, " 人")),
        Field("result", choice(lambda: [(r, r) for r in rules.catalog().training_results], first=("未填写", ""))),
        Field("member_id", lambda parent: QComboBox(parent)),
        Field("notes", text()),
    )

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *,
                 members: list[tuple[str, int]] | None = None, **kwargs: Any) -> None:
        self.members = members or []
        super().__init__(db, runner, record_id, **kwargs)

    def prepare(self) -> None:
        member = self.widgets["member_id"]
        assert isinstance(member, QComboBox)
        fill_combo(member, self.members, first=(self.tr("全队（集体培训训练）"), None))

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        data, version = ts.load_training(session, self.record_id)
        self.setWindowTitle(self.tr("编辑培训演练记录 — {0}").format(data.content))
        return data, version

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(ts.add_training(uow, data))
            assert version is not None
            return Saved(record_id, ts.update_training(uow, record_id, data, expected_version=version))

        return write
