"""Editorial rules: what a reader of the printed report sees is wrong without adding
anything up: placeholders left in, another department's name, another year, a
contents that does not match the tables, an empty table without its note, doubled
punctuation.

These rules read the report's text (``Context.source``); on an extraction alone
they find nothing. Severity as an analyst ranks them: a wrong year or a table the
contents promise is a ``warning`` (the reader is misled), doubled punctuation is
``info``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.document import Line, SourceText
from extractor.reconcile.engine import Context, Reporter, rule
from extractor.reconcile.outline import body_table_keys, contents, flow, headings
from extractor.tables.detection import FINAL_ACCOUNT_TITLES, classify, title_key
from extractor.tables.extract import is_no_data_note
from schemas import Location, Table

NO_TOLERANCE = "none: the words are compared as printed"
# XX局 / XXX / ×× / 待填写 / 某某: a template's blanks left in. Latin letters around
# the X's make a word (an acronym), not a placeholder.
_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])(?:[XＸ]{2,}|[xｘ]{2,}|[×✕╳]{2,})(?![A-Za-z0-9])|待填写|待补充|某某")
# The same mark twice: 。。 / ，， / 、、 / ；； (not …… or ——, which are printed in pairs).
_DOUBLED = re.compile(r"([。，、；：！？,;])\1+")
# 截至2024年12月31日 / 截止 2023 年 10 月 31 日
_AS_OF = re.compile(r"截[至止]\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
# A heading that names the report's year: "2025年部门预算编制说明", "…财政局2024年度部门决算表",
# "一、2026年“三公”经费预算情况说明".
_YEAR_HEADING = re.compile(r"(\d{4})\s*年度?[^，。；]{0,24}?(?:预算|决算)")
# The name a heading gives the body it is about: "上海市普陀区财政局主要职能", "第一部分 XX局概况".
_NAMED_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分)?\s*(?P<org>[^\d\s、，。:：（(]{2,30}?)\s*(?:\d{4}\s*年度?)?\s*"
    r"(?:部门|单位)?(?:主要职能|机构设置|概况|基本情况|预算编制说明|决算情况说明|情况说明)$"
)
# 编制部门：… / 编制单位：… / 预算单位：… printed above a table.
_NAME_FIELD = re.compile(
    r"^(?:编制部门|编制单位|预算单位|预算主管部门|部门名称|单位名称)\s*[:：]\s*(?P<org>[^\s:：]{2,40})"
)
_ORG_END = re.compile(r"(?:局|厅|委员会|委|办公室|办|部|院|处|中心|会|所|站|队|馆|社|校|街道|镇|乡|政府|机关)$")
# A heading's name that is not a body's name ("部门", "本单位", the report's own kind).
_GENERIC = re.compile(r"^(?:本?部门|本?单位|预算单位|部门预算|单位预算|部门决算|单位决算)$")
# What an empty table is about, and the words that say the body has none of it.
_TOPICS = ("政府性基金", "国有资本经营", "三公", "委托业务", "机关运行经费", "政府采购", "项目支出", "专户")
_NONE = re.compile(r"无|没有|未安排|不涉及|空表|(?<![\d.])0(?:\.0+)?\s*万?元")
# 决算数大于预算数 / 决算数小于年初预算数 / 决算数与预算数持平
_VERDICT = re.compile(r"决算数?(大于|小于|等于)(?:年初)?预算数?|决算数?与(?:年初)?预算数?(持平|相等|一致)")
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
# 年初预算为A万元，[全年预算为B万元，]支出决算为C万元: the verdict weighs C against B when printed.
_BUDGET_OUTTURN = re.compile(
    rf"年初预算(?:数)?为\s*{_NUMBER}\s*万?元[，,；]?\s*(?:全年预算(?:数)?为\s*{_NUMBER}\s*万?元[，,；]?\s*)?"
    rf"(?:支出)?决算(?:数)?为\s*{_NUMBER}\s*万?元"
)
_COMPLETION = re.compile(r"完成(?:年初)?预算的\s*(\d+(?:\.\d+)?)\s*%")
_VERDICT_REACH = 120
_NOTE_WINDOW = 10
_NOTE_LOOKAHEAD = 40


def _location(source: SourceText, line: Line, start: int, end: int, ref: str) -> Location:
    return Location(kind="document", ref=ref, line_start=line.number, line_end=line.number,
                    span=source.span(line.number, start, end))


def _lines(source: SourceText) -> Iterator[Line]:
    return (line for line in source.lines if not line.blank)


def _matches(source: SourceText, pattern: re.Pattern[str]) -> Iterator[tuple[Line, re.Match[str], Location]]:
    """Every match of ``pattern`` on the report's lines, with the location of the matched text."""
    for line in _lines(source):
        for match in pattern.finditer(line.text):
            yield line, match, _location(source, line, match.start(), match.end(), f"line {line.number}")


