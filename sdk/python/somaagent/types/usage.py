"""Model usage and cost reports (from the per-attempt model metrics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Literal, Optional

from .._models import BaseModel

__all__ = ["ModelUsage", "ModelUsageReport", "CostReport", "CostRow"]


@dataclass
class ModelUsage(BaseModel):
    """One model's attempts over the window."""

    model: str
    provider: str
    attempts: int
    errors: int
    error_rate: float
    latency_p50_ms: Optional[float]
    """Of the successful attempts; None when none succeeded."""
    latency_p95_ms: Optional[float]
    ttft_p50_ms: Optional[float]
    """Median time to first token of streamed attempts; None when none streamed."""
    input_tokens: int
    output_tokens: int
    cost_usd: float


@dataclass
class ModelUsageReport(BaseModel):
    object: Literal["list"]
    from_: str = field(metadata={"json": "from"})
    to: str
    data: List[ModelUsage]


@dataclass
class CostRow(BaseModel):
    """What one model cost on one UTC day, failed attempts included."""

    day: str
    model: str
    provider: str
    attempts: int
    input_tokens: int
    output_tokens: int
    cost_usd: float


@dataclass
class CostReport(BaseModel):
    object: Literal["cost_report"]
    tenant_id: str
    from_: str = field(metadata={"json": "from"})
    to: str
    total_cost_usd: float
    rows: List[CostRow]
