"""A drill's own documents on the document model (AQ/T 9007 准备 and 实施): the 演练工作方案 and the
演练保障方案 (their sections from ``models/drills/refdata/documents.json``), the 演练脚本 (a table of
timed steps whose header repeats on every page), the 签到表 (rows tall enough to sign, blank rows for
people not listed beforehand) and the 演练记录 (the notes, the photos in the text, the other files
listed with their checksum). Each is a ``ReportDocument``, drawn by ``exports.report`` like
the evaluation and summary reports, and one part of the 演练档案 (``plans.drills.dossier``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from sqlalchemy.orm import Session

from models.core import attachments
from models.core.errors import NotFoundError
from models.drills import documents as dd
from models.drills.entities import Drill, DrillDocument
from models.enterprises.entities import Enterprise
from plans.document import Block, Cell, Image, Paragraph, Table
from plans.drills.report import drill_facts
from plans.report import ReportDocument, ReportSection

NUMERALS = "一二三四五六七八九十"
SIGN_ROW_MM = 10.0  # a sign-in row's least height: room for a handwritten name
BLANK_SIGN_ROWS = 4  # rows left blank for people not on the list
MIN_SIGN_ROWS = 12
PHOTO_WIDTH_MM = 120.0


def numeral(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99 (section numbers)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def _numbered(titles_blocks: list[tuple[str, list[Block]]], **kw: object) -> list[ReportSection]:
    return [ReportSection(f"{numeral(n)}、{title}", blocks, **kw)  # type: ignore[arg-type]
            for n, (title, blocks) in enumerate(titles_blocks, 1)]


def _paragraphs(text: str, empty: str = "（未填写。）") -> list[Block]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [Paragraph(line) for line in lines] or [Paragraph(empty)]


class _Context:
    """What every document of one drill shares: the drill, its enterprise, its stored documents."""

    def __init__(self, session: Session, drill_id: int) -> None:
        drill = session.get(Drill, drill_id)
        if drill is None or drill.is_deleted:
            raise NotFoundError(Drill.__label__, drill_id)
        self.session = session
        self.drill = drill
        enterprise = session.get(Enterprise, drill.enterprise_id)
        self.ent_name = enterprise.name if enterprise is not None else ""
        self.loaded = dd.load(session, drill_id)
        self.data = self.loaded.data
        self.rules = dd.document_rules()

    @property
    def header(self) -> str:
        return f"{self.ent_name}　{self.drill.drill_no}".strip("　")

    @property
    def when(self) -> str:
        return (self.drill.held_on or self.drill.planned_at.date()).isoformat()

    def facts(self) -> Table:
        return Table([[Cell(k), Cell(v)] for k, v in drill_facts(self.session, self.drill, self.ent_name)],
                     header_rows=0)

    def document(self, kind: str, title: str, sections: list[ReportSection], **kw: object) -> ReportDocument:
        return ReportDocument(title=title, subtitle=f"{self.ent_name}　{self.drill.title}".strip("　"),
                              author=self.ent_name, header_text=self.header,
                              created=self.loaded_time(), sections=sections,
                              keywords=("应急演练", kind, self.ent_name, self.drill.drill_no), **kw)  # type: ignore[arg-type]

    def loaded_time(self) -> datetime:
        """The content's own time: the later of the drill's and its documents' last change."""
        doc = self.session.get(DrillDocument, self.loaded.document_id) if self.loaded.document_id else None
        return max(self.drill.updated_at, doc.updated_at) if doc is not None else self.drill.updated_at

    def sections_of(self, part: str, values: dict[str, str]) -> list[tuple[str, list[Block]]]:
        out = []
        for spec in self.rules.sections(part):
            text = values.get(spec.key, "")
            if not text and part == "work_plan" and spec.key == "scenario":
                text = self.drill.scenario  # the drill's own scenario until the plan says more
            out.append((spec.label, _paragraphs(text)))
        return out


def build_work_plan(session: Session, drill_id: int) -> ReportDocument:
    c = _Context(session, drill_id)
    label = c.rules.parts["work_plan"].label
    sections = _numbered([("演练基本情况", [c.facts()]), *c.sections_of("work_plan", c.data.work_plan)])
    return c.document(label, label, sections)


def build_support_plan(session: Session, drill_id: int) -> ReportDocument:
    c = _Context(session, drill_id)
    label = c.rules.parts["support_plan"].label
    return c.document(label, label, _numbered(c.sections_of("support_plan", c.data.support_plan)))