@rule("editorial.placeholder", severity="warning", reads="every line of the report's text",
      tolerance=NO_TOLERANCE)
def placeholder(ctx: Context, out: Reporter) -> None:
    """Placeholder text left in from the template: XX, XXX, ××, 待填写, 待补充, 某某."""
    if ctx.source is None:
        return
    for line, match, where in _matches(ctx.source, _PLACEHOLDER):
        out.flag(f"line {line.number}: placeholder {match.group()!r} left in: "
                 f"{line.text.strip()[:60]}", locations=[where])


def _short_forms(name: str) -> tuple[str, ...]:
    return (name, re.sub(r"[（(].*?[)）]", "", name))


def _names_the_body(printed: str, department: str) -> bool:
    """True when ``printed`` is the department's name or one of its short forms
    (the name without its region: 财政局 / 普陀区财政局 for 上海市普陀区财政局, or a
    contiguous piece of it such as 万里街道 for …万里街道办事处)."""
    printed = re.sub(r"\s+", "", printed)
    full = re.sub(r"\s+", "", department)
    if _GENERIC.match(printed):
        return True
    return any(printed in form or form in printed for form in _short_forms(full))


@rule("editorial.department_name", severity="warning",
      reads="headings naming a body (…主要职能, …概况, 第一部分 …概况) and 编制部门/编制单位 fields "
            "against document.department", tolerance="the family's short forms are accepted")
def department_name(ctx: Context, out: Reporter) -> None:
    """A heading or a table's 编制部门 names another body than the report's own."""
    source, department = ctx.source, ctx.result.document.department
    if source is None or not department:
        return
    named: list[tuple[Line, re.Match[str]]] = []
    for line in headings(source):
        match = _NAMED_HEADING.match(re.sub(r"\s+", "", line.text))
        if match and _ORG_END.search(match.group("org")):
            named.append((line, match))
    for line in _lines(source):
        if "：" in line.text or ":" in line.text:
            match = _NAME_FIELD.match(re.split(r"\s{2,}|\t", line.text.strip())[0])
            if match:
                named.append((line, match))
    for line, match in named:
        org = match.group("org")
        if _names_the_body(org, department):
            continue
        start = line.text.find(org)
        where = _location(source, line, max(start, 0), max(start, 0) + len(org), f"line {line.number}")
        out.flag(f"line {line.number}: names {org!r} where the report is {department!r}", locations=[where])


def _expected_as_of(kind: str, year: int) -> tuple[int, ...]:
    """The years a 截至 date may carry: a 决算 states its own year's end; a 预算 (made
    before its year) the year before, or an early date of its own year."""
    return (year,) if kind == "final_account" else (year - 1, year)


@rule("editorial.year", severity="warning",
      reads="years in headings and table titles that name a 预算/决算, and 截至YYYY年M月D日 dates, "
            "against document.year", tolerance=NO_TOLERANCE)
def year(ctx: Context, out: Reporter) -> None:
    """A heading, a table title or a 截至 date that carries another year than the report's
    (a 预算's 截至 date may be the year before)."""
    source, document = ctx.source, ctx.result.document
    if source is None or document.year is None or document.kind == "unknown":
        return
    for line in headings(source):
        match = _YEAR_HEADING.search(line.text)
        if match and int(match.group(1)) != document.year and not _compares(line.text, match):
            where = _location(source, line, match.start(1), match.end(1), f"line {line.number}")
            out.flag(f"line {line.number}: heading says {match.group(1)} in a {document.year} report: "
                     f"{line.text.strip()[:60]}", locations=[where], stated=float(match.group(1)),
                     expected=float(document.year))
    allowed = _expected_as_of(document.kind, document.year)
    for line, match, where in _matches(source, _AS_OF):
        if int(match.group(1)) not in allowed:
            out.flag(f"line {line.number}: {match.group()} in a {document.year} "
                     f"{'决算' if document.kind == 'final_account' else '预算'}",
                     locations=[where], stated=float(match.group(1)), expected=float(allowed[0]))


