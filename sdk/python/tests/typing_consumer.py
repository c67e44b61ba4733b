"""Type-checked, never run: what a user's code sees under ``mypy --strict``.

The methods are made from operation functions (see ``somaagent/_resource.py``); this file keeps
their signatures and return types honest. A ``# type: ignore[...]`` marks a call that must be
refused: strict mode reports the ignore as unused if it is not.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from typing_extensions import assert_type

from somaagent import AsyncCompletionStream, AsyncRunEventStream, AsyncSomaAgent, CompletionStream, ListObject, RunEventStream, SomaAgent
from somaagent.types import (
    Completion,
    CompletionMemory,
    CompletionStreamEvent,
    Conversation,
    ExperimentResults,
    Ingestion,
    MemoryDocument,
    MemoryDocumentDeleted,
    PromptLabel,
    PromptTemplateVersion,
    RagAnswer,
    Readiness,
    Run,
    RunHistoryEvent,
    SearchResult,
    SearchResults,
    SearchSource,
)


def sync_client(client: SomaAgent) -> None:
    assert_type(client.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]), Completion)
    assert_type(client.completions.start(model="auto", routing={"quality_floor": 0.5}, messages=[]), Run)
    stream = client.completions.stream(models=["a", "b"], messages=[], timeout=5.0)
    assert_type(stream, CompletionStream)
    for event in stream:
        assert_type(event, CompletionStreamEvent)
    assert_type(stream.text(), str)
    assert_type(stream.run_id, Optional[str])
    assert_type(client.runs.get("run"), Run)
    assert_type(client.runs.get("run").completion, Optional[Completion])
    assert_type(client.runs.list(limit=5), ListObject[Run])
    assert_type(client.runs.follow("run"), RunEventStream)
    assert_type(client.runs.events("run")[0], RunHistoryEvent)
    assert_type(client.prompts.versions.list("name").data, List[PromptTemplateVersion])
    assert_type(client.prompts.labels.move("name", "production", version=2, expected_version=None), PromptLabel)
    assert_type(client.experiments.results("exp"), ExperimentResults)
    assert_type(client.conversations.create(messages=[{"role": "user", "content": "hi", "metadata": {"a": 1}}]), Conversation)
    assert_type(client.system.ready(), Readiness)
    assert_type(client.system.metrics(), str)
    assert_type(client.system.openapi(), Dict[str, Any])
    assert_type(client.get("/v1/anything"), Any)
    assert_type(client.with_options(max_retries=0), SomaAgent)

    ingestion = client.memory.documents.ingest(
        collection="docs",
        documents=[{"source": "a.md", "text": "# A", "mime": "text/markdown", "metadata": {"year": 2026, "tags": ["x"]}}, {"source": "b", "url": "https://example.com/b"}],
    )
    assert_type(ingestion, Ingestion)
    assert_type(client.memory.documents.start_ingest(documents=[{"source": "b", "url": "https://example.com/b"}]), Run)
    assert_type(client.memory.documents.list(collection="docs", limit=10), ListObject[MemoryDocument])
    assert_type(client.memory.documents.get("doc_1"), MemoryDocument)
    assert_type(client.memory.documents.delete("doc_1"), MemoryDocumentDeleted)
    results = client.memory.search(query="q", mode="dense", sources=["documents"], metadata={"year": {"$gte": 2025}}, from_="2026-01-01T00:00:00Z")
    assert_type(results, SearchResults)
    assert_type(results[0], SearchResult)
    assert_type(results[0].source, SearchSource)
    assert_type(results[0].ranks.dense, Optional[int])
    assert_type(client.rag.answer(question="q", policy="support", k=3, budget_tokens=500), RagAnswer)
    assert_type(client.rag.answer(question="q").completion, Optional[Completion])
    assert_type(client.rag.start(question="q", model="auto"), Run)
    answer = client.completions.create(model="m", messages=[], memory={"collections": ["docs"], "sources": ["documents", "conversations"], "k": 3})
    assert_type(answer.memory, Optional[CompletionMemory])

    client.runs.get(42)  # type: ignore[arg-type]
    client.runs.get("run", max_retries="2")  # type: ignore[arg-type]
    client.memory.search(query="q", mode="fuzzy")  # type: ignore[arg-type]
    client.memory.documents.ingest(documents=[{"text": "no source"}])  # type: ignore[typeddict-item]
    client.completions.create(model="m", messages=[], memory={"top_k": 3})  # type: ignore[arg-type]
    client.rag.answer(query="q")  # type: ignore[call-arg]
    client.runs.get("run", retries=2)  # type: ignore[call-arg]
    client.completions.create(model="m", messages=[{"role": "robot", "content": "hi"}])  # type: ignore[typeddict-item]
    client.completions.create(model="m", messages=[], max_tokens=None)  # type: ignore[arg-type]
    client.admin.budgets.put("tenant", period="week", limit_usd=1)  # type: ignore[arg-type]


async def async_client(client: AsyncSomaAgent) -> None:
    assert_type(await client.completions.create(model="gpt-4o-mini", messages=[]), Completion)
    assert_type(await client.runs.get("run"), Run)
    stream = client.completions.stream(model="gpt-4o-mini", messages=[])
    assert_type(stream, AsyncCompletionStream)
    assert_type(await stream, AsyncCompletionStream)
    async with stream as opened:
        async for event in opened:
            assert_type(event, CompletionStreamEvent)
        assert_type(await opened.get_final_completion(), Completion)
    assert_type(client.runs.follow("run"), AsyncRunEventStream)
    assert_type(client.with_options(timeout=1.0), AsyncSomaAgent)
    assert_type(await client.memory.search(query="q"), SearchResults)
    assert_type(await client.memory.documents.ingest(documents=[{"source": "a", "text": "b"}]), Ingestion)
    assert_type(await client.rag.answer(question="q"), RagAnswer)
    assert_type(await client.rag.start(question="q"), Run)
    await client.runs.get(42)  # type: ignore[arg-type]
