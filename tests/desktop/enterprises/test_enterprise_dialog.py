"""The enterprise dialog: validation keeps the input, conflicts never overwrite, saves go through the
write flow on the writer thread (the window never waits for the database)."""

from __future__ import annotations

import pytest

from desktop.enterprises.dialog import EnterpriseDialog
from models.core.entities import AuditLog
from models.core.uow import unit_of_work
from models.enterprises import queries as enterprise_queries
from models.enterprises import service as enterprises
from tests.factories import TESTER, create_enterprise, enterprise_data, valid_uscc


@pytest.fixture
def open_dialog(qtbot, sqlite_db, runner):
    def make(enterprise_id: int | None = None) -> EnterpriseDialog:
        dialog = EnterpriseDialog(sqlite_db, runner, enterprise_id, actor=TESTER)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def line(dialog: EnterpriseDialog, name: str):
    return dialog.widgets[name]


def test_labels_buttons_and_loaded_values_are_chinese(open_dialog, sqlite_db):
    eid = create_enterprise(sqlite_db, 3)
    dialog = open_dialog(eid)
    assert dialog.save_button.text() == "保存" and dialog.cancel_button.text() == "取消"
    assert dialog.loaded_version == 1
    assert line(dialog, "name").text() == "临江市测试3号化工有限公司"
    assert dialog.widgets["employees"].value() == 120
    assert dialog.contacts.rowCount() == 1 and dialog.contacts.item(0, 0).text() == "赵敏"
    headers = [dialog.contacts.horizontalHeaderItem(c).text() for c in range(5)]
    assert headers == ["姓名", "职务/岗位", "电话", "手机", "备注"]
    with sqlite_db.read() as s:
        stored, _version = enterprises.load(s, eid)
    assert dialog.data() == stored
    assert not dialog.is_modified()


def test_invalid_input_keeps_everything_and_marks_the_fields(open_dialog, sqlite_db, finish):
    dialog = open_dialog()
    data = enterprise_data(sqlite_db, 4)
    dialog.fill(data)
    line(dialog, "name").setText("")
    line(dialog, "uscc").setText("91369902MA000001X0")  # wrong check character
    line(dialog, "address").setText("人民路 88 号")
    dialog.add_contact()
    dialog.contacts.item(1, 1).setText("值班员")
    assert finish(dialog.save()) == "invalid"
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    # nothing typed is lost
    assert line(dialog, "name").text() == ""
    assert line(dialog, "uscc").text() == "91369902MA000001X0"
    assert line(dialog, "address").text() == "人民路 88 号"
    assert dialog.contacts.item(1, 1).text() == "值班员"
    # each bad field is marked and says why, in Chinese
    assert dialog.error_text("name") == "不能为空"
    assert dialog.error_text("uscc") == "校验位不正确，请核对是否录入有误"
    assert dialog.error_text("contacts") == "第 2 行姓名不能为空"
    assert dialog.error_text("address") == ""
    assert line(dialog, "name").property("error") is True
    assert not line(dialog, "address").property("error")
    banner = dialog.error_banner.text()
    assert not dialog.error_banner.isHidden()
    assert "企业名称：不能为空" in banner and "统一社会信用代码：校验位不正确" in banner
    assert dialog.focusWidget() is line(dialog, "name")
    with sqlite_db.read() as s:
        assert enterprise_queries.count(s, enterprise_queries.EnterpriseFilter()) == 0
    # editing a field clears its mark
    line(dialog, "name").textEdited.emit("临")
    assert dialog.error_text("name") == ""
    assert not line(dialog, "name").property("error")


def test_uscc_hint_checks_while_typing(open_dialog):
    dialog = open_dialog()
    line(dialog, "uscc").setText("9136")
    assert dialog.uscc_hint.text() == "应为 18 位，现为 4 位"
    line(dialog, "uscc").setText("91369902MA0000011X"[:17] + "0")
    assert "校验位" in dialog.uscc_hint.text()
    line(dialog, "uscc").setText(valid_uscc(5))
    assert dialog.uscc_hint.text() == "✓ 校验位正确"


def test_valid_save_updates_the_database(qtbot, open_dialog, sqlite_db):
    eid = create_enterprise(sqlite_db, 1)
    dialog = open_dialog(eid)
    line(dialog, "principal").setText("陈立新")
    dialog.widgets["employees"].setValue(300)
    dialog.add_contact()
    dialog.contacts.item(1, 0).setText("孙丽")
    dialog.contacts.item(1, 3).setText("13905391111")
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000) as blocker:
        assert dialog.save() is not None
    assert blocker.args == [eid]
    assert not dialog.isVisible()
    with sqlite_db.read() as s:
        data, version = enterprises.load(s, eid)
        actors = set(s.scalars(AuditLog.__table__.select().with_only_columns(AuditLog.actor)
                               .where(AuditLog.entity == "enterprise", AuditLog.entity_id == eid,
                                      AuditLog.action == "update")))
    assert version == 2
    assert data.principal == "陈立新" and data.employees == 300
    assert [c.name for c in data.contacts] == ["赵敏", "孙丽"]
    assert actors == {TESTER.name}


def test_saving_other_fields_keeps_the_unit_facts(open_dialog, sqlite_db, finish):
    eid = create_enterprise(sqlite_db, 1, medium_or_larger=True, hazchem_use_above_threshold=True)
    dialog = open_dialog(eid)
    dialog.widgets["address"].setText("新地址 8 号")
    assert finish(dialog.save()) == "saved"
    with sqlite_db.read() as s:
        data, _version = enterprises.load(s, eid)
    assert data.address == "新地址 8 号" and data.medium_or_larger and data.hazchem_use_above_threshold


def test_the_unit_facts_are_check_boxes_saved_and_loaded(open_dialog, sqlite_db, finish):
    from PySide6.QtWidgets import QCheckBox

    from models.enterprises.rules import unit_facts

    eid = create_enterprise(sqlite_db, 1)
    dialog = open_dialog(eid)
    facts = unit_facts()
    assert [f.label for f in facts] == ["中型及以上规模", "使用危险化学品达到规定数量"]
    for fact in facts:  # labelled by the fact, its help and source in the tooltip
        box = dialog.widgets[fact.field]
        assert isinstance(box, QCheckBox) and box.text() == fact.label and box.isVisible()
        assert fact.help in box.toolTip() and fact.source in box.toolTip()
        assert not box.isChecked()
    dialog.widgets["medium_or_larger"].setChecked(True)
    assert dialog.is_modified()
    assert finish(dialog.save()) == "saved"
    with sqlite_db.read() as s:
        stored, version = enterprises.load(s, eid)
    assert stored.medium_or_larger and not stored.hazchem_use_above_threshold and version == 2

    again = open_dialog(eid)  # loaded back as stored
    assert again.widgets["medium_or_larger"].isChecked()
    assert not again.widgets["hazchem_use_above_threshold"].isChecked()
    assert not again.is_modified()
    again.widgets["medium_or_larger"].setChecked(False)
    again.widgets["hazchem_use_above_threshold"].setChecked(True)
    # 比较 names them by their labels, with 是/否
    differences = {d.label: (d.mine, d.stored) for d in again.differences(again.data(), stored)}
    assert differences == {"中型及以上规模": ("否", "是"), "使用危险化学品达到规定数量": ("是", "否")}
    assert finish(again.save()) == "saved"
    with sqlite_db.read() as s:
        stored, version = enterprises.load(s, eid)
    assert not stored.medium_or_larger and stored.hazchem_use_above_threshold and version == 3


def test_remove_contact(open_dialog, sqlite_db, finish):
    eid = create_enterprise(sqlite_db, 1)
    dialog = open_dialog(eid)
    dialog.contacts.selectRow(0)
    dialog.remove_selected_contacts()
    assert dialog.contacts.rowCount() == 0
    assert finish(dialog.save()) == "saved"
    with sqlite_db.read() as s:
        assert enterprises.load(s, eid)[0].contacts == []


