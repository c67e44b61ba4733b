"""``client.rag``: answers to questions from retrieved passages (documents, conversations), with
every citation checked against the context. Each answer is a durable run: retrieval, then a
child completion run (the same routing, fallbacks, budgets and breakers as any completion)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Union

from .._models import model_parser
from .._request import APIRequest, api_request
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, request_variant, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.completions import RoutingParam
from ..types.memory import MemorySource, SearchMode
from ..types.rag import RagAnswer
from ..types.runs import Run

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Rag", "AsyncRag"]


def _answer(
    *,
    question: str,
    collections: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    sources: Union[Iterable[MemorySource], NotGiven] = NOT_GIVEN,
    conversation: Union[str, NotGiven] = NOT_GIVEN,
    k: Union[int, NotGiven] = NOT_GIVEN,
    mode: Union[SearchMode, NotGiven] = NOT_GIVEN,
    budget_tokens: Union[int, NotGiven] = NOT_GIVEN,
    model: Union[str, NotGiven] = NOT_GIVEN,
    models: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    policy: Union[str, NotGiven] = NOT_GIVEN,
    routing: Union[RoutingParam, NotGiven] = NOT_GIVEN,
    max_tokens: Union[int, NotGiven] = NOT_GIVEN,
    temperature: Union[float, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[RagAnswer]:
    """Answers ``question`` from retrieved passages, citing them as [1], [2], ...

    Retrieval: ``k`` passages (1-50, default 6) by ``mode`` (default ``hybrid``) from
    ``sources`` (default ``["documents"]``) in ``collections`` (default all), within
    ``budget_tokens`` of context (default 2000). Model choice as for completions: at most one of
    ``model``, ``models`` and ``policy`` (none: the tenant's default policy). ``citations`` are
    the cited passages; ``invalid_citations`` the labels cited that were not in the context.
    When nothing is retrieved no model is called and ``completion`` is None.
    """
    body: Dict[str, Any] = {
        "question": question,
        "collections": collections if isinstance(collections, NotGiven) else list(collections),
        "sources": sources if isinstance(sources, NotGiven) else list(sources),
        "conversation": conversation,
        "k": k,
        "mode": mode,
        "budget_tokens": budget_tokens,
        "model": model,
        "models": models if isinstance(models, NotGiven) else list(models),
        "policy": policy,
        "routing": routing,
        "max_tokens": max_tokens,
        "temperature": temperature,
    }
    return api_request("POST", "/v1/rag", model_parser(RagAnswer), options, body=body)


_start = request_variant(
    _answer,
    {"background": True},
    model_parser(Run),
    "Run",
    """Starts a RAG answer in the background and returns its ``Run`` at once (HTTP 202).

    ``client.runs.get(run.id).result`` holds the answer once completed. Takes the same arguments
    as ``answer``.
    """,
)


class Rag(SyncAPIResource):
    answer = sync_method(_answer)
    start = sync_method(_start)


class AsyncRag(AsyncAPIResource):
    answer = async_method(_answer)
    start = async_method(_start)
