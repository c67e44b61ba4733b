"""``client.tools``: the tenant's tool registry (HTTP and built-in tools agents call). Writing
needs an admin key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Literal, Mapping, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.tools import Tool, ToolDeleted

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Tools", "AsyncTools"]


def _list(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[Tool]]:
    """The latest version of every tool."""
    return api_request("GET", "/v1/tools", list_parser(Tool), options)


def _create(
    *,
    name: str,
    kind: Literal["http", "builtin"],
    description: Union[str, NotGiven] = NOT_GIVEN,
    input_schema: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    http: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    builtin: Union[str, NotGiven] = NOT_GIVEN,
    requires_approval: Union[bool, NotGiven] = NOT_GIVEN,
    timeout_ms: Union[int, NotGiven] = NOT_GIVEN,
    labels: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Tool]:
    """Creates the tool or a new version of it (an unchanged spec returns the latest version).
    ``http`` holds method, url template, headers, body, auth (a secret's name), allowed_hosts,
    allow_private_network and max_response_bytes; ``builtin`` names a built-in tool."""
    body: Dict[str, Any] = {
        "name": name,
        "kind": kind,
        "description": description,
        "input_schema": input_schema if isinstance(input_schema, NotGiven) else dict(input_schema),
        "http": http if isinstance(http, NotGiven) else dict(http),
        "builtin": builtin,
        "requires_approval": requires_approval,
        "timeout_ms": timeout_ms,
        "labels": labels if isinstance(labels, NotGiven) else list(labels),
    }
    return api_request("POST", "/v1/tools", model_parser(Tool), options, body=body)


def _get(
    name: str,
    *,
    version: Union[int, NotGiven] = NOT_GIVEN,
    label: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Tool]:
    """The latest version, or ``version=`` / ``label=``."""
    return api_request("GET", f"/v1/tools/{path_param('name', name)}", model_parser(Tool), options, query={"version": version, "label": label})


def _versions(name: str, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[Tool]]:
    """Every version, newest first."""
    return api_request("GET", f"/v1/tools/{path_param('name', name)}/versions", list_parser(Tool), options)


def _delete(name: str, **options: Unpack[RequestOptions]) -> APIRequest[ToolDeleted]:
    """Removes the tool with every version and label."""
    return api_request("DELETE", f"/v1/tools/{path_param('name', name)}", model_parser(ToolDeleted), options)


class Tools(SyncAPIResource):
    list = sync_method(_list)
    create = sync_method(_create)
    get = sync_method(_get)
    versions = sync_method(_versions)
    delete = sync_method(_delete)


class AsyncTools(AsyncAPIResource):
    list = async_method(_list)
    create = async_method(_create)
    get = async_method(_get)
    versions = async_method(_versions)
    delete = async_method(_delete)
