"""Helpers for the fixed-table tests: find a table, a row, and read a row's values."""

from __future__ import annotations

from extractor.document import SourceText
from schemas import Table, TableRow


def source_of(text: str, name: str = "synthetic.txt") -> SourceText:
    """A report built from ``text`` (synthetic cases)."""
    return SourceText.from_text(name=name, text=text, sha256="0" * 64, encoding="utf-8")


def report_text(*lines: str) -> str:
    """A report's text from its lines."""
    return "\n".join(lines)


def table_by_id(tables: list[Table], table_id: str) -> Table:
    matches = [t for t in tables if t.id == table_id]
    assert len(matches) == 1, f"{table_id}: {len(matches)} tables, ids {[t.id for t in tables]}"
    return matches[0]


def find_row(
    table: Table,
    *,
    name: str | None = None,
    code: str | None = None,
    side: str | None = None,
    number: int | None = None,
) -> TableRow:
    """The single row matching every given field."""
    rows = [
        r
        for r in table.rows
        if (name is None or r.name == name)
        and (code is None or r.code == code)
        and (side is None or r.side == side)
        and (number is None or r.row_number == number)
    ]
    assert len(rows) == 1, f"{table.id} name={name} code={code} side={side} number={number}: {len(rows)} rows"
    return rows[0]


def values(row: TableRow, keys: list[str]) -> list[float | None]:
    return [row.value(key) for key in keys]
