"""Settings, read from the environment (``EXTRACTOR_*``) at the edge and passed
down explicitly as one object."""

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Backend = Literal["rules", "llm", "hybrid"]


def _default_home() -> Path:
    return Path(user_data_dir("extractor", appauthor=False))


class Settings(BaseSettings):
    """Everything configurable. Environment variables use the ``EXTRACTOR_``
    prefix, e.g. ``EXTRACTOR_HOME``, ``EXTRACTOR_MAX_REPORT_MB``."""

    model_config = SettingsConfigDict(env_prefix="EXTRACTOR_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="cache, databases, uploads")
    backend: Backend = "rules"
    max_report_mb: float = Field(default=50.0, gt=0, description="largest report accepted")

    @property
    def max_report_bytes(self) -> int:
        return int(self.max_report_mb * 1024 * 1024)
