"""``client.completions``: chat completions, each a durable Temporal workflow (a run).

``create`` waits for the answer, ``start`` returns the run at once (``background: true``) and
``stream`` relays the answer as it is generated. All three take the same arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Sequence, Union

from .._models import model_parser
from .._request import APIRequest, api_request, as_is
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, async_stream_method, request_variant, sync_method, sync_stream_method
from .._streaming import AsyncCompletionStream, CompletionStream
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.completions import Completion, MessageParam, ResponseFormatParam, RoutingParam, TemplateParam, ToolChoiceParam, ToolParam
from ..types.memory import MemoryParam
from ..types.runs import Run

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Completions", "AsyncCompletions"]


def _create(
    *,
    model: Union[str, NotGiven] = NOT_GIVEN,
    models: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    policy: Union[str, NotGiven] = NOT_GIVEN,
    messages: Union[Iterable[MessageParam], NotGiven] = NOT_GIVEN,
    template: Union[TemplateParam, NotGiven] = NOT_GIVEN,
    conversation: Union[str, NotGiven] = NOT_GIVEN,
    memory: Union[MemoryParam, NotGiven] = NOT_GIVEN,
    routing: Union[RoutingParam, NotGiven] = NOT_GIVEN,
    max_tokens: Union[int, NotGiven] = NOT_GIVEN,
    temperature: Union[float, NotGiven] = NOT_GIVEN,
    top_p: Union[float, NotGiven] = NOT_GIVEN,
    stop: Union[str, Sequence[str], NotGiven] = NOT_GIVEN,
    tools: Union[Iterable[ToolParam], NotGiven] = NOT_GIVEN,
    tool_choice: Union[ToolChoiceParam, NotGiven] = NOT_GIVEN,
    parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
    response_format: Union[ResponseFormatParam, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Completion]:
    """Runs a chat completion as a durable workflow and returns its answer.

    Give at most one of ``model`` (a registry id, or ``"auto"`` for cost-aware routing shaped by
    ``routing``), ``models`` (a fallback chain, tried in order) and ``policy`` (a named model
    policy of the tenant); with none, the tenant's default policy applies. Give either
    ``messages`` or a prompt ``template`` (``{"name", "label" | "version", "variables"}``) to
    render them from. ``conversation`` (a ``conv_...`` id) continues a conversation: its recent
    messages come first, and the new turn and the answer are added to it. ``memory``
    (``{"collections", "sources", "k", "budget_tokens", "conversation"}``) retrieves context for
    the last user message and puts it in front of the model; ``completion.memory.injected`` says
    what was injected. ``tools`` (``{"name", "description", "parameters"}``) lets the model call
    functions: the answer then carries ``tool_calls`` (``finish_reason == "tool_calls"``); send
    each result back as ``{"role": "tool", "tool_call_id", "content"}`` after the assistant turn
    ``{"role": "assistant", "content": "", "tool_calls": [...]}``. ``tool_choice`` is ``"auto"``, ``"none"``,
    ``"required"`` or ``{"name": ...}``; ``response_format`` asks for JSON (``json_object`` or
    ``json_schema``) from a model with the ``json_mode`` capability.
    """
    body: Dict[str, Any] = {
        "model": model,
        "models": models if isinstance(models, NotGiven) else list(models),
        "policy": policy,
        "messages": messages if isinstance(messages, NotGiven) else list(messages),
        "template": template,
        "conversation": conversation,
        "memory": memory,
        "routing": routing,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "top_p": top_p,
        "stop": stop if isinstance(stop, (str, NotGiven)) else list(stop),
        "tools": tools if isinstance(tools, NotGiven) else list(tools),
        "tool_choice": tool_choice,
        "parallel_tool_calls": parallel_tool_calls,
        "response_format": response_format,
    }
    return api_request("POST", "/v1/completions", model_parser(Completion), options, body=body)


_start = request_variant(
    _create,
    {"background": True},
    model_parser(Run),
    "Run",
    """Starts a completion in the background and returns its ``Run`` at once (HTTP 202).

    Follow it with ``client.runs.get(run.id)`` (``run.completion`` once completed), or stop it
    with ``client.runs.cancel(run.id)``. Takes the same arguments as ``create``.
    """,
)


_stream = request_variant(
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
