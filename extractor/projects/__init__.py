"""Projects: every mention of each project of a report, linked by name.

``build_projects`` reads the per-project prose (rules backend: :mod:`.summaries`),
the totals the report claims (:mod:`.claims`), collects the mentions of forms,
project-table rows and score-table rows (:mod:`.mentions`) and links them
(:mod:`.linking`, names normalised by :mod:`.names`).
"""

from __future__ import annotations

from collections.abc import Sequence

from extractor.narrative.paragraphs import Paragraph
from extractor.projects.claims import read_claims
from extractor.projects.linking import link
from extractor.projects.mentions import (
    form_mentions,
    score_row_mentions,
    summary_mentions,
    table_row_mentions,
)
from extractor.projects.summaries import read_summaries
from schemas import ExtractionResult, ProjectIndex, ProjectSummary


def build_projects(paragraphs: Sequence[Paragraph], result: ExtractionResult,
                   summaries: list[ProjectSummary] | None = None) -> ProjectIndex:
    """The project index of one extraction. ``summaries`` read by a model backend replace
    the rules reader's."""
    read = read_summaries(paragraphs) if summaries is None else summaries
    mentions = summary_mentions(read)
    projects, unlinked = link(
        form_mentions(result),
        [table_row_mentions(result.tables), score_row_mentions(result.score_tables)],
        [[m for m in mentions if m.kind == "summary"], [m for m in mentions if m.kind == "evaluation_paragraph"]],
    )
    return ProjectIndex(projects=projects, unlinked=unlinked, summaries=read, claims=read_claims(paragraphs))


__all__ = ["build_projects", "read_summaries"]
