"""``client.capsules``: the capsule registry. Any tenant may publish (the first publisher of a
name owns it; versions are immutable), read, and install a capsule into itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.capsules import Capsule, CapsuleEvaluationParam, CapsuleInstall, CapsulePolicyParam, CapsulePromptParam, CapsuleVersion

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncSomaAgent, SomaAgent

__all__ = ["Capsules", "AsyncCapsules"]


def _path(name: str) -> str:
    return f"/v1/capsules/{path_param('name', name)}"


def _list(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[Capsule]]:
    """Every capsule of the registry, with its versions."""
    return api_request("GET", "/v1/capsules", list_parser(Capsule), options)


def _publish(
    *,
    name: str,
    version: str,
    model_policy: CapsulePolicyParam,
    description: Union[str, NotGiven] = NOT_GIVEN,
    prompts: Union[Iterable[CapsulePromptParam], NotGiven] = NOT_GIVEN,
    required_tools: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    tools: Union[Iterable[Mapping[str, Any]], NotGiven] = NOT_GIVEN,
    agents: Union[Iterable[Mapping[str, Any]], NotGiven] = NOT_GIVEN,
    evaluation: Union[CapsuleEvaluationParam, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[CapsuleVersion]:
    """Publishes a capsule version (a semantic ``version``). Publishing the same content again
    is a no-op; other content under a published version is ConflictError
    ``capsule_version_exists``; another tenant's name is PermissionDeniedError."""
    body = {
        "name": name,
        "version": version,
        "description": description,
        "prompts": prompts if isinstance(prompts, NotGiven) else list(prompts),
        "model_policy": model_policy,
        "required_tools": required_tools if isinstance(required_tools, NotGiven) else list(required_tools),
        "tools": tools if isinstance(tools, NotGiven) else [dict(t) for t in tools],
        "agents": agents if isinstance(agents, NotGiven) else [dict(a) for a in agents],
        "evaluation": evaluation,
    }
    return api_request("POST", "/v1/capsules", model_parser(CapsuleVersion), options, body=body)


def _list_installed(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[CapsuleInstall]]:
    """The capsules installed in this tenant."""
    return api_request("GET", "/v1/capsules/installed", list_parser(CapsuleInstall), options)


def _get(name: str, **options: Unpack[RequestOptions]) -> APIRequest[Capsule]:
    """One capsule and its versions."""
    return api_request("GET", _path(name), model_parser(Capsule), options)


def _get_version(name: str, version: str, **options: Unpack[RequestOptions]) -> APIRequest[CapsuleVersion]:
    """One version's manifest."""
    return api_request("GET", f"{_path(name)}/versions/{path_param('version', version)}", model_parser(CapsuleVersion), options)


def _install(name: str, *, version: Union[str, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[CapsuleInstall]:
    """Installs a version (default: the newest) into this tenant: its prompt templates (with their
    labels) and its model policy, named after the capsule."""
    return api_request("POST", f"{_path(name)}/install", model_parser(CapsuleInstall), options, body={"version": version})


class CapsuleVersions(SyncAPIResource):
    get = sync_method(_get_version)


class Capsules(SyncAPIResource):
    list = sync_method(_list)
    publish = sync_method(_publish)
    list_installed = sync_method(_list_installed)
    get = sync_method(_get)
    install = sync_method(_install)

    def __init__(self, client: SomaAgent) -> None:
        super().__init__(client)
        self.versions = CapsuleVersions(client)


class AsyncCapsuleVersions(AsyncAPIResource):
    get = async_method(_get_version)


class AsyncCapsules(AsyncAPIResource):
    list = async_method(_list)
    publish = async_method(_publish)
    list_installed = async_method(_list_installed)
    get = async_method(_get)
    install = async_method(_install)

    def __init__(self, client: AsyncSomaAgent) -> None:
        super().__init__(client)
        self.versions = AsyncCapsuleVersions(client)
