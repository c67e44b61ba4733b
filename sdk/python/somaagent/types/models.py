"""The model registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, TypedDict

from .._models import BaseModel

__all__ = ["Model", "ModelCapabilities", "ModelPricing", "ModelLocalFile", "ModelCapabilitiesParam", "ModelPricingParam"]


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
class ModelLocalFile(BaseModel):
    """The installed GGUF file of a local model: where it came from, its size and checksum."""

    kind: Literal["chat", "base"]
    source: str
    """``pypi:<package>==<version>`` or the path the file was added from."""
    size_bytes: int
    sha256: str


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
    local: Optional[ModelLocalFile] = None
    """Only on ``local/*`` models whose GGUF is installed on the server's machine."""
