"""The printed duty roster (值班表): the week and the month layouts, every shift's people and phones,
what is missing printed as such in its cell, the problems, the handovers, the holidays, the period
limits, and the same content read back from the PDF and the Word file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from exports.report import report_bytes
from exports.styles import load_style
from models.core.database import Database
from models.core.errors import NotFoundError, ValidationError
from models.core.uow import unit_of_work
from models.teams import queries as tq
from models.teams import rules
from models.teams import service as ts
from models.teams.entities import DutyAssignment, DutyShift
from plans.document import NumberedList, Paragraph, Table
from plans.report import ReportDocument
from plans.teams.documents import NO_LEADER, UNROSTERED, build_roster, check_period, period_text
from tests.exports.pdf_lines import pdf_lines
from tests.factories import TESTER

LEADERS = (rules.Person("李局长", "13900000001"), rules.Person("王副局长", "13900000002"))
STAFF = (rules.Person("值班员甲", "13800000001"), rules.Person("值班员乙", "13800000002"),
         rules.Person("值班员丙", "13800000003"))
WEEK = (date(2026, 12, 7), date(2026, 12, 13))  # Monday to Sunday, ISO week 50
MONTH = (date(2026, 12, 1), date(2026, 12, 31))


@dataclass
class Room:
    id: int
    other: int  # a second duty room, for a person booked at both


def _room(db: Database, name: str = "市应急管理局应急值班室", **kw: object) -> int:
    data = ts.PointData(name=name, kind="duty_room", phone="0539-8012345", address="市政府大楼一楼东侧")
    for k, v in kw.items():
        setattr(data, k, v)
    with unit_of_work(db, TESTER) as uow:
        return ts.create_point(uow, data)


def _generate(db: Database, point: int, start: date, end: date, *, leaders: tuple[rules.Person, ...] = LEADERS,
              staff: tuple[rules.Person, ...] = STAFF, kinds: tuple[str, ...] = ()) -> None:
    with unit_of_work(db, TESTER) as uow:
        ts.generate_roster(uow, point, start, end, rules.RotationPattern(leaders, staff, kinds=kinds))


def _shift(db: Database, point: int, day: date, kind: str) -> DutyShift:
    with db.read() as s:
        return s.execute(select(DutyShift).where(DutyShift.point_id == point, DutyShift.day == day,
                                                 DutyShift.kind == kind, DutyShift.deleted_at.is_(None))).scalar_one()


def _person(db: Database, shift_id: int, role: str) -> DutyAssignment:
    with db.read() as s:
        return s.execute(select(DutyAssignment).where(DutyAssignment.shift_id == shift_id, DutyAssignment.role == role,
                                                      DutyAssignment.deleted_at.is_(None))).scalars().first()


@pytest.fixture
def room(db: Database) -> Room:
    """A week rostered with holes: the night of 12月8日 without its leader, the day shift of 12月10日
    not rostered, a swap and a shift note on 12月9日, a handover on 12月7日, and the 12月11日 day
    shift's 值班员 also booked at another duty room."""
    point = _room(db)
    other = _room(db, "备用应急值班室")
    _generate(db, point, *WEEK)
    night = _shift(db, point, date(2026, 12, 8), "night")
    leader = _person(db, night.id, "leader")
    gone = _shift(db, point, date(2026, 12, 10), "day")
    swapped = _shift(db, point, date(2026, 12, 9), "night")
    staff = _person(db, swapped.id, "staff")
    first = _shift(db, point, date(2026, 12, 7), "day")
    with unit_of_work(db, TESTER) as uow:
        ts.remove_assignment(uow, leader.id, leader.version)
        ts.delete_shift(uow, gone.id, gone.version)
        ts.swap(uow, staff.id, ts.SwapData(to_name="值班员丁", to_phone="13800000004", reason="参加上级培训"),
                staff.version)
        ts.record_handover(uow, ts.HandoverData(shift_id=first.id, handed_at=first.ends_at, from_name="值班员甲",
                                                to_name="值班员乙", open_matters="化工园区异味投诉待核实"))
    note = _shift(db, point, date(2026, 12, 9), "day")
    with unit_of_work(db, TESTER) as uow:
        ts.update_shift(uow, note.id, ts.ShiftData(point, note.day, note.kind, note.starts_at, note.ends_at,
                                                   notes="上级督查"), note.version)
    busy = _person(db, _shift(db, point, date(2026, 12, 11), "day").id, "staff")
    _generate(db, other, date(2026, 12, 11), date(2026, 12, 11), leaders=(), staff=(rules.Person(busy.name, busy.phone),),
              kinds=("day",))
    return Room(point, other)


