"""检查行动 (安全生产大检查, 汛期专项检查 …) managed from the 隐患排查 page.

- ``RecordsDialog`` — a small dialog over a list of records read in the background through the runner
  (a short table, 新建 / 编辑 / 删除 / 刷新 below it). Edits open a form on the one form base
  (``desktop.kit.fields.FieldForm``) on top of it; deletes go through the write flow
  (``desktop.kit.writes.WriteOp``) with the version the list read, a refusal is the service's Chinese
  sentence. ``sig_changed`` tells the page something was stored (it reads its choices again).
  The 检查记录 dialog (``desktop.oversight.inspections``) is one too.
- ``CampaignsDialog`` — every live campaign (``queries.campaigns``): name, type, period, lead and
  participating departments, target industries, how many inspections and hazards.
- ``CampaignForm`` — 新建 / 编辑检查行动: name, type, period, lead department, participating departments
  and target industries (check boxes: ``ChoiceChecks``), notes. A refused save keeps what was typed and
  marks the fields the service names; a stale one opens the conflict dialog.

Deleting a campaign is refused by the service while inspections are recorded under it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.fields import ChoiceChecks, Field, FieldForm, choice, day, line, text
from desktop.kit.forms import RecordForm, Saved
from desktop.kit.pickers import ReferenceChoices, fill_combo
from desktop.kit.records import RecordsDialog, fixed_columns
from desktop.kit.tasks import TaskRunner
from models.core import reference
from models.core.database import Database
from models.core.reference import Choice
from models.core.uow import Actor, UnitOfWork
from models.oversight import queries as oq
from models.oversight import rules
from models.oversight import service as osv
from models.oversight.entities import InspectionCampaign


def _tr(text: str) -> str:
    return QCoreApplication.translate("CampaignsDialog", text)


def names(choices: Sequence[Choice], keys: Sequence[Any], *, by_code: bool = False, empty: str = "—") -> str:
    """The names of the chosen reference rows, in the list's order, joined with 、."""
    wanted = set(keys)
    found = [c.name for c in choices if (c.code if by_code else c.id) in wanted]
    return "、".join(found) if found else empty


@dataclass(frozen=True)
class CampaignListing:
    """What the 检查行动 dialog reads at once: the campaigns and the reference lists they name."""

    campaigns: list[oq.CampaignRow]
    choices: ReferenceChoices


def _campaign_kinds() -> list[tuple[str, str]]:
    return [(label, key) for key, label in rules.catalog().campaign_kinds.items()]


def _department_checks(parent: QWidget) -> QWidget:
    assert isinstance(parent, CampaignForm)
    return ChoiceChecks([(c.name, str(c.id)) for c in parent.choices.departments], parent, columns=4)


def _industry_checks(parent: QWidget) -> QWidget:
    assert isinstance(parent, CampaignForm)
    return ChoiceChecks([(c.name, c.code) for c in parent.choices.industries], parent, columns=4)


