"""Scores per split with bootstrap intervals, and the leaderboard of stored runs.

A run's score on a split is the micro F1 over the fields of that split's items
(``ItemScore.split``, rule in :mod:`evals.splits`); its 95% interval comes from
resampling those items with replacement (the item is the unit, as in
:mod:`evals.compare`). The leaderboard has one entry per run and split, with the
configuration (backend, model, prompt versions), the cost (tokens, cost, calls,
wall time) and the date, sorted by a chosen metric within each split.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from evals.compare import RESAMPLES, SEED, micro_f1
from evals.items import ItemScore
from evals.results import FieldCounts
from evals.runs import RunRecord
from evals.splits import SPLITS
from extractor.errors import ConfigError

OVERALL = "overall"
ALL_SPLITS = "all"
COST_METRICS = ("cost", "tokens", "calls", "seconds")
_COLUMNS = ("correct", "wrong", "missed", "spurious")


class Interval(BaseModel):
    """A micro F1 with its bootstrap 95% interval over items; ``support`` = outcomes counted."""

    f1: float
    low: float
    high: float
    support: int
    items: int


class LeaderboardEntry(BaseModel):
    """One run on one split."""

    run_id: str
    label: str | None = None
    created: str
    backend: str
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict)
    split: str
    scores: dict[str, Interval] = Field(default_factory=dict)  # "overall" and each record type
    tokens: int = 0
    cost: float | None = None
    calls: int = 0
    seconds: float = 0.0
    reports: list[str] = Field(default_factory=list)  # the gold reports the run covered


def _counts(item: ItemScore) -> list[float]:
    total: FieldCounts = item.total
    return [float(getattr(total, column)) for column in _COLUMNS]


def interval(items: Sequence[ItemScore], resamples: int = RESAMPLES, seed: int = SEED) -> Interval:
    """Micro F1 of ``items`` and its percentile bootstrap 95% interval (items resampled)."""
    counts = np.array([_counts(item) for item in items], dtype=float).reshape(-1, len(_COLUMNS))
    counts = counts[counts.sum(axis=1) > 0]  # items that say nothing do not enter a resample
    point = float(micro_f1(counts.sum(axis=0)))
    n = len(counts)
    if n == 0:
        return Interval(f1=0.0, low=0.0, high=0.0, support=0, items=0)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(resamples, n))
    weights = np.zeros((resamples, n))
    np.add.at(weights, (np.arange(resamples)[:, None], draws), 1.0)
    low, high = (float(v) for v in np.percentile(micro_f1(weights @ counts), [2.5, 97.5]))
    return Interval(f1=point, low=low, high=high, support=int(counts.sum()), items=n)


def split_items(items: Sequence[ItemScore], split: str) -> list[ItemScore]:
    """The items of one split (``all``: every item)."""
    return [item for item in items if split == ALL_SPLITS or item.split == split]


def split_scores(
    items: Sequence[ItemScore], split: str, resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, Interval]:
    """Overall and per record type F1 with intervals, on one split."""
    chosen = split_items(items, split)
    scores = {OVERALL: interval(chosen, resamples, seed)}
    for record_type in sorted({item.record_type for item in chosen}):
        scores[record_type] = interval([i for i in chosen if i.record_type == record_type], resamples, seed)
    return scores


def entry(run: RunRecord, split: str, resamples: int = RESAMPLES, seed: int = SEED) -> LeaderboardEntry:
    """One run on one split."""
    return LeaderboardEntry(
        run_id=run.run_id,
        label=run.label,
        created=run.created,
        backend=run.config.backend,
        model=run.model,
        prompts=run.prompts,  # as the extraction recorded them: none for the rules backend
        split=split,
        scores=split_scores(run.items, split, resamples, seed),
        tokens=run.usage.prompt_tokens + run.usage.completion_tokens,
        cost=run.usage.cost,
        calls=run.usage.calls,
        seconds=run.seconds,
        reports=run.config.reports,
    )


def _sort_value(item: LeaderboardEntry, metric: str) -> float:
    if metric in COST_METRICS:
        value = getattr(item, metric)
        return float(value) if value is not None else float("inf")
    if metric == "date":
        return 0.0
    score = item.scores.get(metric)
    return -(score.f1 if score else -1.0)  # best first; a run without the type last


def leaderboard(
    runs: Sequence[RunRecord],
    splits: Sequence[str] = SPLITS,
    sort: str = OVERALL,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> list[LeaderboardEntry]:
    """Every run on every split asked for, sorted by ``sort`` within each split (F1 of
    ``overall`` or a record type: best first; cost, tokens, calls, seconds: cheapest first;
    date: newest first)."""
    unknown = [s for s in splits if s not in (*SPLITS, ALL_SPLITS)]
    if unknown:
        raise ConfigError(f"unknown split {', '.join(unknown)}; splits: dev, test, all")
    types = {name for run in runs for item in run.items for name in (item.record_type,)}
    known = {OVERALL, "date", *COST_METRICS, *types}
    if sort not in known:
        raise ConfigError(f"cannot sort by {sort!r}; choose one of {', '.join(sorted(known))}")
    entries: list[LeaderboardEntry] = []
    for split in splits:
        block = [entry(run, split, resamples, seed) for run in runs]
        if sort == "date":
            block.sort(key=lambda e: e.created, reverse=True)
        else:
            block.sort(key=lambda e: (_sort_value(e, sort), e.created))
        entries += block
    return entries


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _money(cost: float | None) -> str:
    return "cost -" if cost is None else f"cost {cost:.4f}"


def render(entries: Sequence[LeaderboardEntry], width: int = 80) -> str:
    """The leaderboard as plain text no wider than ``width``: a block per entry, one line per
    record type (F1 and its 95% interval) beside the run's configuration and cost."""
    lines: list[str] = []
    split = None
    rank = 0
    for item in entries:
        if item.split != split:
            split, rank = item.split, 0
            if lines:
                lines.append("")
            lines.append(_fit(f"split {split}: F1 [95% interval over items], support", width))
        rank += 1
        prompts = " ".join(f"{k}={v.split('@')[0]}" for k, v in sorted(item.prompts.items())) or "-"
        info = [
            f"{item.backend} · {item.model or '-'}" + (f" · {item.label}" if item.label else ""),
            *textwrap.wrap(f"prompts {prompts}", width=max(20, width - 44), subsequent_indent="  "),
            item.run_id,
            f"{item.created[:16].replace('T', ' ')} · {item.seconds:.1f} s · {len(item.reports)} reports",
            f"{item.calls} calls · {item.tokens} tok · {_money(item.cost)}",
        ]
        scores = list(item.scores.items())
        for index in range(max(len(scores), len(info))):
            head = f"{rank:>3} " if index == 0 else "    "
            if index < len(scores):
                name, s = scores[index]
                score = f"{name[:11]:<11} {s.f1:.4f} [{s.low:.3f},{s.high:.3f}] {s.support:>5}"
            else:
                score = ""
            text = f"{head}{score:<38}  {info[index] if index < len(info) else ''}".rstrip()
            lines.append(_fit(text, width))
    return "\n".join(lines)
