"""The layer contracts in pyproject.toml hold (import-linter), and the code is lint-clean (ruff)."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).parent / name)


def test_import_contracts_are_kept() -> None:
    done = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert f"Contracts: {len(contracts['contracts'])} kept, 0 broken" in done.stdout


def test_ruff_finds_nothing() -> None:
    done = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in conftest.py fixtures or tests/helpers/, never in a test module."""
    tests = Path(__file__).resolve().parent
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in sorted(tests.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("from tests.test_", "import tests.test_"))
    ]
    assert offenders == []
