"""The hand-labeled gold checked against the source: every value's evidence text must stand
on the source lines the gold names, and every figure must be the one printed there."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pytest

from evals.gold_io import GOLD_DIR, GoldBundle, GoldError, gold_keys, load_gold
from evals.scoring import score_report
from extractor.document import SourceText
from extractor.forms.vocabulary import HIERARCHY
from extractor.numbers import numbers_in
from schemas import DocumentInfo, ExtractionResult, RunInfo, Table, TableRow
from tests.conftest import CORPUS

KEYS = ["000", "001", "002", "004"]
SHANGHAI = ["sh_czj_2025", "sh_fuliyuan_2024_unit", "sh_sfj_2026_unit"]  # PDFs in samples/shanghai/


def fold(text: str) -> str:
    """Compare texts as printed, whatever the white space and the width of characters."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def joined(source: SourceText, first: int, last: int) -> str:
    """Normalised lines first..last joined (line-flow text breaks cells and sentences)."""
    return fold("".join(source.line(n).text for n in range(first, last + 1)))


def spaced(source: SourceText, first: int, last: int) -> str:
    """Lines first..last joined by a space, so figures in neighbouring cells stay apart."""
    return " ".join(source.line(n).text for n in range(first, last + 1))


def figures(text: str) -> set[float]:
    return {abs(value) for value, _, _ in numbers_in(text)}


@pytest.fixture(scope="module")
def gold() -> dict[str, GoldBundle]:
    return {key: load_gold(key) for key in gold_keys()}


def test_gold_covers_what_was_asked(gold: dict[str, GoldBundle]) -> None:
    assert sorted(gold) == KEYS + SHANGHAI
    forms = {key: len(bundle.forms) for key, bundle in gold.items()}
    assert (forms["000"], forms["001"], forms["002"]) == (40, 50, 14)  # every form of the report
    assert all(gold[key].complete["forms"] for key in ("000", "001", "002"))
    assert all(forms[key] == 0 and gold[key].complete["forms"] for key in SHANGHAI)  # none printed
    assert forms["004"] == 0 and gold["004"].complete["forms"] is True  # 004 prints no project form
    statements = {key: len(bundle.statements) for key, bundle in gold.items()}
    assert statements["000"] + statements["001"] + statements["004"] >= 100
    assert min(statements["000"], statements["001"], statements["004"]) >= 25
    tables = {key: {row.table_id for row in bundle.table_rows} for key, bundle in gold.items()}
    assert {f"公开0{n}表" for n in range(1, 10)} <= tables["001"]
    assert {f"公开0{n}表" for n in range(1, 10)} | {"公开10表"} <= tables["004"]
    assert {f"预算表{n}" for n in (1, 2, 3, 4, 5, 6, 9)} <= tables["002"]


@pytest.mark.parametrize("key", KEYS)
def test_index_names_the_right_source(key: str, gold: dict[str, GoldBundle]) -> None:
    bundle = gold[key]
    assert bundle.source == CORPUS[key].name
    assert bundle.sha256 == hashlib.sha256(CORPUS[key].read_bytes()).hexdigest()


@pytest.mark.parametrize("key", KEYS)
def test_form_values_stand_on_their_lines(key: str, gold: dict[str, GoldBundle], corpus: dict) -> None:
    source: SourceText = corpus[key]
    for form in gold[key].forms:
        where = f"{key} form {form.project_name}"
        text = joined(source, form.line_start, form.line_end)
        assert fold(form.title) in text, where
        for value in (
            form.project_name,
            form.department,
            form.implementing_unit,
            form.goals.expected,
            form.goals.actual,
        ):
            if value:
                assert fold(value) in text, f"{where}: {value[:30]}"
        if form.total_score is not None:
            total_line = next(
                n for n in range(form.line_start, form.line_end + 1) if "总分" in source.line(n).text
            )
            assert form.total_score in figures(source.line(total_line).text), where
        for fund in form.funds:
            line = next(
                n
                for n in range(form.line_start, form.line_end + 1)
                if fold(fund.label) in fold(source.line(n).text)
            )
            printed = figures(source.line(line).text)
            for value in (
                fund.initial_budget,
                fund.full_year_budget,
                fund.executed,
                fund.execution_rate,
                fund.score,
            ):
                assert value is None or value in printed, f"{where} / {fund.label}: {value}"
        for ind in form.indicators:
            label = f"{where} / {ind.level3} @{ind.line_start}"
            assert form.line_start <= ind.line_start <= ind.line_end <= form.line_end, label
            # merged cells: level 1 and 2 are printed once per block, somewhere in the form
            assert ind.level1 in HIERARCHY and ind.level2 in HIERARCHY[ind.level1], label
            # a level may be printed without its 指标 suffix (000 prints 经济效益 for 经济效益指标)
            assert fold(ind.level1) in text, label
            assert fold(ind.level2).removesuffix("指标") in text, label
            own = joined(source, ind.line_start, ind.line_end)
            for value in (ind.level3, ind.target, ind.actual, ind.deviation_reason):
                if value:
                    assert fold(value) in own, f"{label}: {value}"
            printed = figures(spaced(source, ind.line_start, ind.line_end))
            for number in (ind.weight, ind.score):
                assert number is None or number in printed, f"{label}: {number}"


