"""Memory (documents, search) and RAG against the platform: its real embedding model, vector
store and workflows."""

from __future__ import annotations

import time
import uuid
from typing import Iterator, List, Optional

import pytest
from support import MODEL, user

from somaagent import AsyncSomaAgent, NotFoundError, SomaAgent, ValidationError
from somaagent.types import DocumentParam, Ingestion, RagAnswer, SearchResults

HANDBOOK: List[DocumentParam] = [
    {"source": "leave.md", "text": "# Leave\n\nEmployees get 25 days of paid holiday a year. Unused days carry over until March.", "metadata": {"team": "people", "year": 2026}},
    {
        "source": "travel.md",
        "text": "# Travel\n\n## Trains\n\nTrain travel is preferred for trips under four hours.\n\n## Flights\n\nFlights need a manager approval.",
        "metadata": {"team": "finance", "year": 2025},
    },
    {
        "source": "oncall.html",
        "text": "<html><head><title>On call</title></head><body><nav>menu</nav><h1>On call</h1><p>When a worker dies mid-call, Temporal notices the missed heartbeat and retries the activity on another worker.</p></body></html>",
        "metadata": {"team": "ops", "year": 2026},
    },
]


class Handbook:
    def __init__(self, collection: str, ingestion: Ingestion) -> None:
        self.collection = collection
        self.ingestion = ingestion


@pytest.fixture(scope="module")
def handbook(base_url: str, api_key: str) -> Iterator[Handbook]:
    """The handbook, ingested once for this module into a collection of its own."""
    collection = f"py-sdk-{uuid.uuid4().hex[:10]}"
    with SomaAgent(api_key=api_key, base_url=base_url) as client:
        yield Handbook(collection, client.memory.documents.ingest(collection=collection, documents=HANDBOOK))


def _sources(results: SearchResults) -> List[Optional[str]]:
    return [hit.source.source for hit in results]


