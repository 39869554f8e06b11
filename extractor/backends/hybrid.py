"""The hybrid backend: deterministic first, the model only where needed.

A paragraph goes to the model when it prints a figure (an amount with its
unit, or a percentage) that no deterministic statement accounts for, or when a
deterministic statement of it is ungrounded or fails reconciliation: the
reconciliation engine's narrative rules of :mod:`extractor.reconcile.statement_checks`
(its own change and percentages; its amount against the table figure it names).
The model's answers go through the same checks and re-ask. Where the model answers, its
statements replace the rules' for that paragraph; where it fails, the rules'
statements stay and the failure is recorded. A line-flow form goes to the
model when the deterministic parser left warnings on it; per-project prose when the
patterns read neither score nor budget in it (:mod:`extractor.backends.project_run`).
Which paragraphs go is decided without the LLM path (:mod:`extractor.backends.routing`).
"""

from __future__ import annotations

from extractor.backends.base import BackendJob, BackendResult
from extractor.backends.model_run import forms_for_model, in_order, run_model
from extractor.backends.project_run import with_summaries
from extractor.backends.routing import paragraphs_for_model
from extractor.llm.call_queue import ModelQueue
from extractor.narrative.statements import extract_statements
from extractor.settings import Backend as BackendName
from extractor.settings import Settings


class HybridBackend:
    """Rules everywhere; the model for the paragraphs the rules leave
    unexplained and the line-flow forms the parser could not read cleanly."""

    name: BackendName = "hybrid"

    def __init__(self, settings: Settings, queue: ModelQueue | None = None) -> None:
        self.settings = settings
        self.queue = queue  # the run's queue of model calls; None: each report its own client

    def read(self, job: BackendJob) -> BackendResult:
        rules = extract_statements(job.paragraphs)
        hard = paragraphs_for_model(job.paragraphs, rules, job.tables)
        scope = "none" if self.settings.llm.forms == "none" else "troubled"
        troubled = forms_for_model(job, scope)
        if not hard and not troubled:
            return with_summaries(BackendResult(statements=rules, model=self.settings.llm.model), job,
                                  self.settings, "incomplete", self.queue)
        narrative, result = run_model(job, hard, troubled, self.settings, self.queue)
        replaced = narrative.answered
        statements = [s for s in rules if s.paragraph_id not in replaced]
        statements += [s for s in narrative.statements if s.paragraph_id in replaced]
        result.statements = in_order(statements, job.paragraphs)
        return with_summaries(result, job, self.settings, "incomplete", self.queue)
