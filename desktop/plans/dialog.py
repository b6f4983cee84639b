"""新建预案 / 编辑预案信息, and the pieces plan forms share.

``PlanDialog`` edits a copy of a plan's record (``PlanData``) and saves it through the write path:
a new plan with ``plans.plans.store.create_from_template`` (its kind's GB/T 29639 template, filled with
the enterprise's facts), an existing one with ``plan_service.update_plan(…, expected_version)``.
A ``ValidationError`` keeps the dialog open with everything typed, marks each bad field and says
why; a ``ConflictError`` keeps the input and offers to reload — the enterprise dialog's style.

Also here, for every plan form: ``DateField`` (a date picker with an explicit 未填写 state),
``EnterpriseCombo`` (a searchable enterprise chooser) and ``load_enterprise_choices``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from desktop.kit import messages
from desktop.kit.attachments import AttachmentList, Commands
from desktop.kit.widgets import ERROR_STYLE, fill_combo, set_error, typed_widget
from desktop.kit.windows import fit_to_screen
from models.core.database import Database
from models.core.entities import Industry
from models.core.errors import ConflictError, DeskError, FieldError, ValidationError
from models.core.uow import Actor, os_actor, unit_of_work
from models.enterprises.entities import Enterprise
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.entities import PLAN_KINDS, PLAN_STATUSES, Plan
from models.plans.queries import PlanFilter
from models.plans.rules import suggest_review_type
from models.plans.service import PlanData

LABELS = Plan.__field_labels__
NO_DATE = QDate(1900, 1, 1)
BANNER_STYLE = ("QLabel#errorBanner { background: #FDECEE; color: #9B1C2C; border: 1px solid #E8A3AC;"
                " border-radius: 3px; padding: 6px 8px; }")

# Template placeholders the enterprise record cannot fill, asked for when a plan is created.
TEMPLATE_FACTS: dict[str, tuple[str, ...]] = {
    "comprehensive": (),
    "special": ("事故类型",),
    "onsite": ("事故类型", "场所"),
    "card": ("场所", "岗位"),
}
FACT_HINTS = {"事故类型": "如：危险化学品泄漏、火灾", "场所": "如：液氯储罐区", "岗位": "如：中控室操作工"}


# --- shared pieces ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseChoice:
    """An enterprise as a plan form offers it: name, industry rule flags, principal."""

    id: int
    name: str
    flags: tuple[str, ...]
    principal: str


def load_enterprise_choices(db: Database) -> list[EnterpriseChoice]:
    """Every enterprise not in the recycle bin, by name (one short read)."""
    with db.read() as session:
        rows = session.execute(
            select(Enterprise.id, Enterprise.name, Industry.flags, Enterprise.principal)
            .join(Industry, Enterprise.industry_id == Industry.id)
            .where(Enterprise.deleted_at.is_(None)).order_by(Enterprise.name, Enterprise.id))
        return [EnterpriseChoice(r.id, r.name, tuple(r.flags or ()), r.principal) for r in rows]


class EnterpriseCombo(QComboBox):
    """An enterprise chooser one can type into: the popup completes on any part of the name."""

    sig_enterprise_changed = Signal(object)
    """The chosen enterprise changed; the argument is its id (None: 全部 / 请选择)."""

    def __init__(self, first: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._first = first
        self._choices: dict[int, EnterpriseChoice] = {}
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(12)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.addItem(first, None)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("输入企业名称的一部分"))
        line.editingFinished.connect(self._settle)
        self.currentIndexChanged.connect(lambda _i: self.sig_enterprise_changed.emit(self.enterprise_id()))

    def set_choices(self, choices: list[EnterpriseChoice]) -> None:
        self._choices = {c.id: c for c in choices}
        fill_combo(self, [(c.name, c.id) for c in choices], first=(self._first, None))

    def choice(self, enterprise_id: int | None = None) -> EnterpriseChoice | None:
        key = self.enterprise_id() if enterprise_id is None else enterprise_id
        return self._choices.get(key) if key is not None else None

    def enterprise_id(self) -> int | None:
        value = self.currentData()
        return value if isinstance(value, int) else None

    def set_enterprise_id(self, enterprise_id: int | None) -> None:
        index = self.findData(enterprise_id) if enterprise_id is not None else 0
        self.setCurrentIndex(max(index, 0))

    def _settle(self) -> None:
        """After typing: an exact name chooses it; anything else shows the current choice again."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchExactly) if text else 0
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(self.itemText(self.currentIndex()))


