"""The plan pages' document actions: 导出 Word/PDF, 打印预览 and 批量归档.

Everything heavy runs through the task runner: building the printed document and its pre-print
check, rendering, writing files, the archive (with progress and 取消; a cancelled run leaves no
half-written file). The dialogs only collect choices. The house style chosen last is remembered in
the settings and offered next time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from desktop.enterprises.choices import load_enterprise_choices
from desktop.kit import messages
from desktop.kit.settings import Settings
from desktop.kit.tasks import Task, TaskRunner
from desktop.plans.export_dialog import ArchiveDialog, ArchiveRequest, ExportDialog
from models.core.actors import Actor
from models.core.database import Database
from models.core.progress import Progress

if TYPE_CHECKING:  # the exporters (reportlab, python-docx) are imported when an export runs
    from exports.plans.archive import ArchiveResult
    from exports.result import Format
    from plans.plans.annexes import AnnexBuilder
    from plans.plans.preprint import PreprintReport
    from plans.plans.print_model import PrintDocument


def _tr(text: str) -> str:
    return QCoreApplication.translate("PlanDocuments", text)


@dataclass(frozen=True)
class Prepared:
    """A plan ready to export: its printed document and pre-print check (built in the background)."""

    doc: PrintDocument
    report: PreprintReport


class PlanDocuments(QObject):
    sig_status = Signal(str)
    """A one-line result for the status bar."""

    sig_done = Signal(object)
    """An export, preview or archive finished; the argument is its result (paths, dialog, summary)."""

    def __init__(self, db: Database, runner: TaskRunner, settings: Settings, actor: Actor, parent: QWidget, *,
                 today: Callable[[], date] = date.today, annex_builders: Sequence[AnnexBuilder] | None = None) -> None:
        """``today`` gives the day live annexes are read for (the page's clock, as its deadlines use);
        ``annex_builders`` is the product's list (``plans.annexes.BUILDERS``, handed down by the main
        window: this page may not import what later modules contribute)."""
        super().__init__(parent)
        self.today = today
        self.annex_builders = annex_builders
        self._db = db
        self._runner = runner
        self._settings = settings
        self._actor = actor
        self._parent = parent
        self.task: Task | None = None
        self.last_dialog: QDialog | None = None

    def _styles(self) -> list[tuple[str, str]]:
        from exports.styles import style_choices

        return style_choices()

    # --- one plan --------------------------------------------------------------------------------------

    def export(self, plan_id: int) -> Task:
        """Pre-print check, then the export dialog, then the file(s) in the background."""
        db, as_of, builders, style_key = self._db, self.today(), self.annex_builders, self._settings.export_style

        def work(_progress: Progress) -> Prepared:
            from exports.plans.export import load_print_document
            from exports.plans.glyphs import glyph_check
            from exports.styles import load_style
            from plans.plans.preprint import preprint_check

            doc = load_print_document(db, plan_id, as_of=as_of, annex_builders=builders)
            return Prepared(doc, preprint_check(doc, glyph_check(load_style(style_key))))

        task = self._runner.run(work, label=_tr("正在检查预案…"), title=_tr("打印前检查"))
        task.sig_finished.connect(self._choose_export)
        self.task = task
        return task

    def _choose_export(self, prepared: Prepared) -> None:
        doc, report = prepared.doc, prepared.report
        dialog = ExportDialog(doc.title, report, self._styles(), self._settings.export_style, self._parent)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        self._settings.export_style = choice.style
        folder = Path(self._settings.last_export_dir or Path.home())
        first = choice.formats[0]
        suggested = folder / f"{doc.file_stem}.{first}"
        filters = {"pdf": _tr("PDF 文档 (*.pdf)"), "docx": _tr("Word 文档 (*.docx)")}
        chosen, _ = QFileDialog.getSaveFileName(self._parent, _tr("导出预案文档"), str(suggested), filters[first])
        if not chosen:
            return
        base = Path(chosen)
        if base.suffix.lower() != f".{first}":
            base = base.with_name(base.name + f".{first}")
        self._settings.last_export_dir = str(base.parent)
        targets = [base.with_suffix(f".{fmt}") for fmt in choice.formats]
        self._write(doc, targets, choice.style)

    def _write(self, doc: PrintDocument, targets: list[Path], style_key: str) -> Task:
        def work(progress: Progress) -> tuple[list[Path], list[str], list[str]]:
            """The files written, the fonts used and the renderers' warnings."""
            from exports.files import write_atomically
            from exports.plans.export import render_plan
            from exports.styles import load_style

            style = load_style(style_key)
            toc: dict[str, int] | None = None
            rendered = []
            fonts: list[str] = []
            warnings: list[str] = []
            for n, target in enumerate(targets):
                progress.report(n, len(targets), _tr("正在生成 {0}…").format(target.name))
                fmt: Format = "pdf" if target.suffix == ".pdf" else "docx"
                out = render_plan(doc, fmt, style=style, toc_pages=toc, cancel=lambda: progress.cancelled)
                toc = toc or out.result.toc or None
                fonts = fonts or out.result.fonts
                warnings += [w for w in out.result.warnings if w not in warnings]
                rendered.append((target, out.data))
            for target, data in rendered:  # written only when every format rendered
                write_atomically(target, data)
            return targets, fonts, warnings

        task = self._runner.run(work, label=_tr("正在导出预案文档…"), title=_tr("导出预案文档"))
        task.sig_finished.connect(self._exported)
        task.sig_cancelled.connect(lambda: self.sig_status.emit(_tr("已取消导出，未生成文件")))
        self.task = task
        return task

    def _exported(self, outcome: tuple[list[Path], list[str], list[str]]) -> None:
        paths, fonts, warnings = outcome
        names = "\n".join(str(p) for p in paths)
        self.sig_status.emit(_tr("已导出：{0}").format("；".join(p.name for p in paths)))
        self.sig_done.emit(paths)
        text = _tr("已导出到：\n{0}").format(names)
        if warnings:
            text += "\n\n" + _tr("注意：\n{0}").format("\n".join(warnings))
        if fonts:
            text += "\n\n" + _tr("使用的字体：\n{0}").format("\n".join(fonts))
        choice = messages.info(self._parent, _tr("导出完成"), text,
                               options=[_tr("确定"), _tr("打开文件"), _tr("打开所在文件夹")])
        if choice == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths[0])))
        elif choice == 2:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths[0].parent)))

    def preview(self, plan_id: int) -> Task:
        """Render the PDF in the background and show it (the same bytes print and save)."""
        db, as_of, style_key, builders = self._db, self.today(), self._settings.export_style, self.annex_builders

        def work(progress: Progress) -> tuple[PrintDocument, PreprintReport, bytes, list[str]]:
            from exports.plans.export import load_print_document, render_plan
            from exports.plans.glyphs import glyph_check
            from exports.styles import load_style
            from plans.plans.preprint import preprint_check

            doc = load_print_document(db, plan_id, as_of=as_of, annex_builders=builders)
            progress.report(0, 0, _tr("正在排版…"))
            style = load_style(style_key)
            rendered = render_plan(doc, "pdf", style=style, cancel=lambda: progress.cancelled)
            return doc, preprint_check(doc, glyph_check(style)), rendered.data, rendered.result.warnings

        task = self._runner.run(work, label=_tr("正在生成打印预览…"), title=_tr("打印预览"))
        task.sig_finished.connect(self._show_preview)
        self.task = task
        return task

    def _show_preview(self, result: tuple[PrintDocument, PreprintReport, bytes, list[str]]) -> None:
        from desktop.kit.preview import PreviewDialog  # QtPdf and QtPrintSupport: on first use

        doc, report, data, warnings = result
        notes = ([] if report.clean else [report.summary()]) + warnings
        dialog = PreviewDialog(data, doc.title, file_name=f"{doc.file_stem}.pdf", notes=notes,
                               parent=self._parent)
        self.last_dialog = dialog
        self.sig_done.emit(dialog)
        dialog.open()

    # --- the archive -----------------------------------------------------------------------------------

    def archive(self, enterprise_id: int | None = None) -> Task | None:
        from sqlalchemy import select

        from models.core.entities import Department

        with self._db.read() as session:
            departments = [(d.name, d.code) for d in session.scalars(
                select(Department).where(Department.deleted_at.is_(None)).order_by(Department.sort_order))]
        dialog = ArchiveDialog(load_enterprise_choices(self._db), departments, self._styles(),
                               self._settings.export_style, self._settings.last_export_dir or str(Path.home()),
                               enterprise_id=enterprise_id, parent=self._parent)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        request = dialog.request()
        if request is None:
            return None
        self._settings.export_style = request.style
        return self.run_archive(request)

    def run_archive(self, request: ArchiveRequest) -> Task:
        db, as_of, who, builders = self._db, self.today(), self._actor.name, self.annex_builders

        def work(progress: Progress) -> ArchiveResult:
            from exports.plans.archive import ArchiveFilter, export_archive

            flt = ArchiveFilter(request.enterprise_id, request.department, request.kind, request.status,
                                request.published_from, request.published_to)
            formats: tuple[Format, ...] = ("pdf", "docx") if request.docx else ("pdf",)
            return export_archive(db, flt, request.out.parent if request.is_zip else request.out, as_of=as_of,
                                  exported_at=datetime.now(), exported_by=who, formats=formats,
                                  style_key=request.style, zip_path=request.out if request.is_zip else None,
                                  progress=progress, annex_builders=builders)

        task = self._runner.run(work, label=_tr("正在归档预案…"), title=_tr("批量归档"))
        task.sig_finished.connect(lambda result: self._archived(result, request))
        task.sig_cancelled.connect(lambda: self.sig_status.emit(
            _tr("已取消归档；已完成的文件完整保留，没有写了一半的文件")))
        self.task = task
        return task

    def _archived(self, result: ArchiveResult, request: ArchiveRequest) -> None:
        summary = result.summary()
        self.sig_status.emit(summary)
        self.sig_done.emit(result)
        folder = request.out.parent if request.is_zip else request.out
        if messages.info(self._parent, _tr("归档完成"), summary, options=[_tr("确定"), _tr("打开所在文件夹")]) == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
