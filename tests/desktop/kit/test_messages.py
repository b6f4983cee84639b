"""Message boxes: the icon says what kind of message it is (a report is not a question)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.kit import messages

# The real functions (the autouse ``msgs`` fixture replaces them during every test).
REAL_INFO = messages.info
REAL_CHOOSE = messages.choose


@pytest.fixture
def shown(qapp, monkeypatch):
    """Boxes “shown”: exec records the box and clicks its last button instead of blocking."""
    boxes: list[QMessageBox] = []

    def exec_(box: QMessageBox) -> int:
        boxes.append(box)
        box.buttons()[-1].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return boxes


def test_info_with_follow_up_buttons_uses_the_information_icon(shown):
    choice = REAL_INFO(None, "导出完成", "已导出 2 家企业到：\n/tmp/x.xlsx", options=["确定", "打开所在文件夹"])
    (box,) = shown
    assert box.icon() is QMessageBox.Icon.Information
    assert [b.text() for b in box.buttons()] == ["确定", "打开所在文件夹"]
    assert box.defaultButton().text() == "确定"
    assert choice == 1  # the button clicked


def test_plain_info_has_one_ok_button(shown):
    assert REAL_INFO(None, "版本对比", "此预案还没有发布过版本。") == 0
    assert shown[0].icon() is QMessageBox.Icon.Information
    assert [b.text() for b in shown[0].buttons()] == ["确定"]


def test_a_question_keeps_the_question_icon(shown):
    assert REAL_CHOOSE(None, "保存被拒绝", "此记录已被他人修改", ["继续编辑", "重新载入"]) == 1
    assert shown[0].icon() is QMessageBox.Icon.Question