def script_table(steps: list[dd.ScriptStep]) -> Table:
    head = [Cell("序号"), Cell("时间"), Cell("演练步骤"), Cell("责任人"), Cell("预期行动")]
    return Table([head] + [[Cell(str(n)), Cell(s.start), Cell(s.step), Cell(s.responsible or "—"),
                            Cell(s.expected or "—")] for n, s in enumerate(steps, 1)], header_rows=1)


def build_script(session: Session, drill_id: int) -> ReportDocument:
    c = _Context(session, drill_id)
    steps = c.data.steps
    if steps:
        span = f"共 {len(steps)} 步，自 {steps[0].start} 至 {steps[-1].start}"
        if steps[0].start.startswith("T"):
            span += "（T 为演练开始的时刻，T+15 即开始后第 15 分钟）"
        steps_blocks: list[Block] = [script_table(steps)]
    else:
        span, steps_blocks = "尚未编写演练步骤", [Paragraph("（未填写。）")]
    intro = [Paragraph(f"演练：{c.drill.title}，{c.when}，{c.drill.location or '地点未填'}；{span}。")]
    sections = _numbered([("演练概况", intro), ("演练步骤", steps_blocks)])
    return c.document("演练脚本", "演练脚本", sections)


def build_sign_in(session: Session, drill_id: int) -> ReportDocument:
    """The 签到表: the people listed beforehand, then blank rows, each tall enough to sign in."""
    c = _Context(session, drill_id)
    rows = c.data.sign_ins
    head = [Cell("序号"), Cell("姓名"), Cell("单位"), Cell("演练职责"), Cell("联系电话"), Cell("签到")]
    body = [[Cell(str(n)), Cell(r.name), Cell(r.unit), Cell(r.duty), Cell(r.phone), Cell("已签到" if r.signed else "")]
            for n, r in enumerate(rows, 1)]
    blanks = max(BLANK_SIGN_ROWS, MIN_SIGN_ROWS - len(rows))
    body += [[Cell(str(n))] + [Cell("") for _ in range(5)] for n in range(len(rows) + 1, len(rows) + blanks + 1)]
    signed = sum(r.signed for r in rows)
    intro = Paragraph(f"演练：{c.drill.title}　时间：{c.when}　地点：{c.drill.location or '　' * 6}")
    count = Paragraph(f"应到 {len(rows)} 人，实到 {signed} 人。" if rows else "应到　　人，实到　　人。")
    section = ReportSection("签到人员", [intro, Table([head, *body], header_rows=1), count], row_height_mm=SIGN_ROW_MM)
    return c.document("签到表", "签到表", [section])


def build_record(session: Session, drill_id: int) -> ReportDocument:
    """The 演练记录: what happened (the notes), the photos in the text, the other files by name,
    size and checksum (the files themselves stay in the database)."""
    c = _Context(session, drill_id)
    files = attachments.listing(session, dd.OWNER, c.loaded.document_id) if c.loaded.document_id else []
    photos = [f for f in files if f.kind == "photo"]
    others = [f for f in files if f.kind != "photo"]
    signed = sum(r.signed for r in c.data.sign_ins)
    held = c.drill.held_on.isoformat() if c.drill.held_on else "（尚未实施）"
    facts = Table([[Cell("实施日期"), Cell(held)], [Cell("演练地点"), Cell(c.drill.location or "—")],
                   [Cell("签到人数"), Cell(f"{signed} 人（签到表列出 {len(c.data.sign_ins)} 人）")],
                   [Cell("现场照片"), Cell(f"{len(photos)} 张")], [Cell("视频和其他文件"), Cell(f"{len(others)} 个")]],
                  header_rows=0)
    images: dict[str, tuple[bytes, str]] = {}
    photo_blocks: list[Block] = []
    for n, photo in enumerate(photos, 1):
        _name, data = attachments.file_data(session, photo.id)
        images[photo.sha256] = (data, photo.mime)
        photo_blocks.append(Image(photo.sha256, photo.mime, f"图 {n}　{PurePath(photo.filename).stem}", PHOTO_WIDTH_MM))
    listed: list[Block] = [Paragraph("无。")]
    if others:
        listed = [Table([[Cell("类型"), Cell("文件名"), Cell("大小"), Cell("校验值（SHA-256 前 16 位）")]]
                        + [[Cell(f.kind_label), Cell(f.filename), Cell(attachments.size_text(f.size)), Cell(f.sha256[:16])]
                           for f in others], header_rows=1)]
    sections = _numbered([("基本情况", [facts]), ("过程记录", _paragraphs(c.data.record_notes, "（未记录。）")),
                          ("现场照片", photo_blocks or [Paragraph("无。")]), ("视频和其他文件", listed)])
    return c.document("演练记录", "演练记录", sections, images=images)
