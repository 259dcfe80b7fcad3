"""Turning exceptions into the errors clients see: a contract code, no internals."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from cms.db.failures import is_database_unavailable, is_statement_timeout
from cms.db.outage_log import OutageLog
from cms.errors import CMSError

log = logging.getLogger("cms.api")
outages = OutageLog(log)

_TOO_MANY_TOKENS = "tokens. Parsing aborted."  # graphql-core's max_tokens error
STATEMENT_TIMEOUT_MESSAGE = (
    "This request needed more database time than the server allows and was stopped; "
    "ask for fewer items or a narrower search."
)
DATABASE_UNAVAILABLE_MESSAGE = "The database is not answering; try again in a moment."
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
    elif is_database_unavailable(original):
        # No trace, and one line per period: an outage would otherwise log every request.
        outages.failed(str(error.path), original)
        message, extensions = DATABASE_UNAVAILABLE_MESSAGE, {"code": "INTERNAL"}
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
