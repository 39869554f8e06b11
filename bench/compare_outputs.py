"""Extract the whole corpus and compare with a baseline snapshot.

    python bench/compare_outputs.py --write out/baseline.json      # before a change
    python bench/compare_outputs.py out/baseline.json              # after: same outputs?

Every report (``samples/*.txt`` by default, or the files named with
``--report``) is extracted with each backend: ``rules``, and ``llm`` and
``hybrid`` against the scripted server (tests/llm_server.py) answering with
the deterministic reader's statements, so the model path, its follow-up
questions and the usage it records are exercised without a model. The
snapshot holds each result as JSON (``run.seconds`` left out: it is the only
field that is not a function of the input) and the kinds of model calls made.
The exit status is 1 when anything differs; the first differing paths are
printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.llm_server

from extractor.document import load_report  # noqa: E402 (after the sys.path entry)
from extractor.pipeline import extract  # noqa: E402
from extractor.settings import Backend, LLMSettings, Settings  # noqa: E402
from tests.llm_server import ScriptedLLMServer, request_kind, rules_responder  # noqa: E402

BACKENDS: tuple[Backend, ...] = ("rules", "llm", "hybrid")


def snapshot(reports: list[Path]) -> dict[str, Any]:
    """Every report's result under every backend, and the model calls made."""
    outputs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as home, ScriptedLLMServer(responder=rules_responder()) as server:
        for backend in BACKENDS:
            llm = LLMSettings(
                base_url=server.base_url, api_key="scripted", model="scripted", cache=False, concurrency=4
            )
            settings = Settings(home=Path(home), backend=backend, llm=llm)
            for path in reports:
                before = len(server.requests)
                result = extract(load_report(path, settings), settings).model_dump(mode="json")
                result["run"].pop("seconds", None)
                calls = sorted(request_kind(r) for r in list(server.requests)[before:])
                outputs[f"{backend}/{path.parent.name}/{path.name}"] = {"result": result, "calls": calls}
    return outputs


def differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Paths at which two JSON values differ (a path per differing leaf)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[str] = []
        for key in sorted(set(before) | set(after), key=str):
            if key not in before or key not in after:
                found.append(f"{path}/{key}: only {'after' if key in after else 'before'}")
            else:
                found.extend(differences(before[key], after[key], f"{path}/{key}"))
        return found
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{path}: {len(before)} items before, {len(after)} after"]
        pairs = enumerate(zip(before, after, strict=True))
        return [d for i, (b, a) in pairs for d in differences(b, a, f"{path}[{i}]")]
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", nargs="?", type=Path, help="snapshot to compare with")
    parser.add_argument("--write", type=Path, help="write the snapshot here instead of comparing")
    parser.add_argument("--report", type=Path, action="append", help="a report (default: samples/*.txt)")
    args = parser.parse_args()
    if (args.baseline is None) == (args.write is None):
        parser.error("name a baseline to compare with, or --write PATH")
    reports = args.report or sorted((ROOT / "samples").glob("*.txt"))
    current = snapshot(reports)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        temporary = args.write.with_suffix(".tmp")
        temporary.write_text(json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, args.write)
        print(f"{len(current)} results ({len(reports)} reports x {len(BACKENDS)} backends) written to {args.write}")
        return 0
    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    found = differences(baseline, current)
    for line in found[:40]:
        print(line)
    verdict = "differ" if found else "are the same"
    counted = f"{len(current)} results ({len(reports)} reports x {len(BACKENDS)} backends)"
    print(f"{counted} {verdict}: {len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