class DateField(QWidget):
    """A date picker with an explicit 未填写 state: the box on the left says whether a date is set."""

    sig_changed = Signal()
    """The value changed (ticked, cleared, or another date picked)."""

    def __init__(self, parent: QWidget | None = None, *, value: date | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.check = QCheckBox(self)
        self.check.setToolTip(self.tr("勾选后填写日期；不勾选表示未填写"))
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setSpecialValueText(self.tr("未填写"))
        self.edit.setMinimumWidth(118)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self._last: date | None = None
        self.check.toggled.connect(self._on_toggled)
        self.edit.dateChanged.connect(lambda _d: self.sig_changed.emit())
        self.set_value(value)

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        picked = self.edit.date()
        return None if picked == NO_DATE else picked.toPython()  # type: ignore[no-any-return]

    def set_value(self, value: date | None) -> None:
        if value is not None:
            self._last = value
        self.check.blockSignals(True)
        self.check.setChecked(value is not None)
        self.check.blockSignals(False)
        self.edit.setEnabled(value is not None)
        self.edit.setDate(QDate(value) if value is not None else NO_DATE)
        self.sig_changed.emit()

    def _on_toggled(self, on: bool) -> None:
        if on:
            self.edit.setEnabled(True)
            self.edit.setDate(QDate(self._last or date.today()))
            self.edit.setFocus()
        else:
            value = self.value()
            if value is not None:
                self._last = value
            self.edit.setDate(NO_DATE)
            self.edit.setEnabled(False)
        self.sig_changed.emit()


def mark(widget: QWidget, error: bool, message: str = "") -> None:
    """``set_error`` on the part of a field that draws a border."""
    set_error(widget.edit if isinstance(widget, DateField) else widget, error, message)


class FormErrors:
    """A red banner listing the problems plus a message under each bad field (shared by plan forms)."""

    def __init__(self, owner: QWidget, widgets: dict[str, QWidget], order: tuple[str, ...]) -> None:
        self.widgets = widgets
        self.order = order
        self.labels: dict[str, QLabel] = {}
        self.banner = QLabel(owner)
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()

    def holder(self, owner: QWidget, name: str) -> QWidget:
        """The field's widget with room for its error message underneath."""
        holder = QWidget(owner)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.widgets[name])
        label = QLabel(holder)
        label.setObjectName(f"error_{name}")
        label.setStyleSheet("color: #C0152F;")
        label.setWordWrap(True)
        label.hide()
        box.addWidget(label)
        self.labels[name] = label
        return holder

    def show(self, errors: list[FieldError], heading: str) -> None:
        self.clear()
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        for name, texts in by_field.items():
            message = "；".join(texts)
            widget = self.widgets.get(name)
            if widget is not None:
                mark(widget, True, message)
            label = self.labels.get(name)
            if label is not None:
                label.setText(message)
                label.show()
        self.banner.setText("\n".join([heading] + [f"• {e.label}：{e.message}" for e in errors]))
        self.banner.show()
        first = next((n for n in self.order if n in by_field and n in self.widgets), None)
        if first is not None:
            target = self.widgets[first]
            if isinstance(target, DateField):
                target = target.edit if target.check.isChecked() else target.check
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        self._grow()

    def _grow(self) -> None:
        """Make room for the banner and the messages (never squeeze the fields)."""
        window = self.banner.window()
        hint = window.sizeHint()
        if hint.height() > window.height() or hint.width() > window.width():  # (never past the screen)
            fit_to_screen(window, QSize(max(window.width(), hint.width()), max(window.height(), hint.height())))

    def clear(self) -> None:
        self.banner.hide()
        self.banner.clear()
        for name, widget in self.widgets.items():
            mark(widget, False)
            label = self.labels.get(name)
            if label is not None:
                label.hide()
                label.clear()

    def text(self, name: str) -> str:
        label = self.labels.get(name)
        return label.text() if label is not None and not label.isHidden() else ""


