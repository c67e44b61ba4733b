"""When to retry a request and how long to wait first."""

from __future__ import annotations

import email.utils
import random
import time
from typing import Mapping, Optional

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY

# 408 timeout, 409 conflict (e.g. the same idempotency key still in flight), 429 rate limit.
_RETRYABLE_STATUSES = frozenset({408, 409, 429})


def should_retry_status(status_code: int, headers: Mapping[str, str]) -> bool:
    """Whether an answer with this status is worth another attempt.

    The server may decide with ``x-should-retry: true|false``; otherwise 408, 409, 429 and 5xx
    are retried. A POST is safe to repeat because it carries the same Idempotency-Key.
    """
    verdict = headers.get("x-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    return status_code in _RETRYABLE_STATUSES or status_code >= 500


def parse_retry_after(headers: Mapping[str, str]) -> Optional[float]:
    """Seconds the server asked to wait: ``retry-after-ms``, else ``retry-after`` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def retry_delay(retries_taken: int, headers: Optional[Mapping[str, str]] = None) -> float:
    """The wait before the next attempt: the server's Retry-After when it gave a sane one,
    else exponential backoff with jitter."""
    asked = parse_retry_after(headers) if headers is not None else None
    if asked is not None and asked <= MAX_RETRY_AFTER:
        return asked
    backoff = min(INITIAL_RETRY_DELAY * (2.0**retries_taken), MAX_RETRY_DELAY)
    return backoff * (1 - 0.25 * random.random())
