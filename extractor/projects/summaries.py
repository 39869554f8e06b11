"""Per-project prose read into typed fields by patterns (the rules backend).

Two regular phrasings of the family:

- the 情况说明 summary, one per project: ``[N.][单位]项目名称(项目)(绩效)自评情况：…项目
  (绩效)自评得分(为) 87 分。项目全年预算数为 50 万元，执行数为 47.5 万元，完成预算的 95%。
  项目绩效目标完成情况：…满意度达 96%…``;
- the self-evaluation report's numbered paragraph: ``N. 项目名称(项目)预算指标 7 万元，实际支出
  6.992 万元，执行率 99.99%。`` followed by paragraphs ``该项目…设置分值 10 分…实际得分 9.99 分…
  该项目综合指标得分 94.99 分，绩效评价结果等级为“优”。``

Summaries the patterns do not recognise are left to the model backends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.forms.targets import parse_target
from extractor.narrative.paragraphs import Paragraph
from extractor.projects.stretch import Stretch
from schemas import ProjectSummary, SummaryIndicator

_NUM = r"\d[\d,]*(?:\.\d+)?"
_SUMMARY_START = re.compile(
    r"(?:^|(?<=[。；;]))\s*(?:\d{1,3}\s*[.、．]\s*)?(?P<name>[^。；;：:]{2,120}?)。?(?:项目)?(?:绩效)?自评情况\s*[：:]")
_EVALUATION_START = re.compile(
    rf"^\s*\d{{1,3}}\s*[.、．]\s*(?P<name>[^。；;：:]{{2,120}}?)(?:项目)?用?预算指标\s*(?P<budget>{_NUM})\s*万元")
_SCORE = re.compile(rf"(?:综合指标|自评)得分(?:为)?\s*(?P<v>{_NUM})\s*分")
_BUDGET = re.compile(rf"(?:全年预算数|预算指标|年初预算)(?:为)?\s*(?P<v>{_NUM})\s*万元")
_EXECUTED = re.compile(rf"(?:执行数|实际支出|实际执行数|完成预算的)(?:为)?\s*(?P<v>{_NUM})\s*万元")
# a rate followed by its 设置分值 is the indicator's target ("预算执行率 100%、设置分值 10 分"), not the actual
_RATE = re.compile(rf"(?:完成预算的|执行率)(?:为)?\s*(?P<v>{_NUM})\s*[%％](?![^。；;]{{0,4}}设置分值)")
_GRADE = re.compile(r"等级为?\s*[“\"]?(?P<v>[优良中差])")
# "X满意度达 96%", "满意度测评达 95%": a stated actual (a comparator before the number is a target).
_SATISFACTION = re.compile(rf"(?P<name>[\u4e00-\u9fff、]{{0,14}}满意[度率])(?:测评|调查)?(?:达到|达|为|是)?\s*"
                           rf"(?P<v>{_NUM})\s*[%％](?!\s*(?:及?以上|左右))")
# Components of a self-evaluation paragraph: "…设置分值 10 分", "…实际得分 5.3 分", "…扣 5 分".
_WEIGHT = re.compile(rf"设置分值\s*(?P<v>{_NUM})\s*分")
_COMPONENT_SCORE = re.compile(rf"(?<!综合指标)(?:实际得分|得)\s*(?P<v>{_NUM})\s*分")
_DEDUCTION = re.compile(rf"扣\s*(?P<v>{_NUM})\s*分")
_FULL_MARKS = re.compile(r"(?:其他|其余|所有)[^。]{0,6}指标[^。]{0,4}(?:得|为)满分")
# Per-project prose the patterns may miss: a project's score, or its budget with what was spent.
_IRREGULAR = re.compile(rf"项目[^。]{{0,60}}(?:得分|评分)[^。]{{0,6}}{_NUM}\s*分"
                        rf"|项目[^。]{{0,60}}预算[^。]{{0,30}}{_NUM}\s*万元[^。]{{0,40}}(?:执行|支出)[^。]{{0,10}}{_NUM}\s*万元")
_COMPONENT_WORDS = (
    ("预算执行", "执行率"), ("执行率", "执行率"), ("数量指标", "数量指标"), ("质量指标", "质量指标"),
    ("时效指标", "时效指标"), ("成本", "成本指标"), ("经济效益", "经济效益指标"), ("社会效益", "社会效益指标"),
    ("生态效益", "生态效益指标"), ("可持续", "可持续影响指标"), ("满意度", "满意度指标"),
)


def read_summaries(paragraphs: Iterable[Paragraph]) -> list[ProjectSummary]:
    """The per-project summaries and self-evaluation paragraphs of a report, in text order."""
    return [read_stretch(stretch, name, kind) for stretch, name, kind in summary_stretches(list(paragraphs))]


def irregular_paragraphs(paragraphs: Iterable[Paragraph]) -> list[Paragraph]:
    """Paragraphs that speak of a project's score or budget in words the patterns do not
    recognise (no summary starts in them, none runs on into them): work for the model."""
    listed = list(paragraphs)
    covered = {id(p) for stretch, _, _ in summary_stretches(listed) for p, _, _ in stretch.pieces}
    return [p for p in listed if id(p) not in covered and _IRREGULAR.search(p.model.text)]


def summary_stretches(paragraphs: list[Paragraph]) -> list[tuple[Stretch, str, str]]:
    """Each summary's stretch: from its start to the next start, on into the following
    paragraphs of the same section that start no summary of their own."""
    found: list[tuple[Stretch, str, str]] = []
    open_: tuple[Stretch, str, str] | None = None
    for paragraph in paragraphs:
        text = paragraph.model.text
        evaluation = _EVALUATION_START.match(text)
        starts = [] if evaluation else [m for m in _SUMMARY_START.finditer(text) if _plausible(m.group("name"))]
        if evaluation:
            open_ = (Stretch(), evaluation.group("name"), "evaluation_paragraph")
            open_[0].add(paragraph, 0, len(text))
            found.append(open_)
            continue
        if not starts:
            if open_ is not None and _continues(open_, paragraph, text):
                open_[0].add(paragraph, 0, len(text))
            else:
                open_ = None
            continue
        if open_ is not None and open_[2] == "summary" and starts[0].start() > 0 and _same_section(open_, paragraph):
            open_[0].add(paragraph, 0, starts[0].start())
        for here, following in zip(starts, [*starts[1:], None], strict=True):
            stretch = Stretch()
            stretch.add(paragraph, here.start(), following.start() if following else len(text))
            open_ = (stretch, here.group("name"), "summary")
            found.append(open_)
    return found


def _plausible(name: str) -> bool:
    """A project name, not a sentence that happens to precede 自评情况 (``组织开展``)."""
    stripped = name.strip()
    if "整体" in stripped or stripped.endswith(("部门", "单位")):
        return False  # 部门整体支出绩效自评情况: the department as a whole, not a project
    return len(stripped) >= 2 and not stripped.startswith(("组织", "根据", "本部门", "本单位", "我单位"))


def _same_section(open_: tuple[Stretch, str, str], paragraph: Paragraph) -> bool:
    first = open_[0].pieces[0][0]
    return first.model.section_path == paragraph.model.section_path


def _continues(open_: tuple[Stretch, str, str], paragraph: Paragraph, text: str) -> bool:
    if not _same_section(open_, paragraph):
        return False
    return True


def read_stretch(stretch: Stretch, name: str, kind: str) -> ProjectSummary:
    """The fields the patterns read in one summary's stretch."""
    text = stretch.text
    summary = ProjectSummary(kind="evaluation_paragraph" if kind == "evaluation_paragraph" else "summary",
                             name=name.strip(), paragraph_id=stretch.paragraph_id, text=text)
    summary.provenance["text"] = stretch.whole()
    for field_name, pattern in (("score", _SCORE), ("budget", _BUDGET), ("executed", _EXECUTED), ("rate", _RATE)):
        match = pattern.search(text)
        if match:
            setattr(summary, field_name, _number(match.group("v")))
            summary.evidence[field_name] = match.group(0)
            summary.provenance[field_name] = stretch.span(match.start("v"), match.end("v"))
    grade = _GRADE.search(text)
    if grade:
        summary.grade = grade.group("v")
        summary.evidence["grade"] = grade.group(0)
        summary.provenance["grade"] = stretch.span(grade.start("v"), grade.end("v"))
    if kind == "evaluation_paragraph":
        _read_components(stretch, summary)
    else:
        _read_satisfaction(stretch, summary)
    return summary


