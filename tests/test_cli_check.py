"""``extractor check``: findings printed by group, exit code for scripts."""

from pathlib import Path

from tests.conftest import CORPUS
from tests.helpers.cli import run_cli


def test_report_errors_fail_the_check(tmp_path: Path) -> None:
    # 001's 公开05表 prints 人员经费 figures that do not add up (true report errors).
    done = run_cli("check", str(CORPUS["001"]), cwd=tmp_path)
    assert done.returncode == 1
    assert "error · table" in done.stdout
    assert "row_sum" in done.stdout
    # 19 of the table and form families, 11 of the project rules (tests/test_reconcile_projects.py)
    assert "001_f428d76052f7ee41.txt: 30 errors" in done.stdout


def test_fail_on_never_and_a_clean_report(tmp_path: Path) -> None:
    assert run_cli("check", str(CORPUS["001"]), "--fail-on", "never", cwd=tmp_path).returncode == 0
    # 002 has warnings only (weights the text export dropped, a rounded share), no errors.
    done = run_cli("check", str(CORPUS["002"]), cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "002_a3ea872c53ba739f.txt: 0 errors" in done.stdout
    assert run_cli("check", str(CORPUS["002"]), "--fail-on", "warning", cwd=tmp_path).returncode == 1


def test_rules_are_listed(tmp_path: Path) -> None:
    done = run_cli("check", "--rules", cwd=tmp_path)
    assert done.returncode == 0
    for rule_id in ("table.total_balance", "cross_table.income_total", "narrative.change_pct", "form.total_score"):
        assert rule_id in done.stdout


def test_unreadable_report_is_a_usage_failure(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    done = run_cli("check", str(empty), cwd=tmp_path)
    assert done.returncode == 2
    assert "empty" in done.stderr


def test_group_by_project(tmp_path: Path) -> None:
    done = run_cli("check", str(CORPUS["004"]), "--group-by", "project", cwd=tmp_path)
    assert done.returncode == 1
    # 004's 美裕 project: its score-table row (line 807) against its paragraph (line 870)
    assert "美裕陶瓷有限公司企业破产职工安置费用 (1)" in done.stdout
    assert "807,870" in done.stdout
    assert "no project" in done.stdout  # table findings concern no project
