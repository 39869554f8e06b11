"""Grounding statements (from rules or from a model) in their paragraph."""

from __future__ import annotations

import pytest

from extractor.document import SourceText
from extractor.narrative import Paragraph, extract_paragraphs, find_quote, ground_statement
from extractor.narrative.grounding import find_quotes
from schemas import NarrativeParagraph, NarrativeStatement, Span

TEXT = "2024年度收入总计5,307.63万元，与上年相比，收入总计增加1,257.55万元，增长31.05%。其他支出——。"


def paragraph_of(text: str, pid: str = "p1") -> Paragraph:
    span = Span(line_start=1, line_end=1, char_start=0, char_end=len(text))
    model = NarrativeParagraph(id=pid, section_path=[], text=text, span=span)
    return Paragraph(model=model, lines=[1], offsets=list(range(len(text))), line_of=[1] * len(text))


def statement(**fields: object) -> NarrativeStatement:
    fields.setdefault("metric", "收入总计")
    return NarrativeStatement(paragraph_id="p1", source="llm", **fields)  # type: ignore[arg-type]


def test_find_quote_tolerates_spaces_full_width_digits_and_thousands_separators() -> None:
    paragraph = paragraph_of(TEXT)
    start = TEXT.index("收入总计5,307.63万元")
    expected = (start, start + len("收入总计5,307.63万元"))
    assert find_quote(paragraph, "收入总计5,307.63万元") == expected
    assert find_quote(paragraph, "收入总计 5307.63 万元") == expected
    assert find_quote(paragraph, "收入总计５，３０７．６３万元") == expected
    at = TEXT.index("增长31.05%")
    assert find_quote(paragraph, "增长 31.05 ％") == (at, at + len("增长31.05%"))
    assert find_quote(paragraph, "与上年相比,收入总计") is not None  # ASCII vs full-width comma
    assert find_quote(paragraph, "收入总计5307.64万元") is None
    assert find_quote(paragraph, "") is None


def test_find_quotes_lists_every_occurrence() -> None:
    assert len(find_quotes(paragraph_of(TEXT), "收入总计")) == 2


def test_grounded_statement_gets_provenance_on_the_original_text(corpus: dict[str, SourceText]) -> None:
    source = corpus["004"]
    (paragraph,) = [p for p in extract_paragraphs(source) if p.model.id == "p430"]
    answer = statement(
        amount=5307.63,
        unit="万元",
        change_amount=-1257.55,
        change_pct=31.05,
        direction="increase",
        evidence={"amount": "收入总计5307.63万元", "change_pct": "增长31.05%"},
    )
    grounded = ground_statement(answer, paragraph)
    # change_amount has no quote, and its sign contradicts the direction
    assert grounded.grounded is False
    assert "change_amount: no quote" in (grounded.grounding_note or "")
    assert "direction increase contradicts change_amount" in (grounded.grounding_note or "")
    fixed = ground_statement(
        answer.model_copy(
            update={
                "change_amount": 1257.55,
                "evidence": {**answer.evidence, "change_amount": "收入总计增加1,257.55万元"},
            }
        ),
        paragraph,
    )
    assert fixed.grounded is True and fixed.grounding_note is None
    assert source.original(fixed.provenance["amount"]) == "收入总计5,307.63万元"
    assert fixed.provenance["amount"].line_start == 430
    assert source.original(fixed.provenance["change_pct"]) == "增长31.05%"


def test_quote_not_in_the_paragraph_is_ungrounded() -> None:
    answer = statement(amount=5307.63, unit="万元", evidence={"amount": "收入合计5,307.63万元"})
    grounded = ground_statement(answer, paragraph_of(TEXT))
    assert grounded.grounded is False
    assert grounded.grounding_note is not None and "amount: quote not found" in grounded.grounding_note
    assert "amount" not in grounded.provenance


def test_value_not_in_its_quote_is_ungrounded() -> None:
    answer = statement(amount=5307.36, unit="万元", evidence={"amount": "收入总计5,307.63万元"})
    grounded = ground_statement(answer, paragraph_of(TEXT))
    assert grounded.grounded is False
    assert "amount: 5307.36 万元 is not printed in" in (grounded.grounding_note or "")
    assert "amount" in grounded.provenance  # the quote itself was found


def test_sign_of_a_change_must_match_its_words() -> None:
    paragraph = paragraph_of("基本支出4513.66万元，比上年减少360.72万元，减少7.4%。")
    good = statement(
        change_amount=-360.72,
        change_pct=-7.4,
        evidence={"change_amount": "减少360.72万元", "change_pct": "减少7.4%"},
    )
    assert ground_statement(good, paragraph).grounded is True
    wrong = good.model_copy(update={"change_amount": 360.72})
    assert ground_statement(wrong, paragraph).grounded is False


@pytest.mark.parametrize(
    ("value", "unit", "quote", "grounded"),
    [
        (0.32, "万元", "办公费3,200元", True),  # 3,200 元 = 0.32 万元
        (0.33, "万元", "办公费3,200元", False),
        (3200.0, "元", "办公费3,200元", True),
        (3200.0, "元", "办公费0.32万元", True),  # 0.32 万元 printed to 100 元
        (0.3215, "万元", "办公费3215元", True),
        (0.32, "万元", "办公费3215元", True),  # rounded to the value's own precision
        (0.31, "万元", "办公费3215元", False),
        (3.2, "亿元", "办公费32,000万元", True),
    ],
)
def test_amount_units_are_converted(value: float, unit: str, quote: str, grounded: bool) -> None:
    paragraph = paragraph_of(f"其中：{quote}，用于日常办公。")
    answer = statement(amount=value, unit=unit, evidence={"amount": quote})
    assert ground_statement(answer, paragraph).grounded is grounded


def test_percent_needs_a_percent_sign_and_dashes_mean_zero() -> None:
    paragraph = paragraph_of(TEXT)
    no_sign = statement(change_pct=2024.0, evidence={"change_pct": "2024年度收入总计"})
    assert ground_statement(no_sign, paragraph).grounded is False
    dashes = statement(amount=0.0, unit="万元", evidence={"amount": "其他支出——"})
    assert ground_statement(dashes, paragraph).grounded is True


def test_reasons_must_be_in_the_paragraph() -> None:
    paragraph = paragraph_of("项目支出5587.49万元，主要是压减一般性支出预算。")
    ok = statement(
        amount=5587.49,
        unit="万元",
        reasons=["压减一般性支出预算"],
        evidence={"amount": "项目支出5587.49万元"},
    )
    assert ground_statement(ok, paragraph).grounded is True
    invented = ok.model_copy(update={"reasons": ["人员经费增加"]})
    result = ground_statement(invented, paragraph)
    assert result.grounded is False and "reasons[0]" in (result.grounding_note or "")


def test_repeated_quote_keeps_the_occurrence_near_the_statement() -> None:
    text = "收入总计增加10万元，增长5%；支出总计增加10万元，增长5%。"
    paragraph = paragraph_of(text)
    answer = statement(
        metric="支出总计", change_pct=5.0, evidence={"metric": "支出总计", "change_pct": "增长5%"}
    )
    grounded = ground_statement(answer, paragraph)
    assert grounded.grounded is True
    assert grounded.provenance["change_pct"].char_start == text.rindex("增长5%")
