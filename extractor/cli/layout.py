"""Records on the terminal: a table when it fits, one block per record when the terminal is narrow.

A table squeezed into 80 columns cuts names and wraps messages a few characters a
line; below the width a table needs, each record is printed as a block instead:
its first field as a heading, the short fields on one wrapped line, long fields
(messages, warnings) each on lines of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text


@dataclass
class Field:
    """One column: its name, right-aligned (figures) or not, long (a message: wraps, own line in a block)."""

    name: str
    right: bool = False
    long: bool = False


@dataclass
class Records:
    """Rows of one listing; ``styles`` colours a whole row (``red``, ``yellow``, …)."""

    title: str
    fields: list[Field]
    rows: list[list[str]] = field(default_factory=list)
    styles: list[str | None] = field(default_factory=list)

    def add(self, values: list[str], style: str | None = None) -> None:
        self.rows.append(values)
        self.styles.append(style)


def plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def print_records(console: Console, records: Records, table_width: int) -> None:
    """A table when the console is at least ``table_width`` wide, else one block per row."""
    if console.width >= table_width:
        console.print(_table(records))
        return
    console.print(Text(records.title, style="bold"))
    for values, style in zip(records.rows, records.styles, strict=True):
        heading, *rest = values
        console.print(Text(heading, style=style or "bold"), soft_wrap=False, overflow="fold")
        short = [
            f"{f.name} {escape(v)}" for f, v in zip(records.fields[1:], rest, strict=True) if v and not f.long
        ]
        if short:
            console.print(Padding(Text.from_markup(" · ".join(short)), (0, 0, 0, 2), expand=False))
        for f, value in zip(records.fields[1:], rest, strict=True):
            if value and f.long:
                console.print(Padding(Text(value, style=style or ""), (0, 0, 0, 2), expand=False))


def _table(records: Records) -> RichTable:
    table = RichTable(title=records.title, title_justify="left")
    for f in records.fields:
        if f.long:
            table.add_column(f.name, overflow="fold", ratio=1)
        else:
            table.add_column(f.name, justify="right" if f.right else "left", no_wrap=True)
    for values, style in zip(records.rows, records.styles, strict=True):
        table.add_row(*(escape(v) for v in values), style=style)
    return table