def _read_satisfaction(stretch: Stretch, summary: ProjectSummary) -> None:
    text = stretch.text
    for match in _SATISFACTION.finditer(text):
        before = text[max(match.start("v") - 2, 0) : match.start("v")]
        if any(sign in before for sign in "≥≤><"):
            continue
        actual = f"{match.group('v')}%"
        summary.indicators.append(SummaryIndicator(
            name=match.group("name"), actual=actual, actual_parsed=parse_target(actual),
            provenance={"actual": stretch.span(match.start("v"), match.end("v"))}))


def _read_components(stretch: Stretch, summary: ProjectSummary) -> None:
    """Weights (设置分值) and scores (实际得分 / 得 X 分) by indicator kind, deductions (扣 X 分);
    the text from the 综合指标得分 on is the total, not a component."""
    text = stretch.text
    overall = _SCORE.search(text)
    body = text[: overall.start()] if overall else text
    components: dict[str, SummaryIndicator] = {}
    repeated: set[str] = set()
    for pattern, field_name in ((_WEIGHT, "weight"), (_COMPONENT_SCORE, "score")):
        previous = 0
        for match in pattern.finditer(body):
            label = _last_label(body[previous : match.start()])
            previous = match.end()
            if label is None:
                continue
            item = components.setdefault(label, SummaryIndicator(name=label))
            if getattr(item, field_name) is not None and field_name == "weight":
                repeated.add(label)
            setattr(item, field_name, _number(match.group("v")))
            item.provenance[field_name] = stretch.span(match.start("v"), match.end("v"))
    summary.indicators = [i for label, i in components.items() if label not in repeated]
    if repeated:
        summary.evidence["components"] = "indicator kinds weighted twice: " + "、".join(sorted(repeated))
    deductions = list(_DEDUCTION.finditer(body))
    if deductions:
        summary.deduction = sum(_number(m.group("v")) for m in deductions)
        summary.evidence["deduction"] = "；".join(m.group(0) for m in deductions)
        summary.provenance["deduction"] = stretch.span(deductions[0].start("v"), deductions[-1].end("v"))
    full = _FULL_MARKS.search(body)
    if full:
        summary.evidence["full_marks"] = full.group(0)


def _last_label(segment: str) -> str | None:
    """The indicator kind named last in ``segment`` (the clause before a weight or score)."""
    best: tuple[int, str] | None = None
    for word, label in _COMPONENT_WORDS:
        at = segment.rfind(word)
        if at >= 0 and (best is None or at > best[0]):
            best = (at, label)
    return best[1] if best else None


def _number(text: str) -> float:
    return float(text.replace(",", ""))
