"""Model policies: named choices of model, chain or auto routing, with default parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, TypedDict

from .._models import BaseModel

__all__ = ["Policy", "PolicyDeleted", "PolicyParametersParam"]


class PolicyParametersParam(TypedDict, total=False):
    """Defaults a request may override."""

    max_tokens: int
    temperature: float


@dataclass
class Policy(BaseModel):
    object: Literal["policy"]
    name: str
    default: bool
    """Whether completions that name no model use it."""
    updated_at: str
    model: Optional[str] = None
    """A model id, or ``auto``; or else ``models``."""
    models: Optional[List[str]] = None
    """A fallback chain."""
    routing: Optional[Dict[str, Any]] = None
    parameters: Optional[Dict[str, Any]] = None


@dataclass
class PolicyDeleted(BaseModel):
    object: Literal["policy"]
    name: str
    deleted: bool
