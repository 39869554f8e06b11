"""Scoring an extraction against hand-labeled gold (see evals/gold/README.md).

Each record type has typed fields: numbers (equal within 0.005 after unit
normalisation), short strings and codes (exact after NFKC and punctuation
folding), long text (character-level F1 >= threshold). Lists are aligned by
optimal assignment before their fields are scored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from evals.alignment import align
from evals.comparators import char_f1, fold_text, is_null, numbers_equal, short_equal, text_equal
from evals.gold_io import GoldBundle, GoldTableRow
from evals.results import FieldDiff, Outcome, RecordCounts, ScoreReport, TypeScore
from evals.splits import in_ranges, statement_line
from schemas import ExtractionResult, FundRow, Indicator, NarrativeStatement, PerformanceForm, Table, TableRow
from schemas.document import DocumentInfo
from schemas.fields import AMOUNT_FIELDS, FUND_FIGURES, PERCENT_FIELDS, STATEMENT_READING_FIELDS

FieldKind = Literal["number", "short", "text", "texts"]

# Alignment thresholds: below these similarities two items are not the same item.
FORM_MIN_SIMILARITY = 0.5
INDICATOR_MIN_SIMILARITY = 0.4
STATEMENT_MIN_SIMILARITY = 0.5
ROW_MIN_SIMILARITY = 0.6


@dataclass(frozen=True)
class FieldSpec:
    """How to read and compare one field; ``unit`` gives the unit of an amount."""

    name: str
    kind: FieldKind
    get: Callable[[Any], Any]
    unit: Callable[[Any], str | None] | None = None


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda record: getattr(record, name)


FORM_FIELDS = (
    FieldSpec("kind", "short", _attr("kind")),
    FieldSpec("project_name", "short", _attr("project_name")),
    FieldSpec("department", "short", _attr("department")),
    FieldSpec("implementing_unit", "short", _attr("implementing_unit")),
    FieldSpec("total_score", "number", _attr("total_score")),
    FieldSpec("goals.expected", "text", lambda f: f.goals.expected),
    FieldSpec("goals.actual", "text", lambda f: f.goals.actual),
)
FUND_FIELDS = tuple(FieldSpec(f"funds.{name}", "number", _attr(name)) for name in FUND_FIGURES)
INDICATOR_FIELDS = (
    FieldSpec("indicators.level1", "short", _attr("level1")),
    FieldSpec("indicators.level2", "short", _attr("level2")),
    FieldSpec("indicators.level3", "short", _attr("level3")),
    FieldSpec("indicators.target", "short", _attr("target")),
    FieldSpec("indicators.actual", "short", _attr("actual")),
    FieldSpec("indicators.weight", "number", _attr("weight")),
    FieldSpec("indicators.score", "number", _attr("score")),
    FieldSpec("indicators.deviation_reason", "text", _attr("deviation_reason")),
)
IDENTITY_FIELDS = (
    FieldSpec("department", "short", lambda d: d.get("department")),
    FieldSpec("year", "number", lambda d: d.get("year")),
    FieldSpec("kind", "short", lambda d: d.get("kind")),
)
_UNIT = _attr("unit")


def _statement_field(name: str) -> FieldSpec:
    """How one field of what a statement says is compared: amounts in their unit,
    percentages as numbers, the metric and reasons as text, the rest as short labels."""
    if name in AMOUNT_FIELDS:
        return FieldSpec(name, "number", _attr(name), _UNIT)
    if name in PERCENT_FIELDS:
        return FieldSpec(name, "number", _attr(name))
    if NarrativeStatement.model_fields[name].annotation == list[str]:
        return FieldSpec(name, "texts", _attr(name))
    return FieldSpec(name, "text" if name == "metric" else "short", _attr(name))


STATEMENT_FIELDS = (
    *(_statement_field(name) for name in STATEMENT_READING_FIELDS),
    FieldSpec("paragraph_id", "short", _attr("paragraph_id")),
)


def _equal(spec: FieldSpec, gold_value: Any, pred_value: Any, gold: Any, pred: Any) -> bool:
    if spec.kind == "number":
        gold_unit = spec.unit(gold) if spec.unit else None
        pred_unit = spec.unit(pred) if spec.unit else None
        return numbers_equal(float(gold_value), float(pred_value), gold_unit, pred_unit)
    if spec.kind == "short":
        return short_equal(str(gold_value), str(pred_value))
    if spec.kind == "texts":
        return text_equal("；".join(gold_value), "；".join(pred_value))
    return text_equal(str(gold_value), str(pred_value))


def _show(value: Any) -> str | None:
    if is_null(value):
        return None
    return "；".join(value) if isinstance(value, list) else str(value)


def score_fields(score: TypeScore, label: str, specs: Sequence[FieldSpec], gold: Any, pred: Any) -> None:
    """Count the outcome of every field of one aligned pair; ``None`` stands for an unmatched side."""
    for spec in specs:
        gold_value = spec.get(gold) if gold is not None else None
        pred_value = spec.get(pred) if pred is not None else None
        gold_null, pred_null = is_null(gold_value), is_null(pred_value)
        outcome: Outcome
        if gold_null and pred_null:
            if gold is None or pred is None:
                continue  # an unmatched record says nothing about its empty fields
            outcome = "correct_null"
        elif gold_null:
            outcome = "spurious"
        elif pred_null:
            outcome = "missed"
        else:
            outcome = "correct" if _equal(spec, gold_value, pred_value, gold, pred) else "wrong"
        score.count(spec.name, outcome)
        if outcome not in ("correct", "correct_null"):
            score.diffs.append(
                FieldDiff(
                    record=label,
                    field=spec.name,
                    outcome=outcome,
                    gold=_show(gold_value),
                    predicted=_show(pred_value),
                )
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


def _record_counts(gold: int, pred: int, pairs: int, complete: bool) -> RecordCounts:
    return RecordCounts(
        gold=gold,
        predicted=pred,
        matched=pairs,
        missed=gold - pairs,
        spurious=pred - pairs if complete else 0,
    )


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
    _merge_records(score, "funds", _record_counts(len(gold_funds), len(pred_funds), len(pairs), True))
    for gi, pi in pairs:
        score_fields(score, f"{label} / {gold_funds[gi].label}", FUND_FIELDS, gold_funds[gi], pred_funds[pi])
    for gi in lost:
        score_fields(score, f"{label} / {gold_funds[gi].label}", FUND_FIELDS, gold_funds[gi], None)
    for pi in extra:
        score_fields(score, f"{label} / {pred_funds[pi].label}", FUND_FIELDS, None, pred_funds[pi])

    gold_ind: list[Indicator] = gold_form.indicators if gold_form else []
    pred_ind: list[Indicator] = pred_form.indicators if pred_form else []
    pairs, lost, extra = align(gold_ind, pred_ind, _indicator_similarity, INDICATOR_MIN_SIMILARITY)
    _merge_records(score, "indicators", _record_counts(len(gold_ind), len(pred_ind), len(pairs), True))
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
    score.records["forms"] = _record_counts(len(gold), len(predicted), len(pairs), complete)
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
    score.records["statements"] = _record_counts(len(gold), len(pairs) + len(extra), len(pairs), True)
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


_LEADING_ZERO = re.compile(r"(?<!\d)0+(\d)")


# What a title prints before the table's role: its year (2025年, 2024年度), the level that
# compiles it (部门, 单位, 预算单位) and 本年. Two printings of one table differ there only.
_TITLE_PREFIX = re.compile(r"^(?:\d{4}年度?)?(?:本年度?)?(?:预算单位|单位|部门)?")


def table_key(table_id: str) -> str:
    """A table id or title folded for comparison: 公开01表 == 公开1表 == 公开 01 表, and
    2025年部门收入预算总表 == 部门收入预算总表 == 收入预算总表 (the role the title names)."""
    return _TITLE_PREFIX.sub("", _LEADING_ZERO.sub(r"\1", fold_text(table_id)))


def header_path(key: str) -> tuple[str, ...]:
    """A column key as a tuple of folded header parts (white space removed)."""
    return tuple(part for part in (fold_text(p) for p in key.split("/")) if part)


def header_matches(gold_key: str, pred_key: str, pred_side: str | None = None) -> bool:
    """Same header path, tolerant to a missing top-level prefix on either side."""
    gold_path = header_path(gold_key)
    pred_path = header_path(pred_key)
    if pred_side and len(gold_path) == len(pred_path) + 1:
        # the row's side is the missing top level: a 支出 cell never answers for 收入/决算数
        return gold_path == (fold_text(pred_side), *pred_path)
    return gold_path == pred_path or gold_path[1:] == pred_path or pred_path[1:] == gold_path


def _row_similarity(gold: GoldTableRow, pred: TableRow, lines_comparable: bool = True) -> float:
    """Name, anchor and shared columns. The anchor is what the table itself prints where the
    gold has it, the 科目编码 (code); else the row's line, when the gold numbers the lines the
    extractor reads (a text report: two 总计 rows on one line, the 收入 and 支出 side of a
    two-sided table, are then told apart by their columns). A PDF's gold numbers the lines of
    ``pdftotext -layout``, not of the extractor's reading: there name and columns decide."""
    if not gold.name:  # a row printed without a label (公开09表): known by anchor and columns
        name = 1.0
    else:
        name = 1.0 if short_equal(gold.name, pred.name) else char_f1(gold.name, pred.name)
    if gold.code:
        anchor = float(bool(pred.code) and short_equal(gold.code, pred.code or ""))
    else:
        anchor = float(lines_comparable and gold.line == pred.line)
    keys = [k for k in gold.cells if any(header_matches(k, p, pred.side) for p in pred.cells)]
    columns = len(keys) / len(gold.cells) if gold.cells else 0.0
    return 0.5 * name + 0.2 * anchor + 0.3 * columns


