"""Whole-post revisions: every change is kept, two versions compare, a restore brings all back."""

from __future__ import annotations

from typing import Any

import httpx

from cms.api.ids import encode_id
from cms.enums import PostStatus
from cms.models import Comment, Post, Revision, Section, Story
from tests.conftest import error_codes, graphql
from tests.factories import make_comment, make_post, make_story, make_token

HISTORY = """
query($slug: String!) {
  post(slug: $slug) { revisions { action editor changes { field previous } section { heading } } }
}
"""
REVISION_IDS = "query($slug: String!) { post(slug: $slug) { revisions { id action } } }"
DIFF = """
query($from: ID!, $to: ID) {
  revisionDiff(from: $from, to: $to) {
    fields { field before after }
    sections { sectionId change heading positionBefore positionAfter moved
               fields { field before after } }
    stories { storyId change name fields { field before after } }
  }
}
"""
RESTORE = """
mutation($id: ID!) {
  restoreRevision(id: $id) {
    title excerpt tags status
    sections { id heading body html stories { id name position } }
  }
}
"""
EDITS: dict[str, str] = {
    "updatePost": "mutation($id: ID!, $input: PostPatch!) { updatePost(id: $id, input: $input) "
    "{ id } }",
    "addSection": "mutation($postId: ID!, $input: SectionInput!, $position: Int) "
    "{ addSection(postId: $postId, input: $input, position: $position) { id } }",
    "updateSection": "mutation($id: ID!, $input: SectionPatch!) "
    "{ updateSection(id: $id, input: $input) { id } }",
    "moveSection": "mutation($id: ID!, $position: Int!) "
    "{ moveSection(id: $id, position: $position) { id } }",
    "deleteSection": "mutation($id: ID!) { deleteSection(id: $id) }",
    "addStory": "mutation($input: StoryInput!) { addStory(input: $input) { id } }",
    "updateStory": "mutation($id: ID!, $input: StoryPatch!) "
    "{ updateStory(id: $id, input: $input) { id } }",
    "deleteStory": "mutation($id: ID!) { deleteStory(id: $id) }",
    "publishPost": "mutation($id: ID!) { publishPost(id: $id) { id } }",
    "unpublishPost": "mutation($id: ID!) { unpublishPost(id: $id) { id } }",
    "archivePost": "mutation($id: ID!) { archivePost(id: $id) { id } }",
}
STORY = {"kind": "PERSONAL", "name": "Sarah", "lead": "Sarah says:", "quote": "It helped."}


async def _edit(client: httpx.AsyncClient, secret: str, name: str, **variables: Any) -> Any:
    body = await graphql(client, EDITS[name], variables, token=secret)
    assert "errors" not in body, body
    return body["data"][name]


def _sid(section: Section) -> str:
    return encode_id("Section", section.id)


async def _revision_ids(client: httpx.AsyncClient, slug: str, secret: str) -> list[str]:
    body = await graphql(client, REVISION_IDS, {"slug": slug}, token=secret)
    return [r["id"] for r in body["data"]["post"]["revisions"]]


async def test_every_change_to_a_post_is_kept_newest_first(client: httpx.AsyncClient) -> None:
    post = await make_post(
        "Doc", status=PostStatus.DRAFT, sections=[(None, "Lead"), ("Risks", "Few.")]
    )
    lead, risks = await Section.filter(post_id=post.id).order_by("position")
    secret = await make_token("alice")
    pid = encode_id("Post", post.id)

    await _edit(client, secret, "updatePost", id=pid, input={"title": "Doc 2"})
    added = await _edit(
        client, secret, "addSection", postId=pid, input={"heading": "More", "body": "X"}
    )
    await _edit(client, secret, "updateSection", id=_sid(risks), input={"heading": "Risk"})
    await _edit(client, secret, "moveSection", id=added["id"], position=0)
    story = await _edit(client, secret, "addStory", input={**STORY, "sectionId": _sid(lead)})
    await _edit(client, secret, "updateStory", id=story["id"], input={"quote": "It did."})
    await _edit(client, secret, "updateStory", id=story["id"], input={"sectionId": _sid(risks)})
    await _edit(client, secret, "deleteStory", id=story["id"])
    await _edit(client, secret, "deleteSection", id=_sid(risks))
    await _edit(client, secret, "publishPost", id=pid)
    await _edit(client, secret, "publishPost", id=pid)  # no change: nothing kept
    await _edit(client, secret, "archivePost", id=pid)
    await _edit(client, secret, "unpublishPost", id=pid)

    body = await graphql(client, HISTORY, {"slug": post.slug}, token=secret)
    history = body["data"]["post"]["revisions"]
    assert {r["editor"] for r in history} == {"alice"}
    published_at = (await Revision.filter(post_id=post.id).order_by("-id").first()).previous
    assert [(r["action"], r["changes"], r["section"]) for r in history] == [
        (
            "STATUS_CHANGED",
            [
                {"field": "status", "previous": "ARCHIVED"},
                {"field": "publishedAt", "previous": published_at["published_at"]},
            ],
            None,
        ),
        ("STATUS_CHANGED", [{"field": "status", "previous": "PUBLISHED"}], None),
        (
            "STATUS_CHANGED",
            [
                {"field": "status", "previous": "DRAFT"},
                {"field": "publishedAt", "previous": None},
            ],
            None,
        ),
        (
            "SECTION_DELETED",
            [
                {"field": "heading", "previous": "Risk"},
                {"field": "body", "previous": "Few."},
                {"field": "position", "previous": "2"},
            ],
            None,  # deleted since
        ),
        (
            "STORY_DELETED",
            [
                {"field": "kind", "previous": "PERSONAL"},
                {"field": "name", "previous": "Sarah"},
                {"field": "descriptor", "previous": None},
                {"field": "lead", "previous": "Sarah says:"},
                {"field": "quote", "previous": "It did."},
                {"field": "section", "previous": _sid(risks)},
                {"field": "position", "previous": "1"},
            ],
            None,
        ),
        (
            "STORY_EDITED",
            [{"field": "section", "previous": _sid(lead)}],  # after the last line in both
            {"heading": None},
        ),
        ("STORY_EDITED", [{"field": "quote", "previous": "It helped."}], {"heading": None}),
        ("STORY_ADDED", [], {"heading": None}),
        ("SECTION_MOVED", [{"field": "position", "previous": "2"}], {"heading": "More"}),
        ("SECTION_EDITED", [{"field": "heading", "previous": "Risks"}], None),
        ("SECTION_ADDED", [], {"heading": "More"}),
        ("POST_EDITED", [{"field": "title", "previous": "Doc"}], None),
    ]


