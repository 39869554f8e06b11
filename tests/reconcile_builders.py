"""Small builders of schema objects for the reconciliation tests."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.numbers import try_amount
from schemas import (
    Cell,
    Column,
    DocumentInfo,
    ExtractionResult,
    NarrativeStatement,
    PerformanceForm,
    RunInfo,
    Span,
    Table,
    TableRow,
)

_line = [1000]


def next_line() -> int:
    _line[0] += 1
    return _line[0]


def span(line: int) -> Span:
    return Span(line_start=line, line_end=line, char_start=line * 10, char_end=line * 10 + 5)


def row(name: str, *values: str | None, code: str | None = None, side: str | None = None,
        keys: Sequence[str] = (), line: int | None = None) -> TableRow:
    """A row; ``values`` fill ``keys`` (set by :func:`table`) in order; None leaves a cell out."""
    line = line or next_line()
    cells = {}
    for key, text in zip(keys, values, strict=False):
        if text is None:
            continue
        cells[key] = Cell(value=try_amount(text), text=text, span=span(line))
    return TableRow(code=code, name=name, side=side, line=line, cells=cells)


class TableSpec:
    """Collects rows against a column list, then builds a Table."""

    def __init__(self, table_id: str, title: str, columns: Sequence[str], status: str = "present") -> None:
        self.id, self.title, self.status = table_id, title, status
        self.columns = [Column(key=k, header=k.split("/"), side=k.split("/")[0] if k.split("/")[0] in
                               ("收入", "支出") else None) for k in columns]
        self.rows: list[TableRow] = []

    def add(self, name: str, *values: str | None, code: str | None = None, side: str | None = None,
            line: int | None = None) -> TableRow:
        keys = [c.key for c in self.columns if side is None or c.side == side]
        made = row(name, *values, code=code, side=side, keys=keys, line=line)
        self.rows.append(made)
        return made

    def build(self) -> Table:
        return Table(id=self.id, title=self.title, status=self.status, columns=self.columns, rows=self.rows,
                     line_start=self.rows[0].line if self.rows else None,
                     line_end=self.rows[-1].line if self.rows else None)


def result(tables: Sequence[Table] = (), forms: Sequence[PerformanceForm] = (),
           statements: Sequence[NarrativeStatement] = (), kind: str = "final_account") -> ExtractionResult:
    return ExtractionResult(
        document=DocumentInfo(source_name="test", sha256="0" * 64, encoding="utf-8", kind=kind),
        tables=list(tables), performance_forms=list(forms), narrative_statements=list(statements),
        run=RunInfo(extractor_version="test"),
    )


def statement(metric: str, paragraph: str = "p1", **fields: object) -> NarrativeStatement:
    """A grounded statement; amounts and percentages quoted as given, spans at line 1273."""
    evidence = {k: str(v) for k, v in fields.items() if k.endswith(("pct",)) or k in ("amount",)}
    evidence.update(fields.pop("evidence", {}))  # type: ignore[arg-type]
    provenance = {k: span(1273) for k in fields}
    return NarrativeStatement(paragraph_id=paragraph, metric=metric, unit=fields.pop("unit", "万元"),  # type: ignore[arg-type]
                              evidence=evidence, provenance=provenance, **fields)  # type: ignore[arg-type]
