"""``client.models``: the model registry (admins change it through ``client.admin.models``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import RequestOptions
from ..types.models import Model

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Models", "AsyncModels"]


def _list(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[Model]]:
    """The enabled models of the registry."""
    return api_request("GET", "/v1/models", list_parser(Model), options)


def _get(model_id: str, **options: Unpack[RequestOptions]) -> APIRequest[Model]:
    """One model (ids with a slash, ``local/llama3.2``, are encoded for you)."""
    return api_request("GET", f"/v1/models/{path_param('model_id', model_id)}", model_parser(Model), options)


class Models(SyncAPIResource):
    list = sync_method(_list)
    get = sync_method(_get)


class AsyncModels(AsyncAPIResource):
    list = async_method(_list)
    get = async_method(_get)
