"""The first-start question: a new user's empty database is never filled with invented data.

When the window is opened without ``--db`` and without ``EMERGENCY_DESK_DB``, the default
database has no enterprises, and the user has not answered before, we ask: open the demo database
(a separate file, filled in the background if empty), or start blank (remembered in settings).
"""

from __future__ import annotations

import enum
import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop.kit import messages
from desktop.kit.settings import Settings
from models.core.database import Database
from models.core.paths import ENV_DB
from models.enterprises.queries import has_enterprises


class FirstStartChoice(enum.Enum):
    DEMO = "demo"
    BLANK = "blank"


def should_ask(db_arg: str | None, settings: Settings, database: Database) -> bool:
    """Ask only on the default database, when it is empty and the question was never answered."""
    if db_arg is not None or os.environ.get(ENV_DB):
        return False
    if settings.first_start_answered:
        return False
    return not has_enterprises(database)


def _tr(text: str) -> str:
    return QCoreApplication.translate("first_start", text)


def ask(parent: QWidget | None = None) -> FirstStartChoice | None:
    """Show the question; None when the window was closed without an answer (ask again next time)."""
    index = messages.choose(
        parent, _tr("欢迎使用应急预案与演练管理系统"),
        _tr("数据库中还没有任何企业。"),
        [_tr("打开演示数据库"), _tr("从空白开始")],
        _tr("“打开演示数据库”会打开一个单独的演示库（虚构的临江市企业数据），可随意试用，"
            "不影响您的正式数据库。\n“从空白开始”则直接使用正式数据库，以后不再询问；"
            "演示库仍可从“文件”菜单打开。"),
    )
    if index == 0:
        return FirstStartChoice.DEMO
    if index == 1:
        return FirstStartChoice.BLANK
    return None


def record(choice: FirstStartChoice | None, settings: Settings) -> None:
    """Remember “从空白开始”; the demo choice is asked again while the real database stays empty."""
    if choice is FirstStartChoice.BLANK:
        settings.first_start_answered = True
        settings.sync()
