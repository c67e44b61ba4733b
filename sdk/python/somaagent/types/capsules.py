"""Capsules: versioned, shareable bundles of prompt templates, a model policy, the tools they
need and an evaluation set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, TypedDict

from .._models import BaseModel
from .completions import MessageParam, RoutingParam
from .policies import PolicyParametersParam

__all__ = [
    "CapsulePromptParam",
    "CapsulePolicyParam",
    "CapsuleEvaluationParam",
    "Capsule",
    "CapsuleVersion",
    "CapsuleInstall",
    "InstalledPrompt",
]


class _CapsulePromptName(TypedDict):
    name: str


class CapsulePromptParam(_CapsulePromptName, total=False):
    """A prompt template of the capsule: ``text`` or ``messages``, as in ``prompts.create``."""

    text: str
    messages: List[MessageParam]
    variables: Dict[str, Any]
    note: str
    labels: List[str]
    """Labels the install points at this version (e.g. ``production``)."""


class CapsulePolicyParam(TypedDict, total=False):
    """The capsule's model policy: exactly one of ``model`` and ``models``."""

    model: str
    models: List[str]
    routing: RoutingParam
    parameters: PolicyParametersParam


class CapsuleEvaluationParam(TypedDict, total=False):
    cases: List[Dict[str, Any]]
    """``{name, variables?, messages?, expect?: {contains?: [...]}}`` each."""


@dataclass
class Capsule(BaseModel):
    object: Literal["capsule"]
    name: str
    description: str
    latest_version: str
    versions: List[str]
    """Newest first."""
    publisher_tenant_id: str


@dataclass
class CapsuleVersion(BaseModel):
    """A published version: its manifest, content hash and publisher."""

    object: Literal["capsule_version"]
    name: str
    version: str
    model_policy: Dict[str, Any]
    content_hash: str
    publisher_tenant_id: str
    created_at: str
    description: str = ""
    prompts: List[Dict[str, Any]] = field(default_factory=list)
    required_tools: List[str] = field(default_factory=list)
    tools: Optional[List[Dict[str, Any]]] = None
    """Tool specs the install writes into the tenant's registry."""
    agents: Optional[List[Dict[str, Any]]] = None
    """Agent definitions the install writes (a new version only when one changed)."""
    evaluation: Optional[Dict[str, Any]] = None


@dataclass
class InstalledPrompt(BaseModel):
    name: str
    version: int
    created: bool
    labels: List[str]


@dataclass
class CapsuleInstall(BaseModel):
    object: Literal["capsule_install"]
    name: str
    version: str
    installed_at: str
    prompts: Optional[List[InstalledPrompt]] = None
    """From ``install``: the templates it created or updated."""
    policy: Optional[str] = None
    """From ``install``: the model policy it created (named after the capsule)."""
    required_tools: Optional[List[str]] = None
    tools: Optional[List[Dict[str, Any]]] = None
    """From ``install``: each tool (name, version, created) it wrote into the registry."""
