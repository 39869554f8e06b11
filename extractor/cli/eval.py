"""``extractor eval``: score a configuration against the gold, compare runs, report.

Runs are stored in ``$EXTRACTOR_HOME/evals.sqlite`` (:mod:`evals.runs`). The
evals package (numpy, scipy, matplotlib) is imported only when a command runs,
so the other commands start fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from extractor.cli.layout import Field, Records, plural, print_records
from extractor.errors import ExtractorError
from extractor.settings import Backend, Settings

if TYPE_CHECKING:
    from evals.compare import Comparison
    from evals.runs import RunRecord, RunStore

eval_app = typer.Typer(
    name="eval",
    help="Score configurations against the hand-labeled gold (evals/gold), compare runs, write reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_err = Console(stderr=True)


def _store(settings: Settings) -> RunStore:
    from evals.runs import RunStore

    return RunStore.under(settings.home)


def _fail(error: Exception) -> typer.Exit:
    _err.print(f"[red]error:[/] {error}")
    return typer.Exit(2)


def _f(value: float) -> str:
    return f"{value:.4f}"


def _scores_table(title: str, scores: dict[str, dict[str, float | int]]) -> RichTable:
    table = RichTable(title=title)
    for column in ("record type", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "record type" else "right")
    for name, values in scores.items():
        # Support 0 (no gold, nothing predicted): n/a, not a 0.0 that reads as a failure.
        empty = not values["support"]
        table.add_row(
            name,
            *("n/a" if empty else _f(values[key]) for key in ("precision", "recall", "f1")),
            str(values["support"]),
        )
    return table


# Below this width the comparison prints one block per scope (a table cuts the scope names).
_COMPARE_TABLE_WIDTH = 110
_COMPARE_FIELDS = [
    Field("scope"), Field("scored", right=True), Field("F1 A", right=True), Field("F1 B", right=True),
    Field("B − A", right=True), Field("95% interval", right=True), Field("c→w", right=True),
    Field("w→c", right=True),
]


@eval_app.command("run")
def run_command(
    backend: Annotated[Backend, typer.Option(help="rules (offline), llm or hybrid")] = "rules",
    prompt: Annotated[
        list[str] | None,
        typer.Option("--prompt", metavar="NAME=VERSION", help="prompt version (narrative=v2); repeatable"),
    ] = None,
    model: Annotated[str | None, typer.Option(help="model name (default: EXTRACTOR_LLM_MODEL)")] = None,
    repeats: Annotated[
        int, typer.Option(min=1, help="runs of the configuration, each a fresh set of calls")
    ] = 1,
    report: Annotated[
        list[str] | None,
        typer.Option("--report", "-r", metavar="KEY", help="gold report key (000, 001, …); repeatable; default: all"),
    ] = None,
    samples: Annotated[
        list[Path] | None,
        typer.Option(metavar="FOLDER", help="folder holding the sample reports, if not the bundled samples/"),
    ] = None,
    label: Annotated[str | None, typer.Option(help="a name for the run in lists and reports")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object (run_id, scores) only")
    ] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under", min=0.0, max=1.0, help="exit 1 when overall F1 (mean over repeats) is below"
        ),
    ] = None,
) -> None:
    """Extract every gold report with one configuration, score it and store the run."""
    from evals.harness import EvalOptions, parse_prompts, run_repeats, run_summary

    settings = Settings()
    try:
        options = EvalOptions(
            backend=backend,
            model=model,
            prompts=parse_prompts(prompt or []),
            reports=report or None,
            samples=samples or [],
            label=label,
        )
        records = run_repeats(options, settings, _store(settings), repeats)
    except ExtractorError as error:
        raise _fail(error) from error
    result = run_summary(records)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print_run(records, result)
    mean_f1 = sum(r.f1 for r in records) / len(records)
    if fail_under is not None and mean_f1 < fail_under:
        _err.print(f"[red]overall F1 {mean_f1:.4f} is below --fail-under {fail_under}")
        raise typer.Exit(1)


def _print_run(records: list[RunRecord], result: dict[str, object]) -> None:
    console = Console()
    first = records[0]
    scores = result["scores"]
    console.print(_scores_table(f"run {first.run_id} ({first.config.backend})", scores))  # type: ignore[arg-type]
    splits = RichTable(title="F1 per split [95% interval over items]")
    for column in ("record type", "dev", "test"):
        splits.add_column(column, justify="left" if column == "record type" else "right")
    by_split: dict[str, dict[str, dict[str, float]]] = result["splits"]  # type: ignore[assignment]
    for name in dict.fromkeys([*by_split["dev"], *by_split["test"]]):
        cells = [
            f"{s['f1']:.4f} [{s['low']:.3f},{s['high']:.3f}]" if (s := by_split[split].get(name)) else "-"
            for split in ("dev", "test")
        ]
        splits.add_row(name, *cells)
    console.print(splits)
    usage = first.usage
    console.print(
        f"model {first.model or '-'}; prompts {first.prompts or '-'}; {usage.calls} calls "
        f"({usage.cached_calls} cached, {usage.failed_calls} failed), tokens {usage.prompt_tokens}"
        f"/{usage.completion_tokens}, cost {usage.cost if usage.cost is not None else '-'}; "
        f"{first.seconds:.1f} s; {plural(int(result['failures']), 'chunk failure')}"  # type: ignore[call-overload]
    )
    if len(records) > 1:
        table = RichTable(title=f"spread over {len(records)} repeats (group {first.group_id})")
        for column in ("scope", "min F1", "max F1", "mean", "stdev"):
            table.add_column(column, justify="left" if column == "scope" else "right")
        for name, values in result["spread"].items():  # type: ignore[attr-defined]
            table.add_row(name, _f(values["min"]), _f(values["max"]), _f(values["mean"]), _f(values["stdev"]))
        console.print(table)
        console.print("runs: " + ", ".join(r.run_id for r in records))


def comparison_json(comparison: Comparison, show_test: bool = False) -> dict[str, object]:
    """The comparison as plain JSON (``eval compare --json``); test flips only with ``show_test``."""
    data = comparison.model_dump(mode="json")
    data["flips"] = [f.model_dump(mode="json") for f in comparison.shown_flips(show_test)]
    return data


@eval_app.command("compare")
def compare_command(
    run_a: Annotated[str, typer.Argument(help="baseline run id (or unique prefix)")],
    run_b: Annotated[str, typer.Argument(help="run compared with it")],
    resamples: Annotated[int, typer.Option(min=100, help="bootstrap resamples")] = 1000,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = 20240601,
    fields: Annotated[bool, typer.Option("--fields/--types", help="show every field, or types only")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print the comparison as JSON")] = False,
    show_test: Annotated[
        bool, typer.Option("--show-test", help="also list flipped items of the test split (never tune on them)")
    ] = False,
) -> None:
    """Per record type and field: both F1, B − A with a paired bootstrap 95% interval, flipped items."""
    from evals.compare import ALL, compare_runs

    settings = Settings()
    store = _store(settings)
    try:
        comparison = compare_runs(store.get(run_a), store.get(run_b), resamples=resamples, seed=seed)
    except ExtractorError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps(comparison_json(comparison, show_test), ensure_ascii=False))
        return
    console = Console()
    for warning in comparison.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    records = Records(
        f"B = {comparison.run_b} vs A = {comparison.run_a} ({comparison.items} gold items; "
        "scored: the items with support in the scope)",
        _COMPARE_FIELDS,
    )
    for d in comparison.scopes:
        if not d.items or (not fields and d.field != ALL):
            continue
        style = "red" if d.high < 0 else "green" if d.low > 0 else None
        records.add(
            [
                d.scope,
                str(d.items),
                _f(d.a_f1),
                _f(d.b_f1),
                f"{d.difference:+.4f}",
                f"[{d.low:+.4f}, {d.high:+.4f}]",
                str(d.flips_to_wrong),
                str(d.flips_to_correct),
            ],
            style,
        )
    print_records(console, records, _COMPARE_TABLE_WIDTH)
    by_item: dict[str, list[str]] = {}
    shown = comparison.shown_flips(show_test)
    for flip in shown:
        if flip.field != ALL:
            by_item.setdefault(flip.item_id, []).append(f"{flip.field} {flip.a}→{flip.b}")
    item_flips = [f for f in shown if f.field == ALL]
    hidden = sum(1 for f in comparison.flips if f.field == ALL) - len(item_flips)
    # plain lines, never wrapped: item ids are meant to be grepped and copied
    typer.echo(f"flipped items: {len(item_flips)}" + (f" (+ {hidden} of test, --show-test)" if hidden else ""))
    for flip in item_flips:
        typer.echo(f"  {flip.item_id}: {flip.a} → {flip.b}  ({'; '.join(by_item.get(flip.item_id, []))})")


def _expand(store: RunStore, ids: list[str]) -> list[RunRecord]:
    """Run ids (or prefixes); an id that names a repeat group stands for all its runs."""
    from evals.runs import RunNotFoundError

    runs: list[RunRecord] = []
    for run_id in ids:
        try:
            runs.append(store.get(run_id))
        except RunNotFoundError:
            members = store.group(run_id)
            if not members:
                raise
            runs.extend(members)
    return runs


@eval_app.command("report")
def report_command(
    # Hidden from the argument list (typer would print its type); the docstring says it.
    runs: Annotated[list[str], typer.Argument(metavar="RUN", hidden=True)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="the HTML file; FILE.md is written next to it")
    ],
    resamples: Annotated[int, typer.Option(min=100, help="bootstrap resamples")] = 1000,
    show_test: Annotated[
        bool, typer.Option("--show-test", help="also list items of the test split (never tune on them)")
    ] = False,
) -> None:
    """Write an HTML report (tables, plots) and a Markdown summary of runs.

    RUN: run ids or repeat group ids; the first is the baseline."""
    from evals.report import write_report

    settings = Settings()
    try:
        html_path, md_path = write_report(
            _expand(_store(settings), runs), output, resamples=resamples, show_test=show_test
        )
    except ExtractorError as error:
        raise _fail(error) from error
    _err.print(f"wrote {html_path} and {md_path}")


@eval_app.command("rescore")
def rescore_command(
    run: Annotated[str, typer.Argument(help="run id (or unique prefix)")],
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object (run_id, scores) only")
    ] = False,
) -> None:
    """Score a run's stored predictions again (current gold and scorer), calling no model."""
    from evals.harness import rescore, run_summary

    settings = Settings()
    store = _store(settings)
    try:
        old = store.get(run)
        record = rescore(store, old.run_id)
    except ExtractorError as error:
        raise _fail(error) from error
    result = run_summary([record]) | {"rescored_from": old.run_id, "previous_f1": round(old.f1, 6)}
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    Console().print(_scores_table(f"run {record.run_id} (rescored {old.run_id})", result["scores"]))  # type: ignore[arg-type]
    Console().print(f"overall F1 {old.f1:.4f} -> {record.f1:.4f}")


