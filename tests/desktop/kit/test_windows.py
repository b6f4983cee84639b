"""Dialogs open no larger than the room they have: the screen's available area and the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QMainWindow

from desktop.kit.windows import available_room, fit_size, fit_to_screen


@pytest.fixture
def main(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(700, 520)
    window.show()
    return window


def within(size: QSize, room: QSize) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def test_a_dialog_never_opens_larger_than_its_main_window_or_the_screen(qtbot, main):
    dialog = QDialog(main)
    size = fit_to_screen(dialog, QSize(1320, 880))
    assert dialog.size() == size
    assert within(size, main.geometry().size())
    assert within(size, main.screen().availableGeometry().size())
    dialog.show()
    assert within(dialog.size(), main.geometry().size())


def test_a_small_wish_is_kept(qtbot, main):
    dialog = QDialog(main)
    assert fit_size(dialog, QSize(400, 300)) == QSize(400, 300)


def test_without_a_parent_the_screen_bounds_it(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    room = dialog.screen().availableGeometry().size()
    assert within(available_room(dialog), room)
    assert within(fit_to_screen(dialog, QSize(5000, 5000)), room)
