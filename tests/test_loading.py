"""Loading and normalising report text: encodings, bad input, offset maps."""

from pathlib import Path

import pytest

from extractor.document import decode_report, load_report
from extractor.document.source import normalise_line
from extractor.errors import (
    BinaryReportError,
    EmptyReportError,
    ReportNotFoundError,
    ReportTooLargeError,
)
from extractor.settings import Settings
from tests.conftest import CORPUS


def test_gbk_copy_decodes_to_the_same_text(tmp_path: Path, settings: Settings) -> None:
    original = CORPUS["001"].read_text(encoding="utf-8")
    gbk = tmp_path / "001_gbk.txt"
    gbk.write_bytes(original.encode("gbk"))
    source = load_report(gbk, settings)
    assert source.encoding == "gb18030"
    assert source.text == original
    assert source.line(113).text == load_report(CORPUS["001"], settings).line(113).text


def test_utf8_bom_is_dropped() -> None:
    source = decode_report("\ufeff部门决算\n".encode("utf-8"), "bom.txt")
    assert source.text == "部门决算\n"
    assert source.encoding == "utf-8-sig"


@pytest.mark.parametrize("data", [b"", b"   \n\n\t "])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(EmptyReportError, match="empty"):
        decode_report(data, "empty.txt")


@pytest.mark.parametrize(
    ("data", "hint"),
    [(b"%PDF-1.7\n%\xe2\xe3", "PDF"), (b"PK\x03\x04rest", "ZIP"), (b"abc\x00def" * 10, "NUL")],
)
def test_binary_input_is_refused_with_a_hint(data: bytes, hint: str) -> None:
    with pytest.raises(BinaryReportError, match=hint):
        decode_report(data, "x.bin")


def test_missing_path_and_directory(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(ReportNotFoundError, match="no such file"):
        load_report(tmp_path / "nope.txt", settings)
    with pytest.raises(ReportNotFoundError, match="not a file"):
        load_report(tmp_path, settings)


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("预算" * 400_000, encoding="utf-8")
    with pytest.raises(ReportTooLargeError, match="EXTRACTOR_MAX_REPORT_MB"):
        load_report(big, Settings(home=tmp_path, max_report_mb=1))


def test_normalisation_folds_digits_and_strips_markup_keeping_offsets() -> None:
    raw = "<p>支出</p>１２３．４５％\t**合计**"
    text, offsets, heading = normalise_line(raw)
    assert text == "支出123.45%\t合计"
    assert heading == 0
    assert raw[offsets[text.index("1")]] == "１"
    assert raw[offsets[text.index("合")]] == "合"


def test_markdown_heading_level() -> None:
    text, _, heading = normalise_line("### 三、支出决算表")
    assert (text, heading) == ("三、支出决算表", 3)


def test_spans_point_into_the_original_text(corpus) -> None:
    source = corpus["004"]
    # line 12 of 004 is "<b>第二部分 2024年部门决算表</b>\t3"
    line = source.line(12)
    assert line.text == "第二部分 2024年部门决算表\t3"
    index = line.text.index("2024")
    span = source.span(12, index, index + 4)
    assert source.original(span) == "2024"
    assert span.char_start - line.start == line.raw.index("2024")


def test_page_numbers_in_line_flow_are_flagged(corpus) -> None:
    source = corpus["000"]
    flagged = [line.number for line in source.lines if line.page_number]
    assert flagged == [420, 433, 808, 1863, 1987, 4092, 5936]
    # bare numbers that are cell fragments (317 次, 735 万元) are not page numbers
    assert not source.line(1953).page_number
    assert not source.line(2197).page_number
