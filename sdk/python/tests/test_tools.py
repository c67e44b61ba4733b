"""The tool registry and the write-only secret store."""

from __future__ import annotations

import dataclasses

import pytest
from support import unique

from somaagent import AsyncSomaAgent, BadRequestError, NotFoundError, PermissionDeniedError, SomaAgent


def test_tools_and_secrets(admin: SomaAgent, client: SomaAgent) -> None:
    secret_name = unique("py.token")
    secret = admin.secrets.set(secret_name, "py-secret-value-123")
    assert secret.name == secret_name and secret.created_at
    assert "value" not in {f.name for f in dataclasses.fields(secret)}
    assert secret_name in {s.name for s in admin.secrets.list()}

    name = unique("py_lookup").replace("-", "_")
    spec = {
        "url": "https://api.example.com/items/{id}{?q}",
        "auth": {"type": "bearer", "secret": secret_name},
    }
    schema = {"type": "object", "properties": {"id": {"type": "string"}, "q": {"type": "string"}}, "required": ["id"]}
    v1 = admin.tools.create(name=name, kind="http", http=spec, input_schema=schema, labels=["prod"])
    assert (v1.version, v1.kind, v1.labels, v1.requires_approval) == (1, "http", ["prod"], False)
    assert v1.http is not None and v1.http["auth"] == {"type": "bearer", "secret": secret_name}
    assert admin.tools.create(name=name, kind="http", http=spec, input_schema=schema).version == 1
    v2 = admin.tools.create(name=name, kind="http", http=spec, input_schema=schema, requires_approval=True, timeout_ms=5000)
    assert (v2.version, v2.requires_approval, v2.timeout_ms) == (2, True, 5000)
    assert admin.tools.get(name).version == 2
    assert admin.tools.get(name, version=1).version == 1
    assert admin.tools.get(name, label="prod").version == 1
    assert [t.version for t in admin.tools.versions(name)] == [2, 1]
    assert name in {t.name for t in admin.tools.list()}

    builtin = admin.tools.create(name=unique("py_search").replace("-", "_"), kind="builtin", builtin="memory_search")
    assert builtin.builtin == "memory_search"

    with pytest.raises(BadRequestError):
        admin.tools.create(name=unique("py_bad").replace("-", "_"), kind="http", http={"url": "http://{host}/x"})
    # Another tenant sees nothing of it, and a non-admin key writes nothing.
    with pytest.raises(NotFoundError):
        client.tools.get(name)
    with pytest.raises(PermissionDeniedError):
        client.tools.create(name="nope", kind="builtin", builtin="memory_search")
    with pytest.raises(PermissionDeniedError):
        client.secrets.set("nope", "x")

    assert admin.tools.delete(name).deleted is True
    assert admin.tools.delete(builtin.name).deleted is True
    assert admin.secrets.delete(secret_name).deleted is True
    with pytest.raises(NotFoundError):
        admin.tools.get(name)


async def test_tools_async(base_url: str, admin_key: str) -> None:
    async with AsyncSomaAgent(api_key=admin_key, base_url=base_url) as admin:
        name = unique("py_async").replace("-", "_")
        created = await admin.tools.create(name=name, kind="builtin", builtin="render_prompt")
        assert created.version == 1
        assert name in {t.name for t in await admin.tools.list()}
        assert (await admin.tools.delete(name)).deleted is True
        assert isinstance(await admin.secrets.list(), object)
