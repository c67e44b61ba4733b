"""Defaults shared by the sync and async clients."""

from __future__ import annotations

DEFAULT_BASE_URL = "http://localhost:8080"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2

# Backoff between attempts: 0.5 s, 1 s, 2 s, ... capped at 8 s, each shortened by up to a
# quarter at random so that many clients retrying together do not arrive together.
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A Retry-After longer than this is not waited for; the backoff applies instead.
MAX_RETRY_AFTER = 60.0

API_KEY_ENV = "SOMAAGENT_API_KEY"
BASE_URL_ENV = "SOMAAGENT_BASE_URL"