PredictedRow = tuple[Table, TableRow]


@dataclass
class RowAlignment:
    """Gold rows paired with predicted rows: ``pairs`` maps a gold row's index to its
    predicted row; ``lost`` are gold rows without one; ``extra`` the predicted rows that
    answer for no gold row (every table, also those the gold does not name)."""

    pairs: dict[int, PredictedRow]
    lost: list[int]
    extra: list[PredictedRow]


def align_table_rows(
    gold: Sequence[GoldTableRow], predicted: Sequence[Table], lines_comparable: bool = True
) -> RowAlignment:
    """Align gold rows to predicted rows table by table: a table is known by its number
    (公开01表) or the role its title names (:func:`table_key`), its rows by
    :func:`_row_similarity`."""
    rows_by_table: dict[str, list[PredictedRow]] = {}
    for table in predicted:
        # tables without a printed number (三公 tables of a budget, ...) are known by their title
        for key in {table_key(table.id), table_key(table.title)}:
            rows_by_table.setdefault(key, []).extend((table, row) for row in table.rows)
    by_table: dict[str, list[int]] = {}
    for index, row in enumerate(gold):
        by_table.setdefault(table_key(row.table_id), []).append(index)
    result = RowAlignment(pairs={}, lost=[], extra=[])
    for key, indices in by_table.items():
        candidates = rows_by_table.get(key, [])
        pairs, lost, _ = align(
            [gold[i] for i in indices],
            candidates,
            lambda g, c: _row_similarity(g, c[1], lines_comparable),
            ROW_MIN_SIMILARITY,
        )
        result.pairs.update((indices[gi], candidates[pi]) for gi, pi in pairs)
        result.lost.extend(indices[gi] for gi in lost)
    matched = {id(row) for _, row in result.pairs.values()}
    result.extra = [(table, row) for table in predicted for row in table.rows if id(row) not in matched]
    result.lost.sort()
    return result