def _compares(text: str, match: re.Match[str]) -> bool:
    """True when the heading names the year to compare with (比2024年预算, 与上年对比)."""
    before = text[max(0, match.start() - 2) : match.start()]
    return any(word in before for word in ("比", "较", "与", "和"))


def _table_key(table: Table, final: bool) -> str:
    key = title_key(table.title)
    return FINAL_ACCOUNT_TITLES.get(key, key) if final else key


@rule("editorial.contents_tables", severity="warning",
      reads="the tables the 目录 lists, the table titles printed after it, the extracted tables",
      tolerance=NO_TOLERANCE)
def contents_tables(ctx: Context, out: Reporter) -> None:
    """A table the contents (目录) list that the report never prints, or a table printed
    that the contents do not list (when they list tables at all)."""
    source = ctx.source
    block = contents(source) if source is not None else None
    if source is None or block is None or not block.table_keys:
        return
    final = ctx.kind == "final_account"
    printed = body_table_keys(source)
    listed_keys = set(block.table_keys)
    for table in ctx.result.tables:
        key = _table_key(table, final)
        if table.status == "missing" and key in listed_keys and key not in printed:
            where = Location(kind="document", ref=f"目录 / {table.title}", line_start=block.first,
                             line_end=block.last)
            out.flag(f"{table.title}: listed in the contents (目录) but not printed in the report",
                     locations=[where])
        elif table.status != "missing" and key not in listed_keys:
            where = Location(kind="table", ref=table.id, line_start=table.line_start, line_end=table.line_end)
            out.flag(f"{table.title}: printed at line {table.line_start} but not listed in the contents (目录)",
                     locations=[where], severity="info")


@rule("editorial.empty_table_note", severity="warning",
      reads="tables printed without a figure and the lines around them", tolerance=NO_TOLERANCE)
def empty_table_note(ctx: Context, out: Reporter) -> None:
    """A table printed empty without the note that says why (本表无数据 / 本单位没有… / 为空表)."""
    source = ctx.source
    if source is None:
        return
    for table in ctx.result.tables:
        if table.status != "empty" or table.line_start is None:
            continue
        if _has_no_data_note(source, table) or _said_elsewhere(source, table.title):
            continue
        where = Location(kind="table", ref=table.id, line_start=table.line_start, line_end=table.line_end)
        out.flag(f"{table.id} {table.title}: printed empty without a note saying why (本表无数据)",
                 locations=[where])


@rule("editorial.empty_note_with_figures", severity="warning",
      reads="tables printing figures and the no-data note around them", tolerance=NO_TOLERANCE)
def empty_note_with_figures(ctx: Context, out: Reporter) -> None:
    """A table printing figures under a note that says it holds none (故本表为空表)."""
    source = ctx.source
    if source is None:
        return
    for table in ctx.result.tables:
        if table.status not in ("present", "partial") or table.line_start is None:
            continue
        figures = any(c.value for r in table.rows for c in r.cells.values())
        if (figures or table.status == "partial") and _has_no_data_note(source, table, above=False):
            where = Location(kind="table", ref=table.id, line_start=table.line_start, line_end=table.line_end)
            out.flag(f"{table.id} {table.title}: printed with figures under a note saying it holds none",
                     locations=[where])


def _has_no_data_note(source: SourceText, table: Table, above: bool = True) -> bool:
    """A no-data note under the table, before the next table's title (or just above it:
    the note of the table before may stand there too, so only when ``above``)."""
    start = table.line_start or 1
    before = source.lines[max(0, start - 1 - _NOTE_WINDOW) : start - 1] if above else []
    if any(is_no_data_note(line.text) for line in before):
        return True
    for line in source.lines[(table.line_end or start) : (table.line_end or start) + _NOTE_LOOKAHEAD]:
        if line.blank:
            continue
        if is_no_data_note(line.text):
            return True
        if classify(line).kind == "title":
            return False
    return False