async def test_the_diff_of_two_revisions_lists_changed_fields_sections_and_stories(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post(
        "Doc", tags=["a"], sections=[(None, "Lead"), ("One", "1"), ("Two", "2"), ("Three", "3")]
    )
    lead, one, two, three = await Section.filter(post_id=post.id).order_by("position")
    await make_story(post, one, name="Ana", position=1)
    secret = await make_token()
    pid = encode_id("Post", post.id)
    await _edit(client, secret, "updatePost", id=pid, input={"title": "Doc 2", "tags": ["b"]})
    await _edit(client, secret, "updateSection", id=_sid(two), input={"body": "2, better"})
    await _edit(client, secret, "moveSection", id=_sid(three), position=1)
    await _edit(client, secret, "deleteSection", id=_sid(one))
    added = await _edit(client, secret, "addSection", postId=pid, input={"body": "End"})
    await _edit(client, secret, "updatePost", id=pid, input={"excerpt": "Short."})
    (
        first,
        *_,
    ) = reversed(await _revision_ids(client, post.slug, secret))
    last = (await _revision_ids(client, post.slug, secret))[0]
    [ana] = await Story.filter(post_id=post.id)

    body = await graphql(client, DIFF, {"from": first, "to": last}, token=secret)

    # From the post as it was created to the post before the excerpt was written.
    assert body["data"]["revisionDiff"] == {
        "fields": [
            {"field": "title", "before": "Doc", "after": "Doc 2"},
            {"field": "tags", "before": "a", "after": "b"},
        ],
        "sections": [
            {
                "sectionId": _sid(three),
                "change": "CHANGED",
                "heading": "Three",
                "positionBefore": 3,
                "positionAfter": 1,
                "moved": True,
                "fields": [],
            },
            {
                "sectionId": _sid(two),
                "change": "CHANGED",
                "heading": "Two",
                "positionBefore": 2,
                "positionAfter": 2,
                "moved": False,
                "fields": [{"field": "body", "before": "2", "after": "2, better"}],
            },
            {
                "sectionId": added["id"],
                "change": "ADDED",
                "heading": None,
                "positionBefore": None,
                "positionAfter": 3,
                "moved": False,
                "fields": [{"field": "body", "before": None, "after": "End"}],
            },
            {
                "sectionId": _sid(one),
                "change": "DELETED",
                "heading": "One",
                "positionBefore": 1,
                "positionAfter": None,
                "moved": False,
                "fields": [
                    {"field": "heading", "before": "One", "after": None},
                    {"field": "body", "before": "1", "after": None},
                ],
            },
        ],
        "stories": [
            {
                "storyId": encode_id("Story", ana.id),
                "change": "CHANGED",
                "name": "Ana",
                "fields": [{"field": "section", "before": _sid(one), "after": None}],
            }
        ],
    }
    # Without `to`: up to the post as it is now, the excerpt included.
    now = await graphql(client, DIFF, {"from": last}, token=secret)
    assert now["data"]["revisionDiff"] == {
        "fields": [{"field": "excerpt", "before": "", "after": "Short."}],
        "sections": [],
        "stories": [],
    }
    assert lead.id  # the lead never changed, so it is in no diff


async def test_restoring_brings_back_deleted_sections_and_stories_with_their_ids(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post(
        "Doc",
        status=PostStatus.DRAFT,
        excerpt="E",
        tags=["a"],
        sections=[(None, "Lead"), ("Risks", "- few\n\nRare.")],
    )
    lead, risks = await Section.filter(post_id=post.id).order_by("position")
    story = await make_story(post, risks, name="Ana", position=1)
    await make_comment(post, "Kept by readers")
    secret = await make_token()
    pid = encode_id("Post", post.id)
    await _edit(client, secret, "publishPost", id=pid)
    await _edit(client, secret, "updatePost", id=pid, input={"title": "New", "tags": []})
    await _edit(client, secret, "deleteSection", id=_sid(risks))
    await _edit(client, secret, "updateSection", id=_sid(lead), input={"body": "Lead 2"})
    await _edit(client, secret, "addSection", postId=pid, input={"heading": "New", "body": "N"})
    before_title = (await _revision_ids(client, post.slug, secret))[-2]  # the title change

    body = await graphql(client, RESTORE, {"id": before_title}, token=secret)

    assert body["data"]["restoreRevision"] == {
        "title": "Doc",
        "excerpt": "E",
        "tags": ["a"],
        "status": "PUBLISHED",  # publishing is not undone by a restore
        "sections": [
            {"id": _sid(lead), "heading": None, "body": "Lead", "html": "<p>Lead</p>",
             "stories": []},
            {"id": _sid(risks), "heading": "Risks", "body": "- few\n\nRare.",
             "html": "<ul>\n<li>few</li>\n</ul>\n<p>Rare.</p>",
             "stories": [{"id": encode_id("Story", story.id), "name": "Ana", "position": 1}]},
        ],
    }  # fmt: skip
    assert await Section.filter(post_id=post.id).count() == 2
    assert await Comment.filter(post_id=post.id).count() == 1
    assert (
        await Post.get(id=post.id)
    ).search_text == "Lead\nRisks\n- few\n\nRare.\nIt changed my life."
    # The restore is kept too: restoring it gives back the post it replaced.
    [undo, *_] = await _revision_ids(client, post.slug, secret)
    again = await graphql(client, RESTORE, {"id": undo}, token=secret)
    assert [(s["heading"], s["body"]) for s in again["data"]["restoreRevision"]["sections"]] == [
        (None, "Lead 2"),
        ("New", "N"),
    ]
    assert again["data"]["restoreRevision"]["title"] == "New"


async def test_a_restore_whose_slug_is_taken_is_a_conflict_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("First title", sections=[(None, "Lead")])
    secret = await make_token()
    pid = encode_id("Post", post.id)
    await _edit(client, secret, "updatePost", id=pid, input={"slug": "second"})
    await _edit(client, secret, "updateSection", id=_sid(await Section.get(post_id=post.id)),
                input={"body": "Changed"})  # fmt: skip
    await Post.filter(id=(await make_post("Other")).id).update(slug=post.slug)
    [_, rename] = await _revision_ids(client, "second", secret)

    body = await graphql(client, RESTORE, {"id": rename}, token=secret)

    assert error_codes(body) == ["CONFLICT"]
    assert (await Post.get(id=post.id)).slug == "second"
    assert (await Section.get(post_id=post.id)).body == "Changed"
    assert await Revision.filter(post_id=post.id).count() == 2


async def test_diffs_are_for_editors_and_compare_one_post(client: httpx.AsyncClient) -> None:
    secret = await make_token()
    ids = []
    for title in ("A", "B"):
        post = await make_post(title)
        await _edit(client, secret, "updatePost", id=encode_id("Post", post.id),
                    input={"title": f"{title} 2"})  # fmt: skip
        ids += await _revision_ids(client, post.slug, secret)

    mixed = await graphql(client, DIFF, {"from": ids[0], "to": ids[1]}, token=secret)
    anonymous = await graphql(client, DIFF, {"from": ids[0]})
    missing = await graphql(client, DIFF, {"from": encode_id("Revision", 9999)}, token=secret)
    wrong_type = await graphql(client, DIFF, {"from": encode_id("Post", 1)}, token=secret)

    assert error_codes(mixed) == ["BAD_USER_INPUT"]
    assert mixed["errors"][0]["extensions"]["field"] == "to"
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert error_codes(missing) == ["NOT_FOUND"]
    assert error_codes(wrong_type) == ["BAD_USER_INPUT"]


async def test_a_revision_kept_before_snapshots_still_restores_its_fields(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Now")
    legacy = await Revision.create(
        post_id=post.id, section_id=None, editor="old", previous={"title": "Then"}
    )
    secret = await make_token()

    restored = await graphql(client, RESTORE, {"id": encode_id("Revision", legacy.id)},
                             token=secret)  # fmt: skip
    diff = await graphql(client, DIFF, {"from": encode_id("Revision", legacy.id)}, token=secret)

    assert restored["data"]["restoreRevision"]["title"] == "Then"
    assert error_codes(diff) == ["BAD_USER_INPUT"]
    assert "changes" in diff["errors"][0]["message"]
