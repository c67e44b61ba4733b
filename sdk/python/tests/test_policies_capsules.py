"""Model policies and capsules."""

from __future__ import annotations

import pytest
from support import MODEL, SECOND_MODEL, Tenant, unique, user

from somaagent import BadRequestError, ConflictError, NotFoundError, SomaAgent


def test_policies(fresh_tenant: Tenant) -> None:
    client = fresh_tenant.client
    with pytest.raises(BadRequestError) as caught:
        client.completions.create(messages=user("which model?"))
    assert caught.value.code == "model_required"

    chain = client.policies.put("chain", models=[MODEL, SECOND_MODEL], parameters={"max_tokens": 64})
    assert chain.models == [MODEL, SECOND_MODEL] and chain.default is False
    client.policies.put("cheap", model=MODEL, parameters={"temperature": 0}, default=True)
    assert {p.name for p in client.policies.list()} == {"chain", "cheap"}
    assert client.policies.get("cheap").default is True

    # No model named: the default policy answers.
    assert client.completions.create(messages=user("default")).policy == "cheap"
    named = client.completions.create(policy="chain", messages=user("named"))
    assert named.policy == "chain" and named.model == MODEL

    assert client.policies.delete("chain").deleted is True
    with pytest.raises(NotFoundError):
        client.policies.get("chain")


def test_capsules(client: SomaAgent, fresh_tenant: Tenant) -> None:
    name = unique("helper")
    published = client.capsules.publish(
        name=name,
        version="1.0.0",
        description="Answers briefly",
        prompts=[{"name": f"{name}-answer", "text": "Answer briefly: {{ question }}", "variables": {"properties": {"question": {"type": "string"}}}, "labels": ["production"]}],
        model_policy={"model": MODEL, "parameters": {"max_tokens": 100}},
        required_tools=["search"],
    )
    assert published.name == name and published.version == "1.0.0" and published.content_hash
    with pytest.raises(ConflictError):
        client.capsules.publish(name=name, version="1.0.0", model_policy={"model": SECOND_MODEL}, max_retries=0)

    assert client.capsules.get(name).versions == ["1.0.0"]
    assert name in [c.name for c in client.capsules.list()]
    assert client.capsules.versions.get(name, "1.0.0").required_tools == ["search"]

    installed = fresh_tenant.client.capsules.install(name)
    assert installed.version == "1.0.0" and installed.policy == name
    assert installed.prompts is not None and installed.prompts[0].name == f"{name}-answer"
    assert [i.name for i in fresh_tenant.client.capsules.list_installed()] == [name]
    answer = fresh_tenant.client.completions.create(policy=name, template={"name": f"{name}-answer", "variables": {"question": "Why?"}})
    assert "Answer briefly: Why?" in answer.text

