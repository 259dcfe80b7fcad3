"""The /graphql endpoint: GraphiQL, queries, mutations and subscriptions."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import orjson
from graphql import OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from cms.api import cache_keys
from cms.api.context import Context
from cms.api.schema import CMSSchema
from cms.db.read_routing import replica_reads
from cms.errors import Unauthenticated
from cms.http.caching import NOT_CACHED, Freshness, cached_answer, with_cache_headers
from cms.http.client_address import client_address
from cms.http.direct_queries import run_query
from cms.http.graphiql import local_graphiql
from cms.http.media_types import (
    GRAPHQL_RESPONSE,
    JSON,
    failed_before_execution,
    negotiate,
    response_media_type,
    status_without_data,
)
from cms.http.persisted_queries import PersistedQueries, resolved_query
from cms.http.read_your_writes import PrimaryPin
from cms.http.response_cache import SURROGATE_KEY, Operation, ResponseCache, operation_of
from cms.http.transport import Refusal, check_operation, read_payload
from cms.http.websocket_frames import TextWebSocketAdapter
from cms.http.websocket_limits import TRY_AGAIN_LATER, LimitedTransportWSHandler, WebSocketSlots
from cms.principal import ANONYMOUS, Viewer
from cms.runtime import Runtime
from cms.services import tokens
from cms.services.cache_purge import SITE


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI app with the CMS's context: viewer, client address, loaders."""

    graphql_transport_ws_handler_class = LimitedTransportWSHandler
    websocket_adapter_class = TextWebSocketAdapter

    def __init__(self, schema: CMSSchema, runtime: Runtime) -> None:
        limits = runtime.settings.limits
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=runtime.settings.cors_origins,
            connection_init_wait_timeout=timedelta(seconds=limits.websocket_init_timeout_s),
            max_subscriptions_per_connection=limits.max_subscriptions_per_connection,
        )
        self.runtime = runtime
        self.websockets = WebSocketSlots(limits.max_websockets, limits.max_websockets_per_client)
        self.graphiql_page = local_graphiql(self.graphql_ide_html)
        self.persisted = PersistedQueries(trusted_only=runtime.settings.trusted_documents)
        settings = runtime.settings
        self.freshness = Freshness(
            settings.public_max_age_s, settings.stale_while_revalidate_s, settings.stale_if_error_s
        )
        ttl = settings.response_cache_ttl_s
        # Debug answers carry per-request SQL counts: never cached.
        self.cache = (
            ResponseCache(ttl, settings.stale_while_revalidate_s, settings.stale_if_error_s)
            if ttl > 0 and not settings.debug
            else None
        )
        if self.cache is not None:
            runtime.purges.follow(self.cache.purge)
        self.replicas = bool(settings.database_replica_urls)
        # With replicas, a client reads from the primary for a while after its mutations.
        self.pin = (
            PrimaryPin(runtime.engagement.secret, settings.read_your_writes_s)
            if self.replicas and settings.read_your_writes_s > 0
            else None
        )

    async def parse_http_body(self, request_adapter: Any) -> Any:
        """A hash-only persisted query runs the document it resolved to."""
        data = await super().parse_http_body(request_adapter)
        text = resolved_query.get()
        if isinstance(data, GraphQLRequestData) and data.query is None and text is not None:
            return dataclasses.replace(data, query=text)
        return data

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Under application/graphql-response+json a request error has no `data`."""
        response = await super().process_result(request, result)
        if response_media_type.get() == GRAPHQL_RESPONSE and failed_before_execution(
            result.data, result.errors
        ):
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """The negotiated media type; under application/graphql-response+json, an answer
        without `data` has a 4xx (or 5xx) status."""
        response = super().create_response(response_data, sub_response)
        if response_media_type.get() != GRAPHQL_RESPONSE:
            return response
        response.media_type = GRAPHQL_RESPONSE
        response.headers["content-type"] = GRAPHQL_RESPONSE
        if isinstance(response_data, dict) and "data" not in response_data:
            response.status_code = status_without_data(response_data)
            if response.status_code == 401:
                response.headers["WWW-Authenticate"] = "Bearer"
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self.graphiql_page)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, WebSocket):
            return await self._run_websocket(request, context, root_value)
        if not isinstance(request, Request):
            return await super().run(request, context, root_value)
        media_type = negotiate(request.headers.get("accept"))
        response_media_type.set(media_type or JSON)
        key = None
        anonymous = "authorization" not in request.headers
        pinned = self.pin is not None and self.pin.pinned(request)
        cacheable = anonymous and not pinned and request.method in ("GET", "POST")
        if self.cache is not None and cacheable:
            # Only anonymous queries' answers are kept, so the same request bytes may be
            # answered before anything reads them (each was admitted when it ran).
            key = await self.cache.key(request, media_type or "")
            if (entry := self.cache.fresh(key)) is not None:
                return cached_answer(request, entry, self.freshness)
        operation = None
        payload: dict[str, Any] | None = None
        query: str | None = None
        resolved_query.set(None)  # a hash-only request's document is for that request only
        if request.method in ("GET", "POST"):
            try:
                payload = await read_payload(request)
                if payload is not None and media_type is None:
                    raise Refusal(
                        f"This endpoint answers {GRAPHQL_RESPONSE} or {JSON}: accept one of "
                        "them (the Accept header names neither).",
                        406,
                    )
                if payload is not None:
                    refusal = await self.persisted.prepare(request, payload)
                    if refusal is not None:
                        return with_cache_headers(request, refusal, NOT_CACHED)
                    document = payload.get("query")
                    text = document if document is not None else resolved_query.get()
                    node = check_operation(
                        payload, text, request.method, self.runtime.settings.limits.max_tokens
                    )
                    operation = operation_of(node) if node is not None else None
                    query = text if isinstance(text, str) else None
            except Refusal as refusal:
                return with_cache_headers(request, refusal.response(media_type or JSON), NOT_CACHED)
        kind = operation.type if operation is not None else None
        # Anonymous queries read from a replica; editors, mutations and pinned clients
        # from the primary.
        replica = self.replicas and anonymous and not pinned and kind is OperationType.QUERY
        if replica:
            with replica_reads():
                response = await self._answer(
                    request, key, operation, context, root_value, payload, query
                )
        else:
            response = await self._answer(
                request, key, operation, context, root_value, payload, query
            )
        if not isinstance(response, Response):
            return response
        if (
            self.pin is not None
            and operation is not None
            and kind is OperationType.MUTATION
            and self.pin.pins(operation.root_fields)
        ):
            self.pin.pin(response)
        return with_cache_headers(request, response, self.freshness)

    async def _answer(
        self,
        request: Request,
        key: str | None,
        operation: Operation | None,
        context: Any,
        root_value: Any,
        payload: dict[str, Any] | None = None,
        query: str | None = None,
    ) -> Any:
        """Anonymous queries from the response cache (`key` is set for anonymous callers
        when the cache is on), tagged with the surrogate keys of what they show."""

        async def execute() -> Any:
            if (
                operation is not None
                and operation.type is OperationType.QUERY
                and payload is not None
                and query is not None
                and context is UNSET
                and (answer := await run_query(self, request, payload, query)) is not None
            ):
                return answer
            return await super(GraphQLEndpoint, self).run(request, context, root_value)

        async def execute_tagged() -> Any:
            with cache_keys.collecting() as keys:
                response = await execute()
            if isinstance(response, Response):
                response.headers[SURROGATE_KEY] = " ".join(sorted({SITE, *keys}))
            return response

        if operation is None:
            return await execute()
        if operation.type is not OperationType.QUERY or "authorization" in request.headers:
            # Writes purge what they change themselves (`services/cache_purge.py`).
            return await execute()
        if self.cache is not None and key is not None:
            return await self.cache.answer(key, execute_tagged)
        return await execute_tagged()

    async def _run_websocket(self, websocket: WebSocket, context: Any, root_value: Any) -> Any:
        """A WebSocket within the per-process and per-address limits; closed with 1013
        (and a reason naming the limit) past them."""
        peer = websocket.client.host if websocket.client else None
        client = client_address(peer, websocket.headers, self.runtime.settings.trusted_proxies)
        refusal = self.websockets.acquire(client)
        if refusal is not None:
            await websocket.accept(subprotocol=await self.pick_websocket_subprotocol(websocket))
            await websocket.close(code=TRY_AGAIN_LATER, reason=refusal)
            return websocket
        try:
            return await super().run(websocket, context, root_value)
        finally:
            self.websockets.release(client)

    async def on_ws_connect(self, context: Context) -> Any:
        """Subscriptions authenticate with `{"Authorization": "Bearer ..."}` in connection_init.

        Browsers cannot send headers on a WebSocket handshake; a bad token closes the
        connection (4403) instead of silently subscribing as anonymous.
        """
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if context.viewer.is_editor or header is None:
            return UNSET
        try:
            secret = tokens.parse_authorization(header if isinstance(header, str) else "?")
            if secret is None:
                return UNSET
            context.viewer = await tokens.authenticate(secret, self.runtime.token_usage)
        except Unauthenticated:
            raise ConnectionRejectionError from None
        context.refresh_loaders()
        return UNSET

    async def authenticate(self, request: Request | WebSocket) -> Viewer:
        """The viewer behind the request's bearer token; anonymous without one.

        Raises Unauthenticated for a malformed, unknown or revoked token.
        """
        secret = tokens.parse_authorization(request.headers.get("authorization"))
        if secret is None:
            return ANONYMOUS
        return await tokens.authenticate(secret, self.runtime.token_usage)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        settings = self.runtime.settings
        peer = request.client.host if request.client else None
        auth_error: Unauthenticated | None = None
        try:
            viewer = await self.authenticate(request)
        except Unauthenticated as error:
            viewer, auth_error = ANONYMOUS, error
        context = Context(
            runtime=self.runtime,
            viewer=viewer,
            auth_error=auth_error,
            client_ip=client_address(peer, request.headers, settings.trusted_proxies),
            user_agent=request.headers.get("user-agent"),
            request=request,
            response=response if isinstance(response, Response) else None,
        )
        return context