def _table(doc: ReportDocument, title: str, n: int = 0) -> Table:
    section = next(s for s in doc.sections if s.title == title)
    return [b for b in section.blocks if isinstance(b, Table)][n]


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def _body(doc: ReportDocument) -> dict[str, list[str]]:
    """The roster table's body rows by their date cell."""
    table = _table(doc, "一、值班安排", 1)
    return {row[0]: row for row in _texts(table)[table.header_rows:]}


def test_the_period_as_the_subtitle_says_it() -> None:
    assert period_text(*MONTH) == "2026年12月"
    assert period_text(*WEEK) == "2026年12月7日至12月13日（第50周）"
    assert period_text(date(2026, 12, 28), date(2027, 1, 3)) == "2026年12月28日至2027年1月3日（第53周）"
    assert period_text(date(2026, 11, 1), date(2026, 12, 31)) == "2026年11月至12月"
    assert period_text(date(2026, 12, 3), date(2026, 12, 20)) == "2026年12月3日至12月20日"
    assert period_text(date(2026, 12, 8), date(2026, 12, 14)) == "2026年12月8日至12月14日"  # 7 days, not Mon–Sun
    assert period_text(date(2026, 12, 3), date(2026, 12, 3)) == "2026年12月3日"


def test_a_week_prints_every_shift_with_its_people_and_what_is_missing(db: Database, room: Room) -> None:
    with db.read() as s:
        doc = build_roster(s, room.id, *WEEK)
        roster = tq.roster(s, room.id, *WEEK)
    assert doc.title == "市应急管理局应急值班室值班表" and doc.subtitle == "2026年12月7日至12月13日（第50周）"
    assert doc.landscape
    facts = _texts(_table(doc, "一、值班安排"))[0]
    assert facts == ["值班电话", "0539-8012345", "地址", "市政府大楼一楼东侧", "班次与时间",
                     "白班 08:30—17:30，夜班 17:30—次日08:30", "每班最少值班员", "1 人", "须有带班领导", "是"]
    table = _table(doc, "一、值班安排", 1)
    assert table.header_rows == 1  # a week: one header row (the times are in the facts), repeated on every page
    assert _texts(table)[0] == ["日期", "星期", "白班带班领导（电话）", "白班值班员（电话）", "夜班带班领导（电话）",
                                "夜班值班员（电话）", "备注"]
    body = _body(doc)
    assert list(body) == [f"12月{d}日" for d in range(7, 14)]  # one row per duty day
    assert [body[f"12月{d}日"][1] for d in (7, 12, 13)] == ["周一", "周六（休）", "周日（休）"]
    cells = {cell for row in body.values() for cell in row[2:6]}
    for shift in roster.shifts:  # every shift's leader and staff with their phones
        for p in shift.people:
            assert any(f"{p.name} {p.phone}" in c.split("\n") for c in cells), p
    assert body["12月8日"][4] == NO_LEADER and body["12月8日"][5]  # the night without its leader
    assert body["12月10日"][2:4] == [UNROSTERED, UNROSTERED]  # the day shift never rostered
    assert "值班员丁 13800000004" in body["12月9日"][5]
    assert body["12月9日"][6].startswith("白班：上级督查\n夜班换班：值班员") and body["12月9日"][6].endswith("→值班员丁")
    assert body["12月7日"][6] == ""
    assert body["12月11日"][3].endswith(" 13800000003\n【重复排班】")  # the mark on a line of its own
    problems = next(s for s in doc.sections if s.title == "二、排班问题")
    listed = next(b for b in problems.blocks if isinstance(b, NumberedList)).items
    assert listed == [p.message for p in roster.problems]
    assert "12月8日（周二）夜班无带班领导" in listed and "12月10日（周四）白班（08:30—17:30）无人值班" in listed
    assert any("同时排在12月11日（周五）白班" in m for m in listed)
    handovers = _texts(_table(doc, "三、交接班记录"))
    assert handovers == [["值班日", "班次", "交接时间", "交班人", "接班人", "未结事项及备注"],
                         ["12月7日（周一）", "白班", "17:30", "值班员甲", "值班员乙", "化工园区异味投诉待核实"]]
    last = doc.sections[-1].blocks[-1]
    assert isinstance(last, Paragraph) and "值班负责人（签字）" in last.text and "审核" in last.text \
        and "制表日期" in last.text
    assert [s.level for s in doc.sections] == [2, 2, 2]  # a week's smaller headings


