"""The type checker over the package: zero errors (config: [tool.mypy] in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the files named in the config are relative to the project
    # The packages and how strict each is checked are set in pyproject.toml, so
    # `mypy` on the command line and this test check the same thing.
    report, errors, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--no-error-summary"])
    assert status == 0, report + errors
    assert report == ""
