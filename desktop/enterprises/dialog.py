"""新建 / 编辑企业: a form over a copy of the enterprise, saved through the write flow.

A ``RecordForm`` (``desktop.kit.forms``): the dialog loads ``EnterpriseData`` and the version it was
loaded at, edits that copy, and saves with ``enterprises.create`` or
``enterprises.update(…, expected_version=loaded_version)`` on the writer thread. A
``ValidationError`` keeps the dialog open with everything typed, marks each bad field and says why
next to it; a ``ConflictError`` (somebody saved in between) offers 重新载入 or 比较 — nothing is
ever overwritten silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.areas import BannerArea, FormArea
from desktop.kit.empty import EmptyState
from desktop.kit.forms import RecordForm, Saved, set_widget_value, widget_value
from desktop.kit.pickers import ReferenceChoices, fill_combo, tree_items
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from models.core.database import Database
from models.core.uow import Actor, UnitOfWork
from models.enterprises import rules as uscc
from models.enterprises import service as enterprises
from models.enterprises.entities import Enterprise, EnterpriseContact
from models.enterprises.rules import UnitFact, unit_facts
from models.enterprises.service import ContactData, EnterpriseData

LABELS = {**Enterprise.__field_labels__, "contacts": "联系人"}
CONTACT_LABELS = EnterpriseContact.__field_labels__
CONTACT_FIELDS = ("name", "role", "phone", "mobile", "notes")
MAX_PEOPLE = 1_000_000
CONTACT_ROWS_SHOWN = 6  # the contacts table shows at least this many rows, errors or not

_LINE_FIELDS = ("name", "uscc", "address", "principal", "principal_phone", "safety_manager",
                "safety_manager_phone")
_COMBO_FIELDS = ("industry_id", "risk_level_id", "region_id", "department_id")
_SPIN_FIELDS = ("employees", "on_shift_headcount")
_TEXT_FIELDS = ("major_hazard_sources", "notes")
# The unit facts the rules key on (中型及以上规模, 使用危险化学品达到规定数量): check boxes.
_FACTS: tuple[UnitFact, ...] = unit_facts()
_CHECK_FIELDS = tuple(fact.field for fact in _FACTS)
_FIELDS = (*_LINE_FIELDS, *_COMBO_FIELDS, *_SPIN_FIELDS, *_CHECK_FIELDS, *_TEXT_FIELDS)
# The order fields appear in on screen: the first bad one gets the focus.
FORM_ORDER = ("name", "uscc", "industry_id", "risk_level_id", "region_id", "department_id", "address",
              "principal", "principal_phone", "safety_manager", "safety_manager_phone", "employees",
              "on_shift_headcount", *_CHECK_FIELDS, "major_hazard_sources", "notes", "contacts")


class EnterpriseDialog(RecordForm[EnterpriseData]):
    """Create (``enterprise_id`` None) or edit one enterprise."""

    labels = LABELS
    order = FORM_ORDER
    required_fields = ("name", "uscc", *_COMBO_FIELDS)
    grow_for_errors = False  # the fields scroll (FormArea) and the banner scrolls past five lines

    def __init__(self, db: Database, runner: TaskRunner, enterprise_id: int | None = None, *,
                 actor: Actor | None = None, choices: ReferenceChoices | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=enterprise_id, actor=actor, parent=parent)
        self._choices = choices or ReferenceChoices.load(db)
        self.setObjectName("EnterpriseDialog")
        self._build()
        if enterprise_id is None:
            self.setWindowTitle(self.tr("新建企业"))
            self.show_record(EnterpriseData(), None)
        else:
            self.reload()
        hint = self.sizeHint()
        fit_to_screen(self, QSize(max(980, hint.width()), max(760, hint.height())))

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.error_banner = self.errors.banner
        # At most a few lines tall (the rest scrolls): a long list never squeezes the form or contacts.
        self.error_area = BannerArea(self.error_banner, self, max_lines=5)
        layout.addWidget(self.error_area)

        for name in _LINE_FIELDS:
            edit = QLineEdit(self)
            self.widgets[name] = edit
        name_edit = self._line("name")
        name_edit.setMaxLength(128)
        name_edit.setPlaceholderText(self.tr("营业执照上的全称"))
        code_edit = self._line("uscc")
        code_edit.setMaxLength(24)
        code_edit.setPlaceholderText(self.tr("18 位，如 91369902MA0000015Y"))
        code_edit.textChanged.connect(self._update_uscc_hint)
        self._line("address").setMaxLength(256)
        for name in ("principal", "safety_manager"):
            self._line(name).setMaxLength(32)
        for name in ("principal_phone", "safety_manager_phone"):
            self._line(name).setMaxLength(32)
            self._line(name).setPlaceholderText(self.tr("如 0539-8123456 或 13805391234"))

        for name in _COMBO_FIELDS:
            combo = QComboBox(self)
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.widgets[name] = combo
        please = (self.tr("请选择…"), None)
        fill_combo(self._combo("industry_id"), tree_items(self._choices.industries), first=please)
        fill_combo(self._combo("risk_level_id"), [(c.name, c.id) for c in self._choices.risk_levels],
                   first=please)
        fill_combo(self._combo("region_id"), tree_items(self._choices.regions), first=please)
        fill_combo(self._combo("department_id"), [(c.name, c.id) for c in self._choices.departments],
                   first=please)

        for name in _SPIN_FIELDS:
            spin = QSpinBox(self)
            spin.setRange(0, MAX_PEOPLE)
            spin.setSuffix(self.tr(" 人"))
            spin.setGroupSeparatorShown(True)
            self.widgets[name] = spin
        for name in _TEXT_FIELDS:
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setMinimumHeight(56)
            text.setMaximumHeight(96)
            self.widgets[name] = text
        self._text("major_hazard_sources").setPlaceholderText(self.tr("如：液氯储罐区（三级）；无则留空"))
        for fact in _FACTS:
            check = QCheckBox(fact.label, self)
            check.setToolTip(self.tr("{0}\n依据：{1}").format(fact.help, fact.source))
            self.widgets[fact.field] = check

        self.uscc_hint = QLabel(self)
        self.uscc_hint.setObjectName("usccHint")

        basic = QGroupBox(self.tr("基本信息"), self)
        basic_form = self._form(basic)
        for name in ("name", "uscc", "industry_id", "risk_level_id", "region_id", "department_id",
                     "address"):
            self._add_row(basic_form, name)
        people = QGroupBox(self.tr("负责人与人员"), self)
        people_form = self._form(people)
        for name in ("principal", "principal_phone", "safety_manager", "safety_manager_phone",
                     "employees", "on_shift_headcount"):
            self._add_row(people_form, name)
        # 单位情况: the facts the review and evaluation rules ask about (the check box says which)
        for i, name in enumerate(_CHECK_FIELDS):
            label = QLabel(self.tr("单位情况") if i == 0 else "", self)
            label.setBuddy(self.widgets[name])
            people_form.addRow(label, self._holder(name))
        other = QGroupBox(self.tr("重大危险源与备注"), self)
        other_form = QGridLayout(other)
        for column, name in enumerate(_TEXT_FIELDS):
            holder = self._holder(name)
            other_form.addWidget(QLabel(LABELS[name], other), 0, column)
            other_form.addWidget(holder, 1, column)

        fields = QWidget(self)  # scrolls when the messages under the fields need more room
        fields_layout = QVBoxLayout(fields)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(basic, 3)
        top.addWidget(people, 2)
        fields_layout.addLayout(top)
        fields_layout.addWidget(other)
        self.form_area = FormArea(fields, self)
        layout.addWidget(self.form_area)
        layout.addWidget(self._build_contacts(), 1)

        self.buttons = self.make_buttons()
        layout.addWidget(self.buttons)

    def _holder(self, name: str) -> QWidget:
        """The field widget with its hint (USCC) and its error message underneath."""
        return self.errors.holder(self, name, *((self.uscc_hint,) if name == "uscc" else ()))

    def _build_contacts(self) -> QGroupBox:
        box = QGroupBox(self.tr("联系人"), self)
        layout = QVBoxLayout(box)
        self.contacts = QTableWidget(0, len(CONTACT_FIELDS), box)
        self.contacts.setHorizontalHeaderLabels([CONTACT_LABELS[f] for f in CONTACT_FIELDS])
        self.contacts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contacts.verticalHeader().setVisible(False)
        header = self.contacts.horizontalHeader()
        for column, width in enumerate((110, 150, 140, 140)):
            self.contacts.setColumnWidth(column, width)
        header.setSectionResizeMode(len(CONTACT_FIELDS) - 1, QHeaderView.ResizeMode.Stretch)
        # The header and six rows at least (more than a table's size hint, so the layout gives the
        # fields above their room first), and all the height they leave: messages shown above the
        # table make the fields scroll, never the table shrink.
        self.contacts.setMinimumHeight(self.contacts.horizontalHeader().sizeHint().height()
                                       + CONTACT_ROWS_SHOWN * self.contacts.verticalHeader().defaultSectionSize()
                                       + 2 * self.contacts.frameWidth())
        self.contacts_empty = EmptyState(self.contacts, lambda: (
            self.tr("还没有联系人"), self.tr("点击下方“添加联系人”，填写企业的应急联系人。")))
        self.widgets["contacts"] = self.contacts
        layout.addWidget(self.contacts)
        self.contacts_error = self.errors.message_label(box, "contacts")
        layout.addWidget(self.contacts_error)
        row = QHBoxLayout()
        self.add_contact_button = QPushButton(self.tr("添加联系人"), box)
        self.remove_contact_button = QPushButton(self.tr("删除所选联系人"), box)
        self.add_contact_button.clicked.connect(self.add_contact)
        self.remove_contact_button.clicked.connect(self.remove_selected_contacts)
        self.inputs += [self.add_contact_button, self.remove_contact_button]
        row.addWidget(self.add_contact_button)
        row.addWidget(self.remove_contact_button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # --- data in and out ---------------------------------------------------------------------------

    @property
    def enterprise_id(self) -> int | None:
        return self.record_id

    def read(self, session: Session) -> tuple[EnterpriseData, int]:
        assert self.record_id is not None
        return enterprises.load(session, self.record_id)

    def show_record(self, data: EnterpriseData, version: int | None, *, keep_staged: bool = False) -> None:
        if self.record_id is not None:
            self.setWindowTitle(self.tr("编辑企业 — {0}").format(data.name))
        super().show_record(data, version, keep_staged=keep_staged)

    def fill(self, data: EnterpriseData) -> None:
        for name in _FIELDS:
            set_widget_value(self.widgets[name], getattr(data, name))
        self.contacts.setRowCount(0)
        for contact in data.contacts:
            self._append_contact(contact)
        self._update_uscc_hint()

    def data(self) -> EnterpriseData:
        """What the form holds now (not yet cleaned or validated); fields the form does not show
        keep their loaded values."""
        values = {name: widget_value(self.widgets[name]) for name in _FIELDS}
        return replace(self.loaded or EnterpriseData(), **values, contacts=self._contacts_data())

    def command(self, data: EnterpriseData) -> Callable[[UnitOfWork], Saved]:
        enterprise_id, version = self.record_id, self.version

        def write(uow: UnitOfWork) -> Saved:
            if enterprise_id is None:
                return Saved(enterprises.create(uow, data))
            assert version is not None
            return Saved(enterprise_id, enterprises.update(uow, enterprise_id, data, expected_version=version))

        return write

    def same(self, name: str, a: Any, b: Any) -> bool:
        if name == "contacts":
            return _contact_rows(a) == _contact_rows(b)
        if name == "uscc":
            return bool(uscc.normalize(a or "") == uscc.normalize(b or ""))
        return super().same(name, a, b)

    def value_text(self, name: str, value: Any) -> str:
        if name == "contacts":
            rows = _contact_rows(value)
            return "；".join("，".join(part for part in row if part) for row in rows) or super().value_text(name, "")
        return super().value_text(name, value)

    def _contacts_data(self) -> list[ContactData]:
        out = []
        for row in range(self.contacts.rowCount()):
            values = {}
            for column, name in enumerate(CONTACT_FIELDS):
                item = self.contacts.item(row, column)
                values[name] = item.text() if item is not None else ""
            first = self.contacts.item(row, 0)
            contact_id = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
            if contact_id is None and not any(v.strip() for v in values.values()):
                continue  # a row added and left empty
            out.append(ContactData(id=contact_id, **values))
        return out

    def _append_contact(self, contact: ContactData) -> int:
        row = self.contacts.rowCount()
        self.contacts.insertRow(row)
        for column, name in enumerate(CONTACT_FIELDS):
            item = QTableWidgetItem(getattr(contact, name))
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, contact.id)
            self.contacts.setItem(row, column, item)
        return row

    def add_contact(self) -> None:
        row = self._append_contact(ContactData())
        self.contacts.setCurrentCell(row, 0)
        self.contacts.editItem(self.contacts.item(row, 0))

    def remove_selected_contacts(self) -> None:
        rows = sorted({index.row() for index in self.contacts.selectedIndexes()}, reverse=True)
        if not rows and self.contacts.currentRow() >= 0:
            rows = [self.contacts.currentRow()]
        for row in rows:
            self.contacts.removeRow(row)

    def field_marked(self, name: str, marked: bool) -> None:
        if name == "uscc":
            self.uscc_hint.setVisible(not marked)  # the error says it already

    # --- USCC hint -------------------------------------------------------------------------------

    def _update_uscc_hint(self) -> None:
        code = uscc.normalize(self._line("uscc").text())
        if not code:
            text, colour = self.tr("18 位，字母不含 I、O、S、V、Z"), "#777777"
        else:
            problem = uscc.problem(code)
            if problem:
                text, colour = problem, "#B35C00"
            else:
                text, colour = self.tr("✓ 校验位正确"), "#2E7D32"
        self.uscc_hint.setText(text)
        self.uscc_hint.setStyleSheet(f"color: {colour};")


def _contact_rows(contacts: list[ContactData] | None) -> tuple[tuple[str, ...], ...]:
    """The contacts as the user sees them (ids aside), for comparing."""
    return tuple(tuple(getattr(c, f).strip() for f in CONTACT_FIELDS) for c in contacts or ())
