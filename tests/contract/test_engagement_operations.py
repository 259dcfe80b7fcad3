"""The frontend's engagement operations validate against the schema and run."""

from __future__ import annotations

from pathlib import Path

import httpx
from graphql import OperationDefinitionNode, OperationType, parse, validate

from cms.api.ids import encode_id
from cms.api.schema import build_schema
from tests.conftest import graphql
from tests.factories import make_comment, make_post

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations" / "engagement.graphql"


def operations() -> dict[str, tuple[OperationType, str]]:
    document = parse(OPERATIONS.read_text(encoding="utf-8"))
    found = {}
    for node in document.definitions:
        assert isinstance(node, OperationDefinitionNode)
        assert node.name is not None
        source = node.loc.source.body[node.loc.start : node.loc.end]  # type: ignore[union-attr]
        found[node.name.value] = (node.operation, source)
    return found


def test_every_operation_validates_against_the_schema() -> None:
    schema = build_schema()._schema
    document = parse(OPERATIONS.read_text(encoding="utf-8"))

    assert validate(schema, document) == []
    assert sorted(operations()) == [
        "AddComment",
        "CommentAdded",
        "LikePost",
        "PostStats",
        "ReactToComment",
        "ReactToPost",
        "RecordView",
        "UnlikePost",
        "UnreactToComment",
        "UnreactToPost",
        "VoteComment",
    ]


async def test_the_mutations_run(client: httpx.AsyncClient) -> None:
    post = await make_post()
    pid = encode_id("Post", post.id)
    cid = encode_id("Comment", (await make_comment(post)).id)
    reaction = {"kind": "HEART", "visitorId": "v1"}
    variables = {
        "ReactToPost": {"postId": pid, **reaction},
        "UnreactToPost": {"postId": pid, **reaction},
        "ReactToComment": {"id": cid, **reaction},
        "UnreactToComment": {"id": cid, **reaction},
        "VoteComment": {"id": cid, "value": "UP", "visitorId": "v1"},
        "LikePost": {"postId": pid, "visitorId": "v1"},
        "UnlikePost": {"postId": pid, "visitorId": "v1"},
        "RecordView": {"postId": pid, "visitorId": "v1"},
        "AddComment": {"input": {"postId": pid, "author": "Ana", "body": "Hello"}},
    }
    mutations = {
        name: source
        for name, (kind, source) in operations().items()
        if kind == OperationType.MUTATION
    }

    errors = {
        name: (await graphql(client, source, variables[name])).get("errors")
        for name, source in mutations.items()
    }

    assert errors == dict.fromkeys(variables)