def kind_items() -> list[tuple[str, str]]:
    return [(label, key) for key, label in PLAN_KINDS.items()]


def status_items() -> list[tuple[str, str]]:
    return [(label, key) for key, label in PLAN_STATUSES.items()]


def comprehensive_plans(db: Database, enterprise_id: int, exclude: int | None = None) -> list[tuple[str, int]]:
    """(text, id) of the enterprise's 综合 plans, the parents a 专项/现场处置 plan may hang under."""
    with db.read() as session:
        rows = pq.page(session, PlanFilter(enterprise_id=enterprise_id, kind="comprehensive"), limit=200)
    return [(f"{r.plan_no} {r.title}", r.id) for r in rows if r.id != exclude]


# --- the record dialog -----------------------------------------------------------------------------

_LINE_FIELDS = ("plan_no", "title", "version_label", "compiling_unit", "compiled_by", "approver",
                "filing_number", "copy_no", "holder")
_DATE_FIELDS = ("review_date", "approval_date", "publish_date", "effective_date", "filing_submitted_date",
                "filing_registered_date", "last_evaluation_date")
_TEXT_FIELDS = ("reviewers", "notes")
FORM_ORDER = ("enterprise_id", "kind", "parent_plan_id", "plan_no", "title", "version_label",
              "compiling_unit", "compiled_by", "review_type", "review_date", "reviewers", "approver",
              "approval_date", "publish_date", "effective_date", "filing_submitted_date", "filing_number",
              "filing_registered_date", "last_evaluation_date", "controlled", "copy_no", "holder", "notes")
_MAX_LENGTHS = {"plan_no": 64, "title": 200, "version_label": 32, "compiling_unit": 128, "compiled_by": 64,
                "approver": 32, "filing_number": 64, "copy_no": 32, "holder": 64}


