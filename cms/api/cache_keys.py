"""The surrogate keys of one answer, gathered while it executes.

Whatever an answer shows was built by a type or a resolver, which records its key here:
a post (`Post.from_model`, sections and stories: `post:<id>`), a post's thread
(`post:<id>:comments`, also when it is empty, so the first comment purges it), a list
of posts (`posts`, and `tag:<slug>` when filtered by tag), a lookup that found nothing
(`posts`: publishing the post may fill it). The HTTP layer turns them into the
`Surrogate-Key` and `Cache-Tag` headers of anonymous answers and purges by them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from cms.services.cache_purge import POSTS, comments_key, post_key, tag_key

_keys: ContextVar[set[str] | None] = ContextVar("cms_cache_keys", default=None)


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Gather the keys recorded while the block runs (its tasks included)."""
    keys: set[str] = set()
    token = _keys.set(keys)
    try:
        yield keys
    finally:
        _keys.reset(token)


def record(key: str) -> None:
    keys = _keys.get()
    if keys is not None:
        keys.add(key)


def shows_post(post_id: int) -> None:
    record(post_key(post_id))


def shows_comments(post_id: int) -> None:
    record(comments_key(post_id))


def shows_list(tag: str | None = None) -> None:
    record(POSTS)
    if tag:
        record(tag_key(tag))


def found_nothing() -> None:
    """A lookup answered null: it may answer once a post is published."""
    record(POSTS)
