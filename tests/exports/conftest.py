"""The export tests fill their databases with demo enterprises only.

``plans.plans.demo`` appends its step to ``models.core.demo.STEPS`` when imported (the CLI and the plans tests
import it); the enterprise exports need no plans, and writing them would only slow these tests down.
"""

from __future__ import annotations

import pytest

from models.core import demo


@pytest.fixture(autouse=True)
def _enterprise_demo_steps_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "STEPS", [s for s in demo.STEPS if s.name == "enterprises"])