class CampaignForm(FieldForm):
    """新建 / 编辑检查行动. ``choices``: the departments and industries to offer (the dialog read them in
    the background; read here when not given)."""

    labels = InspectionCampaign.__field_labels__
    required_fields = ("name", "kind", "starts_on", "ends_on")
    data_class = osv.CampaignData
    noun = "检查行动"
    fields_ = (
        Field("name", line(128, "如：2027 年安全生产大检查")),
        Field("kind", choice(_campaign_kinds)),
        Field("starts_on", day(optional=False)),
        Field("ends_on", day(optional=False)),
        Field("lead_department_id", lambda parent: QComboBox(parent)),
        Field("department_ids", _department_checks),
        Field("industry_codes", _industry_checks),
        Field("notes", text()),
    )

    def __init__(self, db: Database, runner: TaskRunner, record_id: int | None = None, *,
                 choices: ReferenceChoices | None = None, actor: Actor | None = None,
                 initial: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        self.choices = choices or ReferenceChoices.load(db)
        super().__init__(db, runner, record_id, actor=actor, initial=initial, parent=parent)

    def _holder(self, name: str) -> QWidget:
        if name != "industry_codes":
            return super()._holder(name)
        hint = QLabel(self.tr("不选即面向全部行业。"), self)
        hint.setObjectName("formHint")
        return self.errors.holder(self, name, hint)

    def prepare(self) -> None:
        fill_combo(self._combo("lead_department_id"), [(c.name, c.id) for c in self.choices.departments],
                   first=(self.tr("未指定"), None))

    def fill(self, data: Any) -> None:
        super().fill(data)  # the department check boxes hold ids as text
        self.widgets["department_ids"].set_value(  # type: ignore[attr-defined]
            tuple(str(i) for i in data.department_ids))

    def data(self) -> Any:
        out = super().data()
        out.department_ids = tuple(int(k) for k in out.department_ids)
        return out

    def value_text(self, name: str, value: Any) -> str:
        if name == "department_ids":
            return names(self.choices.departments, value or (), empty="（空）")
        if name == "industry_codes":
            return names(self.choices.industries, value or (), by_code=True, empty=self.tr("全部行业"))
        return super().value_text(name, value)

    def read(self, session: Session) -> tuple[Any, int]:
        assert self.record_id is not None
        self.setWindowTitle(self.tr("编辑检查行动"))
        return osv.load_campaign(session, self.record_id)

    def command(self, data: Any) -> Callable[[UnitOfWork], Saved]:
        record_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if record_id is None:
                return Saved(osv.create_campaign(uow, data))
            assert version is not None
            return Saved(record_id, osv.update_campaign(uow, record_id, data, expected_version=version))

        return write


class CampaignsDialog(RecordsDialog[CampaignListing, oq.CampaignRow]):
    """检查行动: the campaigns with 新建 / 编辑 / 删除 (refused while inspections use one)."""

    HEADERS = ("行动名称", "行动类型", "检查期间", "牵头部门", "参与部门", "重点行业", "检查记录", "隐患")
    STRETCH = 5
    noun = "检查行动"

    def __init__(self, db: Database, runner: TaskRunner, *, actor: Actor | None = None, as_of: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, actor=actor, parent=parent)
        self.as_of = as_of
        self.setWindowTitle(self.tr("检查行动"))
        intro = QLabel(self.tr("安全生产大检查、汛期专项检查等检查行动：登记检查时可归入某一行动，隐患列表可按行动筛选。"
                               "已有检查记录的行动不能删除。"), self)
        intro.setWordWrap(True)
        self.top.addWidget(intro, 1)
        self.new_button.setText(self.tr("新建检查行动…"))
        fixed_columns(self.table, {0: 200, 4: 260})
        self.fit(1180, 520)
        self.load()

    def reader(self) -> Callable[[Session], CampaignListing]:
        def read(session: Session) -> CampaignListing:
            return CampaignListing(oq.campaigns(session), ReferenceChoices(
                industries=reference.industries(session), risk_levels=[], regions=[],
                departments=reference.departments(session)))

        return read

    def rows_of(self, listing: CampaignListing) -> list[oq.CampaignRow]:
        return listing.campaigns

    def cells(self, row: oq.CampaignRow) -> tuple[str, ...]:
        assert self.listing is not None
        choices = self.listing.choices
        return (row.name, row.kind_label, row.period_text, row.lead_department or "—",
                names(choices.departments, row.department_ids),
                names(choices.industries, row.industry_codes, by_code=True, empty=self.tr("全部行业")),
                str(row.inspections), str(row.hazards))

    def count_text(self, listing: CampaignListing) -> str:
        return self.tr("共 {0} 项检查行动").format(len(listing.campaigns))

    def make_form(self, row: oq.CampaignRow | None) -> RecordForm[Any]:
        choices = self.listing.choices if self.listing is not None else None
        initial = {"starts_on": self.as_of, "ends_on": self.as_of} if row is None and self.as_of else None
        return CampaignForm(self._db, self._runner, row.id if row is not None else None, choices=choices,
                            actor=self._actor, initial=initial, parent=self)

    def delete_texts(self, row: oq.CampaignRow) -> tuple[str, str, str]:
        return (self.tr("删除检查行动"),
                self.tr("确定删除检查行动“{0}”吗？删除后不能在窗口中恢复。").format(row.name),
                self.tr("已删除检查行动“{0}”。").format(row.name))

    def delete_work(self, row: oq.CampaignRow) -> Callable[[UnitOfWork], object]:
        campaign_id, version = row.id, row.version
        return lambda uow: osv.delete_campaign(uow, campaign_id, expected_version=version)


__all__ = ["CampaignForm", "CampaignsDialog", "RecordsDialog", "fixed_columns", "names"]
