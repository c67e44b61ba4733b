"""The model registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, TypedDict

from .._models import BaseModel

__all__ = ["Model", "ModelCapabilities", "ModelPricing", "ModelCapabilitiesParam", "ModelPricingParam"]


class ModelCapabilitiesParam(TypedDict):
    tools: bool
    vision: bool
    json_mode: bool
    streaming: bool


class ModelPricingParam(TypedDict):
    input_per_mtok: float
    """USD per million input tokens."""
    output_per_mtok: float


@dataclass
class ModelCapabilities(BaseModel):
    tools: bool
    vision: bool
    json_mode: bool
    streaming: bool


@dataclass
class ModelPricing(BaseModel):
    input_per_mtok: float
    output_per_mtok: float


@dataclass
class Model(BaseModel):
    id: str
    """``gpt-4o-mini``, ``claude-...``, ``local/llama3.2``, ..."""
    object: Literal["model"]
    provider: Literal["openai", "anthropic", "local"]
    provider_model: str
    context_window: int
    max_output_tokens: int
    capabilities: ModelCapabilities
    pricing: ModelPricing
    tier: int
    quality: float
    typical_latency_ms: int
    enabled: bool
    source: Literal["catalogue", "admin"]
    updated_at: str
    created: Optional[int] = None
    """OpenAI's model object field: unix seconds of the last update."""
    owned_by: Optional[str] = None
    """OpenAI's model object field: the provider that serves the model."""
