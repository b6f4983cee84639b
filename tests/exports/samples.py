"""Plans to export in the exporter tests: a demo plan system and one plan with every block kind.

``sample_db`` (module-scoped fixture factory) holds 3 demo enterprises with their plans (realistic
Chinese content, several pages each) and a published "kitchen sink" plan: paragraphs, bullet and
numbered lists, a table with a header row, merged cells and enough rows to cross a page, a PNG
image with a caption, a page break, and a long section. ``print_doc(db, plan_id)`` builds its
``PrintDocument``.
"""

from __future__ import annotations

import struct
import zlib
from datetime import date

from sqlalchemy import select

from models.core.database import Database
from models.core.uow import unit_of_work
from models.plans import service as ps
from models.plans.entities import Plan
from models.plans.service import PlanData
from plans import demo
from plans.document import (
    BulletList,
    Cell,
    Image,
    NumberedList,
    PageBreak,
    Paragraph,
    Table,
    find_section,
    iter_sections,
    set_blocks,
)
from plans.plans import print_model as pm
from plans.plans import store
from tests.factories import TESTER

AS_OF = date(2026, 11, 29)
SINK_NO = "YA-TEST-99"


def png(width: int = 320, height: int = 200) -> bytes:
    """A real PNG (a red–blue gradient) without any image library."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            row += bytes((x * 255 // width, 80, y * 255 // height))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def fill_demo(db: Database, count: int = 3) -> None:
    demo.generate(db, count=count, seed=7)


def add_kitchen_sink(db: Database) -> int:
    """A published comprehensive plan using every block kind; returns its id."""
    with db.read() as s:
        enterprise_id = s.scalar(select(Plan.enterprise_id).limit(1))
    assert enterprise_id is not None
    data = PlanData(kind="comprehensive", plan_no=SINK_NO, compiled_by="张编制", compiling_unit="安全环保部",
                    reviewers="王专家 市安全生产科学研究院\n赵专家 临江化工设计院", version_label="V1.0")
    with unit_of_work(db, TESTER) as uow:
        plan_id = store.create_from_template(uow, enterprise_id, data)
        digest = ps.add_image(uow, plan_id, png(), "image/png")
    with db.read() as s:
        document, version = store.load_document(s, plan_id)
    big = Table(rows=[[Cell("序号"), Cell("物资名称"), Cell("规格型号"), Cell("数量"), Cell("存放地点"),
                       Cell("管理责任人及联系电话")]]
                + [[Cell(str(i)), Cell(f"正压式空气呼吸器{i}"), Cell("RHZKF6.8/30"), Cell(f"{i % 7 + 1} 套"),
                    Cell("液氯储罐区应急物资柜（东侧防火堤外）"), Cell(f"李保管 1380000{i:04d}")]
                   for i in range(1, 61)], header_rows=1)
    merged = Table(rows=[[Cell("应急组织"), Cell("组成", colspan=2)],
                         [Cell("总指挥部", rowspan=2), Cell("总指挥"), Cell("王建国（总经理）")],
                         [Cell("副总指挥"), Cell("刘安全（安全总监）")]], header_rows=1)
    long_text = "。".join(f"第{i}条，现场人员应立即报告值班室，值班人员接报后按规定时限向应急管理部门报告" for i in range(1, 40))
    keys = [s.key for s in iter_sections(document)]
    document = set_blocks(document, keys[1], [
        Paragraph("本预案适用于本公司生产经营过程中可能发生的危险化学品泄漏、火灾爆炸、中毒窒息等生产安全事故的应急处置。"),
        BulletList(["液氯储罐区泄漏", "合成车间火灾爆炸", "有限空间作业中毒窒息"]),
        NumberedList(["立即报警", "组织疏散", "控制危险源"]),
        merged,
    ])
    document = set_blocks(document, keys[2], [Paragraph(long_text), PageBreak(), Paragraph("分页之后的内容。")])
    document = set_blocks(document, keys[4], [
        Image(digest, "image/png", "图1　厂区平面布置及疏散路线图"), big])
    assert find_section(document, keys[4]) is not None
    with unit_of_work(db, TESTER) as uow:
        store.save_document(uow, plan_id, document, version)
    for command, values in (("submit_review", {}), ("publish", {
            "review_date": date(2026, 3, 2), "approver": "王建国", "approval_date": date(2026, 3, 8),
            "publish_date": date(2026, 3, 10), "effective_date": date(2026, 3, 15)})):
        with db.read() as s:
            version = ps.load(s, plan_id)[1]
        with unit_of_work(db, TESTER) as uow:
            ps.transition(uow, plan_id, command, version, **values)
    return plan_id


def print_doc(db: Database, plan_id: int, **kw: object) -> pm.PrintDocument:
    with db.read() as s:
        return pm.build_print_document(s, plan_id, as_of=AS_OF, **kw)
