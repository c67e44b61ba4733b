"""The remaining resources: models, admin, usage, budgets and experiments."""

from __future__ import annotations

import time

import pytest

from somaagent import ConflictError, NotFoundError, SomaAgent

from support import MODEL, Tenant, unique, user


def test_models(client: SomaAgent, admin: SomaAgent) -> None:
    models = client.models.list()
    assert MODEL in [m.id for m in models]
    model = client.models.get(MODEL)
    assert model.id == MODEL and model.capabilities.streaming is True and model.pricing.input_per_mtok >= 0

    model_id = f"local/{unique('py-sdk')}"
    saved = admin.admin.models.put(
        model_id,
        provider="local",
        provider_model="tiny",
        context_window=8192,
        max_output_tokens=1024,
        capabilities={"tools": False, "vision": False, "json_mode": False, "streaming": True},
        pricing={"input_per_mtok": 0, "output_per_mtok": 0},
        tier=1,
        quality=0.3,
        typical_latency_ms=200,
    )
    assert saved.id == model_id and saved.source == "admin" and saved.enabled
    # The slash in the id is encoded for the path.
    assert client.models.get(model_id).provider_model == "tiny"
    assert admin.admin.models.disable(model_id).enabled is False
    with pytest.raises(NotFoundError):
        client.models.get(f"local/{unique('nothing')}")


def test_tenants_and_keys(admin: SomaAgent, base_url: str) -> None:
    tenant = admin.admin.tenants.create(name=unique("tenant"))
    assert tenant.id in [t.id for t in admin.admin.tenants.list()]
    key = admin.admin.keys.create(tenant.id, name="ci")
    assert key.key is not None and key.key.startswith("sk_soma_") and not key.admin
    listed = admin.admin.keys.list(tenant.id)
    assert [k.id for k in listed] == [key.id] and listed[0].key is None
    with SomaAgent(api_key=key.key, base_url=base_url) as client:
        assert len(client.runs.list()) == 0
    revoked = admin.admin.keys.revoke(key.id)
    assert revoked.revoked_at is not None


def test_usage(client: SomaAgent, fresh_tenant: Tenant, admin: SomaAgent) -> None:
    fresh_tenant.client.completions.create(model=MODEL, messages=user("count me"))
    deadline = time.monotonic() + 10
    while True:
        report = fresh_tenant.client.usage.models(window="1h", model=MODEL)
        if report.data or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert [row.model for row in report.data] == [MODEL]
    assert report.data[0].attempts == 1 and report.data[0].errors == 0 and report.from_ < report.to
    cost = fresh_tenant.client.usage.cost(window="24h", simulated=True)
    assert cost.tenant_id == fresh_tenant.id and cost.total_cost_usd >= 0
    # An admin may read another tenant's.
    assert admin.usage.cost(tenant_id=fresh_tenant.id).tenant_id == fresh_tenant.id


def test_budgets_downgrade(admin: SomaAgent, fresh_tenant: Tenant) -> None:
    budget = admin.admin.budgets.put(fresh_tenant.id, period="month", limit_usd=0.00001, on_exceed="downgrade")
    assert budget.period == "month" and budget.on_exceed == "downgrade" and budget.api_key_id is None
    listed = fresh_tenant.client.budgets.list()
    assert listed[0].remaining_usd <= budget.limit_usd


def test_an_experiment_from_start_to_promotion(client: SomaAgent) -> None:
    name = unique("answer")
    variables = {"properties": {"question": {"type": "string"}}, "required": ["question"]}
    client.prompts.create(name=name, text="Answer: {{ question }}", variables=variables, labels=["production"])
    client.prompts.versions.create(name, text="Answer kindly: {{ question }}", variables=variables)
    experiment = client.experiments.create(
        name="tone",
        template=name,
        variants=[{"name": "control", "version": 1}, {"name": "kind", "version": 2}],
        metric="success",
        min_samples_per_variant=2,
        check_interval_seconds=0.1,
        guardrail=None,
        approval_timeout_seconds=60,
    )
    assert experiment.status == "running" and experiment.guardrail is None and experiment.metric == "success"
    assert experiment.id in [e.id for e in client.experiments.list()]

    with pytest.raises(ConflictError):
        client.experiments.approve(experiment.id, decision="approve", max_retries=0)

    seen: dict[str, int] = {}
    subject = 0
    while min(seen.get("control", 0), seen.get("kind", 0)) < 2 and subject < 100:
        assignment = client.experiments.assign(experiment.id, subject_id=f"s{subject}", variables={"question": "Why?"})
        assert assignment.rendered is not None and assignment.rendered.text is not None and "Why?" in assignment.rendered.text
        outcome = client.experiments.record_outcome(experiment.id, subject_id=f"s{subject}", success=assignment.variant == "kind")
        assert outcome.variant == assignment.variant
        seen[assignment.variant] = seen.get(assignment.variant, 0) + 1
        subject += 1

    deadline = time.monotonic() + 20
    while client.experiments.get(experiment.id).status == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    waiting = client.experiments.get(experiment.id)
    assert waiting.status == "awaiting_approval" and waiting.stop_reason == "sample_size_reached"
    results = client.experiments.results(experiment.id)
    assert results.test == "two_proportion_z_test" and results.sample_size_reached
    assert {v.name for v in results.variants} == {"control", "kind"}

    approval = client.experiments.approve(experiment.id, decision="approve", variant="kind", comment="ship it")
    assert approval.accepted and approval.variant == "kind"
    deadline = time.monotonic() + 20
    while client.experiments.get(experiment.id).status == "awaiting_approval" and time.monotonic() < deadline:
        time.sleep(0.2)
    final = client.experiments.get(experiment.id)
    assert final.status == "promoted" and final.decision is not None and final.decision.to_version == 2
    assert client.prompts.get(name).labels["production"] == 2
