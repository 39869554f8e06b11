"""Scoring an extraction against hand-labeled gold (see evals/gold/README.md).

Scores performance forms (with their funds and indicators), narrative
statements and the report's identity, and puts a report's record types
together (:func:`score_report`, :func:`merge_reports`); table rows are scored
by :mod:`evals.table_rows`, each field by :mod:`evals.field_scoring`.

Each record type has typed fields: numbers (equal within 0.005 after unit
normalisation), short strings and codes (exact after NFKC and punctuation
folding), long text (character-level F1 >= threshold). Lists are aligned by
optimal assignment before their fields are scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals.alignment import align
from evals.comparators import char_f1, numbers_equal, short_equal
from evals.field_scoring import FieldSpec, attribute, record_counts, score_fields
from evals.gold_io import GoldBundle
from evals.results import RecordCounts, ScoreReport, TypeScore
from evals.splits import in_ranges, statement_line
from evals.table_rows import score_table_rows
from schemas import ExtractionResult, FundRow, Indicator, NarrativeStatement, PerformanceForm
from schemas.document import DocumentInfo
from schemas.fields import AMOUNT_FIELDS, FUND_FIGURES, PERCENT_FIELDS, STATEMENT_READING_FIELDS

# Alignment thresholds: below these similarities two items are not the same item.
FORM_MIN_SIMILARITY = 0.5
INDICATOR_MIN_SIMILARITY = 0.4
STATEMENT_MIN_SIMILARITY = 0.5

FORM_FIELDS = (
    FieldSpec("kind", "short", attribute("kind")),
    FieldSpec("project_name", "short", attribute("project_name")),
    FieldSpec("department", "short", attribute("department")),
    FieldSpec("implementing_unit", "short", attribute("implementing_unit")),
    FieldSpec("total_score", "number", attribute("total_score")),
    FieldSpec("goals.expected", "text", lambda f: f.goals.expected),
    FieldSpec("goals.actual", "text", lambda f: f.goals.actual),
)
FUND_FIELDS = tuple(FieldSpec(f"funds.{name}", "number", attribute(name)) for name in FUND_FIGURES)
INDICATOR_FIELDS = (
    FieldSpec("indicators.level1", "short", attribute("level1")),
    FieldSpec("indicators.level2", "short", attribute("level2")),
    FieldSpec("indicators.level3", "short", attribute("level3")),
    FieldSpec("indicators.target", "short", attribute("target")),
    FieldSpec("indicators.actual", "short", attribute("actual")),
    FieldSpec("indicators.weight", "number", attribute("weight")),
    FieldSpec("indicators.score", "number", attribute("score")),
    FieldSpec("indicators.deviation_reason", "text", attribute("deviation_reason")),
)
IDENTITY_FIELDS = (
    FieldSpec("department", "short", lambda d: d.get("department")),
    FieldSpec("year", "number", lambda d: d.get("year")),
    FieldSpec("kind", "short", lambda d: d.get("kind")),
)
_UNIT = attribute("unit")


def _statement_field(name: str) -> FieldSpec:
    """How one field of what a statement says is compared: amounts in their unit,
    percentages as numbers, the metric and reasons as text, the rest as short labels."""
    if name in AMOUNT_FIELDS:
        return FieldSpec(name, "number", attribute(name), _UNIT)
    if name in PERCENT_FIELDS:
        return FieldSpec(name, "number", attribute(name))
    if NarrativeStatement.model_fields[name].annotation == list[str]:
        return FieldSpec(name, "texts", attribute(name))
    return FieldSpec(name, "text" if name == "metric" else "short", attribute(name))


STATEMENT_FIELDS = (
    *(_statement_field(name) for name in STATEMENT_READING_FIELDS),
    FieldSpec("paragraph_id", "short", attribute("paragraph_id")),
)


def _line_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """Intersection over union of two inclusive line ranges."""
    inter = min(a_end, b_end) - max(a_start, b_start) + 1
    if inter <= 0:
        return 0.0
    union = max(a_end, b_end) - min(a_start, b_start) + 1
    return inter / union


def _form_similarity(gold: PerformanceForm, pred: PerformanceForm) -> float:
    lines = _line_overlap(gold.line_start, gold.line_end, pred.line_start, pred.line_end)
    if gold.project_name and pred.project_name:
        return 0.7 * char_f1(gold.project_name, pred.project_name) + 0.3 * lines
    return lines


def _indicator_similarity(gold: Indicator, pred: Indicator) -> float:
    name = char_f1(gold.level3 or "", pred.level3 or "") if (gold.level3 or pred.level3) else 0.0
    target = 1.0 if gold.target and pred.target and short_equal(gold.target, pred.target) else 0.0
    lines = 1.0 if _line_overlap(gold.line_start, gold.line_end, pred.line_start, pred.line_end) else 0.0
    return 0.6 * name + 0.2 * target + 0.2 * lines


def _merge_records(score: TypeScore, name: str, counts: RecordCounts) -> None:
    score.records[name] = score.records.get(name, RecordCounts()).merge(counts)


def _score_sublists(
    score: TypeScore,
    label: str,
    gold_form: PerformanceForm | None,
    pred_form: PerformanceForm | None,
) -> None:
    """Funds (aligned by kind) and indicators (aligned by similarity) of one form pair."""
    gold_funds: list[FundRow] = gold_form.funds if gold_form else []
    pred_funds: list[FundRow] = pred_form.funds if pred_form else []
    pairs, lost, extra = align(gold_funds, pred_funds, lambda g, p: float(g.kind == p.kind), 1.0)
    _merge_records(score, "funds", record_counts(len(gold_funds), len(pred_funds), len(pairs), True))
    for gi, pi in pairs:
        score_fields(score, f"{label} / {gold_funds[gi].label}", FUND_FIELDS, gold_funds[gi], pred_funds[pi])
    for gi in lost:
        score_fields(score, f"{label} / {gold_funds[gi].label}", FUND_FIELDS, gold_funds[gi], None)
    for pi in extra:
        score_fields(score, f"{label} / {pred_funds[pi].label}", FUND_FIELDS, None, pred_funds[pi])

    gold_ind: list[Indicator] = gold_form.indicators if gold_form else []
    pred_ind: list[Indicator] = pred_form.indicators if pred_form else []
    pairs, lost, extra = align(gold_ind, pred_ind, _indicator_similarity, INDICATOR_MIN_SIMILARITY)
    _merge_records(score, "indicators", record_counts(len(gold_ind), len(pred_ind), len(pairs), True))
    for gi, pi in pairs:
        score_fields(score, f"{label} / {gold_ind[gi].level3}", INDICATOR_FIELDS, gold_ind[gi], pred_ind[pi])
    for gi in lost:
        score_fields(score, f"{label} / {gold_ind[gi].level3}", INDICATOR_FIELDS, gold_ind[gi], None)
    for pi in extra:
        score_fields(score, f"{label} / {pred_ind[pi].level3}", INDICATOR_FIELDS, None, pred_ind[pi])


def score_forms(
    gold: Sequence[PerformanceForm], predicted: Sequence[PerformanceForm], complete: bool = True
) -> TypeScore:
    """Score performance forms: forms aligned by project name and lines, then their
    fields, funds and indicators. With ``complete=False`` (gold labels a subset of
    the report's forms) unmatched predicted forms are not counted as spurious."""
    score = TypeScore(record_type="forms")
    pairs, lost, extra = align(gold, predicted, _form_similarity, FORM_MIN_SIMILARITY)
    score.records["forms"] = record_counts(len(gold), len(predicted), len(pairs), complete)
    for gi, pi in pairs:
        label = gold[gi].project_name or gold[gi].title
        score_fields(score, label, FORM_FIELDS, gold[gi], predicted[pi])
        _score_sublists(score, label, gold[gi], predicted[pi])
    for gi in lost:
        label = gold[gi].project_name or gold[gi].title
        score_fields(score, label, FORM_FIELDS, gold[gi], None)
        _score_sublists(score, label, gold[gi], None)
    if complete:
        for pi in extra:
            label = predicted[pi].project_name or predicted[pi].title
            score_fields(score, label, FORM_FIELDS, None, predicted[pi])
            _score_sublists(score, label, None, predicted[pi])
    return score


def _statement_similarity(gold: NarrativeStatement, pred: NarrativeStatement) -> float:
    if gold.amount is not None and pred.amount is not None:
        value = float(numbers_equal(gold.amount, pred.amount, gold.unit, pred.unit))
    elif gold.amount is None and pred.amount is None:
        same_pct = gold.change_pct is not None and pred.change_pct is not None
        value = float(same_pct and numbers_equal(gold.change_pct or 0.0, pred.change_pct or 0.0))
    else:
        value = 0.0
    paragraph = float(short_equal(gold.paragraph_id, pred.paragraph_id))
    return 0.4 * char_f1(gold.metric, pred.metric) + 0.4 * value + 0.2 * paragraph


def counted_extras(
    predicted: Sequence[NarrativeStatement],
    extra: Sequence[int],
    complete: bool,
    sections: Sequence[tuple[int, int]] = (),
) -> list[int]:
    """The unmatched predicted statements that count as spurious: all of them when the
    gold is complete, else those whose quotes stand in a section labelled completely."""
    if complete:
        return list(extra)
    return [pi for pi in extra if in_ranges(statement_line(predicted[pi]), sections)]


def score_statements(
    gold: Sequence[NarrativeStatement],
    predicted: Sequence[NarrativeStatement],
    complete: bool = True,
    sections: Sequence[tuple[int, int]] = (),
) -> TypeScore:
    """Score narrative quantitative statements, aligned by metric, amount and paragraph;
    with partial gold, unmatched predictions inside the complete ``sections`` (line
    ranges) still count as spurious."""
    score = TypeScore(record_type="statements")
    pairs, lost, extra = align(gold, predicted, _statement_similarity, STATEMENT_MIN_SIMILARITY)
    extra = counted_extras(predicted, extra, complete, sections)
    score.records["statements"] = record_counts(len(gold), len(pairs) + len(extra), len(pairs), True)
    for gi, pi in pairs:
        score_fields(
            score, f"{gold[gi].paragraph_id} {gold[gi].metric}", STATEMENT_FIELDS, gold[gi], predicted[pi]
        )
    for gi in lost:
        score_fields(score, f"{gold[gi].paragraph_id} {gold[gi].metric}", STATEMENT_FIELDS, gold[gi], None)
    for pi in extra:
        label = f"{predicted[pi].paragraph_id} {predicted[pi].metric}"
        score_fields(score, label, STATEMENT_FIELDS, None, predicted[pi])
    return score


def score_identity(gold: dict[str, Any], document: DocumentInfo) -> TypeScore:
    """Score the report's identity (department, year, kind) against the gold's."""
    score = TypeScore(record_type="identity")
    predicted = {"department": document.department, "year": document.year, "kind": document.kind}
    if predicted["kind"] == "unknown":
        predicted["kind"] = None  # not recognised is a miss, not a wrong kind
    score_fields(score, "document", IDENTITY_FIELDS, gold, predicted)
    return score


def score_report(gold_bundle: GoldBundle, extraction: ExtractionResult) -> ScoreReport:
    """Score one extraction against its report's gold: every record type that has gold."""
    report = ScoreReport(report=gold_bundle.key)
    complete = gold_bundle.complete
    if gold_bundle.forms or complete.get("forms"):
        report.types["forms"] = score_forms(
            gold_bundle.forms, extraction.performance_forms, complete.get("forms", False)
        )
    sections = gold_bundle.complete_sections.get("statements", [])
    if gold_bundle.statements or complete.get("statements") or sections:
        report.types["statements"] = score_statements(
            gold_bundle.statements,
            extraction.narrative_statements,
            complete.get("statements", False),
            sections,
        )
    if gold_bundle.table_rows:
        report.types["table_rows"] = score_table_rows(
            gold_bundle.table_rows,
            extraction.tables,
            complete.get("table_rows", False),
            gold_bundle.lines_comparable,
        )
    if gold_bundle.identity:
        report.types["identity"] = score_identity(gold_bundle.identity, extraction.document)
    return report


def merge_reports(reports: Sequence[ScoreReport], name: str = "all") -> ScoreReport:
    """Sum the counts of several reports' scores (for a corpus-wide figure)."""
    merged = ScoreReport(report=name)
    for report in reports:
        for type_name, score in report.types.items():
            target = merged.types.setdefault(type_name, TypeScore(record_type=type_name))
            for field, counts in score.fields.items():
                target.fields[field] = (
                    target.fields[field].merge(counts) if field in target.fields else counts
                )
            for list_name, list_counts in score.records.items():
                _merge_records(target, list_name, list_counts)
            target.diffs.extend(
                d.model_copy(update={"record": f"{report.report}: {d.record}"}) for d in score.diffs
            )
    return merged
