"""Who published the report, for which year, and whether it is a budget or a final account."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from extractor.document.segment import find_parts, part_headings, toc_end
from extractor.document.source import Line, SourceText
from schemas import DocumentInfo, DocumentKind

_TITLE = re.compile(
    r"^(?P<dept>[^\s\d（(、，。:：]{2,40}?)\s*(?:[（(][^）)]{0,10}[）)])?\s*(?P<year>\d{4})?\s*年?度?\s*部门(?P<kind>决算|预算)"
)
_YEAR = re.compile(r"(20\d{2})\s*年度?\s*(?:部门)?(决算|预算)")
_DEPT_FIELD = re.compile(
    r"^(?:部门|部门名称|预算单位|单位名称|编制单位)\s*[:：]\s*(?P<dept>[^\t]+?)\s*(?:[（(](?:汇总|本级)[)）])?\s*$"
)
_ORG = re.compile(r"([\u4e00-\u9fff]{2,20}?(?:局|厅|委员会|办公室|委|院|所|中心|部|会))(?:本级)?")
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|亿元|千元)")
_HEAD_LINES = 40


def describe(source: SourceText) -> DocumentInfo:
    """Read department, year, kind and currency unit from the report's own words."""
    head = [line for line in source.lines[:_HEAD_LINES] if not line.blank]
    department, year, kind = _from_title(head)
    if department is None:
        department = _from_fields(source) or _most_named_org(source)
    if year is None or kind is None:
        fallback_year, fallback_kind = _year_and_kind(source)
        year = year or fallback_year
        kind = kind or fallback_kind
    # The literal tests first spare running the patterns on every line of the report.
    units = Counter(
        m.group(1) for line in source.lines if "单位" in line.text and (m := _UNIT.search(line.text))
    )
    return DocumentInfo(
        source_name=source.name,
        sha256=source.sha256,
        encoding=source.encoding,
        department=department,
        year=year,
        kind=kind or "unknown",
        currency_unit=units.most_common(1)[0][0] if units else "万元",
        line_count=len(source.lines),
        char_count=len(source.text),
        parts=find_parts(source),
        warnings=[*source.warnings, *_missing_parts(source)],
    )


def _missing_parts(source: SourceText) -> list[str]:
    """Parts the contents (目录) list that the text never reaches: a truncated report."""
    end = toc_end(source)
    if not end:
        return []
    headings = part_headings(source)
    present = {h.key for h in headings if h.line > end}
    missing = [h.title for h in headings if h.line <= end and h.key not in present]
    if not missing:
        return []
    listed = "、".join(dict.fromkeys(re.sub(r"\s+", " ", title) for title in missing))
    return [
        f"the contents list {listed} but the text ends at line {len(source.lines)} without them: "
        "the report looks truncated; extract the full text again"
    ]


def _from_title(head: list[Line]) -> tuple[str | None, int | None, DocumentKind | None]:
    # Titles break over lines ("延边…信息化局" / "(本级) 2024 年部门预算"): try pairs too.
    texts = [line.text.strip() for line in head]
    candidates = texts + [a + b for a, b in pairwise(texts)] + [
        a + b + c for a, b, c in zip(texts, texts[1:], texts[2:], strict=False)
    ]
    for text in candidates:
        match = _TITLE.search(text)
        if match and not match.group("dept").startswith(("第", "目")):
            kind: DocumentKind = "final_account" if match.group("kind") == "决算" else "budget"
            year = int(match.group("year")) if match.group("year") else None
            return match.group("dept"), year, kind
    return None, None, None


def _from_fields(source: SourceText) -> str | None:
    names = Counter(
        m.group("dept").strip()
        for line in source.lines
        if ("：" in line.text or ":" in line.text) and (m := _DEPT_FIELD.match(line.text.strip()))
    )
    return names.most_common(1)[0][0] if names else None


def _most_named_org(source: SourceText) -> str | None:
    names = Counter(m.group(1) for line in source.lines[:400] for m in _ORG.finditer(line.text))
    return names.most_common(1)[0][0] if names else None


def _year_and_kind(source: SourceText) -> tuple[int | None, DocumentKind | None]:
    found = Counter(m.groups() for line in source.lines if "算" in line.text for m in _YEAR.finditer(line.text))
    if not found:
        return None, None
    (year, kind), _ = found.most_common(1)[0]
    return int(year), "final_account" if kind == "决算" else "budget"
