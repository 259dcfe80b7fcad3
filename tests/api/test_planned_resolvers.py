"""Planned resolvers give each resolver exactly the arguments Strawberry's own would."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import strawberry
from graphql import GraphQLObjectType
from strawberry import Info, Parent
from strawberry.relay import GlobalID

from cms.api.resolvers import plan_resolvers
from cms.api.schema import build_schema


@strawberry.enum
class Order(enum.Enum):
    NEWEST = "newest"
    OLDEST = "oldest"


@strawberry.input
class Filter:
    tag: str | None = None
    order: Order = Order.NEWEST
    cleared: strawberry.Maybe[str | None] = None
    ids: list[GlobalID] | None = None


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def seen(self, info: Info, first: int | None = 10, order: Order | None = Order.NEWEST) -> str:
        return repr((self.name, first, order, info.field_name, info.path.key))

    @strawberry.field
    def parent(self, parent: Parent[Any], suffix: str = "!") -> str:
        return parent.name + suffix


def _describe(value: Any) -> Any:
    if isinstance(value, Filter):
        return {k: _describe(v) for k, v in vars(value).items()}
    if isinstance(value, list):
        return [_describe(v) for v in value]
    return repr(value)


@strawberry.type
class Query:
    @strawberry.field
    def item(self) -> Item:
        return Item(name="one")

    @strawberry.field
    async def seen(
        self,
        first: int | None = 10,
        after: str | None = None,
        filter: Filter | None = None,
        node: GlobalID | None = None,
        numbers: list[int] | None = None,
        filters: list[Filter] | None = None,
        renamed: Annotated[str | None, strawberry.argument(name="otherName")] = None,
    ) -> str:
        return repr(
            {
                "first": first,
                "after": after,
                "filter": _describe(filter),
                "node": repr(node),
                "numbers": numbers,
                "filters": _describe(filters),
                "renamed": renamed,
            }
        )


DOCUMENTS = [
    "{ seen }",
    "{ seen(first: null, after: null, filter: null, node: null) }",
    '{ seen(first: 3, after: "c", numbers: [1, 2], otherName: "x") }',
    '{ seen(filter: {tag: "care"}) }',
    "{ seen(filter: {tag: null, order: OLDEST, cleared: null}) }",
    '{ seen(filter: {cleared: "x", ids: ["SXRlbTox"]}, filters: [{tag: "a"}, {}]) }',
    '{ seen(node: "SXRlbTox") }',
    '{ seen(node: "not an id") }',
    "{ item { seen parent } }",
    "{ item { seen(first: 2, order: OLDEST) a: seen(order: null) parent(suffix: '?') } }".replace(
        "'", '"'
    ),
]


async def test_every_argument_arrives_as_strawberry_gives_it() -> None:
    plain = strawberry.Schema(query=Query)
    planned = strawberry.Schema(query=Query)
    assert plan_resolvers(planned) == 4  # item, seen, Item.seen, Item.parent

    for document in DOCUMENTS:
        expected = await plain.execute(document)
        got = await planned.execute(document)
        assert (got.data, got.errors and [str(e) for e in got.errors]) == (
            expected.data,
            expected.errors and [str(e) for e in expected.errors],
        ), document
    # Each case was answered, not only refused alike.
    answered = [(await planned.execute(d)).data for d in DOCUMENTS]
    assert sum(data is not None for data in answered) == len(DOCUMENTS) - 1


def test_the_hot_fields_of_the_cms_schema_are_planned() -> None:
    schema = build_schema()
    query = schema._schema.type_map["Query"]
    post = schema._schema.type_map["Post"]
    assert isinstance(query, GraphQLObjectType)
    assert isinstance(post, GraphQLObjectType)
    hot = [query.fields[name] for name in ("post", "posts", "node", "stories")] + [
        post.fields[name] for name in ("sections", "stories", "comments", "viewCount", "tags")
    ]
    assert all(field.resolve.__module__ == "cms.api.resolvers" for field in hot)
