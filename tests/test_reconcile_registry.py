"""Every registered rule is documented and has tests of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.reconcile import Rule, registry

TESTS = Path(__file__).resolve().parent
RECONCILE_TESTS = "".join(path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("test_reconcile_*.py")))


@pytest.mark.parametrize("rule", registry(), ids=lambda rule: rule.id)
def test_rule_is_documented_and_tested(rule: Rule) -> None:
    family, _, name = rule.id.partition(".")
    assert family == rule.family and name
    assert rule.doc and rule.reads and rule.tolerance
    # A test planting an error names the rule it expects to fire.
    assert f'"{rule.id}"' in RECONCILE_TESTS, f"no test of tests/test_reconcile_*.py names {rule.id}"
