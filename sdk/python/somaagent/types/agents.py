"""Agents: versioned definitions, durable runs, their events and approvals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

from .._models import BaseModel

__all__ = [
    "Agent",
    "AgentVersion",
    "AgentRunState",
    "AgentStep",
    "AgentToolCall",
    "AgentEvent",
    "AgentEventList",
    "AgentRunAccepted",
    "ApprovalList",
    "PendingApproval",
    "ApprovalRecord",
    "ApprovalAccepted",
    "ApprovalRequest",
    "ApprovalDecision",
    "AgentMessageParam",
]


class AgentMessageParam(TypedDict):
    role: Literal["user", "assistant", "system"]
    content: str


@dataclass
class Agent(BaseModel):
    """One version of an agent definition, with the agent's labels."""

    object: Literal["agent"]
    name: str
    description: str
    latest_version: int
    labels: Dict[str, int]
    """label → version"""
    version: int
    """The version shown."""
    definition: Dict[str, Any]
    """The definition as written (instructions, model, tools, limits, guardrails)."""
    note: Optional[str]
    created_by: Optional[str]
    created_at: str
    updated_at: str


@dataclass
class AgentVersion(BaseModel):
    object: Literal["agent_version"]
    name: str
    version: int
    definition: Dict[str, Any]
    note: Optional[str]
    created_by: Optional[str]
    created_at: str


@dataclass
class AgentToolCall(BaseModel):
    """One tool call of a step: what ran (arguments are JSON text), how it went, who approved."""

    call_id: str
    name: str
    arguments: str
    status: Literal["pending_approval", "running", "succeeded", "failed", "rejected", "cancelled"]
    original_arguments: Optional[str] = None
    """What the model asked for, when an approver edited the arguments."""
    result: Optional[str] = None
    error: Optional[Dict[str, Any]] = None
    approval: Optional[Dict[str, Any]] = None
    """``decision``, ``by`` (the approving key, or None for a time-out), ``reason``, ``timed_out``, ``at``."""
    latency_ms: Optional[float] = None
    cost_usd: Optional[float] = None


@dataclass
class AgentStep(BaseModel):
    """One model turn and the tool calls it asked for."""

    index: int
    started_at: str
    completion_run_id: str
    """The completion run of this turn (``client.runs.get``)."""
    tool_calls: List[AgentToolCall]
    cost_usd: float
    finished_at: Optional[str] = None
    model: Optional[str] = None
    text: Optional[str] = None
    model_latency_ms: Optional[float] = None
    latency_ms: Optional[float] = None
    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    corrective: Optional[bool] = None


@dataclass
class PendingApproval(BaseModel):
    call_id: str
    tool_name: str
    arguments: str
    """JSON text as the model produced it."""
    step: int
    requested_at: str
    expires_at: str
    timeout_action: Literal["reject", "approve", "fail"]


@dataclass
class AgentRunState(BaseModel):
    """An agent run: status, steps (cost, latency, tool calls), cost so far, pending approvals, transcript."""

    object: Literal["agent_run"]
    id: str
    status: Literal["running", "waiting_approval", "completed", "failed", "cancelled"]
    agent: str
    version: int
    step: int
    max_steps: int
    cost_usd: float
    max_cost_usd: Optional[float]
    pending_approvals: int
    steps: List[AgentStep]
    pending: List[PendingApproval]
    transcript: List[Dict[str, Any]]
    stop_reason: Optional[Literal["final", "max_steps", "max_cost", "cancelled", "failed"]] = None
    output: Optional[str] = None
    error: Optional[Dict[str, Any]] = None
    """``code`` and ``message``, when the run failed."""


@dataclass
class AgentEvent(BaseModel):
    """One thing that happened in a run: ``run_started``, ``step_started``, ``tool_call``,
    ``tool_result``, ``approval_needed``, ``approval_resolved``, ``handoff``, ``final``, ``error``."""

    seq: int
    type: str
    at: str
    data: Dict[str, Any]
    step: Optional[int] = None


@dataclass
class AgentEventList(BaseModel):
    object: Literal["list"]
    run_id: str
    data: List[AgentEvent]


@dataclass
class AgentRunAccepted(BaseModel):
    id: str
    object: Literal["run"]
    kind: str
    status: str
    created_at: str


@dataclass
class ApprovalRecord(BaseModel):
    call_id: str
    tool_name: str
    decision: Literal["approve", "edit", "reject"]
    timed_out: bool
    approver: Optional[Dict[str, Any]]
    """``key_id`` and ``key_name`` of the key that decided; None when the time-out policy did."""
    reason: Optional[str]
    decided_at: str


@dataclass
class ApprovalList(BaseModel):
    object: Literal["list"]
    run_id: str
    pending: List[PendingApproval]
    decided: List[ApprovalRecord]


@dataclass
class ApprovalAccepted(BaseModel):
    run_id: str
    call_id: str
    decision: Literal["approve", "edit", "reject"]
    accepted: bool
    approver: Dict[str, Any]


@dataclass
class ApprovalRequest:
    """A tool call waiting for a decision, as ``on_approval`` receives it."""

    run_id: str
    call_id: str
    tool: str
    arguments: Dict[str, Any]
    """Parsed from the model's JSON text (empty when it is not JSON)."""
    expires_at: str
    event: AgentEvent


@dataclass
class ApprovalDecision:
    """What ``on_approval`` returns: ``approve``, ``reject``, or ``edit`` with new ``arguments``."""

    decision: Literal["approve", "edit", "reject"]
    arguments: Optional[Dict[str, Any]] = None
    reason: Optional[str] = None

    @classmethod
    def approve(cls, reason: Optional[str] = None) -> "ApprovalDecision":
        return cls("approve", None, reason)

    @classmethod
    def reject(cls, reason: Optional[str] = None) -> "ApprovalDecision":
        return cls("reject", None, reason)

    @classmethod
    def edit(cls, arguments: Dict[str, Any], reason: Optional[str] = None) -> "ApprovalDecision":
        return cls("edit", arguments, reason)


DecisionLike = Union[ApprovalDecision, bool, str]
