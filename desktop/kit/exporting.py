"""Excel export of a list, the same way on every page: ask where to save, write the current filter
and order in the background (progress after a moment, 取消 leaves no file), then say where the
file is. The list's exports module (``exports.<module>.excel``, and openpyxl) is imported only when an
export runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from desktop.kit import messages
from desktop.kit.pages import Page
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from models.core.progress import Progress

Write = Callable[[ModuleType, Path, Progress], int]
"""Writes the workbook with the list's exports module; returns the number of rows."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("Export", text)


def choose_export_path(page: Page, settings: Settings, stem: str) -> Path | None:
    """Ask where to save (in the last export folder, named ``stem-YYYYMMDD.xlsx``); None: cancelled."""
    folder = Path(settings.last_export_dir or Path.home())
    suggested = folder / f"{stem}-{date.today():%Y%m%d}.xlsx"
    chosen, _ = QFileDialog.getSaveFileName(page, _tr("导出Excel"), str(suggested), _tr("Excel 工作簿 (*.xlsx)"))
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    settings.last_export_dir = str(path.parent)
    return path


class ListExporter(QObject):
    """A list page's 导出Excel: ``start`` asks for the file and writes it in the background."""

    sig_finished = Signal(str, int)
    """The workbook was written: its path and the number of rows."""

    def __init__(self, page: Page, runner: TaskRunner, settings: Settings, *, label: str, unit: str,
                 module: str) -> None:
        """``label`` is the progress text; ``unit`` counts the rows in the messages (“家企业”, “个预案”);
        ``module`` names the exports module handed to ``write`` (“exports.enterprises.excel”)."""
        super().__init__(page)
        self._module = module
        self._page = page
        self._runner = runner
        self._settings = settings
        self._label = label
        self._unit = unit
        self.task: Task | None = None
        """The last export started (None once it has written its file)."""

    def start(self, stem: str, write: Write) -> Task | None:
        """Ask for the file (named ``stem-YYYYMMDD.xlsx``), then run ``write`` in the background;
        None when the user cancelled the file dialog."""
        path = choose_export_path(self._page, self._settings, stem)
        if path is None:
            return None

        def work(progress: Progress) -> int:
            return write(importlib.import_module(self._module), path, progress)

        task = self._runner.run(work, title=_tr("导出Excel"), label=self._label)
        task.sig_finished.connect(lambda count: self._exported(path, int(count)))
        task.sig_cancelled.connect(lambda: self._page.sig_status.emit(_tr("已取消导出，未生成文件")))
        self.task = task
        return task

    def _exported(self, path: Path, count: int) -> None:
        self.task = None
        self._page.sig_status.emit(_tr("已导出 {0} {1}：{2}").format(count, self._unit, path))
        self.sig_finished.emit(str(path), count)
        choice = messages.info(self._page, _tr("导出完成"),
                               _tr("已导出 {0} {1}到：\n{2}").format(count, self._unit, path),
                               options=[_tr("确定"), _tr("打开所在文件夹")])
        if choice == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
