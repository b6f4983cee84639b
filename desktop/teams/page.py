"""队伍 page: every rescue team with its readiness (就绪 / 基本就绪 / 不就绪 in green, amber and red, 不就绪
first), paged in SQL (``models.teams.queries``) and filtered by text, type, specialty, status and
whose team it is, the alerts of the day above it (certificates expired or expiring, agreements
expiring, roster gaps in the next 7 days, teams not ready) and, below it, the selected team read in the
background (``queries.team_detail``): each readiness factor with its value, threshold, verdict and the
sentence that explains it ("3 名队员证书已过期", "下周二夜班无带班领导"), the members with their
certificates and what they lack, every certificate with its expiry, the training and drills, the
equipment, the duty points and the team's own alerts. The team, member, certificate, training and
equipment forms open from the toolbar, the detail's tables (double-click) and their right-click
menus; 删除 moves the team to the 回收站, which lists the deleted teams to 恢复 (ListPage's delete,
restore and trash machinery). Every write goes through the write flow with the version read; after it
the list, the detail and the alerts are read again, so a renewed certificate turns the team's status
at once. 导入Excel imports teams, members and certificates all or nothing (the one import machinery)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
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
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.columns import ColumnFit
from desktop.kit.exporting import Write, ask_save_path, export_file
from desktop.kit.importing import Importer, import_workbook
from desktop.kit.list_page import ListPage
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.kit.widgets import record_table, tidy_separators
from desktop.kit.writes import WriteOp
from desktop.teams.equipment import EquipmentDialog
from desktop.teams.forms import CertificateDialog, MemberDialog, TeamDialog, TrainingDialog
from desktop.teams.table import STATUS_COLOURS, TeamTableModel
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor
from models.teams import queries as tq
from models.teams import rules
from models.teams import service as ts
from models.teams.queries import (
    CertificateRow,
    DueItem,
    MemberRow,
    TeamDetail,
    TeamFilter,
    TeamRow,
    TrainingRow,
)

NAME_MIN_WIDTH = 160
FIT_ROWS = 30
STATUS_CHOICES = (("不就绪", "red"), ("基本就绪", "amber"), ("就绪", "green"))
OWNER_CHOICES = (("政府和社会队伍", True), ("企业队伍", False))
ID_ROLE = Qt.ItemDataRole.UserRole
DUE_LABELS = {"certificate": "证书", "agreement": "救援协议", "roster": "值班", "readiness": "不就绪"}


@dataclass(frozen=True)
class RecordService:
    delete: Callable[..., object]
    restore: Callable[..., object]


def _tr(text: str) -> str:
    return QCoreApplication.translate("TeamsPage", text)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def alerts_summary(items: Sequence[DueItem], as_of: date) -> tuple[str, bool]:
    """The alerts line: what needs attention on ``as_of`` counted by kind (and whether anything does)."""
    if not items:
        return _tr("按 {0}：没有证书、协议到期或值班缺口，没有不就绪的队伍。").format(as_of.isoformat()), False
    counts: Counter[str] = Counter()
    for d in items:
        if d.kind == "certificate":
            counts["证书已过期" if d.due_on is not None and d.due_on < as_of else "证书即将到期"] += 1
        elif d.kind == "agreement":
            counts["救援协议已过期" if d.due_on is not None and d.due_on < as_of else "救援协议即将到期"] += 1
        elif d.kind == "roster":
            counts["未来 7 天值班问题"] += 1
        else:
            counts["不就绪队伍"] += 1
    units = {"不就绪队伍": "支", "未来 7 天值班问题": "处"}
    parts = "，".join(f"{label} {n} {units.get(label, '项')}" for label, n in counts.most_common())
    return _tr("按 {0}：{1}。用“就绪状态”筛选，选中队伍查看原因。").format(as_of.isoformat(), parts), True


class TeamsPage(ListPage[TeamRow, TeamFilter]):
    key = "teams"
    export_module = "exports.teams.excel"

    sig_open_roster = Signal(int, object)
    """Open a duty point's roster on a day (point id, date): a roster alert was opened."""
    service = RecordService(ts.delete_team, ts.restore_team)

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, *, actor: Actor | None = None,
                 today: Callable[[], date] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, settings, actor=actor, unit=_tr("支队伍"),
                         export_label=_tr("正在导出救援队伍…"), parent=parent)
        self._today = today
        self.detail_task: Task | None = None
        self.alerts_task: Task | None = None
        self.import_task: Task | None = None
        self.export_file_task: Task | None = None
        self.model = TeamTableModel(db, TeamFilter(as_of=self.as_of()), runner=runner, parent=self)
        self.detail: TeamDetail | None = None
        self.alerts: list[DueItem] = []
        self._build()

    @property
    def title(self) -> str:
        return self.tr("队伍")

    def as_of(self) -> date:
        return self._today() if self._today else date.today()  # the user's "now" enters here; rules take as_of

    # --- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        act = self._action
        self.act_new_team = act(self.tr("新建队伍…"), self.new_team, QKeySequence.StandardKey.New, "")
        self.act_edit_team = act(self.tr("编辑队伍…"), self.edit_team, None, "")
        self.act_equipment = act(self.tr("装备…"), self.edit_equipment, None,
                                 self.tr("所选队伍的装备清单（名称、数量、状态）：装备完好率计入就绪状态"))
        self.act_new_member = act(self.tr("新建队员…"), self.new_member, None, "")
        self.act_edit_member = act(self.tr("编辑队员…"), self.edit_member, None, "")
        self.act_delete_member = act(self.tr("删除队员…"), self.delete_member, None,
                                     self.tr("将所选队员移入回收站（离队的队员请把状态改为“离队”，保留记录）"))
        self.act_new_certificate = act(self.tr("新增证书…"), self.new_certificate, None,
                                       self.tr("为所选队员登记一本证书（换证时登记新证，旧证到期后不再提醒）"))
        self.act_edit_certificate = act(self.tr("编辑证书…"), self.edit_certificate, None, "")
        self.act_delete_certificate = act(self.tr("删除证书…"), self.delete_certificate, None, "")
        self.act_scan = act(self.tr("附加扫描件…"), self.attach_scan, None,
                            self.tr("为所选证书附加扫描件（图片或 PDF）"))
        self.act_training = act(self.tr("登记培训演练…"), self.new_training, None,
                                self.tr("登记所选队伍的一次培训训练或演练（计入就绪状态的“距上次训练”“距上次演练”）"))
        self.act_edit_training = act(self.tr("编辑培训演练…"), self.edit_training, None, "")
        self.act_delete_training = act(self.tr("删除培训演练…"), self.delete_training, None, "")
        self.act_search = act(self.tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "")
        self.act_refresh = act(self.tr("刷新"), self.refresh, QKeySequence.StandardKey.Refresh, "")
        self.act_export = act(self.tr("导出队伍Excel"), self.export_excel, QKeySequence("Ctrl+E"),
                              self.tr("把当前筛选出的队伍（就绪状态、每项因素的数值和原因）按当前排序导出为 Excel"))
        self.act_import = act(self.tr("导入Excel…"), self.import_excel, None,
                              self.tr("从导入模板导入救援队伍、队员和证书：全部正确才写入，有错时给出错误报告"))
        self.act_template = act(self.tr("导入模板…"), self.save_template, None,
                                self.tr("存一份带下拉选项（队伍类型、职务、证书类型、区域）的空白导入模板"))
        self.act_delete = act(self.tr("删除"), self.delete_current, QKeySequence.StandardKey.Delete,
                              self.tr("将所选队伍移入回收站（Delete）"))
        self.act_restore = act(self.tr("恢复"), self.restore_current, None, self.tr("将所选队伍从回收站恢复"))
        self.act_restore.setVisible(False)
        self.write_actions = [self.act_import, self.act_delete, self.act_restore, self.act_delete_member,
                              self.act_delete_certificate, self.act_delete_training]

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addAction(self.act_new_team)
        self.toolbar.addAction(self.act_edit_team)
        self.member_menu = QMenu(self.tr("队员"), self)
        for action in (self.act_new_member, self.act_edit_member, self.act_delete_member):
            self.member_menu.addAction(action)
        self.cert_menu = QMenu(self.tr("证书"), self)
        for action in (self.act_new_certificate, self.act_edit_certificate, self.act_scan, self.act_delete_certificate):
            self.cert_menu.addAction(action)
        self.training_menu = QMenu(self.tr("培训演练"), self)
        for action in (self.act_training, self.act_edit_training, self.act_delete_training):
            self.training_menu.addAction(action)
        self.import_menu = QMenu(self.tr("导入"), self)
        for action in (self.act_import, self.act_template):
            self.import_menu.addAction(action)
        for menu in (self.member_menu, self.cert_menu, self.training_menu):
            self._add_menu(menu)
        self.toolbar.addAction(self.act_equipment)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_delete)
        self.toolbar.addAction(self.act_restore)
        self._add_menu(self.import_menu)
        self.toolbar.addAction(self.act_export)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_refresh)
        self.make_trash_button(self.toolbar, self.tr("查看已删除（移入回收站）的队伍，可以恢复"))
        layout.addWidget(self.toolbar)

        self.alert_label = QLabel(self)
        self.alert_label.setObjectName("teamAlerts")
        self.alert_label.setWordWrap(True)
        layout.addWidget(self.alert_label)

        filters = QHBoxLayout()
        self.make_search(self.tr("搜索队伍名称、队长、驻地、值班电话、备案编号"))
        self.search.setMinimumWidth(200)
        filters.addWidget(self.search, 2)
        cat = rules.catalog()
        self.status_combo = self.make_filter_combo(self.tr("全部状态"), self.tr("就绪状态"),
                                                   [(self.tr(t), v) for t, v in STATUS_CHOICES], min_length=6)
        self.kind_combo = self.make_filter_combo(self.tr("全部类型"), self.tr("队伍类型"),
                                                 [(label, key) for key, label in cat.team_types.items()], min_length=6)
        self.specialty_combo = self.make_filter_combo(self.tr("全部专业"), self.tr("专业"),
                                                      [(label, key) for key, label in cat.specialties.items()],
                                                      min_length=6)
        self.owner_combo = self.make_filter_combo(self.tr("全部队伍"), self.tr("政府和社会队伍，或企业自己的队伍"),
                                                  [(self.tr(t), v) for t, v in OWNER_CHOICES], min_length=7)
        for combo in (self.status_combo, self.kind_combo, self.specialty_combo, self.owner_combo):
            filters.addWidget(combo, 1)
        filters.addWidget(self.make_clear_button())
        filters.addStretch(0)
        filters.addWidget(self.make_count_label(110))
        layout.addLayout(filters)

        self.make_view(self)
        for column, spec in enumerate(self.model.columns):
            self.view.setColumnWidth(column, spec.width)
        self.columns = ColumnFit(self.view, stretch=self.model.REASONS_COLUMN, stretch_minimum=NAME_MIN_WIDTH,
                                 maximum={1: 260, 5: 200, 3: 150}, sortable=self.model.is_sortable,
                                 sample_rows=FIT_ROWS)
        self.columns.fit()
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._row_changed())
        self.model.modelReset.connect(self._row_changed)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self._build_detail(splitter))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self.detail_timer = QTimer(self)
        self.detail_timer.setSingleShot(True)
        self.detail_timer.setInterval(120)
        self.detail_timer.timeout.connect(self.load_detail)
        for action in (self.act_search, self.act_refresh, self.act_delete, self.act_new_team):
            self.addAction(action)
        self.update_actions()

    def _add_menu(self, menu: QMenu) -> None:
        self.toolbar.addAction(menu.menuAction())
        button = self.toolbar.widgetForAction(menu.menuAction())
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def _build_detail(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        self.detail_box = box
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        self.detail_label = QLabel(box)
        self.detail_label.setObjectName("teamDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.detail_label)
        self.reasons_label = QLabel(box)
        self.reasons_label.setObjectName("teamReasons")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.reasons_label)
        self.detail_tabs = QTabWidget(box)
        self.factor_table = record_table(box, "teamFactors", ("因素", "数值", "达标要求", "判定", "说明"), stretch=4)
        self.member_table = record_table(box, "teamMembers", ("姓名", "职务", "状态", "年龄", "电话", "最近体检",
                                                              "持有证书", "缺少或提示"), stretch=7)
        self.cert_table = record_table(box, "teamCertificates", ("队员", "证书类型", "证书编号", "发证日期", "有效期至",
                                                                 "状态", "发证机关", "扫描件"), stretch=6)
        self.training_table = record_table(box, "teamTraining", ("日期", "类型", "内容", "学时", "参加人数", "结果",
                                                                 "个人培训"), stretch=2)
        self.equipment_table = record_table(box, "teamEquipment", ("装备名称", "规格型号", "类别", "数量", "单位",
                                                                   "状态", "备注"), stretch=6)
        self.alert_table = record_table(box, "teamDue", ("类别", "日期", "事项"), stretch=2)
        self.detail_tabs.addTab(self.factor_table, self.tr("就绪因素"))
        self.detail_tabs.addTab(self.member_table, self.tr("队员"))
        self.detail_tabs.addTab(self.cert_table, self.tr("证书"))
        self.detail_tabs.addTab(self.training_table, self.tr("培训演练"))
        self.detail_tabs.addTab(self.equipment_table, self.tr("装备"))
        self.detail_tabs.addTab(self.alert_table, self.tr("提醒"))
        for table, opener in ((self.member_table, self.edit_member), (self.cert_table, self.edit_certificate),
                              (self.training_table, self.edit_training), (self.equipment_table, self.edit_equipment),
                              (self.alert_table, self.open_alert)):
            table.doubleClicked.connect(lambda _i, o=opener: o())
            table.itemSelectionChanged.connect(self.update_actions)
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(lambda pos, t=table: self._show_detail_menu(t, pos))
        layout.addWidget(self.detail_tabs, 1)
        self._show_no_team()
        return box

    # --- loading

    def load(self) -> None:
        self.restore_state(self._settings)
        self.model.set_filter(self.current_filter())
        self.load_alerts()

    def refresh(self) -> None:
        self.refetch(self.current_filter())  # a new day: a new as_of
        self.load_alerts()
        self.load_detail()

    def _read(self, fn: Callable[[Session], Any], label: str, title: str) -> Task:
        db = self._db

        def work(_progress: Progress) -> Any:
            with db.read() as s:
                return fn(s)

        return self._runner.run(work, label=label, title=title, show_progress=False)

    def load_alerts(self) -> Task:
        as_of = self.as_of()
        task = self._read(lambda s: tq.due(s, as_of=as_of), self.tr("正在统计队伍提醒…"), self.tr("队伍提醒"))
        task.sig_finished.connect(self._alerts_ready)
        self.alerts_task = task
        return task

    def _alerts_ready(self, items: list[DueItem]) -> None:
        self.alerts = items
        text, bad = alerts_summary(items, self.as_of())
        self.alert_label.setText(text)
        self.alert_label.setStyleSheet("color: #9B1C2C;" if bad else "color: #2E7D32;")

    # --- the selected team

    def _row_changed(self) -> None:
        self.update_actions()
        self.detail_timer.start()

    def _show_no_team(self) -> None:
        self.detail = None
        self.detail_label.setText(self.tr("选择一支队伍，这里显示它的就绪因素（数值、要求和原因）、队员和证书、培训演练、装备和提醒。"))
        self.detail_label.setStyleSheet("")
        self.reasons_label.clear()
        self.reasons_label.hide()
        for table in (self.factor_table, self.member_table, self.cert_table, self.training_table,
                      self.equipment_table, self.alert_table):
            table.setRowCount(0)

    def load_detail(self) -> Task | None:
        row = self.current_row()
        if row is None or self.in_trash:
            self._show_no_team()
            return None
        team_id, as_of = row.id, self.as_of()
        try:
            task = self._read(lambda s: tq.team_detail(s, team_id, as_of), self.tr("正在读取队伍…"), self.tr("队伍"))
        except RuntimeError:  # the window closed (its runner shut down) before the pause ended
            return None
        task.sig_finished.connect(self._detail_ready)
        task.sig_failed.connect(lambda _e: self._show_no_team())
        self.detail_task = task
        return task

    def _detail_ready(self, detail: TeamDetail) -> None:
        row = self.current_row()
        if row is None or row.id != detail.row.id:
            return  # an earlier selection's answer
        self.detail = detail
        r, team = detail.readiness, detail.row
        owner = self.tr("，{0}").format(team.owner_enterprise) if team.owner_enterprise else ""
        agreement = (self.tr("　协议单位 {0}，有效期至 {1}").format(team.agreement_party or "—",
                                                                 _day(team.agreement_expires_on) or "—")
                     if team.kind == "agreement" else "")
        points = "、".join(p.name for p in detail.points)
        self.detail_label.setText(self.tr("{0}（{1}{2}）　{3}（得分 {4:.0f}）　队长 {5} {6}　值班电话 {7}　编制 {8} 人"
                                          "{9}{10}").format(
            team.name, team.kind_label, owner, r.label, r.score, team.leader or "—", team.leader_phone,
            team.duty_phone or "—", team.headcount, agreement,
            self.tr("　值班点 {0}").format(points) if points else ""))
        self.detail_label.setStyleSheet(f"color: {STATUS_COLOURS[r.status].name()}; font-weight: bold;")
        if r.reasons:
            self.reasons_label.setText(self.tr("影响就绪的原因：") + "；".join(r.reasons) + "。")
            self.reasons_label.show()
        else:
            self.reasons_label.setText(self.tr("各项因素均达标。"))
            self.reasons_label.show()
        self._fill(self.factor_table, [(
            (f.label, f.value_text if f.status != "na" else "—", f.threshold, f.status_label, f.explanation),
            f.status, f.key) for f in r.factors], status_column=3)
        self._fill(self.member_table, [(
            (m.name, m.position_label, m.status_label, str(m.age) if m.age is not None else "", m.phone,
             _day(m.medical_checked_on), "、".join(c.type_label for c in m.certificates if c.valid),
             "；".join([*(self.tr("缺少有效的{0}").format(x) for x in m.missing), *(i.message for i in m.issues)])),
            "red" if m.missing else ("amber" if m.issues else ""), m.id) for m in detail.members], status_column=7)
        certs = [c for m in detail.members for c in m.certificates]
        self._fill(self.cert_table, [(
            (c.member, c.type_label, c.number, _day(c.issued_on), _day(c.expires_on) or self.tr("长期"),
             str(c.alert) if c.alert else (self.tr("有效") if c.valid else self.tr("未生效")), c.issuer,
             self.tr("{0} 个").format(c.scans) if c.scans else ""),
            (c.alert.severity if c.alert else ("" if c.valid else "amber")), c.id) for c in certs], status_column=5)
        self._fill(self.training_table, [(
            (t.held_on.isoformat(), t.kind_label, t.content, f"{t.hours:g}", str(t.participants or ""), t.result,
             t.member), "", t.id) for t in detail.training])
        cat = rules.catalog()
        self._fill(self.equipment_table, [(
            (e.name, e.spec, e.category_label, str(e.quantity), e.unit, cat.equipment_conditions.get(e.condition,
                                                                                                 e.condition), e.notes),
            "" if e.condition == "good" else "red", e.id) for e in detail.equipment], status_column=5)
        self._fill(self.alert_table, [(
            (DUE_LABELS.get(d.kind, d.kind), _day(d.due_on), d.detail), d.severity, n)
            for n, d in enumerate(detail.alerts)], status_column=2)
        counts = ((1, len(detail.members), "队员"), (2, len(certs), "证书"), (3, len(detail.training), "培训演练"),
                  (4, len(detail.equipment), "装备"), (5, len(detail.alerts), "提醒"))
        for index, n, label in counts:
            self.detail_tabs.setTabText(index, f"{self.tr(label)}（{n}）" if n else self.tr(label))
        self.update_actions()

    def _fill(self, table: QTableWidget, rows: list[tuple[tuple[str, ...], str, int]], *,
              status_column: int | None = None) -> None:
        """Rows of (cells, status, id): the status colours its column (red/danger, amber/warning,
        green); the id is kept on the first cell; long cells carry their text as a tooltip."""
        selected = self._selected_id(table)
        table.setRowCount(len(rows))
        colours = {"danger": STATUS_COLOURS["red"], "warning": STATUS_COLOURS["amber"], **STATUS_COLOURS}
        for n, (cells, status, record_id) in enumerate(rows):
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setData(ID_ROLE, record_id)
                if column == status_column and status in colours and status not in ("", "na"):
                    item.setForeground(QBrush(colours[status]))
                if len(value) > 24:
                    item.setToolTip(value)
                table.setItem(n, column, item)
            if record_id == selected:
                table.selectRow(n)

    @staticmethod
    def _selected_id(table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        if not rows:
            return None
        item = table.item(rows[0].row(), 0)
        return item.data(ID_ROLE) if item is not None else None

    def selected_member(self) -> MemberRow | None:
        """The member chosen in 队员, or the owner of the certificate chosen in 证书."""
        if self.detail is None:
            return None
        wanted = self._selected_id(self.member_table)
        if wanted is None:
            cert = self.selected_certificate()
            wanted = cert.member_id if cert is not None else None
        return next((m for m in self.detail.members if m.id == wanted), None)

    def selected_certificate(self) -> CertificateRow | None:
        if self.detail is None:
            return None
        wanted = self._selected_id(self.cert_table)
        return next((c for m in self.detail.members for c in m.certificates if c.id == wanted), None)

    def selected_training(self) -> TrainingRow | None:
        if self.detail is None:
            return None
        wanted = self._selected_id(self.training_table)
        return next((t for t in self.detail.training if t.id == wanted), None)

    def _team_ready(self) -> bool:
        """The detail shown is the selected team's (its members and versions can be acted on)."""
        row = self.current_row()
        return row is not None and not self.in_trash and self.detail is not None and self.detail.row.id == row.id

    # --- filtering

    def current_filter(self) -> TeamFilter:
        if self.in_trash:
            return TeamFilter(as_of=self.as_of(), text=self.search.text().strip(), deleted=True)
        return TeamFilter(as_of=self.as_of(), text=self.search.text().strip(),
                          status=self.status_combo.currentData() or "", kind=self.kind_combo.currentData() or "",
                          specialty=self.specialty_combo.currentData() or "",
                          government=self.owner_combo.currentData())

    def unfiltered(self) -> TeamFilter:
        return TeamFilter(as_of=self.as_of(), deleted=self.in_trash)

    def show_status(self, status: str) -> None:
        """Filter the list by a readiness status (green | amber | red; '' for all)."""
        index = self.status_combo.findData(status) if status else 0
        self.status_combo.setCurrentIndex(max(index, 0))
        self.apply_filter()

    def trash_toggled(self, on: bool) -> None:
        for action in (self.act_new_team, self.act_edit_team, self.act_equipment, self.act_delete,
                       self.member_menu.menuAction(), self.cert_menu.menuAction(), self.training_menu.menuAction(),
                       self.import_menu.menuAction(), self.act_export):
            action.setVisible(not on)
        self.act_restore.setVisible(on)
        for widget in (self.status_combo, self.kind_combo, self.specialty_combo, self.owner_combo):
            widget.setEnabled(not on)
        self.alert_label.setVisible(not on)
        self.detail_box.setVisible(not on)
        tidy_separators(self.toolbar)

    @property
    def empty_noun(self) -> str:
        return self.tr("救援队伍")

    @property
    def list_name(self) -> str:
        return self.tr("队伍")

    def describe_nothing_yet(self) -> tuple[str, str]:
        return self.tr("还没有救援队伍"), self.tr("点击“新建队伍”登记一支应急救援队伍，再添加队员和证书；也可以从 Excel 导入。")

    def enable_actions(self) -> None:
        row = self.current_row()
        live = row is not None and not self.in_trash
        ready = self._team_ready()
        self.act_restore.setEnabled(self.in_trash and row is not None)
        for action in (self.act_edit_team, self.act_delete):
            action.setEnabled(live)
        for action in (self.act_new_member, self.act_training, self.act_equipment):
            action.setEnabled(ready)
        member, cert, training = self.selected_member(), self.selected_certificate(), self.selected_training()
        for action in (self.act_edit_member, self.act_delete_member, self.act_new_certificate):
            action.setEnabled(ready and member is not None)
        for action in (self.act_edit_certificate, self.act_delete_certificate, self.act_scan):
            action.setEnabled(ready and cert is not None)
        for action in (self.act_edit_training, self.act_delete_training):
            action.setEnabled(ready and training is not None)

    def build_context_menu(self) -> QMenu:
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction(self.act_restore)
            return menu
        for action in (self.act_edit_team, self.act_equipment, self.act_new_member, self.act_training):
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
        if table is self.member_table:
            actions = [self.act_new_member, self.act_edit_member, self.act_new_certificate, self.act_delete_member]
        elif table is self.cert_table:
            actions = [self.act_edit_certificate, self.act_scan, self.act_new_certificate, self.act_delete_certificate]
        elif table is self.training_table:
            actions = [self.act_training, self.act_edit_training, self.act_delete_training]
        elif table is self.equipment_table:
            actions = [self.act_equipment]
        else:
            return
        for action in actions:
            menu.addAction(action)
        menu.exec(table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def open_current(self) -> object:
        return self.edit_team()

    def show_team(self, team_id: int) -> None:
        """The list with a team selected once its rows are there (the home page opened one of its due items)."""
        self.model.after_load(lambda: self.select_id(team_id) or self.sig_status.emit(
            self.tr("该队伍不在当前列表已读取的行中（可能被筛选条件排除），可用搜索查找")))

    def open_alert(self) -> None:
        """A due item of the team: its certificate, or the members' tab."""
        wanted = self._selected_id(self.alert_table)
        if self.detail is None or wanted is None or wanted >= len(self.detail.alerts):
            return
        item = self.detail.alerts[wanted]
        if item.certificate_id is not None:
            for n in range(self.cert_table.rowCount()):
                cell = self.cert_table.item(n, 0)
                if cell is not None and cell.data(ID_ROLE) == item.certificate_id:
                    self.detail_tabs.setCurrentWidget(self.cert_table)
                    self.cert_table.selectRow(n)
                    self.edit_certificate()
                    return
        if item.kind == "roster" and item.point_id is not None and item.due_on is not None:
            self.sig_open_roster.emit(item.point_id, item.due_on)

    # --- writes

    def changed(self, row_id: int, status: str) -> None:
        super().changed(row_id, status)
        self.load_alerts()
        self.detail_timer.start()

    def _stored(self, status: str) -> None:
        """A team's part was stored: the list (its status), the detail and the alerts read again."""
        self.refetch()
        self.load_alerts()
        self.detail_timer.start()
        self.sig_data_changed.emit()
        self.sig_status.emit(status)

    def _form(self, make: Callable[[], QDialog], done: str, *, team: bool = False) -> QDialog | None:
        dialog = self.open_dialog(make, refused=self.tr("无法打开"))
        if dialog is not None and hasattr(dialog, "sig_saved"):
            if team:
                dialog.sig_saved.connect(lambda team_id: self.changed(team_id, done))
            else:
                dialog.sig_saved.connect(lambda _id: self._stored(done))
        return dialog

    def new_team(self) -> QDialog | None:
        if self.in_trash:
            return None
        return self._form(lambda: TeamDialog(self._db, self._runner, actor=self._actor, parent=self),
                          self.tr("已新建救援队伍"), team=True)

    def edit_team(self) -> QDialog | None:
        row = self.current_row()
        if row is None or self.in_trash:
            return None
        return self._form(lambda: TeamDialog(self._db, self._runner, row.id, actor=self._actor, parent=self),
                          self.tr("已保存救援队伍：{0}").format(row.name), team=True)

    def edit_equipment(self) -> QDialog | None:
        if not self._team_ready():
            return None
        assert self.detail is not None
        team = self.detail.row
        return self._form(lambda: EquipmentDialog(self._db, self._runner, team.id, team_text=team.name,
                                                  actor=self._actor, parent=self),
                          self.tr("已保存装备：{0}").format(team.name))

    def new_member(self) -> QDialog | None:
        if not self._team_ready():
            return None
        assert self.detail is not None
        team = self.detail.row
        return self._form(lambda: MemberDialog(self._db, self._runner, owner_text=team.name, actor=self._actor,
                                               initial={"team_id": team.id}, parent=self),
                          self.tr("已新建队员"))

    def edit_member(self) -> QDialog | None:
        member = self.selected_member() if self._team_ready() else None
        if member is None:
            return None
        assert self.detail is not None
        team = self.detail.row.name
        return self._form(lambda: MemberDialog(self._db, self._runner, member.id, owner_text=team, actor=self._actor,
                                               parent=self), self.tr("已保存队员：{0}").format(member.name))

    def new_certificate(self) -> QDialog | None:
        member = self.selected_member() if self._team_ready() else None
        if member is None:
            return None
        return self._form(lambda: CertificateDialog(self._db, self._runner, owner_text=member.name,
                                                    actor=self._actor, initial={"member_id": member.id}, parent=self),
                          self.tr("已登记{0}的证书").format(member.name))

    def edit_certificate(self) -> QDialog | None:
        cert = self.selected_certificate() if self._team_ready() else None
        if cert is None:
            return None
        owner = f"{cert.member} {cert.type_label}"
        return self._form(lambda: CertificateDialog(self._db, self._runner, cert.id, owner_text=owner,
                                                    actor=self._actor, parent=self),
                          self.tr("已保存{0}的{1}").format(cert.member, cert.type_label))

    def new_training(self) -> QDialog | None:
        if not self._team_ready():
            return None
        assert self.detail is not None
        team = self.detail.row
        members = [(m.name, m.id) for m in self.detail.members if m.status != "left"]
        return self._form(lambda: TrainingDialog(self._db, self._runner, members=members, owner_text=team.name,
                                                 actor=self._actor,
                                                 initial={"team_id": team.id, "held_on": self.as_of()}, parent=self),
                          self.tr("已登记培训演练：{0}").format(team.name))

    def edit_training(self) -> QDialog | None:
        training = self.selected_training() if self._team_ready() else None
        if training is None:
            return None
        assert self.detail is not None
        team = self.detail.row
        members = [(m.name, m.id) for m in self.detail.members]
        return self._form(lambda: TrainingDialog(self._db, self._runner, training.id, members=members,
                                                 owner_text=team.name, actor=self._actor, parent=self),
                          self.tr("已保存培训演练记录"))

    def _delete_part(self, title: str, question: str, done: str,
                     work: Callable[[Any], object]) -> WriteOp[Any] | None:
        if self.writing or not messages.confirm(self, title, question, yes=self.tr("删除"), no=self.tr("取消")):
            return None
        op = self.write(-1, work, refused=self.tr("无法删除"), done=done)
        return op

    def delete_member(self) -> WriteOp[Any] | None:
        member = self.selected_member() if self._team_ready() else None
        if member is None:
            return None
        mid, version = member.id, member.version
        return self._delete_part(self.tr("删除队员"), self.tr(
            "确定删除队员“{0}”吗？\n队员离队请把状态改为“离队”以保留记录；误录的队员才需要删除（操作记入审计记录）。").format(member.name),
            self.tr("已删除队员：{0}").format(member.name),
            lambda uow: ts.delete_member(uow, mid, expected_version=version))

    def delete_certificate(self) -> WriteOp[Any] | None:
        cert = self.selected_certificate() if self._team_ready() else None
        if cert is None:
            return None
        cid, version = cert.id, cert.version
        return self._delete_part(self.tr("删除证书"), self.tr("确定删除{0}的{1}（{2}）吗？").format(
            cert.member, cert.type_label, cert.number or self.tr("无编号")),
            self.tr("已删除{0}的{1}").format(cert.member, cert.type_label),
            lambda uow: ts.delete_certificate(uow, cid, expected_version=version))

    def delete_training(self) -> WriteOp[Any] | None:
        training = self.selected_training() if self._team_ready() else None
        if training is None:
            return None
        tid, version = training.id, training.version
        return self._delete_part(self.tr("删除培训演练记录"), self.tr("确定删除 {0} 的“{1}”吗？").format(
            training.held_on.isoformat(), training.content), self.tr("已删除培训演练记录"),
            lambda uow: ts.delete_training(uow, tid, expected_version=version))

    def attach_scan(self, path: Path | None = None) -> WriteOp[Any] | None:
        """附加扫描件: a picture or PDF of the selected certificate, read and stored on the writer thread."""
        cert = self.selected_certificate() if self._team_ready() else None
        if cert is None or self.writing:
            return None
        if path is None:
            folder = str(self._settings.last_export_dir or Path.home())
            chosen, _ = QFileDialog.getOpenFileName(self, self.tr("附加证书扫描件"), folder,
                                                    self.tr("图片或 PDF (*.jpg *.jpeg *.png *.pdf)"))
            if not chosen:
                return None
            path = Path(chosen)
        source, cid, version = path, cert.id, cert.version

        def work(uow: Any) -> object:
            return ts.attach_scan(uow, cid, source.name, source.read_bytes(), expected_version=version)

        return self.write(-1, work, refused=self.tr("无法附加扫描件"),
                          done=self.tr("已为{0}的{1}附加扫描件").format(cert.member, cert.type_label))

    def delete_texts(self, row: TeamRow) -> tuple[str, str, str]:
        return (self.tr("删除队伍"),
                self.tr("确定将队伍“{0}”移入回收站吗？\n它的队员、证书和值班点随之不再列出；移入回收站后仍可恢复。").format(row.name),
                self.tr("已将队伍“{0}”移入回收站").format(row.name))

    def restored_text(self, row: TeamRow) -> str:
        return self.tr("已恢复队伍“{0}”").format(row.name)

    # --- import and export (in the background)

    def export_stem(self, flt: TeamFilter) -> str:
        return self.tr("救援队伍就绪状态")

    def excel_writer(self, flt: TeamFilter) -> Write:
        db, sort, descending = self._db, self.model.sort_key, self.model.descending

        def write(excel: ModuleType, path: Path, progress: Progress) -> int:
            return int(excel.export_teams(db, flt, path, sort=sort, descending=descending, progress=progress))

        return write

    def import_excel(self, path: Path | None = None) -> Task | None:
        """导入Excel: teams, members and certificates, the whole file or nothing."""
        def load() -> Importer:
            from exports.teams.imports import import_teams

            return import_teams

        task = import_workbook(self, self._runner, self._settings, self._db, self._actor, title=self.tr("导入救援队伍"),
                               load=load, done=lambda summary: self.changed(-1, summary), path=path)
        self.import_task = task
        return task

    def save_template(self, path: Path | None = None) -> Task | None:
        path = path or ask_save_path(self, self._settings, self.tr("导入模板"), self.tr("救援队伍导入模板"), (".xlsx",))
        if path is None:
            return None

        def work(s: Session, target: Path) -> int:
            from exports.teams.imports import write_teams_template

            write_teams_template(s, target)
            return 0

        task = export_file(self, self._runner, self._db, self.tr("导入模板"), path, work)
        self.export_file_task = task
        return task


__all__ = ["TeamsPage", "alerts_summary"]
