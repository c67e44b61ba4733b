"""Prompt templates, their immutable versions, labels and renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional

from .._models import BaseModel

__all__ = [
    "ChatMessage",
    "PromptTemplate",
    "PromptTemplateVersion",
    "PromptLabel",
    "LabelEvent",
    "PromptRender",
    "PromptDiff",
]


@dataclass
class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass
class PromptLabel(BaseModel):
    object: Literal["prompt_label"]
    template: str
    label: str
    version: Optional[int]
    """None once the label was deleted."""
    previous_version: Optional[int]
    moved: bool


@dataclass
class PromptTemplateVersion(BaseModel):
    object: Literal["prompt_template_version"]
    template: str
    version: int
    content_hash: str
    """sha256 of the content and variables schema."""
    type: Literal["text", "chat"]
    references: List[str]
    """Templates this one includes, imports or extends."""
    note: Optional[str]
    created_by: Optional[str]
    created_at: str
    text: Optional[str] = None
    """The template of a text version (not in version lists)."""
    messages: Optional[List[ChatMessage]] = None
    """The templates of a chat version (not in version lists)."""
    variables: Optional[Dict[str, Any]] = None
    """JSON Schema of the variables (not in version lists)."""
    created: Optional[bool] = None
    """From ``versions.create``: False when the content equalled the latest version."""
    labels: Optional[List[PromptLabel]] = None
    """From ``versions.create``: the labels moved to it."""


@dataclass
class PromptTemplate(BaseModel):
    id: str
    object: Literal["prompt_template"]
    name: str
    description: str
    latest_version: int
    labels: Dict[str, int]
    """label → version."""
    created_at: str
    updated_at: str
    latest: Optional[PromptTemplateVersion] = None
    """From ``prompts.get``: the latest version."""
    version: Optional[PromptTemplateVersion] = None
    """From ``prompts.create``: version 1."""


@dataclass
class LabelEvent(BaseModel):
    id: str
    label: str
    from_version: Optional[int]
    to_version: Optional[int]
    actor: str
    """The API key id, ``experiment:<id>``, or ``loader``."""
    reason: Optional[str]
    created_at: str


@dataclass
class PromptRender(BaseModel):
    object: Literal["prompt_render"]
    template: str
    version: int
    label: Optional[str]
    content_hash: str
    type: Literal["text", "chat"]
    text: Optional[str] = None
    messages: Optional[List[ChatMessage]] = None


@dataclass
class PromptDiff(BaseModel):
    object: Literal["prompt_template_diff"]
    template: str
    from_: int = field(metadata={"json": "from"})
    to: int
    identical: bool
    lines_added: int
    lines_removed: int
    template_diff: str
    """Unified diff of the template text."""
    variables_diff: str
    """Unified diff of the variables schema."""