def _said_elsewhere(source: SourceText, title: str) -> bool:
    """The report says elsewhere that it has none of what the table is about
    ("本部门无2024年政府性基金预算支出", "2024年委托业务费0万元")."""
    topics = [topic for topic in _TOPICS if topic in re.sub(r"[“”\"]", "", title)]
    if not topics:
        return False
    for line in source.lines:
        if line.blank or not any(topic in line.text for topic in topics):
            continue
        for sentence in re.split(r"[。；]", re.sub(r"[“”\"]", "", line.text)):
            if any(topic in sentence for topic in topics) and _NONE.search(sentence):
                return True
    return False


@rule("editorial.verdict_words", severity="warning",
      reads="年初预算为A万元，支出决算为B万元 / 完成年初预算的P% and the 决算数大于/小于/等于预算数 that "
            "follows them (where no narrative statement already holds both figures)",
      tolerance="½ unit of the last printed decimal of each amount")
def verdict_words(ctx: Context, out: Reporter) -> None:
    """决算数大于/小于/等于(持平)预算数 against the budget and outturn (or completion rate) printed
    just before it."""
    source = ctx.source
    if source is None or ctx.kind != "final_account":
        return
    covered = {s.provenance["amount"].line_start for s in ctx.result.narrative_statements
               if s.amount is not None and s.budget_amount is not None and "amount" in s.provenance}
    joined = flow(source)
    previous_end = 0
    for match in _VERDICT.finditer(joined.text):
        # the figures this verdict speaks of: after the previous verdict, close before this one
        start = max(previous_end, match.start() - _VERDICT_REACH)
        previous_end = match.end()
        gap = _gap_before(joined.text[start : match.start()])
        if gap is None:
            continue
        difference, half, figure_at = gap
        line, _ = joined.line_at(start + figure_at)
        if line in covered:
            continue  # narrative.budget_verdict judges this one
        word = match.group(1) or match.group(2)
        # within rounding the figures may be equal: neither 大于 nor 小于 is then wrong
        wrong = ((word == "大于" and difference < -half) or (word == "小于" and difference > half)
                 or (word not in ("大于", "小于") and abs(difference) > half))
        if wrong:
            number, column = joined.line_at(match.start())
            where = Location(kind="narrative", ref=f"line {number}", line_start=number, line_end=number,
                             span=source.span(number, column, min(len(source.line(number).text),
                                                                  column + len(match.group()))))
            out.flag(f"line {number}: the text says {match.group()} but 决算 − 预算 = {difference:+.2f}",
                     locations=[where], classification="semantic", stated=difference)


def _gap_before(window: str) -> tuple[float, float, int] | None:
    """决算 − 预算 (else completion − 100) from the last figures stated before a verdict,
    the rounding allowed, and where the figures start in ``window``."""
    pairs = list(_BUDGET_OUTTURN.finditer(window))
    rates = list(_COMPLETION.finditer(window))
    last_pair = pairs[-1] if pairs else None
    last_rate = rates[-1] if rates else None
    if last_pair:  # the amounts say more than a rate (a rate over a budget of 0 is printed 100%)
        budget_text = last_pair.group(2) or last_pair.group(1)
        outturn_text = last_pair.group(3)
        budget, outturn = float(budget_text.replace(",", "")), float(outturn_text.replace(",", ""))
        # "35 万元" beside "34.96 万元" is 35.00: the finer of the two precisions holds for both
        half = 10.0 ** -max(_decimals(budget_text), _decimals(outturn_text))
        return outturn - budget, half, last_pair.start(3)
    if last_rate:
        rate = float(last_rate.group(1))
        return rate - 100.0, 0.5 * 10.0 ** -_decimals(last_rate.group(1)), last_rate.start(1)
    return None


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


@rule("editorial.repeated_punctuation", severity="info", reads="every line of the report's text",
      tolerance=NO_TOLERANCE)
def repeated_punctuation(ctx: Context, out: Reporter) -> None:
    """The same punctuation mark printed twice (。。, ，，, 、、)."""
    if ctx.source is None:
        return
    for line, match, where in _matches(ctx.source, _DOUBLED):
        out.flag(f"line {line.number}: {match.group()!r} printed", locations=[where])

