"""Running one configuration of the extractor against the gold, and storing it.

Every report with gold (``evals/gold/index.json``) is loaded from the bundled
samples, found by the file name the gold records and checked by its sha256
(so a renamed or edited sample is refused, not silently scored), extracted with
the configuration's settings, scored per report and per gold item, and the
whole run is stored with its predictions (:mod:`evals.runs`).
"""

from __future__ import annotations

import hashlib
import statistics
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from evals.gold_io import GOLD_DIR, SUFFIXES, GoldBundle, GoldError, gold_keys, load_gold
from evals.items import ItemScore, item_scores
from evals.leaderboard import split_scores
from evals.results import FieldCounts, ScoreReport
from evals.runs import ReportRun, RunConfig, RunRecord, RunStore
from evals.scoring import merge_reports, score_report
from evals.splits import SPLITS
from extractor import __version__
from extractor.backends import Backend as ReportBackend
from extractor.document import load_report
from extractor.errors import ConfigError, InputError
from extractor.llm.metering import sum_usage
from extractor.pipeline import extract
from extractor.run_identity import run_identity
from extractor.runs import for_each_report
from extractor.settings import Backend, Overrides, Settings, apply_overrides
from schemas import DocumentInfo, ExtractionResult, Failure, NarrativeStatement, RunInfo, Table, TableRow

# The bundled corpus, next to the evals package in the source tree.
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"


class EvalOptions(BaseModel):
    """One configuration to evaluate."""

    backend: Backend = "rules"
    model: str | None = None  # overrides EXTRACTOR_LLM_MODEL
    prompts: dict[str, str] = Field(default_factory=dict)  # prompt name -> version: narrative -> v2
    repeat: int | None = None  # the LLM cache key's repeat index; None keeps the settings'
    reports: list[str] | None = None  # gold keys; None: all
    samples: list[Path] = Field(default_factory=list)  # extra folders to look for the sources in
    label: str | None = None
    gold_dir: Path = GOLD_DIR


def parse_prompts(pairs: Sequence[str]) -> dict[str, str]:
    """``["narrative=v2"]`` -> ``{"narrative": "v2"}``; ConfigError on a malformed pair."""
    prompts: dict[str, str] = {}
    for pair in pairs:
        name, sep, version = pair.partition("=")
        if not sep or not name.strip() or not version.strip():
            raise ConfigError(f"--prompt {pair!r}: write NAME=VERSION, e.g. narrative=v2")
        prompts[name.strip()] = version.strip()
    return prompts


def settings_for(options: EvalOptions, base: Settings) -> Settings:
    """``base`` with the backend, model, prompt versions and repeat index of ``options``."""
    overrides = Overrides(
        backend=options.backend, model=options.model or None, prompts=options.prompts, repeat=options.repeat
    )
    return apply_overrides(base, overrides)


def load_bundles(options: EvalOptions) -> list[GoldBundle]:
    """The gold of the selected reports (all by default)."""
    keys = gold_keys(options.gold_dir)
    chosen = sorted(set(options.reports)) if options.reports else keys
    unknown = [key for key in chosen if key not in keys]
    if unknown:
        raise GoldError(f"no gold for {', '.join(unknown)}; labeled reports: {', '.join(keys)}")
    return [load_gold(key, options.gold_dir) for key in chosen]


def gold_digest(bundles: Sequence[GoldBundle], gold_dir: Path = GOLD_DIR) -> str:
    """sha256 over the index and the gold files of ``bundles``: changes when any label does."""
    digest = hashlib.sha256()
    for path in [gold_dir / "index.json"] + [
        gold_dir / f"{bundle.key}{suffix}" for bundle in bundles for suffix in SUFFIXES.values()
    ]:
        if path.exists():
            digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_source(bundle: GoldBundle, search: Sequence[Path] = ()) -> Path:
    """The sample file the gold of ``bundle`` describes: by recorded name, else by
    sha256 among the ``*.txt``/``*.md`` files of the folders searched."""
    folders = [*search, SAMPLES_DIR, Path.cwd() / "samples"]
    if bundle.source:
        for folder in folders:
            path = folder / bundle.source
            if path.is_file() and (bundle.sha256 is None or _sha256(path) == bundle.sha256):
                return path
    if bundle.sha256:
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.suffix in {".txt", ".md"} and path.is_file() and _sha256(path) == bundle.sha256:
                    return path
    raise GoldError(
        f"the source of gold report {bundle.key} ({bundle.source}, sha256 {str(bundle.sha256)[:12]}…) "
        f"is in none of {', '.join(str(f) for f in folders)}; pass its folder with --samples"
    )


def _config(options: EvalOptions, settings: Settings) -> RunConfig:
    identity = run_identity(settings)
    model_run = settings.backend != "rules"
    return RunConfig(
        backend=settings.backend,
        reports=[],
        extractor_version=__version__,
        identity=identity.key,
        model=settings.llm.model if model_run else None,
        prompts=settings.llm.prompt_versions() if model_run else {},
        repeat=settings.llm.repeat,
        llm={**(identity.model or {}), **(identity.options or {})},
    )