@eval_app.command("list")
def list_command(
    limit: Annotated[int, typer.Option(min=1, help="newest runs shown")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON lines")] = False,
) -> None:
    """Stored runs, newest first."""
    settings = Settings()
    try:
        records = _store(settings).recent(limit)
    except ExtractorError as error:
        raise _fail(error) from error
    if as_json:
        for r in records:
            row = {
                "run_id": r.run_id,
                "created": r.created,
                "label": r.label,
                "backend": r.config.backend,
                "model": r.model,
                "prompts": r.prompts,
                "reports": r.config.reports,
                "f1": round(r.f1, 6),
                "group_id": r.group_id,
                "rescored_from": r.rescored_from,
            }
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    listing = Records(
        f"evaluation runs ({settings.home})",
        [Field("run"), Field("label"), Field("backend"), Field("model"), Field("prompts"), Field("F1", right=True),
         Field("note", long=True)],
    )
    for r in records:
        note = (
            f"rescored {r.rescored_from}"
            if r.rescored_from
            else (f"group {r.group_id}" if r.group_id else "")
        )
        if r.config.reports != sorted(r.config.reports) or len(r.config.reports) < 4:
            note = f"reports {','.join(r.config.reports)} {note}".strip()
        listing.add([
            r.run_id,
            r.label or "",
            r.config.backend,
            r.model or "",
            ", ".join(f"{k}={v}" for k, v in sorted(r.prompts.items())),
            _f(r.f1),
            note,
        ])
    print_records(Console(), listing, 110)


@eval_app.command("leaderboard")
def leaderboard_command(
    sort: Annotated[
        str,
        typer.Option(help="overall, a record type (F1, best first), cost, tokens, calls, seconds or date"),
    ] = "overall",
    split: Annotated[
        list[str] | None, typer.Option("--split", help="dev, test or all; repeatable (default: dev and test)")
    ] = None,
    resamples: Annotated[int, typer.Option(min=100, help="bootstrap resamples per interval")] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object per entry")] = False,
) -> None:
    """Every stored run per split: configuration, F1 per record type with a bootstrap 95%
    interval, tokens, cost, calls, wall time and date, sorted by the chosen metric."""
    from evals.leaderboard import leaderboard, render

    settings = Settings()
    try:
        entries = leaderboard(
            _store(settings).recent(), splits=split or ("dev", "test"), sort=sort, resamples=resamples
        )
    except ExtractorError as error:
        raise _fail(error) from error
    if as_json:
        for item in entries:
            typer.echo(json.dumps(item.model_dump(mode="json"), ensure_ascii=False))
        return
    typer.echo(render(entries) if entries else f"no runs in {settings.home}; `extractor eval run` makes one")
