"""A/B experiments between versions of a prompt template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, TypedDict

from .._models import BaseModel
from .prompts import PromptRender

__all__ = [
    "VariantParam",
    "GuardrailParam",
    "Experiment",
    "ExperimentVariant",
    "ExperimentGuardrail",
    "ExperimentDecision",
    "ExperimentApprover",
    "ExperimentAssignment",
    "ExperimentOutcome",
    "ExperimentApproval",
    "ExperimentResults",
    "VariantResult",
    "VariantComparison",
]

ExperimentStatus = Literal["running", "awaiting_approval", "promoted", "rejected", "approval_timed_out", "cancelled", "failed"]


class _VariantRequired(TypedDict):
    name: str
    version: int


class VariantParam(_VariantRequired, total=False):
    model: str
    """A model for this variant; returned by assignments."""
    weight: float
    """Relative share of traffic (default 1)."""


class GuardrailParam(TypedDict, total=False):
    alpha: float
    min_samples_per_variant: int


@dataclass
class ExperimentVariant(BaseModel):
    name: str
    version: int
    model: Optional[str]
    weight: float


@dataclass
class ExperimentGuardrail(BaseModel):
    alpha: float
    min_samples_per_variant: int


@dataclass
class ExperimentApprover(BaseModel):
    """The API key that decided: the authenticated caller, never a request field."""

    key_id: str
    key_name: Optional[str]


@dataclass
class ExperimentDecision(BaseModel):
    decision: Literal["approve", "reject", "timeout"]
    by: Optional[ExperimentApprover]
    """None on a time-out."""
    comment: Optional[str]
    variant: Optional[str]
    label: Optional[str]
    from_version: Optional[int]
    to_version: Optional[int]


@dataclass
class Experiment(BaseModel):
    id: str
    """Also its workflow id."""
    object: Literal["experiment"]
    name: str
    template: str
    status: ExperimentStatus
    variants: List[ExperimentVariant]
    """The first is the control."""
    metric: Literal["score", "success"]
    goal: Literal["maximize", "minimize"]
    confidence: float
    min_samples_per_variant: int
    max_duration_seconds: float
    check_interval_seconds: float
    guardrail: Optional[ExperimentGuardrail]
    approval_timeout_seconds: float
    promote_label: str
    stop_reason: Optional[Literal["sample_size_reached", "deadline", "guardrail"]]
    recommendation: Optional[Dict[str, Any]]
    """``{variant, version, reason}`` once the experiment stopped."""
    decision: Optional[ExperimentDecision]
    created_at: str
    updated_at: str


@dataclass
class ExperimentAssignment(BaseModel):
    object: Literal["experiment_assignment"]
    experiment_id: str
    subject_id: str
    variant: str
    template: str
    version: int
    model: Optional[str]
    first_exposure: bool
    rendered: Optional[PromptRender] = None
    """The variant rendered with the variables, when they were given."""


@dataclass
class ExperimentOutcome(BaseModel):
    object: Literal["experiment_outcome"]
    experiment_id: str
    subject_id: str
    variant: str
    value: float


@dataclass
class ExperimentApproval(BaseModel):
    object: Literal["experiment_approval"]
    experiment_id: str
    decision: Literal["approve", "reject"]
    variant: Optional[str]
    accepted: bool


@dataclass
class VariantResult(BaseModel):
    name: str
    version: Optional[int]
    exposures: int
    outcomes: int
    mean: Optional[float]
    stddev: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    quarantined_outcomes: int
    """Stored outcomes left out of the statistics (not finite, or beyond ±1e12)."""


@dataclass
class VariantComparison(BaseModel):
    """A variant against the control."""

    variant: str
    control: str
    difference: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    statistic: Optional[float]
    df: Optional[float]
    p_value: Optional[float]
    significant: bool
    better: Optional[bool]


@dataclass
class ExperimentResults(BaseModel):
    object: Literal["experiment_results"]
    experiment_id: str
    status: ExperimentStatus
    metric: Literal["score", "success"]
    goal: Literal["maximize", "minimize"]
    test: Literal["welch_t_test", "two_proportion_z_test"]
    test_description: str
    confidence: float
    alpha: float
    adjusted_alpha: float
    """alpha / (variants - 1): Bonferroni."""
    control: str
    variants: List[VariantResult]
    comparisons: List[VariantComparison]
    quarantined_outcomes: int
    """Stored outcomes left out of the statistics, over all variants."""
    sample_size_reached: bool
    guardrail_breach: Optional[Dict[str, Any]]
    """``{variant, p_value}`` when a treatment was significantly worse than the control."""
    recommendation: Dict[str, Any]
    """``{variant, reason}``."""
