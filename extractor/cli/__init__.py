"""The ``extractor`` command line (typer). The core never imports this package."""

from __future__ import annotations

import logging

import typer

from extractor.cli import check as _check
from extractor.cli import eval as _eval
from extractor.cli import extract as _extract
from extractor.cli import service as _service

app = typer.Typer(
    name="extractor",
    help="Structured, reconciled extraction of 部门预算/决算公开 reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: typer's rich panels print a type beside every option (<bool>, <list[Path]>).
    rich_markup_mode=None,
)
app.command("extract")(_extract.extract_command)
app.command("check")(_check.check_command)
_service.register(app)  # serve, batch, keys
app.add_typer(_eval.eval_app, name="eval")  # run, compare, report, rescore, list


def main() -> None:
    """Console-script entry point."""
    # instructor logs "Max retries exceeded. Total attempts: N" when it gives up; the failure
    # it raises is reported by us (with our own attempt count), so its log line only confuses.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    app()
