"""``client.secrets``: the tenant's secrets, which HTTP tools authenticate with. Write-only: no
call returns a value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import RequestOptions
from ..types.tools import Secret, SecretDeleted

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Secrets", "AsyncSecrets"]


def _list(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[Secret]]:
    """Names and dates only."""
    return api_request("GET", "/v1/secrets", list_parser(Secret), options)


def _set(name: str, value: str, **options: Unpack[RequestOptions]) -> APIRequest[Secret]:
    """Creates or replaces the secret ``name`` (admin keys only)."""
    return api_request("PUT", f"/v1/secrets/{path_param('name', name)}", model_parser(Secret), options, body={"value": value})


def _delete(name: str, **options: Unpack[RequestOptions]) -> APIRequest[SecretDeleted]:
    return api_request("DELETE", f"/v1/secrets/{path_param('name', name)}", model_parser(SecretDeleted), options)


class Secrets(SyncAPIResource):
    list = sync_method(_list)
    set = sync_method(_set)
    delete = sync_method(_delete)


class AsyncSecrets(AsyncAPIResource):
    list = async_method(_list)
    set = async_method(_set)
    delete = async_method(_delete)
