"""Ranked full-text search: PostgreSQL tsvector + GIN, SQLite FTS5 (see migration 0002)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cms.db.read_routing import read_connection
from cms.errors import InvalidInput

MAX_MATCHES = 1000
# Every word must match, so each one costs the database a lookup: bounded, so that no
# search can hold it (12,000 words took 10.8 s before these limits).
MAX_WORDS = 32
MAX_WORD_LENGTH = 100
MAX_SEARCH_LENGTH = 1000

# Must stay identical to the indexed expression of migration 0002, or the index is unused.
_PG_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(excerpt, '')), 'B')"
    " || to_tsvector('english', coalesce(search_text, '')))"
)

_PG_SQL = f"""SELECT id, ts_rank({_PG_VECTOR}, q) AS rank
FROM post, websearch_to_tsquery('english', $1) AS q
WHERE {_PG_VECTOR} @@ q
ORDER BY rank DESC, id LIMIT {MAX_MATCHES}"""

# bm25 is smaller for better matches; weights: title, excerpt, body.
_SQLITE_SQL = f"""SELECT rowid AS id, -bm25(post_fts, 10.0, 4.0, 1.0) AS rank
FROM post_fts WHERE post_fts MATCH ?
ORDER BY rank DESC, id LIMIT {MAX_MATCHES}"""

_WORD = re.compile(r"\w+", re.UNICODE)


def _fts5_query(text: str) -> str:
    """Every word must match; each is quoted so FTS5 syntax in user input is inert."""
    return " ".join(f'"{word}"' for word in _WORD.findall(text))


def check_search(text: str) -> None:
    """BAD_USER_INPUT when a search is longer than the limits say."""
    words = _WORD.findall(text[: MAX_SEARCH_LENGTH + 1])
    problem = None
    if len(text) > MAX_SEARCH_LENGTH:
        problem = f"at most {MAX_SEARCH_LENGTH:,} characters; got {len(text):,}"
    elif len(words) > MAX_WORDS:
        problem = f"at most {MAX_WORDS} words; got {len(words)}"
    elif any(len(word) > MAX_WORD_LENGTH for word in words):
        problem = f"words of at most {MAX_WORD_LENGTH} characters"
    if problem:
        raise InvalidInput(
            f"A search takes {problem}: search for fewer, shorter words.", field="search"
        )


async def ranked_post_ids(text: str) -> list[tuple[int, float]]:
    """Ids of posts matching `text`, best first, with their rank (at most 1,000)."""
    check_search(text)
    connection = read_connection()
    text = text.replace("\x00", " ")  # PostgreSQL refuses NUL in text; it is no word
    if connection.capabilities.dialect == "postgres":
        if not _WORD.search(text):
            return []
        rows = await connection.execute_query_dict(_PG_SQL, [text])
    else:
        query = _fts5_query(text)
        if not query:
            return []
        rows = await connection.execute_query_dict(_SQLITE_SQL, [query])
    return [(int(row["id"]), round(float(row["rank"]), 9)) for row in rows]


def search_text_of(sections: Iterable[tuple[str | None, str]], quotes: Iterable[str]) -> str:
    """What `post.search_text` holds: section headings and bodies, then story quotes."""
    parts = [part for heading, body in sections for part in (heading, body) if part]
    return "\n".join([*parts, *quotes])
