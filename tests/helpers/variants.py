"""Rewriting a report in another spelling, for the variant tests."""

from __future__ import annotations

import re


def as_line_flow(text: str) -> str:
    """The report as a PDF line-flow export prints it: cells of a row separated by
    spaces instead of tabs, a blank line after every line."""
    return "".join(re.sub(r"\t+", " ", line).strip() + "\n\n" for line in text.split("\n"))
