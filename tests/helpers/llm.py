"""The scripted model's settings and a hand-read answer (report 001, line 1288) for the LLM tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractor.settings import LLMSettings, Settings
from tests.llm_server import ScriptedLLMServer

# Line 1288 of report 001, read by hand:
# 本年支出合计 17946.59 万元，其中：基本支出 12359.1 万元，比上年增加 430.34 万元，增长 3.6%，
# 主要是人员经费增加；项目支出 5587.49 万元，比上年减少 287.15 万元，下降 4.9%，…
BASIC = {
    "paragraph": "p1288",
    "metric": "基本支出",
    "amount": 12359.1,
    "unit": "万元",
    "change_amount": 430.34,
    "change_pct": 3.6,
    "direction": "increase",
    "reasons": ["人员经费增加"],
    "quotes": [
        {"field": "amount", "quote": "基本支出 12359.1 万元"},
        {"field": "change_amount", "quote": "比上年增加 430.34 万元"},
        {"field": "change_pct", "quote": "增长 3.6%"},
    ],
}


PROJECT = {
    "paragraph": "p1288",
    "metric": "项目支出",
    "amount": 5587.49,
    "unit": "万元",
    "change_amount": -287.15,
    "change_pct": -4.9,
    "direction": "decrease",
    "quotes": [
        {"field": "amount", "quote": "项目支出 5587.49 万元"},
        {"field": "change_amount", "quote": "比上年减少 287.15 万元"},
        {"field": "change_pct", "quote": "下降 4.9%"},
    ],
}


GOOD = {"statements": [BASIC, PROJECT]}


def make_settings(server: ScriptedLLMServer, home: Path, **overrides: Any) -> Settings:
    """Tiny timeouts and backoffs so failure paths stay fast."""
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "api_key": "test-key",
        "model": "scripted-model",
        "mode": "tools",
        "timeout": 2.0,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
        "retry_budget": 10.0,
        "max_retries": 2,
        "max_reasks": 2,
        "cache": False,
    }
    values.update(overrides)
    return Settings(home=home, llm=LLMSettings(**values))
