"""Scoring table rows against gold: which table and row of a reading answers for a
gold row, and how its cells compare.

A table is known by its number (公开01表) or the role its title names; a row by
its name, its 科目编码 (functional classification code) or line, and the
columns it shares with the gold; cells by their normalised header path, figures
within the tolerance of the coarser unit (see evals/gold/README.md, "Aligning
table rows").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evals.alignment import align
from evals.comparators import char_f1, fold_text, numbers_equal, short_equal
from evals.field_scoring import FieldSpec, attribute, record_counts, score_fields
from evals.gold_io import GoldTableRow
from evals.results import FieldDiff, Outcome, TypeScore
from schemas import Table, TableRow

# Below this similarity a predicted row is not the gold row.
ROW_MIN_SIMILARITY = 0.6

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
    score.records["rows"] = record_counts(len(gold), len(aligned.pairs) + len(extra), len(aligned.pairs), complete)
    for index, gold_row in enumerate(gold):
        score_row(score, gold_row, *aligned.pairs.get(index, (None, None)))
    for table, row in extra:
        score_extra_row(score, table, row)
    return score


def score_extra_row(score: TypeScore, table: Table, pred: TableRow) -> None:
    """A predicted row no gold row answers for, in a report whose rows are all labelled."""
    label = f"{table.title}/{pred.name}@{pred.line}"
    score_fields(score, label, (FieldSpec("code", "short", attribute("code")),), None, pred)
    for key, cell in pred.cells.items():
        if cell.value is not None:
            _count_cell(score, f"{label}/{key}", None, table.unit, cell.value, table.unit, matched=True)


def score_row(score: TypeScore, gold: GoldTableRow, table: Table | None, pred: TableRow | None) -> None:
    """Count the code and cells of one gold row against its predicted row (``None``: not found)."""
    label = f"{gold.table_id}/{gold.name}@{gold.line}"
    score_fields(score, label, (FieldSpec("code", "short", attribute("code")),), gold, pred)
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
