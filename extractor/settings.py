"""Settings, read from the environment (``EXTRACTOR_*``) at the edge and passed
down explicitly as one object; :func:`apply_overrides` is the one way a command,
an eval configuration or a service job changes them."""

from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractor.errors import ConfigError

Backend = Literal["rules", "llm", "hybrid"]
LLMMode = Literal["tools", "json_schema", "json", "md_json"]


def _default_home() -> Path:
    return Path(user_data_dir("extractor", appauthor=False))


class LLMSettings(BaseSettings):
    """The language-model client. Variables use the ``EXTRACTOR_LLM_`` prefix;
    base URL, key and model fall back to the openai SDK's own ``OPENAI_*``."""

    model_config = SettingsConfigDict(env_prefix="EXTRACTOR_LLM_", extra="ignore")

    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("EXTRACTOR_LLM_BASE_URL", "OPENAI_BASE_URL", "base_url")
    )
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("EXTRACTOR_LLM_API_KEY", "OPENAI_API_KEY", "api_key")
    )
    model: str | None = Field(
        default=None, validation_alias=AliasChoices("EXTRACTOR_LLM_MODEL", "OPENAI_MODEL", "model")
    )
    mode: LLMMode = Field(default="tools", description="structured-output mode; Ollama/vLLM need json")
    timeout: float = Field(default=60.0, gt=0, description="seconds per call")
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=2048, gt=0, description="completion limit per call")
    max_reasks: int = Field(default=2, ge=0, description="validation errors sent back to the model")
    max_retries: int = Field(default=4, ge=0, description="transport retries per call (429, 5xx, timeouts)")
    backoff_initial: float = Field(default=1.0, ge=0, description="first backoff, seconds")
    backoff_max: float = Field(default=30.0, ge=0, description="longest single backoff, seconds")
    retry_budget: float = Field(default=180.0, gt=0, description="total seconds one call may spend retrying")
    concurrency: int = Field(default=4, ge=1, description="calls in flight at once")
    requests_per_minute: int | None = Field(default=None, gt=0)
    tokens_per_minute: int | None = Field(default=None, gt=0)
    price_prompt_per_1k: float | None = Field(default=None, ge=0, description="cost per 1k prompt tokens")
    price_completion_per_1k: float | None = Field(default=None, ge=0)
    cache: bool = Field(default=True, description="false: never read or write the response cache")
    repeat: int = Field(default=0, ge=0, description="repeat index, so eval repeats are not cache hits")
    narrative_prompt: str = "v2"
    form_prompt: str = "v1"
    followup_prompt: str = "v1"
    project_summary_prompt: str = "v1"
    recheck: bool = Field(
        default=True,
        description="ask the model once more about a statement of its answer that fails a reconciliation check",
    )
    prompts_dir: Path | None = Field(default=None, description="prompt templates; default: bundled")
    chunk_chars: int = Field(default=1500, gt=0, description="paragraph text per call, at most")
    chunk_paragraphs: int = Field(default=3, ge=1, description="paragraphs per call, at most")
    forms: Literal["none", "troubled", "all"] = Field(
        default="all",
        description="line-flow performance forms the llm backend has the model re-read: none, "
        "those the parser left warnings on, or all (hybrid: at most the troubled ones)",
    )

    def answer_identity(self) -> dict[str, Any]:
        """What decides the model's answer to one prompt besides the prompt and the
        text: endpoint, model, structured-output mode, sampling, reasks, repeat index
        (the key, timeouts, retries, limits and prices do not)."""
        return {
            "endpoint": self.base_url,
            "model": self.model,
            "mode": self.mode,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "max_reasks": self.max_reasks,
            "repeat": self.repeat,
        }

    def prompt_versions(self) -> dict[str, str]:
        """Prompt name -> configured version (``narrative`` -> ``v2``), one per ``*_prompt`` setting."""
        return {
            name.removesuffix("_prompt"): getattr(self, name)
            for name in type(self).model_fields
            if name.endswith("_prompt")
        }


class Settings(BaseSettings):
    """Everything configurable. Environment variables use the ``EXTRACTOR_``
    prefix, e.g. ``EXTRACTOR_HOME``, ``EXTRACTOR_MAX_REPORT_MB``."""

    model_config = SettingsConfigDict(env_prefix="EXTRACTOR_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="cache, databases, uploads")
    backend: Backend = "rules"
    # From bench/bench_scaling.py: up to ~75 MiB of memory per MiB of report text, so 20 MiB
    # stays near 1.5 GiB, well under the default memory bound below.
    max_report_mb: float = Field(default=20.0, gt=0, description="largest report accepted (MiB)")
    max_pages: int = Field(default=500, ge=1, description="PDFs with more pages are refused")
    max_memory_mb: float = Field(
        default=4096.0, gt=0, description="address space one extraction process may use (MiB)"
    )
    pdf_timeout_seconds: float = Field(
        default=120.0, gt=0, description="longest the reading of one PDF may take (checked between pages)"
    )
    llm: LLMSettings = Field(default_factory=LLMSettings, description="language-model client")
    # The HTTP service (extractor.service) and `extractor batch`.
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite (WAL) at HOME/service.sqlite3"
    )
    max_upload_mb: float = Field(default=20.0, gt=0, description="largest upload the service accepts (413)")
    max_queued_jobs_per_key: int = Field(default=100, ge=1, description="queued jobs per API key (429)")
    service_workers: int = Field(
        default=2, ge=0, description="jobs run at once (a thread and a process each); 0: API only"
    )
    job_max_attempts: int = Field(default=3, ge=1, description="runs of a job interrupted by a crash")
    job_stale_seconds: float = Field(default=120.0, gt=0, description="heartbeat age that orphans a job")
    job_timeout_seconds: float = Field(default=1800.0, gt=0, description="longest a job may run")

    @property
    def max_report_bytes(self) -> int:
        return int(self.max_report_mb * 1024 * 1024)


class Overrides(BaseModel):
    """What a command line, an eval configuration or a service job may change of the
    settings read from the environment. ``None`` (or no entry) keeps the setting."""

    backend: Backend | None = None
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict)  # prompt name -> version: narrative -> v2
    repeat: int | None = Field(default=None, ge=0)


def apply_overrides(settings: Settings, overrides: Overrides) -> Settings:
    """``settings`` with ``overrides`` applied; ConfigError for a prompt name no setting has."""
    known = settings.llm.prompt_versions()
    unknown = sorted(set(overrides.prompts) - set(known))
    if unknown:
        raise ConfigError(f"unknown prompt {', '.join(map(repr, unknown))}; prompts: {', '.join(sorted(known))}")
    llm: dict[str, Any] = {f"{name}_prompt": version for name, version in overrides.prompts.items()}
    if overrides.model is not None:
        llm["model"] = overrides.model
    if overrides.repeat is not None:
        llm["repeat"] = overrides.repeat
    update: dict[str, Any] = {"llm": settings.llm.model_copy(update=llm)}
    if overrides.backend is not None:
        update["backend"] = overrides.backend
    return settings.model_copy(update=update)
