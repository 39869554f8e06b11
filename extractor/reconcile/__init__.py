"""Reconciliation: figures of one report checked against the others that must agree.

``reconcile(result)`` runs every registered rule on an extraction and returns
:class:`~schemas.Finding` objects; ``registry()`` lists the rules with their
documentation (for ``extractor check``). Rules live in
:mod:`extractor.reconcile.rules`, one module per family.
"""

from extractor.reconcile.engine import (
    Checked,
    Context,
    Reporter,
    Rule,
    RuleError,
    checked_figures,
    reconcile,
    reconcile_checked,
    registry,
    rule,
)
from extractor.reconcile.figures import FieldOf

__all__ = [
    "Checked",
    "Context",
    "FieldOf",
    "Reporter",
    "Rule",
    "RuleError",
    "checked_figures",
    "reconcile",
    "reconcile_checked",
    "registry",
    "rule",
]