def _wait_until_completed(client: SomaAgent, run_id: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while client.runs.get(run_id).status == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert client.runs.get(run_id).status == "completed"


def test_ingest_waits_for_the_documents_and_leaves_unchanged_ones_alone(client: SomaAgent, handbook: Handbook) -> None:
    ingestion = handbook.ingestion
    assert ingestion.object == "ingestion" and ingestion.collection == handbook.collection
    assert (ingestion.total, ingestion.done) == (3, 3)
    assert [d.status for d in ingestion.documents] == ["ready", "ready", "ready"]
    assert ingestion.chunks_embedded == ingestion.chunks_total > 0
    again = client.memory.documents.ingest(collection=handbook.collection, documents=HANDBOOK)
    assert [d.status for d in again.documents] == ["unchanged", "unchanged", "unchanged"]


def test_list_and_get_documents(client: SomaAgent, handbook: Handbook) -> None:
    listed = client.memory.documents.list(collection=handbook.collection)
    assert sorted(d.source for d in listed) == ["leave.md", "oncall.html", "travel.md"]
    assert listed.has_more is False
    leave = next(d for d in listed if d.source == "leave.md")
    assert leave.id == handbook.ingestion.documents[0].document_id
    document = client.memory.documents.get(leave.id)
    assert document.object == "document" and document.status == "ready" and document.mime == "text/markdown"
    assert document.metadata == {"team": "people", "year": 2026} and document.chunk_count >= 1
    oncall = next(d for d in listed if d.source == "oncall.html")
    assert client.memory.documents.get(oncall.id).title == "On call"
    assert client.memory.documents.list(collection=handbook.collection, limit=1).has_more is True


def test_search_dense_keyword_hybrid_and_filtered(client: SomaAgent, handbook: Handbook) -> None:
    # Meaning, not words: no query term is in the passage.
    dense = client.memory.search(query="what happens if a machine running jobs goes down?", mode="dense", sources=["documents"], collections=[handbook.collection], k=3)
    assert dense.mode == "dense" and dense.object == "list"
    top = dense[0]
    assert top.object == "search_result" and top.text and top.score > 0
    assert (top.source.type, top.source.source, top.source.collection, top.source.title) == ("document", "oncall.html", handbook.collection, "On call")
    assert all(hit.ranks.dense is not None and hit.ranks.keyword is None for hit in dense)

    keyword = client.memory.search(query="manager approval flights", mode="keyword", sources=["documents"], collections=[handbook.collection])
    assert keyword[0].source.source == "travel.md" and keyword[0].source.heading_path == "Travel > Flights"

    hybrid = client.memory.search(query="days of paid holiday", sources=["documents"], collections=[handbook.collection], k=3)
    assert hybrid.mode == "hybrid" and hybrid[0].source.source == "leave.md"
    assert hybrid[0].ranks.dense is not None and hybrid[0].ranks.keyword is not None

    filtered = client.memory.search(
        query="holiday travel worker",
        sources=["documents"],
        collections=[handbook.collection],
        metadata={"team": {"$in": ["people", "ops"]}, "year": {"$gte": 2026}},
    )
    assert set(_sources(filtered)) == {"leave.md", "oncall.html"}
    assert len(client.memory.search(query="holiday", sources=["documents"], collections=[f"{handbook.collection}-other"])) == 0
    # Conversation messages by time: none in the future.
    assert len(client.memory.search(query="holiday", sources=["conversations"], from_="2999-01-01T00:00:00Z")) == 0


async def test_search_async(async_client: AsyncSomaAgent, handbook: Handbook) -> None:
    results = await async_client.memory.search(query="train trips under four hours", sources=["documents"], collections=[handbook.collection], k=2)
    assert results[0].source.source == "travel.md"
    travel_id = handbook.ingestion.documents[1].document_id
    assert travel_id is not None
    assert (await async_client.memory.documents.get(travel_id)).source == "travel.md"


def test_ingest_in_the_background_then_delete_everywhere(client: SomaAgent, handbook: Handbook) -> None:
    run = client.memory.documents.start_ingest(collection=handbook.collection, documents=[{"source": "scratch.txt", "text": "The office parrot is called Captain Nimbus."}])
    assert run.object == "run" and run.kind == "ingestion" and run.status == "running"
    _wait_until_completed(client, run.id)
    found = client.memory.search(query="parrot Nimbus", mode="keyword", sources=["documents"], collections=[handbook.collection])
    assert _sources(found) == ["scratch.txt"]

    scratch = next(d for d in client.memory.documents.list(collection=handbook.collection) if d.source == "scratch.txt")
    deleted = client.memory.documents.delete(scratch.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (scratch.id, "document", True)
    after = client.memory.search(query="office parrot", mode="dense", sources=["documents"], collections=[handbook.collection])
    assert "scratch.txt" not in _sources(after)
    with pytest.raises(NotFoundError) as caught:
        client.memory.documents.get(scratch.id)
    assert caught.value.code == "document_not_found"
    with pytest.raises(NotFoundError):
        client.memory.documents.delete(scratch.id)


def test_rag_answers_from_the_context_with_checked_citations(client: SomaAgent, handbook: Handbook) -> None:
    answer = client.rag.answer(question="How many days of paid holiday do employees get?", model=MODEL, collections=[handbook.collection], k=3)
    assert isinstance(answer, RagAnswer) and answer.object == "rag" and answer.answer
    assert answer.context[0].label == "1" and answer.context[0].source.source == "leave.md"
    # The emulator echoes the prompt, which starts with the sources: so the "answer" cites [1].
    assert answer.citations[0].label == "1" and answer.citations[0].id == answer.context[0].id
    labels = {passage.label for passage in answer.context}
    assert all(c.label in labels and c.text for c in answer.citations)
    assert answer.invalid_citations == []
    assert answer.completion is not None
    assert answer.completion.model == MODEL and answer.completion.usage.input_tokens > 20
    assert client.runs.get(answer.completion.id).status == "completed"


def test_rag_without_context_calls_no_model_and_runs_in_the_background(client: SomaAgent, handbook: Handbook) -> None:
    nothing = client.rag.answer(question="What is the parking policy?", model=MODEL, collections=[f"{handbook.collection}-empty"])
    assert nothing.context == [] and nothing.citations == [] and nothing.completion is None

    run = client.rag.start(question="Do flights need approval?", model=MODEL, collections=[handbook.collection])
    assert run.object == "run" and run.kind == "rag" and run.status == "running"
    _wait_until_completed(client, run.id)
    result = client.runs.get(run.id).result
    assert isinstance(result, dict) and result["answer"]


def test_memory_injection_in_a_completion(client: SomaAgent, handbook: Handbook) -> None:
    completion = client.completions.create(model=MODEL, messages=user("Do I need approval to fly to a conference?"), memory={"collections": [handbook.collection], "k": 2})
    assert completion.memory is not None
    first = completion.memory.injected[0]
    assert first.label == "1" and first.source.type == "document" and first.source.source == "travel.md"
    # The context went to the model: input tokens cover more than the question.
    assert completion.usage.input_tokens > 30


def test_bad_input_is_refused_and_unknown_documents_are_not_found(client: SomaAgent, handbook: Handbook) -> None:
    with pytest.raises(ValidationError) as caught:
        client.memory.documents.ingest(collection=handbook.collection, documents=[{"source": "x", "text": "a"}, {"source": "x", "text": "b"}])
    assert caught.value.status_code == 400 and caught.value.code == "validation_failed"
    assert [p.path for p in caught.value.problems] == ["documents"]
    with pytest.raises(ValidationError) as caught:
        client.memory.documents.ingest(collection="Not A Collection", documents=[{"source": "x", "text": "a", "url": "http://example.com/a"}])
    assert sorted(p.path for p in caught.value.problems) == ["collection", "documents.0.text"]

    with pytest.raises(ValidationError):
        client.memory.search(query="x", metadata={"year": {"$between": 1}})
    with pytest.raises(ValidationError):
        client.memory.search(query="x", from_="yesterday")
    with pytest.raises(ValidationError) as caught:
        client.memory.search(query=" ")
    assert [p.path for p in caught.value.problems] == ["query"]
    with pytest.raises(ValidationError) as caught:
        client.rag.answer(question="x", model=MODEL, policy="support")
    assert "model" in [p.path for p in caught.value.problems]

    with pytest.raises(NotFoundError) as missing:
        client.memory.documents.get("doc_nope")
    assert missing.value.status_code == 404 and missing.value.code == "document_not_found"
