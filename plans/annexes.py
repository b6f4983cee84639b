"""The annex builders of the product: every module's builders, composed in one explicit list.

``BUILDERS`` lists every ``AnnexBuilder`` a printed plan may use (``plans.plans.print_model``
takes the list as ``annex_builders``). Each module owns its builders — ``plans.plans.annexes``
the enterprise profile and the contacts; the supplies ledger and the rescue teams will add theirs
(``plans.supplies``, ``plans.teams``) — and nothing registers itself by being imported. This
module sits at the top of the plans layer, beside ``plans.demo``, because it names modules that
``plans.plans`` must never import. For one annex key the last builder listed wins.
"""

from __future__ import annotations

from plans.plans import annexes as plan_annexes
from plans.plans.annexes import AnnexBuilder
from plans.supplies import annexes as supply_annexes

__all__ = ["BUILDERS", "builders"]


def builders() -> tuple[AnnexBuilder, ...]:
    """The product's annex builders, in the order a plan without a template lists their annexes."""
    return (plan_annexes.UNIT_PROFILE, supply_annexes.SUPPLIES, plan_annexes.CONTACTS)


BUILDERS: tuple[AnnexBuilder, ...] = builders()
