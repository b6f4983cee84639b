"""Round trip (issue 9): a plan exported to Word, edited in Word, imported again.

One database per module: a demo enterprise with its plans and the published "kitchen sink" plan
(every block kind). Each plan is exported in both house styles, imported back and compared section
by section with its source — titles, levels, keys, blocks — and through the store: the new plan
takes the title, plan number and version of the cover and the template of the source, and prints
the same sections, tables, text and annexes. A paragraph changed in the .docx comes back as the
one change (``plans.diff``). When LibreOffice is installed, the file is also saved by it first
(what a user of LibreOffice or WPS does), the committed tests do not need it.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from exports.fonts import FontSet, find_fonts
from exports.plans.docx import render_docx
from exports.styles import load_style
from models.core.database import Database
from models.core.errors import ValidationError
from models.core.uow import unit_of_work
from models.plans.entities import Plan
from models.plans.service import PlanData
from plans.diff import diff
from plans.document import Document, Image, Paragraph, find_section, numbered, set_blocks
from plans.plans import store
from plans.plans.print_model import PrintDocument
from plans.word_import import ImportResult, import_docx
from tests.conftest import make_db
from tests.exports import samples
from tests.factories import TESTER
from tests.plans.test_word_import import save_with_libreoffice

STYLES = ("default", "gbt9704")
EDITED = "分页之后的内容。"


@dataclass
class Sample:
    db: Database
    sink_id: int
    sink: PrintDocument
    fonts: FontSet
    files: dict[str, bytes]  # house style → the kitchen sink's .docx
    demo_ids: list[int]  # the demo enterprise's plans (the tests add imported ones)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    db = make_db("sqlite", tmp_path_factory.mktemp("round_trip"))
    samples.fill_demo(db, count=1)
    with db.read() as s:
        demo_ids = list(s.scalars(select(Plan.id).order_by(Plan.id)))
    sink_id = samples.add_kitchen_sink(db)
    sink = samples.print_doc(db, sink_id)
    fonts = find_fonts()
    yield Sample(db, sink_id, sink, fonts, {key: export(sink, key, fonts) for key in STYLES}, demo_ids)
    db.dispose()


def export(doc: PrintDocument, key: str, fonts: FontSet) -> bytes:
    buffer = io.BytesIO()
    render_docx(doc, buffer, style=load_style(key), fonts=fonts)
    return buffer.getvalue()


def reimport(data: bytes, doc: PrintDocument) -> ImportResult:
    return import_docx(data, wording=store.import_wording(), template=doc.template)


def outline(document: Document) -> list[tuple[str, str, str, str | None, bool, list[object]]]:
    """Every section: number, title, key, template key, required, blocks."""
    return [(n, s.title, s.key, s.template_key, s.required, list(s.blocks)) for n, s in numbered(document)]


def printed(doc: PrintDocument) -> tuple[list[object], list[object]]:
    """What a printed plan shows: its sections (level, heading, blocks) and annexes."""
    return ([(s.level, s.heading(), s.blocks) for s in doc.sections],
            [(a.heading, a.separate, a.blocks, a.source) for a in doc.annexes])


def edit_paragraph(data: bytes, old: str, new: str) -> bytes:
    """The .docx with one paragraph's text changed, as Word would save it (python-docx)."""
    word = docx.Document(io.BytesIO(data))
    (paragraph,) = [p for p in word.paragraphs if p.text == old]
    paragraph.runs[0].text = new
    for run in paragraph.runs[1:]:
        run.text = ""
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def edit_cover(data: bytes, values: dict[str, str]) -> bytes:
    """The .docx with cover fields ("预案编号：" → value) changed in the cover table."""
    word = docx.Document(io.BytesIO(data))
    for row in word.tables[0].rows:
        label = "".join(row.cells[0].text.split())
        if label in values:
            row.cells[1].paragraphs[0].runs[0].text = values[label]
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("key", STYLES)
def test_an_exported_plan_imports_as_its_source(sample: Sample, key: str) -> None:
    result = reimport(sample.files[key], sample.sink)
    source = sample.sink.document
    assert source is not None
    assert result.document.title == sample.sink.title
    assert outline(result.document) == outline(source)
    assert result.plan_no == samples.SINK_NO and result.version_label == "V1.0"
    assert result.cover["compiling_unit"] == "安全环保部" and result.title_from == "cover"
    assert result.front_matter == ["cover", "decree", "signoff", "revisions", "toc", "annex_index"]
    assert result.template is sample.sink.template
    assert [(a.number, a.key) for a in result.annexes] == [(a.number, a.key) for a in sample.sink.annexes]
    assert [a.status for a in result.annexes] == ["separate" if a.separate else "generated"
                                                  for a in sample.sink.annexes]
    assert set(result.images) == {b.sha256 for s in sample.sink.sections for b in s.blocks if isinstance(b, Image)}
    report = "\n".join(result.report)
    for said in (f"预案名称“{sample.sink.title}”取自封面", f"预案编号“{samples.SINK_NO}”和版本号“V1.0”取自封面",
                 "已略去封面、发布令、编制、审核与批准、修订记录、目次", "识别出 8 个附件",
                 "附件1　生产经营单位概况、附件5　有关应急部门、机构或人员的联系方式由系统根据台账数据生成",
                 "等 6 个附件另行装订", "附件目录（列出 8 个附件）未导入", "与“综合应急预案”模板（第 1 版）对应",
                 "页眉页脚中的文字未导入"):
        assert said in report, said
    assert "前言" not in [s.title for _, s in numbered(result.document)]
    assert result.inferred == result.report[1:1 + len(result.inferred)] and result.notes


