"""Exports from the window, the same way on every page. A list to Excel: ask where to save, write the current filter
and order in the background (progress after a moment, 取消 leaves no file), then say where the
file is. The list's exports module (``exports.<module>.excel``, and openpyxl) is imported only when an
export runs. A file of one record — a report (``plans.report``) in PDF or Word in the user's house style,
labels, a template — through ``ask_save_path`` and ``export_file`` / ``export_report``: asked for, written on a
worker thread, then where it is.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget
from sqlalchemy.orm import Session

from desktop.kit import messages
from desktop.kit.pages import Page
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from models.core.database import Database
from models.core.progress import Progress

if TYPE_CHECKING:
    from plans.report import ReportDocument

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


# ---- a file of one record (a report, labels, a template): asked for, written in the background

FILE_FILTERS = {".pdf": "PDF 文件 (*.pdf)", ".docx": "Word 文档 (*.docx)", ".xlsx": "Excel 工作簿 (*.xlsx)"}


def ask_save_path(parent: QWidget, settings: Settings, title: str, stem: str, suffixes: tuple[str, ...]) -> Path | None:
    """Ask where to save ``stem`` (in the last export folder; the first suffix unless the user typed
    one of the others); None: cancelled."""
    folder = Path(settings.last_export_dir or Path.home())
    filters = ";;".join(_tr(FILE_FILTERS[s]) for s in suffixes)
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(folder / f"{stem}{suffixes[0]}"), filters)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in suffixes:
        path = path.with_name(path.name + suffixes[0])
    settings.last_export_dir = str(path.parent)
    return path


def export_file(page: Page, runner: TaskRunner, db: Database, label: str, path: Path,
                work: Callable[[Session, Path], int]) -> Task:
    """Run ``work(session, path)`` (returns the pages written, 0 when it does not count them) in a read
    on a worker thread, then say where the file is."""

    def job(_progress: Progress) -> int:
        with db.read() as s:
            return work(s, path)

    task = runner.run(job, label=_tr("正在导出{0}…").format(label), title=_tr("导出"))

    def done(pages: int) -> None:
        counted = _tr("，共 {0} 页").format(pages) if pages else ""
        page.sig_status.emit(_tr("已导出{0}：{1}").format(label, path))
        messages.info(page, _tr("导出完成"), _tr("已导出{0}{1}：\n{2}").format(label, counted, path))

    task.sig_finished.connect(done)
    return task


def export_report(page: Page, runner: TaskRunner, settings: Settings, db: Database, label: str, stem: str,
                  build: Callable[[Session], ReportDocument], path: Path | None = None) -> Task | None:
    """A report (``plans.report``) as PDF or Word by the file's name, in the user's house style,
    built and drawn on a worker thread; None when the user cancelled the file dialog."""
    path = path or ask_save_path(page, settings, _tr("导出{0}").format(label), stem, (".pdf", ".docx"))
    if path is None:
        return None
    style_key = settings.export_style

    def work(s: Session, target: Path) -> int:
        from exports.report import render_report
        from exports.styles import load_style

        fmt = "docx" if target.suffix.lower() == ".docx" else "pdf"
        return render_report(build(s), fmt, target, style=load_style(style_key)).pages or 0

    return export_file(page, runner, db, label, path, work)


# ---- a JSON document an administrator edits outside the window (plan templates, evaluation forms)

def save_json_file(parent: QWidget, title: str, name: str, data: object) -> Path | None:
    """Ask where, then write ``data`` as indented UTF-8 JSON; None when cancelled or not written
    (the reason shown)."""
    target, _ = QFileDialog.getSaveFileName(parent, title, name, _tr("JSON 文件 (*.json)"))
    if not target:
        return None
    try:
        Path(target).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        messages.warn(parent, _tr("无法导出"), _tr("无法写入 {0}：{1}").format(target, exc.strerror or exc))
        return None
    return Path(target)


def open_json_file(parent: QWidget, title: str, what: str) -> tuple[Path, Any] | None:
    """Ask for a JSON file and read it; None when cancelled or unreadable (``what`` names it in the
    message: “模板文件”, “评估表文件”)."""
    source, _ = QFileDialog.getOpenFileName(parent, title, "", _tr("JSON 文件 (*.json)"))
    if not source:
        return None
    try:
        return Path(source), json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        messages.warn(parent, _tr("无法导入"), _tr("无法读取{0} {1}：{2}").format(what, Path(source).name, exc))
        return None
