"""The Shanghai table gold scored against the rules backend's reading of the PDFs.

The gold numbers its rows by the lines of ``pdftotext -layout`` and names its tables as
printed (``2025年部门收入预算总表``); the extractor reads the PDF with its own line
numbers and titles. The scorer must align on what the table prints (its role, the
科目编码, the row name, the columns): before it did, recall was 0.09 over these rows.
The rows asserted by value were read on the rendered pages (``pdftoppm -r 70``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evals.gold_io import load_gold
from evals.harness import find_source
from evals.scoring import score_report
from evals.table_rows import align_table_rows
from extractor.document import load_report
from extractor.pipeline import extract
from extractor.settings import Settings
from schemas import ExtractionResult, TableRow

KEYS = ["sh_czj_2025", "sh_fuliyuan_2024_unit", "sh_sfj_2026_unit"]
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")

# Measured with the rules backend (row recall 1.0 on each; cells 1.0; code recall 66/68 on
# fuliyuan, whose misprinted `7 | 11 | 02` the reader leaves without a code): the floor
# leaves room for one or two cells, not for a scorer that loses whole tables again.
RECALL_FLOOR = 0.99


@pytest.fixture(scope="module")
def extractions(settings: Settings) -> dict[str, ExtractionResult]:
    found: dict[str, ExtractionResult] = {}
    for key in KEYS:
        path: Path = find_source(load_gold(key))
        found[key] = extract(load_report(path, settings), settings)
    return found


@pytest.mark.parametrize("key", KEYS)
def test_every_gold_row_aligns_and_scores(key: str, extractions: dict[str, ExtractionResult]) -> None:
    bundle = load_gold(key)
    assert not bundle.lines_comparable  # a PDF: the gold's lines are another tool's
    score = score_report(bundle, extractions[key]).types["table_rows"]
    rows = score.records["rows"]
    assert rows.matched == rows.gold == len(bundle.table_rows)
    assert score.fields["cells"].recall >= RECALL_FLOOR
    assert score.fields["cells"].precision >= RECALL_FLOOR
    assert score.micro.recall >= RECALL_FLOOR
    # complete gold: a predicted row without gold would count; the reader makes none (sfj's
    # `无` in the code column of its two empty tables is no row: tests/test_tables_none_marker.py)
    assert rows.spurious == 0 and rows.predicted == rows.matched
    assert score.fields["cells"].spurious == 0


def _predicted(key: str, extraction: ExtractionResult, table_id: str, name: str) -> TableRow:
    bundle = load_gold(key)
    aligned = align_table_rows(bundle.table_rows, extraction.tables, bundle.lines_comparable)
    index = next(i for i, row in enumerate(bundle.table_rows) if row.table_id == table_id and row.name == name)
    pair = aligned.pairs.get(index)
    assert pair is not None, f"{table_id}/{name} has no predicted row"
    return pair[1]


def _values(row: TableRow) -> dict[str, float | None]:
    return {key.split("/")[-1]: cell.value for key, cell in row.cells.items()}


def test_hand_checked_rows(extractions: dict[str, ExtractionResult]) -> None:
    # czj 2025 p9 部门财务收支预算总表 (元): both sides on one printed line, no code
    czj = extractions["sh_czj_2025"]
    total = _predicted("sh_czj_2025", czj, "2025年部门财务收支预算总表", "收入总计")
    assert total.side == "收入" and _values(total) == {"预算数": 31214205.80}
    health = _predicted("sh_czj_2025", czj, "2025年部门财务收支预算总表", "三、卫生健康支出")
    assert _values(health) == {"预算数": 782164.00}
    # fuliyuan 2024 p9 预算单位支出预算总表 (元, empty cells printed blank)
    fuliyuan = extractions["sh_fuliyuan_2024_unit"]
    welfare = _predicted("sh_fuliyuan_2024_unit", fuliyuan, "2024年预算单位支出预算总表", "社会福利事业单位")
    assert welfare.code == "2081005"
    assert _values(welfare) == {"合计": 9584796.0, "基本支出": 6964796.0, "项目支出": 2620000.0}
    # printed `7 | 11 | 02` (210 meant): aligned by name and columns, the code left empty
    medical = _predicted("sh_fuliyuan_2024_unit", fuliyuan, "2024年预算单位支出预算总表", "事业单位医疗")
    assert medical.code is None
    assert _values(medical) == {"合计": 503724.0, "基本支出": 503724.0, "项目支出": None}
    # sfj 2026 p11: 行政运行 prints its 款's 项目支出 64,840,547.00; read as printed
    sfj = extractions["sh_sfj_2026_unit"]
    running = _predicted("sh_sfj_2026_unit", sfj, "2026年预算单位支出预算总表", "行政运行")
    assert running.code == "2040601"
    assert _values(running) == {"合计": 14348853.34, "基本支出": 14348853.34, "项目支出": 64840547.00}


def test_a_wrong_cent_in_a_yuan_table_is_wrong(extractions: dict[str, ExtractionResult]) -> None:
    """The 元 tables are compared to the fen: a figure off by 0.34 元 does not pass."""
    bundle = load_gold("sh_sfj_2026_unit")
    extraction = extractions["sh_sfj_2026_unit"].model_copy(deep=True)
    running = _predicted("sh_sfj_2026_unit", extraction, "2026年预算单位支出预算总表", "行政运行")
    running.cells["支出预算/合计"].value = 14348853.0
    score = score_report(bundle, extraction).types["table_rows"]
    assert score.fields["cells"].wrong == 1
    assert [d.record for d in score.diffs if d.outcome == "wrong"] == [
        "2026年预算单位支出预算总表/行政运行@162/支出预算/合计"
    ]