def test_a_month_is_compact_with_its_problems_in_a_table(db: Database) -> None:
    point = _room(db)
    _generate(db, point, *MONTH)
    night = _shift(db, point, date(2026, 12, 1), "night")
    leader = _person(db, night.id, "leader")
    with unit_of_work(db, TESTER) as uow:
        ts.remove_assignment(uow, leader.id, leader.version)
    with db.read() as s:
        doc = build_roster(s, point, *MONTH)
    assert doc.subtitle == "2026年12月" and [s.title for s in doc.sections] == ["一、值班安排", "二、排班问题"]
    assert [s.level for s in doc.sections] == [1, 1]
    table = _table(doc, "一、值班安排", 1)
    assert table.header_rows == 2  # a group of columns per shift under its name and times, on every page
    assert _texts(table)[:2] == [["日期", "星期", "白班（08:30—17:30）", "夜班（17:30—次日08:30）"],  # no notes: no 备注
                                 ["带班领导（电话）", "值班员（电话）"] * 2]
    body = _body(doc)
    assert len(body) == 31 and body["12月1日"][4] == NO_LEADER
    assert all("\n" not in c for row in body.values() for c in row)  # one line a cell: a person per shift
    problems = _texts(_table(doc, "二、排班问题"))
    assert problems == [["序号", "值班日", "班次", "问题", "说明"],
                        ["1", "12月1日（周二）", "夜班", "无带班领导", "12月1日（周二）夜班无带班领导"]]
    summary = next(b for b in doc.sections[1].blocks if isinstance(b, Paragraph)).text
    assert summary.startswith("本期共 62 个班次，发现排班问题 1 处（无带班领导 1 处）")
    assert "值班负责人（签字）" in doc.sections[-1].blocks[-1].text  # type: ignore[union-attr]


def test_a_clean_roster_says_so_and_has_no_handover_section(db: Database) -> None:
    point = _room(db)
    _generate(db, point, *WEEK)
    with db.read() as s:
        doc = build_roster(s, point, *WEEK)
    assert [s.title for s in doc.sections] == ["一、值班安排", "二、排班问题"]
    assert next(b.text for b in doc.sections[1].blocks if isinstance(b, Paragraph)) == "本期排班未发现问题。"
    assert "备注" not in _texts(_table(doc, "一、值班安排", 1))[0]


def test_holidays_adjusted_working_days_and_a_year_without_a_calendar(db: Database) -> None:
    point = _room(db)
    _generate(db, point, date(2026, 9, 28), date(2026, 10, 11))
    _generate(db, point, date(2026, 12, 28), date(2027, 1, 3))
    with db.read() as s:
        october = build_roster(s, point, date(2026, 9, 28), date(2026, 10, 11))
        new_year = build_roster(s, point, date(2026, 12, 28), date(2027, 1, 3))
    body = _body(october)
    assert body["10月1日"][1] == "周四（国庆节）" and body["10月3日"][1] == "周六（国庆节）"
    assert body["10月10日"][1] == "周六（调休上班）" and body["10月11日"][1] == "周日（休）"
    assert body["9月29日"][1] == "周二"
    notes = [b.text for b in new_year.sections[0].blocks if isinstance(b, Paragraph)]
    assert notes == ["注：2027 年节假日安排未录入，星期栏只标出周六、周日。"]
    assert _body(new_year)["1月2日"][1] == "周六（休）"
    assert not [b for b in october.sections[0].blocks if isinstance(b, Paragraph)]


def test_too_few_staff_a_shift_off_its_times_and_part_of_a_shift_uncovered(db: Database) -> None:
    point = _room(db, "三班值班室", shift_set="three", min_staff=2)
    period = (date(2026, 12, 7), date(2026, 12, 14))  # longer than a week: the month's layout
    _generate(db, point, *period)
    morning = _shift(db, point, date(2026, 12, 7), "morning")
    with unit_of_work(db, TESTER) as uow:
        ts.update_shift(uow, morning.id, ts.ShiftData(point, morning.day, "morning", morning.starts_at,
                                                      morning.starts_at + timedelta(hours=4)), morning.version)
    with db.read() as s:
        doc = build_roster(s, point, *period)
    assert _texts(_table(doc, "一、值班安排"))[0][5] == "早班 08:00—16:00，中班 16:00—次日00:00，夜班 次日00:00—次日08:00"
    head = _texts(_table(doc, "一、值班安排", 1))[0]
    assert head[2:5] == ["早班（08:00—16:00）", "中班（16:00—次日00:00）", "夜班（次日00:00—次日08:00）"]
    row = _body(doc)["12月7日"]
    assert row[2] == "（08:00—12:00）\n李局长 13900000001"  # off its usual times: says when
    assert row[3] == "（08:00—12:00）\n值班员甲 13800000001\n【值班员不足：应有 2 人】\n【12:00—16:00无人值班】"
    assert row[5] == "值班员乙 13800000002\n【值班员不足：应有 2 人】"


