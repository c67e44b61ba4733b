"""The tool registry and the tenant secret store. A secret's value is never part of a response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional

from .._models import BaseModel

__all__ = ["Tool", "ToolDeleted", "Secret", "SecretDeleted"]


@dataclass
class Tool(BaseModel):
    """One immutable version of a tool (kind ``http`` or ``builtin``)."""

    object: Literal["tool"]
    name: str
    version: int
    labels: List[str]
    """Labels pointing at this version."""
    source: Optional[str]
    """The capsule (``name@version``) that installed it; ``None`` when written through the API."""
    created_at: str
    kind: Literal["http", "builtin"]
    description: str
    input_schema: Dict[str, Any]
    requires_approval: bool
    timeout_ms: int
    builtin: Optional[str] = None
    http: Optional[Dict[str, Any]] = None
    """Method, URL template, headers, body mapping, auth (a secret's name), allowed hosts, limits."""


@dataclass
class ToolDeleted(BaseModel):
    object: Literal["tool"]
    name: str
    deleted: bool


@dataclass
class Secret(BaseModel):
    """A secret's name and dates; the value is write-only."""

    object: Literal["secret"]
    name: str
    created_at: str
    updated_at: str


@dataclass
class SecretDeleted(BaseModel):
    object: Literal["secret"]
    name: str
    deleted: bool
