"""Crash-safe scoring: each entry is its own transaction, so a scoring process killed with SIGKILL
between entries loses nothing it had reported as saved, and the database stays sound."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models.core.uow import unit_of_work
from models.drills import scoring
from models.drills import service as ds
from models.drills.entities import ScoreEntry, ScoreSheet
from models.drills.evaluation import form_for
from tests.factories import TESTER
from tests.models.drills.test_drill_service import _version
from tests.models.drills.test_scoring import _held_drill

CHILD = """
import sys
from models.modules import open_database
from models.core.actors import Actor
from models.core.uow import unit_of_work
from models.drills import scoring
from models.drills.entities import ScoreSheet
from models.drills.evaluation import form_for

db = open_database(sys.argv[1])
sheet_id = int(sys.argv[2])
for n, item in enumerate(form_for("live").items):
    value = 3.0 if item.kind == "score" else item.options[0][0] if item.kind == "choice" else 5.0
    with db.read() as s:
        version = s.get(ScoreSheet, sheet_id).version
    with unit_of_work(db, Actor("张评估")) as uow:
        scoring.enter(uow, sheet_id, item.key, value, version)
    print("saved", item.key, flush=True)
    if n == 4:
        sys.stdin.readline()  # the parent kills the process here, between two entries
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_scoring_process_killed_between_entries_loses_nothing_saved(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    did = _held_drill(db)
    with unit_of_work(db, TESTER) as uow:
        ds.transition(uow, did, "conduct", _version(db, did), held_on=date(2026, 5, 12))
    with unit_of_work(db, TESTER) as uow:
        scoring.start_evaluation(uow, did)
        sheet_id = scoring.add_evaluator(uow, did, "张评估")
    url = db.url.render_as_string(hide_password=False)
    db.dispose()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(sheet_id)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    saved = []
    for line in child.stdout:
        saved.append(line.split()[1])
        if len(saved) == 5:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    with db.read() as s:
        kept = list(s.scalars(select(ScoreEntry.item_key).where(ScoreEntry.sheet_id == sheet_id)
                              .order_by(ScoreEntry.id)))
        sheet = s.get(ScoreSheet, sheet_id)
        assert sheet is not None and sheet.status == "open" and sheet.version == 1 + len(kept)
        if db.url.get_backend_name() == "sqlite":
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert kept == saved == [i.key for i in form_for("live").items[:5]]
    # the evaluator carries on where the crash left off
    item = form_for("live").items[5]
    with unit_of_work(db, TESTER) as uow:
        scoring.enter(uow, sheet_id, item.key, 3.0 if item.kind == "score" else None, sheet.version)
