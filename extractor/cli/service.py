"""``extractor serve``, ``extractor batch`` and ``extractor keys``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table as RichTable

from extractor.cli.extract import collect_reports
from extractor.cli.layout import Field, Records, print_records
from extractor.cli.output import write_atomic
from extractor.errors import ConfigError, ExtractorError
from extractor.memory import cap_memory
from extractor.run_identity import run_identity
from extractor.runs import for_each_report
from extractor.service.batch import STATE_FILE, BatchEntry, BatchState, FileOutcome, extract_file, file_sha256
from extractor.settings import Backend, Overrides, Settings, apply_overrides

if TYPE_CHECKING:  # the store pulls in SQLAlchemy: imported only by the commands that use it
    from extractor.service.storage import Store

keys_app = typer.Typer(help="API keys of the HTTP service.", no_args_is_help=True)


def serve_command(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="jobs run at once (EXTRACTOR_SERVICE_WORKERS); 0: API only"),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Run the HTTP API (docs at /docs) and the review pages (at /). Database and uploads live under EXTRACTOR_HOME."""
    import uvicorn

    from extractor.service.app import create_app

    settings = Settings() if workers is None else Settings(service_workers=workers)
    Console(stderr=True).print(
        f"extractor service on http://{host}:{port} (review pages: /, API docs: /docs); home {settings.home}",
        highlight=False,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, timeout_graceful_shutdown=15)


def batch_command(
    folder: Annotated[Path, typer.Argument(help="folder of report text files", exists=True, file_okay=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="output folder (holds the state file)")
    ] = Path("extractions"),
    backend: Annotated[Backend, typer.Option(help="rules (offline default), llm or hybrid")] = "rules",
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="reports extracted in parallel (processes)")
    ] = 1,
    retry_failed: Annotated[bool, typer.Option(help="run again reports that failed before")] = False,
    force: Annotated[bool, typer.Option(help="ignore the state file: extract everything again")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON on stdout")] = False,
) -> None:
    """Extract every report of FOLDER into OUTDIR, resuming where a previous run stopped.

    Finished reports are recorded by sha256 in OUTDIR/_batch_state.jsonl and skipped next time.
    """
    console = Console(stderr=True)
    settings = apply_overrides(Settings(), Overrides(backend=backend))
    paths = collect_reports([folder])
    if not paths:
        console.print(f"[red]no report files in {folder}[/] (looked for *.txt / *.pdf)")
        raise typer.Exit(2)
    state = BatchState(output)
    identity = run_identity(settings).key
    counts = {"completed": 0, "failed": 0, "skipped": 0}
    failures: list[tuple[str, str]] = []
    todo: list[tuple[Path, str]] = []
    seen: dict[str, str] = {}
    for path in paths:
        sha256 = file_sha256(path)
        earlier = None if force else state.finished(sha256, identity, retry_failed)
        if earlier is not None or sha256 in seen:
            counts["skipped"] += 1
            continue
        seen[sha256] = path.name
        todo.append((path, sha256))
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("extracting", total=len(todo))
            for (path, sha256), (payload, findings, error, seconds) in _extracted(todo, settings, jobs):
                progress.update(task, description=f"extracted {path.name}")
                target = f"{path.stem}.json"
                if payload is not None:
                    try:
                        write_atomic(output / target, payload)
                    except ExtractorError as exc:
                        payload, error = None, str(exc)
                status: Literal["completed", "failed"] = "completed" if payload is not None else "failed"
                state.record(
                    BatchEntry(
                        sha256=sha256,
                        source=path.name,
                        output=target if payload else None,
                        status=status,
                        identity=identity,
                        error=error,
                        findings=findings,
                        seconds=round(seconds, 3),
                    )
                )
                counts[status] += 1
                if error:
                    failures.append((path.name, error))
                progress.advance(task)
    except ConfigError as exc:  # the model backend is not set up: no report can be read
        console.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/]; run the same command again to resume ({output / STATE_FILE})")
        raise typer.Exit(130) from None
    if as_json:
        typer.echo(json.dumps({**counts, "failures": [{"report": n, "error": e} for n, e in failures]},
                              ensure_ascii=False, indent=2))
        raise typer.Exit(1 if failures else 0)
    summary = RichTable(title=f"batch: {folder} -> {output}")
    for column in ("completed", "failed", "skipped (done before)"):
        summary.add_column(column)
    summary.add_row(str(counts["completed"]), str(counts["failed"]), str(counts["skipped"]))
    console.print(summary)
    for name, error in failures:
        console.print(f"[red]{name}[/]: {error}", highlight=False)
    if failures:
        raise typer.Exit(1)


def _extracted(
    todo: list[tuple[Path, str]], settings: Settings, jobs: int
) -> Iterator[tuple[tuple[Path, str], FileOutcome]]:
    """Each (path, sha256) with its outcome: with one job as they finish, a model
    backend reading several reports at once through one queue of calls; with
    ``jobs`` processes in order, each report on a client of its own."""
    if jobs == 1:
        yield from for_each_report(todo, lambda item, backend: extract_file(item[0], settings, backend), settings)
        return
    # spawn: the progress display runs a thread, and forking beside threads is unsafe.
    spawn = get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=spawn, initializer=cap_memory, initargs=(settings,)) as pool:
        pending = [(item, pool.submit(extract_file, item[0], settings)) for item in todo]
        for item, future in pending:
            yield item, future.result()


def _store(console: Console) -> Store:
    from extractor.service.storage import Store

    try:
        store = Store(Settings())
        store.create_schema()
    except ExtractorError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    return store


@keys_app.command("create")
def keys_create(name: Annotated[str, typer.Argument(help="who or what the key is for")]) -> None:
    """Create an API key. The key is printed once, alone on the last line; only its hash is stored."""
    from extractor.service.keys import create_key

    console = Console(stderr=True)
    store = _store(console)
    try:
        info, secret = create_key(store, name)
    except ExtractorError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    finally:
        store.close()
    typer.echo(f"created key {info.name!r} (id {info.id}); it is shown only now, store it safely:")
    typer.echo(secret)


@keys_app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="print the keys as JSON")] = False,
) -> None:
    """List keys (name, id, prefix, reports, created, revoked); never the secrets."""
    from extractor.service.keys import list_keys

    store = _store(Console(stderr=True))
    try:
        keys = list_keys(store)
    finally:
        store.close()
    if as_json:
        rows = [
            {"name": k.name, "id": k.id, "prefix": k.prefix, "reports": k.reports,
             "created": k.created_at.isoformat(timespec="seconds"),
             "revoked": k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else None}
            for k in keys
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    records = Records("API keys", [Field(name) for name in ("name", "id", "prefix", "reports", "created", "revoked")])
    for key in keys:
        records.add([
            key.name,
            key.id,
            key.prefix + "…",
            str(key.reports),
            key.created_at.isoformat(timespec="seconds"),
            key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "",
        ])
    # A table when there is room (and always when piped); one block per key on a narrow terminal.
    print_records(Console(width=200 if not sys.stdout.isatty() else None), records, 110)


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="the key's name or id")]) -> None:
    """Revoke a key: its requests answer 401 from now on."""
    from extractor.service.keys import revoke_key

    console = Console(stderr=True)
    store = _store(console)
    try:
        info = revoke_key(store, name)
    except ExtractorError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    finally:
        store.close()
    typer.echo(f"revoked key {info.name!r} (id {info.id})")


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``batch`` and ``keys`` to the ``extractor`` command."""
    app.command("serve")(serve_command)
    app.command("batch")(batch_command)
    app.add_typer(keys_app, name="keys")
