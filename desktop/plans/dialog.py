"""新建预案 / 编辑预案信息, the Word import form, and the plan choices forms share.

``PlanDialog`` is a ``RecordForm`` (``desktop.kit.forms``) over a copy of a plan's record
(``PlanData``), saved through the write flow on the writer thread: a new plan with
``plans.plans.store.create_from_template`` (its kind's GB/T 29639 template, filled with the
enterprise's facts), an existing one with ``plan_service.update(…, expected_version)``; the staged
评审纪要 files are written in the same unit of work. A ``ValidationError`` keeps the dialog open
with everything typed, marks each bad field and says why; a ``ConflictError`` offers 重新载入 or
比较 — the form base's way, as in every record dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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
from sqlalchemy.orm import Session

from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit.attachments import AttachmentList, Commands
from desktop.kit.dates import DateField
from desktop.kit.forms import (
    ERROR_STYLE,
    FormErrors,
    RecordForm,
    Saved,
    set_widget_value,
    widget_value,
)
from desktop.kit.pickers import EnterprisePicker, fill_combo
from desktop.kit.tasks import TaskRunner
from desktop.kit.windows import fit_to_screen
from models.core.database import Database
from models.core.errors import FieldError
from models.core.uow import Actor, UnitOfWork
from models.enterprises.entities import Enterprise
from models.plans import queries as pq
from models.plans import service as ps
from models.plans.entities import PLAN_KINDS, PLAN_STATUSES, Plan
from models.plans.queries import PlanFilter
from models.plans.rules import suggest_review_type
from models.plans.service import PlanData

LABELS = Plan.__field_labels__

# Template placeholders the enterprise record cannot fill, asked for when a plan is created.
TEMPLATE_FACTS: dict[str, tuple[str, ...]] = {
    "comprehensive": (),
    "special": ("事故类型",),
    "onsite": ("事故类型", "场所"),
    "card": ("场所", "岗位"),
}
FACT_HINTS = {"事故类型": "如：危险化学品泄漏、火灾", "场所": "如：液氯储罐区", "岗位": "如：中控室操作工"}


# --- choices plan forms share ----------------------------------------------------------------------


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


class PlanDialog(RecordForm[PlanData]):
    """Create (``plan_id`` None) or edit the record of one plan."""

    labels = LABELS
    order = FORM_ORDER
    required_fields = ("kind", "plan_no")

    def __init__(self, db: Database, runner: TaskRunner, plan_id: int | None = None, *,
                 enterprise_id: int | None = None, actor: Actor | None = None,
                 enterprises: list[EnterpriseChoice] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, record_id=plan_id, actor=actor, parent=parent)
        self._status = "draft"
        self._enterprise_id = enterprise_id
        self._stored: tuple[str, int, str, tuple[str, ...]] | None = None
        self._review_type_touched = False
        self.fact_edits: dict[str, QLineEdit] = {}
        self.setObjectName("PlanDialog")
        self._build(enterprises if enterprises is not None else
                    (load_enterprise_choices(db) if plan_id is None else []))
        if plan_id is None:
            self.setWindowTitle(self.tr("新建预案"))
            self.show_record(PlanData(), None)
            self.enterprise_combo.set_enterprise_id(enterprise_id)
            self._on_enterprise_changed(self.enterprise_combo.enterprise_id())
            self.loaded = self.data()
        else:
            self.reload()
        fit_to_screen(self, QSize(max(940, self.sizeHint().width()), max(640, self.sizeHint().height())))

    # --- building ------------------------------------------------------------------------------------

    def _build(self, enterprises: list[EnterpriseChoice]) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)

        self.enterprise_combo: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("请选择企业…"), self)
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
            self._add_row(form, name)
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
        self.inputs.append(self.attachments)
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

        self.buttons = self.make_buttons()
        layout.addWidget(self.buttons)

    def _enterprise_holder(self) -> QWidget:
        holder = self.errors.holder(self, "enterprise_id")
        box = holder.layout()
        assert isinstance(box, QVBoxLayout)
        box.insertWidget(1, self.enterprise_label)
        return holder

    # --- reacting to choices ---------------------------------------------------------------------------

    @property
    def plan_id(self) -> int | None:
        return self.record_id

    @property
    def enterprise_id(self) -> int | None:
        return self.enterprise_combo.enterprise_id() if self.record_id is None else self._enterprise_id

    def _on_enterprise_changed(self, enterprise_id: int | None) -> None:
        self._fill_parents(enterprise_id)
        choice = self.enterprise_combo.choice(enterprise_id) if enterprise_id is not None else None
        if choice is None:
            self.review_hint.setText("")
            return
        suggested = suggest_review_type(choice.flags)
        self.review_hint.setText(self.tr("按行业建议：{0}").format(suggested))
        if self.record_id is None:
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
        items = comprehensive_plans(self._db, enterprise_id, exclude=self.record_id) if enterprise_id else []
        fill_combo(combo, items, first=(self.tr("（无）"), None))
        self._on_kind_changed()

    def _on_kind_changed(self, _index: int = 0) -> None:
        kind = self._combo("kind").currentData()
        combo = self._combo("parent_plan_id")
        top = kind == "comprehensive"
        combo.setEnabled(not top and combo.count() > 1)
        if top:
            combo.setCurrentIndex(0)
        elif self.record_id is None and combo.currentIndex() == 0 and combo.count() == 2:
            combo.setCurrentIndex(1)  # the enterprise's only 综合 plan
        needed = TEMPLATE_FACTS.get(kind or "", ())
        self.facts_box.setVisible(self.record_id is None and bool(needed))
        form = self.facts_box.layout()
        assert isinstance(form, QFormLayout)
        for fact, edit in self.fact_edits.items():
            form.setRowVisible(edit, fact in needed)

    # --- data in and out ------------------------------------------------------------------------------

    def read(self, session: Session) -> tuple[PlanData, int]:
        assert self.record_id is not None
        data, version, status, enterprise_id = ps.load(session, self.record_id)
        enterprise = session.get(Enterprise, enterprise_id)
        name = enterprise.name if enterprise is not None else ""
        flags = tuple(enterprise.industry.flags or ()) if enterprise is not None else ()
        self._stored = (status, enterprise_id, name, flags)
        return data, version

    def show_record(self, data: PlanData, version: int | None, *, keep_staged: bool = False) -> None:
        if self._stored is not None:
            status, enterprise_id, name, flags = self._stored
            self._status, self._enterprise_id = status, enterprise_id
            self.enterprise_combo.hide()
            self.enterprise_label.setText(name)
            self.enterprise_label.show()
            self.enterprise_row_label.setText(LABELS["enterprise_id"])
            self._combo("kind").setEnabled(False)
            self._combo("kind").setToolTip(self.tr("预案类型在新建时确定"))
            self.setWindowTitle(self.tr("编辑预案信息 — {0}（{1}）").format(data.title, PLAN_STATUSES[status]))
            self._fill_parents(enterprise_id)
            self.review_hint.setText(self.tr("按行业建议：{0}").format(suggest_review_type(flags)))
        super().show_record(data, version, keep_staged=keep_staged)
        if self.record_id is not None:
            self.attachments.load(self.record_id, keep_staged=keep_staged)
            self.attachments.setEnabled(self._status != "retired")

    def fill(self, data: PlanData) -> None:
        for name in ("kind", "parent_plan_id", *_LINE_FIELDS, *_DATE_FIELDS, *_TEXT_FIELDS, "review_type",
                     "controlled"):
            set_widget_value(self.widgets[name], getattr(data, name))
        self._on_kind_changed()

    def data(self) -> PlanData:
        """What the form holds now; fields the form does not show keep their loaded values."""
        out = PlanData(**{f.name: getattr(self.loaded or PlanData(), f.name) for f in fields(PlanData)})
        for name in ("kind", *_LINE_FIELDS, *_DATE_FIELDS, *_TEXT_FIELDS, "review_type"):
            setattr(out, name, widget_value(self.widgets[name]))
        parent = self._combo("parent_plan_id")
        out.parent_plan_id = parent.currentData() if parent.isEnabled() else None
        out.controlled = bool(self._combo("controlled").currentData())
        return out

    def facts(self) -> dict[str, str]:
        """Template placeholders typed for a new plan (only those its kind uses)."""
        needed = TEMPLATE_FACTS.get(self._combo("kind").currentData() or "", ())
        return {k: e.text().strip() for k, e in self.fact_edits.items() if k in needed and e.text().strip()}

    def is_modified(self) -> bool:
        return self.data() != self.loaded or bool(self.facts()) or self.attachments.has_changes()

    def compared_fields(self) -> list[str]:
        return [n for n in super().compared_fields() if n != "enterprise_id"]

    # --- saving ---------------------------------------------------------------------------------------

    def check(self, data: PlanData) -> list[FieldError]:
        if self.enterprise_id is None:
            return [FieldError("enterprise_id", LABELS["enterprise_id"], self.tr("请选择企业"))]
        return []

    def command(self, data: PlanData) -> Callable[[UnitOfWork], Saved]:
        plan_id, version, enterprise_id = self.record_id, self.version, self.enterprise_id
        facts, files = self.facts(), self.attachments.staged()
        assert enterprise_id is not None

        def write(uow: UnitOfWork) -> Saved:
            if plan_id is None:
                from plans.plans import store

                new_id = store.create_from_template(uow, enterprise_id, data, facts)
                files.apply(uow, new_id)
                return Saved(new_id)
            assert version is not None
            new_version = ps.update(uow, plan_id, data, expected_version=version)
            files.apply(uow, plan_id)
            return Saved(plan_id, new_version)

        return write


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
        self.enterprise_combo: EnterprisePicker[EnterpriseChoice] = EnterprisePicker(self.tr("请选择企业…"), self)
        self.enterprise_combo.set_choices(enterprises)
        self.enterprise_combo.set_enterprise_id(enterprise_id)
        self.widgets["enterprise_id"] = self.enterprise_combo
        self.kind_combo = QComboBox(self)
        fill_combo(self.kind_combo, kind_items())
        self.widgets["kind"] = self.kind_combo
        self.plan_no_edit = QLineEdit(self)
        self.plan_no_edit.setMaxLength(64)
        self.plan_no_edit.setPlaceholderText(self.tr("留空则取封面上的预案编号；本企业内唯一"))
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
        form.addRow(LABELS["plan_no"], self.errors.holder(self, "plan_no"))
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
