"""Projects of the corpus: per report, projects, mentions linked and unlinked (by kind and by
link method), and the findings of each project rule.

    python bench/projects_report.py [REPORT ...]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from extractor.document import load_report
from extractor.pipeline import extract
from extractor.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    args = parser.parse_args()
    settings = Settings(home=Path("/tmp/extractor-bench"))
    rules: Counter[tuple[str, str]] = Counter()
    for path in args.reports or sorted(SAMPLES.glob("*.txt")):
        result = extract(load_report(path, settings), settings)
        index = result.projects
        linked = Counter(m.kind for p in index.projects for m in p.mentions)
        methods = Counter(link.method for p in index.projects for link in p.links if link.method != "anchor")
        unlinked = Counter(m.kind for m in index.unlinked)
        several = sum(1 for p in index.projects if len(p.mentions) > 1)
        print(f"{path.name}: {len(index.projects)} projects ({several} mentioned in more than one place); "
              f"mentions linked {sum(linked.values())} {dict(sorted(linked.items()))}; "
              f"unlinked {sum(unlinked.values())} {dict(sorted(unlinked.items()))}; links by method "
              f"{dict(sorted(methods.items()))}; summaries read {len(index.summaries)}; claims {len(index.claims)}")
        for finding in result.findings:
            if finding.family == "project":
                rules[(finding.rule_id, f"{path.name[:3]} {finding.severity}")] += 1
    print("\nfindings of the project rules (report, severity: count)")
    for rule_id in sorted({r for r, _ in rules}):
        cells = ", ".join(f"{where}: {n}" for (r, where), n in sorted(rules.items()) if r == rule_id)
        print(f"  {rule_id:34} {cells}")


if __name__ == "__main__":
    main()
