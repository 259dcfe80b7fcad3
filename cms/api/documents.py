"""Parsed GraphQL documents, cached once for the process.

The guards and the HTTP response cache both need a request's document; they share
this cache, and both parse under the same token limit.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import parse

cached_parse = lru_cache(maxsize=512)(parse)
