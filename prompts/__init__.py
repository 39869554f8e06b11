"""Versioned prompt templates (``<name>/<version>.md``), shipped as package data
so an installed ``extractor`` finds them without the source tree."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
