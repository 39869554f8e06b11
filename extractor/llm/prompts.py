"""Versioned prompt templates: ``prompts/<name>/<version>.md``.

Each file opens with a front matter block (``name``, ``version``,
``description``) and the rest is the system prompt. A result records
``version@hash`` (the first 12 hex digits of the sha256 of the rendered prompt),
so any edit to a template shows in the output even if the version id was not
bumped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import prompts as bundled_prompts
from extractor.errors import ConfigError

_FRONT = re.compile(r"\A---\s*\n(?P<head>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)
_BUNDLED = bundled_prompts.ROOT


@dataclass(frozen=True)
class PromptTemplate:
    """One version of one prompt."""

    name: str
    version: str
    description: str
    text: str  # the rendered system prompt

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def ref(self) -> str:
        """``version@hash`` as recorded in RunInfo.prompts."""
        return f"{self.version}@{self.sha256[:12]}"


def prompts_root(directory: Path | None) -> Path:
    """The configured template directory, or the templates shipped with the package."""
    return directory if directory is not None else _BUNDLED


def load_prompt(name: str, version: str, directory: Path | None = None) -> PromptTemplate:
    """Read ``<directory>/<name>/<version>.md``; raise ConfigError if absent or malformed."""
    path = prompts_root(directory) / name / f"{version}.md"
    if not path.is_file():
        available = sorted(p.stem for p in path.parent.glob("*.md")) if path.parent.is_dir() else []
        raise ConfigError(
            f"prompt {name!r} version {version!r} not found at {path}; available: {available or 'none'}"
        )
    raw = path.read_text(encoding="utf-8")
    match = _FRONT.match(raw)
    if not match:
        raise ConfigError(f"{path} has no front matter (--- name/version/description ---)")
    head = _front_matter(match.group("head"))
    if head.get("version", version) != version or head.get("name", name) != name:
        raise ConfigError(f"{path} declares {head.get('name')}/{head.get('version')}, not {name}/{version}")
    return PromptTemplate(
        name=name,
        version=version,
        description=head.get("description", ""),
        text=match.group("body").strip(),
    )


def _front_matter(head: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields
