"""Reading the hand-labeled gold of ``evals/gold/`` (format: evals/gold/README.md).

One report has up to three JSONL files, one record a line, each validated by
the output schemas (so gold and extraction are the same kind of object):

* ``{key}.forms.jsonl``       :class:`schemas.PerformanceForm`
* ``{key}.statements.jsonl``  :class:`GoldStatement` (a NarrativeStatement + its source lines)
* ``{key}.table_rows.jsonl``  :class:`GoldTableRow` (a TableRow + its table id and unit)

``index.json`` maps each key to its source file and its sha256, the record types
labelled completely, the line ranges of sections labelled completely
(``complete_sections``) and of the records tuned on before the splits (``tuned``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from extractor.errors import ExtractorError
from schemas import NarrativeStatement, PerformanceForm, TableRow

T = TypeVar("T", bound=BaseModel)

GOLD_DIR = Path(__file__).resolve().parent / "gold"
SUFFIXES = {"forms": ".forms.jsonl", "statements": ".statements.jsonl", "table_rows": ".table_rows.jsonl"}


class GoldError(ExtractorError):
    """A gold file is missing or does not validate against the schemas."""


class GoldStatement(NarrativeStatement):
    """A gold narrative statement; ``lines`` = first and last source line its quotes stand on."""

    lines: tuple[int, int]


class GoldTableRow(TableRow):
    """A gold table row (a total row); ``table_id`` as the parser normalises it
    (公开01表, 预算表1); cell keys are the printed header path joined by ``/``."""

    table_id: str
    unit: str = "万元"


class GoldBundle(BaseModel):
    """Everything labeled for one report."""

    key: str
    source: str | None = None  # the sample file name
    sha256: str | None = None
    # record type -> True when the gold holds every record of that type in the report;
    # partial gold does not count unmatched predictions as spurious.
    complete: dict[str, bool] = Field(default_factory=dict)
    # record type -> inclusive source line ranges labelled completely (whole narrative
    # sections): an unmatched prediction there is spurious even when the type is partial.
    complete_sections: dict[str, list[tuple[int, int]]] = Field(default_factory=dict)
    # record type -> line ranges of the records tuned on before the splits (always dev).
    tuned: dict[str, list[tuple[int, int]]] = Field(default_factory=dict)
    # the report's identity as printed: department, year, kind (budget | final_account)
    identity: dict[str, str | int] = Field(default_factory=dict)
    forms: list[PerformanceForm] = Field(default_factory=list)
    statements: list[GoldStatement] = Field(default_factory=list)
    table_rows: list[GoldTableRow] = Field(default_factory=list)

    @property
    def lines_comparable(self) -> bool:
        """True when the gold's line numbers are the lines the extractor reads (a text
        source). A PDF's gold numbers the lines of ``pdftotext -layout``; the extractor's
        own reading of the PDF numbers them differently, so its lines align nothing."""
        return not (self.source or "").lower().endswith(".pdf")


def gold_keys(gold_dir: Path = GOLD_DIR) -> list[str]:
    """The report keys that have gold (from ``index.json``)."""
    return sorted(_index(gold_dir))


def load_gold(report: str | Path, gold_dir: Path | None = None) -> GoldBundle:
    """The gold of one report, by key (``"001"``) or by the path of one of its gold files.

    Raises :class:`GoldError` when nothing is labeled for the report or a line does not validate.
    """
    key, directory = _resolve(report, gold_dir)
    index = _index(directory)
    files = {name: directory / f"{key}{suffix}" for name, suffix in SUFFIXES.items()}
    if key not in index and not any(path.exists() for path in files.values()):
        raise GoldError(f"no gold for report {key!r} in {directory}; labeled: {sorted(index) or 'none'}")
    entry = index.get(key, {})
    return GoldBundle(
        key=key,
        source=entry.get("source"),
        sha256=entry.get("sha256"),
        complete=entry.get("complete", {}),
        complete_sections=entry.get("complete_sections", {}),
        tuned=entry.get("tuned", {}),
        identity=entry.get("identity", {}),
        forms=_read_jsonl(files["forms"], PerformanceForm),
        statements=_read_jsonl(files["statements"], GoldStatement),
        table_rows=_read_jsonl(files["table_rows"], GoldTableRow),
    )


def _resolve(report: str | Path, gold_dir: Path | None) -> tuple[str, Path]:
    path = Path(report)
    if path.suffix == ".jsonl" or path.is_file():
        return path.name.split(".", 1)[0], path.parent
    return str(report), gold_dir or GOLD_DIR


def _index(directory: Path) -> dict[str, dict[str, Any]]:
    path = directory / "index.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise GoldError(f"{path} is not valid JSON ({error}); fix the file") from error
    return {str(k): dict(v) for k, v in data.items()}


def _read_jsonl(path: Path, model: type[T]) -> list[T]:
    if not path.exists():
        return []
    records: list[T] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as error:
            raise GoldError(f"{path}:{number} does not validate as {model.__name__}: {error}") from error
    return records
