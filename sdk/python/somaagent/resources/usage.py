"""``client.usage``: per-model latency, errors, tokens and cost; the tenant's spend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from .._models import model_parser
from .._request import APIRequest, api_request
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.usage import CostReport, ModelUsageReport

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Usage", "AsyncUsage"]


def _models(
    *,
    window: Union[str, NotGiven] = NOT_GIVEN,
    from_: Union[str, NotGiven] = NOT_GIVEN,
    to: Union[str, NotGiven] = NOT_GIVEN,
    model: Union[str, NotGiven] = NOT_GIVEN,
    simulated: Union[bool, NotGiven] = NOT_GIVEN,
    tenant_id: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[ModelUsageReport]:
    """Per-model p50/p95 latency, error rate, tokens and cost over a window.

    ``window`` is trailing (``15m``, ``24h``, ``7d``; default 24h), or give ``from_``/``to``
    (ISO 8601). ``tenant_id``: another tenant's (admin keys only).
    """
    query = {"window": window, "from": from_, "to": to, "model": model, "simulated": simulated, "tenant_id": tenant_id}
    return api_request("GET", "/v1/usage/models", model_parser(ModelUsageReport), options, query=query)


def _cost(
    *,
    window: Union[str, NotGiven] = NOT_GIVEN,
    from_: Union[str, NotGiven] = NOT_GIVEN,
    to: Union[str, NotGiven] = NOT_GIVEN,
    simulated: Union[bool, NotGiven] = NOT_GIVEN,
    tenant_id: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[CostReport]:
    """The tenant's spend by UTC day and model over a window (same window rules as ``models``)."""
    query = {"window": window, "from": from_, "to": to, "simulated": simulated, "tenant_id": tenant_id}
    return api_request("GET", "/v1/usage/cost", model_parser(CostReport), options, query=query)


class Usage(SyncAPIResource):
    models = sync_method(_models)
    cost = sync_method(_cost)


class AsyncUsage(AsyncAPIResource):
    models = async_method(_models)
    cost = async_method(_cost)
