"""One structured question to the model, answered from the response cache when
the same question was asked before.

Narrative chunks, line-flow forms and follow-up questions all ask this way;
what each does when the call fails (split the chunk, record a failure, keep
the first answer) stays with the caller.
"""

from __future__ import annotations

from typing import TypeVar, cast

from pydantic import BaseModel

from extractor.llm.cache import CachedAnswer, ResponseCache, cache_key
from extractor.llm.client import LLMClient
from extractor.llm.metering import UsageMeter
from extractor.llm.prompts import PromptTemplate

Answer = TypeVar("Answer", bound=BaseModel)


async def ask_cached(
    client: LLMClient,
    cache: ResponseCache | None,
    meter: UsageMeter,
    template: PromptTemplate,
    answer_type: type[Answer],
    text: str,
    repeat: int = 0,
) -> Answer:
    """The validated answer to ``text`` under ``template``: from the cache (a cached
    call, no HTTP) or from the model (then stored). Raises
    :class:`~extractor.errors.LLMError` when the model call fails; validation
    context (expected paragraphs, asked fields) is the caller's to set around it."""
    key = cache_key(
        answer_identity={**client.settings.answer_identity(), "repeat": repeat},
        prompt=f"{template.name}/{template.version}@{template.sha256}",
        response_model=answer_type,
        text=text,
    )
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        meter.cached_calls += 1
        return answer_type.model_validate_json(hit.answer)
    reply = await client.structured(answer_type, template.text, text, meter)
    answer = cast(Answer, reply.value)  # validated by instructor
    if cache is not None:
        stored = CachedAnswer(answer.model_dump_json(), reply.prompt_tokens, reply.completion_tokens)
        cache.put(key, client.model, template.ref, stored)
    return answer
