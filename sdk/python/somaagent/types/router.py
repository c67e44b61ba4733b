"""Feedback on runs and the learned router (outcome imports, trained versions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional

from .._models import BaseModel

__all__ = ["RunFeedback", "OutcomeImport", "OutcomeSummary", "RouterVersion"]


@dataclass
class RunFeedback(BaseModel):
    object: Literal["run_feedback"]
    id: str
    run_id: str
    rating: Optional[float]
    """Normalised to -1 (bad) .. 1 (good)."""
    rating_raw: Optional[float]
    rating_scale: Optional[Literal["signed", "five_point"]]
    corrected_output: Optional[str]
    labels: List[str]
    comment: Optional[str]
    author_key_id: str
    """The key that sent it."""
    created_at: str


@dataclass
class OutcomeImport(BaseModel):
    object: Literal["outcome_import"]
    id: str
    name: str
    lines: int
    prompts: int
    outcome_rows: int
    created_at: str


@dataclass
class OutcomeSummary(BaseModel):
    object: Literal["outcome_summary"]
    prompts: int
    outcome_rows: int
    by_source: Dict[str, int]
    models: List[str]
    imports: List[OutcomeImport] = field(default_factory=list)


@dataclass
class RouterVersion(BaseModel):
    object: Literal["router_version"]
    version: str
    kind: str
    status: Literal["candidate", "active", "retired"]
    metrics: Dict[str, Any]
    trained_on: Dict[str, Any]
    promoted_by: Optional[str]
    promoted_at: Optional[str]
    created_at: str
