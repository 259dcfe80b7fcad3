"""Import articles into posts: one transaction per article, upserting by slug."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

from slugify import slugify
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from cms.enums import CommentStatus, PostStatus, StoryKind
from cms.errors import InvalidInput
from cms.ingest.article_text import ArticleDraft, ArticleFormatError, parse_article
from cms.ingest.exporter import draft_of_post
from cms.models import Comment, Like, Post, Section, Story
from cms.services import comment_text, comments, validation
from cms.services.rendering import render_markdown, section_html
from cms.services.search import search_text_of

MAX_ARTICLE_CHARS = 1_000_000
MAX_SLUG_CHARS = 200


@dataclass(frozen=True)
class ImportResult:
    post_id: int
    slug: str
    created: bool
    changed: bool


def slug_for(title: str) -> str:
    """The slug derived from a title: lowercase ASCII words joined by dashes."""
    return slugify(title, max_length=MAX_SLUG_CHARS, word_boundary=True)


def read_article(text: str, source: str = "text") -> ArticleDraft:
    """Parse, turning format errors into `source:line: reason` (BAD_USER_INPUT)."""
    validation.storable(text, "text")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InvalidInput(
            f"{source}: the article is over {MAX_ARTICLE_CHARS:,} characters", field="text"
        )
    try:
        draft = parse_article(text)
    except ArticleFormatError as error:
        raise InvalidInput(f"{source}:{error.line}: {error.reason}", field="text") from None
    if problem := _over_limits(draft):
        raise InvalidInput(f"{source}:{problem}", field="text")
    return draft


def _over_limits(draft: ArticleDraft) -> str | None:
    """What of the article does not fit what a post can hold, or None."""
    if len(draft.title) > validation.MAX_TITLE:
        return f"1: the title is over {validation.MAX_TITLE} characters"
    if len(draft.sections) > validation.MAX_SECTIONS:
        return f" the article has over {validation.MAX_SECTIONS} sections"
    for section in draft.sections:
        if section.heading and len(section.heading) > validation.MAX_HEADING:
            return (
                f" a heading is over {validation.MAX_HEADING} characters: {section.heading[:40]}…"
            )
        if len(section.body) > validation.MAX_BODY:
            return f" a section is over {validation.MAX_BODY:,} characters"
    for comment in draft.comments:
        if len(comment.author) > comments.MAX_AUTHOR:
            return f" a comment author is over {comments.MAX_AUTHOR} characters"
        if len(comment.body) > comments.MAX_BODY:
            return f" a comment by {comment.author} is over {comments.MAX_BODY:,} characters"
    return None


def _published_at(draft: ArticleDraft) -> datetime:
    return datetime.combine(draft.published_on, time(0, 0), tzinfo=UTC)


async def import_article(
    text: str,
    *,
    slug: str | None = None,
    publish: bool = True,
    source: str = "text",
    create_only: bool = False,
) -> ImportResult:
    """Create or update the post with this slug from an article; writes nothing on error.

    Importing the same text twice changes nothing. An edited text replaces the post's
    sections, stories and approved comments (held comments stay for the editors) and
    takes its counts from the text, never below what readers did here since: the like
    rows, the views already counted. `create_only` leaves existing posts alone.
    """
    draft = read_article(text, source)
    slug = slug or slug_for(draft.title)
    if not slug:
        raise InvalidInput(f"{source}:1: the title gives no slug; pass one", field="slug")
    status = PostStatus.PUBLISHED if publish else PostStatus.DRAFT
    async with in_transaction() as connection:
        post = await Post.filter(slug=slug).using_db(connection).select_for_update().first()
        if post is not None and (create_only or await _holds(post, draft, status, connection)):
            return ImportResult(post.id, slug, created=False, changed=False)
        post, created = await _upsert_post(post, draft, slug, status, connection)
        await _replace_children(post, draft, connection)
    return ImportResult(post.id, slug, created=created, changed=True)


async def _holds(
    post: Post, draft: ArticleDraft, status: PostStatus, connection: BaseDBAsyncClient
) -> bool:
    """The post already says what the article says; counts may have grown since."""
    current = await draft_of_post(post, connection)
    return (
        post.status == status
        and replace(current, like_count=0, view_count=0)
        == replace(draft, like_count=0, view_count=0)
        and draft.like_count <= current.like_count
        and draft.view_count <= current.view_count
    )


async def _upsert_post(
    post: Post | None,
    draft: ArticleDraft,
    slug: str,
    status: PostStatus,
    connection: BaseDBAsyncClient,
) -> tuple[Post, bool]:
    published_at = _published_at(draft)
    likes_here = (
        0 if post is None else await Like.filter(post_id=post.id).using_db(connection).count()
    )
    fields = {
        "title": draft.title,
        "status": status,
        "published_at": published_at,
        "feed_at": published_at,
        "was_published": status == PostStatus.PUBLISHED or bool(post and post.was_published),
        "like_count": max(draft.like_count, likes_here),
        "view_count": max(draft.view_count, post.view_count if post else 0),
        "comment_count": len(draft.comments),
        "search_text": search_text_of(
            ((s.heading, s.body) for s in draft.sections),
            (story.quote for s in draft.sections for story in s.stories),
        ),
    }
    if post is None:
        return await Post.create(slug=slug, **fields, using_db=connection), True
    post.update_from_dict(fields)
    await post.save(using_db=connection)
    await Section.filter(post_id=post.id).using_db(connection).delete()
    await Story.filter(post_id=post.id).using_db(connection).delete()
    public = Comment.filter(post_id=post.id, is_public=True)
    await public.using_db(connection).delete()
    return post, False


async def _replace_children(post: Post, draft: ArticleDraft, connection: BaseDBAsyncClient) -> None:
    await Section.bulk_create(
        [
            Section(
                post_id=post.id,
                position=position,
                heading=section.heading,
                body=section.body,
                **section_html(section.body),
            )
            for position, section in enumerate(draft.sections)
        ],
        using_db=connection,
    )
    section_ids: dict[int, int] = dict(
        await Section.filter(post_id=post.id).using_db(connection).values_list("position", "id")
    )
    stories = [
        Story(
            post_id=post.id,
            section_id=section_ids[position],
            position=story.position,
            kind=StoryKind(story.kind),
            name=story.name[:200],
            descriptor=story.descriptor[:300] if story.descriptor else None,
            lead=story.lead,
            quote=story.quote,
        )
        for position, section in enumerate(draft.sections)
        for story in section.stories
    ]
    if stories:
        await Story.bulk_create(stories, using_db=connection)
    published_at = _published_at(draft)
    comments = [
        Comment(
            post_id=post.id,
            author=comment.author,
            body=comment.body,
            html=render_markdown(comment.body, user_generated=True),
            status=CommentStatus.APPROVED,
            is_public=True,
            created_at=published_at,
            fingerprint=comment_text.fingerprint(comment.body),
        )
        for comment in draft.comments
    ]
    if comments:
        await Comment.bulk_create(comments, using_db=connection)
