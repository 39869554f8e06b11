"""The language-model path: an openai + instructor client with retries,
limits and usage counting, versioned prompts, a SQLite response cache, and
the narrative reader that grounds every answer against the source.

Entry point: :func:`extractor.llm.narrative.read_narrative`.
"""
