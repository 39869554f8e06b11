"""``extractor extract`` end to end through the real console entry point."""

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SAMPLES
from tests.helpers.cli import run_cli


def test_one_report_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "001.json"
    done = run_cli("extract", str(CORPUS["001"]), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"document", "tables", "performance_forms", "narratives"} <= set(data)
    assert data["document"]["department"] == "吉林省人民政府办公厅"
    assert len(data["performance_forms"]) == 50
    assert "001_f428d76052f7ee41.txt" in done.stderr  # the summary names the report


def test_a_folder_gives_one_output_per_report(tmp_path: Path) -> None:
    done = run_cli("extract", str(SAMPLES), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(f"{p.stem}.json" for p in CORPUS.values())


def test_stdout_without_output_option(tmp_path: Path) -> None:
    done = run_cli("extract", str(CORPUS["002"]), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["document"]["kind"] == "budget"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"%PDF-1.4\n\x00\x01binary", "PDF")],
)
def test_bad_input_fails_cleanly_without_output(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "bad.json"
    done = run_cli("extract", str(bad), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bad.json")] == []


def test_missing_path(tmp_path: Path) -> None:
    done = run_cli("extract", str(tmp_path / "nope.txt"), cwd=tmp_path)
    assert done.returncode == 1
    assert "no such file" in done.stderr


def test_gbk_report_extracts_like_utf8(tmp_path: Path) -> None:
    gbk = tmp_path / "001_gbk.txt"
    gbk.write_bytes(CORPUS["001"].read_text(encoding="utf-8").encode("gbk"))
    run_cli("extract", str(gbk), "-o", str(tmp_path / "gbk.json"), cwd=tmp_path)
    run_cli("extract", str(CORPUS["001"]), "-o", str(tmp_path / "utf8.json"), cwd=tmp_path)
    gbk_data = json.loads((tmp_path / "gbk.json").read_text(encoding="utf-8"))
    utf8_data = json.loads((tmp_path / "utf8.json").read_text(encoding="utf-8"))
    for key in ("tables", "performance_forms", "narratives"):
        assert gbk_data[key] == utf8_data[key]
    assert gbk_data["document"]["encoding"] == "gb18030"


def test_truncated_report_extracts_what_is_there(tmp_path: Path) -> None:
    text = CORPUS["001"].read_text(encoding="utf-8")
    cut = text[: text.index("五、一般公共预算财政拨款支出决算表\n\n一般公共预算财政拨款支出决算表")]
    short = tmp_path / "truncated.txt"
    short.write_text(cut, encoding="utf-8")
    out = tmp_path / "truncated.json"
    done = run_cli("extract", str(short), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    status = {t["id"]: t["status"] for t in data["tables"]}
    assert status["公开01表"] == "present"
    assert status["公开04表"] == "present"
    assert status["公开05表"] == "missing"
    assert "公开05表" in data["missing"]
    assert data["document"]["warnings"] == [
        "the contents list 第三部分 2024 年度部门决算情况说明、第四部分 名词解释 but the text ends at line "
        f"{len(cut.split(chr(10)))} without them: the report looks truncated; extract the full text again"
    ]
    assert "looks truncated" in done.stderr  # the summary goes to stderr; stdout is for JSON


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_report_cut_inside_a_character_extracts_what_is_there(tmp_path: Path, encoding: str) -> None:
    text = CORPUS["001"].read_text(encoding="utf-8")
    data = text.encode(encoding)
    body = data.index("五、一般公共预算财政拨款支出决算表\n\n一般公共预算财政拨款支出决算表".encode(encoding))
    cut = data[: body + 1]  # the first byte of 五
    short = tmp_path / "cut.txt"
    short.write_bytes(cut)
    out = tmp_path / "cut.json"
    done = run_cli("extract", str(short), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text(encoding="utf-8"))["document"]
    assert document["encoding"] == encoding
    assert document["warnings"][0] == (
        "the file ends inside a character (1 byte(s) dropped): it was cut off; "
        "what follows in the original report is missing"
    )
    assert "looks truncated" in document["warnings"][1]


def test_complete_reports_carry_no_warnings(tmp_path: Path) -> None:
    done = run_cli("extract", str(SAMPLES), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for path in sorted((tmp_path / "out").glob("*.json")):
        assert "warnings" not in json.loads(path.read_text(encoding="utf-8"))["document"], path.name
