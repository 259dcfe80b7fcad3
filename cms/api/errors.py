"""Turning exceptions into the errors clients see: a contract code, no internals."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from cms.db.timeouts import is_statement_timeout
from cms.errors import CMSError

log = logging.getLogger("cms.api")

_TOO_MANY_TOKENS = "tokens. Parsing aborted."  # graphql-core's max_tokens error
STATEMENT_TIMEOUT_MESSAGE = (
    "This request needed more database time than the server allows and was stopped; "
    "ask for fewer items or a narrower search."
)
INTERNAL_MESSAGE = "Something went wrong on our side; the error was logged. Try again later."


def client_error(error: GraphQLError) -> GraphQLError:
    """The error as a client sees it; unexpected ones are logged and masked as INTERNAL."""
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, CMSError):
        message, extensions = original.message, {"code": original.code, **original.extensions}
    elif original is None or isinstance(original, GraphQLError):
        # Syntax, validation and variable errors: about the request the client sent.
        code = (error.extensions or {}).get("code", "BAD_USER_INPUT")
        if _TOO_MANY_TOKENS in error.message:
            code = "QUERY_TOO_COMPLEX"
        message, extensions = error.message, {"code": code}
    elif is_statement_timeout(original):
        log.warning("statement time limit reached in %s", error.path)
        message, extensions = STATEMENT_TIMEOUT_MESSAGE, {"code": "QUERY_TOO_COMPLEX"}
    else:
        log.error("unexpected error in %s", error.path, exc_info=original)
        message, extensions = INTERNAL_MESSAGE, {"code": "INTERNAL"}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )
