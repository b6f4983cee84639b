"""The 黑名单 page: an enterprise suggested by the rule with its reasons, blacklisted from the
suggestion (its reasons carried into the form, the enterprise's mark set), no longer suggested; removed
again with its reason, the history kept."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app import install_fonts
from desktop.kit.forms import set_widget_value
from desktop.oversight.blacklist import BlacklistPage
from desktop.oversight.hazard_forms import ListingDialog, RemovalDialog
from models.enterprises.entities import Enterprise
from tests.desktop.loading import wait_loaded
from tests.desktop.oversight.test_hazards_page import _shot
from tests.factories import TESTER
from tests.models.oversight.hazards_world import AS_OF, build, finding, inspect


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = build(db)
    inspect(db, w, w.enterprises[0], date(2026, 9, 1), finding(deadline=date(2026, 10, 1)),
            finding(deadline=date(2026, 11, 1), description="安全出口堵塞"))
    return w


@pytest.fixture
def page(qtbot, db, runner, settings, world):  # type: ignore[no-untyped-def]
    install_fonts(QApplication.instance())  # type: ignore[arg-type]
    widget = BlacklistPage(db, runner, settings, actor=TESTER, today=lambda: AS_OF)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    widget.activate()
    wait_loaded(qtbot, widget.model)
    qtbot.waitUntil(lambda: widget.candidates_task is not None and not widget.candidates_task.running, timeout=5000)
    return widget


def test_blacklist_a_suggested_enterprise_and_remove_it(qtbot, page, world, db, finish):  # type: ignore[no-untyped-def]
    ent = world.enterprises[0]
    assert page.model.rowCount() == 0
    assert [c.enterprise_id for c in page.candidates] == [ent]
    assert page.candidate_table.item(0, 2).text() == "逾期未整改隐患 2 项（阈值 2 项）"
    assert "建议列入黑名单的企业 1 家" in page.candidates_label.text()
    assert page.select_candidate(ent)
    dialog = page.add_listing()
    assert isinstance(dialog, ListingDialog)
    assert dialog.widgets["reason"].toPlainText() == "按黑名单建议规则：逾期未整改隐患 2 项（阈值 2 项）"
    assert finish(dialog.save()) == "invalid"  # who decided is missing
    assert "决定人" in dialog.errors.banner.text()
    set_widget_value(dialog.widgets["decided_by"], "局务会")
    set_widget_value(dialog.widgets["decision_no"], "临应急〔2026〕9号")
    _shot(dialog, "blacklist_add")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: page.candidates == [], timeout=5000)
    assert "没有建议列入黑名单的企业" in page.candidates_label.text()
    with db.read() as s:
        assert s.get(Enterprise, ent).blacklisted_on == AS_OF  # type: ignore[union-attr]
    page.select_row(0)
    assert page.act_remove.isEnabled()
    _shot(page, "blacklist_page")
    dialog = page.remove_listing()
    assert isinstance(dialog, RemovalDialog)
    set_widget_value(dialog.widgets["reason"], "隐患全部整改销号")
    set_widget_value(dialog.widgets["removed_by"], "局务会")
    assert finish(dialog.save()) == "saved"
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    with db.read() as s:
        assert s.get(Enterprise, ent).blacklisted_on is None  # type: ignore[union-attr]
    page.view_combo.setCurrentIndex(1)  # 全部历史记录
    wait_loaded(qtbot, page.model)
    row = page.model.row_at(0)
    assert (row.state_label, row.removal_reason, row.decision_no) == ("已移出", "隐患全部整改销号", "临应急〔2026〕9号")
    qtbot.waitUntil(lambda: [c.enterprise_id for c in page.candidates] == [ent], timeout=5000)  # suggested again
