"""The form base's field marks: a bad field says why in its tooltip and gets its own tooltip back."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from desktop.kit.forms import set_error


def test_a_mark_replaces_the_tooltip_and_clearing_it_gives_the_own_one_back(qtbot):
    box = QCheckBox("中型及以上规模")
    qtbot.addWidget(box)
    box.setToolTip("按国统字〔2017〕213号划为中型或大型的单位")
    set_error(box, False)  # a form clears every field when it loads: the own tooltip stays
    assert box.toolTip() == "按国统字〔2017〕213号划为中型或大型的单位"
    set_error(box, True, "不能为空")
    assert box.property("error") is True and box.toolTip() == "不能为空"
    set_error(box, False)
    assert box.property("error") is False and box.toolTip() == "按国统字〔2017〕213号划为中型或大型的单位"

    plain = QLineEdit()
    qtbot.addWidget(plain)
    set_error(plain, True, "不能超过 128 个字")
    assert plain.toolTip() == "不能超过 128 个字"
    set_error(plain, False)
    assert plain.toolTip() == ""


def test_a_marked_spin_box_is_filled_and_keeps_its_arrows(qtbot):
    from PySide6.QtWidgets import QSpinBox

    from desktop.kit.forms import ERROR_STYLE

    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.setStyleSheet(ERROR_STYLE)
    set_error(spin, True, "不能为 0")
    # not the border rule (it would draw the arrows without their images), the fill
    assert spin.property("errorFill") is True and not spin.property("error")
    assert spin.toolTip() == "不能为 0"
    set_error(spin, False)
    assert spin.property("errorFill") is False and spin.toolTip() == ""
