"""What a printed plan tells the generic renderers about itself (``exports.layout.DocumentInfo``).

The running header is the plan number, version and control status; the watermark is the print
model's choice (草稿 for a draft, 作废 for a retired plan or a superseded version); the file's
metadata — title, author (the compiling unit), subject, keywords, the content's own date — and
Word's category, status, identifier and version are the plan's.
"""

from __future__ import annotations

from exports.layout import DocumentInfo
from plans.plans.print_model import PrintDocument

SEPARATE = "另行装订"  # an annex that is not printed with the plan


def document_info(doc: PrintDocument) -> DocumentInfo:
    meta = doc.metadata
    return DocumentInfo(title=meta.title, author=meta.author, subject=meta.subject, keywords=list(meta.keywords),
                        created=meta.created, header_text=doc.header_text, watermark=doc.watermark,
                        images=doc.images, category=doc.kind_label, status=doc.status_label,
                        identifier=doc.plan_no, version=doc.version_label)
