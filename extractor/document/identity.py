"""Who published the report, for which year, and whether it is a budget or a final account."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from extractor.document.segment import find_parts, part_headings, toc_end
from extractor.document.source import Line, SourceText
from schemas import DocumentInfo, DocumentKind, ReportLevel

# "吉林省人民政府办公厅2024年度部门决算", "上海市普陀区2025年区级部门预算" (the region, the
# year, the level of government), "…社会福利院2024年单位预算" (one unit's own report).
_TITLE = re.compile(
    r"^(?P<dept>[^\s\d（(、，。:：]{2,40}?)\s*(?:[（(][^）)]{0,10}[）)])?\s*(?P<year>\d{4})?\s*年?度?\s*"
    r"(?P<gov>[省市区县州旗]级)?\s*(?P<level>部门|单位)(?P<kind>决算|预算)"
)
# The cover's own field: 预算主管部门：… (a department's report), 预算单位：… (a unit's).
_COVER_FIELD = re.compile(
    r"^(?P<label>预算主管部门|主管部门|预算单位|部门名称|单位名称|部门)\s*[:：]\s*(?P<dept>[^\s:：]{2,40})$"
)
# A title whose name part is only a region ("上海市普陀区"): the department is printed elsewhere.
_REGION_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,8}?[省市]?[\u4e00-\u9fff]{0,8}?[市区县州旗]$")
# A year alone on its line: pdfplumber puts a title's year, printed in another font on another
# baseline, on a line of its own after the title ("上海市普陀区财政局" / "年度部门决算" / "2024").
_LONE_YEAR = re.compile(r"^(20\d{2})\s*(?:年度?)?$")
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
    title = _from_title(head)
    department, year, kind = title.department, title.year, title.kind
    cover = _cover_field(head)
    if cover is not None:
        department = cover[1]
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
        level=title.level or (cover[0] if cover else None) or ("department" if kind else None),
        government_level=title.government_level,
        currency_unit=units.most_common(1)[0][0] if units else "万元",
        line_count=len(source.lines),
        char_count=len(source.text),
        parts=find_parts(source),
        warnings=[*source.warnings, *_missing_parts(source)],
    )


def _missing_parts(source: SourceText) -> list[str]:
    """Parts the contents (目录) list that the text never reaches: a truncated report.
    Only the entries after the last one the body heads count: a part the body heads
    nowhere while a later one follows (a budget's 五、部门预算表, whose tables follow
    their 编制说明 without a heading of their own) is not where a text stops."""
    end = toc_end(source)
    if not end:
        return []
    headings = part_headings(source)
    present = {h.key for h in headings if h.line > end}
    listed = [h for h in headings if h.line <= end]
    reached = max((index for index, h in enumerate(listed) if h.key in present), default=-1)
    missing = [h.title for h in listed[reached + 1 :] if h.key not in present]
    if not missing or not present:
        # a body that prints none of the listed headings cannot show by its headings
        # where it stops
        return []
    names = "、".join(dict.fromkeys(re.sub(r"\s+", " ", title) for title in missing))
    return [
        f"the contents list {names} but the text ends at line {len(source.lines)} without them: "
        "the report looks truncated; extract the full text again"
    ]


@dataclass(frozen=True)
class _Title:
    """What the report's title says (any of it may be missing)."""

    department: str | None = None
    year: int | None = None
    kind: DocumentKind | None = None
    level: ReportLevel | None = None
    government_level: str | None = None


def _from_title(head: list[Line]) -> _Title:
    """The title, from the first line it starts on: titles break over lines
    ("中共上海市普陀区委" / "社会工作部 2024 年度" / "部门决算"), so one to three lines are joined."""
    texts = [line.text.strip() for line in head]
    for start in range(len(texts)):
        for length in (1, 2, 3):
            if start + length > len(texts):
                break
            match = _TITLE.search("".join(texts[start : start + length]))
            if match and not match.group("dept").startswith(("第", "目")):
                title = _title_of(match)
                following = texts[start + length] if start + length < len(texts) else ""
                if title.year is None and (lone := _LONE_YEAR.match(following)):
                    return replace(title, year=int(lone.group(1)))
                return title
    return _Title()


def _title_of(match: re.Match[str]) -> _Title:
    department: str | None = match.group("dept")
    government = match.group("gov")
    if department and government and _REGION_ONLY.match(department):
        department = None  # "上海市普陀区2025年区级部门预算": the region, not the department
    return _Title(
        department=department,
        year=int(match.group("year")) if match.group("year") else None,
        kind="final_account" if match.group("kind") == "决算" else "budget",
        level="unit" if match.group("level") == "单位" else "department",
        government_level=government,
    )


def _cover_field(head: list[Line]) -> tuple[ReportLevel, str] | None:
    """预算主管部门：… / 预算单位：… printed on the cover: the level and the name."""
    for line in head:
        text = re.split(r"\s{2,}|\t", line.text.strip())[0]
        match = _COVER_FIELD.match(text) if ("：" in text or ":" in text) else None
        if match:
            level: ReportLevel = "unit" if match.group("label") in ("预算单位", "单位名称") else "department"
            return level, match.group("dept")
    return None


def _from_fields(source: SourceText) -> str | None:
    # A layout export prints "编制单位：…司法局      单位：元" on one line: the field ends at a wide gap.
    names = Counter(
        m.group("dept").strip()
        for line in source.lines
        if ("：" in line.text or ":" in line.text)
        and (m := _DEPT_FIELD.match(re.split(r"\s{2,}", line.text.strip())[0]))
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
