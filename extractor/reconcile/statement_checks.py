"""The checks one narrative statement can fail by itself (or against the tables).

The re-ask of the LLM path (:mod:`extractor.llm.recheck`) and the hybrid
backend's choice of paragraphs both ask which statements fail these checks and
which of their fields each failed check compared. The answer comes from the
typed results of reconciliation (:class:`~extractor.reconcile.Checked`), never
from a finding's text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractor.reconcile.engine import Rule, reconcile_checked, registry
from schemas import DocumentInfo, ExtractionResult, Finding, NarrativeStatement, RunInfo, Table

# The narrative rules that judge one statement by itself (or against the tables);
# share_pct and the verdict rules need the whole report's prose and are left to
# the pipeline's reconciliation.
CHECKED_RULES = (
    "narrative.change_amount",
    "narrative.change_pct",
    "narrative.completion_pct",
    "narrative.table_amount",
)
_DOCUMENT = DocumentInfo(source_name="statement checks", sha256="0" * 64, encoding="utf-8")


@dataclass(frozen=True)
class Problem:
    """A failed check of one statement and the statement's fields it compared."""

    finding: Finding
    fields: tuple[str, ...]


@lru_cache(maxsize=1)
def checked_rules() -> tuple[Rule, ...]:
    """The registered rules named in :data:`CHECKED_RULES` (looked up once)."""
    return tuple(r for r in registry() if r.id in CHECKED_RULES)


def statement_problems(
    statements: Sequence[NarrativeStatement], tables: Sequence[Table] = ()
) -> dict[int, list[Problem]]:
    """The failed checks of each statement, by its index in ``statements``:
    findings of :data:`CHECKED_RULES` that are neither info nor rounding, each
    with the fields of its statement it compared (an implied prior year counts
    as the amount it comes from). Ungrounded statements are not judged (the
    rules skip them)."""
    if not statements:
        return {}
    result = ExtractionResult(
        document=_DOCUMENT,
        tables=list(tables),
        narrative_statements=list(statements),
        run=RunInfo(extractor_version="statement checks"),
    )
    # The rules read the very statement objects given; a subject names one of
    # them even where a paragraph states the same metric twice.
    index = {id(statement): i for i, statement in enumerate(result.narrative_statements)}
    problems: dict[int, list[Problem]] = defaultdict(list)
    for checked in reconcile_checked(result, checked_rules()):
        finding = checked.finding
        if finding.severity == "info" or finding.classification == "rounding":
            continue
        owner = next((i for s in checked.subjects if (i := index.get(id(s.record))) is not None), None)
        if owner is None:
            continue
        fields = checked.fields_of(result.narrative_statements[owner])
        if fields:
            problems[owner].append(Problem(finding, fields))
    return dict(problems)
