"""Running the real console entry point in the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m extractor ARGS`` in ``cwd``; ``env`` replaces the default environment
    (this one's, with EXTRACTOR_HOME under ``cwd`` and a wide terminal)."""
    if env is None:
        env = {**os.environ, "EXTRACTOR_HOME": str(cwd / "home"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
