"""Relay connections: `Connection[Post]` is named PostConnection in the schema."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from cms.services.pagination import Page

NodeT = TypeVar("NodeT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    cursors: strawberry.Private[Sequence[str]]

    # Encoded only when asked for, like the edges' cursors.
    @strawberry.field
    def start_cursor(self) -> str | None:
        return self.cursors[0] if self.cursors else None

    @strawberry.field
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


@strawberry.type
class Edge(Generic[NodeT]):
    node: NodeT
    cursors: strawberry.Private[Sequence[str]]
    index: strawberry.Private[int]

    @strawberry.field
    def cursor(self) -> str:
        return self.cursors[self.index]


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        """How many items all pages hold together."""
        return await self.total()

    @classmethod
    def from_page(
        cls,
        page: Page[Any],
        to_node: Callable[[Any], NodeT],
        total: Callable[[], Awaitable[int]] | None = None,
    ) -> Connection[NodeT]:
        cursors = page.cursors
        edges = [
            Edge(node=to_node(item), cursors=cursors, index=index)
            for index, item in enumerate(page.items)
        ]
        info = PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous, cursors=cursors
        )
        return cls(edges=edges, page_info=info, total=total or page.count)
