"""The product's annex builders: one explicit list at the top of the plans layer."""

from __future__ import annotations

from plans import annexes
from plans.plans import annexes as plan_annexes
from plans.plans.templates import KINDS, load_template


def test_every_builder_of_the_product_is_listed_once_and_fills_a_template_annex() -> None:
    keys = [b.key for b in annexes.BUILDERS]
    assert len(keys) == len(set(keys))
    assert set(plan_annexes.BUILDERS) <= set(annexes.BUILDERS)
    template_keys = {a.key for kind in KINDS for a in load_template(kind).annexes}
    assert set(keys) <= template_keys
    assert annexes.builders() == annexes.BUILDERS  # composed, not accumulated: the same list every time
