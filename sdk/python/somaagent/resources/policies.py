"""``client.policies``: the tenant's named model policies (a completion names one with
``policy=``; one may be the default for completions that name no model)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.completions import RoutingParam
from ..types.policies import Policy, PolicyDeleted, PolicyParametersParam

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Policies", "AsyncPolicies"]


def _list(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[Policy]]:
    """The tenant's model policies."""
    return api_request("GET", "/v1/policies", list_parser(Policy), options)


def _get(name: str, **options: Unpack[RequestOptions]) -> APIRequest[Policy]:
    """One model policy."""
    return api_request("GET", f"/v1/policies/{path_param('name', name)}", model_parser(Policy), options)


def _put(
    name: str,
    *,
    model: Union[str, NotGiven] = NOT_GIVEN,
    models: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    routing: Union[RoutingParam, NotGiven] = NOT_GIVEN,
    parameters: Union[PolicyParametersParam, NotGiven] = NOT_GIVEN,
    default: Union[bool, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Policy]:
    """Creates or replaces a policy: exactly one of ``model`` (an id, or ``auto`` with
    ``routing``) and ``models`` (a chain), with default ``parameters``. ``default=True`` makes it
    the policy of completions that name no model."""
    body = {
        "model": model,
        "models": models if isinstance(models, NotGiven) else list(models),
        "routing": routing,
        "parameters": parameters,
        "default": default,
    }
    return api_request("PUT", f"/v1/policies/{path_param('name', name)}", model_parser(Policy), options, body=body)


def _delete(name: str, **options: Unpack[RequestOptions]) -> APIRequest[PolicyDeleted]:
    """Removes a policy."""
    return api_request("DELETE", f"/v1/policies/{path_param('name', name)}", model_parser(PolicyDeleted), options)


class Policies(SyncAPIResource):
    list = sync_method(_list)
    get = sync_method(_get)
    put = sync_method(_put)
    delete = sync_method(_delete)


class AsyncPolicies(AsyncAPIResource):
    list = async_method(_list)
    get = async_method(_get)
    put = async_method(_put)
    delete = async_method(_delete)
