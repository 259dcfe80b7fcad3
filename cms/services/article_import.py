"""Import articles into posts: one transaction per article, found by slug, merged in.

Every write goes through the editors' own service functions (the same validation,
slug rule and revisions); comments through `article_comments`, which never removes
what readers wrote. Counts from the text raise the post's counts, never lower them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from tortoise.transactions import in_transaction

from cms.article_format import ArticleDraft, ArticleFormatError, parse_article
from cms.enums import PostStatus, StoryKind
from cms.errors import InvalidInput
from cms.models import Comment, Like, Post
from cms.principal import Viewer
from cms.services import (
    cache_purge,
    comments,
    post_editing,
    post_events,
    story_editing,
    validation,
)
from cms.services.access import require_editor
from cms.services.article_comments import CommentChanges, merge_comments
from cms.services.article_export import draft_of_post
from cms.services.article_sections import add_stories, merge_sections
from cms.services.engagement import Engagement
from cms.services.stats import publish_stats, stats_of

MAX_ARTICLE_CHARS = 1_000_000


@dataclass(frozen=True)
class ImportResult:
    post_id: int
    slug: str
    created: bool
    changed: bool
    # What changed, in words ("title", "2 sections changed", "1 comment added").
    changes: tuple[str, ...] = ()
    # Every line read as a heading, in order; those with nothing under them flagged.
    headings: tuple[str, ...] = ()
    empty_headings: tuple[str, ...] = ()
    # What the text asked for but was kept as it is, and why.
    notes: tuple[str, ...] = ()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _at(source: str, where: str, error: InvalidInput) -> InvalidInput:
    return InvalidInput(f"{source}:{where} {error.message}", field="text")


def _checked(draft: ArticleDraft, source: str) -> None:
    """Hold the article to the rules every post is held to; the message says where."""
    try:
        validation.required_text(draft.title, "title", validation.MAX_TITLE)
    except InvalidInput as error:
        raise _at(source, "1:", error) from None
    try:
        validation.valid_tags(list(draft.headers.tags))
        validation.bounded_text(draft.headers.excerpt, "excerpt", validation.MAX_EXCERPT)
        if draft.headers.slug is not None:
            validation.valid_slug(draft.headers.slug)
    except InvalidInput as error:
        raise _at(source, " header lines:", error) from None
    if len(draft.sections) > validation.MAX_SECTIONS:
        raise InvalidInput(
            f"{source}: the article has {len(draft.sections)} sections; a post has at most "
            f"{validation.MAX_SECTIONS}.",
            field="text",
        )
    for number, section in enumerate(draft.sections, 1):
        where = f" section {number} ({section.heading or 'the lead'}):"
        try:
            post_editing.valid_section(
                post_editing.SectionDraft(body=section.body, heading=section.heading),
                heading_only=True,
            )
            for story in section.stories:
                story_editing.valid_story_fields(
                    {
                        "kind": StoryKind(story.kind),
                        "name": story.name,
                        "descriptor": story.descriptor,
                        "lead": story.lead,
                        "quote": story.quote,
                    }
                )
        except InvalidInput as error:
            raise _at(source, where, error) from None
    for number, comment in enumerate(draft.comments, 1):
        try:
            comments.valid_comment_text(comment.author, comment.body)
        except InvalidInput as error:
            raise _at(source, f" comment {number}:", error) from None


def read_article(text: str, source: str = "text") -> ArticleDraft:
    """Parse and check, turning errors into `source:line: reason` (BAD_USER_INPUT)."""
    validation.storable(text, "text")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InvalidInput(
            f"{source}: the article is over {MAX_ARTICLE_CHARS:,} characters", field="text"
        )
    try:
        draft = parse_article(text)
    except ArticleFormatError as error:
        raise InvalidInput(f"{source}:{error.line}: {error.reason}", field="text") from None
    _checked(draft, source)
    return draft


def _midnight(draft: ArticleDraft) -> datetime:
    return datetime.combine(draft.published_on, time(0, 0), tzinfo=UTC)


def _headings(draft: ArticleDraft) -> tuple[tuple[str, ...], tuple[str, ...]]:
    headings = tuple(s.heading for s in draft.sections if s.heading is not None)
    empty = tuple(s.heading for s in draft.sections if s.heading and not s.body and not s.stories)
    return headings, empty


def _listed(draft: ArticleDraft) -> list[tuple[str, str]]:
    return [comments.valid_comment_text(c.author, c.body) for c in draft.comments]


async def _set_status(viewer: Viewer, post_id: int, status: str, at: datetime) -> None:
    """Status and date through the editors' functions; an imported draft keeps its date."""
    if status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED):
        await post_editing.publish_post(viewer, post_id, at)
        return
    if status == PostStatus.ARCHIVED:
        await post_editing.publish_post(viewer, post_id, at)
        await post_editing.archive_post(viewer, post_id)
        return
    await post_editing.unpublish_post(viewer, post_id)
    await Post.filter(id=post_id).update(published_at=at, feed_at=at)


async def _raise_counts(post: Post, draft: ArticleDraft) -> list[str]:
    """Counts from the text where they are higher; never below the post's or its like rows."""
    likes_here = await Like.filter(post_id=post.id).count()
    likes = max(draft.like_count, post.like_count, likes_here)
    views = max(draft.view_count, post.view_count)
    said = []
    if likes != post.like_count:
        said.append(f"likes {post.like_count:,} → {likes:,}")
    if views != post.view_count:
        said.append(f"views {post.view_count:,} → {views:,}")
    if said:
        await Post.filter(id=post.id).update(like_count=likes, view_count=views)
    return said


