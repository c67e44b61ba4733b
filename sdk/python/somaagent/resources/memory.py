"""``client.memory``: documents ingested into collections (``memory.documents``), and search over
them and over conversations (``memory.search``). ``client.rag`` answers questions from them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Literal, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, request_variant, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.memory import (
    DocumentParam,
    Ingestion,
    MemoryDocument,
    MemoryDocumentDeleted,
    MemorySource,
    MetadataFilter,
    SearchMode,
    SearchResult,
    SearchResults,
)
from ..types.runs import Run

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncSomaAgent, SomaAgent

__all__ = ["Memory", "AsyncMemory"]


def _document_path(document_id: str) -> str:
    return f"/v1/memory/documents/{path_param('document_id', document_id)}"


def _start_ingest(
    *,
    documents: Iterable[DocumentParam],
    collection: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Run]:
    """Starts an ingestion and returns its ``Run`` at once (HTTP 202), for large ones.

    Its progress: ``client.memory.ingestions.get(run.id)``; its end: ``client.runs.get(run.id)``.
    Takes the same arguments as ``ingest``.
    """
    body = {"collection": collection, "documents": list(documents)}
    return api_request("POST", "/v1/memory/documents", model_parser(Run), options, body=body)


_ingest = request_variant(
    _start_ingest,
    {"wait": True},
    model_parser(Ingestion),
    "Ingestion",
    """Ingests documents into a collection and waits for it: chunked, embedded, indexed.

    Each document is ``{"source", "text" | "url", "mime", "title", "metadata"}``; ``source`` names
    it in its ``collection`` (default ``default``). Idempotent by content hash: an unchanged
    document is reported ``unchanged``, a changed one replaces its chunks. One bad document is
    reported ``failed`` and does not stop the others. ``start_ingest`` takes the same arguments
    and returns the run at once.
    """,
)


def _list(*, collection: Union[str, NotGiven] = NOT_GIVEN, limit: Union[int, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[MemoryDocument]]:
    """The tenant's documents (of one ``collection``), most recently updated first; ``limit`` 1-200, default 50."""
    return api_request("GET", "/v1/memory/documents", list_parser(MemoryDocument), options, query={"collection": collection, "limit": limit})


def _get(document_id: str, **options: Unpack[RequestOptions]) -> APIRequest[MemoryDocument]:
    """One document (``doc_...``): its collection, status, chunk count and metadata."""
    return api_request("GET", _document_path(document_id), model_parser(MemoryDocument), options)


def _delete(document_id: str, **options: Unpack[RequestOptions]) -> APIRequest[MemoryDocumentDeleted]:
    """Deletes a document, its chunks and its vectors."""
    return api_request("DELETE", _document_path(document_id), model_parser(MemoryDocumentDeleted), options)


def _get_ingestion(ingestion_id: str, **options: Unpack[RequestOptions]) -> APIRequest[Ingestion]:
    """An ingestion run (``ingest-...``): documents and chunks done, rate (chunks/s) and ETA while it runs; its summary once done."""
    return api_request("GET", f"/v1/memory/ingestions/{path_param('ingestion_id', ingestion_id)}", model_parser(Ingestion), options)


def _parse_search(data: Any) -> SearchResults:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise TypeError("expected a JSON list object of SearchResult")
    items = [SearchResult.construct(item) for item in data["data"] if isinstance(item, dict)]
    return SearchResults(items, mode=str(data.get("mode", "")), raw=dict(data))


def _search(
    *,
    query: str,
    k: Union[int, NotGiven] = NOT_GIVEN,
    mode: Union[SearchMode, NotGiven] = NOT_GIVEN,
    sources: Union[Iterable[MemorySource], NotGiven] = NOT_GIVEN,
    collections: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    conversation: Union[str, NotGiven] = NOT_GIVEN,
    role: Union[Literal["system", "user", "assistant"], NotGiven] = NOT_GIVEN,
    from_: Union[str, NotGiven] = NOT_GIVEN,
    to: Union[str, NotGiven] = NOT_GIVEN,
    metadata: Union[MetadataFilter, NotGiven] = NOT_GIVEN,
    bm25: Union[Dict[str, float], NotGiven] = NOT_GIVEN,
    fusion: Union[Dict[str, Any], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[SearchResults]:
    """Searches documents and/or conversation messages, best first.

    ``mode``: ``hybrid`` (default), ``dense`` or ``keyword``; ``k`` results (1-100, default 10);
    ``sources``: ``documents``, ``conversations`` (default both). Documents: ``collections``, and
    a ``metadata`` filter (``{"year": {"$gte": 2025}}``). Messages: one ``conversation``, a
    ``role``, and a time range ``from_`` / ``to`` (ISO 8601 with an offset). ``keyword`` is Okapi
    BM25: ``bm25={"k1": 0.9, "b": 0.4}`` (the defaults); ``fusion={"method": "rrf"}`` (default) or
    ``{"method": "weighted", "alpha": 0.5}`` for hybrid.
    """
    body = {
        "query": query,
        "k": k,
        "mode": mode,
        "sources": sources if isinstance(sources, NotGiven) else list(sources),
        "collections": collections if isinstance(collections, NotGiven) else list(collections),
        "conversation": conversation,
        "role": role,
        "from": from_,
        "to": to,
        "metadata": metadata,
        "bm25": bm25,
        "fusion": fusion,
    }
    return api_request("POST", "/v1/search", _parse_search, options, body=body)


class Documents(SyncAPIResource):
    ingest = sync_method(_ingest)
    start_ingest = sync_method(_start_ingest)
    list = sync_method(_list)
    get = sync_method(_get)
    delete = sync_method(_delete)


class Ingestions(SyncAPIResource):
    get = sync_method(_get_ingestion)


class Memory(SyncAPIResource):
    search = sync_method(_search)

    def __init__(self, client: SomaAgent) -> None:
        super().__init__(client)
        self.documents = Documents(client)
        self.ingestions = Ingestions(client)


class AsyncDocuments(AsyncAPIResource):
    ingest = async_method(_ingest)
    start_ingest = async_method(_start_ingest)
    list = async_method(_list)
    get = async_method(_get)
    delete = async_method(_delete)


class AsyncIngestions(AsyncAPIResource):
    get = async_method(_get_ingestion)


class AsyncMemory(AsyncAPIResource):
    search = async_method(_search)

    def __init__(self, client: AsyncSomaAgent) -> None:
        super().__init__(client)
        self.documents = AsyncDocuments(client)
        self.ingestions = AsyncIngestions(client)