def test_every_demo_plan_round_trips_in_both_styles(sample: Sample) -> None:
    kinds: set[str] = set()
    for plan_id in sample.demo_ids:
        doc = samples.print_doc(sample.db, plan_id)
        assert doc.document is not None
        kinds.add(doc.kind)
        for key in STYLES:
            result = reimport(export(doc, key, sample.fonts), doc)
            assert result.document.title == doc.title, (plan_id, key)
            assert outline(result.document) == outline(doc.document), (plan_id, key)
            assert result.template is not None and result.template.kind == doc.kind
    assert kinds == {"comprehensive", "special", "onsite", "card"}


def test_exported_imported_exported_prints_the_same_plan(sample: Sample) -> None:
    """Imported through the store (as the window and the CLI do) and exported again."""
    with sample.db.read() as s:
        enterprise_id = s.get(Plan, sample.sink_id).enterprise_id
    with unit_of_work(sample.db, TESTER) as uow:
        new_id, _ = store.import_word(uow, enterprise_id, sample.files["gbt9704"],
                                      PlanData(kind="comprehensive", plan_no="YA-TEST-99-W"))
    with sample.db.read() as s:
        plan = s.get(Plan, new_id)
        assert (plan.title, plan.plan_no, plan.version_label, plan.status) == (
            sample.sink.title, "YA-TEST-99-W", "V1.0", "draft")
        assert (plan.template_key, plan.template_version) == ("comprehensive", "1")
    again = samples.print_doc(sample.db, new_id)
    assert printed(again) == printed(sample.sink)
    assert again.images == sample.sink.images and again.watermark == "草稿"
    # and once more: the second export imports as the first one did
    assert again.document is not None and sample.sink.document is not None
    second = reimport(export(again, "default", sample.fonts), again)
    assert outline(second.document) == outline(sample.sink.document) == outline(again.document)


@pytest.mark.parametrize("key", STYLES)
def test_a_paragraph_changed_in_word_is_the_one_change(sample: Sample, key: str) -> None:
    source = sample.sink.document
    assert source is not None
    changed = "分页之后的内容，已在 Word 中改过。"
    result = reimport(edit_paragraph(sample.files[key], EDITED, changed), sample.sink)
    found = diff(source, result.document)
    (section,) = found.changed
    assert section.text_changed and not (section.added or section.removed or section.moved or section.renamed)
    assert [(b.op, b.old_text, b.new_text) for b in section.blocks if b.op != "equal"] == [
        ("replace", EDITED, changed)]
    assert not found.title_changed and found.summary() == "修改内容 1 节"
    # exactly the source with that one paragraph replaced
    blocks = [Paragraph(changed) if b == Paragraph(EDITED) else b
              for b in find_section(source, section.key).blocks]  # type: ignore[union-attr]
    assert result.document.sections == set_blocks(source, section.key, blocks).sections


