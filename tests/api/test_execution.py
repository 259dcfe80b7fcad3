"""The compiled completion of plain-data subtrees answers exactly as graphql-core does."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry import relay

from cms.api.execution import ExecutionContext, _reader


@strawberry.enum
class Mood(Enum):
    HAPPY = "HAPPY"


@strawberry.type
class Item:
    name: str
    note: str | None
    at: datetime
    mood: Mood
    tags: list[str]

    @strawberry.field
    def shout(self) -> str:  # a getter: read like an attribute
        return self.name.upper()

    @strawberry.field
    def named(self, info: strawberry.Info) -> str:  # asks for info: graphql-core's path
        return f"{info.field_name}: {self.name}"


@strawberry.type
class Box:
    items: list[Item]
    label: str


def _items(name_of_second: Any = "b") -> list[Item]:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    return [
        Item(name="a", note=None, at=at, mood=Mood.HAPPY, tags=["x"]),
        Item(name=name_of_second, note="n", at=at, mood=Mood.HAPPY, tags=[]),
    ]


@strawberry.type
class Counted:
    count: int
    maybe: int | None
    flag: bool
    name: str


@strawberry.type
class Thing(relay.Node):
    id: relay.NodeID[int]
    title: str


@strawberry.type
class Custom(relay.Node):
    code: relay.NodeID[str]

    @classmethod
    def resolve_id(cls, root: Custom, *, info: strawberry.Info) -> str:
        return f"custom-{root.code}"


@strawberry.type
class Query:
    @strawberry.field
    def box(self) -> Box:
        return Box(items=_items(), label="L")

    @strawberry.field
    def broken(self) -> Box:
        return Box(items=_items(name_of_second=None), label="L")

    @strawberry.field
    async def later(self) -> list[Item]:
        return _items()

    @strawberry.field
    def things(self) -> list[Thing]:
        return [Thing(id=1, title="a"), Thing(id=22, title="b")]

    @strawberry.field
    def customs(self) -> list[Custom]:
        return [Custom(code="c")]

    @strawberry.field
    def counted(self) -> list[Counted]:
        # Values the built-in scalars pass unchanged, and some they convert or refuse.
        odd: dict[str, Any] = {"count": True, "maybe": 2**31, "flag": 1, "name": 5}
        return [Counted(count=-(2**31), maybe=None, flag=True, name="a"), Counted(**odd)]


plain = strawberry.Schema(query=Query)
compiled = strawberry.Schema(query=Query, execution_context_class=ExecutionContext)

DOCUMENTS = [
    "{ box { label items { name note at mood tags __typename } } }",
    "{ box { items { first: name again: name } } }",
    "{ box { items { name note @include(if: false) } } }",
    "{ box { items { name } items { note } } }",
    "{ later { name at } }",
    "{ broken { label items { name } } }",
    "{ counted { count maybe flag name } }",
    "{ counted { count flag } }",
    "{ box { items { shout name named } } }",
    "{ broken { items { name shout } } }",
    "{ broken { items { shout } } }",
    "{ things { id title } }",
    "{ customs { id } things { id } }",
]


@pytest.mark.parametrize("document", DOCUMENTS)
async def test_answers_and_errors_are_those_of_graphql_core(document: str) -> None:
    expected = await plain.execute(document)
    got = await compiled.execute(document)

    assert got.data == expected.data
    assert [(e.message, e.path) for e in got.errors or []] == [
        (e.message, e.path) for e in expected.errors or []
    ]


async def test_a_null_in_a_non_null_field_is_the_usual_error() -> None:
    result = await compiled.execute("{ broken { items { name } } }")

    assert result.data is None
    errors = cast(list[Any], result.errors)
    assert [(e.message, e.path) for e in errors] == [
        ("Cannot return null for non-nullable field Item.name.", ["broken", "items", 1, "name"])
    ]


def test_getters_are_read_like_attributes_and_nothing_else_is() -> None:
    types = compiled._schema.type_map
    item, thing, custom = types["Item"], types["Thing"], types["Custom"]
    assert isinstance(item, GraphQLObjectType)
    assert isinstance(thing, GraphQLObjectType)
    assert isinstance(custom, GraphQLObjectType)

    assert _reader(item, item.fields["name"]) is not None
    assert _reader(item, item.fields["shout"]) is not None
    assert _reader(item, item.fields["named"]) is None
    # Relay's id, unless the type resolves its id its own way.
    assert _reader(thing, thing.fields["id"]) is not None
    assert _reader(custom, custom.fields["id"]) is None
