"""Running the real console entry point in the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXTRACTOR_HOME": str(cwd / "home"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
