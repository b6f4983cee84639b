"""The plan content editor: section operations keep numbering, edits reach the database through the
write path, conflicts and closing never lose the user's document, drafts come back, published
plans are read-only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QLineEdit

from desktop.plans.editor import PlanEditor, drafts
from desktop.plans.editor.blocks import ImageBlockEditor, TableBlockEditor, TextBlockEditor
from models.core.uow import unit_of_work
from models.plans import service as ps
from models.plans.service import PlanData
from plans import document as d
from plans.plans import store
from tests.factories import TESTER, create_enterprise

SCOPE = "general.scope"          # 1.1 适用范围
RECEIVE = "response.report.receive"  # 3.1.1 信息接报
ASSESS = "response.report.assess"    # 3.1.2 信息处置与研判


@pytest.fixture
def plan(sqlite_db) -> int:
    ent = create_enterprise(sqlite_db, 1)
    with unit_of_work(sqlite_db, TESTER) as uow:
        return store.create_from_template(uow, ent, PlanData(kind="comprehensive", plan_no="YA-01"))


@pytest.fixture
def open_editor(qtbot, sqlite_db, runner):
    opened: list[PlanEditor] = []

    def make(plan_id: int, **kwargs: object) -> PlanEditor:
        editor = PlanEditor(sqlite_db, plan_id, runner=runner, actor=TESTER, **kwargs)
        qtbot.addWidget(editor)
        editor.show()
        opened.append(editor)
        return editor

    yield make
    for editor in opened:  # hide without the closing question (the database goes away next)
        editor.done(0)


def test_editor_opens_within_the_main_window(qtbot, sqlite_db, runner, plan):
    from PySide6.QtWidgets import QMainWindow

    main = QMainWindow()
    qtbot.addWidget(main)
    main.resize(1000, 700)  # smaller than the editor's 1320 × 880 (the test screen is 800 × 800)
    main.show()
    editor = PlanEditor(sqlite_db, plan, runner=runner, actor=TESTER, parent=main)  # main owns (and deletes) it
    editor.show()
    room = main.geometry().size().boundedTo(main.screen().availableGeometry().size())
    assert editor.height() <= room.height()
    # as wide as the room, unless its controls need more (890 px, more than the test screen)
    assert editor.width() <= max(room.width(), editor.minimumSizeHint().width())
    editor.done(0)


def stored(db, plan_id: int) -> tuple[d.Document, int]:
    with db.read() as s:
        return store.load_document(s, plan_id)


def stored_headings(db, plan_id: int) -> list[str]:
    document, _ = stored(db, plan_id)
    return [d.heading(n, s) for n, s in d.numbered(document)]


def text_editor(editor: PlanEditor, index: int = 0) -> TextBlockEditor:
    block = editor.blocks.editors[index]
    assert isinstance(block, TextBlockEditor)
    return block


def change_plan_elsewhere(db, plan_id: int) -> None:
    """Another desk saves the plan in its own unit of work (the editor's version goes stale)."""
    document, version = stored(db, plan_id)
    document = d.rename_section(document, ASSESS, "信息研判（他人修改）")
    with unit_of_work(db, TESTER) as uow:
        store.save_document(uow, plan_id, document, version)


def publish(db, plan_id: int) -> None:
    with db.read() as s:
        _data, version, _status, _ent = ps.load(s, plan_id)
    for command, values in (("submit_review", {}),
                            ("publish", {"review_date": date(2026, 3, 1), "approver": "王建国",
                                         "publish_date": date(2026, 3, 2)})):
        with unit_of_work(db, TESTER) as uow:
            version = ps.transition(uow, plan_id, command, version, **values)


def test_opens_at_the_requested_section_with_numbered_headings(open_editor, plan):
    editor = open_editor(plan, section_key=ASSESS)
    assert editor.windowTitle() == "编辑预案内容 — YA-01 临江市测试1号化工有限公司生产安全事故综合应急预案"
    assert editor.current_key() == ASSESS
    assert editor.tree.currentItem().text(0) == "3.1.2 信息处置与研判"
    assert editor.blocks.heading.text() == "3.1.2 信息处置与研判（必备章节）"
    assert editor.tree.headings()[:3] == ["1 总则", "1.1 适用范围", "1.2 响应分级"]
    assert not editor.read_only and editor.save_button.text() == "保存"
    assert not editor.is_dirty()


def test_a_chapter_whose_text_is_in_its_subsections_says_so(open_editor, plan, sqlite_db):
    document, _ = stored(sqlite_db, plan)
    chapter = next(s for s in document.sections if d.find_section(d.Document("", [s]), RECEIVE))
    assert not chapter.blocks and any(c.blocks for c in d.iter_sections(d.Document("", chapter.children)))
    editor = open_editor(plan, section_key=chapter.key)  # “3 应急响应”: its text is in 3.1, 3.2…
    hint = editor.blocks.empty_hint
    assert hint.isVisible() and "本章内容在下列小节中：" in hint.text()
    assert "还没有内容" not in hint.text()
    children = [editor._heading_of(c.key) for c in chapter.children]
    assert children and all(title in hint.text() for title in children)
    child = chapter.children[0]
    hint.linkActivated.emit(child.key)  # a click on a subsection opens it
    assert editor.current_key() == child.key
    # neither it nor its subsections have text: only then “还没有内容”
    top = editor.add_sibling("新章节", rename=False)
    editor.add_child("新小节", rename=False)
    editor.select_section(top)
    assert editor.current_key() == top and "本章节还没有内容" in editor.blocks.empty_hint.text()
    assert "下列小节" not in editor.blocks.empty_hint.text()


def test_section_operations_keep_numbering_in_the_tree_and_the_saved_document(open_editor, plan, sqlite_db, msgs,
                                                                              finish):
    editor = open_editor(plan, section_key=RECEIVE)
    assert not editor.section_buttons["up"].isEnabled()  # first of its siblings
    key = editor.add_sibling("现场信息核实", rename=False)
    assert key is not None and editor.current_key() == key
    headings = editor.tree.headings()
    assert "3.1.1 信息接报" in headings and "3.1.2 现场信息核实" in headings
    assert "3.1.3 信息处置与研判" in headings

    assert editor.move_current("in")  # 降级: under 3.1.1
    assert "3.1.1.1 现场信息核实" in editor.tree.headings()
    assert "3.1.2 信息处置与研判" in editor.tree.headings()
    assert editor.move_current("out")  # 升级: back after 3.1.1
    assert "3.1.2 现场信息核实" in editor.tree.headings()
    assert editor.move_current("up")
    assert editor.tree.headings()[6:8] == ["3.1.1 现场信息核实", "3.1.2 信息接报"]
    assert not editor.section_buttons["up"].isEnabled() and editor.section_buttons["down"].isEnabled()

    child = editor.add_child("报告内容", rename=False)
    assert child is not None and "3.1.1.1 报告内容" in editor.tree.headings()

    assert editor.select_section("general")
    assert editor.remove_current()  # 1 总则 with its two subsections and their text
    assert msgs.kinds() == ["confirm"] and "2 个下级章节" in msgs.texts("confirm")[0]
    headings = editor.tree.headings()
    assert headings[:2] == ["1 应急组织机构及职责", "2 应急响应"]
    assert "2.1.1 现场信息核实" in headings and "2.1.1.1 报告内容" in headings
    assert editor.current_key() == "organization"  # the section that came next

    assert editor.rename_section("organization", "应急组织机构与职责")
    assert editor.tree.headings()[0] == "1 应急组织机构与职责"

    assert finish(editor.save()) == "saved"
    assert stored_headings(sqlite_db, plan) == editor.tree.headings()

    editor.undo()  # the rename
    editor.undo()  # the removal
    assert editor.tree.headings()[:2] == ["1 总则", "1.1 适用范围"]
    editor.redo()
    assert editor.tree.headings()[0] == "1 应急组织机构及职责"


def test_removing_asks_and_refusing_keeps_the_section(open_editor, plan, msgs):
    editor = open_editor(plan, section_key=SCOPE)
    msgs.confirm_answer = False
    assert not editor.remove_current()
    assert "1.1 适用范围" in editor.tree.headings()
    assert not editor.is_dirty()


def test_editing_a_paragraph_and_saving_persists(open_editor, plan, sqlite_db, qtbot):
    editor = open_editor(plan, section_key=SCOPE)
    edit = text_editor(editor).edit
    edit.setPlainText("本预案适用于本公司生产经营活动中发生的")
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    edit.insertPlainText("生产安全事故")  # what an input method commits (QTest types ASCII only)
    qtbot.keyClicks(edit, ".")
    assert editor.is_dirty()
    _doc, before = stored(sqlite_db, plan)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    with qtbot.waitSignal(editor.sig_saved) as saved:
        qtbot.keyClick(edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [plan]
    document, version = stored(sqlite_db, plan)
    assert d.find_section(document, SCOPE).blocks[0] == d.Paragraph("本预案适用于本公司生产经营活动中发生的生产安全事故.")
    assert version > before and editor.loaded_version == version
    assert not editor.is_dirty() and editor.status_label.text().startswith("已保存")


def test_typing_is_committed_after_a_pause(open_editor, plan, qtbot):
    editor = open_editor(plan, section_key=SCOPE)
    text_editor(editor).edit.setPlainText("新的适用范围。")
    qtbot.waitUntil(lambda: d.find_section(editor._document, SCOPE).blocks[0] == d.Paragraph("新的适用范围。"))
    assert editor.undo_button.isEnabled()
    editor.undo()
    assert d.find_section(editor.document, SCOPE).blocks[0] != d.Paragraph("新的适用范围。")


def test_a_table_with_merged_cells_and_added_rows_and_columns_survives_saving(open_editor, plan, sqlite_db, finish):
    editor = open_editor(plan, section_key=RECEIVE)
    assert editor.insert_block("table")
    table = editor.blocks.editors[-1]
    assert isinstance(table, TableBlockEditor)
    assert (table.table.rowCount(), table.table.columnCount()) == (2, 3)
    for column, text in enumerate(("岗位", "姓名", "电话")):
        table.set_cell_text(0, column, text)
    table.table.setCurrentCell(1, 2)
    table.insert_column()  # after the current column: now 4 columns
    table.table.setCurrentCell(1, 0)
    table.insert_row()  # after the current row: now 3 rows
    table.set_cell_text(1, 0, "应急值守")
    table.set_cell_text(2, 0, "值班长")
    table.set_cell_text(2, 1, "张伟")
    assert table.merge(1, 0, 1, 3)  # a full-width group row
    assert table.table.columnSpan(1, 0) == 4
    table.header_spin.setValue(1)
    assert finish(editor.save()) == "saved"

    document, _ = stored(sqlite_db, plan)
    block = d.find_section(document, RECEIVE).blocks[-1]
    assert block == d.Table(rows=[[d.Cell("岗位"), d.Cell("姓名"), d.Cell("电话"), d.Cell("")],
                                  [d.Cell("应急值守", colspan=4)],
                                  [d.Cell("值班长"), d.Cell("张伟"), d.Cell(""), d.Cell("")]], header_rows=1)


def test_a_stored_table_with_row_and_column_spans_round_trips_unchanged(open_editor, plan, sqlite_db, finish):
    document, version = stored(sqlite_db, plan)
    table = d.Table(rows=[[d.Cell("类别", rowspan=2), d.Cell("联系方式", colspan=2)],
                          [d.Cell("电话"), d.Cell("手机")],
                          [d.Cell("值班室"), d.Cell("0539-8000001"), d.Cell("13800000001")]], header_rows=2)
    with unit_of_work(sqlite_db, TESTER) as uow:
        store.save_document(uow, plan, d.set_blocks(document, RECEIVE, [table]), version)
    editor = open_editor(plan, section_key=RECEIVE)
    shown = editor.blocks.editors[0]
    assert isinstance(shown, TableBlockEditor)
    assert shown.table.rowSpan(0, 0) == 2 and shown.table.columnSpan(0, 1) == 2
    assert shown.header_spin.value() == 2
    assert shown.block() == table
    shown.set_cell_text(2, 0, "总值班室")
    shown.table.setCurrentCell(0, 0)
    shown.split_current()
    assert shown.table.rowSpan(0, 0) == 1
    assert finish(editor.save()) == "saved"
    saved = d.find_section(stored(sqlite_db, plan)[0], RECEIVE).blocks[0]
    assert saved == d.Table(rows=[[d.Cell("类别"), d.Cell("联系方式", colspan=2)],
                                  [d.Cell(""), d.Cell("电话"), d.Cell("手机")],
                                  [d.Cell("总值班室"), d.Cell("0539-8000001"), d.Cell("13800000001")]],
                            header_rows=2)


def tiny_png(path: Path) -> Path:
    image = QImage(8, 6, QImage.Format.Format_RGB32)
    image.fill(QColor("#3B7DDD"))
    assert image.save(str(path), "PNG")
    return path


def test_inserting_an_image_stores_it_and_shows_the_block(open_editor, plan, sqlite_db, tmp_path, monkeypatch,
                                                         finish):
    png = tiny_png(tmp_path / "厂区平面图.png")
    asked: list[str] = []

    def fake_open(_parent, caption, _directory, file_filter, *args, **kwargs):
        asked.append(f"{caption}|{file_filter}")
        return str(png), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    editor = open_editor(plan, section_key=SCOPE)
    assert editor.insert_block("image")
    assert asked == ["插入图片|PNG 或 JPEG 图片 (*.png *.jpg *.jpeg)"]
    assert finish(editor.write_op) == "saved"  # stored with the plan through the write flow
    block = editor.blocks.editors[-1]
    assert isinstance(block, ImageBlockEditor) and block.has_picture
    assert block.caption.text() == "厂区平面图"
    image = block.block()
    with sqlite_db.read() as s:
        assert store.image_data(s, plan, image.sha256) == (png.read_bytes(), "image/png")
    block.caption.setText("厂区总平面布置图")
    assert finish(editor.save()) == "saved"
    saved = d.find_section(stored(sqlite_db, plan)[0], SCOPE).blocks[-1]
    assert saved == d.Image(image.sha256, "image/png", "厂区总平面布置图")
    # reopened, the thumbnail comes from the database
    editor.done(0)
    again = open_editor(plan, section_key=SCOPE)
    shown = again.blocks.editors[-1]
    assert isinstance(shown, ImageBlockEditor) and shown.has_picture


def test_a_file_that_is_not_png_or_jpeg_is_refused(open_editor, plan, tmp_path, monkeypatch, msgs):
    fake = tmp_path / "平面图.png"
    fake.write_bytes(b"GIF89a not really")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(fake), "")))
    editor = open_editor(plan, section_key=SCOPE)
    count = len(editor.blocks.editors)
    assert not editor.insert_block("image")
    assert msgs.kinds() == ["warn"] and "不是 PNG 或 JPEG 图片" in msgs.texts("warn")[0]
    assert len(editor.blocks.editors) == count


