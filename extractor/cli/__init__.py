"""The ``extractor`` command line (typer). The core never imports this package."""

from __future__ import annotations

import typer

from extractor.cli import check as _check
from extractor.cli import extract as _extract

app = typer.Typer(
    name="extractor",
    help="Structured, reconciled extraction of 部门预算/决算公开 reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("extract")(_extract.extract_command)
app.command("check")(_check.check_command)


def main() -> None:
    """Console-script entry point."""
    app()


# The HTTP service, batch runs and API keys (extractor.cli.service).
from extractor.cli import service as _service

_service.register(app)

# Evaluation against the gold: run, compare, report, rescore, list (extractor.cli.eval).
from extractor.cli import eval as _eval

app.add_typer(_eval.eval_app, name="eval")
