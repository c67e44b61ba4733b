"""Tenants and API keys (admin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from .._models import BaseModel

__all__ = ["Tenant", "ApiKey", "ApiKeyRole"]

ApiKeyRole = Literal["admin", "approver", "member", "read-only"]
"""What a key may do. admin: everything; approver: a member that may also approve; member: every
tenant endpoint except approvals and admin; read-only: reads and run queries only."""


@dataclass
class Tenant(BaseModel):
    id: str
    object: Literal["tenant"]
    name: str
    created_at: str


@dataclass
class ApiKey(BaseModel):
    id: str
    object: Literal["api_key"]
    tenant_id: str
    name: str
    display_prefix: str
    role: ApiKeyRole
    admin: bool
    """Same as ``role == "admin"``."""
    created_at: str
    revoked_at: Optional[str] = None
    key: Optional[str] = None
    """The plaintext key: only in the answer of ``admin.keys.create``, never again."""
