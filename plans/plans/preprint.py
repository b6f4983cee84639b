"""Pre-print check (打印前检查): what is missing before a plan is exported, printed or archived.

The completeness check of the plan (empty required sections, guidance left in, missing cover data,
against the template the plan was created from), plus what printing adds: a missing approval
(批准日期), characters the chosen fonts cannot draw (``glyphs``), expired items reported by the live annexes (the warnings of the annex builders the
print model was given: supplies, teams… once those modules contribute theirs to
``plans.annexes.BUILDERS``), and the watermark the copy will carry. Errors do not forbid exporting:
the user may still export a draft (it is watermarked 草稿 anyway unless the plan is published).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from plans.completeness import CoverValue, Finding, Severity, check
from plans.document import Document
from plans.plans.print_model import PrintDocument
from plans.plans.templates import shipped_template_of
from plans.template import Template


def check_plan(document: Document, cover: Mapping[str, CoverValue], template: Template | None = None) -> list[Finding]:
    """The completeness check of a plan document (``plans.completeness.check``) against ``template``,
    the one the plan was created from (``plans.plans.template_store.template_for``); without it,
    against the shipped template of the document's kind (``meta["template_key"]``), if any."""
    return check(document, cover, template or shipped_template_of(document))


@dataclass(frozen=True)
class PreprintReport:
    findings: list[Finding]
    watermark: str | None
    draft: bool  # the working draft is printed (not a published version)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def clean(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        """One Chinese sentence for a dialog heading or the CLI."""
        if self.clean:
            return "检查通过，可以导出。"
        errors, warnings = len(self.errors), len(self.findings) - len(self.errors)
        parts = [f"{errors} 项必须处理"] if errors else []
        parts += [f"{warnings} 项建议处理"] if warnings else []
        text = "打印前检查发现" + "、".join(parts) + "。"
        if self.watermark:
            text += f"仍可导出，文档将带“{self.watermark}”水印。"
        return text


def preprint_check(doc: PrintDocument,
                   glyphs: Callable[[PrintDocument], list[Finding]] | None = None) -> PreprintReport:
    """What to fix before printing ``doc``; ``glyphs`` adds what the chosen fonts cannot draw (the
    exporters' ``exports.plans.glyphs.glyph_check(style)``: this layer knows no fonts)."""
    findings: list[Finding] = []
    if doc.document is not None:
        findings += check_plan(doc.document, doc.record, doc.template)
    if not doc.record.get("approval_date"):
        findings.append(Finding("尚未批准：封面缺少批准日期（主要负责人签署批准的日期）。", Severity.ERROR,
                                "approval_date", "cover"))
    findings += [Finding(w, Severity.WARNING, "", "document") for w in doc.warnings()]
    if glyphs is not None:
        findings += glyphs(doc)
    return PreprintReport(findings, doc.watermark, doc.version_number is None)
