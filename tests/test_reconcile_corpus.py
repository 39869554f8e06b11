"""Reconciliation of the fixed tables the table parser reads from the real corpus.

Every expected finding below was checked against the report text (line numbers
are those of the sample files).
"""

from __future__ import annotations

import pytest

from extractor.document import SourceText
from extractor.reconcile import reconcile, registry
from extractor.tables import extract_tables
from schemas import Finding
from tests.reconcile_builders import result

TABLE_RULES = [r for r in registry() if r.family in ("table", "cross_table")]


def table_findings(source: SourceText, kind: str = "final_account") -> list[Finding]:
    return reconcile(result(extract_tables(source), kind=kind), TABLE_RULES)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


@pytest.fixture(scope="module")
def findings(corpus: dict[str, SourceText]) -> dict[str, list[Finding]]:
    kinds = {"002": "budget"}
    return {key: table_findings(source, kinds.get(key, "final_account")) for key, source in corpus.items()}


def test_000_tables_are_missing_not_zero(findings: dict[str, list[Finding]]) -> None:
    """000 prints only the headings of 公开01–09表: seven info findings (07 and 08 are
    printed with the note that they hold nothing: empty, not missing), nothing checked."""
    found = findings["000"]
    assert [f.rule_id for f in found] == ["table.missing"] * 7
    assert {f.severity for f in found} == {"info"}


def test_004_tables_reconcile(findings: dict[str, list[Finding]]) -> None:
    """004's tables agree; only one-cent 尾数误差 remain (e.g. 21011: 5.19 + 7.77 = 12.96 vs 12.97)."""
    found = findings["004"]
    assert errors(found) == []
    assert {f.classification for f in found} == {"rounding"}
    assert ("table.code_hierarchy", 12.97, 12.96) in [(f.rule_id, f.stated, f.expected) for f in found]


def test_001_personnel_column_of_05_is_inconsistent(findings: dict[str, list[Finding]]) -> None:
    """公开05表 of 001 (lines 270-289): the 人员经费 column of classes 208/210/221 does not fit
    基本支出 (e.g. 2080506: 基本支出 17.64, 人员经费 20.07), although its 合计 10596.94 equals
    公开06表's 人员经费合计. The report's own error, found by three rules."""
    found = errors(findings["001"])
    row_sums = {(f.locations[0].line_start, f.stated, f.expected) for f in found if f.rule_id == "table.row_sum"}
    assert (273, 1887.42, 1805.13) in row_sums  # 20805
    assert (277, 17.64, 20.07) in row_sums  # 2080506
    assert (270, 2129.9, 0.0) in row_sums  # 208: 人员经费 and 公用经费 both blank
    assert (281, None, 17.06) in row_sums  # 20899: 人员经费 17.06 without any 基本支出
    assert len(row_sums) == 17  # every row of 208/210/221 printing a 基本支出 or 人员经费 figure
    others = [(f.rule_id, f.stated, f.expected) for f in found if f.rule_id != "table.row_sum"]
    assert others == [
        ("table.column_total", 10596.94, 8314.79),  # 6957.07 + 687.14 + 670.58 (208 blank)
        ("table.code_hierarchy", None, 2023.97),  # 208 blank vs 1805.13 + 201.78 + 17.06
    ]
    assert {f.classification for f in found} == {"report_error"}


def test_001_cross_table_figures_agree(findings: dict[str, list[Finding]]) -> None:
    assert [f for f in findings["001"] if f.rule_id.startswith("cross_table.")] == []


def test_002_shifted_carryover_columns_are_repaired_before_reconciliation(findings: dict[str, list[Finding]]) -> None:
    """预算表2 of 002 (lines 174-176) prints 389.70 under 一般公共预算拨款结转 and
    政府性基金预算拨款结转 with 上年结转结余/小计 blank: the text is shifted one column.
    The table parser moves them back (extractor/tables/repair.py), so nothing is left
    to report; the engine's "looks shifted" classification is tested on synthetic rows
    in test_reconcile_tables.py."""
    assert errors(findings["002"]) == []
    assert [f for f in findings["002"] if f.rule_id == "table.row_sum"
            and any(loc.line_start in (174, 175, 176) for loc in f.locations)] == []


def _mutate(source: SourceText, line: int, old: str, new: str) -> SourceText:
    lines = source.text.split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return SourceText.from_text(source.name, "\n".join(lines), source.sha256, source.encoding)


@pytest.mark.parametrize(
    ("line", "old", "new", "rules"),
    [
        (121, "17334.64", "17343.64", {"table.side_items", "table.side_total", "cross_table.income_total"}),
        (185, "17946.59", "17964.59", {"table.row_sum", "table.column_total", "cross_table.expenditure_total"}),
        (237, "17714.80	17714.80", "17714.80	17741.80", {"table.row_sum", "table.side_items",
                                                         "cross_table.general_budget"}),
        (320, "0.18", "0.81", {"table.code_hierarchy"}),
        (387, "706.12", "760.12", {"table.sangong"}),
    ],
)
def test_001_planted_figure_is_found_at_its_line(corpus: dict[str, SourceText], line: int, old: str, new: str,
                                                 rules: set[str]) -> None:
    found = errors(table_findings(_mutate(corpus["001"], line, old, new)))
    at_line = {f.rule_id for f in found if any(loc.line_start == line for loc in f.locations)}
    assert rules <= at_line
