"""A scripted model that answers from the gold itself (the eval end-to-end test, bench/eval_example.py)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.gold_io import GoldBundle, GoldStatement, gold_keys, load_gold
from extractor.document import SourceText
from extractor.llm.answers import NarrativeAnswer, from_statement
from extractor.narrative.grounding import find_quote
from extractor.narrative.paragraphs import Paragraph
from extractor.settings import LLMSettings, Settings
from schemas import NarrativeParagraph, NarrativeStatement, Span
from tests.llm_server import Reply, Request, answer_text

_SPACE = re.compile(r"\s+")


_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3})")


def _squash(text: str) -> str:
    """A cheap prefilter form (NFKC, no white space, no thousands separators); the
    match itself is the grounding step's ``find_quote``."""
    return _THOUSANDS.sub("", _SPACE.sub("", unicodedata.normalize("NFKC", text)))


@dataclass
class GoldOracle:
    """The scripted model: answers each piece with the gold statements quoted in it."""

    corpus: dict[str, SourceText]
    # With the pipeline's paragraph ids (report -> ids), a statement whose gold paragraph
    # the pipeline has is answered there only (a quote repeated in another paragraph
    # gives no second copy), and the amount of every n-th one is corrupted (+ 1).
    paragraphs: dict[str, set[str]] = field(default_factory=dict)
    corrupt_every: int = 0
    answered: dict[tuple[str, int], set[str]] = field(
        default_factory=dict
    )  # (report, index) -> paragraphs named
    corrupted: set[tuple[str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.gold: dict[str, GoldBundle] = {key: load_gold(key) for key in gold_keys()}
        self.texts = {key: _squash(source.text) for key, source in self.corpus.items()}
        self.quotes = {
            key: [[*g.evidence.values(), *g.reasons] for g in bundle.statements]
            for key, bundle in self.gold.items()
        }

    def to_corrupt(self, key: str, index: int) -> bool:
        gold = self.gold[key].statements[index]
        return (
            self.corrupt_every > 0
            and index % self.corrupt_every == self.corrupt_every - 1
            and gold.amount is not None
            and gold.paragraph_id in self.paragraphs.get(key, set())
        )

    def _report(self, text: str) -> str | None:
        """The report a piece comes from (paragraph ids repeat across reports)."""
        probe = _squash(text)[:120]
        found = [key for key, whole in self.texts.items() if probe in whole]
        return found[0] if len(found) == 1 else None

    def _answer(
        self, key: str, index: int, gold: GoldStatement, paragraph_id: str
    ) -> NarrativeStatement | None:
        if gold.paragraph_id in self.paragraphs.get(key, set()) and paragraph_id != gold.paragraph_id:
            return None
        statement = NarrativeStatement(**gold.model_dump(exclude={"lines"}))
        statement.paragraph_id = paragraph_id
        if self.to_corrupt(key, index):
            statement.amount = (gold.amount or 0.0) + 1.0
            self.corrupted.add((key, index))
        return statement

    def __call__(self, request: Request) -> Reply:
        prompt = next(m["content"] for m in request["messages"] if m["role"] == "user")
        answers = []
        for block in prompt.split("\n\n["):
            label, _, text = block.lstrip("[").partition("] ")
            key = self._report(text)
            if key is None:
                continue
            span = Span(line_start=1, line_end=1, char_start=0, char_end=len(text))
            piece = Paragraph(
                NarrativeParagraph(id=label, text=text, span=span),
                [1],
                list(range(len(text))),
                [1] * len(text),
            )
            squashed = _squash(text)
            for index, gold in enumerate(self.gold[key].statements):
                quotes = self.quotes[key][index]
                if not all(_squash(q) in squashed for q in quotes):
                    continue
                if all(find_quote(piece, quote) is not None for quote in quotes):
                    statement = self._answer(key, index, gold, label)
                    if statement is not None:
                        self.answered.setdefault((key, index), set()).add(label)
                        answers.append(from_statement(statement))
        return answer_text(NarrativeAnswer(statements=answers).model_dump_json(exclude_none=True))(request)

# The gold of text reports (the Shanghai gold is of PDFs).
TEXT_REPORTS = ["000", "001", "002", "004"]


def oracle_settings(server_url: str, home: Path, **llm: Any) -> Settings:
    """Settings of an ``llm`` run against the scripted gold-oracle server (fast retries)."""
    values: dict[str, Any] = {
        "base_url": server_url, "api_key": "test-key", "model": "gold-oracle", "mode": "tools", "timeout": 10.0,
        "max_retries": 1, "backoff_initial": 0.01, "backoff_max": 0.05, **llm,
    }
    return Settings(home=home, backend="llm", llm=LLMSettings(**values))
