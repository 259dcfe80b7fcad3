"""Reading a GraphQL-over-HTTP request, and refusing a malformed one in GraphQL's shape.

Every refusal is a JSON body `{"errors": [{"message", "extensions": {"code"}}]}` with a
4xx status, never a plain-text 400 or a 500: a body that is not JSON or not one JSON
object, batches, an unsupported content type, a mutation over GET, a subscription over
HTTP, several operations without `operationName`, or an unknown one, a body over the
size limit (413) or one that does not arrive in time (408), an Accept header that takes
neither GraphQL media type (406).
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response

from cms.api.documents import cached_parse
from cms.http.media_types import JSON
from cms.http.request_body import request_body


class Refusal(Exception):
    def __init__(self, message: str, status: int, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code

    def response(self, media_type: str = JSON, *, close: bool = False) -> Response:
        """The refusal as sent; `close` ends the connection after it (a body left unread)."""
        body = {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
        headers = {"Allow": "GET, POST"} if self.status == 405 else {}
        if close:
            headers["Connection"] = "close"
        return Response(
            orjson.dumps(body), status_code=self.status, media_type=media_type, headers=headers
        )


def _json(text: str | bytes, what: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        # orjson refuses invalid UTF-8, lone surrogates and nesting deeper than 1,024.
        reason = str(error).split(":", 1)[0]
        raise Refusal(f"{what} is not valid JSON ({reason}).", 400) from None


async def read_payload(request: Request) -> dict[str, Any] | None:
    """The request's GraphQL fields; None for GraphiQL's page. Raises Refusal."""
    if request.method == "GET":
        payload: dict[str, Any] = dict(request.query_params)
        if "query" not in payload and "extensions" not in payload:
            return None
        for name in ("variables", "extensions"):
            if payload.get(name):
                payload[name] = _json(payload[name], f"The `{name}` parameter")
        return payload
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise Refusal(
            "Send GraphQL requests as application/json (or GET with ?query=...).",
            415,
        )
    body = _json(await request_body(request), "The request body")
    if isinstance(body, list):
        raise Refusal("Batched requests are not supported: send one operation per request.", 400)
    if not isinstance(body, dict):
        raise Refusal(
            'The request body must be a JSON object: {"query": ..., "variables": {...}}.', 400
        )
    return body


def check_operation(
    payload: dict[str, Any], document_text: str | None, method: str, max_tokens: int
) -> OperationDefinitionNode | None:
    """The operation the request runs (None where the guards report what is wrong);
    Refusal when it cannot run over HTTP."""
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        raise Refusal("`operationName` must be a string.", 400)
    for field in ("variables", "extensions"):
        if payload.get(field) is not None and not isinstance(payload[field], dict):
            raise Refusal(f"`{field}` must be a JSON object.", 400)
    if document_text is None:
        raise Refusal("The request has no GraphQL document: send it in `query`.", 400)
    if not isinstance(document_text, str):
        raise Refusal("`query` must be a string holding the GraphQL document.", 400)
    try:
        document = cached_parse(document_text, max_tokens=max_tokens)
    except GraphQLError:
        return None  # the guards answer syntax errors and oversized documents
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return None  # validation says what is missing
    if name is None and len(operations) > 1:
        raise Refusal(
            f"This document has {len(operations)} operations: name the one to run in "
            "`operationName`.",
            400,
        )
    chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
    if not chosen and name is not None:
        raise Refusal(f"The document has no operation named {name[:100]!r}.", 400)
    operation = chosen[0] if chosen else operations[0]
    kind = operation.operation
    if kind is OperationType.SUBSCRIPTION:
        raise Refusal(
            "Subscriptions run over WebSocket (graphql-transport-ws) on this URL, not HTTP.",
            400,
        )
    if kind is OperationType.MUTATION and method == "GET":
        raise Refusal("Mutations need POST: GET runs queries only.", 405)
    return operation