def change_elsewhere(db, enterprise_id: int, **values: object) -> None:
    """Another desk saves the enterprise in its own unit of work (the dialog's version goes stale)."""
    with unit_of_work(db, TESTER) as uow:
        data, version = enterprises.load(uow.session, enterprise_id)
        for name, value in values.items():
            setattr(data, name, value)
        enterprises.update(uow, enterprise_id, data, expected_version=version)


def test_conflict_keeps_the_input_and_overwrites_nothing(open_dialog, sqlite_db, msgs, finish):
    eid = create_enterprise(sqlite_db, 1)
    dialog = open_dialog(eid)
    change_elsewhere(sqlite_db, eid, principal="他人改的负责人")  # somebody else saves in between
    line(dialog, "principal").setText("我改的负责人")
    assert finish(dialog.save()) == "conflict"
    conflict = dialog.conflict_dialog
    assert conflict is not None and conflict.isVisible() and msgs.calls == []
    assert conflict.heading.text() == "此记录已被他人修改"
    assert "第 1 版" in conflict.message.text() and "已是第 2 版" in conflict.message.text()
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert line(dialog, "principal").text() == "我改的负责人"
    with sqlite_db.read() as s:
        stored, version = enterprises.load(s, eid)
    assert stored.principal == "他人改的负责人" and version == 2

    conflict.keep_button.click()  # 继续编辑: everything stays, the version too
    assert dialog.conflict_dialog is None and dialog.loaded_version == 1
    assert line(dialog, "principal").text() == "我改的负责人"

    assert finish(dialog.save()) == "conflict"
    dialog.conflict_dialog.reload_button.click()  # 重新载入
    assert line(dialog, "principal").text() == "他人改的负责人"
    assert dialog.loaded_version == 2 and "已重新载入" in dialog.errors.banner.text()
    line(dialog, "principal").setText("我改的负责人")
    assert finish(dialog.save()) == "saved"
    with sqlite_db.read() as s:
        assert enterprises.load(s, eid)[0].principal == "我改的负责人"


def test_compare_lists_the_differing_fields_and_keeps_only_what_is_ticked(qtbot, db, runner, msgs, finish,
                                                                         tmp_path):
    """On each backend: 比较 lists what differs, in Chinese; only the ticked input is copied over the
    stored record, and only the next 保存 writes it (on the stored version)."""
    backend_db = db
    eid = create_enterprise(backend_db, 1)
    dialog = EnterpriseDialog(backend_db, runner, eid, actor=TESTER)
    qtbot.addWidget(dialog)
    dialog.show()
    change_elsewhere(backend_db, eid, principal="他人改的负责人", address="他人改的地址")
    line(dialog, "principal").setText("我改的负责人")
    dialog.widgets["employees"].setValue(300)
    assert finish(dialog.save()) == "conflict"
    conflict = dialog.conflict_dialog
    assert conflict.table.isHidden()
    conflict.compare_button.click()
    assert not conflict.table.isHidden() and conflict.merge_button.isVisible()
    # field by field, with the Chinese labels, who changed what since the form was loaded
    assert conflict.labels() == ["地址", "主要负责人", "从业人数"]
    rows = [[conflict.table.item(r, c).text() for c in range(4)] for r in range(conflict.table.rowCount())]
    assert rows[0][1:] == ["滨江路 1 号", "他人改的地址", "他人修改了"]
    assert rows[1][1:] == ["我改的负责人", "他人改的负责人", "双方都修改了"]
    assert rows[2][1:] == ["300 人", "120 人", "您修改了"]
    assert conflict.kept() == ["employees"]  # only what nobody else changed is kept to begin with
    assert conflict.grab().save(str(tmp_path / "conflict_compare.png"))
    conflict.set_kept(["principal", "employees"])
    conflict.merge_button.click()  # the stored record, with the ticked input copied over
    assert dialog.loaded_version == 2
    assert line(dialog, "address").text() == "他人改的地址"
    assert line(dialog, "principal").text() == "我改的负责人"
    assert dialog.widgets["employees"].value() == 300
    assert "保留了您勾选的 2 项输入" in dialog.errors.banner.text()
    with backend_db.read() as s:  # nothing was written yet
        stored, version = enterprises.load(s, eid)
    assert (stored.principal, stored.employees, version) == ("他人改的负责人", 120, 2)
    assert finish(dialog.save()) == "saved"
    with backend_db.read() as s:
        stored, version = enterprises.load(s, eid)
    assert (stored.principal, stored.address, stored.employees, version) == ("我改的负责人", "他人改的地址", 300, 3)


def test_deleted_meanwhile_is_reported(open_dialog, sqlite_db, msgs, finish):
    eid = create_enterprise(sqlite_db, 1)
    dialog = open_dialog(eid)
    with unit_of_work(sqlite_db, TESTER) as uow:
        enterprises.delete(uow, eid, expected_version=1)
    dialog.widgets["notes"].setPlainText("补充说明")
    assert finish(dialog.save()) == "refused"
    assert msgs.kinds() == ["warn"]
    assert "找不到企业" in msgs.texts()[0]
    assert dialog.isVisible() and dialog.widgets["notes"].toPlainText() == "补充说明"


def test_cancel_with_changes_asks_first(open_dialog, sqlite_db, msgs):
    eid = create_enterprise(sqlite_db, 1)
    dialog = open_dialog(eid)
    dialog.reject()
    assert msgs.calls == [] and not dialog.isVisible()
    dialog = open_dialog(eid)
    line(dialog, "address").setText("改了")
    msgs.confirm_answer = False
    dialog.cancel_button.click()
    assert dialog.isVisible() and msgs.kinds() == ["confirm"]
    msgs.confirm_answer = True
    dialog.cancel_button.click()
    assert not dialog.isVisible()


def test_no_contacts_yet_is_said_in_the_table(open_dialog, msgs):
    dialog = open_dialog()
    assert dialog.contacts_empty.showing and dialog.contacts_empty.title == "还没有联系人"
    dialog.add_contact()
    assert not dialog.contacts_empty.showing


def test_a_long_error_list_never_squeezes_the_fields_or_the_contacts(qtbot, open_dialog, sqlite_db):
    from PySide6.QtWidgets import QComboBox

    from models.core.errors import FieldError

    dialog = open_dialog(create_enterprise(sqlite_db, 3))
    qtbot.waitUntil(lambda: dialog.contacts.height() > 0)
    size, contacts = dialog.size(), dialog.contacts.height()
    errors = [FieldError(name, label, f"{label}不符合要求，请按营业执照和登记材料核对后重新填写")
              for name, label in (("name", "企业名称"), ("uscc", "统一社会信用代码"), ("industry_id", "行业"),
                                  ("risk_level_id", "风险等级"), ("region_id", "所属区域"),
                                  ("department_id", "监管部门"), ("principal_phone", "主要负责人电话"),
                                  ("safety_manager_phone", "安全管理人员电话"), ("employees", "从业人数"),
                                  ("contacts", "联系人"))]
    dialog.show_errors(errors)
    qtbot.waitUntil(lambda: dialog.error_area.isVisible())
    dialog.layout().activate()
    assert dialog.error_banner.text().count("\n") == len(errors)  # every error is listed…
    assert dialog.error_area.height() <= dialog.error_area.max_height  # …in a banner of a few lines
    assert dialog.error_area.verticalScrollBar().maximum() > 0  # that scrolls
    assert dialog.size() == size  # the dialog did not grow past the screen
    assert dialog.contacts.height() >= min(contacts, dialog.contacts.minimumHeight())
    assert dialog.contacts.height() >= dialog.contacts.minimumHeight()  # six rows stay in view
    for combo in dialog.findChildren(QComboBox):  # the fields keep their height (the form scrolls)
        assert combo.height() >= combo.sizeHint().height()
    dialog.errors.clear()
    assert dialog.error_area.isHidden()
