"""Which media type a GraphQL response is sent as, from the request's Accept header.

The GraphQL over HTTP spec defines `application/graphql-response+json`, under which a
request that fails before execution (it does not parse or validate, its variables do
not fit) is answered with a 4xx status; `application/json` keeps answering such errors
with 200, as older clients expect. Without an Accept header, or with `*/*`, the answer
is `application/json`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLError

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
GRAPHQL_MEDIA_TYPES = frozenset({JSON, GRAPHQL_RESPONSE})

# The media type the current request is answered with (set per request by the view).
response_media_type: ContextVar[str] = ContextVar("response_media_type", default=JSON)


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The header's media ranges with their weights, in the order sent."""
    ranges = []
    for item in accept.split(","):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        if not media_range:
            continue
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        ranges.append((media_range.lower(), weight))
    return ranges


def _weight(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The weight the most specific matching range gives `media_type` (0: not acceptable)."""
    kind = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for media_range, weight in ranges:
        if media_range == media_type:
            rank = 2
        elif media_range == f"{kind}/*":
            rank = 1
        elif media_range == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            best, specificity = weight, rank
    return best


def negotiate(accept: str | None) -> str | None:
    """The media type to answer with; None when the client accepts neither.

    `application/graphql-response+json` wins when it is named and weighs at least as
    much as `application/json`; wildcards alone mean `application/json`.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _ranges(accept)
    json_weight = _weight(JSON, ranges)
    named = any(media_range == GRAPHQL_RESPONSE for media_range, _ in ranges)
    graphql_weight = _weight(GRAPHQL_RESPONSE, ranges) if named else 0.0
    if graphql_weight > 0 and graphql_weight >= json_weight:
        return GRAPHQL_RESPONSE
    if json_weight > 0:
        return JSON
    return None


# Statuses for answers without `data` under application/graphql-response+json, by the
# first error's code; any other code is the request's fault (400).
_STATUS_BY_CODE = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "RATE_LIMITED": 429, "INTERNAL": 500}


def failed_before_execution(data: object, errors: Sequence[GraphQLError] | None) -> bool:
    """Whether a result is a request error: no data, and only errors outside any field
    (the document did not parse or validate, the variables did not fit, a bad token)."""
    return data is None and bool(errors) and all(error.path is None for error in errors or ())


def status_without_data(response: Mapping[str, Any]) -> int:
    """The 4xx or 5xx status of an answer that has no `data`."""
    errors = response.get("errors") or [{}]
    code = (errors[0].get("extensions") or {}).get("code")
    return _STATUS_BY_CODE.get(str(code), 400)
