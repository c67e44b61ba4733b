"""Errors: one class per status, with the fields of the API's error body."""

from __future__ import annotations

import uuid

import pytest

from somaagent import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BudgetExceededError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    SomaAgent,
    ValidationError,
)

from support import MODEL, Tenant, user


def test_a_bad_key_is_an_authentication_error_with_a_request_id(base_url: str) -> None:
    with SomaAgent(api_key="sk_soma_not_a_real_key", base_url=base_url) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.runs.list()
    error = caught.value
    assert error.status_code == 401
    assert error.type == "authentication_error" and error.code == "invalid_api_key"
    assert error.request_id is not None and error.request_id.startswith("req_")
    assert error.request_id == error.headers["x-request-id"]
    assert error.response is not None and error.response.status_code == 401
    assert error.request_id in str(error)


def test_validation_errors_list_every_problem(client: SomaAgent) -> None:
    with pytest.raises(ValidationError) as caught:
        client.completions.create(model=MODEL, models=[MODEL], messages=[{"role": "robot", "content": "hi"}], temperature=5)  # type: ignore[typeddict-item]
    error = caught.value
    assert isinstance(error, BadRequestError)
    assert error.status_code == 400 and error.code == "validation_failed"
    paths = {problem.path for problem in error.problems}
    assert {"messages.0.role", "temperature", "model"} <= paths
    assert all(problem.message for problem in error.problems)
    assert isinstance(error.details, list)


def test_an_unknown_run_is_not_found(client: SomaAgent) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.runs.get(f"completion-nobody-{uuid.uuid4().hex}")
    assert caught.value.code == "run_not_found"
    assert caught.value.type == "not_found_error"


def test_an_admin_route_needs_an_admin_key(client: SomaAgent) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        client.admin.tenants.list()
    assert caught.value.status_code == 403 and caught.value.code == "admin_required"


def test_a_taken_name_is_a_conflict(client: SomaAgent) -> None:
    name = f"conflict-{uuid.uuid4().hex[:8]}"
    client.prompts.create(name=name, text="Hello")
    with pytest.raises(ConflictError) as caught:
        client.prompts.create(name=name, text="Again", max_retries=0)
    assert caught.value.code == "template_exists"


def test_an_exceeded_budget_is_its_own_error(admin: SomaAgent, fresh_tenant: Tenant) -> None:
    budget = admin.admin.budgets.put(fresh_tenant.id, period="day", limit_usd=0)
    assert budget.tenant_id == fresh_tenant.id and budget.on_exceed == "reject"
    with pytest.raises(BudgetExceededError) as caught:
        fresh_tenant.client.completions.create(model=MODEL, messages=user("over budget"))
    assert caught.value.status_code == 402 and caught.value.code == "budget_exceeded"
    assert caught.value.details["budget_id"] == budget.id
    assert [b.id for b in fresh_tenant.client.budgets.list()] == [budget.id]
    assert admin.admin.budgets.delete(fresh_tenant.id, budget.id).deleted is True
    assert len(fresh_tenant.client.budgets.list()) == 0


def test_a_status_without_a_class_of_its_own_is_an_api_status_error(client: SomaAgent) -> None:
    with pytest.raises(APIStatusError) as caught:
        client.completions.create(model=MODEL, messages=user("x" * 1_100_000))
    assert type(caught.value) is APIStatusError
    assert caught.value.status_code == 413 and caught.value.code == "payload_too_large"
