"""An agent run's events as a typed iterator (``client.agents.run`` / ``client.agents.follow``).

The stream ends after the run's ``final`` or ``error`` event. With ``on_approval``, every
``approval_needed`` event is decided by the callback, and the decision sent with this client's
key (which must have the approver or admin role), before the event is handed on.
"""

from __future__ import annotations

import inspect
import json
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Optional, Union

from ._request import APIRequest, api_request, path_param
from ._sse import ServerSentEvent
from ._streaming import _AsyncStream, _StreamBase, _SyncStream
from ._models import model_parser
from .types.agents import AgentEvent, ApprovalAccepted, ApprovalDecision, ApprovalRequest

if TYPE_CHECKING:
    from ._client import AsyncSomaAgent, SomaAgent

__all__ = ["AgentRunStream", "AsyncAgentRunStream", "OnApproval", "AsyncOnApproval", "decide_request"]

Decision = Union[ApprovalDecision, bool, str]
OnApproval = Callable[[ApprovalRequest], Decision]
AsyncOnApproval = Callable[[ApprovalRequest], Union[Decision, Awaitable[Decision]]]


def _as_decision(value: Decision) -> ApprovalDecision:
    if isinstance(value, ApprovalDecision):
        return value
    if value is True or value == "approve":
        return ApprovalDecision.approve()
    if value is False or value == "reject":
        return ApprovalDecision.reject()
    raise ValueError(f"on_approval returned {value!r}; return an ApprovalDecision, True (approve) or False (reject)")


def decide_request(run_id: str, call_id: str, decision: ApprovalDecision, options: Any) -> APIRequest[ApprovalAccepted]:
    body: Dict[str, Any] = {"call_id": call_id, "decision": decision.decision}
    if decision.arguments is not None:
        body["arguments"] = decision.arguments
    if decision.reason is not None:
        body["reason"] = decision.reason
    return api_request("POST", f"/v1/runs/{path_param('run_id', run_id)}/approvals", model_parser(ApprovalAccepted), options, body=body)


def _approval_request(run_id: str, event: AgentEvent) -> ApprovalRequest:
    data = event.data
    try:
        parsed = json.loads(str(data.get("arguments") or "{}"))
    except ValueError:
        parsed = {}
    return ApprovalRequest(
        run_id=run_id,
        call_id=str(data.get("call_id")),
        tool=str(data.get("tool")),
        arguments=parsed if isinstance(parsed, dict) else {},
        expires_at=str(data.get("expires_at")),
        event=event,
    )


class _AgentEvents(_StreamBase[AgentEvent]):
    def _init_state(self) -> None:
        self.run_id: Optional[str] = None
        """The run's id (from the stream's first event, for a run this stream started)."""
        self.final: Optional[AgentEvent] = None
        """The run's closing event (``final`` or ``error``), once read."""

    def _decode(self, sse: ServerSentEvent) -> Optional[AgentEvent]:
        # The run's own `error` event carries a sequence number; one without is the stream failing.
        if sse.event == "error":
            try:
                data = json.loads(sse.data)
            except ValueError:
                data = None
            if isinstance(data, dict) and isinstance(data.get("seq"), int):
                return self._on_event(sse, data)
        return super()._decode(sse)

    def _on_event(self, sse: ServerSentEvent, data: Dict[str, Any]) -> Optional[AgentEvent]:
        if sse.event == "run":
            self.run_id = str(data.get("id"))
            return None
        if sse.event == "end":
            return None
        event = AgentEvent.construct(data)
        if event.type in ("final", "error"):
            self.final = event
        return event


class AgentRunStream(_AgentEvents, _SyncStream[AgentEvent]):
    """An agent run's events as they happen, until it ends."""

    def __init__(self, client: SomaAgent, request: APIRequest[Any], *, run_id: Optional[str] = None, on_approval: Optional[OnApproval] = None) -> None:
        self._agent_client = client
        self._on_approval = on_approval
        super().__init__(client, request)
        if run_id is not None and self.run_id is None:
            self.run_id = run_id

    def __next__(self) -> AgentEvent:
        event = super().__next__()
        if event.type == "approval_needed" and self._on_approval is not None and self.run_id is not None:
            request = _approval_request(self.run_id, event)
            decision = _as_decision(self._on_approval(request))
            self._agent_client._request(decide_request(self.run_id, request.call_id, decision, {}))
        return event

    def output(self) -> Optional[str]:
        """Reads to the end; the final answer's text (None when the run failed or was cancelled)."""
        self.until_done()
        if self.final is None or self.final.type != "final":
            return None
        output = self.final.data.get("output")
        return output if isinstance(output, str) else None


class AsyncAgentRunStream(_AgentEvents, _AsyncStream[AgentEvent]):
    """The async ``AgentRunStream``; ``on_approval`` may be a coroutine function."""

    def __init__(self, client: AsyncSomaAgent, request: APIRequest[Any], *, run_id: Optional[str] = None, on_approval: Optional[AsyncOnApproval] = None) -> None:
        super().__init__(client, request)
        self._on_approval = on_approval
        if run_id is not None:
            self.run_id = run_id

    async def __anext__(self) -> AgentEvent:
        event = await super().__anext__()
        if event.type == "approval_needed" and self._on_approval is not None and self.run_id is not None:
            request = _approval_request(self.run_id, event)
            value = self._on_approval(request)
            if inspect.isawaitable(value):
                value = await value
            await self._client._request(decide_request(self.run_id, request.call_id, _as_decision(value), {}))
        return event

    async def output(self) -> Optional[str]:
        await self.until_done()
        if self.final is None or self.final.type != "final":
            return None
        output = self.final.data.get("output")
        return output if isinstance(output, str) else None


# Streams built by a resource method get the on_approval callback through a factory.
def sync_agent_stream(on_approval: Optional[OnApproval], run_id: Optional[str] = None) -> Callable[[SomaAgent, APIRequest[Any]], AgentRunStream]:
    return lambda client, request: AgentRunStream(client, request, run_id=run_id, on_approval=on_approval)


def async_agent_stream(on_approval: Optional[AsyncOnApproval], run_id: Optional[str] = None) -> Callable[[AsyncSomaAgent, APIRequest[Any]], AsyncAgentRunStream]:
    return lambda client, request: AsyncAgentRunStream(client, request, run_id=run_id, on_approval=on_approval)
