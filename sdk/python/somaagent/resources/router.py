"""``client.router``: the learned router's measured outcomes (``router.outcomes``) and trained
versions (``router.versions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Mapping, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.router import OutcomeImport, OutcomeSummary, RouterVersion

if TYPE_CHECKING:
    from .._client import AsyncSomaAgent, SomaAgent
    from typing_extensions import Unpack

__all__ = ["Router", "AsyncRouter"]


def _summary(**options: Unpack[RequestOptions]) -> APIRequest[OutcomeSummary]:
    """Counts of the tenant's measured outcomes by source, the models, and the imports."""
    return api_request("GET", "/v1/router/outcomes", model_parser(OutcomeSummary), options)


def _import(
    *,
    jsonl: str,
    name: Union[str, NotGiven] = NOT_GIVEN,
    source: Union[str, NotGiven] = NOT_GIVEN,
    prices: Union[Mapping[str, Mapping[str, float]], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[OutcomeImport]:
    """Imports an outcome file whole; a 400 ``invalid_outcomes`` lists each bad line and nothing is imported.
    ``prices`` (model -> ``{"input_usd_per_mtok", "output_usd_per_mtok"}``) prices outcomes without ``cost_usd``."""
    body: Dict[str, object] = {"jsonl": jsonl, "name": name, "source": source, "prices": prices if isinstance(prices, NotGiven) else {k: dict(v) for k, v in prices.items()}}
    return api_request("POST", "/v1/router/outcomes/imports", model_parser(OutcomeImport), options, body=body)


def _train(
    *,
    version: Union[str, NotGiven] = NOT_GIVEN,
    seed: Union[int, NotGiven] = NOT_GIVEN,
    target_quality_ratio: Union[float, NotGiven] = NOT_GIVEN,
    cost_budget: Union[float, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[RouterVersion]:
    """Trains a logistic router on the tenant's stored outcomes; the result is a candidate version."""
    body = {"version": version, "seed": seed, "target_quality_ratio": target_quality_ratio, "cost_budget": cost_budget}
    return api_request("POST", "/v1/router/train", model_parser(RouterVersion), options, body=body)


def _list_versions(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[RouterVersion]]:
    """The tenant's registered router versions."""
    return api_request("GET", "/v1/router/versions", list_parser(RouterVersion), options)


def _register(version: str, **options: Unpack[RequestOptions]) -> APIRequest[RouterVersion]:
    """Registers a version ``npm run router:train`` wrote on the server."""
    return api_request("POST", "/v1/router/versions", model_parser(RouterVersion), options, body={"version": version})


def _promote(version: str, **options: Unpack[RequestOptions]) -> APIRequest[RouterVersion]:
    """Makes a version the tenant's active router (approver or admin key)."""
    return api_request("POST", f"/v1/router/versions/{path_param('version', version)}/promote", model_parser(RouterVersion), options)


class Outcomes(SyncAPIResource):
    summary = sync_method(_summary)
    import_ = sync_method(_import)


class Versions(SyncAPIResource):
    list = sync_method(_list_versions)
    register = sync_method(_register)
    promote = sync_method(_promote)


class Router(SyncAPIResource):
    train = sync_method(_train)

    def __init__(self, client: SomaAgent) -> None:
        super().__init__(client)
        self.outcomes = Outcomes(client)
        self.versions = Versions(client)


class AsyncOutcomes(AsyncAPIResource):
    summary = async_method(_summary)
    import_ = async_method(_import)


class AsyncVersions(AsyncAPIResource):
    list = async_method(_list_versions)
    register = async_method(_register)
    promote = async_method(_promote)


class AsyncRouter(AsyncAPIResource):
    train = async_method(_train)

    def __init__(self, client: AsyncSomaAgent) -> None:
        super().__init__(client)
        self.outcomes = AsyncOutcomes(client)
        self.versions = AsyncVersions(client)
