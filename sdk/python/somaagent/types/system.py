"""Liveness and readiness."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from .._models import BaseModel

__all__ = ["Health", "Readiness", "ReadinessCheck"]


@dataclass
class Health(BaseModel):
    status: str


@dataclass
class ReadinessCheck(BaseModel):
    name: str
    ok: bool
    error: Optional[str] = None


@dataclass
class Readiness(BaseModel):
    status: str
    """``ready``, or ``not_ready`` (HTTP 503) when a dependency is unreachable."""
    checks: List[ReadinessCheck]

    @property
    def ready(self) -> bool:
        return self.status == "ready"
