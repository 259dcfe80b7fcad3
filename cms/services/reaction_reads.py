"""Reading reactions and votes in batches: one statement for every post or comment of a
page (counts), and one more for a named visitor's own reactions or votes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from cms.services.read_statements import Ids, Statement, fetch

Target = Literal["post", "comment"]

_COUNTS = {
    target: Statement(
        f"SELECT {target}_id, kind, count FROM {target}_reaction_count "
        f"WHERE {target}_id IN {{ids}} AND count > 0"
    )
    for target in ("post", "comment")
}
_MINE = {
    target: Statement(
        f"SELECT {target}_id, kind FROM {target}_reaction "
        f"WHERE visitor_id = ? AND {target}_id IN {{ids}}"
    )
    for target in ("post", "comment")
}
_VOTES = Statement(
    "SELECT comment_id, value FROM comment_vote WHERE visitor_id = ? AND comment_id IN {ids}"
)


async def reaction_counts(target: Target, ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Counts by kind of each post's (or comment's) reactions; kinds nobody chose left out."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for target_id, kind, count in await fetch(_COUNTS[target], Ids.of(ids)):
        found[target_id][kind] = int(count)
    return found


async def visitor_reactions(
    target: Target, visitor_id: str, ids: Iterable[int]
) -> dict[int, frozenset[str]]:
    """The kinds this visitor reacted with, for each post (or comment) they reacted to."""
    found: dict[int, set[str]] = defaultdict(set)
    for target_id, kind in await fetch(_MINE[target], visitor_id, Ids.of(ids)):
        found[target_id].add(kind)
    return {target_id: frozenset(kinds) for target_id, kinds in found.items()}


async def visitor_votes(visitor_id: str, comment_ids: Iterable[int]) -> dict[int, int]:
    """This visitor's vote (+1 or -1) on each comment they voted on."""
    rows = await fetch(_VOTES, visitor_id, Ids.of(comment_ids))
    return {comment_id: int(value) for comment_id, value in rows}
