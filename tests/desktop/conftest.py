"""Fixtures for the desktop tests: no modal dialog may ever block a test."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from desktop.kit import messages
from desktop.kit.settings import Settings
from desktop.kit.tasks import TaskRunner
from desktop.kit.writes import WriteOp
from models.core.database import Database
from tests.desktop.loading import Reads
from tests.factories import create_enterprise


@dataclass
class MessageRecorder:
    """Stands in for ``desktop.kit.messages``: records every box and answers without showing it."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    confirm_answer: bool = True
    choose_answer: int = 0
    info_answer: int = 0
    """What ``info`` with ``options`` returns (the index of the button “clicked”)."""

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.calls]

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.calls if kind is None or k == kind]


@pytest.fixture(autouse=True)
def msgs(monkeypatch: pytest.MonkeyPatch) -> MessageRecorder:
    recorder = MessageRecorder()

    def info(_parent: Any, title: str, text: str, *, options: Any = ()) -> int:
        recorder.calls.append(("info", title, text))
        return recorder.info_answer if options else 0

    def warn(_parent: Any, title: str, text: str) -> None:
        recorder.calls.append(("warn", title, text))

    def critical(_parent: Any, title: str, text: str, detail: str = "") -> None:
        recorder.calls.append(("critical", title, text))

    def confirm(_parent: Any, title: str, text: str, *, yes: str = "", no: str = "") -> bool:
        recorder.calls.append(("confirm", title, text))
        return recorder.confirm_answer

    def choose(_parent: Any, title: str, text: str, options: list[str], detail: str = "") -> int:
        recorder.calls.append(("choose", title, text))
        return recorder.choose_answer

    for name, fn in (("info", info), ("warn", warn), ("critical", critical), ("confirm", confirm),
                     ("choose", choose)):
        monkeypatch.setattr(messages, name, fn)
    return recorder


@pytest.fixture
def settings() -> Settings:
    return Settings.open()  # under EMERGENCY_DESK_DATA_DIR, a fresh temp dir per test


@pytest.fixture
def runner(qtbot) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(None, progress_delay_ms=50)
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def finish(qtbot) -> Callable[..., str]:
    """Wait until a write started from the window (a ``WriteOp``) has ended; returns its outcome."""

    def wait(op: WriteOp[Any] | None, timeout: int = 5000) -> str:
        assert op is not None, "no write was started"
        if op.outcome is None:
            with qtbot.waitSignal(op.sig_ended, timeout=timeout):
                pass
        assert op.outcome is not None
        return op.outcome.value

    return wait


@pytest.fixture
def fill() -> Callable[[Database, int], list[int]]:
    def make(db: Database, n: int, start: int = 1, **overrides: object) -> list[int]:
        return [create_enterprise(db, i, **overrides) for i in range(start, start + n)]

    return make


@pytest.fixture
def fake_module(monkeypatch: pytest.MonkeyPatch) -> Callable[..., types.ModuleType]:
    """Put a stand-in module into ``sys.modules`` (the app imports lazily with importlib)."""

    def make(name: str, **attrs: object) -> types.ModuleType:
        module = types.ModuleType(name)
        for key, value in attrs.items():
            setattr(module, key, value)
        monkeypatch.setitem(sys.modules, name, module)
        return module

    return make


_SHIPPED_FAMILY: list[str | None] = []  # what install_fonts set, the first time (it registers once)


@pytest.fixture
def chinese_font(qapp) -> Iterator[str | None]:
    """Text measured as the window draws it on a machine without Chinese fonts (the shipped font):
    for tests of widths, where empty boxes would be narrower than the real characters. Every test
    using it gets the same font (``install_fonts`` changes nothing once the font is registered)."""
    from desktop.app import install_fonts

    font = qapp.font()
    if not _SHIPPED_FAMILY:
        _SHIPPED_FAMILY.append(install_fonts(qapp))
    family = _SHIPPED_FAMILY[0]
    if family is not None:
        shipped = qapp.font()
        shipped.setFamilies([family])
        qapp.setFont(shipped)
    yield family
    qapp.setFont(font)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, sqlite_db: Database) -> Reads:
    """``sqlite_db``'s reads, recorded (and held or failed when a test says so)."""
    return Reads(monkeypatch, sqlite_db)
