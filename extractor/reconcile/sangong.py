"""The items of a 三公 table (因公出国(境)费, 公务用车购置及运行维护费, 公务接待费).

Final accounts print the items as columns, twice (预算数 | 决算数); budgets
often print them as rows (``1、因公出国（境）费用`` / ``其中：（1）公务用车运行维护费``).
:func:`sangong_groups` returns one mapping item -> figure per printed set.
"""

from __future__ import annotations

from extractor.reconcile.columns import norm, path, row_label, value_columns
from extractor.reconcile.figures import Figure, table_figure
from schemas import Table

_KIND_LEAVES = ("预算数", "决算数", "预算", "决算", "全年预算数", "年初预算数")
ITEMS = ("total", "abroad", "car", "car_purchase", "car_operation", "reception")


def item_of(label: str, parent_is_car: bool = False) -> str | None:
    """The 三公 item a header or row label names, None for anything else."""
    text = row_label(label)
    if text in ("小计", "合计") and parent_is_car:
        return "car"
    if text in ("合计", "总计", "三公经费合计", "合计数"):
        return "total"
    if "出国" in text:
        return "abroad"
    if "接待" in text:
        return "reception"
    if "车" in text:
        purchase, operation = "购置" in text, "运行" in text
        if (purchase and operation) or text in ("公务用车费", "公务用车"):
            return "car"
        if purchase:
            return "car_purchase"
        if operation:
            return "car_operation"
    return None


def _column_item(parts: list[str]) -> tuple[tuple[str, ...], str] | None:
    """(group path, item) of a column path such as 决算数/公务用车购置及运行维护费/小计."""
    # 预算数 | 决算数 printed under each item (合计/预算数, 合计/决算数, …) name the group too
    kind = (parts[-1],) if len(parts) > 1 and parts[-1] in _KIND_LEAVES else ()
    for index, segment in enumerate(parts):
        item = item_of(segment)
        if item is None:
            continue
        if item == "car" and index + 1 < len(parts):
            sub = item_of(parts[index + 1], parent_is_car=True)
            return (*parts[:index], *kind), sub or "car"
        return (*parts[:index], *kind), item
    return None


def sangong_groups(table: Table) -> list[tuple[str, dict[str, Figure]]]:
    """(group name, item -> figure) for every printed set of 三公 items; the name is
    the header above the items (``预算数`` / ``决算数``) or the value column's header."""
    columns = value_columns(table)
    located = {c.key: _column_item([norm(p) for p in path(c)]) for c in columns}
    groups: list[tuple[str, dict[str, Figure]]] = []
    if sum(1 for v in located.values() if v) >= 3:
        for row in table.rows:
            by_group: dict[tuple[str, ...], dict[str, Figure]] = {}
            for column in columns:
                where = located[column.key]
                if where is None or column.key not in row.cells:
                    continue
                by_group.setdefault(where[0], {}).setdefault(where[1], table_figure(table, row, column))
            # a 决算数 set printed all empty is a set of zeros (no 三公 spending), not nothing
            groups.extend(("/".join(k), g) for k, g in by_group.items()
                          if any(f.printed for f in g.values()) or (k and k[-1] in _KIND_LEAVES))
        return groups
    rows = [(item_of(r.name), r) for r in table.rows]
    for column in columns:
        group: dict[str, Figure] = {}
        for item, row in rows:
            if item is not None and item not in group:
                group[item] = table_figure(table, row, column)
        if any(f.printed for f in group.values()):
            groups.append(("/".join(path(column)), group))
    return groups
