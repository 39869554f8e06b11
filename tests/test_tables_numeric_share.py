"""Every printed amount in tables 01–09 of 001 and 004 reads as a number.

The expected counts were taken independently of the parser: the cells matching
``digits.digits`` in the line ranges of the table bodies (awk over the .txt).
"""

import pytest

from extractor.document import SourceText
from extractor.numbers import is_empty_cell
from extractor.tables import extract_tables


@pytest.mark.parametrize(("key", "numeric", "placeholders"), [("001", 312, 0), ("004", 255, 6)])
def test_all_amounts_parse(corpus: dict[str, SourceText], key: str, numeric: int, placeholders: int) -> None:
    wanted = {f"公开0{i}表" for i in range(1, 10)}
    cells = [
        cell
        for table in extract_tables(corpus[key])
        if table.id in wanted
        for row in table.rows
        for cell in row.cells.values()
        if cell.text
    ]
    parsed = [c for c in cells if c.value is not None]
    dashes = [c for c in cells if c.value is None and is_empty_cell(c.text)]
    unreadable = [c for c in cells if c.value is None and not is_empty_cell(c.text)]
    assert (len(parsed), len(dashes), len(unreadable)) == (numeric, placeholders, 0)
    assert all(corpus[key].original(c.span) == c.text for c in parsed)