def test_completeness_lists_an_empty_required_section_and_jumps_to_it(open_editor, plan, qtbot, msgs):
    editor = open_editor(plan, section_key=SCOPE)
    while editor.blocks.editors:
        editor.blocks.editors[0].delete_button.click()
    message = "必备章节“1.1 适用范围”尚未填写内容。"
    qtbot.waitUntil(lambda: message in editor.findings.messages())
    assert editor.tree.item_for(SCOPE).icon(0).isNull() is False
    assert editor.findings.messages()[0] == "封面：尚未填写发布日期。"

    editor.select_section(ASSESS)
    row = editor.findings.messages().index(message)
    editor.findings.activate(row)
    assert editor.current_key() == SCOPE
    assert editor.tree.currentItem().text(0) == "1.1 适用范围"

    editor.findings.activate(0)  # a cover field: says where it is filled in
    assert msgs.kinds() == ["info"]
    assert "尚未填写发布日期" in msgs.texts("info")[0] and "编辑信息" in msgs.texts("info")[0]


def test_a_conflicting_save_shows_the_message_and_keeps_the_edits(open_editor, plan, sqlite_db, msgs, finish):
    editor = open_editor(plan, section_key=SCOPE)
    text_editor(editor).edit.setPlainText("我的修改。")
    change_plan_elsewhere(sqlite_db, plan)
    assert finish(editor.save()) == "conflict"
    conflict = editor.conflict_dialog
    assert conflict is not None and conflict.isVisible() and msgs.calls == []
    assert conflict.heading.text() == "此记录已被他人修改" and "已是第 2 版" in conflict.message.text()
    conflict.compare_button.click()  # 比较: the stored document against the one in the window
    diff = editor.compare_dialog
    assert diff is not None and diff.isVisible()
    assert "他人修改" in diff.html() and "我的修改。" in diff.html()
    conflict.keep_button.click()  # 继续编辑
    assert editor.isVisible() and editor.is_dirty()
    assert text_editor(editor).edit.toPlainText() == "我的修改。"
    assert d.find_section(editor.document, SCOPE).blocks[0] == d.Paragraph("我的修改。")
    assert drafts.read_draft(plan) is not None  # kept on disk as well
    assert "他人修改" in stored_headings(sqlite_db, plan)[7]  # the other save stands


