"""Budget rules on a Shanghai budget read from its PDF (putuo_qzfb_2025_budget, page 8:
收入总计 91,016,775.35 and 支出总计 91,016,775.35, as the 收入总表 and 支出总表 合计)."""

from __future__ import annotations

from pathlib import Path

from extractor.document import decode_report, load_report
from extractor.pipeline import extract
from extractor.settings import Settings

PDF = Path(__file__).resolve().parent.parent / "samples" / "shanghai" / "putuo_qzfb_2025_budget.pdf"


def test_overview_totals_agree_and_a_changed_one_is_found(settings: Settings) -> None:
    text = load_report(PDF, settings).text
    published = extract(decode_report(text.encode("utf-8"), "b.txt"), settings).findings
    assert [f for f in published if f.rule_id == "cross_table.budget_overview_totals"] == []
    changed = text.replace("收入总计\t91,016,775.35", "收入总计\t91,016,795.35", 1)
    assert changed != text
    found = [f for f in extract(decode_report(changed.encode("utf-8"), "b.txt"), settings).findings
             if f.rule_id == "cross_table.budget_overview_totals"]
    assert [(f.stated, f.expected, f.severity, f.classification) for f in found] == [
        (91016795.35, 91016775.35, "error", "report_error")]
