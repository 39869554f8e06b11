"""extractor: structured, reconciled extraction of Chinese government budget and
final-account disclosure reports (部门预算公开 / 部门决算公开)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("extractor")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