def test_after_comparing_the_user_may_keep_the_document_and_save_it_on_the_new_version(
        open_editor, plan, sqlite_db, msgs, finish):
    editor = open_editor(plan, section_key=SCOPE)
    text_editor(editor).edit.setPlainText("我的修改。")
    change_plan_elsewhere(sqlite_db, plan)
    _doc, stored_version = stored(sqlite_db, plan)
    assert finish(editor.save()) == "conflict"
    conflict = editor.conflict_dialog
    assert not conflict.merge_button.isVisible()  # only after 比较
    conflict.compare_button.click()
    conflict.merge_button.click()  # 保留我的修改，在最新版本上再保存: nothing is written yet
    assert editor.loaded_version == stored_version and editor.is_dirty()
    assert "他人修改" in stored_headings(sqlite_db, plan)[7]
    assert finish(editor.save()) == "saved"
    document, _version = stored(sqlite_db, plan)
    assert d.find_section(document, SCOPE).blocks[0] == d.Paragraph("我的修改。")


def test_after_a_conflict_reloading_discards_the_edits_after_confirmation(open_editor, plan, sqlite_db, msgs,
                                                                          finish):
    editor = open_editor(plan, section_key=SCOPE)
    text_editor(editor).edit.setPlainText("我的修改。")
    change_plan_elsewhere(sqlite_db, plan)
    msgs.confirm_answer = True
    assert finish(editor.save()) == "conflict"
    editor.conflict_dialog.reload_button.click()  # 重新载入
    assert msgs.kinds() == ["confirm"]
    assert not editor.is_dirty()
    assert "3.1.2 信息研判（他人修改）" in editor.tree.headings()
    assert text_editor(editor).edit.toPlainText() != "我的修改。"
    assert drafts.read_draft(plan) is None
    text_editor(editor).edit.setPlainText("重新修改。")
    assert finish(editor.save()) == "saved"  # with the version just reloaded