def _new_id(backend: str, created: datetime) -> str:
    return f"{created:%Y%m%d-%H%M%S}-{backend}-{uuid.uuid4().hex[:6]}"


def score_run(
    bundles: Sequence[GoldBundle], predictions: dict[str, ExtractionResult]
) -> tuple[ScoreReport, list[ScoreReport], list[ItemScore]]:
    """The merged scores, the per-report scores and the item scores of a run's predictions."""
    per_report: list[ScoreReport] = []
    items: list[ItemScore] = []
    for bundle in bundles:
        extraction = predictions.get(bundle.key)
        if extraction is None:
            raise GoldError(f"the run has no prediction for gold report {bundle.key}")
        if bundle.sha256 and extraction.document.sha256 != bundle.sha256:
            raise GoldError(
                f"gold report {bundle.key} now describes a file with sha256 {bundle.sha256[:12]}…, "
                f"the stored prediction was made from {extraction.document.sha256[:12]}…: run it again"
            )
        per_report.append(score_report(bundle, extraction))
        items.extend(item_scores(bundle, extraction))
    return merge_reports(per_report), per_report, items


def run_eval(
    options: EvalOptions, base: Settings, store: RunStore | None = None, group_id: str | None = None
) -> RunRecord:
    """Extract every selected gold report with the configuration, score it, store it."""
    settings = settings_for(options, base)
    bundles = load_bundles(options)
    created = datetime.now(UTC)
    started = time.perf_counter()
    sources = {bundle.key: find_source(bundle, options.samples) for bundle in bundles}

    def one(key: str, backend: ReportBackend) -> ExtractionResult:
        return _extract_or_empty(sources[key], settings, backend)

    # One run: with a model backend the reports' calls share one queue (extractor.runs).
    finished = dict(for_each_report(list(sources), one, settings))
    predictions = {key: finished[key] for key in sources}
    names = {key: path.name for key, path in sources.items()}
    record = record_run(options, settings, predictions, sources=names, created=created, group_id=group_id)
    record.seconds = round(time.perf_counter() - started, 3)
    if store is not None:
        store.save(record, predictions)
    return record


def _extract_or_empty(path: Path, settings: Settings, backend: ReportBackend) -> ExtractionResult:
    """The extraction of one gold report; a report that cannot be read (a scan, a damaged
    file) scores as an empty extraction with the reason as its failure, so the run
    reports the gold it could not reach instead of leaving it out."""
    try:
        return extract(load_report(path, settings), settings, backend=backend)
    except InputError as error:
        return ExtractionResult(
            document=DocumentInfo(source_name=path.name, sha256=_sha256(path), encoding="none"),
            run=RunInfo(extractor_version=__version__),
            failures=[
                Failure(stage="load", chunk_id="document", reason=str(error), error_type=type(error).__name__)
            ],
        )


def record_run(
    options: EvalOptions,
    settings: Settings,
    predictions: dict[str, ExtractionResult],
    *,
    sources: dict[str, str] | None = None,
    created: datetime | None = None,
    group_id: str | None = None,
) -> RunRecord:
    """A run record (scores per report and item, usage, prompts) of given predictions,
    keyed by gold report; also for predictions not made here (an oracle, an old export)."""
    bundles = [load_gold(key, options.gold_dir) for key in predictions]
    created = created or datetime.now(UTC)
    merged, per_report, items = score_run(bundles, predictions)
    runs = [
        ReportRun(
            report=bundle.key,
            source=(sources or {}).get(bundle.key, predictions[bundle.key].document.source_name),
            sha256=predictions[bundle.key].document.sha256,
            seconds=predictions[bundle.key].run.seconds,
            usage=predictions[bundle.key].run.usage,
            failures=[f"{f.chunk_id}: {f.reason}" for f in predictions[bundle.key].failures],
            scores=scores,
        )
        for bundle, scores in zip(bundles, per_report, strict=True)
    ]
    prompts: dict[str, str] = {}
    for extraction in predictions.values():
        prompts.update(extraction.run.prompts)
    config = _config(options, settings)
    config.reports = [bundle.key for bundle in bundles]
    return RunRecord(
        run_id=_new_id(settings.backend, created),
        created=created.isoformat(timespec="seconds"),
        label=options.label,
        group_id=group_id,
        config=config,
        model=next((e.run.model for e in predictions.values() if e.run.model), config.model),
        prompts=prompts,
        usage=sum_usage(e.run.usage for e in predictions.values()),
        seconds=round(sum(r.seconds for r in runs), 3),
        gold_digest=gold_digest(bundles, options.gold_dir),
        scores=merged,
        reports=runs,
        items=items,
    )


