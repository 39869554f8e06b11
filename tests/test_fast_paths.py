"""The shortcuts taken for speed give what the long way gives.

Normalisation skips folding and markup removal on lines that need neither;
form scoring asks :func:`is_target` instead of building a ParsedTarget; the
statement reader splits clauses with a pattern instead of a character loop;
grounding folds whole strings. Each case here holds a value worked out by hand.
"""

from __future__ import annotations

import dataclasses

import pytest

from extractor.document.source import Line, SourceText, normalise_line
from extractor.forms.targets import is_target, parse_target
from extractor.narrative.grounding import _canonical, _canonical_text
from extractor.narrative.statements import _clauses, _split


def test_plain_line_keeps_identity_offsets() -> None:
    assert normalise_line("收入 1,234.56 万元") == ("收入 1,234.56 万元", tuple(range(14)), 0)


def test_full_width_figures_fold_on_the_fast_path() -> None:
    # １２．５％ is five characters; each folds to one ASCII character at the same place.
    assert normalise_line("增长１２．５％") == ("增长12.5%", tuple(range(7)), 0)


def test_markup_and_heading_are_dropped_with_their_offsets() -> None:
    text, offsets, heading = normalise_line("## **支出**<br/>１０")
    assert (text, heading) == ("支出10", 2)
    # "## " is 0-2, "**" 3-4, 支出 5-6, "**" 7-8, "<br/>" 9-13, １０ 14-15
    assert offsets == (5, 6, 14, 15)


def test_blank_is_set_at_construction_and_on_replace() -> None:
    line = Line(3, "  ", "  ", 10, (0, 1))
    assert line.blank
    page = Line(4, "12", "12", 13, (0, 1), page_number=True)
    assert page.blank
    assert not dataclasses.replace(line, text="支出").blank
    assert line == Line(3, "  ", "  ", 10, (0, 1))


def test_page_number_lines_are_blank_in_a_source() -> None:
    source = SourceText.from_text("x", "说明\n3\n第二部分 决算表\n", "0" * 64, "utf-8")
    assert [line.blank for line in source.lines] == [False, True, False, True]


@pytest.mark.parametrize(
    ("text", "reads"),
    [("≥90%", True), ("不低于95%", True), ("平稳", False), ("24年12月31日前", False), ("=0.30.3", True)],
)
def test_is_target_agrees_with_parse_target(text: str, reads: bool) -> None:
    assert is_target(text) is reads
    assert (parse_target(text) is not None) is reads


def test_parse_target_returns_a_fresh_model_each_time() -> None:
    first, second = parse_target("≥90%"), parse_target("≥90%")
    assert first == second and first is not second
    assert (first.comparator, first.number, first.unit) == (">=", 90.0, "%")


def test_clauses_keep_thousands_separators() -> None:
    text = "支出1,234.56万元，比上年增加12万元,增长1%"
    assert [text[s:e] for s, e in _clauses(text, 0, len(text))] == ["支出1,234.56万元", "比上年增加12万元", "增长1%"]


def test_split_drops_empty_pieces() -> None:
    text = "甲。。乙！丙"
    assert [text[s:e] for s, e in _split(text, 0, len(text), "。！？!?")] == ["甲", "乙", "丙"]


def test_canonical_maps_back_to_original_characters() -> None:
    text, origin = _canonical("收入 1,234．5 万元")
    assert text == "收入1234.5万元"
    # the space (2), the comma (4) and the space before 万 (10) are dropped
    assert origin == (0, 1, 3, 5, 6, 7, 8, 9, 11, 12)
    assert _canonical_text("收入 1,234．5 万元") == text