def test_the_cover_edited_in_word_gives_the_new_plan_its_number_and_version(sample: Sample) -> None:
    data = edit_cover(sample.files["default"], {"预案编号：": "YA-TEST-100", "版本号：": "V2.0"})
    with sample.db.read() as s:
        enterprise_id = s.get(Plan, sample.sink_id).enterprise_id
    with unit_of_work(sample.db, TESTER) as uow:
        new_id, result = store.import_word(uow, enterprise_id, data, PlanData(kind="comprehensive"))
    assert (result.plan_no, result.version_label) == ("YA-TEST-100", "V2.0")
    with sample.db.read() as s:
        plan = s.get(Plan, new_id)
        assert (plan.plan_no, plan.version_label, plan.title) == ("YA-TEST-100", "V2.0", sample.sink.title)


def test_explicit_number_and_title_win_and_a_taken_number_is_refused(sample: Sample) -> None:
    with sample.db.read() as s:
        enterprise_id = s.get(Plan, sample.sink_id).enterprise_id
        before = s.scalar(select(func.count(Plan.id)))
    # The cover's number is the source plan's own: taken in this enterprise, nothing written.
    with pytest.raises(ValidationError) as info, unit_of_work(sample.db, TESTER) as uow:
        store.import_word(uow, enterprise_id, sample.files["default"], PlanData(kind="comprehensive"))
    assert info.value.for_field("plan_no") and f"已有编号为“{samples.SINK_NO}”" in str(info.value)
    with sample.db.read() as s:
        assert s.scalar(select(func.count(Plan.id))) == before
    with unit_of_work(sample.db, TESTER) as uow:
        new_id, _ = store.import_word(uow, enterprise_id, sample.files["default"],
                                      PlanData(kind="comprehensive", plan_no="YA-EXPLICIT", title="改过名称的预案"))
    with sample.db.read() as s:
        plan = s.get(Plan, new_id)
        assert (plan.plan_no, plan.title) == ("YA-EXPLICIT", "改过名称的预案")


def test_a_plan_of_another_kind_does_not_take_the_template(sample: Sample) -> None:
    """The kind chosen on import has other annexes: the sections are imported, no template taken."""
    with sample.db.read() as s:
        enterprise_id = s.get(Plan, sample.sink_id).enterprise_id
    with unit_of_work(sample.db, TESTER) as uow:
        new_id, result = store.import_word(uow, enterprise_id, sample.files["default"],
                                           PlanData(kind="special", plan_no="ZX-WORD-01"))
    assert result.template is None
    assert [a.key for a in result.annexes] == [None, "risk_assessment", None, "supplies", "contacts", "forms",
                                               "routes_maps", None]
    with sample.db.read() as s:
        assert s.get(Plan, new_id).template_key == ""
        document, _ = store.load_document(s, new_id)
    assert sample.sink.document is not None
    assert [(n, t.title, t.blocks) for n, t in numbered(document)] == [
        (n, t.title, t.blocks) for n, t in numbered(sample.sink.document)]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_an_export_saved_by_libreoffice_imports_as_its_source(sample: Sample, tmp_path: Path) -> None:
    """What a user of LibreOffice (or WPS) does: open the export, change a paragraph, save."""
    source = sample.sink.document
    assert source is not None
    files = []
    for key in STYLES:
        path = tmp_path / f"{key}.docx"
        path.write_bytes(edit_paragraph(sample.files[key], EDITED, "在 LibreOffice 中改过。"))
        files.append(path)
    saved = save_with_libreoffice(files, tmp_path)
    for path in files:
        result = reimport((saved / path.name).read_bytes(), sample.sink)
        assert diff(source, result.document).summary() == "修改内容 1 节", path.name
        assert result.plan_no == samples.SINK_NO and result.document.title == sample.sink.title


@pytest.mark.parametrize("key", STYLES)
def test_headings_deeper_than_four_levels_keep_their_depth(sample: Sample, key: str) -> None:
    from dataclasses import replace

    from plans.plans.print_model import PrintSection

    base = sample.sink.sections
    deep = [PrintSection(f"deep{n}", f"第{n}层标题", n, (1,) * n, [Paragraph(f"第{n}层的内容。")]) for n in range(1, 7)]
    doc = replace(sample.sink, sections=[*deep, *base[1:3]])
    data = export(doc, key, sample.fonts)
    assert b'<w:outlineLvl w:val="4"/>' in data or 'w:outlineLvl w:val="4"' in docx.Document(
        io.BytesIO(data)).element.xml
    levels = [(len(n.split(".")), s.title) for n, s in numbered(reimport(data, doc).document)]
    assert levels[:6] == [(n, f"第{n}层标题") for n in range(1, 7)]
