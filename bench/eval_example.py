"""Make the example evaluation report (offline), by default in a temporary folder.

    python bench/eval_example.py [--out evals/reports/example.html] [--resamples 1000]

The tracked evals/reports/example.{html,md} are rewritten only when ``--out`` names them.

Two runs of the harness (:func:`evals.harness.run_eval`, what ``extractor eval run``
calls) over every gold report, in a fresh temporary ``EXTRACTOR_HOME``:

A. ``rules``: ``--backend rules``, the deterministic reader (the baseline);
B. ``hybrid, scripted gold-oracle model``: ``--backend hybrid --model gold-oracle``
   (narrative prompt v2, the default), the model being the scripted
   OpenAI-compatible server of tests/llm_server.py on 127.0.0.1 (real HTTP, the
   real openai client and instructor) answering with the gold-oracle responder of
   tests/test_eval_e2e.py: for every paragraph sent, the gold statements quoted in
   it. The hybrid backend sends only the paragraphs the rules leave unexplained
   or failing a check, so B - A is what hybrid can gain at most over the rules
   with a perfect model, and on which items.

Then the paired comparison (:func:`evals.compare.compare_runs`, ``extractor eval
compare A B``) and the report (:func:`evals.report.write_report`, ``extractor eval
report A B -o FILE.html``). Prints each run's P/R/F1 per record type, the
comparison's differences and flipped items, and where the report was written.
Exit status 1 if run B made no model call or recorded a chunk failure.
Run ids, timestamps and timings change from run to run; the scores do not.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # evals, tests.llm_server, tests.test_eval_e2e

from evals.compare import ALL, Comparison, compare_runs  # noqa: E402 (after the sys.path entry)
from evals.harness import EvalOptions, find_source, load_bundles, run_eval, summary  # noqa: E402
from evals.report import write_report  # noqa: E402
from evals.runs import RunRecord, RunStore  # noqa: E402
from extractor.document import load_report  # noqa: E402
from extractor.settings import LLMSettings, Settings  # noqa: E402
from tests.helpers.gold_oracle import GoldOracle  # noqa: E402
from tests.llm_server import ScriptedLLMServer  # noqa: E402

OUTPUT = ROOT / "evals" / "reports" / "example.html"
RULES_LABEL = "rules"
HYBRID_LABEL = "hybrid, scripted gold-oracle model"


def clean_environment(home: Path) -> None:
    """No EXTRACTOR_* / OPENAI_* setting of the caller's leaks into the runs."""
    for name in [n for n in os.environ if n.startswith(("EXTRACTOR_", "OPENAI_"))]:
        del os.environ[name]
    os.environ["EXTRACTOR_HOME"] = str(home)


def print_scores(run: RunRecord) -> None:
    """P/R/F1 and support per record type (and overall), as ``eval run`` prints them."""
    print(f"\n{run.label}: run {run.run_id}, backend {run.config.backend}, model {run.model or '-'}")
    usage = run.usage
    print(
        f"  {usage.calls} model calls ({usage.cached_calls} cached, {usage.failed_calls} failed), "
        f"tokens {usage.prompt_tokens}/{usage.completion_tokens}, {run.seconds:.1f} s"
    )
    print(f"  {'record type':<12}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>9}")
    for name, values in summary(run.scores).items():
        print(
            f"  {name:<12}{values['precision']:>10.4f}{values['recall']:>10.4f}"
            f"{values['f1']:>10.4f}{values['support']:>9}"
        )


def print_comparison(comparison: Comparison) -> None:
    """B - A per record type with its paired bootstrap interval, and the items that flipped."""
    print(f"\ncompare B {comparison.run_b} vs A {comparison.run_a} ({comparison.items} gold items)")
    for warning in comparison.warnings:
        print(f"  warning: {warning}")
    print(f"  {'scope':<12}{'F1 A':>8}{'F1 B':>8}{'B - A':>9}  95% interval")
    for diff in comparison.scopes:
        if diff.field == ALL and diff.items:
            print(
                f"  {diff.scope:<12}{diff.a_f1:>8.4f}{diff.b_f1:>8.4f}{diff.difference:>+9.4f}"
                f"  [{diff.low:+.4f}, {diff.high:+.4f}]"
            )
    flips = [f for f in comparison.shown_flips() if f.field == ALL]  # dev items; test ones are counted
    hidden = sum(1 for f in comparison.flips if f.field == ALL) - len(flips)
    fields = {
        f.item_id: ", ".join(g.field for g in comparison.flips if g.item_id == f.item_id and g.field != ALL)
        for f in flips
    }
    print(f"  flipped items: {len(flips)}" + (f" (+ {hidden} of the test split, not listed)" if hidden else ""))
    for flip in flips:
        print(f"    {flip.item_id}: {flip.a} -> {flip.b} ({fields[flip.item_id]})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o", "--out", "--output", dest="output", type=Path, default=None,
        help=f"the HTML file, FILE.md next to it (default: a temporary folder; {OUTPUT.relative_to(ROOT)} "
        "regenerates the tracked example)",
    )
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples of the report")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="extractor-eval-example-"))
    output = args.output or home / "example.html"
    clean_environment(home)
    base = Settings()
    store = RunStore.under(base.home)
    print(f"EXTRACTOR_HOME={home}")

    # the text reports: the scripted model answers from their text (the Shanghai gold is of PDFs)
    bundles = [b for b in load_bundles(EvalOptions()) if not str(b.source).endswith(".pdf")]
    reports = [b.key for b in bundles]
    rules = run_eval(EvalOptions(backend="rules", label=RULES_LABEL, reports=reports), base, store)

    corpus = {bundle.key: load_report(find_source(bundle), base) for bundle in bundles}
    oracle = GoldOracle(corpus)
    with ScriptedLLMServer(responder=oracle) as server:
        llm = LLMSettings(
            base_url=server.base_url,
            api_key="eval-example",
            max_retries=1,
            backoff_initial=0.01,
            backoff_max=0.05,
        )
        settings = base.model_copy(update={"llm": llm})
        options = EvalOptions(backend="hybrid", model="gold-oracle", label=HYBRID_LABEL, reports=reports)
        hybrid = run_eval(options, settings, store)
        requests = len(server.requests)

    for run in (rules, hybrid):
        print_scores(run)
    print(f"  (the scripted server answered {requests} requests)")
    comparison = compare_runs(rules, hybrid)
    print_comparison(comparison)

    html_path, md_path = write_report([rules, hybrid], output, resamples=args.resamples)
    print(f"\nwrote {html_path} and {md_path}")
    print(f"runs kept: EXTRACTOR_HOME={home} extractor eval compare {rules.run_id} {hybrid.run_id}")
    failures = [f for report in hybrid.reports for f in report.failures]
    for failure in failures:
        print(f"chunk failure: {failure}", file=sys.stderr)
    return int(hybrid.usage.calls == 0 or requests == 0 or bool(failures))


if __name__ == "__main__":
    raise SystemExit(main())
