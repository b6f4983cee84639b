"""演练 page: the drills with search and filters (status, department, region, industry), SQL-side
sorting, the recycle bin, new/edit, the lifecycle steps (准备, 记录实施, 转入评估, 完成, 取消,
改期 with a reason) through the write flow — a ``ListPage`` (``desktop.kit.list_page``) — and, in a
second tab, every enterprise's frequency obligations (``models.drills.queries.obligations``),
overdue first, read in the background."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QBrush, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.drills.calendar import CalendarView
from desktop.drills.dialog import DrillDialog, FindingDialog, StepDialog, YearPlanDialog
from desktop.drills.documents import DossierExport, DrillDocumentsDialog
from desktop.drills.overview import OverviewDialog
from desktop.drills.scoring import FileSheetDialog, ScoreSheetDialog, open_sheet
from desktop.drills.table import OVERDUE, DrillTableModel, ObligationModel
from desktop.enterprises.choices import EnterpriseChoice, load_enterprise_choices
from desktop.kit import messages
from desktop.kit.exporting import Write, export_report
from desktop.kit.list_page import ListPage
from desktop.kit.pickers import ReferenceChoices, fill_combo, tree_items
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.writes import WriteOp
from models.core.database import Database
from models.core.errors import DeskError, ValidationError
from models.core.progress import Progress
from models.core.uow import Actor
from models.drills import findings, offline, scoring
from models.drills import queries as dq
from models.drills import service as drills
from models.drills.entities import DRILL_STATUSES, FINDING_KINDS, HELD_STATUSES, DrillPlan
from models.drills.findings import FindingRow
from models.drills.queries import DayDrill, DrillFilter, DrillRow, EnterpriseObligations
from models.drills.scoring import Overview
from models.plans.entities import Plan

if TYPE_CHECKING:
    from plans.report import ReportDocument

TITLE_MIN_WIDTH = 160


def _tr(text: str) -> str:
    return QCoreApplication.translate("DrillsPage", text)


class DrillsPage(ListPage[DrillRow, DrillFilter]):
    key = "drills"
    service = drills
    export_module = "exports.drills.excel"
    default_order = Qt.SortOrder.DescendingOrder  # the latest first

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, settings, actor=actor, unit=_tr("次演练"), export_label=_tr("正在导出演练台账…"), parent=parent)
        self.choices: ReferenceChoices | None = None
        self.enterprises: list[EnterpriseChoice] | None = None
        self._today = today
        self.obligation_task: Task | None = None
        self.trash_open_message = self.tr("回收站中的演练需先恢复才能编辑")
        self.model = DrillTableModel(db, runner=runner, parent=self)
        self.obligations = ObligationModel(self)
        self._build()

    @property
    def title(self) -> str:
        return self.tr("演练")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    # --- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)

        drills_tab = QWidget(self)
        inner = QVBoxLayout(drills_tab)
        inner.setContentsMargins(0, 4, 0, 0)
        self.act_new = self._action(self.tr("新建"), self.new_drill, QKeySequence.StandardKey.New,
                                    self.tr("计划一次新的演练"))
        self.act_edit = self._action(self.tr("编辑"), self.edit_current, None, self.tr("编辑所选演练（双击行）"))
        self.act_reschedule = self._action(self.tr("改期"), self.reschedule_current, None,
                                           self.tr("更改计划时间，须填写原因"))
        self.act_prepare = self._action(self.tr("开始准备"), lambda: self.step_current("prepare"), None, "")
        self.act_conduct = self._action(self.tr("记录实施"), lambda: self.step_current("conduct"), None,
                                        self.tr("记录演练已实施及实施日期"))
        self.act_evaluate = self._action(self.tr("转入评估"), lambda: self.step_current("evaluate"), None, "")
        self.act_complete = self._action(self.tr("完成"), lambda: self.step_current("complete"), None, "")
        self.act_cancel = self._action(self.tr("取消演练"), lambda: self.step_current("cancel"), None,
                                       self.tr("取消所选演练，须填写原因"))
        self.act_score = self._action(self.tr("评分"), self.score_current, None,
                                      self.tr("打开本人的评估表（首次评分时固定评估表）"))
        self.act_overview = self._action(self.tr("评估汇总"), self.show_overview, None,
                                         self.tr("各评估人的进度和得分、有分歧的项目、总分和结论；导出评估报告"))
        self.act_paper = self._action(self.tr("录入纸质评估表…"), self.key_paper_sheet, None,
                                      self.tr("把评估人在纸上打的分按评估表顺序录入"))
        self.act_sheet_export = self._action(self.tr("导出离线评估表…"), self.export_sheet, None,
                                             self.tr("把本人的评估表存为文件，带到不联网的电脑上评分"))
        self.act_sheet_score = self._action(self.tr("离线评分…"), self.score_file, None,
                                            self.tr("打开一份离线评估表文件评分（不需要数据库）"))
        self.act_sheet_import = self._action(self.tr("导入离线评估表…"), self.import_sheet, None,
                                             self.tr("把在离线电脑上评完并提交的评估表导入"))
        self.act_delete = self._action(self.tr("删除"), self.delete_current, QKeySequence.StandardKey.Delete,
                                       self.tr("将所选演练移入回收站"))
        self.act_restore = self._action(self.tr("恢复"), self.restore_current, None, self.tr("从回收站恢复"))
        self.act_plan_year = self._action(self.tr("年度计划"), self.plan_year, None,
                                          self.tr("按演练频次要求为一家企业生成全年的演练计划"))
        self.act_year_export = self._action(self.tr("导出年度计划…"), self.export_year_plan, None,
                                            self.tr("把一家企业一年的演练计划（频次要求和各次演练）导出为 PDF 或 Word"))
        self.act_search = self._action(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_export = self._action(self.tr("导出Excel"), self.export_excel, QKeySequence("Ctrl+E"),
                                       self.tr("把当前筛选出的演练按当前排序导出为 Excel 台账"))
        self.act_documents = self._action(self.tr("演练文件"), self.open_documents, None,
                                          self.tr("工作方案、演练脚本、保障方案、签到表和演练记录（照片、视频）"))
        self.act_dossier = self._action(self.tr("导出演练档案…"), self.export_dossier, None,
                                        self.tr("把方案、脚本、签到表、评估表、评估与总结报告和整改情况汇成一份带目次的 PDF"))
        self.act_restore.setVisible(False)
        self.step_actions = {"prepare": self.act_prepare, "conduct": self.act_conduct,
                             "evaluate": self.act_evaluate, "complete": self.act_complete, "cancel": self.act_cancel}
        self.write_actions = [self.act_delete, self.act_restore, self.act_reschedule, *self.step_actions.values()]
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.act_new, self.act_plan_year, self.act_edit, self.act_reschedule):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in self.step_actions.values():
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (self.act_documents, self.act_score, self.act_overview):
            self.toolbar.addAction(action)
        offline_menu = QMenu(self.tr("离线评分"), self)
        for action in (self.act_paper, self.act_sheet_export, self.act_sheet_score, self.act_sheet_import):
            offline_menu.addAction(action)
        self.offline_menu = offline_menu
        self.toolbar.addAction(offline_menu.menuAction())
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_delete)
        self.toolbar.addAction(self.act_restore)
        self.toolbar.addSeparator()
        export_menu = QMenu(self.tr("导出"), self)
        for action in (self.act_export, self.act_year_export, self.act_dossier):
            export_menu.addAction(action)
        self.export_menu = export_menu
        self.toolbar.addAction(export_menu.menuAction())
        for menu in (offline_menu, export_menu):
            button = self.toolbar.widgetForAction(menu.menuAction())
            if isinstance(button, QToolButton):
                button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.make_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的演练，可以恢复"))
        inner.addWidget(self.toolbar)

        filters = QHBoxLayout()
        self.make_search(self.tr("搜索演练名称、编号、地点、企业"))
        self.search.setMinimumWidth(170)
        filters.addWidget(self.search, 2)
        self.status_combo = self.make_filter_combo(
            self.tr("全部状态"), self.tr("状态"), [(label, key) for key, label in DRILL_STATUSES.items()], min_length=4)
        self.department_combo = self.make_filter_combo(self.tr("全部监管部门"), self.tr("监管部门"), min_length=6)
        self.region_combo = self.make_filter_combo(self.tr("全部区域"), self.tr("所属区域"), min_length=6)
        self.industry_combo = self.make_filter_combo(self.tr("全部行业"), self.tr("行业"), min_length=6)
        for combo in (self.status_combo, self.department_combo, self.region_combo, self.industry_combo):
            filters.addWidget(combo, 1)
        filters.addWidget(self.make_clear_button())
        filters.addStretch(0)
        filters.addWidget(self.make_count_label(120))
        inner.addLayout(filters)
        self.make_view(drills_tab)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        self.fit_columns(stretch=self.model.TITLE_COLUMN, stretch_minimum=TITLE_MIN_WIDTH, maximum={1: 220, 7: 170})
        self.view.selectionModel().currentRowChanged.connect(self.update_actions)
        inner.addWidget(self.view, 1)
        self.tabs.addTab(drills_tab, self.tr("演练"))
        self.calendar_view = CalendarView(self)
        self.calendar_view.sig_range_changed.connect(self.load_calendar)
        self.calendar_view.sig_drill_chosen.connect(self.show_drill)
        self.tabs.addTab(self.calendar_view, self.tr("日历"))

        duty = QWidget(self)
        duty_layout = QVBoxLayout(duty)
        duty_layout.setContentsMargins(0, 4, 0, 0)
        self.obligation_label = QLabel(self.tr("正在计算各企业的演练频次要求…"), duty)
        self.obligation_label.setWordWrap(True)
        duty_layout.addWidget(self.obligation_label)
        self.obligation_view = QTableView(duty)
        self.obligation_view.setObjectName("drillObligations")
        self.obligation_view.setModel(self.obligations)
        self.obligation_view.setAlternatingRowColors(True)
        self.obligation_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.obligation_view.verticalHeader().hide()
        header = self.obligation_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 230), (2, 96), (3, 96), (4, 190)):
            self.obligation_view.setColumnWidth(column, width)
        duty_layout.addWidget(self.obligation_view, 1)
        self.obligation_tab = duty
        self.tabs.addTab(duty, self.tr("频次要求"))
        self._build_findings()

        for action in (self.act_new, self.act_edit, self.act_delete, self.act_restore, self.act_search):
            self.addAction(action)
        self.update_actions()

    def _build_findings(self) -> None:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 4, 0, 0)
        bar = QToolBar(tab)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.act_finding = self._action(self.tr("登记问题…"), self.raise_finding, None,
                                        self.tr("为“演练”页所选的演练登记发现的问题或隐患"))
        bar.addAction(self.act_finding)
        self.finding_actions = {}
        for command, label in (("start", "开始整改"), ("verify", "提请验证"), ("close", "验证关闭"), ("reopen", "退回整改")):
            action = self._action(self.tr(label), lambda c=command: self.step_finding(c), None, "")
            self.finding_actions[command] = action
            bar.addAction(action)
        layout.addWidget(bar)
        self.findings_table = QTableWidget(0, 7, tab)
        self.findings_table.setObjectName("drillFindings")
        self.findings_table.setHorizontalHeaderLabels([self.tr(t) for t in (
            "整改期限", "状态", "演练", "类型", "问题描述", "责任人", "逾期")])
        self.findings_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings_table.verticalHeader().hide()
        self.findings_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 90), (1, 64), (2, 220), (3, 48), (5, 80), (6, 70)):
            self.findings_table.setColumnWidth(column, width)
        self.findings_table.itemSelectionChanged.connect(self._finding_actions)
        layout.addWidget(self.findings_table, 1)
        self.finding_rows: list[FindingRow] = []
        self.findings_tab = tab
        self.tabs.addTab(tab, self.tr("发现问题"))
        self._finding_actions()

    def load_findings(self) -> Task:
        db, as_of = self._db, self.as_of()

        def work(_progress: Progress) -> list[FindingRow]:
            with db.read() as s:
                return findings.findings(s, as_of=as_of)

        task = self._runner.run(work, label=self.tr("正在读取演练发现的问题…"), title=self.tr("发现问题"))
        task.sig_finished.connect(self._findings_ready)
        self.findings_task = task
        return task

    def _findings_ready(self, rows: list[FindingRow]) -> None:
        rows = sorted(rows, key=lambda r: (r.status == "closed", -r.overdue_days, r.due_date or date.max))
        self.finding_rows = rows
        table = self.findings_table
        table.setRowCount(len(rows))
        for n, r in enumerate(rows):
            values = (r.due_date.isoformat() if r.due_date else "", r.status_label, r.drill,
                      FINDING_KINDS.get(r.kind, r.kind), r.description, r.owner,
                      self.tr("{0} 天").format(r.overdue_days) if r.overdue_days else "")
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column == 6 and r.overdue_days:
                    cell.setForeground(QBrush(OVERDUE))
                table.setItem(n, column, cell)
        overdue = sum(1 for r in rows if r.overdue_days)
        self.tabs.setTabText(self.tabs.indexOf(self.findings_tab), self.tr("发现问题（{0} 项逾期）").format(overdue) if overdue
                             else self.tr("发现问题"))
        self._finding_actions()

    def current_finding(self) -> FindingRow | None:
        row = self.findings_table.currentRow()
        return self.finding_rows[row] if 0 <= row < len(self.finding_rows) else None

    def _finding_actions(self) -> None:
        current = self.current_finding()
        for command, action in self.finding_actions.items():
            action.setEnabled(current is not None and current.status in findings.STEPS[command].sources)
        drill = self.current_row() if hasattr(self, "view") else None
        self.act_finding.setEnabled(drill is not None and drill.status in HELD_STATUSES)

    def raise_finding(self) -> WriteOp[object] | None:
        drill = self.current_row()
        if drill is None or drill.status not in HELD_STATUSES or self.writing:
            return None
        with self._db.read() as s:
            plans = [(pid, f"{no} {title}") for pid, no, title in s.execute(
                select(Plan.id, Plan.plan_no, Plan.title).join(DrillPlan, DrillPlan.plan_id == Plan.id)
                .where(DrillPlan.drill_id == drill.id, DrillPlan.deleted_at.is_(None)))]
        dialog = FindingDialog(plans, today=self.as_of(), parent=self)
        self.finding_dialog = dialog
        return self._submit_finding(dialog, drill.id)

    def _submit_finding(self, dialog: FindingDialog, drill_id: int) -> WriteOp[object] | None:
        """Ask (again, with what was typed and the reasons, after a refusal) and write the finding."""
        if dialog.exec() != FindingDialog.DialogCode.Accepted:
            return None
        data, as_of = dialog.data(), self.as_of()
        op = self.write(drill_id, lambda uow: findings.raise_finding(uow, drill_id, data, as_of=as_of),  # type: ignore[arg-type]
                        refused=self.tr("无法登记"), done=self.tr("已登记发现的问题"))
        if op is None:
            return None

        def refused(error: ValidationError) -> None:
            dialog.errors.show(error.errors, self.tr("请修正以下问题后再登记："))

            def again() -> None:  # once this write has ended: the dialog again, with what was typed
                self.retry_op = self._submit_finding(dialog, drill_id)

            QTimer.singleShot(0, again)

        def raised(result: object) -> None:
            recorded = getattr(result, "revision_recorded", False)
            self.changed(drill_id, self.tr("已登记发现的问题") + (  # refreshes the tabs, findings included
                self.tr("，并已记录预案修订原因“演练发现问题”") if recorded else ""))

        op.invalid(refused)
        op.success(raised)
        return op

    def step_finding(self, command: str) -> WriteOp[object] | None:
        current = self.current_finding()
        if current is None or current.status not in findings.STEPS[command].sources or self.writing:
            return None
        note = ""
        if command in ("close", "reopen"):
            dialog = StepDialog(findings.STEPS[command].command.label,
                                reason_label=self.tr("验证情况 *") if command == "close" else self.tr("退回原因 *"),
                                parent=self)
            self.last_step_dialog = dialog
            if dialog.exec() != StepDialog.DialogCode.Accepted:
                return None
            note = dialog.value_reason()
        fid, version, as_of = current.id, current.version, self.as_of()
        # saved or not, the write flow fetches the page again (``refresh``: the findings too)
        return self.write(current.drill_id, lambda uow: findings.step(uow, fid, command, version, note=note,
                                                                      as_of=as_of),
                          refused=self.tr("无法{0}").format(findings.STEPS[command].command.label),
                          done=findings.STEPS[command].command.label)

    # --- loading

    def load(self) -> None:
        self.choices = ReferenceChoices.load(self._db)
        fill_combo(self.department_combo, [(c.name, c.id) for c in self.choices.departments],
                   first=(self.tr("全部监管部门"), None))
        fill_combo(self.region_combo, [(name, code) for name, code in self._region_items()],
                   first=(self.tr("全部区域"), None))
        fill_combo(self.industry_combo, tree_items(self.choices.industries), first=(self.tr("全部行业"), None))
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())  # read in the background, with its first page
        today = self.as_of()
        self.calendar_view.set_today(today)
        self.load_obligations()
        self.load_findings()
        self.load_calendar()

    def _region_items(self) -> list[tuple[str, str]]:
        assert self.choices is not None
        return [(("　" * max(0, r.level - 1)) + r.name, r.code) for r in self.choices.regions]

    def refresh(self) -> None:
        self.refetch()
        self.load_obligations()
        self.load_findings()
        self.load_calendar()

    def load_calendar(self, start: date | None = None, end: date | None = None) -> Task:
        """The drills of the calendar's days — its month or its week — with the list's filter, read on
        a worker thread."""
        if start is None or end is None:
            start, end = self.calendar_view.shown_range()
        db, flt = self._db, replace(self.current_filter(), deleted=False)

        def work(_progress: Progress) -> list[DayDrill]:
            with db.read() as s:
                return dq.planned_between(s, start, end, flt)

        task = self._runner.run(work, label=self.tr("正在读取日历中的演练…"), title=self.tr("演练日历"))
        shown = (start, end)
        view = self.calendar_view
        task.sig_finished.connect(lambda rows: view.set_drills(rows) if view.shown_range() == shown else None)
        self.calendar_task = task
        return task

    def show_drill(self, drill_id: int) -> None:
        """Back to the list with a drill selected (the one double-clicked in the calendar)."""
        self.tabs.setCurrentIndex(0)
        self.model.after_load(lambda: self._select_shown(drill_id))  # at once unless the list is being read

    def _select_shown(self, drill_id: int) -> None:
        if not self.select_id(drill_id):
            self.sig_status.emit(self.tr("这次演练不在当前列表的已读页中，可用搜索查找"))

    def load_obligations(self) -> Task:
        """Every enterprise's obligations on ``as_of``, read on a worker thread."""
        db, as_of = self._db, self.as_of()

        def work(_progress: Progress) -> list[EnterpriseObligations]:
            with db.read() as s:
                return dq.obligations(s, as_of=as_of)

        task = self._runner.run(work, label=self.tr("正在计算演练频次要求…"), title=self.tr("演练频次"))
        task.sig_finished.connect(self._obligations_ready)
        self.obligation_task = task
        return task

    def _obligations_ready(self, rows: list[EnterpriseObligations]) -> None:
        self.obligations.set_rows(rows)
        overdue = self.obligations.overdue_count()
        self.obligation_label.setText(self.tr(
            "按 {0} 计算：{1} 家企业、{2} 项演练要求，其中 {3} 项已逾期（红色），30 天内到期的为橙色。"
            "周期按自然年、自然半年计，依据见各项提示。").format(
                self.as_of().isoformat(), len(rows), self.obligations.rowCount(), overdue))
        self.tabs.setTabText(self.tabs.indexOf(self.obligation_tab), self.tr("频次要求（{0} 项逾期）").format(overdue) if overdue
                             else self.tr("频次要求"))

    # --- filtering

    def current_filter(self) -> DrillFilter:
        choices = self.choices
        industry = self.industry_combo.currentData()
        industry_ids = choices.industry_ids_with_children(industry) if choices is not None and industry else ()
        return DrillFilter(text=self.search.text().strip(), status=self.status_combo.currentData(),
                           department_id=self.department_combo.currentData(),
                           region_code=self.region_combo.currentData(), industry_ids=industry_ids,
                           deleted=self.in_trash)

    def trash_toggled(self, on: bool) -> None:
        for action in (self.act_new, self.act_plan_year, self.act_edit, self.act_delete, self.act_reschedule,
                       self.act_score, *self.step_actions.values()):
            action.setVisible(not on)
        self.act_restore.setVisible(on)

    def unfiltered(self) -> DrillFilter:
        return DrillFilter(deleted=self.in_trash)

    @property
    def empty_noun(self) -> str:
        return self.tr("演练")

    @property
    def list_name(self) -> str:
        return self.tr("演练")

    def describe_nothing_yet(self) -> tuple[str, str]:
        return self.tr("还没有演练"), self.tr("点击工具栏上的“新建”计划第一次演练；“频次要求”页列出各企业应当演练的时间。")

    def enable_actions(self) -> None:
        row = self.current_row()
        for action in (self.act_edit, self.act_delete, self.act_restore):
            action.setEnabled(row is not None)
        editable = row is not None and row.status in drills.EDITABLE
        self.act_edit.setEnabled(editable)
        self.act_reschedule.setEnabled(editable)
        for command, action in self.step_actions.items():
            action.setEnabled(row is not None and row.status in drills.TRANSITIONS[command].sources)
        self.act_score.setEnabled(row is not None and row.status in HELD_STATUSES)
        self.act_overview.setEnabled(row is not None)
        self.act_export.setEnabled(self.model.rowCount() > 0)
        self.act_sheet_export.setEnabled(row is not None and row.status in HELD_STATUSES)
        self.act_paper.setEnabled(row is not None and row.status in HELD_STATUSES)
        self.act_documents.setEnabled(row is not None and not self.in_trash)
        self.act_dossier.setEnabled(row is not None and not self.in_trash)
        if hasattr(self, "act_finding"):
            self.act_finding.setEnabled(row is not None and row.status in HELD_STATUSES)

    # --- rows and actions

    def open_current(self) -> DrillDialog | None:
        return self.edit_current()

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction(self.act_restore)
            return menu
        for action in (self.act_edit, self.act_reschedule, *self.step_actions.values(), self.act_delete):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_new)
        menu.addAction(self.act_export)
        return menu

    def new_drill(self) -> DrillDialog | None:
        return None if self.in_trash else self._open_dialog(None)

    def edit_current(self) -> DrillDialog | None:
        row = self.current_row()
        if row is None or self.in_trash or row.status not in drills.EDITABLE:
            return None
        return self._open_dialog(row.id)

    def _open_dialog(self, drill_id: int | None) -> DrillDialog | None:
        if self.enterprises is None and drill_id is None:
            self.enterprises = load_enterprise_choices(self._db)
        dialog = self.open_dialog(lambda: DrillDialog(self._db, self._runner, drill_id, actor=self._actor,
                                                      enterprises=self.enterprises or [], today=self.as_of(),
                                                      parent=self),
                                  refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda did: self.changed(did, self.tr("已保存")))
        return dialog

    def open_documents(self) -> DrillDocumentsDialog | None:
        """The selected drill's 演练文件 (read-only parts say why)."""
        row = self.current_row()
        if row is None or self.in_trash:
            return None
        dialog = self.open_dialog(lambda: DrillDocumentsDialog(self._db, self._runner, row.id, actor=self._actor,
                                                               parent=self), refused=self.tr("无法打开演练文件"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda did: self.changed(did, self.tr("已保存演练文件")))
        return dialog

    def export_dossier(self, path: Path | None = None) -> Task | None:
        """导出演练档案 of the selected drill, in the background."""
        row = self.current_row()
        if row is None or self.in_trash:
            return None
        if not hasattr(self, "dossier_export"):
            self.dossier_export = DossierExport(self._db, self._runner, self._settings, self, self.as_of)
            self.dossier_export.sig_status.connect(self.sig_status.emit)
        return self.dossier_export.start(row.id, row.title, path)

    def plan_year(self) -> WriteOp[object] | None:
        """Ask for an enterprise and a year, then write its annual drill plan (planned drills)."""
        if self.in_trash or self.writing:
            return None
        if self.enterprises is None:
            self.enterprises = load_enterprise_choices(self._db)
        row = self.current_row()
        dialog = YearPlanDialog(self.enterprises, self.as_of().year + 1,
                                enterprise_id=row.enterprise_id if row is not None else None, parent=self)
        self.last_year_dialog = dialog
        if dialog.exec() != YearPlanDialog.DialogCode.Accepted:
            return None
        ent, year = dialog.enterprise_combo.enterprise_id(), dialog.year.value()
        assert ent is not None
        created: list[int] = []

        def work(uow: object) -> list[int]:
            created[:] = drills.plan_year(uow, ent, year)  # type: ignore[arg-type]
            return created

        name = next((e.name for e in self.enterprises if e.id == ent), "")
        op = self.write(-1, work, refused=self.tr("无法生成年度演练计划"),
                        done=self.tr("已为“{0}”生成 {1} 年度演练计划").format(name, year))
        if op is not None:  # the message says how many were added (the write flow's callback is replaced)
            op.success(lambda ids: self.changed(-1, self.tr("已为“{0}”生成 {1} 年的 {2} 次演练").format(
                name, year, len(ids)) if ids else self.tr("“{0}” {1} 年的演练已排满，没有新增").format(name, year)))
        return op

    def score_current(self, evaluator: str | None = None) -> WriteOp[object] | None:
        """The signed-in evaluator's sheet for the selected drill (the form is frozen the first time);
        with ``evaluator``, that person's sheet — a paper sheet keyed in afterwards."""
        row = self.current_row()
        if row is None or row.status not in HELD_STATUSES or self.writing:
            return None
        drill_id, actor = row.id, self._actor
        assert actor is not None
        done = self.tr("评估表：{0}").format(row.title)
        op = self.write(drill_id, open_sheet(actor, drill_id, evaluator), refused=self.tr("无法评分"), done=done)
        if op is not None:  # the write flow's callback is replaced: refresh as it would, then open the sheet
            op.success(lambda sheet_id: (self.changed(drill_id, done),
                                         self._open_sheet(drill_id, int(sheet_id))))  # type: ignore[arg-type]
        return op

    def key_paper_sheet(self) -> WriteOp[object] | None:
        """录入纸质评估表: ask whose paper sheet it is, then key it in on that evaluator's sheet."""
        row = self.current_row()
        if row is None or row.status not in HELD_STATUSES:
            return None
        name, ok = QInputDialog.getText(self, self.tr("录入纸质评估表"), self.tr("评估人姓名（纸质评估表上签字的人）："))
        if not ok or not name.strip():
            return None
        return self.score_current(name.strip())

    def _open_sheet(self, drill_id: int, sheet_id: int) -> None:
        assert self._actor is not None
        dialog = ScoreSheetDialog(self._db, self._runner, drill_id, sheet_id, actor=self._actor, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sheet_dialog = dialog
        dialog.open()

    def export_stem(self, flt: DrillFilter) -> str:
        return self.tr("回收站演练") if flt.deleted else self.tr("应急演练台账")

    def excel_writer(self, flt: DrillFilter) -> Write:
        db, sort, descending = self._db, self.model.sort_key, self.model.descending

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_drills(db, flt, path, sort=sort, descending=descending, progress=progress))

        return write

    def show_overview(self) -> OverviewDialog | None:
        """评估汇总 of the selected drill: shown at once, filled when the worker thread's read ends."""
        row = self.current_row()
        if row is None:
            return None
        viewer = self._actor.name if self._actor is not None else ""
        dialog = OverviewDialog(row.title, viewer, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        drill_id, db = row.id, self._db

        def work(_progress: Progress) -> Overview | None:
            with db.read() as s:
                return scoring.overview(s, drill_id, viewer)

        task = self._runner.run(work, label=self.tr("正在汇总评估表…"), title=self.tr("评估汇总"), show_progress=False)
        task.sig_finished.connect(dialog.set_overview)
        dialog.sig_export.connect(lambda kind: self.export_report(drill_id, kind, row.title))
        self.overview_task = task
        dialog.show()
        return dialog

    def export_report(self, drill_id: int, kind: str, title: str, path: Path | None = None) -> Task | None:
        """导出评估报告 / 总结报告 / 空白评估表 as PDF or Word (by the file name), in the background."""
        names = {"evaluation": self.tr("演练评估报告"), "summary": self.tr("演练总结报告"),
                 "score-sheet": self.tr("演练评估表")}
        as_of = self.as_of()

        def build(s: Session) -> ReportDocument:
            from plans.drills import report as reports

            if kind == "score-sheet":
                return reports.build_score_sheet(s, drill_id)
            if kind == "summary":
                return reports.build_summary_report(s, drill_id, as_of=as_of)
            return reports.build_evaluation_report(s, drill_id, as_of=as_of)

        return self._export_document(names[kind], f"{names[kind]}-{title}", build, path)

    def export_year_plan(self, enterprise_id: int | None = None, year: int | None = None,
                         path: Path | None = None) -> Task | None:
        """导出年度演练计划 of an enterprise for a year (asked for unless given), as PDF or Word."""
        if enterprise_id is None or year is None:
            if self.enterprises is None:
                self.enterprises = load_enterprise_choices(self._db)
            row = self.current_row()
            dialog = YearPlanDialog(self.enterprises, self.as_of().year + 1,
                                    enterprise_id=row.enterprise_id if row is not None else None, parent=self)
            dialog.setWindowTitle(self.tr("导出年度演练计划"))
            self.last_year_dialog = dialog
            if dialog.exec() != YearPlanDialog.DialogCode.Accepted:
                return None
            enterprise_id, year = dialog.enterprise_combo.enterprise_id(), dialog.year.value()
            assert enterprise_id is not None
        ent, as_of = enterprise_id, self.as_of()
        name = next((e.name for e in self.enterprises or [] if e.id == ent), "")

        def build(s: Session) -> ReportDocument:
            from plans.drills.year_plan import build_year_plan

            return build_year_plan(s, ent, year, as_of=as_of)

        label = self.tr("{0}年度应急演练计划").format(year)
        return self._export_document(label, f"{label}-{name}".rstrip("-"), build, path)

    def _export_document(self, label: str, stem: str, build: Callable[[Session], ReportDocument],
                         path: Path | None) -> Task | None:
        task = export_report(self, self._runner, self._settings, self._db, label, stem, build, path)
        self.report_task = task
        return task

    def export_sheet(self) -> WriteOp[object] | None:
        """Save the signed-in evaluator's open sheet of the selected drill as an offline sheet file."""
        row = self.current_row()
        if row is None or row.status not in HELD_STATUSES or self.writing:
            return None
        drill_id, actor, db = row.id, self._actor, self._db
        assert actor is not None
        done = self.tr("评估表：{0}").format(row.title)

        def write_file(sheet_id: int) -> None:
            self.changed(drill_id, done)
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出离线评估表"), f"评估表_{actor.name}_{row.title}.json",
                                                  self.tr("离线评估表 (*.json)"))
            if not path:
                return
            try:
                with db.read() as s:
                    data = offline.export_sheet(s, sheet_id)
                Path(path).write_bytes(data)
            except (DeskError, OSError) as exc:
                messages.warn(self, self.tr("无法导出离线评估表"), str(exc))
                return
            self.sig_status.emit(self.tr("已导出离线评估表：{0}").format(path))

        op = self.write(drill_id, open_sheet(actor, drill_id), refused=self.tr("无法导出离线评估表"), done=done)
        if op is not None:
            op.success(lambda sheet_id: write_file(int(sheet_id)))  # type: ignore[arg-type]
        return op

    def score_file(self) -> FileSheetDialog | None:
        """Score an offline sheet file (no database needed: on the laptop)."""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("离线评分"), "", self.tr("离线评估表 (*.json)"))
        if not path:
            return None
        try:
            dialog = FileSheetDialog(Path(path), parent=self)
        except (DeskError, OSError) as exc:
            messages.warn(self, self.tr("无法打开离线评估表"), str(exc))
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sheet_dialog = dialog
        dialog.open()
        return dialog

    def import_sheet(self) -> WriteOp[object] | None:
        """Bring back a sheet scored and submitted offline (refused with the reason otherwise)."""
        if self.writing:
            return None
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入离线评估表"), "", self.tr("离线评估表 (*.json)"))
        if not path:
            return None
        try:
            data = Path(path).read_bytes()
            sheet = offline.OfflineSheet.from_bytes(data)
        except (DeskError, OSError) as exc:
            messages.warn(self, self.tr("无法导入离线评估表"), str(exc))
            return None
        sheet_id = sheet.sheet_id
        return self.write(sheet.drill_id, lambda uow: offline.import_sheet(uow, data, sheet_id),
                          refused=self.tr("无法导入离线评估表"),
                          done=self.tr("已导入{0}的离线评估表").format(sheet.evaluator))

    def reschedule_current(self) -> WriteOp[object] | None:
        row = self.current_row()
        if row is None or row.status not in drills.EDITABLE:
            return None
        dialog = StepDialog(self.tr("演练改期 — {0}").format(row.title), when=row.planned_at,
                            reason_label=self.tr("改期原因 *"), parent=self)
        self.last_step_dialog = dialog
        if dialog.exec() != StepDialog.DialogCode.Accepted:
            return None
        when, reason, row_id, version = dialog.value_time(), dialog.value_reason(), row.id, row.version
        assert when is not None
        return self.write(row_id, lambda uow: drills.reschedule(uow, row_id, when, reason, version),
                          refused=self.tr("无法改期"), done=self.tr("已改期：{0}").format(row.title))

    def step_current(self, command: str) -> WriteOp[object] | None:
        row = self.current_row()
        if row is None or row.status not in drills.TRANSITIONS[command].sources:
            return None
        step = drills.TRANSITIONS[command]
        held_on: date | None = None
        reason = ""
        if command in ("conduct", "cancel"):
            dialog = StepDialog(f"{step.command.label} — {row.title}",
                                day=(min(row.planned_at.date(), self.as_of()) if command == "conduct" else None),
                                reason_label=self.tr("取消原因 *") if command == "cancel" else "", parent=self)
            self.last_step_dialog = dialog
            if dialog.exec() != StepDialog.DialogCode.Accepted:
                return None
            held_on, reason = dialog.value_date(), dialog.value_reason()
        row_id, version = row.id, row.version
        return self.write(row_id, lambda uow: drills.transition(uow, row_id, command, version, held_on=held_on,
                                                                reason=reason),
                          refused=self.tr("无法{0}").format(step.command.label),
                          done=self.tr("{0}：{1}").format(step.command.label, row.title))

    def delete_texts(self, row: DrillRow) -> tuple[str, str, str]:
        return (self.tr("删除演练"), self.tr("确定将“{0}”移入回收站吗？\n移入回收站后仍可在回收站中恢复。").format(row.title),
                self.tr("已将“{0}”移入回收站").format(row.title))

    def restored_text(self, row: DrillRow) -> str:
        return self.tr("已恢复“{0}”").format(row.title)
