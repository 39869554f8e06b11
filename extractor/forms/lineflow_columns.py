"""Targets printed over three columns in line flow: 指标性质 | 指标值 | 度量单位.

Some target forms (Shanghai's 财政项目支出绩效目标填报表) print the comparator
(指标性质: ``≥``, ``=``, or 定性 for a qualitative indicator), the value and its unit
(度量单位 / 计量单位) in columns of their own. In line flow these are separate
tokens; folded into one token (``≥`` ``36500`` ``吨`` -> ``≥36500吨``) the row
reads like a form that prints the target in one cell, and the target parses.
"""

from __future__ import annotations

import re

from extractor.forms.lineflow_tokens import Token, is_value_start

NATURE_HEADER = "指标性质"
UNIT_HEADERS = frozenset({"度量单位", "计量单位"})
_COMPARATOR = re.compile(r"^(?:>=|<=|[≥≤=<>＞＜＝])$")
# What a 指标性质 cell holds when it is no comparator: the kind of indicator.
_NATURE_WORDS = frozenset({"定性", "定量", "正向", "反向"})
_UNIT = re.compile(r"^(?:%|％|[\u4e00-\u9fff/]{1,5}|[\u4e00-\u9fff]{1,3}/[\u4e00-\u9fff]{1,3})$")


def fold_target_columns(tokens: list[Token], headers: list[str]) -> list[Token]:
    """The indicator body's tokens with 指标性质 and 度量单位 folded into the value;
    unchanged when the header prints neither column."""
    nature = NATURE_HEADER in headers
    unit = any(word in UNIT_HEADERS for word in headers)
    if not nature and not unit:
        return tokens
    folded: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if nature and token.text in _NATURE_WORDS:
            index += 1  # the kind of indicator, neither name nor value
            continue
        if nature and _COMPARATOR.match(token.text) and after is not None and after.line == token.line:
            token = Token(token.line, token.start, after.end, token.text + after.text)
            index += 1
            after = tokens[index + 1] if index + 1 < len(tokens) else None
        same_line = after is not None and after.line == token.line
        if unit and same_line and after is not None and is_value_start(token) and _UNIT.match(after.text):
            token = Token(token.line, token.start, after.end, token.text + after.text)
            index += 1
        folded.append(token)
        index += 1
    return folded
