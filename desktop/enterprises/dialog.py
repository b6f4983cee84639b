"""新建 / 编辑企业: a form over a copy of the enterprise, saved through the write path.

The dialog loads ``EnterpriseData`` and the version it was loaded at, edits that copy, and saves
with ``enterprises.create`` or ``enterprises.update(…, expected_version=loaded_version)`` inside
one unit of work. A ``ValidationError`` keeps the dialog open with everything typed, marks each bad
field and says why next to it; a ``ConflictError`` (somebody saved in between) is shown, the input
is kept, and the user may reload the stored version — nothing is ever overwritten silently.
"""

from __future__ import annotations

from dataclasses import fields as dc_fields

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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

from desktop.kit import messages
from desktop.kit.areas import BannerArea, FormArea
from desktop.kit.empty import EmptyState
from desktop.kit.widgets import ERROR_STYLE, ReferenceChoices, fill_combo, set_error, tree_items, typed_widget
from desktop.kit.windows import fit_to_screen
from models.core.database import Database
from models.core.errors import ConflictError, DeskError, FieldError, ValidationError
from models.core.uow import Actor, os_actor, unit_of_work
from models.enterprises import rules as uscc
from models.enterprises import service as enterprises
from models.enterprises.entities import Enterprise, EnterpriseContact
from models.enterprises.service import ContactData, EnterpriseData

LABELS = Enterprise.__field_labels__
CONTACT_LABELS = EnterpriseContact.__field_labels__
CONTACT_FIELDS = ("name", "role", "phone", "mobile", "notes")
MAX_PEOPLE = 1_000_000
CONTACT_ROWS_SHOWN = 6  # the contacts table shows at least this many rows, errors or not

_LINE_FIELDS = ("name", "uscc", "address", "principal", "principal_phone", "safety_manager",
                "safety_manager_phone")
_COMBO_FIELDS = ("industry_id", "risk_level_id", "region_id", "department_id")
_SPIN_FIELDS = ("employees", "on_shift_headcount")
_TEXT_FIELDS = ("major_hazard_sources", "notes")
# The order fields appear in on screen: the first bad one gets the focus.
FORM_ORDER = ("name", "uscc", "industry_id", "risk_level_id", "region_id", "department_id", "address",
              "principal", "principal_phone", "safety_manager", "safety_manager_phone", "employees",
              "on_shift_headcount", "major_hazard_sources", "notes", "contacts")