class PlanDialog(QDialog):
    """Create (``plan_id`` None) or edit the record of one plan."""

    sig_saved = Signal(int)
    """The plan was saved; the argument is its id."""

    def __init__(self, db: Database, plan_id: int | None = None, *, enterprise_id: int | None = None,
                 actor: Actor | None = None, enterprises: list[EnterpriseChoice] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor or os_actor()
        self._id = plan_id
        self._version: int | None = None
        self._status = "draft"
        self._enterprise_id = enterprise_id
        self._loaded = PlanData()
        self._review_type_touched = False
        self.saved_id: int | None = None
        self.widgets: dict[str, QWidget] = {}
        self.fact_edits: dict[str, QLineEdit] = {}
        self.setObjectName("PlanDialog")
        self.setStyleSheet(ERROR_STYLE)
        self.setSizeGripEnabled(True)
        self._build(enterprises if enterprises is not None else
                    (load_enterprise_choices(db) if plan_id is None else []))
        if plan_id is None:
            self.setWindowTitle(self.tr("新建预案"))
            self._fill(PlanData())
            self.enterprise_combo.set_enterprise_id(enterprise_id)
            self._on_enterprise_changed(self.enterprise_combo.enterprise_id())
            self._loaded = self.data()
        else:
            self.reload()
        fit_to_screen(self, QSize(max(940, self.sizeHint().width()), max(640, self.sizeHint().height())))

    # --- building ------------------------------------------------------------------------------------

    def _build(self, enterprises: list[EnterpriseChoice]) -> None:
        layout = QVBoxLayout(self)
        self.errors = FormErrors(self, self.widgets, FORM_ORDER)
        layout.addWidget(self.errors.banner)

        self.enterprise_combo = EnterpriseCombo(self.tr("请选择企业…"), self)
        self.enterprise_combo.set_choices(enterprises)
        self.enterprise_combo.sig_enterprise_changed.connect(self._on_enterprise_changed)
        self.widgets["enterprise_id"] = self.enterprise_combo
        self.enterprise_label = QLabel(self)
        self.enterprise_label.hide()  # shown instead of the combo when editing
        self.enterprise_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        kind = QComboBox(self)
        fill_combo(kind, kind_items())
        kind.currentIndexChanged.connect(self._on_kind_changed)
        self.widgets["kind"] = kind
        parent_combo = QComboBox(self)
        parent_combo.setMinimumContentsLength(16)
        parent_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.widgets["parent_plan_id"] = parent_combo
        for name in _LINE_FIELDS:
            edit = QLineEdit(self)
            edit.setMaxLength(_MAX_LENGTHS[name])
            self.widgets[name] = edit
        self._line("plan_no").setPlaceholderText(self.tr("本企业内唯一，如 YA-2026-01"))
        self._line("title").setPlaceholderText(self.tr("留空则按模板生成"))
        self._line("version_label").setPlaceholderText(self.tr("如 V1.0"))
        review = QComboBox(self)
        fill_combo(review, [(self.tr("（未定）"), ""), (self.tr("评审"), "评审"), (self.tr("论证"), "论证")])
        review.activated.connect(self._on_review_type_chosen)
        self.widgets["review_type"] = review
        self.review_hint = QLabel(self)
        self.review_hint.setObjectName("reviewHint")
        self.review_hint.setStyleSheet("color: #5A6570;")
        for name in _DATE_FIELDS:
            self.widgets[name] = DateField(self)
        for name in _TEXT_FIELDS:
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setMinimumHeight(48)
            text.setMaximumHeight(80)
            self.widgets[name] = text
        self._text("reviewers").setPlaceholderText(self.tr("评审专家姓名、单位，每行一位"))
        controlled = QComboBox(self)
        controlled.addItem(self.tr("受控"), True)
        controlled.addItem(self.tr("非受控"), False)
        self.widgets["controlled"] = controlled

        basic = QGroupBox(self.tr("基本信息"), self)
        form = self._form(basic)
        self.enterprise_row_label = QLabel(LABELS["enterprise_id"] + " *", self)
        form.addRow(self.enterprise_row_label, self._enterprise_holder())
        for name in ("kind", "parent_plan_id", "plan_no", "title", "version_label", "compiling_unit",
                     "compiled_by"):
            self._add_row(form, name, required=name in ("kind", "plan_no"))
        self.facts_box = QGroupBox(self.tr("模板中需要填写的内容"), self)
        facts_form = self._form(self.facts_box)
        for fact in ("事故类型", "场所", "岗位"):
            edit = QLineEdit(self.facts_box)
            edit.setPlaceholderText(FACT_HINTS[fact])
            self.fact_edits[fact] = edit
            facts_form.addRow(QLabel(fact, self.facts_box), edit)
        left = QVBoxLayout()
        left.addWidget(basic)
        left.addWidget(self.facts_box)
        left.addStretch(1)

        review_box = QGroupBox(self.tr("评审与发布"), self)
        form = self._form(review_box)
        self._add_row(form, "review_type")
        form.addRow("", self.review_hint)
        for name in ("review_date", "reviewers"):
            self._add_row(form, name)
        self.attachments = AttachmentList(self._db, ps.OWNER, "review_minutes",
                                          Commands(ps.add_attachment, ps.remove_attachment), self)
        form.addRow(QLabel(self.tr("评审纪要"), self), self.attachments)
        for name in ("approver", "approval_date", "publish_date", "effective_date"):
            self._add_row(form, name)
        filing_box = QGroupBox(self.tr("备案、评估与发放"), self)
        grid = QGridLayout(filing_box)
        pairs = (("filing_submitted_date", "filing_number"), ("filing_registered_date", "last_evaluation_date"),
                 ("controlled", "copy_no"), ("holder", None))
        for row, pair in enumerate(pairs):
            for col, name in enumerate(pair):
                if name is None:
                    continue
                label = QLabel(LABELS[name], filing_box)
                label.setBuddy(self.widgets[name])
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(label, row, col * 2)
                grid.addWidget(self.errors.holder(self, name), row, col * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        right = QVBoxLayout()
        right.addWidget(review_box)
        right.addWidget(filing_box)

        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addLayout(right, 1)
        layout.addLayout(top)
        notes = QGroupBox(LABELS["notes"], self)
        notes_layout = QVBoxLayout(notes)
        notes_layout.addWidget(self.errors.holder(self, "notes"))
        layout.addWidget(notes)

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _enterprise_holder(self) -> QWidget:
        holder = self.errors.holder(self, "enterprise_id")
        box = holder.layout()
        assert isinstance(box, QVBoxLayout)
        box.insertWidget(1, self.enterprise_label)
        return holder

    def _form(self, box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return form

    def _add_row(self, form: QFormLayout, name: str, *, required: bool = False) -> None:
        label = QLabel(LABELS[name] + (" *" if required else ""), self)
        label.setBuddy(self.widgets[name])
        form.addRow(label, self.errors.holder(self, name))

    # --- typed access ----------------------------------------------------------------------------------

    def _line(self, name: str) -> QLineEdit:
        return typed_widget(self.widgets, name, QLineEdit)

    def _combo(self, name: str) -> QComboBox:
        return typed_widget(self.widgets, name, QComboBox)

    def _date(self, name: str) -> DateField:
        return typed_widget(self.widgets, name, DateField)

    def _text(self, name: str) -> QPlainTextEdit:
        return typed_widget(self.widgets, name, QPlainTextEdit)

    # --- reacting to choices ---------------------------------------------------------------------------

    @property
    def plan_id(self) -> int | None:
        return self._id

    @property
    def loaded_version(self) -> int | None:
        return self._version

    @property
    def enterprise_id(self) -> int | None:
        return self.enterprise_combo.enterprise_id() if self._id is None else self._enterprise_id

    def _on_enterprise_changed(self, enterprise_id: int | None) -> None:
        self._fill_parents(enterprise_id)
        choice = self.enterprise_combo.choice(enterprise_id) if enterprise_id is not None else None
        if choice is None:
            self.review_hint.setText("")
            return
        suggested = suggest_review_type(choice.flags)
        self.review_hint.setText(self.tr("按行业建议：{0}").format(suggested))
        if self._id is None:
            if not self._review_type_touched:
                combo = self._combo("review_type")
                combo.setCurrentIndex(max(0, combo.findData(suggested)))
            for name, value in (("compiling_unit", choice.name), ("approver", choice.principal)):
                if not self._line(name).isModified():
                    self._line(name).setText(value)

    def _on_review_type_chosen(self, _index: int) -> None:
        self._review_type_touched = True

    def _fill_parents(self, enterprise_id: int | None) -> None:
        combo = self._combo("parent_plan_id")
        items = comprehensive_plans(self._db, enterprise_id, exclude=self._id) if enterprise_id else []
        fill_combo(combo, items, first=(self.tr("（无）"), None))
        self._on_kind_changed()

    def _on_kind_changed(self, _index: int = 0) -> None:
        kind = self._combo("kind").currentData()
        combo = self._combo("parent_plan_id")
        top = kind == "comprehensive"
        combo.setEnabled(not top and combo.count() > 1)
        if top:
            combo.setCurrentIndex(0)
        elif self._id is None and combo.currentIndex() == 0 and combo.count() == 2:
            combo.setCurrentIndex(1)  # the enterprise's only 综合 plan
        needed = TEMPLATE_FACTS.get(kind or "", ())
        self.facts_box.setVisible(self._id is None and bool(needed))
        form = self.facts_box.layout()
        assert isinstance(form, QFormLayout)
        for fact, edit in self.fact_edits.items():
            form.setRowVisible(edit, fact in needed)

    # --- data in and out ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the stored plan (and its version) into the form, replacing the input."""
        assert self._id is not None
        with self._db.read() as session:
            data, version, status, enterprise_id = ps.load(session, self._id)
            enterprise = session.get(Enterprise, enterprise_id)
            name = enterprise.name if enterprise is not None else ""
            flags = tuple(enterprise.industry.flags or ()) if enterprise is not None else ()
        self._version, self._status, self._enterprise_id = version, status, enterprise_id
        self.enterprise_combo.hide()
        self.enterprise_label.setText(name)
        self.enterprise_label.show()
        self.enterprise_row_label.setText(LABELS["enterprise_id"])
        self._combo("kind").setEnabled(False)
        self._combo("kind").setToolTip(self.tr("预案类型在新建时确定"))
        self.setWindowTitle(self.tr("编辑预案信息 — {0}（{1}）").format(data.title, PLAN_STATUSES[status]))
        self._fill_parents(enterprise_id)
        self.review_hint.setText(self.tr("按行业建议：{0}").format(suggest_review_type(flags)))
        self._fill(data)
        self.attachments.load(self._id)
        self.attachments.setEnabled(status != "retired")
        self.errors.clear()

    def _fill(self, data: PlanData) -> None:
        self._loaded = data
        kind = self._combo("kind")
        kind.setCurrentIndex(max(0, kind.findData(data.kind)))
        parent = self._combo("parent_plan_id")
        parent.setCurrentIndex(max(0, parent.findData(data.parent_plan_id)) if data.parent_plan_id else 0)
        for name in _LINE_FIELDS:
            self._line(name).setText(getattr(data, name))
            self._line(name).setModified(False)
        for name in _DATE_FIELDS:
            self._date(name).set_value(getattr(data, name))
        for name in _TEXT_FIELDS:
            self._text(name).setPlainText(getattr(data, name))
        review = self._combo("review_type")
        review.setCurrentIndex(max(0, review.findData(data.review_type)))
        controlled = self._combo("controlled")
        controlled.setCurrentIndex(0 if data.controlled else 1)
        self._on_kind_changed()

    def data(self) -> PlanData:
        """What the form holds now; fields the form does not show keep their loaded values."""
        out = PlanData(**{f.name: getattr(self._loaded, f.name) for f in fields(PlanData)})
        out.kind = self._combo("kind").currentData()
        parent = self._combo("parent_plan_id")
        out.parent_plan_id = parent.currentData() if parent.isEnabled() else None
        for name in _LINE_FIELDS:
            setattr(out, name, self._line(name).text())
        for name in _DATE_FIELDS:
            setattr(out, name, self._date(name).value())
        for name in _TEXT_FIELDS:
            setattr(out, name, self._text(name).toPlainText())
        out.review_type = self._combo("review_type").currentData()
        out.controlled = bool(self._combo("controlled").currentData())
        return out

    def facts(self) -> dict[str, str]:
        """Template placeholders typed for a new plan (only those its kind uses)."""
        needed = TEMPLATE_FACTS.get(self._combo("kind").currentData() or "", ())
        return {k: e.text().strip() for k, e in self.fact_edits.items() if k in needed and e.text().strip()}

    def is_modified(self) -> bool:
        return self.data() != self._loaded or bool(self.facts()) or self.attachments.has_changes()

    # --- saving ---------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save through the write path; True when saved (the dialog then closes)."""
        data = self.data()
        enterprise_id = self.enterprise_id
        if enterprise_id is None:
            self.show_errors([FieldError("enterprise_id", LABELS["enterprise_id"], "请选择企业")])
            return False
        try:
            with unit_of_work(self._db, self._actor) as uow:
                if self._id is None:
                    from plans.plans import store

                    saved_id = store.create_from_template(uow, enterprise_id, data, self.facts())
                    version = None
                else:
                    assert self._version is not None
                    version = ps.update(uow, self._id, data, expected_version=self._version)
                    saved_id = self._id
                self.attachments.apply(uow, saved_id)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except ConflictError as exc:
            self.errors.clear()
            self._on_conflict(exc)
            return False
        except DeskError as exc:
            messages.warn(self, self.tr("无法保存"), str(exc))
            return False
        self.errors.clear()
        self._id, self._version, self.saved_id, self._loaded = saved_id, version, saved_id, data
        self.sig_saved.emit(saved_id)
        self.accept()
        return True

    def _on_conflict(self, exc: ConflictError) -> None:
        choice = messages.choose(
            self, self.tr("保存被拒绝"), str(exc), [self.tr("继续编辑"), self.tr("重新载入")],
            self.tr("“继续编辑”保留您在此窗口中的输入（可先复制需要的内容）；"
                    "“重新载入”放弃您的修改，显示数据库中的最新内容。"))
        if choice == 1:
            try:
                self.reload()
            except DeskError as err:
                messages.warn(self, self.tr("无法重新载入"), str(err))

    def show_errors(self, errors: list[FieldError]) -> None:
        self.errors.show(errors, self.tr("请修正以下 {0} 处问题后再保存：").format(len(errors)))

    def error_text(self, name: str) -> str:
        return self.errors.text(name)

    def reject(self) -> None:
        if self.is_modified() and not messages.confirm(
            self, self.tr("放弃修改"), self.tr("您修改的内容还没有保存，确定放弃吗？"),
            yes=self.tr("放弃修改"), no=self.tr("继续编辑"),
        ):
            return
        super().reject()


# --- Word import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordImportRequest:
    """What the import form asks for: the file, the enterprise, and the new plan's record."""

    path: Path
    enterprise_id: int
    data: PlanData


class WordImportDialog(QDialog):
    """从 Word 导入: choose a .docx and say whose plan it is and which kind; the page imports it."""

    sig_submitted = Signal(object)
    """The form is complete; the argument is a ``WordImportRequest``."""

    def __init__(self, enterprises: list[EnterpriseChoice], *, enterprise_id: int | None = None,
                 path: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("从 Word 导入预案"))
        self.setObjectName("WordImportDialog")
        self.setStyleSheet(ERROR_STYLE)
        self.widgets: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        self.errors = FormErrors(self, self.widgets, ("path", "enterprise_id", "kind", "plan_no", "title"))
        layout.addWidget(self.errors.banner)
        intro = QLabel(self.tr("把现有的 Word 预案（.docx）导入为新的草稿：按标题样式或“第一章、一、（一）、1.1”"
                               "等编号识别章节，段落、列表、表格和图片随章节导入；无法对应的内容会在导入后列出。"),
                       self)
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #5A6570;")
        layout.addWidget(intro)
        self.path_edit = QLineEdit(path, self)
        self.path_edit.setPlaceholderText(self.tr("选择 .docx 文件"))
        self.widgets["path"] = self.path_edit
        self.browse_button = QPushButton(self.tr("浏览…"), self)
        self.browse_button.clicked.connect(self.browse)
        self.enterprise_combo = EnterpriseCombo(self.tr("请选择企业…"), self)
        self.enterprise_combo.set_choices(enterprises)
        self.enterprise_combo.set_enterprise_id(enterprise_id)
        self.widgets["enterprise_id"] = self.enterprise_combo
        self.kind_combo = QComboBox(self)
        fill_combo(self.kind_combo, kind_items())
        self.widgets["kind"] = self.kind_combo
        self.plan_no_edit = QLineEdit(self)
        self.plan_no_edit.setMaxLength(64)
        self.plan_no_edit.setPlaceholderText(self.tr("本企业内唯一"))
        self.widgets["plan_no"] = self.plan_no_edit
        self.title_edit = QLineEdit(self)
        self.title_edit.setMaxLength(200)
        self.title_edit.setPlaceholderText(self.tr("留空则取 Word 文档的标题"))
        self.widgets["title"] = self.title_edit
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        file_row = QWidget(self)
        file_layout = QHBoxLayout(file_row)
        file_layout.setContentsMargins(0, 0, 0, 0)
        file_layout.addWidget(self.errors.holder(self, "path"), 1)
        file_layout.addWidget(self.browse_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(self.tr("Word 文件 *"), file_row)
        form.addRow(LABELS["enterprise_id"] + " *", self.errors.holder(self, "enterprise_id"))
        form.addRow(LABELS["kind"] + " *", self.errors.holder(self, "kind"))
        form.addRow(LABELS["plan_no"] + " *", self.errors.holder(self, "plan_no"))
        form.addRow(LABELS["title"], self.errors.holder(self, "title"))
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(620, self.sizeHint().height())

    def browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("选择 Word 预案"), start,
                                                self.tr("Word 文档 (*.docx)"))
        if chosen:
            self.path_edit.setText(chosen)

    def request(self) -> WordImportRequest | None:
        """The form as a request, or None after marking what is missing."""
        problems: list[FieldError] = []
        path = Path(self.path_edit.text().strip())
        if not self.path_edit.text().strip():
            problems.append(FieldError("path", self.tr("Word 文件"), self.tr("请选择要导入的 .docx 文件")))
        elif not path.is_file():
            problems.append(FieldError("path", self.tr("Word 文件"), self.tr("找不到这个文件")))
        enterprise_id = self.enterprise_combo.enterprise_id()
        if enterprise_id is None:
            problems.append(FieldError("enterprise_id", LABELS["enterprise_id"], self.tr("请选择企业")))
        if not self.plan_no_edit.text().strip():
            problems.append(FieldError("plan_no", LABELS["plan_no"], self.tr("不能为空")))
        if problems:
            self.show_errors(problems)
            return None
        assert enterprise_id is not None
        choice = self.enterprise_combo.choice(enterprise_id)
        data = PlanData(kind=self.kind_combo.currentData(), plan_no=self.plan_no_edit.text().strip(),
                        title=self.title_edit.text().strip(),
                        compiling_unit=choice.name if choice else "",
                        approver=choice.principal if choice else "",
                        review_type=suggest_review_type(choice.flags) if choice else "")
        return WordImportRequest(path, enterprise_id, data)

    def fill(self, request: WordImportRequest) -> None:
        self.path_edit.setText(str(request.path))
        self.enterprise_combo.set_enterprise_id(request.enterprise_id)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(request.data.kind)))
        self.plan_no_edit.setText(request.data.plan_no)
        self.title_edit.setText(request.data.title)

    def submit(self) -> bool:
        request = self.request()
        if request is None:
            return False
        self.errors.clear()
        self.sig_submitted.emit(request)
        self.accept()
        return True

    def show_errors(self, errors: list[FieldError]) -> None:
        self.errors.show(errors, self.tr("请修正以下 {0} 处问题后再导入：").format(len(errors)))


class ImportReportDialog(QDialog):
    """After a Word import: what came in (the importer's summary) and what could not be mapped."""

    sig_open_editor = Signal(int)
    """The user wants to edit the imported plan; the argument is its id."""

    def __init__(self, plan_id: int, title: str, report: list[str], *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan_id = plan_id
        self.notes = list(report[1:])
        self.setWindowTitle(self.tr("导入报告"))
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        lines = [self.tr("已将“{0}”导入为草稿。").format(title)]
        if report:
            lines.append(report[0])
        if self.notes:
            lines.append(self.tr("以下 {0} 项内容未能原样导入，请在编辑器中核对：").format(len(self.notes)))
        else:
            lines.append(self.tr("Word 文档中的全部段落和表格都已导入。"))
        self.summary.setText("\n".join(lines))
        layout.addWidget(self.summary)
        self.report_list = QListWidget(self)
        self.report_list.setObjectName("importNotes")
        self.report_list.setWordWrap(True)
        self.report_list.addItems(self.notes)
        self.report_list.setVisible(bool(self.notes))
        layout.addWidget(self.report_list, 1)
        buttons = QDialogButtonBox(self)
        self.edit_button = buttons.addButton(self.tr("编辑内容"), QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        self.edit_button.clicked.connect(self._open_editor)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420 if self.notes else self.sizeHint().height())

    def _open_editor(self) -> None:
        self.accept()
        self.sig_open_editor.emit(self.plan_id)