def oracle_predictions(bundle: GoldBundle) -> ExtractionResult:
    """The gold itself as an extraction: what a perfect extractor would output
    (scores 1.0; the baseline for checking the harness and for corrupted variants)."""
    tables: dict[str, Table] = {}
    for row in bundle.table_rows:
        table = tables.setdefault(row.table_id, Table(id=row.table_id, title=row.table_id, unit=row.unit))
        table.rows.append(TableRow(**row.model_dump(exclude={"table_id", "unit"})))
    return ExtractionResult(
        document=DocumentInfo(
            source_name=bundle.source or bundle.key,
            sha256=bundle.sha256 or "0" * 64,
            encoding="utf-8",
            **bundle.identity,  # type: ignore[arg-type]
        ),
        run=RunInfo(extractor_version="gold"),
        performance_forms=[f.model_copy(deep=True) for f in bundle.forms],
        narrative_statements=[
            NarrativeStatement(**s.model_dump(exclude={"lines"})) for s in bundle.statements
        ],
        tables=list(tables.values()),
    )


def run_repeats(
    options: EvalOptions, base: Settings, store: RunStore | None, repeats: int
) -> list[RunRecord]:
    """``repeats`` runs of one configuration, repeat index 0, 1, … (added to the
    configured one) so a model's answers are asked for again, not read from the cache."""
    if repeats < 1:
        raise ConfigError(f"--repeats must be at least 1, not {repeats}")
    first = options.repeat if options.repeat is not None else base.llm.repeat
    group_id = uuid.uuid4().hex[:12] if repeats > 1 else None
    return [
        run_eval(options.model_copy(update={"repeat": first + index}), base, store, group_id)
        for index in range(repeats)
    ]


def rescore(store: RunStore, run_id: str, gold_dir: Path = GOLD_DIR) -> RunRecord:
    """Score a stored run's predictions against the current gold and scorer, without
    extracting or calling any model; stored as a new run pointing at the old predictions."""
    old = store.get(run_id)
    predictions = store.predictions(old)
    try:
        bundles = [load_gold(key, gold_dir) for key in old.config.reports]
    except GoldError as error:
        raise GoldError(f"cannot rescore {old.run_id}: {error}") from error
    merged, per_report, items = score_run(bundles, predictions)
    by_key = dict(zip(old.config.reports, per_report, strict=True))
    created = datetime.now(UTC)
    record = old.model_copy(
        update={
            "run_id": _new_id(old.config.backend, created),
            "created": created.isoformat(timespec="seconds"),
            "group_id": None,
            "rescored_from": old.run_id,
            "predictions_run": old.predictions_run or old.run_id,
            "gold_digest": gold_digest(bundles, gold_dir),
            "scores": merged,
            "reports": [r.model_copy(update={"scores": by_key[r.report]}) for r in old.reports],
            "items": items,
        }
    )
    store.save(record)
    return record


def _rates(counts: FieldCounts) -> dict[str, float | int]:
    return {
        "precision": round(counts.precision, 6),
        "recall": round(counts.recall, 6),
        "f1": round(counts.f1, 6),
        "support": counts.support,
    }


def summary(scores: ScoreReport) -> dict[str, dict[str, float | int]]:
    """Precision, recall and F1 (micro over fields) per record type and ``overall``
    (plus the macro F1 over fields): the ``scores`` of ``eval run --json``."""
    out = {"overall": _rates(scores.micro)}
    out["overall"]["macro_f1"] = round(scores.macro.f1, 6)
    for name in sorted(scores.types):
        out[name] = _rates(scores.types[name].micro)
    return out


def spread(records: Sequence[RunRecord]) -> dict[str, dict[str, float]]:
    """Min, max, mean and standard deviation of F1 over repeats: overall and per record type."""
    series: dict[str, list[float]] = {"overall": [r.f1 for r in records]}
    for record in records:
        for name, score in record.scores.types.items():
            series.setdefault(name, []).append(score.micro.f1)
    return {
        name: {
            "min": round(min(values), 6),
            "max": round(max(values), 6),
            "mean": round(statistics.fmean(values), 6),
            "stdev": round(statistics.stdev(values), 6) if len(values) > 1 else 0.0,
            "n": len(values),
        }
        for name, values in series.items()
    }


def run_summary(records: Sequence[RunRecord]) -> dict[str, object]:
    """The JSON ``eval run --json`` prints: the (first) run id and its scores; with
    repeats also every run id and the spread."""
    first = records[0]
    out: dict[str, object] = {
        "run_id": first.run_id,
        "backend": first.config.backend,
        "model": first.model,
        "prompts": first.prompts,
        "scores": summary(first.scores),
        "reports": {r.report: summary(r.scores) for r in first.reports},
        "usage": first.usage.model_dump(),
        "seconds": first.seconds,
        "failures": sum(len(r.failures) for r in first.reports),
    }
    out["splits"] = {
        split: {name: s.model_dump() for name, s in split_scores(first.items, split).items()}
        for split in SPLITS
    }
    if len(records) > 1:
        out["run_ids"] = [r.run_id for r in records]
        out["group_id"] = first.group_id
        out["spread"] = spread(records)
    return out


__all__ = [
    "EvalOptions",
    "find_source",
    "gold_digest",
    "oracle_predictions",
    "parse_prompts",
    "record_run",
    "rescore",
    "run_eval",
    "run_repeats",
    "run_summary",
    "settings_for",
    "spread",
    "summary",
]
