"""Message boxes with Chinese buttons, in one place so tests can replace them.

The buttons carry explicit Chinese texts (not only Qt's translated standard buttons), so the
dialogs read the same whether or not ``qtbase_zh_CN.qm`` was found.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

APP_TITLE = "应急预案与演练管理系统"


def _tr(text: str) -> str:
    return QCoreApplication.translate("messages", text)


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         detail: str = "") -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title or _tr(APP_TITLE))
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    return box


def info(parent: QWidget | None, title: str, text: str, *, options: Sequence[str] = ()) -> int:
    """Tell the user something (the information icon: nothing is asked). ``options`` are button
    texts for what may follow (“确定”, “打开所在文件夹”…; just 确定 when empty); returns the index
    of the button clicked, -1 if the box was closed."""
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    buttons = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in options or [_tr("确定")]]
    box.setDefaultButton(buttons[0])
    box.exec()
    clicked = box.clickedButton()
    return next((i for i, button in enumerate(buttons) if clicked is button), -1)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.addButton(_tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def critical(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Critical, title, text, detail)
    box.addButton(_tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, *, yes: str = "", no: str = "") -> bool:
    """Ask a yes/no question; the safe answer (``no``) is the default button."""
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    yes_button = box.addButton(yes or _tr("确定"), QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no or _tr("取消"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def choose(parent: QWidget | None, title: str, text: str, options: list[str], detail: str = "") -> int:
    """Ask the user to pick one of ``options`` (button texts); returns its index, -1 if closed.
    A question (its icon says so); to report an outcome with follow-up buttons use ``info``."""
    box = _box(parent, QMessageBox.Icon.Question, title, text, detail)
    buttons = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in options]
    if buttons:
        box.setDefaultButton(buttons[0])
    box.exec()
    clicked = box.clickedButton()
    for i, button in enumerate(buttons):
        if clicked is button:
            return i
    return -1
