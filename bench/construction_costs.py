"""What building objects the short way would save, per stage of the pipeline.

``python bench/bench_extract.py --shortcuts`` prints it. The package builds its
Pydantic models with their constructors and its named tuples by calling the
class. Two shortcuts were once taken instead: calling a model's
``__pydantic_validator__.validate_python`` with a dict (no keyword-argument
wrapper), and ``tuple.__new__(cls, fields)`` (no generated ``__new__``). A
shortcut is worth its obscurity only where it saves at least 10% of its stage.

The saving is measured, not guessed: one untimed pass counts the objects each
stage builds, by class (a counting wrapper around the constructors), and for
each class the constructor and the shortcut are timed on the arguments the
pipeline really passed. Objects × saving per object, against the stage's
fastest time, is the share: an upper bound, as it counts every model a stage
builds, not only those a shortcut was once taken for. (Timing whole passes with and without the
shortcuts cannot resolve 10% on a shared machine: the same code varies more
than that from one pass to the next.)
"""

from __future__ import annotations

import collections
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel

from extractor.document import load_report
from extractor.forms.cells import Cell as FormCell
from extractor.forms.lineflow_tokens import Token
from extractor.pipeline import extract
from extractor.settings import Settings

NAMED_TUPLES: tuple[type[tuple[Any, ...]], ...] = (FormCell, Token)
_CALLS = 20_000


class Sample(NamedTuple):
    """How often a class was built in a stage, and one set of real arguments."""

    count: int
    arguments: Any


class _StageCounts(dict[str, float]):
    """The pipeline's stage totals; each lap also closes the current stage's counts."""

    def __init__(self, counter: collections.Counter[type], per_stage: dict[str, collections.Counter[type]]) -> None:
        super().__init__()
        self._counter = counter
        self._per_stage = per_stage

    def __setitem__(self, stage: str, seconds: float) -> None:
        self._per_stage.setdefault(stage, collections.Counter()).update(self._counter)
        self._counter.clear()
        super().__setitem__(stage, seconds)


@contextmanager
def _counting(counter: collections.Counter[type], arguments: dict[type, Any]) -> Iterator[None]:
    """Count every model and named tuple built, keeping the first arguments of each class."""
    model_init = BaseModel.__init__
    tuple_news = {cls: cls.__new__ for cls in NAMED_TUPLES}

    def counted_init(self: BaseModel, /, **data: Any) -> None:
        counter[type(self)] += 1
        arguments.setdefault(type(self), data)
        model_init(self, **data)

    def counted_new(original: Callable[..., Any]) -> Callable[..., Any]:
        def new(cls: type, *fields: Any) -> Any:
            counter[cls] += 1
            arguments.setdefault(cls, fields)
            return original(cls, *fields)

        return new

    BaseModel.__init__ = counted_init  # type: ignore[method-assign]
    for cls, original in tuple_news.items():
        cls.__new__ = counted_new(original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseModel.__init__ = model_init  # type: ignore[method-assign]
        for cls, original in tuple_news.items():
            cls.__new__ = original  # type: ignore[method-assign]


def construction_counts(reports: list[Path], settings: Settings) -> dict[str, dict[type, Sample]]:
    """Per stage (``load+segment``, ``tables``, ``forms``, ``narrative``, ``reconcile``),
    the objects built by class over one pass of ``reports``."""
    counter: collections.Counter[type] = collections.Counter()
    arguments: dict[type, Any] = {}
    per_stage: dict[str, collections.Counter[type]] = {}
    with _counting(counter, arguments):
        for path in reports:
            source = load_report(path, settings)
            _StageCounts(counter, per_stage)["load"] = 0.0
            extract(source, settings, _StageCounts(counter, per_stage))
    per_stage["load+segment"] = per_stage.pop("load") + per_stage.pop("segment", collections.Counter())
    return {
        stage: {cls: Sample(n, arguments[cls]) for cls, n in counts.most_common()}
        for stage, counts in per_stage.items()
    }


def saving_per_object(cls: type, arguments: Any) -> float:
    """Seconds the shortcut saves per object of ``cls`` built with ``arguments``."""
    if issubclass(cls, BaseModel):
        validate = cls.__pydantic_validator__.validate_python
        plain = timeit.timeit(lambda: cls(**arguments), number=_CALLS)
        short = timeit.timeit(lambda: validate(dict(arguments)), number=_CALLS)
    else:
        plain = timeit.timeit(lambda: cls(*arguments), number=_CALLS)
        short = timeit.timeit(lambda: tuple.__new__(cls, arguments), number=_CALLS)
    return max(plain - short, 0.0) / _CALLS


def print_savings(reports: list[Path], settings: Settings, stage_seconds: dict[str, float]) -> None:
    """Per stage, the share of its fastest time the shortcuts would save, and the classes that make it."""
    counts = construction_counts(reports, settings)
    savings: dict[type, float] = {}
    print(f"\n{'shortcut saving (one pass)':32} {'objects':>8} {'ms':>6} {'share':>6}  largest")
    for stage in ("load+segment", "tables", "forms", "narrative", "reconcile"):
        built = counts.get(stage, {})
        for cls, sample in built.items():
            if cls not in savings:
                savings[cls] = saving_per_object(cls, sample.arguments)
        saved = {cls: sample.count * savings[cls] for cls, sample in built.items()}
        total = sum(saved.values())
        share = total / stage_seconds[stage] if stage_seconds.get(stage) else 0.0
        largest = ", ".join(
            f"{cls.__name__} {built[cls].count}x{savings[cls] * 1e6:.2f}us"
            for cls in sorted(saved, key=saved.__getitem__, reverse=True)[:3]
        )
        objects = sum(sample.count for sample in built.values())
        print(f"{stage:32} {objects:8d} {total * 1000:6.2f} {share:6.1%}  {largest}")
