"""Retrieval-augmented answers: the context they were generated from, and checked citations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Literal, Optional

from .._models import BaseModel
from .completions import Completion
from .memory import SearchSource

__all__ = ["RagAnswer", "RagPassage", "RagCitation"]


@dataclass
class RagPassage(BaseModel):
    """A passage of the context the answer was generated from."""

    label: str
    """``1``, ``2``, ...: what the answer cites as [1], [2]."""
    id: str
    """The chunk or message id."""
    score: float
    source: SearchSource


@dataclass
class RagCitation(BaseModel):
    """A passage the answer cites, with its text."""

    label: str
    id: str
    score: float
    text: str
    source: SearchSource


@dataclass
class RagAnswer(BaseModel):
    id: str
    """The RAG run id."""
    object: Literal["rag"]
    answer: str
    citations: List[RagCitation]
    """The passages the answer cites, in first-cited order."""
    invalid_citations: List[str]
    """Labels the answer cites that were not in its context: support it claims but does not have."""
    context: List[RagPassage]
    """Everything that was put in front of the model, best first."""
    completion: Optional[Completion] = None
    """The answer's completion run (model, usage, cost, attempt history); None when nothing was
    retrieved and no model was called."""
