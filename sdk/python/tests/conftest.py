"""Fixtures for tests against a real, running SomaAgent platform (nothing is mocked).

The environment names it: SOMAAGENT_BASE_URL, SOMAAGENT_API_KEY (a tenant key),
SOMAAGENT_ADMIN_KEY, and SOMAAGENT_EMULATOR_URL (the provider emulator's control API).
test/sdk-python.test.ts starts such a platform (with PROVIDER_MAX_ATTEMPTS=1) and runs these.
"""

from __future__ import annotations

import os
import uuid
from typing import AsyncIterator, Iterator

import pytest
from support import Emulator, Tenant

from somaagent import AsyncSomaAgent, SomaAgent


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"needs a running platform: set {name} (test/sdk-python.test.ts does)")
    return value


@pytest.fixture(scope="session")
def base_url() -> str:
    return _env("SOMAAGENT_BASE_URL")


@pytest.fixture(scope="session")
def api_key() -> str:
    return _env("SOMAAGENT_API_KEY")


@pytest.fixture(scope="session")
def admin_key() -> str:
    return _env("SOMAAGENT_ADMIN_KEY")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emulator = Emulator(_env("SOMAAGENT_EMULATOR_URL"))
    emulator.reset()
    yield emulator
    emulator.reset()
    emulator.close()


@pytest.fixture
def client(base_url: str, api_key: str) -> Iterator[SomaAgent]:
    with SomaAgent(api_key=api_key, base_url=base_url) as client:
        yield client


@pytest.fixture
async def async_client(base_url: str, api_key: str) -> AsyncIterator[AsyncSomaAgent]:
    async with AsyncSomaAgent(api_key=api_key, base_url=base_url) as client:
        yield client


@pytest.fixture
def admin(base_url: str, admin_key: str) -> Iterator[SomaAgent]:
    with SomaAgent(api_key=admin_key, base_url=base_url) as client:
        yield client


@pytest.fixture
def fresh_tenant(admin: SomaAgent, base_url: str) -> Iterator[Tenant]:
    """A tenant of its own, for tests that change tenant-wide state (budgets)."""
    tenant = admin.admin.tenants.create(name=f"py-sdk-{uuid.uuid4().hex[:8]}")
    key = admin.admin.keys.create(tenant.id, name="py-sdk")
    assert key.key is not None
    with SomaAgent(api_key=key.key, base_url=base_url) as client:
        yield Tenant(tenant.id, client)
