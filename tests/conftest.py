"""Shared fixtures: the bundled corpus reports, loaded once per session."""

from pathlib import Path

import pytest

from extractor.document import SourceText, load_report
from extractor.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CORPUS = {
    "000": SAMPLES / "000_80cb682c1058d1ef.txt",
    "001": SAMPLES / "001_f428d76052f7ee41.txt",
    "002": SAMPLES / "002_a3ea872c53ba739f.txt",
    "004": SAMPLES / "004_b2f642792688ba7f.txt",
}


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="session")
def corpus(settings: Settings) -> dict[str, SourceText]:
    return {key: load_report(path, settings) for key, path in CORPUS.items()}