def test_closing_with_unsaved_changes_asks(open_editor, plan, sqlite_db, msgs, finish):
    editor = open_editor(plan, section_key=SCOPE)
    editor.close()  # nothing changed: closes without a question
    assert not editor.isVisible() and msgs.calls == []

    editor = open_editor(plan, section_key=SCOPE)
    text_editor(editor).edit.setPlainText("尚未保存的文字。")
    msgs.choose_answer = 2  # 取消
    editor.close()
    assert editor.isVisible() and msgs.kinds() == ["choose"]
    assert "未保存的修改" in msgs.texts("choose")[0]

    msgs.choose_answer = 1  # 不保存
    editor.reject()
    assert not editor.isVisible()
    assert d.find_section(stored(sqlite_db, plan)[0], SCOPE).blocks[0] != d.Paragraph("尚未保存的文字。")

    editor = open_editor(plan, section_key=SCOPE)
    text_editor(editor).edit.setPlainText("关闭时保存。")
    msgs.choose_answer = 0  # 保存: the editor closes once the write flow has stored it
    editor.close()
    assert finish(editor.write_op) == "saved"
    assert not editor.isVisible()
    assert d.find_section(stored(sqlite_db, plan)[0], SCOPE).blocks[0] == d.Paragraph("关闭时保存。")


