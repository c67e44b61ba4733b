"""``client.agents``: versioned agent definitions, and durable agent runs — streamed events,
approvals (``on_approval``), state and cost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Literal, Mapping, Optional, Union

from .._agent_streaming import AgentRunStream, AsyncAgentRunStream, AsyncOnApproval, OnApproval, decide_request
from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.agents import (
    Agent,
    AgentEventList,
    AgentMessageParam,
    AgentRunAccepted,
    AgentRunState,
    AgentVersion,
    ApprovalAccepted,
    ApprovalDecision,
    ApprovalList,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Agents", "AsyncAgents"]

AgentInput = Union[str, Iterable[AgentMessageParam]]


def _listed(value: Union[Iterable[Any], NotGiven]) -> Union[List[Any], NotGiven]:
    """Iterables (tuples, generators) go on the wire as JSON arrays; NOT_GIVEN stays absent."""
    return value if isinstance(value, NotGiven) else list(value)


def _create(
    *,
    name: str,
    instructions: Union[str, Mapping[str, Any]],
    description: Union[str, NotGiven] = NOT_GIVEN,
    model: Union[str, NotGiven] = NOT_GIVEN,
    models: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    policy: Union[str, NotGiven] = NOT_GIVEN,
    tools: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    handoffs: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    max_steps: Union[int, NotGiven] = NOT_GIVEN,
    max_cost_usd: Union[float, None, NotGiven] = NOT_GIVEN,
    approval_timeout: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    output_schema: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    max_tokens: Union[int, NotGiven] = NOT_GIVEN,
    temperature: Union[float, NotGiven] = NOT_GIVEN,
    labels: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    note: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Agent]:
    """Defines an agent, or adds a new immutable version of it. ``instructions`` is text or a
    prompt template reference (``{"prompt": name, "label": ...}``); at most one of ``model``,
    ``models`` and ``policy``; ``tools`` by name; ``approval_timeout`` is ``{"action": "reject" |
    "approve" | "fail", "after_seconds": n}``; ``output_schema`` a JSON Schema the answer must meet."""
    body = {
        "name": name,
        "instructions": instructions,
        "description": description,
        "model": model,
        "models": _listed(models),
        "policy": policy,
        "tools": _listed(tools),
        "handoffs": _listed(handoffs),
        "max_steps": max_steps,
        "max_cost_usd": max_cost_usd,
        "approval_timeout": approval_timeout,
        "output_schema": output_schema,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "labels": _listed(labels),
        "note": note,
    }
    return api_request("POST", "/v1/agents", model_parser(Agent), options, body=body)


def _list(*, limit: Union[int, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[Agent]]:
    """The tenant's agents, each at its latest version."""
    return api_request("GET", "/v1/agents", list_parser(Agent), options, query={"limit": limit})