async def _create(
    viewer: Viewer, draft: ArticleDraft, slug: str, publish: bool
) -> tuple[ImportResult, CommentChanges]:
    headers = draft.headers
    new = post_editing.PostDraft(
        title=draft.title,
        slug=slug,
        excerpt=headers.excerpt,
        tags=list(headers.tags),
        sections=[
            post_editing.SectionDraft(body=s.body, heading=s.heading) for s in draft.sections
        ],
    )
    post = await post_editing.create_post(viewer, new, heading_only=True)
    rows = await post.sections.all().order_by("position")
    for row, section in zip(rows, draft.sections, strict=True):
        await add_stories(viewer, row.id, section.stories)
    status = headers.status or (PostStatus.PUBLISHED if publish else PostStatus.DRAFT)
    await _set_status(viewer, post.id, status, _midnight(draft))
    await _raise_counts(await post_editing.post_for_edit(post.id), draft)
    added = await merge_comments(post, _listed(draft), _midnight(draft))
    stories = sum(len(s.stories) for s in draft.sections)
    made = (
        _plural(len(draft.sections), "section"),
        _plural(stories, "story").replace("storys", "stories"),
        _plural(len(added.added), "comment"),
    )
    headings, empty = _headings(draft)
    return ImportResult(post.id, slug, True, True, made, headings, empty), added


async def _merge(
    viewer: Viewer, post: Post, draft: ArticleDraft, publish: bool
) -> tuple[ImportResult, CommentChanges]:
    current = await draft_of_post(post)
    said: list[str] = []
    notes: list[str] = []
    fields: dict[str, object] = {}
    if draft.title != current.title:
        fields["title"] = draft.title
        fields["slug"] = post.slug  # found by it: it stays
    if tuple(sorted(draft.headers.tags)) != current.headers.tags:
        fields["tags"] = list(draft.headers.tags)
    if draft.headers.excerpt != current.headers.excerpt:
        fields["excerpt"] = draft.headers.excerpt
    if fields:
        await post_editing.update_post(viewer, post.id, fields)
        said += [name for name in fields if name != "slug"]
    now = current.headers.status
    wanted = draft.headers.status or (PostStatus.PUBLISHED if publish else None)
    if wanted is None and now != PostStatus.DRAFT:
        notes.append(f"kept {now}: --draft applies to new posts only")
    moved = draft.published_on != current.published_on
    if (wanted is not None and wanted != now) or moved:
        at = _midnight(draft) if moved or post.published_at is None else post.published_at
        await _set_status(viewer, post.id, wanted or str(now), at)
        said += (["status"] if wanted is not None and wanted != now else []) + (
            ["date"] if moved else []
        )
    sections = await merge_sections(viewer, post.id, current.sections, draft.sections)
    for count, what in (
        (sections.added, "added"),
        (sections.updated, "changed"),
        (sections.removed, "removed"),
    ):
        if count:
            said.append(f"{_plural(count, 'section')} {what}")
    said += await _raise_counts(await post_editing.post_for_edit(post.id), draft)
    merged = await merge_comments(post, _listed(draft), _midnight(draft))
    for count, what in (
        (len(merged.added), "added"),
        (merged.updated, "changed"),
        (merged.removed, "removed"),
    ):
        if count:
            said.append(f"{_plural(count, 'comment')} {what}")
    if merged.kept:
        notes.append(
            f"kept {_plural(merged.kept, 'comment')} written here that the text leaves out"
        )
    headings, empty = _headings(draft) if sections.added or sections.updated else ((), ())
    result = ImportResult(
        post.id, post.slug, False, bool(said), tuple(said), headings, empty, tuple(notes)
    )
    return result, merged


async def _announce(result: ImportResult, added: list[Comment], engagement: Engagement) -> None:
    """After commit: new comments to `commentAdded`, the counts to `postStats`."""
    for comment in added:
        await comments.announce(comment, engagement.events, engagement.views, counted=False)
    if added:
        await cache_purge.purge(engagement.events, [cache_purge.comments_key(result.post_id)])
    await publish_stats(engagement.events, await stats_of(result.post_id, engagement.views))


async def import_article(
    viewer: Viewer,
    text: str,
    *,
    slug: str | None = None,
    publish: bool = True,
    source: str = "text",
    create_only: bool = False,
    engagement: Engagement | None = None,
) -> ImportResult:
    """Create or update the post with the article's slug; writes nothing on error.

    The slug is `slug`, else the text's `- Slug:` line, else the title's. Importing the
    same text twice changes nothing; an edited text changes only what was edited.
    `publish` is for new posts without a `- Status:` line (False: a draft); an existing
    post keeps its status unless the text states one or `publish` is True.
    `create_only` leaves existing posts alone. With `engagement`, subscribers hear
    of new comments and counts once the import is committed.
    """
    require_editor(viewer)
    draft = read_article(text, source)
    try:
        slug = validation.valid_slug(slug) if slug else draft.headers.slug or ""
        slug = slug or validation.slug_from_title(draft.title)
    except InvalidInput as error:
        raise _at(source, "1:", error) from None
    async with in_transaction("default"):
        post = await Post.filter(slug=slug).select_for_update().first()
        if post is not None and create_only:
            return ImportResult(post.id, slug, False, False)
        was_live = post is not None and post.status == PostStatus.PUBLISHED
        if post is None:
            result, merged = await _create(viewer, draft, slug, publish)
        else:
            result, merged = await _merge(viewer, post, draft, publish)
    if engagement is not None and result.changed:
        await _announce(result, merged.added, engagement)
        live = await Post.filter(id=result.post_id, status=PostStatus.PUBLISHED).exists()
        await post_events.announce(
            engagement.events, result.post_id, published=live and not was_live
        )
    return result
