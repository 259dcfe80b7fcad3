"""Writing posts: create, update, publish, unpublish, delete; slugs and search text.

Every function checks that the viewer is an editor, runs in one transaction and
returns the post as it now is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import timezone
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from cms.enums import PostStatus, RevisionAction, WebhookEventType
from cms.errors import Conflict, InvalidInput, NotFound
from cms.models import Post, Section, Story, Tag
from cms.principal import Viewer
from cms.services import outbox, post_events, revisions, validation
from cms.services.access import require_admin, require_editor
from cms.services.events import Broker
from cms.services.rendering import section_html
from cms.services.search import search_text_of
from cms.services.stories import stories_by_post_ids
from cms.services.visibility import effective_status

# What the public sees (a SCHEDULED post once its time comes): leaving it is post.unpublished.
LIVE = (PostStatus.PUBLISHED, PostStatus.SCHEDULED)
# The fields a post revision keeps, in the order they are compared.
REVISED_FIELDS = ("title", "slug", "excerpt", "tags")


@dataclass(frozen=True)
class SectionDraft:
    body: str
    heading: str | None = None


@dataclass(frozen=True)
class PostDraft:
    title: str
    slug: str | None = None
    excerpt: str | None = None
    tags: list[str] | None = None
    sections: list[SectionDraft] = field(default_factory=list)


def valid_section(
    draft: SectionDraft, prefix: str = "", *, heading_only: bool = False
) -> SectionDraft:
    """The draft with heading and body checked; BAD_USER_INPUT names `prefix + field`.

    `heading_only` lets a headed section have no body (an article's heading followed
    by a sub-heading); editors always give a body.
    """
    heading = validation.optional_text(draft.heading, f"{prefix}heading", validation.MAX_HEADING)
    if heading_only and heading is not None and not draft.body.strip():
        return SectionDraft(heading=heading, body="")
    body = validation.required_text(draft.body, f"{prefix}body", validation.MAX_BODY)
    return SectionDraft(heading=heading, body=body)


async def post_for_edit(post_id: int, *, lock: bool = False) -> Post:
    """The post, any status; NOT_FOUND when it does not exist. `lock` serialises writers."""
    query = Post.filter(id=post_id)
    post = await (query.select_for_update() if lock else query).first()
    if post is None:
        raise NotFound("No post has this id: it may have been deleted.")
    return post


def slug_taken(slug: str) -> Conflict:
    """The refusal of a slug another post uses."""
    return Conflict(
        f"Another post already uses the slug {slug!r}: pass a different `slug`.",
        extensions={"field": "slug"},
    )


async def ensure_slug_free(slug: str, post_id: int | None = None) -> None:
    """CONFLICT when another post than `post_id` has the slug."""
    clash = Post.filter(slug=slug)
    if post_id is not None:
        clash = clash.exclude(id=post_id)
    if await clash.exists():
        raise slug_taken(slug)


async def _tag_names(post: Post) -> list[str]:
    return sorted(str(name) for name in await post.tags.all().values_list("name", flat=True))


async def set_tags(post: Post, names: list[str]) -> None:
    """Replace the post's tags with `names`, making the tags that do not exist yet."""
    await post.tags.clear()
    tags = [(await Tag.get_or_create(name=name))[0] for name in names]
    if tags:
        await post.tags.add(*tags)


async def refresh_post(post_id: int) -> None:
    """After a section or story changed: recompute what full-text search indexes for the
    post and move its `updated_at` (call inside the write's transaction)."""
    sections = await Section.filter(post_id=post_id).order_by("position")
    stories = (await stories_by_post_ids([post_id])).get(post_id, [])
    text = search_text_of(((s.heading, s.body) for s in sections), (s.quote for s in stories))
    await Post.filter(id=post_id).update(search_text=text, updated_at=timezone.now())
    await outbox.post_event(WebhookEventType.POST_UPDATED, post_id)


async def create_post(
    viewer: Viewer,
    draft: PostDraft,
    *,
    heading_only: bool = False,
    events: Broker | None = None,
) -> Post:
    """A new DRAFT post with its sections; CONFLICT when the slug is taken.

    `heading_only` allows headed sections without a body (see `valid_section`).
    """
    require_editor(viewer)
    title = validation.required_text(draft.title, "title", validation.MAX_TITLE)
    slug = (
        validation.valid_slug(draft.slug)
        if draft.slug is not None
        else validation.slug_from_title(title)
    )
    excerpt = validation.bounded_text(
        (draft.excerpt or "").strip(), "excerpt", validation.MAX_EXCERPT
    )
    tags = validation.valid_tags(draft.tags or [])
    if len(draft.sections) > validation.MAX_SECTIONS:
        raise InvalidInput(
            f"A post has at most {validation.MAX_SECTIONS} sections; got {len(draft.sections)}.",
            field="sections",
        )
    sections = [
        valid_section(s, f"sections[{i}].", heading_only=heading_only)
        for i, s in enumerate(draft.sections)
    ]
    await ensure_slug_free(slug)
    now = timezone.now()
    try:
        async with in_transaction("default"):
            post = await Post.create(
                slug=slug,
                title=title,
                excerpt=excerpt,
                status=PostStatus.DRAFT,
                created_at=now,
                feed_at=now,
                search_text=search_text_of(((s.heading, s.body) for s in sections), ()),
            )
            for position, section in enumerate(sections):
                await Section.create(
                    post=post,
                    position=position,
                    heading=section.heading,
                    body=section.body,
                    **section_html(section.body),
                )
            await set_tags(post, tags)
    except IntegrityError:
        raise slug_taken(slug) from None
    await post_events.announce(events, post.id)
    return post


def _valid_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Checked values of the given fields; a null title is refused, null text fields clear."""
    valid: dict[str, Any] = {}
    if "title" in changes:
        valid["title"] = validation.required_text(changes["title"], "title", validation.MAX_TITLE)
    if "slug" in changes and changes["slug"] is not None:
        valid["slug"] = validation.valid_slug(changes["slug"])
    if "excerpt" in changes:
        excerpt = (changes["excerpt"] or "").strip()
        valid["excerpt"] = validation.bounded_text(excerpt, "excerpt", validation.MAX_EXCERPT)
    if "tags" in changes:
        valid["tags"] = validation.valid_tags(changes["tags"] or [])
    return valid


async def update_post(
    viewer: Viewer, post_id: int, changes: Mapping[str, Any], *, events: Broker | None = None
) -> Post:
    """Change the given fields (title, slug, excerpt, tags), keeping a revision of the old ones.

    A draft whose slug was made from its title follows a new title; a post that has
    been published keeps its slug unless `slug` is passed.
    """
    editor = require_editor(viewer)
    valid = _valid_changes(changes)
    try:
        async with in_transaction("default"):
            post = await post_for_edit(post_id, lock=True)
            current: dict[str, Any] = {
                "title": post.title,
                "slug": post.slug,
                "excerpt": post.excerpt,
                "tags": await _tag_names(post),
            }
            follows_title = (
                post.status == PostStatus.DRAFT
                and not post.was_published
                and post.slug == validation.title_slug(post.title)
            )
            if "title" in valid and "slug" not in valid and follows_title:
                valid["slug"] = validation.slug_from_title(valid["title"])
            if "tags" in valid:
                valid["tags"] = sorted(valid["tags"])
            changed = {k: v for k, v in valid.items() if current[k] != v}
            if not changed:
                return post
            if "slug" in changed:
                await ensure_slug_free(changed["slug"], post.id)
            previous = {k: current[k] for k in REVISED_FIELDS if k in changed}
            await revisions.record(post.id, None, editor, previous)
            for name in ("title", "slug", "excerpt"):
                if name in changed:
                    setattr(post, name, changed[name])
            await post.save()
            if "tags" in changed:
                await set_tags(post, changed["tags"])
            await outbox.post_event(WebhookEventType.POST_UPDATED, post)
    except IntegrityError:
        raise slug_taken(str(valid.get("slug"))) from None
    await post_events.announce(events, post.id)
    return post


async def publish_post(
    viewer: Viewer, post_id: int, at: datetime | None = None, *, events: Broker | None = None
) -> Post:
    """PUBLISHED now (or at a past `at`), or SCHEDULED for a future `at`.

    A scheduled post reads as PUBLISHED once `at` passes; moments later the runtime stores
    it as such and sends its events (`services/scheduled_posts.py`).
    Publishing a live or archived post again without `at` keeps its original date.
    """
    editor = require_editor(viewer)
    now = timezone.now()
    when = validation.utc_time(at, "at") if at is not None else None
    async with in_transaction("default"):
        post = await post_for_edit(post_id, lock=True)
        if when is None:
            was_out = post.status in (PostStatus.PUBLISHED, PostStatus.ARCHIVED)
            previous = post.published_at
            when = previous if was_out and previous is not None and previous <= now else now
        status = PostStatus.SCHEDULED if when > now else PostStatus.PUBLISHED
        await _record_status(post, editor, status, when)
        moved = (post.status, post.published_at) != (status, when)
        was_public = effective_status(post, now) == PostStatus.PUBLISHED
        post.status = status
        post.published_at = when
        post.feed_at = when
        post.was_published = True
        await post.save()
        if moved and status == PostStatus.PUBLISHED:
            await outbox.post_event(WebhookEventType.POST_PUBLISHED, post)
        elif moved and was_public:  # scheduled again for later: off the site until then
            await outbox.post_event(WebhookEventType.POST_UNPUBLISHED, post)
        # A scheduled post's post.published comes when it goes live (`scheduled_posts`).
    await post_events.announce(events, post.id, published=status == PostStatus.PUBLISHED)
    return post


async def _record_status(
    post: Post, editor: str, status: PostStatus, published_at: datetime | None
) -> None:
    """A revision of a status change (none when status and date stay as they are)."""
    previous: dict[str, Any] = {}
    if post.status != status:
        previous["status"] = str(post.status)
    if post.published_at != published_at:
        previous["published_at"] = post.published_at.isoformat() if post.published_at else None
    if previous:
        await revisions.record(
            post.id, None, editor, previous, action=RevisionAction.STATUS_CHANGED
        )


async def unpublish_post(viewer: Viewer, post_id: int, *, events: Broker | None = None) -> Post:
    """Back to DRAFT: hidden from the public, its publication date cleared."""
    editor = require_editor(viewer)
    async with in_transaction("default"):
        post = await post_for_edit(post_id, lock=True)
        await _record_status(post, editor, PostStatus.DRAFT, None)
        was_live = post.status in LIVE
        post.status = PostStatus.DRAFT
        post.published_at = None
        post.feed_at = post.created_at
        await post.save()
        if was_live:
            await outbox.post_event(WebhookEventType.POST_UNPUBLISHED, post)
    await post_events.announce(events, post.id)
    return post


async def archive_post(viewer: Viewer, post_id: int, *, events: Broker | None = None) -> Post:
    """ARCHIVED: hidden from the public but kept, with its publication date, for editors."""
    editor = require_editor(viewer)
    async with in_transaction("default"):
        post = await post_for_edit(post_id, lock=True)
        await _record_status(post, editor, PostStatus.ARCHIVED, post.published_at)
        was_live = post.status in LIVE
        post.status = PostStatus.ARCHIVED
        await post.save()
        if was_live:
            await outbox.post_event(WebhookEventType.POST_UNPUBLISHED, post)
    await post_events.announce(events, post.id)
    return post


async def delete_post(viewer: Viewer, post_id: int) -> None:
    """Delete the post with its sections, stories, comments, likes and revisions (admins)."""
    require_admin(viewer)
    async with in_transaction("default"):
        post = await post_for_edit(post_id, lock=True)
        await outbox.post_event(WebhookEventType.POST_DELETED, post)
        await Story.filter(post_id=post.id).delete()
        await post.tags.clear()
        await post.delete()
