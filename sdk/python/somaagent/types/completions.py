"""Completions: request parameters (TypedDicts, as you would write them in JSON) and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

from .._models import BaseModel
from .memory import CompletionMemory

__all__ = [
    "MessageParam",
    "ToolParam",
    "ToolCallParam",
    "NamedToolChoiceParam",
    "ResponseFormatParam",
    "ToolCall",
    "ToolCallDeltaEvent",
    "RoutingParam",
    "TemplateParam",
    "Completion",
    "Usage",
    "AttemptRecord",
    "BudgetDowngrade",
    "PromptReference",
    "RunEvent",
    "DeltaEvent",
    "RetryEvent",
    "FallbackEvent",
    "CompletionEvent",
    "CompletionStreamEvent",
]

Role = Literal["system", "user", "assistant"]
MessageRole = Literal["system", "user", "assistant", "tool"]
Capability = Literal["tools", "vision", "json_mode", "streaming"]
ProviderName = Literal["openai", "anthropic", "local"]
FinishReason = Literal["stop", "length", "content_filter", "tool_calls", "other"]


class ToolCallParam(TypedDict):
    """A call the model asked for, sent back in the conversation (``arguments`` is JSON text)."""

    id: str
    name: str
    arguments: str


class _Message(TypedDict):
    role: MessageRole
    content: str
    """Empty (``""``) on an assistant turn that only calls tools."""


class MessageParam(_Message, total=False):
    """A message: ``tool_calls`` on an assistant turn that called tools, ``tool_call_id`` on a
    ``tool`` message (the result of that call)."""

    tool_calls: List[ToolCallParam]
    tool_call_id: str


class _ToolName(TypedDict):
    name: str


class ToolParam(_ToolName, total=False):
    """A function the model may call; ``parameters`` is a JSON Schema of type object."""

    description: str
    parameters: Dict[str, Any]


class NamedToolChoiceParam(TypedDict):
    """``tool_choice={"name": ...}``: call exactly this tool."""

    name: str


class ResponseFormatParam(TypedDict, total=False):
    """``{"type": "text" | "json_object"}`` or ``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}``."""

    type: Literal["text", "json_object", "json_schema"]
    json_schema: Dict[str, Any]


ToolChoiceParam = Union[Literal["auto", "none", "required"], NamedToolChoiceParam]


class RoutingParam(TypedDict, total=False):
    """Constraints of ``model="auto"`` (cost-aware routing)."""

    quality_floor: float
    latency_ceiling_ms: int
    requires: List[Capability]
    fallbacks: int
    """Fallbacks to chain after the chosen model."""
    upgrade_allowance_usd: float
    """Deprecated: 0 always takes the cheapest adequate model; other values are ignored."""
    learned_router: str
    """Decide with a learned router of the tenant: a version, or ``active`` (the promoted one)."""
    shadow_router: str
    """With learned_router: also run this version and record what it would have chosen (shadow mode)."""


class _TemplateName(TypedDict):
    name: str


class TemplateParam(_TemplateName, total=False):
    """A prompt template to render into the messages: by ``label`` or ``version`` (not both)."""

    label: str
    version: int
    variables: Dict[str, Any]


@dataclass
class Usage(BaseModel):
    input_tokens: int
    output_tokens: int


@dataclass
class AttemptRecord(BaseModel):
    """What one model of the fallback chain did."""

    model: str
    provider: str
    outcome: Literal["answered", "failed", "skipped"]
    error: Optional[str]
    attempts: int


@dataclass
class BudgetDowngrade(BaseModel):
    """Present when a downgrade budget replaced the requested model."""

    from_: str = field(metadata={"json": "from"})
    budget_id: str


@dataclass
class PromptReference(BaseModel):
    """The template version a completion was rendered from."""

    name: str
    version: int
    label: Optional[str]
    content_hash: str


@dataclass
class ToolCall(BaseModel):
    """A call the model asked for; answer it with a ``tool`` message carrying its ``id``."""

    id: str
    name: str
    arguments: str
    """The arguments as JSON text, exactly as the model produced them."""


@dataclass
class Completion(BaseModel):
    id: str
    """The run id (a Temporal workflow id): ``client.runs.get(id)`` shows the run."""
    object: Literal["completion"]
    model: str
    """The registry id of the model that answered."""
    requested_model: str
    """What the request asked for: a model id, ``auto``, or the first of ``models``."""
    provider: ProviderName
    provider_model: str
    text: str
    finish_reason: FinishReason
    usage: Usage
    simulated: bool
    """True when the provider emulator answered, not a real model."""
    attempts: int
    """Temporal attempts of the model that answered."""
    latency_ms: int
    cost_usd: float
    """At registry prices; 0 for unpriced models."""
    fallback_depth: int
    """Position in the fallback chain of the model that answered (0: the first)."""
    attempt_history: List[AttemptRecord]
    routing: Optional[Dict[str, Any]] = None
    """The auto policy decision (score, tier, signals, chosen, fallbacks, reasons)."""
    budget_downgrade: Optional[BudgetDowngrade] = None
    prompt: Optional[PromptReference] = None
    policy: Optional[str] = None
    """The model policy the request used: the one it named, or the tenant's default."""
    conversation: Optional[str] = None
    """The conversation the completion continued (its turn and answer were added to it)."""
    memory: Optional[CompletionMemory] = None
    """With ``memory=`` in the request: the passages injected in front of the model (``memory.injected``)."""
    tool_calls: Optional[List[ToolCall]] = None
    """The calls the model asked for (``finish_reason == "tool_calls"``)."""


@dataclass
class RunEvent(BaseModel):
    """Always first: the run id of the streamed completion."""

    id: str
    object: str
    kind: str
    model: str
    """The first candidate model."""
    requested_model: str
    type: Literal["run"] = "run"


@dataclass
class DeltaEvent(BaseModel):
    """The next piece of the answer."""

    text: str
    type: Literal["delta"] = "delta"


@dataclass
class ToolCallDeltaEvent(BaseModel):
    """A piece of a tool call: the first piece of a call has its ``id`` and ``name``; the
    ``arguments_delta`` pieces of one ``index`` add up to its JSON arguments."""

    index: int
    arguments_delta: str
    id: Optional[str] = None
    name: Optional[str] = None
    type: Literal["tool_call_delta"] = "tool_call_delta"


@dataclass
class RetryEvent(BaseModel):
    """The same model starts over; if ``discard_text``, the text so far belonged to the failed attempt."""

    model: str
    provider: str
    attempt: int
    fallback_depth: int
    error: str
    discard_text: bool
    type: Literal["retry"] = "retry"


@dataclass
class FallbackEvent(BaseModel):
    """The chain moved on to the next model; same ``discard_text`` rule as a retry."""

    from_: str = field(metadata={"json": "from"})
    to: str
    model: str
    provider: str
    attempt: int
    fallback_depth: int
    error: str
    discard_text: bool
    type: Literal["fallback"] = "fallback"


@dataclass
class CompletionEvent(BaseModel):
    """Last: the workflow's result, the same as a non-streamed answer."""

    completion: Completion
    type: Literal["completion"] = "completion"


CompletionStreamEvent = Union[RunEvent, DeltaEvent, ToolCallDeltaEvent, RetryEvent, FallbackEvent, CompletionEvent]
