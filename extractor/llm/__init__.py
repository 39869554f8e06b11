"""The language-model path: an openai + instructor client with retries,
limits and usage counting, versioned prompts, a SQLite response cache, the
narrative reader and the line-flow form reader, both checking every answer
against the source.

Entry points: :func:`extractor.llm.narrative.read_narrative` (one report),
:func:`extractor.llm.narrative.read_narratives` (several sharing one client),
:func:`extractor.llm.forms.aread_forms`; :class:`extractor.llm.call_queue.ModelQueue`
(one queue for every model call of a run over several reports).
"""
