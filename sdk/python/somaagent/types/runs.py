"""Runs: the durable workflows behind every capability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Literal, Optional

from .._models import BaseModel
from .completions import Completion

__all__ = ["Run", "RunError", "RunStatus", "RunQueryResult", "RunSignalResult", "RunCancelResult", "RunHistoryEvent"]

RunStatus = Literal["running", "completed", "failed", "cancelled", "terminated", "timed_out", "continued_as_new", "unknown"]


@dataclass
class RunError(BaseModel):
    type: str
    code: str
    message: str


@dataclass
class Run(BaseModel):
    id: str
    """The workflow id: the same in the Temporal Web UI."""
    object: Literal["run"]
    kind: str
    """The capability: ``completion``, ``prompt_experiment``, ..."""
    status: RunStatus
    model: Optional[str] = None
    created_at: Optional[str] = None
    """ISO 8601; absent from the answer of a completion started in the background."""
    closed_at: Optional[str] = None
    result: Any = None
    """The result once completed (a completion's is the completion body: see ``completion``)."""
    error: Optional[RunError] = None
    """Why it failed, once failed, cancelled or timed out."""

    @property
    def completion(self) -> Optional[Completion]:
        """The result of a completed completion run, as a ``Completion``."""
        if self.kind == "completion" and isinstance(self.result, dict):
            return Completion.construct(self.result)
        return None


@dataclass
class RunQueryResult(BaseModel):
    id: str
    query: str
    result: Any


@dataclass
class RunSignalResult(BaseModel):
    id: str
    signal: str
    accepted: bool


@dataclass
class RunCancelResult(BaseModel):
    id: str
    status: Literal["cancel_requested"]


@dataclass
class RunHistoryEvent(BaseModel):
    """One event of a run's Temporal history: what happened and when, never inputs or results."""

    id: int
    type: str
    """e.g. ``workflow_execution_started``, ``activity_task_scheduled``, ``workflow_execution_completed``."""
    time: Optional[str]
    summary: Optional[str] = None
    """The activity or timer it is about, e.g. ``callModel: gpt-4o-mini (fallback 1)``."""
    details: Optional[Dict[str, Any]] = None
    """A failure's message and type, a retry's attempt, a signal's name."""