def test_a_draft_is_written_while_dirty_and_offered_on_reopening(open_editor, plan, sqlite_db, qtbot, msgs,
                                                                finish):
    editor = open_editor(plan, section_key=SCOPE, draft_interval_ms=30)
    text_editor(editor).edit.setPlainText("崩溃前的文字。")
    with qtbot.waitSignal(editor.sig_draft_saved, timeout=3000) as written:
        pass
    path = Path(written.args[0])
    assert path == drafts.draft_path(plan) and path.parent.name == "drafts"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["base_version"] == editor.loaded_version and data["plan_id"] == plan
    assert not list(path.parent.glob("*.tmp"))
    editor.done(0)  # as if the program died: no question, the draft stays

    msgs.choose_answer = 0  # 恢复草稿
    again = open_editor(plan)
    assert msgs.kinds() == ["choose"] and "发现此预案未保存的草稿" in msgs.texts("choose")[0]
    assert again.is_dirty()
    assert d.find_section(again.document, SCOPE).blocks[0] == d.Paragraph("崩溃前的文字。")
    assert finish(again.save()) == "saved" and not drafts.has_draft(plan)
    assert d.find_section(stored(sqlite_db, plan)[0], SCOPE).blocks[0] == d.Paragraph("崩溃前的文字。")


