"""The plan, drill and enterprise lists show a blacklisted enterprise's mark: the name marked “【黑名单】”, red,
and since when in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.drills.table import DrillTableModel
from desktop.enterprises.table import EnterpriseTableModel
from desktop.kit.marks import BLACKLIST_COLOUR
from desktop.kit.tasks import TaskRunner
from desktop.plans.table import PlanTableModel
from models.core.database import Database
from models.drills import queries as dq
from models.enterprises import queries as eq
from models.enterprises.queries import EnterpriseFilter
from models.plans import queries as pq
from models.plans.queries import PlanFilter
from tests.models.oversight.test_blacklist_marks import LISTED, _world


def test_lists_mark_the_blacklisted_enterprise(sqlite_db: Database, qtbot) -> None:  # type: ignore[no-untyped-def]
    bad, good = _world(sqlite_db)
    runner = TaskRunner()
    with sqlite_db.read() as s:
        plans = {r.enterprise_id: r for r in pq.page(s, PlanFilter())}
        drills = {r.enterprise_id: r for r in dq.page(s)}
        ents = {r.id: r for r in eq.page(s, EnterpriseFilter())}
    plan_model = PlanTableModel(sqlite_db, runner=runner)
    drill_model = DrillTableModel(sqlite_db, runner=runner)
    ent_model = EnterpriseTableModel(sqlite_db, runner=runner)
    column = plan_model.columns[plan_model.ENTERPRISE_COLUMN]
    assert column.display(plans[bad]).startswith("【黑名单】") and not column.display(plans[good]).startswith("【")
    assert column.tooltip is not None and LISTED.isoformat() in column.tooltip(plans[bad])
    assert plan_model.decorate(plans[bad], plan_model.ENTERPRISE_COLUMN, Qt.ItemDataRole.ForegroundRole) == \
        QColor(BLACKLIST_COLOUR)
    assert plan_model.decorate(plans[good], plan_model.ENTERPRISE_COLUMN, Qt.ItemDataRole.ForegroundRole) is None
    column = drill_model.columns[drill_model.ENTERPRISE_COLUMN]
    assert column.display(drills[bad]).startswith("【黑名单】") and column.display(drills[good]) == drills[good].enterprise
    assert drill_model.decorate(drills[bad], drill_model.ENTERPRISE_COLUMN, Qt.ItemDataRole.ForegroundRole) == \
        QColor(BLACKLIST_COLOUR)
    column = ent_model.columns[ent_model.BLACKLIST_COLUMN]
    assert column.title == "黑名单" and column.display(ents[bad]) == "黑名单" and column.display(ents[good]) == ""
    runner.shutdown()
