"""The demo database: every module's generation step, composed in one explicit list.

``STEPS`` is the order the steps run in (a module's step reads what the steps before it wrote:
plans need the enterprises, drills the plans). Each module owns its generator (``models.enterprises.demo``,
``plans.plans.demo``, ``models.drills.demo``,
``models.supplies.demo``, ``models.teams.demo``, ``models.oversight.demo`` and the incidents of
``models.oversight.incidents``); nothing registers itself by being imported. ``generate`` runs them through
``models.core.demo.generate`` (one random stream per step, progress and cancel, the write path).
"""

from __future__ import annotations

from collections.abc import Sequence

from models.core import demo as core_demo
from models.core.database import Database
from models.core.demo import SCALE_LABELS, SCALES, DemoResult, DemoStep
from models.core.progress import NULL_PROGRESS, Progress
from models.core.uow import SYSTEM, Actor
from models.drills import demo as drill_demo
from models.enterprises import demo as enterprise_demo
from models.oversight import demo as oversight_demo
from models.oversight import incidents
from models.supplies import demo as supply_demo
from models.teams import demo as team_demo
from plans.plans import demo as plan_demo

__all__ = ["SCALES", "SCALE_LABELS", "STEPS", "generate"]


def steps() -> tuple[DemoStep, ...]:
    """The product's demo steps, in the order they run."""
    return (enterprise_demo.STEP, plan_demo.plans_step(), drill_demo.drills_step(plan_demo.DEFAULT_AS_OF),
            supply_demo.supplies_step(plan_demo.DEFAULT_AS_OF), team_demo.teams_step(plan_demo.DEFAULT_AS_OF),
            oversight_demo.oversight_step(plan_demo.DEFAULT_AS_OF), incidents.incidents_step(plan_demo.DEFAULT_AS_OF))


STEPS: tuple[DemoStep, ...] = steps()


def generate(db: Database, *, scale: str = "small", seed: int = 1, actor: Actor = SYSTEM,
             progress: Progress = NULL_PROGRESS, count: int | None = None,
             steps: Sequence[DemoStep] = STEPS) -> DemoResult:
    """Fill ``db`` with the demo data of every module (``steps``: a subset, for tests)."""
    return core_demo.generate(db, steps, scale=scale, seed=seed, actor=actor, progress=progress, count=count)
