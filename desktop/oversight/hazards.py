"""隐患排查 page: every hidden hazard found in inspections, paged in SQL (``models.oversight.queries``),
the nearest deadline first, filtered by text, status, level, department, campaign and scope (未销号,
已逾期, 挂牌督办); overdue ones in red with “已逾期 N 天”, blacklisted enterprises marked. Above the list
the day's line (未销号, 逾期, 重大, 挂牌督办 counted in one query); below it the selected hazard read in
the background (``queries.hazard_detail``): its inspection, measures, the extensions, re-checks,
penalties and photos. The toolbar records an inspection with its findings (``InspectionDialog``) and
walks the selected hazard through its lifecycle — 开始整改, 提交复查, 复查 (通过 → 销号), 延期, 挂牌督办 /
解除督办 — each a write with the version read (a stale one is refused, nothing overwritten); 登记处罚
records a penalty for it, 附加照片 a photo (an after-photo once rectified). 删除 moves a hazard to the 回收站 (ListPage's delete and restore).
检查行动… opens the campaigns (``desktop.oversight.campaigns``; after a change the campaign filter's choices
are read again), 检查记录… the inspections to edit or delete (``desktop.oversight.inspections``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QBrush, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit.columns import ColumnFit
from desktop.kit.exporting import Write
from desktop.kit.list_page import ListPage
from desktop.kit.pickers import ReferenceChoices, fill_combo
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import record_table, tidy_separators
from desktop.kit.writes import WriteOp
from desktop.oversight.campaigns import CampaignsDialog
from desktop.oversight.hazard_forms import (
    ExtensionDialog,
    InspectionDialog,
    PenaltyDialog,
    RecheckDialog,
    RectifiedDialog,
    SupervisionDialog,
)
from desktop.oversight.hazard_table import GREEN, RED, STATUS_COLOURS, HazardTableModel, supervised_text
from desktop.oversight.inspections import InspectionsDialog
from models.core.attachments import size_text
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor
from models.oversight import queries as oq
from models.oversight import rules
from models.oversight import service as osv
from models.oversight.queries import HazardDetail, HazardFilter, HazardRow, HazardSummary

SCOPES = (("未销号", "active"), ("已逾期", "overdue"), ("挂牌督办", "supervised"))
ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class RecordService:
    delete: Callable[..., object]
    restore: Callable[..., object]


def _tr(text: str) -> str:
    return QCoreApplication.translate("HazardsPage", text)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class HazardsPage(ListPage[HazardRow, HazardFilter]):
    key = "hazards"
    service = RecordService(osv.delete_hazard, osv.restore_hazard)
    export_module = "exports.oversight.excel"

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, settings, actor=actor, unit=_tr("项隐患"), export_label=_tr("正在导出隐患…"),
                         parent=parent)
        self._today = today
        self.detail: HazardDetail | None = None
        self.detail_task: Task | None = None
        self.campaigns_task: Task | None = None
        self.summary_task: Task | None = None
        self.summary: HazardSummary | None = None
        self.trash_open_message = self.tr("回收站中的隐患需先恢复")
        self.model = HazardTableModel(db, HazardFilter(as_of=self.as_of(), active=True), runner=runner, parent=self)
        self._build()

    @property
    def title(self) -> str:
        return self.tr("隐患排查")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    # --- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        act = self._action
        self.act_inspection = act(self.tr("登记检查…"), self.new_inspection, QKeySequence.StandardKey.New,
                                  self.tr("登记一次检查及发现的隐患（一次保存）"))
        self.act_campaigns = act(self.tr("检查行动…"), self.open_campaigns, None,
                                 self.tr("新建、编辑、删除检查行动（安全生产大检查、汛期专项检查等）"))
        self.act_inspections = act(self.tr("检查记录…"), self.open_inspections, None,
                                   self.tr("查看检查记录，修改检查日期、部门、人员、所属行动和检查情况，或删除误录的记录"))
        self.act_start = act(self.tr("开始整改"), self.start_rectification, None, self.tr("待整改 → 整改中"))
        self.act_rectified = act(self.tr("提交复查…"), self.submit_rectified, None,
                                 self.tr("登记整改完成日期和整改措施，转为待复查"))
        self.act_recheck = act(self.tr("复查…"), self.recheck, None,
                               self.tr("复查通过即销号；不通过退回整改，可另定整改期限"))
        self.act_extend = act(self.tr("延期…"), self.extend, None, self.tr("延长整改期限（记录原期限、新期限、理由和批准人）"))
        self.act_supervise = act(self.tr("挂牌督办…"), self.supervise, None, self.tr("重大隐患挂牌督办"))
        self.act_lift = act(self.tr("解除督办"), self.lift_supervision, None, self.tr("解除重大隐患的挂牌督办"))
        self.act_penalty = act(self.tr("登记处罚…"), self.new_penalty, None,
                               self.tr("为所选隐患的企业登记一项行政处罚"))
        self.act_edit_penalty = act(self.tr("编辑处罚…"), self.edit_penalty, None, "")
        self.act_photo = act(self.tr("附加照片…"), self.attach_photo, None,
                             self.tr("为所选隐患附加现场照片（整改后照片在提交复查后附加）"))
        self.act_export = act(self.tr("导出Excel"), self.export_excel, QKeySequence("Ctrl+E"),
                              self.tr("把列表中的隐患（按当前筛选和排序）导出为 Excel 隐患台账"))
        self.act_search = act(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_refresh = act(self.tr("刷新"), self.refresh, QKeySequence.StandardKey.Refresh, "")
        self.act_delete = act(self.tr("删除"), self.delete_current, QKeySequence.StandardKey.Delete,
                              self.tr("将所选隐患移入回收站（Delete）"))
        self.act_restore = act(self.tr("恢复"), self.restore_current, None, self.tr("将所选隐患从回收站恢复"))
        self.act_restore.setVisible(False)
        self.write_actions = [self.act_start, self.act_lift, self.act_delete, self.act_restore, self.act_photo]

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addAction(self.act_inspection)
        self.toolbar.addAction(self.act_inspections)
        self.toolbar.addAction(self.act_campaigns)
        self.toolbar.addSeparator()
        for action in (self.act_start, self.act_rectified, self.act_recheck, self.act_extend, self.act_supervise,
                       self.act_lift):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_penalty)
        self.toolbar.addAction(self.act_photo)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_delete)
        self.toolbar.addAction(self.act_restore)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_export)
        self.toolbar.addAction(self.act_refresh)
        self.make_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的隐患，可以恢复"))
        layout.addWidget(self.toolbar)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("hazardSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        filters = QHBoxLayout()
        self.make_search(self.tr("搜索隐患描述、企业名称、责任人"))
        self.search.setMinimumWidth(180)
        filters.addWidget(self.search, 2)
        cat = rules.catalog()
        self.scope_combo = self.make_filter_combo(self.tr("全部隐患"), self.tr("范围"),
                                                  [(self.tr(t), v) for t, v in SCOPES], min_length=6)
        self.status_combo = self.make_filter_combo(self.tr("全部状态"), self.tr("整改状态"),
                                                   [(label, key) for key, label in cat.statuses.items()], min_length=5)
        self.level_combo = self.make_filter_combo(self.tr("全部等级"), self.tr("隐患等级"),
                                                  [(label, key) for key, label in cat.levels.items()], min_length=5)
        self.department_combo = self.make_filter_combo(self.tr("全部检查部门"), self.tr("检查部门"), min_length=7)
        self.campaign_combo = self.make_filter_combo(self.tr("全部检查行动"), self.tr("检查行动"), min_length=8)
        for combo in (self.scope_combo, self.status_combo, self.level_combo, self.department_combo,
                      self.campaign_combo):
            filters.addWidget(combo, 1)
        filters.addWidget(self.make_clear_button())
        filters.addStretch(0)
        filters.addWidget(self.make_count_label(100))
        layout.addLayout(filters)

        self.make_view(self)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        self.columns = ColumnFit(self.view, stretch=self.model.DESCRIPTION_COLUMN, stretch_minimum=200,
                                 maximum={2: 240, 9: 200, 11: 180}, sortable=self.model.is_sortable, sample_rows=30)
        self.columns.fit()
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
        for action in (self.act_search, self.act_refresh, self.act_delete, self.act_inspection):
            self.addAction(action)
        self.scope_combo.setCurrentIndex(1)  # 未销号 by default
        self.update_actions()

    def _build_detail(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        self.detail_box = box
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        self.detail_label = QLabel(box)
        self.detail_label.setObjectName("hazardDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.detail_label)
        self.detail_tabs = QTabWidget(box)
        self.info_label = QLabel(box)
        self.info_label.setWordWrap(True)
        self.info_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.info_label.setTextFormat(Qt.TextFormat.PlainText)
        self.info_label.setContentsMargins(6, 6, 6, 6)
        self.extension_table = record_table(box, "hazardExtensions", ("批准日期", "原整改期限", "新整改期限", "延期理由",
                                                                     "批准人"), stretch=3)
        self.recheck_table = record_table(box, "hazardRechecks", ("复查日期", "复查人", "复查结论", "复查意见"), stretch=3)
        self.penalty_table = record_table(box, "hazardPenalties", ("处罚日期", "处罚种类", "罚款金额（元）", "决定书文号",
                                                                  "处罚部门", "备注"), stretch=5)
        self.attachment_table = record_table(box, "hazardAttachments", ("类型", "文件名", "大小", "上传人"), stretch=1)
        self.detail_tabs.addTab(self.info_label, self.tr("整改情况"))
        self.detail_tabs.addTab(self.extension_table, self.tr("延期记录"))
        self.detail_tabs.addTab(self.recheck_table, self.tr("复查记录"))
        self.detail_tabs.addTab(self.penalty_table, self.tr("行政处罚"))
        self.detail_tabs.addTab(self.attachment_table, self.tr("照片附件"))
        self.penalty_table.doubleClicked.connect(lambda _i: self.edit_penalty())
        self.penalty_table.itemSelectionChanged.connect(self.update_actions)
        layout.addWidget(self.detail_tabs, 1)
        self._show_no_hazard()
        return box

    # --- loading

    def load(self) -> None:
        choices = ReferenceChoices.load(self._db)
        with self._db.read() as s:  # one short read, like the other pages' reference lists
            campaigns = oq.campaign_choices(s)
        fill_combo(self.department_combo, [(c.name, c.id) for c in choices.departments],
                   first=(self.tr("全部检查部门"), None))
        fill_combo(self.campaign_combo, [(c.label, c.id) for c in campaigns], first=(self.tr("全部检查行动"), None))
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())
        self.load_summary()

    def reload_campaigns(self) -> Task:
        """Read the campaign filter's choices again (in the background; a campaign since deleted falls
        back to 全部检查行动), then the list (a renamed campaign shows its new name)."""
        task = self._read(oq.campaign_choices, self.tr("正在读取检查行动…"), self.tr("检查行动"))
        task.sig_finished.connect(self._campaigns_ready)
        self.campaigns_task = task
        return task

    def _campaigns_ready(self, campaigns: list[oq.Choice]) -> None:
        fill_combo(self.campaign_combo, [(c.label, c.id) for c in campaigns], first=(self.tr("全部检查行动"), None))
        self.refetch(self.current_filter())

    def refresh(self) -> None:
        self.refetch(self.current_filter())  # a new day: a new as_of
        self.load_summary()
        self.load_detail()

    def _read(self, fn: Callable[[Session], Any], label: str, title: str) -> Task:
        db = self._db

        def work(_progress: Progress) -> Any:
            with db.read() as s:
                return fn(s)

        return self._runner.run(work, label=label, title=title, show_progress=False)

    def load_summary(self) -> Task:
        as_of = self.as_of()
        task = self._read(lambda s: oq.hazard_summary(s, as_of), self.tr("正在统计隐患…"), self.tr("隐患统计"))
        task.sig_finished.connect(self._summary_ready)
        self.summary_task = task
        return task

    def _summary_ready(self, summary: HazardSummary) -> None:
        self.summary = summary
        self.summary_label.setText(summary.text(self.as_of()) + (self.tr("选“已逾期”查看逾期的隐患。")
                                                                 if summary.overdue else ""))
        self.summary_label.setStyleSheet(f"color: {(RED if summary.overdue else GREEN).name()};")

    # --- the selected hazard

    def _row_changed(self) -> None:
        self.update_actions()
        self.detail_timer.start()

    def _show_no_hazard(self) -> None:
        self.detail = None
        self.detail_label.setText(self.tr("选择一项隐患，这里显示它的检查情况、整改措施、延期和复查记录、行政处罚和照片；"
                                          "用工具栏按钮推进整改：开始整改 → 提交复查 → 复查（通过即销号）。"))
        self.detail_label.setStyleSheet("")
        self.info_label.clear()
        for table in (self.extension_table, self.recheck_table, self.penalty_table, self.attachment_table):
            table.setRowCount(0)

    def load_detail(self) -> Task | None:
        row = self.current_row()
        if row is None or self.in_trash:
            self._show_no_hazard()
            self.update_actions()
            return None
        hazard_id, as_of = row.id, self.as_of()
        try:
            task = self._read(lambda s: oq.hazard_detail(s, hazard_id, as_of), self.tr("正在读取隐患…"), self.tr("隐患"))
        except RuntimeError:  # the window closed (its runner shut down) before the pause ended
            return None
        task.sig_finished.connect(self._detail_ready)
        task.sig_failed.connect(lambda _e: self._show_no_hazard())
        self.detail_task = task
        return task

    def _detail_ready(self, detail: HazardDetail) -> None:
        row = self.current_row()
        if row is None or row.id != detail.row.id:
            return  # an earlier selection's answer
        self.detail = detail
        h = detail.row
        supervised = self.tr("　{0}").format(supervised_text(h)) if h.supervised else ""
        self.detail_label.setText(self.tr("{0}　{1}　{2}　整改期限 {3}（{4}）　{5}{6}").format(
            h.level_label, h.enterprise_text, h.status_label, _day(h.deadline), h.state.text, h.description,
            supervised))
        colour = RED if h.overdue else STATUS_COLOURS.get(h.status, GREEN)
        self.detail_label.setStyleSheet(f"color: {colour.name()}; font-weight: bold;")
        lines = [
            self.tr("检查：{0}，{1}，检查人员 {2}{3}").format(_day(detail.inspected_on), h.department,
                                                      detail.inspectors or "—",
                                                      self.tr("，{0}").format(h.campaign) if h.campaign else ""),
            self.tr("检查情况：{0}").format(detail.inspection_summary or "—"),
            self.tr("隐患类别：{0}　整改责任人：{1} {2}").format(h.category_label, h.responsible or "—",
                                                      h.responsible_phone),
            self.tr("整改措施：{0}").format(detail.measures or "—"),
            self.tr("整改完成日期：{0}　销号日期：{1}").format(_day(h.rectified_on) or "—", _day(h.closed_on) or "—"),
        ]
        nexts = "、".join(rules.catalog().status_label(s) for s in detail.next_statuses)
        lines.append(self.tr("下一步可转为：{0}").format(nexts) if nexts else self.tr("已销号，整改闭环。"))
        self.info_label.setText("\n".join(lines))
        self._fill(self.extension_table, [((_day(e.granted_on), _day(e.old_deadline), _day(e.new_deadline), e.reason,
                                            e.approved_by), "", e.id) for e in detail.extensions])
        self._fill(self.recheck_table, [((_day(c.checked_on), c.checker, c.result_label, c.opinion),
                                         "" if c.passed else "red", c.id) for c in detail.rechecks], status_column=2)
        self._fill(self.penalty_table, [((_day(p.decided_on), p.kind_label, p.amount_text, p.decision_no, p.department,
                                          p.notes), "", p.id) for p in detail.penalties])
        self._fill(self.attachment_table, [((a.kind_label, a.filename, size_text(a.size), a.created_by), "", a.id)
                                           for a in detail.attachments])
        for index, n, label in ((1, len(detail.extensions), "延期记录"), (2, len(detail.rechecks), "复查记录"),
                                (3, len(detail.penalties), "行政处罚"), (4, len(detail.attachments), "照片附件")):
            self.detail_tabs.setTabText(index, f"{self.tr(label)}（{n}）" if n else self.tr(label))
        self.update_actions()

    def _fill(self, table: QTableWidget, rows: list[tuple[tuple[str, ...], str, int]], *,
              status_column: int | None = None) -> None:
        table.setRowCount(len(rows))
        for n, (cells, status, record_id) in enumerate(rows):
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setData(ID_ROLE, record_id)
                if column == status_column and status == "red":
                    item.setForeground(QBrush(RED))
                if len(value) > 24:
                    item.setToolTip(value)
                table.setItem(n, column, item)

    def _hazard_ready(self) -> bool:
        """The detail shown is the selected hazard's (its version can be acted on)."""
        row = self.current_row()
        return row is not None and not self.in_trash and self.detail is not None and self.detail.row.id == row.id

    def selected_penalty(self) -> oq.PenaltyRow | None:
        if self.detail is None:
            return None
        rows = self.penalty_table.selectionModel().selectedRows() if self.penalty_table.selectionModel() else []
        if not rows:
            return None
        item = self.penalty_table.item(rows[0].row(), 0)
        wanted = item.data(ID_ROLE) if item is not None else None
        return next((p for p in self.detail.penalties if p.id == wanted), None)

    # --- filtering

    def current_filter(self) -> HazardFilter:
        if self.in_trash:
            return HazardFilter(as_of=self.as_of(), text=self.search.text().strip(), deleted=True)
        scope = self.scope_combo.currentData()
        return HazardFilter(as_of=self.as_of(), text=self.search.text().strip(),
                            status=self.status_combo.currentData() or "", level=self.level_combo.currentData() or "",
                            department_id=self.department_combo.currentData(),
                            campaign_id=self.campaign_combo.currentData(),
                            active=scope == "active", overdue=scope == "overdue", supervised=scope == "supervised")

    def unfiltered(self) -> HazardFilter:
        return HazardFilter(as_of=self.as_of(), deleted=self.in_trash)

    def show_scope(self, scope: str) -> None:
        """Filter by scope: active | overdue | supervised ('' for all)."""
        index = self.scope_combo.findData(scope) if scope else 0
        self.scope_combo.setCurrentIndex(max(index, 0))
        self.apply_filter()

    def show_hazard(self, hazard_id: int, inspection_id: int | None = None) -> None:
        """Open one hazard (a due item of the home page: ``record_id`` and its inspection ``parent_id``):
        the filters cleared, the list narrowed to the hazards of its inspection when given (so the row is
        among those read), the hazard selected once the rows are there."""
        if self.in_trash:
            self.trash_button.setChecked(False)
        for combo in self.filter_combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        flt = self.current_filter()
        if inspection_id is not None:
            flt = HazardFilter(as_of=self.as_of(), inspection_id=inspection_id)
            self.sig_status.emit(self.tr("已列出该隐患所在检查记录的隐患；点“清除筛选”查看全部隐患"))
        self.model.set_filter(flt)
        self.model.after_load(lambda: self.select_id(hazard_id)
                              or self.sig_status.emit(self.tr("该隐患不在当前列表已读取的行中，可用搜索查找")))

    def export_stem(self, flt: HazardFilter) -> str:
        return self.tr("隐患排查治理台账")

    def excel_writer(self, flt: HazardFilter) -> Write:
        db, sort, descending = self._db, self.model.sort_key, self.model.descending

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_hazards(db, flt, path, sort=sort, descending=descending, progress=progress))

        return write

    def trash_toggled(self, on: bool) -> None:
        for action in (self.act_inspection, self.act_start, self.act_rectified, self.act_recheck, self.act_extend,
                       self.act_supervise, self.act_lift, self.act_penalty, self.act_photo, self.act_delete,
                       self.act_inspections, self.act_campaigns):
            action.setVisible(not on)
        self.act_restore.setVisible(on)
        for combo in (self.scope_combo, self.status_combo, self.level_combo, self.department_combo,
                      self.campaign_combo):
            combo.setEnabled(not on)
        self.summary_label.setVisible(not on)
        self.detail_box.setVisible(not on)
        tidy_separators(self.toolbar)

    @property
    def empty_noun(self) -> str:
        return self.tr("隐患")

    @property
    def list_name(self) -> str:
        return self.tr("隐患列表")

    def describe_nothing_yet(self) -> tuple[str, str]:
        return self.tr("还没有隐患记录"), self.tr("点击“登记检查”登记一次检查和发现的隐患。")

    def enable_actions(self) -> None:
        row = self.current_row()
        live = row is not None and not self.in_trash
        ready = self._hazard_ready()
        self.act_restore.setEnabled(self.in_trash and row is not None)
        self.act_delete.setEnabled(live)
        nexts = rules.allowed_next(row.status) if row is not None else ()
        self.act_start.setEnabled(ready and rules.RECTIFYING in nexts and row is not None and row.status == rules.OPEN)
        self.act_rectified.setEnabled(ready and rules.RECHECK in nexts)
        self.act_recheck.setEnabled(ready and row is not None and row.status == rules.RECHECK)
        self.act_extend.setEnabled(ready and row is not None and row.status != rules.CLOSED)
        self.act_supervise.setEnabled(ready and self.detail is not None and self.detail.can_supervise)
        self.act_lift.setEnabled(ready and row is not None and row.supervised)
        self.act_penalty.setEnabled(ready)
        self.act_photo.setEnabled(ready)
        self.act_edit_penalty.setEnabled(ready and self.selected_penalty() is not None)

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction(self.act_restore)
            return menu
        for action in (self.act_start, self.act_rectified, self.act_recheck, self.act_extend, self.act_supervise,
                       self.act_lift):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_penalty)
        menu.addAction(self.act_photo)
        menu.addSeparator()
        menu.addAction(self.act_delete)
        return menu

    def open_current(self) -> object:
        """Double-click: the next step of the hazard's lifecycle."""
        row = self.current_row()
        if row is None or not self._hazard_ready():
            return None
        if row.status == rules.RECHECK:
            return self.recheck()
        if row.status in (rules.OPEN, rules.RECTIFYING):
            return self.submit_rectified()
        return None

    # --- writes

    def changed(self, row_id: int, status: str) -> None:
        super().changed(row_id, status)
        self.load_summary()
        self.detail_timer.start()

    def _form(self, make: Callable[[], QDialog], done: str, hazard_id: int) -> QDialog | None:
        dialog = self.open_dialog(make, refused=self.tr("无法打开"))
        if dialog is not None and hasattr(dialog, "sig_saved"):
            dialog.sig_saved.connect(lambda _id: self.changed(hazard_id, done))
        return dialog

    def _current(self) -> HazardRow | None:
        return self.current_row() if self._hazard_ready() else None

    def _name(self, row: HazardRow) -> str:
        text = " ".join(row.description.split())
        return f"{row.enterprise}：{text[:20]}{'…' if len(text) > 20 else ''}"

    def new_inspection(self) -> QDialog | None:
        if self.in_trash:
            return None
        initial = {"inspected_on": self.as_of(), "department_id": self.department_combo.currentData(),
                   "campaign_id": self.campaign_combo.currentData()}

        def make() -> QDialog:
            return InspectionDialog(self._db, self._runner, actor=self._actor, initial=initial, parent=self)

        dialog = self.open_dialog(make, refused=self.tr("无法打开"))
        if dialog is not None:
            dialog.sig_saved.connect(lambda _id: self._inspection_saved())  # type: ignore[attr-defined]
        return dialog

    def open_campaigns(self) -> QDialog | None:
        def make() -> QDialog:
            return CampaignsDialog(self._db, self._runner, actor=self._actor, as_of=self.as_of(), parent=self)

        dialog = self.open_dialog(make, refused=self.tr("无法打开"))
        if isinstance(dialog, CampaignsDialog):
            dialog.sig_changed.connect(self._campaigns_changed)
        return dialog

    def _campaigns_changed(self) -> None:
        self.reload_campaigns()
        self.sig_data_changed.emit()

    def open_inspections(self) -> QDialog | None:
        initial = oq.InspectionFilter(department_id=self.department_combo.currentData(),
                                      campaign_id=self.campaign_combo.currentData())

        def make() -> QDialog:
            return InspectionsDialog(self._db, self._runner, actor=self._actor, initial=initial, parent=self)

        dialog = self.open_dialog(make, refused=self.tr("无法打开"))
        if isinstance(dialog, InspectionsDialog):
            dialog.sig_changed.connect(self._inspections_changed)
        return dialog

    def _inspections_changed(self) -> None:
        self.refetch()  # the hazards follow their inspection's day and department, or went to the 回收站
        self.load_summary()
        self.detail_timer.start()
        self.sig_data_changed.emit()

    def _inspection_saved(self) -> None:
        self.refetch()
        self.load_summary()
        self.sig_data_changed.emit()
        self.sig_status.emit(self.tr("已登记检查记录及发现的隐患"))

    def start_rectification(self) -> WriteOp[Any] | None:
        row = self._current()
        if row is None:
            return None
        hid, version = row.id, row.version
        return self.write(hid, lambda uow: osv.start_rectification(uow, hid, expected_version=version),
                          refused=self.tr("无法开始整改"), done=self.tr("已开始整改：{0}").format(self._name(row)))

    def lift_supervision(self) -> WriteOp[Any] | None:
        row = self._current()
        if row is None:
            return None
        hid, version = row.id, row.version
        return self.write(hid, lambda uow: osv.lift_supervision(uow, hid, expected_version=version),
                          refused=self.tr("无法解除督办"), done=self.tr("已解除挂牌督办：{0}").format(self._name(row)))

    def _step(self, cls: type[Any], done: str, initial: dict[str, Any]) -> QDialog | None:
        row = self._current()
        if row is None:
            return None
        return self._form(lambda: cls(self._db, self._runner, row.id, row.version, hazard_text=self._name(row),
                                      actor=self._actor, initial=initial, parent=self),
                          done.format(self._name(row)), row.id)

    def submit_rectified(self) -> QDialog | None:
        return self._step(RectifiedDialog, self.tr("已提交复查：{0}"), {"rectified_on": self.as_of()})

    def recheck(self) -> QDialog | None:
        return self._step(RecheckDialog, self.tr("已登记复查：{0}"), {"checked_on": self.as_of(), "passed": True})

    def extend(self) -> QDialog | None:
        return self._step(ExtensionDialog, self.tr("已延期：{0}"), {"granted_on": self.as_of()})

    def supervise(self) -> QDialog | None:
        return self._step(SupervisionDialog, self.tr("已挂牌督办：{0}"), {"supervised_on": self.as_of()})

    def new_penalty(self) -> QDialog | None:
        row = self._current()
        if row is None:
            return None
        initial = {"enterprise_id": row.enterprise_id, "department_id": row.department_id, "hazard_id": row.id,
                   "inspection_id": row.inspection_id, "decided_on": self.as_of()}
        return self._form(lambda: PenaltyDialog(self._db, self._runner, actor=self._actor, initial=initial, parent=self),
                          self.tr("已登记行政处罚：{0}").format(row.enterprise), row.id)

    def edit_penalty(self) -> QDialog | None:
        row, penalty = self._current(), self.selected_penalty()
        if row is None or penalty is None:
            return None
        return self._form(lambda: PenaltyDialog(self._db, self._runner, penalty.id, actor=self._actor, parent=self),
                          self.tr("已保存行政处罚"), row.id)

    def attach_photo(self, path: Path | None = None) -> WriteOp[Any] | None:
        """附加照片: a photo (or, once rectified, an after-photo) of the selected hazard, read and stored
        on the writer thread."""
        row = self._current()
        if row is None or self.writing:
            return None
        if path is None:
            folder = str(self._settings.last_export_dir or Path.home())
            chosen, _ = QFileDialog.getOpenFileName(self, self.tr("附加隐患照片"), folder,
                                                    self.tr("图片 (*.jpg *.jpeg *.png)"))
            if not chosen:
                return None
            path = Path(chosen)
        source, hid, version = path, row.id, row.version
        kind = "rectified_photo" if row.status in (rules.RECHECK, rules.CLOSED) else "photo"

        def work(uow: Any) -> object:
            return osv.attach_photo(uow, hid, source.name, source.read_bytes(), expected_version=version, kind=kind)

        return self.write(hid, work, refused=self.tr("无法附加照片"),
                          done=self.tr("已附加照片：{0}").format(self._name(row)))

    def delete_texts(self, row: HazardRow) -> tuple[str, str, str]:
        return (self.tr("删除隐患"),
                self.tr("确定将隐患“{0}”移入回收站吗？\n误录的隐患才需要删除；移入回收站后仍可恢复。").format(self._name(row)),
                self.tr("已将隐患移入回收站：{0}").format(self._name(row)))

    def restored_text(self, row: HazardRow) -> str:
        return self.tr("已恢复隐患：{0}").format(self._name(row))


__all__ = ["HazardsPage"]
