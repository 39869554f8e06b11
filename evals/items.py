"""Scores per gold item: the unit a paired comparison resamples.

An item is one gold record (a statement, a form with its funds and
indicators, a table total row) of one report. Its field counts are the
outcomes the scorer gives that record, so the counts of all items of a run
add up to the run's :class:`~evals.results.ScoreReport` (``tests/test_eval_harness.py``
checks this). Predictions the gold does not cover count only where the gold is
complete; they are gathered in one bucket item per report and record type, so
two runs over the same gold always have the same item ids.

The alignment is the scorer's own (same similarity functions and thresholds,
imported from :mod:`evals.scoring` and :mod:`evals.table_rows`), run once per
list, then each aligned pair is scored into its item's
:class:`~evals.results.TypeScore`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, Field

from evals.alignment import align
from evals.field_scoring import score_fields
from evals.gold_io import GoldBundle, GoldTableRow
from evals.results import FieldCounts, TypeScore
from evals.scoring import (
    FORM_FIELDS,
    FORM_MIN_SIMILARITY,
    STATEMENT_FIELDS,
    STATEMENT_MIN_SIMILARITY,
    _form_similarity,
    _score_sublists,
    _statement_similarity,
    counted_extras,
    score_identity,
)
from evals.splits import SPLITS, LineRange, Split, split_of, statement_anchor
from evals.table_rows import align_table_rows, score_extra_row, score_row
from schemas import ExtractionResult, NarrativeStatement, PerformanceForm, Table

UNMATCHED = "(predictions without gold)"


class ItemScore(BaseModel):
    """The field outcomes of one gold item (or of a report's unmatched predictions)."""

    item_id: str  # "001:statements:p1280 财政拨款收入"
    report: str
    record_type: str
    label: str
    split: Split = "dev"  # evals.splits: test items are never tuned on
    fields: dict[str, FieldCounts] = Field(default_factory=dict)

    @property
    def total(self) -> FieldCounts:
        total = FieldCounts()
        for counts in self.fields.values():
            total = total.merge(counts)
        return total


def _item(report: str, record_type: str, label: str, score: TypeScore, split: Split = "dev") -> ItemScore:
    return ItemScore(
        item_id=f"{report}:{record_type}:{label}",
        report=report,
        record_type=record_type,
        label=label,
        split=split,
        fields=dict(score.fields),
    )


def _bucket_label(split: Split) -> str:
    return f"{UNMATCHED} {split}"


def _unique(labels: Sequence[str]) -> list[str]:
    """Labels made unique with ``#2``, ``#3`` in gold order (two statements may share a metric)."""
    seen: Counter[str] = Counter()
    unique: list[str] = []
    for label in labels:
        seen[label] += 1
        unique.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return unique


def form_items(
    report: str,
    gold: Sequence[PerformanceForm],
    predicted: Sequence[PerformanceForm],
    complete: bool,
    tuned: Sequence[LineRange] = (),
) -> list[ItemScore]:
    """One item per gold form (fields, funds and indicators), as :func:`evals.scoring.score_forms` counts them."""
    pairs, _, extra = align(gold, predicted, _form_similarity, FORM_MIN_SIMILARITY)
    matched = dict(pairs)
    labels = _unique([f"{g.project_name or g.title} @{g.line_start}" for g in gold])
    items: list[ItemScore] = []
    for index, form in enumerate(gold):
        pred = predicted[matched[index]] if index in matched else None
        score = TypeScore(record_type="forms")
        label = form.project_name or form.title
        score_fields(score, label, FORM_FIELDS, form, pred)
        _score_sublists(score, label, form, pred)
        split = split_of(report, "forms", form.line_start, tuned)
        items.append(_item(report, "forms", labels[index], score, split))
    if complete:
        buckets = {split: TypeScore(record_type="forms") for split in SPLITS}
        for pi in extra:
            label = predicted[pi].project_name or predicted[pi].title
            bucket = buckets[split_of(report, "forms", predicted[pi].line_start, tuned)]
            score_fields(bucket, label, FORM_FIELDS, None, predicted[pi])
            _score_sublists(bucket, label, None, predicted[pi])
        items += [_item(report, "forms", _bucket_label(s), b, s) for s, b in buckets.items()]
    return items


def statement_items(
    report: str,
    gold: Sequence[NarrativeStatement],
    predicted: Sequence[NarrativeStatement],
    complete: bool,
    sections: Sequence[LineRange] = (),
    tuned: Sequence[LineRange] = (),
) -> list[ItemScore]:
    """One item per gold statement, as :func:`evals.scoring.score_statements` counts them;
    the counted unmatched predictions in one bucket item per split."""
    pairs, _, extra = align(gold, predicted, _statement_similarity, STATEMENT_MIN_SIMILARITY)
    extra = counted_extras(predicted, extra, complete, sections)
    matched = dict(pairs)
    labels = _unique([f"{g.paragraph_id} {g.metric}" for g in gold])
    items: list[ItemScore] = []
    for index, statement in enumerate(gold):
        pred = predicted[matched[index]] if index in matched else None
        score = TypeScore(record_type="statements")
        score_fields(score, labels[index], STATEMENT_FIELDS, statement, pred)
        split = split_of(report, "statements", statement_anchor(statement), tuned)
        items.append(_item(report, "statements", labels[index], score, split))
    if complete or sections:
        buckets = {split: TypeScore(record_type="statements") for split in SPLITS}
        for pi in extra:
            label = f"{predicted[pi].paragraph_id} {predicted[pi].metric}"
            bucket = buckets[split_of(report, "statements", statement_anchor(predicted[pi]), tuned)]
            score_fields(bucket, label, STATEMENT_FIELDS, None, predicted[pi])
        items += [_item(report, "statements", _bucket_label(s), b, s) for s, b in buckets.items()]
    return items


def table_row_items(
    report: str,
    gold: Sequence[GoldTableRow],
    predicted: Sequence[Table],
    tuned: Sequence[LineRange] = (),
    complete: bool = False,
    lines_comparable: bool = True,
) -> list[ItemScore]:
    """One item per gold row, as :func:`evals.table_rows.score_table_rows` counts them; with
    complete gold, the predicted rows without gold in one bucket item per split."""
    aligned = align_table_rows(gold, predicted, lines_comparable)
    labels = _unique([f"{r.table_id}/{r.name}{'/' + r.side if r.side else ''} @{r.line}" for r in gold])
    items: list[ItemScore] = []
    for index, gold_row in enumerate(gold):
        score = TypeScore(record_type="table_rows")
        score_row(score, gold_row, *aligned.pairs.get(index, (None, None)))
        split = split_of(report, "table_rows", gold_row.line, tuned)
        items.append(_item(report, "table_rows", labels[index], score, split))
    if complete:
        buckets = {split: TypeScore(record_type="table_rows") for split in SPLITS}
        for table, row in aligned.extra:
            # the row's own line: of the extractor's reading, the only numbering it has
            score_extra_row(buckets[split_of(report, "table_rows", row.line, tuned)], table, row)
        items += [_item(report, "table_rows", _bucket_label(s), b, s) for s, b in buckets.items()]
    return items


def item_scores(bundle: GoldBundle, extraction: ExtractionResult) -> list[ItemScore]:
    """Every item of one report, for the record types :func:`evals.scoring.score_report` scores."""
    complete = bundle.complete
    items: list[ItemScore] = []
    tuned = bundle.tuned
    sections = bundle.complete_sections.get("statements", [])
    if bundle.forms or complete.get("forms"):
        items += form_items(
            bundle.key,
            bundle.forms,
            extraction.performance_forms,
            complete.get("forms", False),
            tuned.get("forms", []),
        )
    if bundle.statements or complete.get("statements") or sections:
        items += statement_items(
            bundle.key,
            bundle.statements,
            extraction.narrative_statements,
            complete.get("statements", False),
            sections,
            tuned.get("statements", []),
        )
    if bundle.table_rows:
        items += table_row_items(
            bundle.key,
            bundle.table_rows,
            extraction.tables,
            tuned.get("table_rows", []),
            complete.get("table_rows", False),
            bundle.lines_comparable,
        )
    if bundle.identity:
        split = split_of(bundle.key, "identity", 1, tuned.get("identity", []))
        score = score_identity(bundle.identity, extraction.document)
        items.append(_item(bundle.key, "identity", "document", score, split))
    return items