def test_a_declined_draft_is_removed(open_editor, plan, msgs):
    editor = open_editor(plan, section_key=SCOPE)
    text_editor(editor).edit.setPlainText("草稿文字。")
    assert editor.save_draft_now()
    editor.done(0)
    msgs.choose_answer = 1  # 放弃草稿
    again = open_editor(plan)
    assert not again.is_dirty() and not drafts.has_draft(plan)


def test_a_draft_equal_to_the_stored_document_is_dropped_quietly(open_editor, plan, sqlite_db, msgs):
    document, version = stored(sqlite_db, plan)
    drafts.write_draft(plan, document, version)
    editor = open_editor(plan)
    assert msgs.calls == [] and not drafts.has_draft(plan) and not editor.is_dirty()


def test_a_damaged_draft_is_set_aside(open_editor, plan, msgs):
    path = drafts.draft_path(plan)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json", encoding="utf-8")
    editor = open_editor(plan)
    assert msgs.calls == [] and not editor.is_dirty()
    assert not path.exists() and list(path.parent.glob(f"plan-{plan}.damaged-*.json"))


def test_a_published_plan_opens_read_only(open_editor, plan, sqlite_db, msgs):
    publish(sqlite_db, plan)
    editor = open_editor(plan, section_key=SCOPE)
    assert editor.read_only and editor.windowTitle().endswith("（只读）")
    assert editor.banner.isVisible()
    assert "已发布的预案不能直接修改，请先在预案列表中“开始修订”" in editor.banner.text()
    assert not editor.save_button.isVisible() and not editor.save()
    assert not editor.section_buttons["add"].isVisible()
    assert editor.tree.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert text_editor(editor).edit.isReadOnly()
    assert editor.add_sibling("不应出现", rename=False) is None
    assert not editor.insert_block("paragraph")
    editor.close()
    assert not editor.isVisible() and msgs.calls == []


