"""Small types shared by every module: the not-given marker and the per-call options."""

from __future__ import annotations

from typing import Literal, Mapping, TypedDict, Union

import httpx

__all__ = ["NOT_GIVEN", "NotGiven", "RequestOptions", "Timeout"]


class NotGiven:
    """Stands for an argument the caller left out.

    Optional parameters default to ``NOT_GIVEN`` rather than ``None`` so that ``None`` can still
    be sent as JSON ``null`` where the API gives null a meaning (``expected_version=None``:
    "only if the label does not exist yet"; ``guardrail=None``: "no guardrail").
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Timeout = Union[float, httpx.Timeout, None]
"""Seconds (a float), an ``httpx.Timeout`` for connect/read/write/pool apart, or None for none."""


class RequestOptions(TypedDict, total=False):
    """Options every method takes as keyword arguments, for this call only."""

    timeout: Timeout
    """Overrides the client's timeout."""
    max_retries: int
    """Overrides the client's max_retries (0 turns retries off)."""
    extra_headers: Mapping[str, str]
    """Headers added to (or replacing) the client's."""
    extra_query: Mapping[str, object]
    """Query parameters added to the method's."""
    extra_body: Mapping[str, object]
    """JSON fields added to the method's body (fields the SDK does not know yet)."""
    idempotency_key: str
    """The Idempotency-Key of a POST; by default one is generated per call and kept across retries."""