class EnterpriseDialog(QDialog):
    """Create (``enterprise_id`` None) or edit one enterprise."""

    sig_saved = Signal(int)
    """The enterprise was saved; the argument is its id."""

    def __init__(self, db: Database, enterprise_id: int | None = None, *, actor: Actor | None = None,
                 choices: ReferenceChoices | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor or os_actor()
        self._id = enterprise_id
        self._version: int | None = None
        self._loaded = EnterpriseData()
        self._choices = choices or ReferenceChoices.load(db)
        self.saved_id: int | None = None
        self.widgets: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.setObjectName("EnterpriseDialog")
        self.setStyleSheet(ERROR_STYLE)
        self.setSizeGripEnabled(True)
        self._build()
        if enterprise_id is None:
            self.setWindowTitle(self.tr("新建企业"))
            self._fill(EnterpriseData())
        else:
            self.reload()
        self._watch_edits()
        hint = self.sizeHint()
        fit_to_screen(self, QSize(max(980, hint.width()), max(760, hint.height())))

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.error_banner = QLabel(self)
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.error_banner.setStyleSheet(
            "QLabel#errorBanner { background: #FDECEE; color: #9B1C2C; border: 1px solid #E8A3AC;"
            " border-radius: 3px; padding: 6px 8px; }")
        self.error_banner.hide()
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

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _form(self, box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return form

    def _holder(self, name: str) -> QWidget:
        """The field widget with its hint (USCC) and its error message underneath."""
        holder = QWidget(self)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.widgets[name])
        if name == "uscc":
            box.addWidget(self.uscc_hint)
        error = QLabel(holder)
        error.setObjectName(f"error_{name}")
        error.setStyleSheet("color: #C0152F;")
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        self.error_labels[name] = error
        return holder

    def _add_row(self, form: QFormLayout, name: str) -> None:
        required = name in ("name", "uscc", *_COMBO_FIELDS)
        holder = self._holder(name)
        label = QLabel(LABELS[name] + (" *" if required else ""), self)
        label.setBuddy(self.widgets[name])
        form.addRow(label, holder)

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
        self.contacts_error = QLabel(box)
        self.contacts_error.setObjectName("error_contacts")
        self.contacts_error.setStyleSheet("color: #C0152F;")
        self.contacts_error.setWordWrap(True)
        self.contacts_error.hide()
        self.error_labels["contacts"] = self.contacts_error
        layout.addWidget(self.contacts_error)
        row = QHBoxLayout()
        self.add_contact_button = QPushButton(self.tr("添加联系人"), box)
        self.remove_contact_button = QPushButton(self.tr("删除所选联系人"), box)
        self.add_contact_button.clicked.connect(self.add_contact)
        self.remove_contact_button.clicked.connect(self.remove_selected_contacts)
        row.addWidget(self.add_contact_button)
        row.addWidget(self.remove_contact_button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # --- typed access to the widgets ---------------------------------------------------------------

    def _line(self, name: str) -> QLineEdit:
        return typed_widget(self.widgets, name, QLineEdit)

    def _combo(self, name: str) -> QComboBox:
        return typed_widget(self.widgets, name, QComboBox)

    def _spin(self, name: str) -> QSpinBox:
        return typed_widget(self.widgets, name, QSpinBox)

    def _text(self, name: str) -> QPlainTextEdit:
        return typed_widget(self.widgets, name, QPlainTextEdit)

    # --- data in and out ---------------------------------------------------------------------------

    @property
    def enterprise_id(self) -> int | None:
        return self._id

    @property
    def loaded_version(self) -> int | None:
        return self._version

    def reload(self) -> None:
        """Load the stored enterprise (and its version) into the form, replacing the input."""
        assert self._id is not None
        with self._db.read() as session:
            data, version = enterprises.load(session, self._id)
        self._version = version
        self.setWindowTitle(self.tr("编辑企业 — {0}").format(data.name))
        self._fill(data)
        self._clear_errors()

    def _fill(self, data: EnterpriseData) -> None:
        self._loaded = data
        for name in _LINE_FIELDS:
            self._line(name).setText(getattr(data, name))
        for name in _COMBO_FIELDS:
            combo = self._combo(name)
            value = getattr(data, name)
            combo.setCurrentIndex(max(0, combo.findData(value)) if value is not None else 0)
        for name in _SPIN_FIELDS:
            self._spin(name).setValue(getattr(data, name))
        for name in _TEXT_FIELDS:
            self._text(name).setPlainText(getattr(data, name))
        self.contacts.setRowCount(0)
        for contact in data.contacts:
            self._append_contact(contact)
        self._update_uscc_hint()

    def data(self) -> EnterpriseData:
        """What the form holds now (not yet cleaned or validated)."""
        out = EnterpriseData()
        for name in _LINE_FIELDS:
            setattr(out, name, self._line(name).text())
        for name in _COMBO_FIELDS:
            setattr(out, name, self._combo(name).currentData())
        for name in _SPIN_FIELDS:
            setattr(out, name, self._spin(name).value())
        for name in _TEXT_FIELDS:
            setattr(out, name, self._text(name).toPlainText())
        out.contacts = self._contacts_data()
        return out

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

    def is_modified(self) -> bool:
        return _comparable(self.data()) != _comparable(self._loaded)

    def _watch_edits(self) -> None:
        """Editing a field clears its error mark (the list at the top stays until the next save)."""
        for name in _LINE_FIELDS:
            self._line(name).textEdited.connect(lambda _text, n=name: self._clear_field_error(n))
        for name in _COMBO_FIELDS:
            self._combo(name).activated.connect(lambda _index, n=name: self._clear_field_error(n))
        for name in _SPIN_FIELDS:
            self._spin(name).valueChanged.connect(lambda _value, n=name: self._clear_field_error(n))
        for name in _TEXT_FIELDS:
            self._text(name).textChanged.connect(lambda n=name: self._clear_field_error(n))
        self.contacts.itemChanged.connect(lambda _item: self._clear_field_error("contacts"))

    def _clear_field_error(self, name: str) -> None:
        set_error(self.widgets[name], False)
        label = self.error_labels.get(name)
        if label is not None and not label.isHidden():
            label.hide()
            label.clear()
        if name == "uscc":
            self.uscc_hint.show()

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

    # --- saving ------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save through the write path; True when saved (the dialog then closes)."""
        data = self.data()
        try:
            with unit_of_work(self._db, self._actor) as uow:
                if self._id is None:
                    saved_id = enterprises.create(uow, data)
                    version = None
                else:
                    assert self._version is not None
                    version = enterprises.update(uow, self._id, data, expected_version=self._version)
                    saved_id = self._id
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except ConflictError as exc:
            self._clear_errors()
            self._on_conflict(exc)
            return False
        except DeskError as exc:
            messages.warn(self, self.tr("无法保存"), str(exc))
            return False
        self._clear_errors()
        self._id = saved_id
        self._version = version
        self.saved_id = saved_id
        self._loaded = data
        self.sig_saved.emit(saved_id)
        self.accept()
        return True

    def _on_conflict(self, exc: ConflictError) -> None:
        choice = messages.choose(
            self, self.tr("保存被拒绝"), str(exc),
            [self.tr("继续编辑"), self.tr("重新载入")],
            self.tr("“继续编辑”保留您在此窗口中的输入（可先复制需要的内容）；"
                    "“重新载入”放弃您的修改，显示数据库中的最新内容。"),
        )
        if choice == 1:
            try:
                self.reload()
            except DeskError as err:
                messages.warn(self, self.tr("无法重新载入"), str(err))

    def show_errors(self, errors: list[FieldError]) -> None:
        """Mark each bad field, say why next to it and in the list at the top, focus the first."""
        self._clear_errors()
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        for name, texts in by_field.items():
            widget = self.widgets.get(name)
            label = self.error_labels.get(name)
            message = "；".join(texts)
            if widget is not None:
                set_error(widget, True, message)
            if label is not None:
                label.setText(message)
                label.show()
            if name == "uscc":
                self.uscc_hint.hide()  # the error says it already
        lines = [self.tr("请修正以下 {0} 处问题后再保存：").format(len(errors))]
        lines += [f"• {e.label}：{e.message}" for e in errors]
        self.error_banner.setText("\n".join(lines))
        self.error_banner.show()
        first = next((n for n in FORM_ORDER if n in by_field), None)
        if first is not None:
            self.widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(self.widgets[first], QLineEdit):
                self._line(first).selectAll()

    def _clear_errors(self) -> None:
        self.error_banner.hide()
        self.error_banner.clear()
        for name, widget in self.widgets.items():
            set_error(widget, False)
            label = self.error_labels.get(name)
            if label is not None:
                label.hide()
                label.clear()
        self.uscc_hint.show()

    def error_text(self, name: str) -> str:
        """The message shown next to field ``name`` ('' when it is fine)."""
        label = self.error_labels.get(name)
        return label.text() if label is not None and not label.isHidden() else ""

    # --- closing ------------------------------------------------------------------------------------

    def reject(self) -> None:
        """取消 / Esc / the close button: ask before throwing away unsaved input."""
        if self.is_modified() and not messages.confirm(
            self, self.tr("放弃修改"), self.tr("您修改的内容还没有保存，确定放弃吗？"),
            yes=self.tr("放弃修改"), no=self.tr("继续编辑"),
        ):
            return
        super().reject()


def _comparable(data: EnterpriseData) -> tuple[object, ...]:
    clean = data.cleaned()
    scalars = tuple(getattr(clean, f.name) for f in dc_fields(clean) if f.name != "contacts")
    contacts = tuple((c.id, c.name, c.role, c.phone, c.mobile, c.notes) for c in clean.contacts)
    return (*scalars, contacts)