def _get(name: str, *, version: Union[int, NotGiven] = NOT_GIVEN, label: Union[str, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[Agent]:
    """A version by number or label (default: the ``production`` label, else the latest)."""
    return api_request("GET", f"/v1/agents/{path_param('name', name)}", model_parser(Agent), options, query={"version": version, "label": label})


def _versions(name: str, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[AgentVersion]]:
    return api_request("GET", f"/v1/agents/{path_param('name', name)}/versions", list_parser(AgentVersion), options)


def _set_label(name: str, label: str, *, version: int, **options: Unpack[RequestOptions]) -> APIRequest[Agent]:
    """Points ``label`` at ``version``."""
    return api_request("PUT", f"/v1/agents/{path_param('name', name)}/labels/{path_param('label', label)}", model_parser(Agent), options, body={"version": version})


def _delete_label(name: str, label: str, **options: Unpack[RequestOptions]) -> APIRequest[Dict[str, Any]]:
    return api_request("DELETE", f"/v1/agents/{path_param('name', name)}/labels/{path_param('label', label)}", lambda d: dict(d), options)


def _run_body(input: AgentInput, version: Union[int, NotGiven], label: Union[str, NotGiven], variables: Union[Mapping[str, Any], NotGiven]) -> Dict[str, Any]:
    return {"input": input if isinstance(input, str) else list(input), "version": version, "label": label, "variables": variables}


def _run(
    name: str,
    *,
    input: AgentInput,
    version: Union[int, NotGiven] = NOT_GIVEN,
    label: Union[str, NotGiven] = NOT_GIVEN,
    variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Any]:
    body = {**_run_body(input, version, label, variables), "stream": True}
    return api_request("POST", f"/v1/agents/{path_param('name', name)}/runs", lambda d: d, options, body=body)


def _start(
    name: str,
    *,
    input: AgentInput,
    version: Union[int, NotGiven] = NOT_GIVEN,
    label: Union[str, NotGiven] = NOT_GIVEN,
    variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[AgentRunAccepted]:
    """Starts a run in the background (202): follow it with ``get_run``, ``events`` or ``follow``."""
    return api_request("POST", f"/v1/agents/{path_param('name', name)}/runs", model_parser(AgentRunAccepted), options, body=_run_body(input, version, label, variables))


def _run_and_wait(
    name: str,
    *,
    input: AgentInput,
    version: Union[int, NotGiven] = NOT_GIVEN,
    label: Union[str, NotGiven] = NOT_GIVEN,
    variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[AgentRunState]:
    """Starts a run and answers once it ended, with its state (approvals must come from elsewhere)."""
    body = {**_run_body(input, version, label, variables), "wait": True}
    return api_request("POST", f"/v1/agents/{path_param('name', name)}/runs", model_parser(AgentRunState), options, body=body)


def _get_run(run_id: str, **options: Unpack[RequestOptions]) -> APIRequest[AgentRunState]:
    """A run's state: status, steps (cost, latency, tool calls), cost so far, pending approvals, transcript."""
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}/agent", model_parser(AgentRunState), options)


def _events(run_id: str, *, after: Union[int, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[AgentEventList]:
    """A run's events after the sequence number ``after``."""
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}/agent/events", model_parser(AgentEventList), options, query={"after": after})


def _follow(run_id: str, *, after: Union[int, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[Any]:
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}/agent/events", lambda d: d, options, query={"after": after, "follow": True})


def _approvals(run_id: str, **options: Unpack[RequestOptions]) -> APIRequest[ApprovalList]:
    """Calls waiting for a decision, and the decisions made (who, what, why)."""
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}/approvals", model_parser(ApprovalList), options)


def _decide(
    run_id: str,
    *,
    call_id: str,
    decision: Literal["approve", "edit", "reject"],
    arguments: Optional[Mapping[str, Any]] = None,
    reason: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> APIRequest[ApprovalAccepted]:
    """Approves, edits (new ``arguments``) or rejects a waiting call; recorded under this client's key (approver or admin)."""
    return decide_request(run_id, call_id, ApprovalDecision(decision, dict(arguments) if arguments is not None else None, reason), options)


def _approve(run_id: str, call_id: str, *, reason: Optional[str] = None, **options: Unpack[RequestOptions]) -> APIRequest[ApprovalAccepted]:
    return decide_request(run_id, call_id, ApprovalDecision.approve(reason), options)


def _reject(run_id: str, call_id: str, *, reason: Optional[str] = None, **options: Unpack[RequestOptions]) -> APIRequest[ApprovalAccepted]:
    return decide_request(run_id, call_id, ApprovalDecision.reject(reason), options)


class Agents(SyncAPIResource):
    create = sync_method(_create)
    list = sync_method(_list)
    get = sync_method(_get)
    versions = sync_method(_versions)
    set_label = sync_method(_set_label)
    delete_label = sync_method(_delete_label)
    start = sync_method(_start)
    run_and_wait = sync_method(_run_and_wait)
    get_run = sync_method(_get_run)
    events = sync_method(_events)
    approvals = sync_method(_approvals)
    decide = sync_method(_decide)
    approve = sync_method(_approve)
    reject = sync_method(_reject)

    def run(
        self,
        name: str,
        *,
        input: AgentInput,
        version: Union[int, NotGiven] = NOT_GIVEN,
        label: Union[str, NotGiven] = NOT_GIVEN,
        variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
        on_approval: Optional[OnApproval] = None,
        **options: Unpack[RequestOptions],
    ) -> AgentRunStream:
        """Starts a run and iterates its events until it ends. ``on_approval(request)`` decides
        each tool call that needs approval: return ``ApprovalDecision.approve()``, ``.reject(reason)``,
        ``.edit(arguments)``, or simply True / False."""
        return AgentRunStream(self._client, _run(name, input=input, version=version, label=label, variables=variables, **options), on_approval=on_approval)

    def follow(self, run_id: str, *, after: Union[int, NotGiven] = NOT_GIVEN, on_approval: Optional[OnApproval] = None, **options: Unpack[RequestOptions]) -> AgentRunStream:
        """Iterates a run's events (after ``after``) until it ends; ``on_approval`` as in ``run``."""
        return AgentRunStream(self._client, _follow(run_id, after=after, **options), run_id=run_id, on_approval=on_approval)


class AsyncAgents(AsyncAPIResource):
    create = async_method(_create)
    list = async_method(_list)
    get = async_method(_get)
    versions = async_method(_versions)
    set_label = async_method(_set_label)
    delete_label = async_method(_delete_label)
    start = async_method(_start)
    run_and_wait = async_method(_run_and_wait)
    get_run = async_method(_get_run)
    events = async_method(_events)
    approvals = async_method(_approvals)
    decide = async_method(_decide)
    approve = async_method(_approve)
    reject = async_method(_reject)

    def run(
        self,
        name: str,
        *,
        input: AgentInput,
        version: Union[int, NotGiven] = NOT_GIVEN,
        label: Union[str, NotGiven] = NOT_GIVEN,
        variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
        on_approval: Optional[AsyncOnApproval] = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncAgentRunStream:
        """The async ``run``: ``async for event in client.agents.run(...)``; ``on_approval`` may be async."""
        return AsyncAgentRunStream(self._client, _run(name, input=input, version=version, label=label, variables=variables, **options), on_approval=on_approval)

    def follow(self, run_id: str, *, after: Union[int, NotGiven] = NOT_GIVEN, on_approval: Optional[AsyncOnApproval] = None, **options: Unpack[RequestOptions]) -> AsyncAgentRunStream:
        return AsyncAgentRunStream(self._client, _follow(run_id, after=after, **options), run_id=run_id, on_approval=on_approval)
