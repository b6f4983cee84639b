"""导入Excel on a list page, the same for every module: ask for the workbook, import it all or nothing
on the writer thread (the module's ``import_*`` from ``exports.<module>.imports``, on the one import
machinery ``exports.excel_import``), and when rows fail write the error workbook — the original rows
with a column naming each problem — beside the file and offer to open it. Nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from desktop.kit import messages
from desktop.kit.pages import Page
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from models.core.database import Database
from models.core.progress import Progress
from models.core.uow import Actor

Importer = Callable[[Database, Actor, Path], Any]
"""``exports.<module>.imports.import_*``: (database, actor, workbook) → an ``ImportOutcome``."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("Importing", text)


def import_workbook(page: Page, runner: TaskRunner, settings: Settings, db: Database, actor: Actor, *, title: str,
                    load: Callable[[], Importer], done: Callable[[str], None],
                    path: Path | None = None) -> Task | None:
    """Import ``path`` (asked for when None; None: cancelled) with the importer ``load()`` returns
    (imported on the worker thread, so the window does not load the module); ``done(summary)`` when
    it was stored. Failures are told with where the error report is."""
    if path is None:
        folder = Path(settings.last_export_dir or Path.home())
        chosen, _ = QFileDialog.getOpenFileName(page, title, str(folder), _tr("Excel 工作簿 (*.xlsx)"))
        if not chosen:
            return None
        path = Path(chosen)
    source = path
    report = source.with_name(f"{source.stem}-错误报告.xlsx")

    def work(_progress: Progress) -> Any:
        from exports.excel_import import write_error_workbook

        outcome = load()(db, actor, source)
        if not outcome.ok:
            write_error_workbook(report, outcome.sheets, outcome.problems)
        return outcome

    task = runner.run(work, label=_tr("正在导入 {0}…").format(source.name), title=title, writes=True)

    def finished(outcome: Any) -> None:
        if outcome.ok:
            done(outcome.summary())
            messages.info(page, _tr("导入完成"), outcome.summary())
            return
        page.sig_status.emit(outcome.summary())
        choice = messages.info(page, _tr("导入未完成"), _tr("{0}\n错误报告（原始行加“错误说明”列）已写入：\n{1}\n"
                                                          "改正后重新导入。").format(outcome.summary(), report),
                               options=[_tr("确定"), _tr("打开错误报告")])
        if choice == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(report)))

    task.sig_finished.connect(finished)
    return task
