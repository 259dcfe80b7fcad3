"""Queries straight through graphql-core, past Strawberry's per-request machinery.

For a query over HTTP, Strawberry's view parses the body a second time, builds an
execution context, runs every extension hook as a context manager and converts the
result twice: about a third of an executed feed's time, measured. The endpoint has
already read the payload and parsed the document (cms/http/transport.py), so a query
whose document validates runs here instead: the same context, the same validation
rules and cache as the guards extension, graphql-core's execution with the CMS's
execution context, the same error codes and masking, and the endpoint's own
`process_result` and `create_response`, so the answer is byte for byte what the full
path gives. Whatever this path does not cover (a bad token, validation errors,
mutations) goes through Strawberry as before. In debug mode it reports SQL statement
counts as the guards do.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from graphql import GraphQLError, execute
from starlette.requests import Request
from starlette.responses import Response
from strawberry.execution import optimized_is_awaitable
from strawberry.types import ExecutionResult
from strawberry.utils.await_maybe import await_maybe

from cms.api.documents import cached_parse
from cms.api.errors import client_error
from cms.api.execution import ExecutionContext
from cms.db.statements import count_statements


@dataclass
class DirectCounts:
    """How many queries this path answered, and how many it handed to the full path."""

    answered: int = 0
    handed_on: int = 0


direct_counts = DirectCounts()

if TYPE_CHECKING:
    from cms.api.schema import CMSSchema
    from cms.http.graphql import GraphQLEndpoint


async def run_query(
    endpoint: GraphQLEndpoint, request: Request, payload: dict[str, Any], document_text: str
) -> Response | None:
    """The answer to a query, or None where the full path must give it."""
    response = await _run(endpoint, request, payload, document_text)
    if response is None:
        direct_counts.handed_on += 1
    else:
        direct_counts.answered += 1
    return response


async def _run(
    endpoint: GraphQLEndpoint, request: Request, payload: dict[str, Any], document_text: str
) -> Response | None:
    schema = cast("CMSSchema", endpoint.schema)
    guards = getattr(schema, "guards", None)
    if guards is None:
        return None
    debug = endpoint.runtime.settings.debug
    limits = endpoint.runtime.settings.limits
    try:
        document = cached_parse(document_text, max_tokens=limits.max_tokens)
    except GraphQLError:
        return None
    sub_response = await endpoint.get_sub_response(request)
    context = await endpoint.get_context(request, response=sub_response)
    if context.auth_error is not None:
        return None
    core_schema = schema._schema
    if guards.validate_document(core_schema, document, context.schema_hidden):
        return None
    counting = count_statements() if debug else nullcontext(None)
    try:
        with counting as counter:
            outcome = await await_maybe(
                execute(
                    core_schema,
                    document,
                    variable_values=payload.get("variables"),
                    operation_name=payload.get("operationName"),
                    context_value=context,
                    executor_class=ExecutionContext,
                    is_awaitable=cast(Any, optimized_is_awaitable),
                    operation_extensions=payload.get("extensions"),
                )
            )
        data, errors = outcome.data, outcome.errors
    except Exception as error:  # as Strawberry does: an INTERNAL error, logged once
        data, errors = None, [GraphQLError(str(error), original_error=error)]
    result = ExecutionResult(
        data=data,
        errors=[client_error(error) for error in errors] if errors else None,
        # As the guards report them in debug mode (cms/api/extensions/guards.py).
        extensions={"sql": {"count": counter.count}} if counter is not None else None,
    )
    response_data = await endpoint.process_result(request, result)
    return endpoint.create_response(response_data, sub_response)
