"""Table figures by the name a sentence gives them (本年支出合计, 基本支出, 行政运行 …).

The narrative names a figure the way people speak: a row (``卫生健康支出``), a
column of the 合计 row (``基本支出``, ``人员经费``), a classification path
(``一般公共服务（类）政府办公厅（室）及相关机构事务（款）行政运行（项）``), a 三公
item, or a loose synonym (``收入总计`` for 本年收入合计). :func:`candidates`
returns every table figure the name can stand for; a statement agrees with the
tables when its amount equals one of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from extractor.reconcile.columns import (
    is_total_name,
    is_two_sided,
    norm,
    path,
    row_label,
    total_row,
    value_columns,
)
from extractor.reconcile.figures import Figure, table_figure
from extractor.reconcile.sangong import item_of, sangong_groups
from extractor.reconcile.units import in_wan
from extractor.tables.roles import Role, role_of
from schemas import Table, TableRow

_LEVEL = re.compile(r"[(（](类|款|项)[)）]")
_CURRENT_YEAR = re.compile(r"^本年(收入|支出)(合计)?$")
# A sentence names a 三公 item by its own words (外事接待费 is not 公务接待费).
_SANGONG_WORDS = ("因公出国", "公务接待", "公务用车", "三公")
# Loose wording the reports use for a row or column of the tables.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "收入总计": ("本年收入合计", "本年收入"),
    "支出总计": ("本年支出合计", "本年支出"),
    "收入合计": ("本年收入合计", "本年收入"),
    "支出合计": ("本年支出合计", "本年支出"),
    "本年收入": ("本年收入合计",),
    "本年支出": ("本年支出合计",),
    "收支总预算": ("总计", "收入总计", "合计"),
    "收入预算": ("总计", "收入总计", "合计"),
    "支出预算": ("总计", "支出总计", "合计"),
    "财政拨款收入": ("本年收入合计",),
    "财政拨款支出": ("本年支出合计",),
    "基本支出": ("基本支出合计",),
}
# "财政拨款收入支出总计" is the 总计 of the 财政拨款收支总表, "收入支出总计" that of the 收支总表.
_GRAND_TOTALS = (
    (("财政拨款收入支出总计", "财政拨款收支总计"), Role.APPROPRIATION),
    (("收入支出总计", "收支总计"), Role.OVERVIEW),
)
_GRAND_TOTAL_ROWS = ("总计", "收入总计", "支出总计")
_FUND_ROLES = (
    ("一般公共预算", Role.GENERAL_BUDGET),
    ("政府性基金", Role.FUND),
    ("国有资本经营", Role.STATE_CAPITAL),
)


def split_metric(metric: str) -> list[str]:
    """``A（类）B（款）C（项）`` -> [A, B, C]; a plain name -> [name]."""
    text = norm(metric)
    parts = [p for p in _LEVEL.split(text) if p and p not in ("类", "款", "项")]
    if len(parts) > 1 and parts[-1] in ("支出", "支出合计"):
        parts[-2:] = [parts[-2] + parts[-1]]  # 社会保障和就业（类）支出 names the class 社会保障和就业支出
    return [row_label(p) for p in parts] or [row_label(text)]


def _same(label: str, name: str) -> bool:
    """``社会保障和就业`` names the row ``社会保障和就业支出`` and the reverse."""
    return label == name or label == name + "支出" or name == label + "支出"


@dataclass
class FigureIndex:
    """Every figure of the present tables, reachable by row label and column word."""

    rows: dict[str, list[tuple[Table, TableRow]]] = field(default_factory=lambda: defaultdict(list))
    totals: dict[str, list[Figure]] = field(default_factory=lambda: defaultdict(list))
    roles: dict[Role, Table] = field(default_factory=dict)
    sangong: list[tuple[str, dict[str, Figure]]] = field(default_factory=list)
    by_code: dict[tuple[str, str], TableRow] = field(default_factory=dict)

    def row_figures(self, table: Table, row: TableRow, primary: bool = False) -> list[Figure]:
        """The figures of a row (only its first column when ``primary``); none for a
        heading row that prints no figure at all."""
        figures = [in_wan(table, table_figure(table, row, c)) for c in value_columns(table) if c.key in row.cells]
        if not any(f.printed for f in figures):
            return []
        return figures[:1] if primary else figures


def build_index(tables: list[Table]) -> FigureIndex:
    """Index the present tables once per reconciliation."""
    index = FigureIndex()
    for table in tables:
        role = role_of(table)
        index.roles.setdefault(role, table)
        if role is Role.SANGONG and not index.sangong:
            index.sangong = sangong_groups(table)
        for row in table.rows:
            if row.name:
                index.rows[row_label(row.name)].append((table, row))
            if row.code:
                index.by_code[(table.id, row.code)] = row
        for total in _total_rows(table):
            for column in value_columns(table):
                parts = path(column)
                for word in parts[-2:]:
                    if not is_total_name(word):
                        index.totals[word].append(in_wan(table, table_figure(table, total, column)))
    return index


def _total_rows(table: Table) -> list[TableRow]:
    """The 合计 row; for a two-sided table, its 本年合计 rows (whose columns a sentence
    names: ``上年结转 389.7 万元`` is the 上年结转 column of 本年收入)."""
    if not is_two_sided(table):
        total = total_row(table)
        return [total] if total is not None else []
    return [r for r in table.rows if _CURRENT_YEAR.match(row_label(r.name))]


def _ancestors_agree(index: FigureIndex, table: Table, row: TableRow, ancestors: list[str]) -> bool:
    """A coded row matches ``A（类）B（款）C（项）`` when its parent rows carry A and B."""
    code = row.code or ""
    parents = [code[:3], code[:5]][: (len(code) - 3) // 2] if len(code) in (5, 7) else []
    for parent_code, name in zip(reversed(parents), reversed(ancestors), strict=False):
        parent = index.by_code.get((table.id, parent_code))
        if parent is None:
            continue
        label = row_label(parent.name)
        if not (_same(label, name) or label.startswith(name) or name.startswith(label)):
            return False
    return True


def candidates(index: FigureIndex, metric: str, primary: bool = False) -> list[Figure]:
    """Every table figure ``metric`` may name (empty when the tables do not print it);
    ``primary`` keeps, for a matching row, only its first (total) column."""
    parts = split_metric(metric)
    name, ancestors = parts[-1], parts[:-1]
    names = [name, *SYNONYMS.get(name, ())]
    found: list[Figure] = []
    # A dict, not a set: the order of candidates decides ties, and must not follow string hashing.
    labels = dict.fromkeys(v for n in names for v in (n, n + "支出", n.removesuffix("支出")))
    for label in labels:
        for table, row in index.rows.get(label, []):
            if _ancestors_agree(index, table, row, ancestors):
                found.extend(index.row_figures(table, row, primary))
    for n in names:
        found.extend(index.totals.get(n, []))
    for word, role in _FUND_ROLES:
        fund_table = index.roles.get(role)
        # Only the appropriation itself (一般公共预算财政拨款支出, 一般公共预算拨款): a bare
        # 一般公共预算支出 is as often the money a performance evaluation covered.
        if fund_table is not None and word in name and "拨款" in name:
            total = total_row(fund_table)
            if total is not None:
                found.extend(index.row_figures(fund_table, total, primary))
    for spellings, grand_role in _GRAND_TOTALS:
        grand = index.roles.get(grand_role)
        if grand is not None and name in spellings:
            for row in grand.rows:
                if row_label(row.name) in _GRAND_TOTAL_ROWS:
                    found.extend(index.row_figures(grand, row, primary=True))
    item = "total" if "三公" in name else item_of(name)
    if item is not None and name.startswith(_SANGONG_WORDS):
        found.extend(group[item] for _, group in index.sangong if item in group)
    return found


@dataclass
class Printing:
    """The tables of one printing of the report's table set, and the lines they span."""

    first: int
    last: int
    tables: list[Table]


def printings(tables: list[Table]) -> list[Printing]:
    """Split the tables where a table id comes round again after other tables (a report
    bound twice, or a department's report followed by its units' reports): a statement is
    judged against the tables of its own printing, and the cost stays linear in the copies."""
    found: list[Printing] = []
    seen: set[str] = set()
    previous = ""
    for table in sorted(tables, key=lambda t: t.line_start or 0):
        base = table.id.split("#", 1)[0]
        line = table.line_start or 0
        if not found or (base in seen and base != previous):
            found.append(Printing(first=line, last=table.line_end or line, tables=[]))
            seen = set()
        seen.add(base)
        previous = base
        found[-1].tables.append(table)
        found[-1].last = max(found[-1].last, table.line_end or line)
    return found or [Printing(first=0, last=0, tables=[])]


def nearest_printing(found: list[Printing], line: int | None) -> int:
    """Index of the printing whose lines hold ``line``, else the nearest one (the first
    when the line is unknown)."""
    if line is None or len(found) == 1:
        return 0
    distances = [max(p.first - line, line - p.last, 0) for p in found]
    return distances.index(min(distances))
