"""parse_target: indicator values read as comparator, number and unit."""

import pytest

from extractor.forms.targets import parse_target

CASES = [
    (">=90%", (">=", 90.0, "%")),
    ("≥90%", (">=", 90.0, "%")),
    ("＞95%", (">", 95.0, "%")),
    (">90%", (">", 90.0, "%")),
    ("<=21.05万元", ("<=", 21.05, "万元")),
    ("≤85场次", ("<=", 85.0, "场次")),
    ("=100%", ("=", 100.0, "%")),
    ("100%", (None, 100.0, "%")),
    ("85场次", (None, 85.0, "场次")),
    ("=8.04万元", ("=", 8.04, "万元")),
    ("=134人", ("=", 134.0, "人")),
    ("<=123.414万元", ("<=", 123.414, "万元")),
    ("≥80 人 次", (">=", 80.0, "人次")),
    ("≥ 100 元/吨", (">=", 100.0, "元/吨")),
    ("＜＝3天", ("<=", 3.0, "天")),
    ("≦5个", ("<=", 5.0, "个")),
    ("1,995.86万元", (None, 1995.86, "万元")),
    ("90%以上", (">=", 90.0, "%")),
    ("不低于95%", (">=", 95.0, "%")),
    ("5万元以内", ("<=", 5.0, "万元")),
    ("12", (None, 12.0, None)),
    ("≥90％", (">=", 90.0, "%")),
    ("=2人。", ("=", 2.0, "人")),
    # a number printed twice by text extraction is read once
    ("=0.30.3", ("=", 0.3, None)),
    # 财政项目支出绩效目标填报表 (Shanghai): the unit in brackets after the number
    ("≥13459.00(平方米)", (">=", 13459.0, "平方米")),
    ("=100.00(%)", ("=", 100.0, "%")),
    ("≤5（天）", ("<=", 5.0, "天")),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_quantities(text: str, expected: tuple[str | None, float, str | None]) -> None:
    parsed = parse_target(text)
    assert parsed is not None
    assert (parsed.comparator, parsed.number, parsed.unit) == expected


@pytest.mark.parametrize(
    "text",
    [
        "平稳",
        "完成",
        "有效",
        "",
        "   ",
        "——",
        "24年12月31日前",  # a deadline, not a quantity
        "2024年底前",
        "12月底完成",
        "90%-95%",  # a range
        "≥5以下",  # contradictory comparators
        "全年召开工作会议并形成专题报告12份",  # a sentence
        "=abc",
    ],
)
def test_no_quantity(text: str) -> None:
    assert parse_target(text) is None
