"""Whole-post snapshots: what a revision keeps of the post before a change.

A snapshot is plain JSON: the post's own fields, its sections in order and its
stories, each with its id so a restore can match them (and bring back deleted ones).
Readers' work (comments, likes, views) is not part of a post's document.
"""

from __future__ import annotations

from typing import Any

from cms.models import Post, Section, Story

# The fields of the document itself, in the order diffs list them.
POST_FIELDS = ("title", "slug", "excerpt", "tags", "status", "published_at")
SECTION_FIELDS = ("heading", "body")
STORY_FIELDS = ("kind", "name", "descriptor", "lead", "quote", "section_id", "position")


def _story(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "kind": str(story.kind),
        "name": story.name,
        "descriptor": story.descriptor,
        "lead": story.lead,
        "quote": story.quote,
        "section_id": story.section_id,
        "position": story.position,
    }


async def take(post_id: int) -> dict[str, Any]:
    """The post as it is now (call inside the write's transaction, before the change)."""
    post = await Post.get(id=post_id)
    tags = await post.tags.all().values_list("name", flat=True)
    sections = await Section.filter(post_id=post_id).order_by("position", "id")
    stories = await Story.filter(post_id=post_id).order_by("section_id", "position", "id")
    return {
        "title": post.title,
        "slug": post.slug,
        "excerpt": post.excerpt,
        "tags": sorted(str(name) for name in tags),
        "status": str(post.status),
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "sections": [{"id": s.id, "heading": s.heading, "body": s.body} for s in sections],
        "stories": [_story(s) for s in stories],
    }


def content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What a restore brings back: everything but the publication status and date."""
    return {k: v for k, v in snapshot.items() if k not in ("status", "published_at")}
