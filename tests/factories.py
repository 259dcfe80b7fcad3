"""Factories: rows for one test, written through the models."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from tortoise import timezone
from tortoise.expressions import F

from cms.enums import CommentStatus, PostStatus, Role, StoryKind
from cms.models import ApiToken, Comment, Post, Section, Story, Tag
from cms.principal import Viewer
from cms.services import tokens
from cms.services.rendering import render_markdown, section_html

_serial = itertools.count(1)


async def make_post(
    title: str | None = None,
    *,
    status: PostStatus = PostStatus.PUBLISHED,
    published_at: datetime | None = None,
    sections: list[tuple[str | None, str]] | None = None,
    tags: list[str] | None = None,
    excerpt: str = "",
    like_count: int = 0,
) -> Post:
    n = next(_serial)
    title = title or f"Post number {n}"
    now = timezone.now()
    if published_at is None and status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED):
        published_at = now - timedelta(minutes=n)
    sections = sections if sections is not None else [(None, f"Lead of {title}.")]
    post = await Post.create(
        slug=f"post-{n}-{title.lower().replace(' ', '-')}"[:200],
        title=title,
        excerpt=excerpt,
        status=status,
        published_at=published_at,
        feed_at=published_at or now,
        like_count=like_count,
        search_text="\n".join(f"{h or ''}\n{b}" for h, b in sections),
    )
    for position, (heading, body) in enumerate(sections):
        await Section.create(
            post=post, position=position, heading=heading, body=body, **section_html(body)
        )
    for name in tags or []:
        tag, _ = await Tag.get_or_create(name=name)
        await post.tags.add(tag)
    return post


async def make_story(post: Post, section: Section | None = None, **fields: object) -> Story:
    values: dict[str, object] = {
        "kind": StoryKind.PERSONAL,
        "name": "Sarah",
        "descriptor": "patient",
        "lead": "One patient, Sarah, shares her journey:",
        "quote": "It changed my life.",
        "position": 0,
    }
    values.update(fields)
    return await Story.create(post=post, section=section, **values)


async def make_comment(
    post: Post,
    body: str = "Nice post.",
    *,
    author: str = "Reader",
    status: CommentStatus = CommentStatus.APPROVED,
    parent: Comment | None = None,
    created_at: datetime | None = None,
) -> Comment:
    public = status == CommentStatus.APPROVED and (parent is None or parent.is_public)
    comment = await Comment.create(
        post=post,
        parent=parent,
        is_public=public,
        depth=(parent.depth + 1) if parent else 0,
        author=author,
        body=body,
        html=render_markdown(body, user_generated=True),
        status=status,
        created_at=created_at or timezone.now(),
    )
    if public:
        await Post.filter(id=post.id).update(comment_count=F("comment_count") + 1)
    return comment


async def make_token(
    name: str | None = None, role: Role = Role.EDITOR, *, expires_at: datetime | None = None
) -> str:
    """A new API token's secret, for `graphql(..., token=secret)`; `expires_at` may be past."""
    token, secret = await tokens.create_token(name or f"editor-{next(_serial)}", role)
    if expires_at is not None:
        await ApiToken.filter(id=token.id).update(expires_at=expires_at)
    return secret


# An editor acting outside a request, as the CLI and the importer's tests do.
EDITOR = Viewer(name="editor", role=Role.EDITOR)