@pytest.mark.parametrize("key", ["000", "001", "004"])
def test_statement_evidence_stands_on_its_lines(key: str, gold: dict[str, GoldBundle], corpus: dict) -> None:
    source: SourceText = corpus[key]
    for st in gold[key].statements:
        first, last = st.lines
        label = f"{key} {st.paragraph_id} {st.metric} @{first}"
        text = joined(source, first, last)
        paragraph = int(st.paragraph_id.removeprefix("p"))
        assert paragraph <= first and not source.line(paragraph).blank, label
        assert fold(st.metric) in text and fold(st.evidence["metric"]) in text, label
        for quote in st.evidence.values():
            assert fold(quote) in text, f"{label}: {quote}"
        for reason in st.reasons:
            assert fold(reason) in text, f"{label}: {reason}"
        for field in (
            "amount",
            "prior_amount",
            "change_amount",
            "change_pct",
            "share_pct",
            "completion_pct",
            "budget_amount",
        ):
            value = getattr(st, field)
            if value is not None:
                assert abs(value) in figures(st.evidence[field]), f"{label}: {field}={value}"
        if st.amount is not None:
            assert "万元" in st.evidence["amount"] or "万元" in text, label
        if st.direction is not None:
            word = {"increase": ("增加", "增长"), "decrease": ("减少", "下降"), "flat": ("持平", "相同")}
            assert any(w in st.evidence["direction"] for w in word[st.direction]), label
        for signed in (st.change_amount, st.change_pct):
            if signed:
                assert st.direction == ("increase" if signed > 0 else "decrease"), label


@pytest.mark.parametrize("key", ["001", "002", "004"])
def test_table_total_rows_as_printed(key: str, gold: dict[str, GoldBundle], corpus: dict) -> None:
    source: SourceText = corpus[key]
    for row in gold[key].table_rows:
        label = f"{key} {row.table_id}/{row.name}@{row.line}"
        line = source.line(row.line)
        cells = [c.strip() for c in line.cells]
        if row.name:
            assert any(fold(c) == fold(row.name) for c in cells), label
        header_text = joined(source, max(1, row.line - 40), row.line - 1)
        for key_path, cell in row.cells.items():
            for part in key_path.split("/"):
                assert fold(part) in header_text, f"{label}: header {part}"
            if cell.value is None:
                assert cell.text == "", label
            else:
                assert cell.text in cells, f"{label}: {key_path}={cell.text}"
                assert cell.value == float(cell.text.replace(",", "")), label


def test_gold_scores_perfectly_against_itself(gold: dict[str, GoldBundle]) -> None:
    for key, bundle in gold.items():
        tables: dict[str, Table] = {}
        for row in bundle.table_rows:
            table = tables.setdefault(row.table_id, Table(id=row.table_id, title=row.table_id, unit=row.unit))
            table.rows.append(TableRow(**row.model_dump(exclude={"table_id", "unit"})))
        extraction = ExtractionResult(
            document=DocumentInfo(
                source_name=bundle.source or key,
                sha256=bundle.sha256 or "0" * 64,
                encoding="utf-8",
                **bundle.identity,
            ),
            run=RunInfo(extractor_version="gold"),
            performance_forms=bundle.forms,
            narrative_statements=bundle.statements,
            tables=list(tables.values()),
        )
        report = score_report(bundle, extraction)
        assert report.micro.f1 == 1.0 and report.micro.wrong == 0, (key, report.types.keys())
        assert not [d for t in report.types.values() for d in t.diffs], key
        for score in report.types.values():
            assert all(c.missed == 0 for c in score.records.values()), key


def test_load_gold_by_path_and_bad_lines(tmp_path: Path) -> None:
    by_path = load_gold(GOLD_DIR / "001.forms.jsonl")
    assert by_path.key == "001" and len(by_path.forms) == len(load_gold("001").forms)
    with pytest.raises(GoldError, match="no gold"):
        load_gold("999")
    bad = tmp_path / "x.statements.jsonl"
    bad.write_text(json.dumps({"metric": "本年支出合计"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"x.statements.jsonl:1"):
        load_gold(bad)
