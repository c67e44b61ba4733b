"""Spending limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from .._models import BaseModel

__all__ = ["Budget", "BudgetDeleted"]


@dataclass
class Budget(BaseModel):
    id: str
    object: Literal["budget"]
    tenant_id: str
    api_key_id: Optional[str]
    """None for a tenant-wide budget."""
    period: Literal["day", "month"]
    limit_usd: float
    on_exceed: Literal["reject", "downgrade"]
    spent_usd: float
    remaining_usd: float
    period_start: str


@dataclass
class BudgetDeleted(BaseModel):
    id: str
    object: Literal["budget"]
    deleted: bool
