"""An evaluation report: one self-contained HTML file and a Markdown summary.

Tables of every run (configuration, prompt hashes, usage, latency, cost,
P/R/F1 per record type and per field), the spread of repeated runs, and, with
two runs or more, the paired comparison of the first run (the baseline) with
each other one. Plots are drawn with matplotlib's Agg canvas (no display
needed) and embedded as base64 PNG, so the file can be mailed or archived alone.
"""

from __future__ import annotations

import base64
import html
import io
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from evals.compare import ALL, Comparison, ComparisonError, compare_runs
from evals.harness import spread
from evals.leaderboard import OVERALL, LeaderboardEntry, leaderboard
from evals.runs import RunRecord
from extractor.errors import OutputError

MAX_FLIPS = 60  # flipped items listed per comparison in the HTML (all are counted)
MAX_DIFFS = 40  # scoring diffs listed per run

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.6em 0 1.4em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}
th{background:#f3f3f3} td.l,th.l{text-align:left}
.neg{color:#b00020}.pos{color:#0a7d28} code{font-size:12px}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}
"""


def _f(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _signed(value: float) -> str:
    return f"{value:+.4f}"


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """An HTML table; the first ``left`` columns are text (left-aligned), cells already escaped."""
    head = "".join(f'<th class="{"l" if i < left else ""}">{h}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"l" if i < left else ""}">{c}</td>' for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _name(run: RunRecord) -> str:
    """How a run is called in plots and column heads: its label, else its id."""
    return run.label or run.run_id


def _types(runs: Sequence[RunRecord]) -> list[str]:
    return sorted({name for run in runs for name in run.scores.types})


def _run_rows(runs: Sequence[RunRecord]) -> tuple[list[str], list[list[str]]]:
    headers = ["run", "backend", "model", "prompts", "reports", "items", "P", "R", "F1"]
    headers += [f"F1 {t}" for t in _types(runs)]
    headers += ["calls", "cached", "tokens in/out", "cost", "seconds", "failures"]
    rows: list[list[str]] = []
    for run in runs:
        usage = run.usage
        row = [
            run.run_id + (f" ({run.label})" if run.label else ""),
            run.config.backend,
            run.model or "",
            ", ".join(f"{k}={v}" for k, v in sorted(run.prompts.items())) or "-",
            ",".join(run.config.reports),
            str(len(run.items)),
            _f(run.scores.micro.precision),
            _f(run.scores.micro.recall),
            _f(run.scores.micro.f1),
        ]
        row += [_f(run.scores.types[t].micro.f1) if t in run.scores.types else "" for t in _types(runs)]
        row += [
            str(usage.calls),
            str(usage.cached_calls),
            f"{usage.prompt_tokens}/{usage.completion_tokens}",
            _f(usage.cost, 4),
            _f(run.seconds, 2),
            str(sum(len(r.failures) for r in run.reports)),
        ]
        rows.append(row)
    return headers, rows


def _field_rows(runs: Sequence[RunRecord], record_type: str) -> list[list[str]]:
    fields = sorted(
        {f for run in runs if record_type in run.scores.types for f in run.scores.types[record_type].fields}
    )
    rows: list[list[str]] = []
    for field in fields:
        row = [field]
        for run in runs:
            counts = run.scores.types.get(record_type)
            c = counts.fields.get(field) if counts else None
            if c is None:
                row.append("")
            else:  # a field no run had to fill (nothing labeled, nothing predicted) has no F1
                row.append(f"{_f(c.f1) if c.support else '-'} ({c.correct}/{c.support})")
        rows.append(row)
    return rows


def _type_plot(runs: Sequence[RunRecord]) -> Figure:
    names = ["overall", *_types(runs)]
    figure = Figure(figsize=(max(6.0, 1.6 * len(names)), 3.6), layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / len(runs)
    for index, run in enumerate(runs):
        values = [run.f1] + [
            run.scores.types[t].micro.f1 if t in run.scores.types else 0.0 for t in names[1:]
        ]
        xs = [k + index * width - 0.4 + width / 2 for k in range(len(names))]
        axes.bar(xs, values, width, label=_name(run))
    axes.set_xticks(range(len(names)), names)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("micro F1")
    axes.set_title("F1 per record type")
    axes.legend(fontsize=7, loc="lower right")
    return figure


def _field_plot(runs: Sequence[RunRecord]) -> Figure:
    types = _types(runs)
    fields = {
        t: sorted({f for r in runs if t in r.scores.types for f in r.scores.types[t].fields}) for t in types
    }
    heights = [max(1, len(fields[t])) for t in types]
    figure = Figure(figsize=(8, 0.28 * sum(heights) + 1.2 * len(types)), layout="constrained")
    grid = figure.add_gridspec(len(types), 1, height_ratios=heights)
    for row, record_type in enumerate(types):
        axes = figure.add_subplot(grid[row])
        height = 0.8 / len(runs)
        for index, run in enumerate(runs):
            score = run.scores.types.get(record_type)
            values = [score.fields[f].f1 if score and f in score.fields else 0.0 for f in fields[record_type]]
            ys = [k + index * height - 0.4 + height / 2 for k in range(len(values))]
            axes.barh(ys, values, height, label=_name(run))
        axes.set_yticks(range(len(fields[record_type])), fields[record_type], fontsize=7)
        axes.set_xlim(0, 1.02)
        axes.invert_yaxis()
        axes.set_title(f"{record_type}: F1 per field", fontsize=9)
    figure.axes[0].legend(fontsize=7, loc="lower left")
    return figure


def _forest_plot(comparison: Comparison) -> Figure:
    scopes = [d for d in comparison.scopes if d.items]
    figure = Figure(figsize=(8, 0.24 * len(scopes) + 1.2), layout="constrained")
    axes = figure.add_subplot()
    ys = list(range(len(scopes)))
    centre = [d.difference for d in scopes]
    colours = ["#b00020" if d.high < 0 else "#0a7d28" if d.low > 0 else "#555" for d in scopes]
    axes.hlines(ys, [d.low for d in scopes], [d.high for d in scopes], colors=colours, linewidth=1.5)
    axes.scatter(centre, ys, c=colours, s=12, zorder=3)
    axes.axvline(0, color="#999", linewidth=0.8)
    axes.set_yticks(ys, [d.scope for d in scopes], fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel("F1 difference B - A with paired bootstrap 95% interval")
    axes.set_title(f"B {comparison.run_b} vs A {comparison.run_a}", fontsize=8)
    return figure


def _spread_plot(groups: dict[str, list[RunRecord]]) -> Figure:
    figure = Figure(figsize=(6, 3), layout="constrained")
    axes = figure.add_subplot()
    for index, runs in enumerate(groups.values()):
        axes.scatter([index] * len(runs), [r.f1 for r in runs], s=18)
    axes.set_xticks(range(len(groups)), [g[:8] for g in groups], fontsize=7)
    axes.set_ylabel("overall F1")
    axes.set_title("repeats: F1 of each run")
    return figure


def _comparison_rows(comparison: Comparison) -> list[list[str]]:
    rows: list[list[str]] = []
    for d in comparison.scopes:
        if not d.items:
            continue
        css = "neg" if d.high < 0 else "pos" if d.low > 0 else ""
        rows.append(
            [
                d.scope,
                str(d.items),
                _f(d.a_f1),
                _f(d.b_f1),
                f'<span class="{css}">{_signed(d.difference)}</span>',
                f"[{_signed(d.low)}, {_signed(d.high)}]",
                str(d.flips_to_wrong),
                str(d.flips_to_correct),
            ]
        )
    return rows


_COMPARISON_HEADERS = ["scope", "items", "F1 A", "F1 B", "B - A", "95% CI", "correct→wrong", "wrong→correct"]


def _leaderboard_rows(entries: Sequence[LeaderboardEntry]) -> tuple[list[str], list[list[str]]]:
    types = sorted({name for e in entries for name in e.scores if name != OVERALL})
    headers = ["split", "run", "backend", "model", "prompts", "F1 overall", *[f"F1 {t}" for t in types]]
    headers += ["tokens", "cost", "calls", "seconds", "date"]
    rows: list[list[str]] = []
    for e in entries:
        cells = [
            f"{s.f1:.4f} [{s.low:.3f}, {s.high:.3f}]" if (s := e.scores.get(name)) else ""
            for name in (OVERALL, *types)
        ]
        rows.append(
            [
                e.split,
                e.run_id + (f" ({e.label})" if e.label else ""),
                e.backend,
                e.model or "",
                ", ".join(f"{k}={v}" for k, v in sorted(e.prompts.items())) or "-",
                *cells,
                str(e.tokens),
                _f(e.cost),
                str(e.calls),
                _f(e.seconds, 2),
                e.created[:16].replace("T", " "),
            ]
        )
    return headers, rows


def _cost_plot(entries: Sequence[LeaderboardEntry]) -> Figure:
    """Overall F1 (with its interval) against cost, one point per run and split; runs
    without a price are placed by tokens, runs with neither at zero."""
    figure = Figure(figsize=(7.0, 4.2), layout="constrained")
    axes = figure.add_subplot()
    priced = any(e.cost is not None for e in entries)
    for split, marker in (("dev", "o"), ("test", "s"), ("all", "^")):
        chosen = [e for e in entries if e.split == split]
        if not chosen:
            continue
        xs = [(e.cost or 0.0) if priced else float(e.tokens) for e in chosen]
        ys = [e.scores[OVERALL].f1 for e in chosen]
        low = [e.scores[OVERALL].f1 - e.scores[OVERALL].low for e in chosen]
        high = [e.scores[OVERALL].high - e.scores[OVERALL].f1 for e in chosen]
        axes.errorbar(xs, ys, yerr=[low, high], fmt=marker, capsize=3, label=split)
        for x, y, e in zip(xs, ys, chosen, strict=True):
            axes.annotate(e.label or e.run_id[-6:], (x, y), fontsize=7, xytext=(4, 3), textcoords="offset points")
    axes.set_xlabel("cost" if priced else "tokens (no prices configured)")
    axes.set_ylabel("overall F1")
    axes.set_title("score against cost")
    axes.legend()
    return figure


def build_report(
    runs: Sequence[RunRecord], resamples: int = 1000, seed: int | None = None, show_test: bool = False
) -> tuple[str, str]:
    """The HTML and the Markdown text of a report on ``runs`` (the first is the baseline)."""
    if not runs:
        raise OutputError("a report needs at least one run")
    comparisons: list[Comparison] = []
    refused: list[str] = []
    for other in runs[1:]:
        try:
            kwargs = {"resamples": resamples} | ({"seed": seed} if seed is not None else {})
            comparisons.append(compare_runs(runs[0], other, **kwargs))
        except ComparisonError as error:
            refused.append(str(error))
    groups: dict[str, list[RunRecord]] = {}
    for run in runs:
        if run.group_id:
            groups.setdefault(run.group_id, []).append(run)
    groups = {g: members for g, members in groups.items() if len(members) > 1}
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    intro = (
        f"<h1>Extraction evaluation</h1><p>{len(runs)} run(s), generated {stamp}. Scores are micro "
        "P/R/F1 over gold fields (evals/gold/README.md); the first run is the baseline A.</p>"
    )
    parts = [intro]
    md = [
        f"# Extraction evaluation\n\n{len(runs)} run(s), generated {stamp}; baseline A = `{runs[0].run_id}`.\n"
    ]
    headers, rows = _run_rows(runs)
    parts.append("<h2>Runs</h2>" + _table(headers, [[html.escape(c) for c in r] for r in rows], left=5))
    md.append("## Runs\n\n" + _md_table(headers, rows))
    entries = leaderboard(runs, resamples=resamples)
    heads, board = _leaderboard_rows(entries)
    parts.append(
        "<h2>Leaderboard</h2><p>Per split (dev: tune on it; test: never tuned on), sorted by overall F1; "
        "95% intervals from resampling gold items.</p>"
        + _table(heads, [[html.escape(c) for c in r] for r in board], left=5)
    )
    parts.append(_png(_cost_plot(entries)))
    md.append("\n## Leaderboard\n\n" + _md_table(heads, board))
    parts.append(_png(_type_plot(runs)))
    for record_type in _types(runs):
        field_rows = _field_rows(runs, record_type)
        heads = ["field", *[_name(r) for r in runs]]
        parts.append(f"<h3>{html.escape(record_type)}: F1 per field (correct/support)</h3>")
        parts.append(_table(heads, [[html.escape(c) for c in r] for r in field_rows]))
        md.append(f"\n### {record_type}: F1 per field (correct/support)\n\n" + _md_table(heads, field_rows))
    parts.append(_png(_field_plot(runs)))
    if groups:
        parts.append("<h2>Repeats</h2>")
        md.append("\n## Repeats\n")
        for group, members in groups.items():
            rows = [
                [name, str(s["n"]), _f(s["min"]), _f(s["max"]), _f(s["mean"]), _f(s["stdev"])]
                for name, s in spread(members).items()
            ]
            heads = ["scope", "runs", "min F1", "max F1", "mean", "stdev"]
            parts.append(f"<p>group {html.escape(group)}</p>" + _table(heads, rows))
            md.append(f"group `{group}`\n\n" + _md_table(heads, rows) + "\n")
        parts.append(_png(_spread_plot(groups)))
    for comparison in comparisons:
        title = f"Comparison: B = {comparison.run_b} vs A = {comparison.run_a}"
        note = (
            f"Paired bootstrap over {comparison.items} gold items, {comparison.resamples} resamples, "
            f"seed {comparison.seed}."
        )
        rows = _comparison_rows(comparison)
        parts.append(f"<h2>{html.escape(title)}</h2><p>{note}</p>")
        parts += [f"<p><b>warning:</b> {html.escape(w)}</p>" for w in comparison.warnings]
        parts.append(_table(_COMPARISON_HEADERS, rows))
        parts.append(_png(_forest_plot(comparison)))
        md_rows = [
            [r[0], *r[1:4], f"{_signed(d.difference)}", *r[5:]]
            for r, d in zip(rows, [d for d in comparison.scopes if d.items], strict=True)
        ]
        md.append(f"\n## {title}\n\n{note}\n\n" + _md_table(_COMPARISON_HEADERS, md_rows))
        item_flips = [f for f in comparison.shown_flips(show_test) if f.field == ALL]
        flip_rows = [[html.escape(f.item_id), f.a, f.b] for f in item_flips[:MAX_FLIPS]]
        parts.append(f"<h3>Flipped items ({len(item_flips)})</h3>" + _table(["item", "A", "B"], flip_rows))
        md.append(f"\nFlipped items: {len(item_flips)}\n")
        md += [f"- `{f.item_id}`: {f.a} → {f.b}" for f in item_flips[:MAX_FLIPS]]
    for message in refused:
        parts.append(f"<p><b>not compared:</b> {html.escape(message)}</p>")
        md.append(f"\nNot compared: {message}\n")
    for run in runs:
        # per-item differences of the test split only when asked: day-to-day work must not tune on them
        every = [
            i
            for i in run.items
            if (show_test or i.split != "test") and i.total.wrong + i.total.missed + i.total.spurious
        ]
        hidden = sum(1 for i in run.items if i.split == "test") if not show_test else 0
        rows = [
            [
                html.escape(i.item_id),
                i.split,
                str(i.total.correct),
                str(i.total.wrong),
                str(i.total.missed),
                str(i.total.spurious),
            ]
            for i in every[:MAX_DIFFS]
        ]
        note = f"; {hidden} test items not listed (--show-test)" if hidden else ""
        parts.append(
            f"<details><summary>{html.escape(run.run_id)}: first {len(rows)} of "
            f"{len(every)} items with differences{note}</summary>"
            + _table(["item", "split", "correct", "wrong", "missed", "spurious"], rows)
            + "</details>"
        )
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>extractor evaluation</title>'
        f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>"
    )
    return page, "\n".join(md) + "\n"


def _write(path: Path, text: str) -> None:
    """Through a temporary file and a rename: never a half-written report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}; check the folder is writable") from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {error.strerror}; check the folder is writable") from error


def write_report(
    runs: Sequence[RunRecord], path: Path, resamples: int = 1000, show_test: bool = False
) -> tuple[Path, Path]:
    """Write ``path`` (HTML) and the Markdown summary next to it (same name, ``.md``)."""
    page, markdown = build_report(runs, resamples=resamples, show_test=show_test)
    md_path = path.with_suffix(".md")
    _write(path, page)
    _write(md_path, markdown)
    return path, md_path
