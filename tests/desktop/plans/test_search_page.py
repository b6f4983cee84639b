"""The 检索 page: one debounced box over every plan, 1- and 2-character terms, filters, highlighted
and escaped snippets, double-click opening the editor at the section, and the search running in
the background (busy state, stale results dropped, failures said)."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog

from desktop.plans.search import HIT_ROLE, HTML_ROLE, MARK_STYLE, SearchPage, hit_html
from models.core.errors import DeskError
from models.core.uow import unit_of_work
from models.plans import search
from models.plans.search import SearchHit
from models.plans.service import PlanData
from plans import document as d
from plans.plans import store
from tests.factories import TESTER, create_enterprise


class FakeEditor(QDialog):
    sig_saved = Signal(int)
    opened: ClassVar[list[tuple[int, str | None]]] = []
    highlighted: ClassVar[list[list[str]]] = []

    def __init__(self, db, plan_id, *, runner=None, actor=None, section_key=None, parent=None,
                 highlight=()) -> None:
        super().__init__(parent)
        FakeEditor.opened.append((plan_id, section_key))
        FakeEditor.highlighted.append(list(highlight))


@pytest.fixture
def editor(fake_module):
    FakeEditor.opened = []
    FakeEditor.highlighted = []
    fake_module("desktop.plans.editor.plan_editor", PlanEditor=FakeEditor)
    return FakeEditor


@pytest.fixture
def page(qtbot, sqlite_db, runner):
    widget = SearchPage(sqlite_db, runner, actor=TESTER)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    widget.activate()
    return widget


def new_plan(db, enterprise_id: int, kind: str, plan_no: str, facts: dict[str, str] | None = None) -> int:
    with unit_of_work(db, TESTER) as uow:
        return store.create_from_template(uow, enterprise_id, PlanData(kind=kind, plan_no=plan_no), facts)


def write_section(db, plan_id: int, index: int, text: str) -> str:
    with db.read() as s:
        doc, version = store.load_document(s, plan_id)
    section = d.numbered(doc)[index][1]
    doc = d.set_blocks(doc, section.key, [d.Paragraph(text)])
    with unit_of_work(db, TESTER) as uow:
        store.save_document(uow, plan_id, doc, version)
    return section.key


@pytest.fixture
def plans(sqlite_db):
    a = create_enterprise(sqlite_db, 1)
    b = create_enterprise(sqlite_db, 2)
    first = new_plan(sqlite_db, a, "comprehensive", "YA-01")
    key = write_section(sqlite_db, first, 2, "发生氨泄漏时立即启动二级响应，疏散下风向人员。")
    second = new_plan(sqlite_db, b, "onsite", "XC-01", {"事故类型": "火灾", "场所": "仓库"})
    write_section(sqlite_db, second, 1, "仓库起火后值班员拨打119并组织扑救初起火灾。")
    return {"a": a, "b": b, "first": first, "second": second, "key": key}


def search_for(qtbot, page: SearchPage, text: str) -> int:
    with qtbot.waitSignal(page.sig_searched, timeout=2000) as blocker:
        page.search_box.setText(text)  # as if typed: the search runs after a short pause
    return blocker.args[0]


def test_a_two_character_term_is_found_and_highlighted(qtbot, plans, page):
    assert page.title == "检索" and "一个字、两个字" in page.count_label.text()
    assert search_for(qtbot, page, "泄漏") >= 1
    hits = [page.hit_at(r) for r in range(page.results.count())]
    ours = next(h for h in hits if h.section_key == plans["key"])
    assert ours.plan_no == "YA-01" and ours.enterprise == "临江市测试1号化工有限公司"
    item = page.results.item(hits.index(ours))
    assert item.text().startswith(f"临江市测试1号化工有限公司 · YA-01 {ours.plan_title} · {ours.section_title}")
    html = item.data(HTML_ROLE)
    assert f'<span style="{MARK_STYLE}">泄漏</span>' in html
    assert page.count_label.text().startswith("在 ")


def test_one_character_terms_and_filters(qtbot, plans, page):
    assert search_for(qtbot, page, "氨") >= 1
    assert {page.hit_at(r).plan_id for r in range(page.results.count())} == {plans["first"]}
    assert search_for(qtbot, page, "119并") == 1  # digits and a character
    assert page.hit_at(0).plan_id == plans["second"]
    search_for(qtbot, page, "应急")
    everywhere = page.results.count()
    assert {page.hit_at(r).plan_id for r in range(everywhere)} == {plans["first"], plans["second"]}
    with qtbot.waitSignal(page.sig_searched, timeout=2000):
        page.kind_combo.setCurrentIndex(page.kind_combo.findData("onsite"))
    assert 0 < page.results.count() < everywhere
    assert {page.hit_at(r).plan_id for r in range(page.results.count())} == {plans["second"]}
    with qtbot.waitSignal(page.sig_searched, timeout=2000):
        page.kind_combo.setCurrentIndex(0)
    with qtbot.waitSignal(page.sig_searched, timeout=2000):
        page.enterprise_combo.set_enterprise_id(plans["a"])
    assert {page.hit_at(r).plan_id for r in range(page.results.count())} == {plans["first"]}
    with qtbot.waitSignal(page.sig_searched, timeout=2000):
        page.status_combo.setCurrentIndex(page.status_combo.findData("published"))
    assert page.results.count() == 0 and page.count_label.text() == "没有找到包含“应急”的预案章节"
    page.search_box.clear()
    page.run_search()
    assert page.results.count() == 0 and "输入关键词" in page.count_label.text()


def test_double_click_opens_the_editor_at_the_section(qtbot, plans, page, editor):
    search_for(qtbot, page, "下风向")
    assert page.results.count() == 1
    rect = page.results.visualItemRect(page.results.item(0))
    qtbot.mouseClick(page.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.opened == [(plans["first"], plans["key"])]  # once, at that section
    assert editor.highlighted == [["下风向"]]  # with the searched words to mark
    with qtbot.waitSignal(page.sig_data_changed, timeout=1000):
        page.editor.sig_saved.emit(plans["first"])  # an edit: the results are searched again
    page.editor.close()
    assert page.editor is None


def test_search_follows_edits(qtbot, plans, page, sqlite_db):
    assert search_for(qtbot, page, "堵漏") == 0
    write_section(sqlite_db, plans["first"], 3, "使用堵漏工具进行处置。")
    page.refresh()
    qtbot.waitUntil(lambda: page.results.count() == 1, timeout=2000)


def test_stored_text_is_escaped():
    hit = SearchHit(plan_id=1, section_id=2, section_key="k", section_title="<b>标题</b>", plan_no="A&B",
                    plan_title="预案<script>", enterprise="企业<i>", kind="special", status="draft",
                    snippet=(("前<文", False), ("泄漏", True), ("后&", False)))
    html = hit_html(hit, ["泄漏"])
    assert "<script>" not in html and "<b>标题" not in html and "<i>" not in html
    assert "预案&lt;script&gt;" in html and "A&amp;B" in html and "前&lt;文" in html and "后&amp;" in html
    assert f'<span style="{MARK_STYLE}">泄漏</span>' in html


def test_search_page_screenshot(qtbot, plans, page, tmp_path):
    search_for(qtbot, page, "泄漏")
    image = page.grab()
    assert not image.isNull() and image.save(str(tmp_path / "search_page.png"))
    assert isinstance(page.results.item(0).data(HIT_ROLE), SearchHit)


class Gate:
    """Stands in for ``models.plans.search.search``: each query waits until its gate is opened."""

    def __init__(self, real) -> None:
        self.real = real
        self.gates: dict[str, threading.Event] = {}
        self.started: list[str] = []

    def __call__(self, session, query, flt=None, *, limit=50):
        self.started.append(query)
        self.gates.setdefault(query, threading.Event()).wait(5)
        return self.real(session, query, flt, limit=limit)

    def open(self, query: str) -> None:
        self.gates.setdefault(query, threading.Event()).set()


@pytest.fixture
def gate(monkeypatch):
    gate = Gate(search.search)
    monkeypatch.setattr(search, "search", gate)
    yield gate
    for event in gate.gates.values():
        event.set()


def test_typing_never_waits_for_the_search(qtbot, plans, page, gate, runner):
    page.search_box.setText("泄漏")
    page.search_box.returnPressed.emit()  # returns at once although the query is still running
    assert page.searching and page.busy_bar.isVisibleTo(page)
    assert page.count_label.text() == "正在检索“泄漏”…" and page.results.count() == 0
    qtbot.waitUntil(lambda: gate.started == ["泄漏"], timeout=2000)
    with qtbot.waitSignal(page.sig_searched, timeout=2000) as blocker:
        gate.open("泄漏")
    assert blocker.args[0] >= 1 and page.results.count() == blocker.args[0]
    assert not page.searching and not page.busy_bar.isVisibleTo(page)
    assert page.count_label.text().startswith("在 ")


def test_a_result_that_arrives_after_a_newer_search_is_dropped(qtbot, plans, page, gate, runner):
    shown: list[int] = []
    page.sig_searched.connect(shown.append)
    page.search_box.setText("泄漏")
    page.run_search()
    qtbot.waitUntil(lambda: gate.started == ["泄漏"], timeout=2000)  # the first one is running
    gate.open("仓库")
    with qtbot.waitSignal(page.sig_searched, timeout=2000) as blocker:
        page.search_box.setText("仓库")
        page.run_search()
    assert {page.hit_at(r).plan_id for r in range(page.results.count())} == {plans["second"]}
    assert blocker.args == [page.results.count()]
    gate.open("泄漏")  # the older search finishes now: its hits must not replace the newer ones
    qtbot.waitUntil(lambda: not runner.busy, timeout=2000)
    qtbot.wait(50)  # let a late delivery (if any) reach the page
    assert shown == [blocker.args[0]]
    assert {page.hit_at(r).plan_id for r in range(page.results.count())} == {plans["second"]}
    assert page.count_label.text().startswith("在 1 个预案中") and not page.searching
    # clearing the box drops a running search as well
    page.search_box.setText("应急")
    page.run_search()
    page.search_box.clear()
    page.run_search()
    assert not page.searching and page.results.count() == 0 and "输入关键词" in page.count_label.text()
    gate.open("应急")
    qtbot.waitUntil(lambda: not runner.busy, timeout=2000)
    assert page.results.count() == 0


def test_a_failed_search_is_said_in_chinese(qtbot, plans, page, monkeypatch, msgs):
    def broken(session, query, flt=None, *, limit=50):
        raise DeskError("数据库正忙，请稍后再试。")

    monkeypatch.setattr(search, "search", broken)
    with qtbot.waitSignal(page.sig_search_failed, timeout=2000) as blocker:
        page.search_box.setText("泄漏")
        page.run_search()
    assert blocker.args == ["检索失败：数据库正忙，请稍后再试。"]
    assert page.count_label.text() == blocker.args[0] and not page.searching and msgs.calls == []

    def crashing(session, query, flt=None, *, limit=50):
        raise RuntimeError("boom")

    monkeypatch.setattr(search, "search", crashing)
    with qtbot.waitSignal(page.sig_search_failed, timeout=2000):
        page.run_search()
    assert "详细信息已写入日志" in page.count_label.text()
    assert msgs.kinds() == ["critical"]  # unexpected: reported once, with the log


def test_empty_results_say_why(qtbot, plans, page):
    empty = page.empty_state
    assert empty.showing and empty.title == "在全部企业的预案中检索"  # before the first search
    assert search_for(qtbot, page, "地震海啸") == 0
    assert empty.showing and empty.title == "没有匹配的章节" and "关键词" in empty.hint
    assert search_for(qtbot, page, "泄漏") >= 1
    assert not empty.showing


def test_the_total_is_said_when_more_are_found_than_listed(qtbot, plans, page, monkeypatch):
    import desktop.plans.search as search_page

    assert search_for(qtbot, page, "应急") >= 3
    total = page.results.count()
    plans_found = len({page.hit_at(r).plan_id for r in range(total)})
    assert page.count_label.text() == f"在 {plans_found} 个预案中找到 {total} 处"
    monkeypatch.setattr(search_page, "RESULT_LIMIT", 2)
    page.run_search()
    qtbot.waitUntil(lambda: not page.searching, timeout=2000)
    assert page.results.count() == 2
    assert page.total == search.SearchCount(total, plans_found)
    assert page.count_label.text() == (f"在 {plans_found} 个预案中找到 {total} 处，显示前 2 处；"
                                       "请增加关键词或筛选条件缩小范围")


def test_an_opened_hit_shows_the_searched_words_marked(qtbot, plans, page):
    from desktop.plans.editor.blocks import TextBlockEditor

    search_for(qtbot, page, "下风向 疏散")
    editor = page.open_hit(page.hit_at(0))  # the real editor
    assert editor is not None and editor.current_key() == plans["key"]
    blocks = [b for b in editor.blocks.editors if isinstance(b, TextBlockEditor)]
    marked = [text for b in blocks for text in b.marked_texts()]
    assert sorted(marked) == ["下风向", "疏散"]
    assert editor.blocks.marked == [blocks[0]]
    editor.blocks.highlight([])  # nothing to mark: the marks go, the text stays
    assert blocks[0].marked_texts() == [] and "下风向" in blocks[0].edit.toPlainText()
    editor.done(0)
