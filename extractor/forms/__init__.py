"""Performance forms (项目支出绩效自评表 / 绩效目标表) and self-evaluation score tables.

Entry points for the pipeline: :func:`extract_forms` and :func:`extract_score_tables`.
The parsers are imported inside the functions so that importing a small helper
(``extractor.forms.targets``) does not pull in every parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor.document import SourceText
    from schemas import PerformanceForm, ScoreTable

__all__ = ["extract_forms", "extract_score_tables"]


def extract_forms(source: SourceText) -> list[PerformanceForm]:
    """Every performance form of the report, in reading order."""
    from extractor.forms.dispatch import parse_blocks

    return parse_blocks(source)


def extract_score_tables(source: SourceText) -> list[ScoreTable]:
    """The score tables of a department's self-evaluation report (may be empty)."""
    from extractor.forms.score_tables import find_score_tables

    return find_score_tables(source)
