"""``client.admin``: tenants, API keys, registry models and budgets. Needs an admin key
(PermissionDeniedError otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.admin import ApiKey, ApiKeyRole, Tenant
from ..types.budgets import Budget, BudgetDeleted
from ..types.models import Model, ModelCapabilitiesParam, ModelPricingParam

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncSomaAgent, SomaAgent

__all__ = ["Admin", "AsyncAdmin"]


def _list_tenants(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[Tenant]]:
    """Every tenant."""
    return api_request("GET", "/v1/admin/tenants", list_parser(Tenant), options)


def _create_tenant(*, name: str, **options: Unpack[RequestOptions]) -> APIRequest[Tenant]:
    """A new tenant; give it a key with ``admin.keys.create(tenant.id)``."""
    return api_request("POST", "/v1/admin/tenants", model_parser(Tenant), options, body={"name": name})


def _list_keys(tenant_id: str, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[ApiKey]]:
    """A tenant's API keys (never their secrets)."""
    return api_request("GET", f"/v1/admin/tenants/{path_param('tenant_id', tenant_id)}/keys", list_parser(ApiKey), options)


def _create_key(
    tenant_id: str,
    *,
    name: Union[str, NotGiven] = NOT_GIVEN,
    role: Union[ApiKeyRole, NotGiven] = NOT_GIVEN,
    admin: Union[bool, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[ApiKey]:
    """A new API key for a tenant; ``key.key`` holds the secret, shown this once. ``role``
    (default ``member``) says what it may do; ``admin=True`` is the older form of ``role="admin"``."""
    body = {"name": name, "role": role, "admin": admin}
    return api_request("POST", f"/v1/admin/tenants/{path_param('tenant_id', tenant_id)}/keys", model_parser(ApiKey), options, body=body)


def _revoke_key(key_id: str, **options: Unpack[RequestOptions]) -> APIRequest[ApiKey]:
    """Revokes an API key at once."""
    return api_request("DELETE", f"/v1/admin/keys/{path_param('key_id', key_id)}", model_parser(ApiKey), options)


def _put_model(
    model_id: str,
    *,
    provider: Literal["openai", "anthropic", "local"],
    provider_model: str,
    context_window: int,
    max_output_tokens: int,
    capabilities: ModelCapabilitiesParam,
    pricing: ModelPricingParam,
    tier: int,
    quality: float,
    typical_latency_ms: int,
    enabled: Union[bool, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Model]:
    """Creates or replaces a registry model, e.g. a ``local/<name>`` model served by an
    OpenAI-compatible server (Ollama, vLLM, llama.cpp)."""
    body = {
        "provider": provider,
        "provider_model": provider_model,
        "context_window": context_window,
        "max_output_tokens": max_output_tokens,
        "capabilities": capabilities,
        "pricing": pricing,
        "tier": tier,
        "quality": quality,
        "typical_latency_ms": typical_latency_ms,
        "enabled": enabled,
    }
    return api_request("PUT", f"/v1/admin/models/{path_param('model_id', model_id)}", model_parser(Model), options, body=body)


def _disable_model(model_id: str, **options: Unpack[RequestOptions]) -> APIRequest[Model]:
    """Disables a registry model (it stays in the registry, no longer routed to)."""
    return api_request("DELETE", f"/v1/admin/models/{path_param('model_id', model_id)}", model_parser(Model), options)


def _put_budget(
    tenant_id: str,
    *,
    period: Literal["day", "month"],
    limit_usd: float,
    on_exceed: Union[Literal["reject", "downgrade"], NotGiven] = NOT_GIVEN,
    api_key_id: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Budget]:
    """Creates or replaces the daily or monthly budget of a tenant, or of one of its keys
    (``api_key_id``). Over it, ``reject`` refuses with 402; ``downgrade`` picks a cheaper model."""
    body = {"period": period, "limit_usd": limit_usd, "on_exceed": on_exceed, "api_key_id": api_key_id}
    return api_request("PUT", f"/v1/admin/tenants/{path_param('tenant_id', tenant_id)}/budgets", model_parser(Budget), options, body=body)


def _delete_budget(tenant_id: str, budget_id: str, **options: Unpack[RequestOptions]) -> APIRequest[BudgetDeleted]:
    """Removes a budget."""
    path = f"/v1/admin/tenants/{path_param('tenant_id', tenant_id)}/budgets/{path_param('budget_id', budget_id)}"
    return api_request("DELETE", path, model_parser(BudgetDeleted), options)


class Tenants(SyncAPIResource):
    list = sync_method(_list_tenants)
    create = sync_method(_create_tenant)


class Keys(SyncAPIResource):
    list = sync_method(_list_keys)
    create = sync_method(_create_key)
    revoke = sync_method(_revoke_key)


class AdminModels(SyncAPIResource):
    put = sync_method(_put_model)
    disable = sync_method(_disable_model)


class AdminBudgets(SyncAPIResource):
    put = sync_method(_put_budget)
    delete = sync_method(_delete_budget)


class Admin(SyncAPIResource):
    def __init__(self, client: SomaAgent) -> None:
        super().__init__(client)
        self.tenants = Tenants(client)
        self.keys = Keys(client)
        self.models = AdminModels(client)
        self.budgets = AdminBudgets(client)


class AsyncTenants(AsyncAPIResource):
    list = async_method(_list_tenants)
    create = async_method(_create_tenant)


class AsyncKeys(AsyncAPIResource):
    list = async_method(_list_keys)
    create = async_method(_create_key)
    revoke = async_method(_revoke_key)


class AsyncAdminModels(AsyncAPIResource):
    put = async_method(_put_model)
    disable = async_method(_disable_model)


class AsyncAdminBudgets(AsyncAPIResource):
    put = async_method(_put_budget)
    delete = async_method(_delete_budget)


class AsyncAdmin(AsyncAPIResource):
    def __init__(self, client: AsyncSomaAgent) -> None:
        super().__init__(client)
        self.tenants = AsyncTenants(client)
        self.keys = AsyncKeys(client)
        self.models = AsyncAdminModels(client)
        self.budgets = AsyncAdminBudgets(client)
