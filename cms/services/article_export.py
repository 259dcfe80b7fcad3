"""Render posts back into the plain-text article format.

What the text cannot say from its body (a slug that is not the title's, a status other
than published, tags, an excerpt) goes into the optional header lines, so every post
exports to a text that imports back into the same post.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cms.article_format import (
    ArticleDraft,
    CommentDraft,
    Headers,
    SectionDraft,
    StoryDraft,
    render_article,
)
from cms.models import Comment, Post, Section, Story
from cms.services import validation
from cms.services.visibility import effective_status


def headers_of(post: Any, tags: Sequence[str]) -> Headers:
    """The header lines a post needs: those that differ from what an article implies."""
    return Headers(
        slug=None if post.slug == validation.title_slug(post.title) else post.slug,
        status=effective_status(post).value,
        tags=tuple(sorted(tags)),
        excerpt=post.excerpt or "",
    )


def draft_from_rows(
    post: Any,
    sections: Sequence[Any],
    stories: Sequence[Any],
    comments: Sequence[Any],
    *,
    tags: Sequence[str] = (),
    view_count: int | None = None,
) -> ArticleDraft:
    """The article a post's rows make: approved comments oldest first, stories in place."""
    by_section: dict[int | None, list[Any]] = {}
    for story in stories:
        by_section.setdefault(story.section_id, []).append(story)
    loose = by_section.pop(None, [])  # stories attached to the post only: into the lead
    section_drafts = []
    for index, section in enumerate(sections):
        placed = by_section.get(section.id, []) + (loose if index == 0 else [])
        placed.sort(key=lambda s: (s.position, s.id))
        section_drafts.append(
            SectionDraft(
                heading=section.heading,
                body=section.body,
                stories=tuple(
                    StoryDraft(s.kind, s.name, s.descriptor, s.lead, s.quote, s.position)
                    for s in placed
                ),
            )
        )
    published = post.published_at or post.created_at
    return ArticleDraft(
        title=post.title,
        published_on=published.date(),
        like_count=post.like_count,
        view_count=post.view_count if view_count is None else view_count,
        sections=tuple(section_drafts),
        comments=tuple(
            CommentDraft(c.author, c.body)
            for c in sorted(comments, key=lambda c: (c.created_at, c.id))
            if c.is_public
        ),
        headers=headers_of(post, tags),
    )


async def draft_of_post(post: Post, connection: Any = None) -> ArticleDraft:
    """Load a post's rows (five statements) and make its article."""
    sections = await Section.filter(post_id=post.id).using_db(connection).order_by("position")
    stories = await Story.filter(post_id=post.id).using_db(connection)
    comments = await Comment.filter(post_id=post.id, is_public=True).using_db(connection)
    tags = await post.tags.all().using_db(connection).values_list("name", flat=True)
    return draft_from_rows(post, sections, stories, comments, tags=[str(t) for t in tags])


async def export_post(post: Post) -> str:
    """The post as article text (no trailing newline)."""
    return render_article(await draft_of_post(post))


async def export_slug(slug: str) -> str | None:
    """The article text of the post with this slug, any status; None when there is none."""
    post = await Post.get_or_none(slug=slug)
    return None if post is None else await export_post(post)


def article_text(
    post: Any,
    sections: Sequence[Any],
    stories: Sequence[Any],
    comments: Sequence[Any],
    *,
    tags: Sequence[str],
    view_count: int,
) -> str:
    """The article text of already loaded rows (what `Post.text` returns)."""
    draft = draft_from_rows(post, sections, stories, comments, tags=tags, view_count=view_count)
    return render_article(draft)
