"""The models layer's tests see the demo generator's own steps only.

``plans.plans.demo`` appends its step to ``models.core.demo.STEPS`` when imported (the CLI and the plans tests
import it); the tests here check the enterprise generator, so they run it without the plans step.
"""

from __future__ import annotations

import pytest

from models.core import demo


@pytest.fixture(autouse=True)
def _models_demo_steps_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "STEPS", [s for s in demo.STEPS if s.name == "enterprises"])
