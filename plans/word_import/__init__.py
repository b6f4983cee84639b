"""Import an existing plan from a Word .docx file into the document model (P8).

``import_docx(path_or_bytes)`` reads the body in order — paragraphs and tables interleaved, as
the XML body children come (content controls and custom XML are looked into) — and returns the
document, the images it holds (keyed by SHA-256) and a report in Chinese. Nothing is dropped
silently: every paragraph and table of the body ends up in the document or is named in the
report (tables of contents, charts, SmartArt, embedded objects, linked or EMF/WMF images,
footnotes, tracked deletions, headers and footers). A file that is not a readable .docx raises
``WordImportError`` (a ``DeskError``) and nothing is returned.

How a paragraph is classified, in this order:
1. TOC styles ("toc 1" … / "目录 1" …) and table-of-contents content controls: skipped, counted in
   the report (the table of contents is generated again from the sections).
2. The first "Title"/"标题" styled paragraph before any heading: the document title.
3. Explicit headings: a style named "Heading 1"…"Heading 9" or "标题 1"…"标题 9" (Chinese Word
   stores its built-in headings under the English name) or with an outline level, found along
   the ``basedOn`` chain; the paragraph's own ``w:outlineLvl`` (0–8; 9 = body text) overrides its
   style. Level = the number.
4. Word automatic numbering (``w:numPr`` on the paragraph or its style): the label Word would
   show is computed from the numbering definition (``lvlText`` with each level's ``numFmt`` —
   decimal, 一二三 counting, 壹贰叁, 甲乙丙, letters, roman, circled — and counters kept per
   abstract numbering definition, restarted by ``startOverride``). Bullets → bullet list. A
   label like 第一章 / 第一节 / 一、 / （一） / 1.1 / 1.1.1 on heading-like text → heading. A
   plain "1." label → heading only when the same list also has "1.1"-style levels in the
   document (an outline list), else a numbered-list item; （1）, a), ① … → numbered-list item.
5. Typed numbering at the start of the text, ranked 第X章 > 第X节 > 一、 > （一） > 1 > 1.1 > 1.1.1 >
   … > （1）: a heading when the text after the number is heading-like. Typed "•", "●", "■" …
   → bullet list.
6. Everything else: a paragraph.

"Heading-like": 1–40 characters after the number, no 。；！？ inside, not ending in ，、：.
Runs of two or more consecutive "1." or "（1）" candidates with nothing between them are list
items, not headings (a heading is followed by its content).

Levels of numbered headings: a numbering kind that also appears on an explicit heading takes
that heading's level ("Heading 1: 第一章 总则" teaches 第X章 = 1). The other kinds present in the
document are ranked in the order above and placed below the most recent explicit heading. The
numbers themselves are removed from section titles — the document renumbers 1 / 1.1 / 1.1.1 —
and the report says so. A level jump (1 → 3) nests one level deeper.

Text before the first heading goes into a preface section (``template_key`` ``PREFACE``, not
numbered). Tables: ``gridSpan`` → colspan, ``vMerge`` → rowspan, leading ``tblHeader`` rows →
header rows (none marked: the first row is taken as the header). Images (``a:blip r:embed``,
VML ``v:imagedata``) → ``Image`` blocks: PNG and JPEG as they are, GIF/BMP/TIFF converted to PNG
with Pillow; a following "Caption"/"题注" paragraph (or one starting "图1") becomes the caption.
Page breaks (``w:br w:type="page"``, ``pageBreakBefore``) → ``PageBreak``. Text boxes → ordinary
paragraphs after their anchor paragraph.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from models.core.errors import DeskError
from plans.document import Document
from plans.word_import.build import Builder, header_footer_text
from plans.word_import.numbering import NumberLabel, format_number, heading_like, split_number
from plans.word_import.reader import Reader, excerpt

__all__ = ["ImportResult", "NumberLabel", "Source", "WordImportError", "format_number", "heading_like",
           "import_docx", "split_number"]


class WordImportError(DeskError):
    """The file cannot be read as a Word .docx document."""


@dataclass
class ImportResult:
    document: Document
    images: dict[str, tuple[bytes, str]]  # sha256 → (bytes, mime)
    report: list[str]


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
Source = str | os.PathLike[str] | bytes | BinaryIO


def _read_source(source: Source) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), ""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes(), path.stem
        except FileNotFoundError:
            raise WordImportError(f"找不到文件“{path.name}”。") from None
        except IsADirectoryError:
            raise WordImportError(f"“{path.name}”是文件夹，不是 Word 文档。") from None
        except PermissionError:
            raise WordImportError(f"没有权限读取文件“{path.name}”，请检查文件是否被其他程序占用。") from None
        except OSError as exc:
            raise WordImportError(f"无法读取文件“{path.name}”：{exc.strerror or exc}。") from None
    return source.read(), ""


def _open(data: bytes) -> Any:
    if data.startswith(_OLE_MAGIC):
        raise WordImportError("这是旧版 Word 97-2003 文档（.doc）或加了密码的文档，无法直接导入。"
                              "请先在 Word 或 WPS 中取消密码并“另存为”Word 文档（.docx）后再导入。")
    if not data.startswith(b"PK\x03\x04"):
        raise WordImportError("该文件不是 Word 文档（.docx）：文件内容不是 Word 格式，可能是改了扩展名的其他文件"
                              "（如文本文件）或已损坏。请在 Word 或 WPS 中打开并另存为 .docx 后再导入。")
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WordImportError("Word 文档已损坏或不完整（无法解压），请在 Word 或 WPS 中打开并另存后再导入。") from exc
    except (PackageNotFoundError, KeyError) as exc:
        raise WordImportError("该文件不是有效的 Word 文档（.docx）：缺少 Word 文档的组成部分，"
                              "可能是其他格式的压缩包，或文件已损坏。") from exc
    except etree.XMLSyntaxError as exc:
        raise WordImportError("Word 文档的内容已损坏（XML 格式错误），请在 Word 或 WPS 中打开并另存后再导入。") from exc
    except ValueError as exc:
        raise WordImportError("该文件不是 Word 文档（.docx），可能是 Excel、PowerPoint 或其他 Office 文件。") from exc


def import_docx(source: Source) -> ImportResult:
    """Read a .docx (path, bytes or binary file object) into a document; see the module docstring.

    The document title is the "Title"-styled paragraph before the first heading, else the file's
    core property title, else the file name without extension.
    """
    data, name = _read_source(source)
    document = _open(data)
    reader = Reader(document)
    try:
        reader.read_body(document.element.body)
        header_text = header_footer_text(document)
    except etree.XMLSyntaxError as exc:
        raise WordImportError("Word 文档的内容已损坏（XML 格式错误），请在 Word 或 WPS 中打开并另存后再导入。") from exc
    if header_text:
        reader.notes["headers"] = [f"“{excerpt(header_text, 40)}”"]
    title_hint = (document.core_properties.title or "").strip() or name
    model, summary = Builder(reader).build(title_hint)
    if name:
        model.meta["source_name"] = name
    return ImportResult(model, reader.images, [summary, *reader.report()])