def test_the_period_limits(db: Database, room: Room) -> None:
    check_period(date(2026, 11, 1), date(2027, 1, 1))  # 62 days: two months
    with pytest.raises(ValidationError) as refused:
        check_period(date(2026, 11, 1), date(2027, 1, 2))
    assert "值班表一次最多打印 62 天" in str(refused.value) and refused.value.for_field("end")
    with pytest.raises(ValidationError, match="不能早于开始日期"):
        check_period(date(2026, 12, 2), date(2026, 12, 1))
    with db.read() as s:
        with pytest.raises(ValidationError):
            build_roster(s, room.id, date(2026, 12, 1), date(2027, 2, 1))
        with pytest.raises(NotFoundError):
            build_roster(s, 9999, *WEEK)


def test_the_roster_as_printed_in_pdf_and_word(db: Database, room: Room) -> None:
    with db.read() as s:
        doc = build_roster(s, room.id, *WEEK)
    for key in ("default", "gbt9704"):
        data = report_bytes(doc, "pdf", style=load_style(key))
        page = PdfReader(io.BytesIO(data)).pages[0]
        assert page.mediabox.width > page.mediabox.height  # A4 landscape
        lines = [line.text for line in pdf_lines(io.BytesIO(data))]
        text = "".join(lines)
        for needle in ("市应急管理局应急值班室值班表", "2026年12月7日至12月13日（第50周）", NO_LEADER, UNROSTERED,
                       "李局长", "13900000001", "值班员丁", "13800000004", "12月8日（周二）夜班无带班领导",
                       "化工园区异味投诉待核实", "值班负责人（签字）"):
            assert needle in text, (key, needle)
        if key == "default":  # a person on one line with their phone (GB/T 9704's larger type wraps some)
            assert "李局长 13900000001" in lines and "值班员丁 13800000004" in lines
    word = Document(io.BytesIO(report_bytes(doc, "docx", style=load_style())))
    assert word.sections[0].page_width > word.sections[0].page_height
    roster = word.tables[1]
    cells = [[c.text for c in row.cells] for row in roster.rows]
    assert cells[0][:3] == ["日期", "星期", "白班带班领导（电话）"]
    assert [r[4] for r in cells if r[0] == "12月8日"] == [NO_LEADER]
    assert [r[2] for r in cells if r[0] == "12月10日"] == [UNROSTERED]
    repeated = [row._tr.xml.count("<w:tblHeader/>") for row in roster.rows[:2]]
    assert repeated == [1, 0]  # the header row repeats on every page
    paragraphs = [p.text for p in word.paragraphs]
    assert "12月10日（周四）白班（08:30—17:30）无人值班" in paragraphs


def test_a_week_fits_one_page_and_a_month_repeats_its_header(db: Database) -> None:
    point = _room(db)
    _generate(db, point, *MONTH)
    night = _shift(db, point, date(2026, 12, 8), "night")
    leader = _person(db, night.id, "leader")
    with unit_of_work(db, TESTER) as uow:
        ts.remove_assignment(uow, leader.id, leader.version)
    with db.read() as s:
        week = build_roster(s, point, *WEEK)
        month = build_roster(s, point, *MONTH)
    assert len(PdfReader(io.BytesIO(report_bytes(week, "pdf", style=load_style()))).pages) == 1
    lines = pdf_lines(io.BytesIO(report_bytes(month, "pdf", style=load_style())))
    pages = max(line.page for line in lines)
    assert 2 <= pages <= 3  # 31 days on A4 landscape
    for n in range(1, pages + 1):
        assert any(line.text == "带班领导（电话）" for line in lines if line.page == n)
    days = [line.text for line in lines if line.text.startswith("12月") and line.text.endswith("日")]
    assert days == [f"12月{d}日" for d in range(1, 32)]  # every day, once, in order


def test_the_same_roster_gives_the_same_file(db: Database, room: Room) -> None:
    with db.read() as s:
        first = build_roster(s, room.id, *WEEK)
        again = build_roster(s, room.id, *WEEK)
    assert first.created == again.created and first.created > datetime(2026, 1, 1)
    assert report_bytes(first, "docx", style=load_style()) == report_bytes(again, "docx", style=load_style())
