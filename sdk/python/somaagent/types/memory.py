"""Memory: documents ingested into collections, and search over them and over conversations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

from .._models import BaseModel, ListObject

__all__ = [
    "DocumentParam",
    "MemoryParam",
    "MetadataFilter",
    "SearchMode",
    "MemorySource",
    "IngestedDocument",
    "Ingestion",
    "MemoryDocument",
    "MemoryDocumentDeleted",
    "SearchRanks",
    "SearchSource",
    "SearchResult",
    "SearchResults",
    "InjectedPassage",
    "CompletionMemory",
]

SearchMode = Literal["hybrid", "dense", "keyword"]
"""``dense`` (vectors, cosine), ``keyword`` (Okapi BM25), or ``hybrid`` (both, fused; reciprocal rank fusion by default)."""
MemorySource = Literal["documents", "conversations"]
"""What search and RAG retrieve from."""
MetadataValue = Union[str, int, float, bool, List[str]]

MetadataFilter = Dict[str, Any]
"""A filter over documents' metadata, e.g. ``{"audience": {"$in": ["ops", "dev"]}, "year": {"$gte": 2025}}``:
a value (equality) or operators (``$eq $ne $gt $gte $lt $lte $in $nin $exists``) per field, fields
side by side ANDed, ``$and`` / ``$or`` over lists of filters."""


class _DocumentRequired(TypedDict):
    source: str
    """Names the document in its collection (a path or URL); ingesting the same source again replaces it."""


class DocumentParam(_DocumentRequired, total=False):
    """A document to ingest: exactly one of ``text`` and ``url``."""

    text: str
    """The content: text, markdown or HTML."""
    url: str
    """Fetch the content from here instead (http/https)."""
    mime: Literal["text/plain", "text/markdown", "text/html"]
    """Default: from the source's extension, else text/plain."""
    title: str
    metadata: Dict[str, MetadataValue]
    """Filterable in ``memory.search(metadata=...)``."""


class MemoryParam(TypedDict, total=False):
    """``memory=`` of a completion: retrieve context for the last user message and put it in front of the model."""

    collections: List[str]
    """Document collections to search (default: all)."""
    sources: List[MemorySource]
    """Default ``["documents"]``."""
    conversation: str
    """With ``conversations``: only this conversation's messages (default: the one continued, else all)."""
    k: int
    """Passages, 1-50 (default 5)."""
    budget_tokens: int
    """Most tokens the passages may take, 50-32000 (default 1500)."""


@dataclass
class IngestedDocument(BaseModel):
    """What happened to one document of an ingestion."""

    source: str
    document_id: Optional[str]
    status: Literal["pending", "unchanged", "embedding", "ready", "failed"]
    """``unchanged``: the same content was already ingested; ``failed``: see ``error`` (the others went on)."""
    chunks: int
    embedded: int
    error: Optional[str] = None


@dataclass
class Ingestion(BaseModel):
    """An ingestion run: its summary once done, its progress while it runs (``memory.ingestions.get``)."""

    id: str
    """The ingestion run id."""
    object: Literal["ingestion"]
    status: Literal["running", "completed", "failed"]
    collection: str
    total: int
    """Documents in the run."""
    done: int
    """Documents finished (ready, unchanged or failed)."""
    chunks_total: int
    chunks_embedded: int
    progress: float
    """0..1."""
    documents: List[IngestedDocument]
    chunks_per_second: Optional[float] = None
    """Chunks embedded per second since the start; None until known."""
    eta_seconds: Optional[int] = None
    """Seconds left at the current rate; None until known."""
    elapsed_seconds: Optional[float] = None
    started_at: Optional[str] = None
    updated_at: Optional[str] = None
    """When the run last made progress (its figures are as of then)."""


@dataclass
class MemoryDocument(BaseModel):
    id: str
    """``doc_...``"""
    object: Literal["document"]
    collection: str
    source: str
    title: str
    mime: str
    status: Literal["ingesting", "ready"]
    chunk_count: int
    content_hash: str
    metadata: Dict[str, Any]
    created_at: str
    updated_at: str


@dataclass
class MemoryDocumentDeleted(BaseModel):
    id: str
    object: Literal["document"]
    deleted: bool


@dataclass
class SearchRanks(BaseModel):
    """1-based rank in each list that found the result (None: that list did not)."""

    dense: Optional[int] = None
    keyword: Optional[int] = None


@dataclass
class SearchSource(BaseModel):
    """Where a result (or a RAG passage) comes from: ``type`` says which fields are set.

    ``document``: ``document_id``, ``source``, ``title``, ``collection``, ``heading_path`` (the
    markdown headings above the chunk, e.g. ``Guide > Install``). ``conversation``:
    ``conversation_id``, ``role``, ``created_at``. Both: ``seq``, the position in the document or
    conversation.
    """

    type: Literal["document", "conversation"]
    seq: int
    document_id: Optional[str] = None
    source: Optional[str] = None
    title: Optional[str] = None
    collection: Optional[str] = None
    heading_path: Optional[str] = None
    conversation_id: Optional[str] = None
    role: Optional[Literal["system", "user", "assistant"]] = None
    created_at: Optional[str] = None


@dataclass
class SearchResult(BaseModel):
    object: Literal["search_result"]
    id: str
    """The chunk or message id (what a RAG answer cites)."""
    text: str
    score: float
    ranks: SearchRanks
    source: SearchSource


class SearchResults(ListObject[SearchResult]):
    """Results, best first: a ``ListObject`` of ``SearchResult`` with the ``mode`` that found them."""

    def __init__(self, data: List[SearchResult], *, mode: str, raw: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(data, raw=raw)
        self.mode = mode

    def __repr__(self) -> str:
        return f"SearchResults(mode={self.mode!r}, data={self.data!r})"


@dataclass
class InjectedPassage(BaseModel):
    """A passage memory injection put in front of the model."""

    label: str
    """``1``, ``2``, ...: how the prompt numbered it."""
    id: str
    """The chunk or message id."""
    source: SearchSource


@dataclass
class CompletionMemory(BaseModel):
    """``completion.memory``: what was injected."""

    injected: List[InjectedPassage]
