"""``client.completions``: chat completions, each a durable Temporal workflow (a run).

``create`` waits for the answer, ``start`` returns the run at once (``background: true``) and
``stream`` relays the answer as it is generated. All three take the same arguments.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Sequence, TypeVar, Union

from .._models import model_parser
from .._request import APIRequest, api_request, as_is
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, async_stream_method, sync_method, sync_stream_method
from .._streaming import AsyncCompletionStream, CompletionStream
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.completions import Completion, MessageParam, RoutingParam, TemplateParam
from ..types.runs import Run

if TYPE_CHECKING:
    from typing_extensions import ParamSpec, Unpack

    P = ParamSpec("P")

__all__ = ["Completions", "AsyncCompletions"]

T = TypeVar("T")


def _create(
    *,
    model: Union[str, NotGiven] = NOT_GIVEN,
    models: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    policy: Union[str, NotGiven] = NOT_GIVEN,
    messages: Union[Iterable[MessageParam], NotGiven] = NOT_GIVEN,
    template: Union[TemplateParam, NotGiven] = NOT_GIVEN,
    conversation: Union[str, NotGiven] = NOT_GIVEN,
    routing: Union[RoutingParam, NotGiven] = NOT_GIVEN,
    max_tokens: Union[int, NotGiven] = NOT_GIVEN,
    temperature: Union[float, NotGiven] = NOT_GIVEN,
    top_p: Union[float, NotGiven] = NOT_GIVEN,
    stop: Union[str, Sequence[str], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Completion]:
    """Runs a chat completion as a durable workflow and returns its answer.

    Give at most one of ``model`` (a registry id, or ``"auto"`` for cost-aware routing shaped by
    ``routing``), ``models`` (a fallback chain, tried in order) and ``policy`` (a named model
    policy of the tenant); with none, the tenant's default policy applies. Give either
    ``messages`` or a prompt ``template`` (``{"name", "label" | "version", "variables"}``) to
    render them from. ``conversation`` (a ``conv_...`` id) continues a conversation: its recent
    messages come first, and the new turn and the answer are added to it.
    """
    body: Dict[str, Any] = {
        "model": model,
        "models": models if isinstance(models, NotGiven) else list(models),
        "policy": policy,
        "messages": messages if isinstance(messages, NotGiven) else list(messages),
        "template": template,
        "conversation": conversation,
        "routing": routing,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "top_p": top_p,
        "stop": stop if isinstance(stop, (str, NotGiven)) else list(stop),
    }
    return api_request("POST", "/v1/completions", model_parser(Completion), options, body=body)


def _variant(build: Callable[P, APIRequest[Any]], fields: Dict[str, Any], parse: Callable[[Any], T], returns: str, doc: str) -> Callable[P, APIRequest[T]]:
    """The same operation with extra body fields (``background``, ``stream``) and another answer."""

    def variant(*args: P.args, **kwargs: P.kwargs) -> APIRequest[T]:
        request = build(*args, **kwargs)
        return dataclasses.replace(request, body={**(request.body or {}), **fields}, parse=parse)

    functools.update_wrapper(variant, build)
    variant.__doc__ = doc
    variant.__signature__ = inspect.signature(build).replace(return_annotation=f"APIRequest[{returns}]")  # type: ignore[attr-defined]
    return variant


_start = _variant(
    _create,
    {"background": True},
    model_parser(Run),
    "Run",
    """Starts a completion in the background and returns its ``Run`` at once (HTTP 202).

    Follow it with ``client.runs.get(run.id)`` (``run.completion`` once completed), or stop it
    with ``client.runs.cancel(run.id)``. Takes the same arguments as ``create``.
    """,
)


_stream = _variant(
    _create,
    {"stream": True},
    as_is,
    "Any",
    """Streams a completion as it is generated (Server-Sent Events).

    Returns a ``CompletionStream``: iterate its events (``run``, ``delta``, ``retry``,
    ``fallback``, ``completion``), or call ``text()`` / ``get_final_completion()``. Closing it
    early cancels the run. Takes the same arguments as ``create``; a request the API refuses
    raises here, before any event.
    """,
)


class Completions(SyncAPIResource):
    create = sync_method(_create)
    start = sync_method(_start)
    stream = sync_stream_method(_stream, CompletionStream)


class AsyncCompletions(AsyncAPIResource):
    create = async_method(_create)
    start = async_method(_start)
    stream = async_stream_method(_stream, AsyncCompletionStream)