def score_table_rows(
    gold: Sequence[GoldTableRow],
    predicted: Sequence[Table],
    complete: bool = False,
    lines_comparable: bool = True,
) -> TypeScore:
    """Score labeled table rows. Partial gold (e.g. total rows only) leaves predicted rows
    without gold uncounted; complete gold (every row of every table) counts their figures
    as spurious. Cells are matched by normalised header path."""
    score = TypeScore(record_type="table_rows")
    aligned = align_table_rows(gold, predicted, lines_comparable)
    extra = aligned.extra if complete else []
    score.records["rows"] = _record_counts(len(gold), len(aligned.pairs) + len(extra), len(aligned.pairs), complete)
    for index, gold_row in enumerate(gold):
        _score_row(score, gold_row, *aligned.pairs.get(index, (None, None)))
    for table, row in extra:
        _score_extra_row(score, table, row)
    return score


def _score_extra_row(score: TypeScore, table: Table, pred: TableRow) -> None:
    """A predicted row no gold row answers for, in a report whose rows are all labelled."""
    label = f"{table.title}/{pred.name}@{pred.line}"
    score_fields(score, label, (FieldSpec("code", "short", _attr("code")),), None, pred)
    for key, cell in pred.cells.items():
        if cell.value is not None:
            _count_cell(score, f"{label}/{key}", None, table.unit, cell.value, table.unit, matched=True)


def _score_row(score: TypeScore, gold: GoldTableRow, table: Table | None, pred: TableRow | None) -> None:
    label = f"{gold.table_id}/{gold.name}@{gold.line}"
    score_fields(score, label, (FieldSpec("code", "short", _attr("code")),), gold, pred)
    used: set[str] = set()
    for gold_key, gold_cell in gold.cells.items():
        pred_key = None
        if pred is not None:
            pred_key = next(
                (k for k in pred.cells if k not in used and header_matches(gold_key, k, pred.side)), None
            )
        if pred_key is not None:
            used.add(pred_key)
        pred_value = pred.cells[pred_key].value if pred is not None and pred_key is not None else None
        _count_cell(
            score,
            f"{label}/{gold_key}",
            gold_cell.value,
            gold.unit,
            pred_value,
            table.unit if table else None,
            matched=pred is not None,
        )
    if pred is not None:
        for key, cell in pred.cells.items():
            if key not in used and cell.value is not None:
                _count_cell(
                    score,
                    f"{label}/{key}",
                    None,
                    gold.unit,
                    cell.value,
                    table.unit if table else None,
                    matched=True,
                )


def _count_cell(
    score: TypeScore,
    label: str,
    gold: float | None,
    gold_unit: str,
    pred: float | None,
    pred_unit: str | None,
    matched: bool,
) -> None:
    outcome: Outcome
    if gold is None and pred is None:
        if not matched:
            return
        outcome = "correct_null"
    elif gold is None:
        outcome = "spurious"
    elif pred is None:
        outcome = "missed"
    else:
        outcome = "correct" if numbers_equal(gold, pred, gold_unit, pred_unit) else "wrong"
    score.count("cells", outcome)
    if outcome not in ("correct", "correct_null"):
        score.diffs.append(
            FieldDiff(
                record=label,
                field="cells",
                outcome=outcome,
                gold=None if gold is None else str(gold),
                predicted=None if pred is None else str(pred),
            )
        )


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
            for list_name, record_counts in score.records.items():
                _merge_records(target, list_name, record_counts)
            target.diffs.extend(
                d.model_copy(update={"record": f"{report.report}: {d.record}"}) for d in score.diffs
            )
    return merged
