"""Conversations: tenant-scoped threads of messages that completions continue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Optional, TypedDict

from .._models import BaseModel

__all__ = ["ConversationMessageParam", "Conversation", "ConversationMessage", "ConversationDeleted"]


class _MessageRequired(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


class ConversationMessageParam(_MessageRequired, total=False):
    metadata: Dict[str, Any]
    """Up to 16 KB of JSON kept with the message."""


@dataclass
class ConversationMessage(BaseModel):
    id: str
    object: Literal["conversation.message"]
    seq: int
    """Its place in the conversation (oldest first)."""
    role: Literal["system", "user", "assistant"]
    content: str
    run_id: Optional[str]
    """The completion run that added it, if one did."""
    metadata: Optional[Dict[str, Any]]
    created_at: str


@dataclass
class Conversation(BaseModel):
    id: str
    """``conv_...``: pass it as ``conversation=`` to ``completions.create`` to continue it."""
    object: Literal["conversation"]
    title: Optional[str]
    metadata: Optional[Dict[str, Any]]
    created_at: str
    updated_at: str
    messages: Optional[List[ConversationMessage]] = None
    """From ``create`` and ``get``: the messages, oldest first (not in lists)."""


@dataclass
class ConversationDeleted(BaseModel):
    id: str
    object: Literal["conversation"]
    deleted: bool
