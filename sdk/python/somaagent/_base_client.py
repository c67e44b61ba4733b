"""The HTTP core of both clients: configuration, request building, retries, error mapping.

What a request looks like and when to retry are decided here once; ``SyncAPIClient`` and
``AsyncAPIClient`` only differ in how they wait and send.
"""

from __future__ import annotations

import asyncio
import os
import platform
import time
import uuid
from typing import TYPE_CHECKING, Any, Dict, Literal, Mapping, Optional, TypeVar, Union, cast

import httpx

from ._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    SomaAgentError,
    make_status_error,
)
from ._request import APIRequest, api_request, as_is, query_params
from ._retry import retry_delay, should_retry_status
from ._types import NOT_GIVEN, NotGiven, RequestOptions, Timeout
from ._version import __version__

if TYPE_CHECKING:
    from typing_extensions import Unpack

T = TypeVar("T")
_C = TypeVar("_C", bound="BaseClient")


class BaseClient:
    api_key: str
    base_url: httpx.URL
    max_retries: int
    timeout: Timeout

    def __init__(
        self,
        *,
        api_key: Optional[str],
        base_url: Union[str, httpx.URL, None],
        max_retries: int,
        timeout: Timeout,
        default_headers: Optional[Mapping[str, str]],
    ) -> None:
        if api_key is None:
            api_key = os.environ.get(API_KEY_ENV)
        if not api_key:
            raise SomaAgentError(
                f"No API key: pass api_key= to the client or set the {API_KEY_ENV} environment variable "
                "(a key looks like sk_soma_...; an admin creates one with POST /v1/admin/tenants/{id}/keys)."
            )
        if base_url is None:
            base_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.api_key = api_key
        self.base_url = httpx.URL(str(base_url).rstrip("/"))
        self.max_retries = max_retries
        self.timeout = timeout
        self._custom_headers: Dict[str, str] = dict(default_headers or {})

    def with_options(
        self: _C,
        *,
        api_key: Optional[str] = None,
        base_url: Union[str, httpx.URL, None] = None,
        max_retries: Optional[int] = None,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        default_headers: Optional[Mapping[str, str]] = None,
    ) -> _C:
        """A client of the same kind with some options changed, sharing this one's connection pool."""
        factory = cast(Any, type(self))
        copy: _C = factory(
            api_key=api_key or self.api_key,
            base_url=base_url or self.base_url,
            max_retries=self.max_retries if max_retries is None else max_retries,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            http_client=getattr(self, "_client"),
            default_headers={**self._custom_headers, **(default_headers or {})},
        )
        return copy

    @property
    def default_headers(self) -> Dict[str, str]:
        return {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            "User-Agent": f"somaagent-python/{__version__} (Python {platform.python_version()})",
            **self._custom_headers,
        }

    def _build_request(
        self,
        http: Union[httpx.Client, httpx.AsyncClient],
        req: APIRequest[Any],
        *,
        idempotency_key: Optional[str],
        stream: bool,
    ) -> httpx.Request:
        options = req.options
        headers = self.default_headers
        if stream:
            headers["Accept"] = "text/event-stream"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        headers.update(options.get("extra_headers") or {})
        params = {**req.query, **query_params(options.get("extra_query") or {})}
        extra_body = options.get("extra_body")
        body = req.body
        if extra_body:
            body = {**(body or {}), **extra_body}
        return http.build_request(
            req.method,
            f"{self.base_url}{req.path}",
            params=params or None,
            json=body,
            headers=headers,
            timeout=options["timeout"] if "timeout" in options else self.timeout,
        )

    @staticmethod
    def _idempotency_key(req: APIRequest[Any]) -> Optional[str]:
        """One key per logical call, reused by its retries, so the server runs a POST once."""
        if req.method != "POST":
            return None
        return req.options.get("idempotency_key") or str(uuid.uuid4())

    def _max_retries(self, req: APIRequest[Any]) -> int:
        return req.options.get("max_retries", self.max_retries)

    @staticmethod
    def _is_error(req: APIRequest[Any], response: httpx.Response) -> bool:
        return response.is_error and response.status_code not in req.accept_statuses

    @staticmethod
    def _status_error(response: httpx.Response) -> APIStatusError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        return make_status_error(response.status_code, body, headers=response.headers, request=response.request, response=response)

    @staticmethod
    def _transport_error(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(request=request)
        return APIConnectionError(f"Connection error: {error}" if str(error) else "Connection error.", request=request)

    @staticmethod
    def _parse(req: APIRequest[T], response: httpx.Response) -> T:
        if req.response_format == "text":
            return req.parse(response.text)
        try:
            data = response.json()
        except ValueError:
            raise APIResponseValidationError("The API answered with something that is not JSON.", response=response, body=response.text) from None
        try:
            return req.parse(data)
        except (TypeError, KeyError) as error:
            raise APIResponseValidationError(f"Unexpected answer from the API: {error}", response=response, body=data) from error


def _any_route(
    method: Literal["GET", "POST", "PUT", "DELETE"],
    path: str,
    query: Optional[Mapping[str, Any]],
    body: Optional[Mapping[str, Any]],
    options: RequestOptions,
) -> APIRequest[Any]:
    """A request to a route this SDK has no method for (yet)."""
    return api_request(method, path if path.startswith("/") else f"/{path}", as_is, options, query=query, body=body)


class SyncAPIClient(BaseClient):
    _client: httpx.Client

    def __init__(
        self,
        *,
        api_key: Optional[str],
        base_url: Union[str, httpx.URL, None],
        max_retries: int,
        timeout: Timeout,
        http_client: Optional[httpx.Client],
        default_headers: Optional[Mapping[str, str]],
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout, default_headers=default_headers)
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(f"http_client must be an httpx.Client, not {type(http_client).__name__}")
        # A client passed in belongs to the caller, who closes it.
        self._owns_client = http_client is None
        self._client = http_client or httpx.Client(follow_redirects=True)

    def close(self) -> None:
        """Closes the connection pool (unless the httpx client was passed in)."""
        if self._owns_client:
            self._client.close()

    @property
    def is_closed(self) -> bool:
        return self._client.is_closed

    # Any route, with the client's authentication, retries and errors; the decoded JSON back.
    def get(self, path: str, *, query: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``GET path`` (e.g. a route newer than this SDK); returns the decoded JSON."""
        return self._request(_any_route("GET", path, query, None, options))

    def post(self, path: str, *, body: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``POST path`` with a JSON body (and an Idempotency-Key); returns the decoded JSON."""
        return self._request(_any_route("POST", path, None, body, options))

    def put(self, path: str, *, body: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``PUT path`` with a JSON body; returns the decoded JSON."""
        return self._request(_any_route("PUT", path, None, body, options))

    def delete(self, path: str, *, query: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``DELETE path``; returns the decoded JSON."""
        return self._request(_any_route("DELETE", path, query, None, options))

    def _request(self, req: APIRequest[T]) -> T:
        response = self._send(req, stream=False)
        return self._parse(req, response)

    def _send(self, req: APIRequest[Any], *, stream: bool) -> httpx.Response:
        """Sends with retries; returns a successful response (with stream=True, still open)."""
        max_retries = self._max_retries(req)
        key = self._idempotency_key(req)
        retries_taken = 0
        while True:
            request = self._build_request(self._client, req, idempotency_key=key, stream=stream)
            try:
                response = self._client.send(request, stream=stream)
            except httpx.TransportError as error:
                if retries_taken >= max_retries:
                    raise self._transport_error(error, request) from error
                time.sleep(retry_delay(retries_taken))
                retries_taken += 1
                continue
            if not self._is_error(req, response):
                return response
            if retries_taken < max_retries and should_retry_status(response.status_code, response.headers):
                response.close()
                time.sleep(retry_delay(retries_taken, response.headers))
                retries_taken += 1
                continue
            if stream:
                response.read()
                response.close()
            raise self._status_error(response)


class AsyncAPIClient(BaseClient):
    _client: httpx.AsyncClient

    def __init__(
        self,
        *,
        api_key: Optional[str],
        base_url: Union[str, httpx.URL, None],
        max_retries: int,
        timeout: Timeout,
        http_client: Optional[httpx.AsyncClient],
        default_headers: Optional[Mapping[str, str]],
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout, default_headers=default_headers)
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}")
        self._owns_client = http_client is None
        self._client = http_client or httpx.AsyncClient(follow_redirects=True)

    async def aclose(self) -> None:
        """Closes the connection pool (unless the httpx client was passed in)."""
        if self._owns_client:
            await self._client.aclose()

    async def close(self) -> None:
        """The same as ``aclose()``."""
        await self.aclose()

    @property
    def is_closed(self) -> bool:
        return self._client.is_closed

    async def get(self, path: str, *, query: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``GET path`` (e.g. a route newer than this SDK); returns the decoded JSON."""
        return await self._request(_any_route("GET", path, query, None, options))

    async def post(self, path: str, *, body: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``POST path`` with a JSON body (and an Idempotency-Key); returns the decoded JSON."""
        return await self._request(_any_route("POST", path, None, body, options))

    async def put(self, path: str, *, body: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``PUT path`` with a JSON body; returns the decoded JSON."""
        return await self._request(_any_route("PUT", path, None, body, options))

    async def delete(self, path: str, *, query: Optional[Mapping[str, Any]] = None, **options: Unpack[RequestOptions]) -> Any:
        """``DELETE path``; returns the decoded JSON."""
        return await self._request(_any_route("DELETE", path, query, None, options))

    async def _request(self, req: APIRequest[T]) -> T:
        response = await self._send(req, stream=False)
        return self._parse(req, response)

    async def _send(self, req: APIRequest[Any], *, stream: bool) -> httpx.Response:
        max_retries = self._max_retries(req)
        key = self._idempotency_key(req)
        retries_taken = 0
        while True:
            request = self._build_request(self._client, req, idempotency_key=key, stream=stream)
            try:
                response = await self._client.send(request, stream=stream)
            except httpx.TransportError as error:
                if retries_taken >= max_retries:
                    raise self._transport_error(error, request) from error
                await asyncio.sleep(retry_delay(retries_taken))
                retries_taken += 1
                continue
            if not self._is_error(req, response):
                return response
            if retries_taken < max_retries and should_retry_status(response.status_code, response.headers):
                await response.aclose()
                await asyncio.sleep(retry_delay(retries_taken, response.headers))
                retries_taken += 1
                continue
            if stream:
                await response.aread()
                await response.aclose()
            raise self._status_error(response)
