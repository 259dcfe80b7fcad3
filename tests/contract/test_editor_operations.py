"""schema/operations/editor.graphql: every operation validates and runs an editor's day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from graphql import OperationDefinitionNode, parse, validate

from cms.api.schema import build_schema
from cms.enums import CommentStatus, Role
from cms.models import Post
from tests.factories import make_comment, make_token

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations" / "editor.graphql"
DOCUMENT = OPERATIONS.read_text(encoding="utf-8")


def _names() -> list[str]:
    return [
        d.name.value
        for d in parse(DOCUMENT).definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    ]


def test_every_editor_operation_validates_against_the_schema() -> None:
    schema = build_schema()

    errors = validate(schema._schema, parse(DOCUMENT))

    assert errors == []
    assert len(_names()) == len(set(_names())) == 22


async def test_the_operations_run_an_editors_day(client: httpx.AsyncClient) -> None:
    secret = await make_token("alice", role=Role.ADMIN)  # the day ends with a deletion
    ran: list[str] = []

    async def run(name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await client.post(
            "/graphql",
            json={"query": DOCUMENT, "operationName": name, "variables": variables or {}},
            headers={"Authorization": f"Bearer {secret}"},
        )
        result = body.json()
        assert "errors" not in result, (name, result)
        ran.append(name)
        return result["data"]

    assert (await run("Me"))["me"] == {"name": "alice", "role": "ADMIN"}
    post = (
        await run(
            "CreatePost",
            {
                "input": {
                    "title": "Kayaking the Fjords",
                    "tags": ["travel"],
                    "sections": [{"body": "We set off at dawn."}, {"heading": "Gear", "body": "A"}],
                }
            },
        )
    )["createPost"]
    post_id, slug = post["id"], post["slug"]
    gear = post["sections"][1]["id"]
    drafts = await run("PostsByStatus", {"status": "DRAFT"})
    assert drafts["posts"]["totalCount"] == 1
    await run("UpdatePost", {"id": post_id, "input": {"excerpt": "Cold water."}})
    added = await run(
        "AddSection", {"postId": post_id, "input": {"heading": "Getting there", "body": "Train."}}
    )
    section = added["addSection"]["id"]
    await run("UpdateSection", {"id": gear, "input": {"body": "A dry suit."}})
    moved = await run("MoveSection", {"id": section, "position": 1})
    assert [s["heading"] for s in moved["moveSection"]["sections"]] == [
        None,
        "Getting there",
        "Gear",
    ]
    story = await run(
        "AddStory",
        {
            "input": {
                "sectionId": gear,
                "kind": "PERSONAL",
                "name": "Sarah",
                "lead": "Sarah remembers:",
                "quote": "The silence was huge.",
            }
        },
    )
    story_id = story["addStory"]["id"]
    await run("UpdateStory", {"id": story_id, "input": {"descriptor": "a paddler"}})
    published = await run("PublishPost", {"id": post_id})
    assert published["publishPost"]["status"] == "PUBLISHED"
    preview = await run("PreviewPost", {"slug": slug})
    assert preview["post"]["stories"][0]["descriptor"] == "a paddler"

    await make_comment(await Post.get(slug=slug), "First!", status=CommentStatus.PENDING)
    queue = await run("ModerationQueue")
    comment_id = queue["moderationQueue"]["edges"][0]["node"]["id"]
    approved = await run("ModerateComment", {"id": comment_id, "status": "APPROVED"})
    assert approved["moderateComment"]["post"]["commentCount"] == 1
    await run("DeleteComment", {"id": comment_id})

    revisions = (await run("PostRevisions", {"slug": slug}))["post"]["revisions"]
    assert [r["action"] for r in revisions][-2:] == ["SECTION_ADDED", "POST_EDITED"]
    diff = await run("RevisionDiff", {"from": revisions[-1]["id"]})
    assert [f["field"] for f in diff["revisionDiff"]["fields"]] == [
        "excerpt",
        "status",
        "publishedAt",
    ]
    restored = await run("RestoreRevision", {"id": revisions[-1]["id"]})
    assert restored["restoreRevision"]["excerpt"] == ""
    assert [s["heading"] for s in restored["restoreRevision"]["sections"]] == [None, "Gear"]
    # The restore is a revision too: restoring it brings back what it replaced.
    [undo, *_] = (await run("PostRevisions", {"slug": slug}))["post"]["revisions"]
    again = await run("RestoreRevision", {"id": undo["id"]})
    assert [s["heading"] for s in again["restoreRevision"]["sections"]] == [
        None,
        "Getting there",
        "Gear",
    ]
    await run("DeleteStory", {"id": story_id})
    await run("DeleteSection", {"id": section})
    archived = await run("ArchivePost", {"id": post_id})
    assert archived["archivePost"]["status"] == "ARCHIVED"
    await run("UnpublishPost", {"id": post_id})
    await run("DeletePost", {"id": post_id})

    assert sorted(set(ran)) == sorted(_names())