def test_renaming_in_place_and_new_sections_start_in_rename(open_editor, plan, qtbot):
    editor = open_editor(plan, section_key=ASSESS)
    key = editor.add_sibling()  # "新章节", its title open for typing
    line = editor.tree.findChild(QLineEdit)
    assert key is not None and line is not None and line.text() == "新章节"
    line.setText("事故信息续报")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "3.1.3 事故信息续报" in editor.tree.headings())
    assert d.find_section(editor.document, key).title == "事故信息续报"

    editor.select_section(SCOPE)
    editor.start_rename()
    line = editor.tree.findChild(QLineEdit)
    assert line is not None and line.text() == "适用范围"  # the title, not "1.1 适用范围"
    line.setText("  ")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.tree.findChild(QLineEdit) is None or not editor.tree.findChild(QLineEdit).isVisible())
    assert "1.1 适用范围" in editor.tree.headings()


def test_empty_title_is_refused_with_a_message(open_editor, plan, msgs):
    editor = open_editor(plan, section_key=SCOPE)
    assert not editor.rename_section(SCOPE, "   ")
    assert msgs.kinds() == ["warn"] and msgs.texts("warn") == ["章节标题不能为空。"]


def test_undoing_a_removal_brings_the_section_back_selected(open_editor, plan):
    editor = open_editor(plan, section_key=SCOPE)
    assert editor.remove_current()
    assert "1.1 适用范围" not in editor.tree.headings() and editor.current_key() == "general.levels"
    editor.undo()
    assert editor.tree.headings()[1] == "1.1 适用范围" and editor.current_key() == SCOPE
    assert not editor.is_dirty()


def test_blocks_are_inserted_after_the_current_one_moved_and_deleted(open_editor, plan, sqlite_db, finish):
    editor = open_editor(plan, section_key=SCOPE)  # two paragraphs from the template
    editor.blocks.set_current(0)
    assert editor.insert_block("bullet_list")  # after the first paragraph
    items = text_editor(editor, 1)
    items.edit.setPlainText("液氯泄漏\n\n  火灾爆炸  \n")
    assert editor.insert_block("numbered_list")
    text_editor(editor, 2).edit.setPlainText("接警\n研判")
    assert editor.insert_block("page_break")
    editor.blocks.editors[1].down_button.click()  # the bullet list goes below the numbered list
    editor.blocks.editors[0].delete_button.click()
    kinds = [type(b).__name__ for b in editor.document.sections[0].children[0].blocks]
    assert kinds == ["NumberedList", "BulletList", "PageBreak", "Paragraph"]
    assert finish(editor.save()) == "saved"
    blocks = d.find_section(stored(sqlite_db, plan)[0], SCOPE).blocks
    assert blocks[:3] == [d.NumberedList(["接警", "研判"]), d.BulletList(["液氯泄漏", "火灾爆炸"]), d.PageBreak()]


def test_highlight_marks_words_in_text_and_table_cells(qtbot):
    from desktop.plans.editor.blocks import MARK_BACKGROUND, find_marks

    assert find_marks("液氯泄漏，氯气泄漏", ["泄漏"]) == [(2, 2), (7, 2)]
    assert find_marks("Version V2.0", ["v2"]) == [(8, 2)]
    table = TableBlockEditor(d.Table([[d.Cell("物资"), d.Cell("用途")], [d.Cell("堵漏工具"), d.Cell("泄漏处置")]],
                                     header_rows=1))
    qtbot.addWidget(table)
    assert table.highlight(["泄漏"]) == 1
    assert table.table.item(1, 1).background().color() == MARK_BACKGROUND
    assert table.table.item(0, 0).background().color() != MARK_BACKGROUND
    assert table.highlight([]) == 0 and table.table.item(1, 1).background().color() != MARK_BACKGROUND


def test_editor_opened_with_words_marks_them_in_every_section_shown(open_editor, plan, sqlite_db):
    editor = open_editor(plan, section_key=SCOPE, highlight=["本预案"])
    assert editor.highlight_words == ["本预案"]
    marked = [t for b in editor.blocks.editors if isinstance(b, TextBlockEditor) for t in b.marked_texts()]
    assert marked and set(marked) == {"本预案"}


def test_no_findings_is_said_in_the_list(open_editor, plan):
    editor = open_editor(plan)
    editor.findings.show_findings([])
    assert editor.findings.empty_state.showing and editor.findings.empty_state.title == "没有需要处理的缺漏"
