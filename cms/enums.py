"""The CMS's vocabularies, shared by models, services and the API."""

from __future__ import annotations

from enum import StrEnum


class PostStatus(StrEnum):
    """Stored status; a SCHEDULED post whose time has come reads as PUBLISHED."""

    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class CommentStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    SPAM = "SPAM"
    REJECTED = "REJECTED"


class HoldReason(StrEnum):
    """Why a comment waits for an editor (a comment may be held for several)."""

    FIRST_COMMENT = "FIRST_COMMENT"
    LINKS = "LINKS"
    BLOCKLIST = "BLOCKLIST"
    REPORTS = "REPORTS"
    BANNED = "BANNED"


class ModerationEventKind(StrEnum):
    """What happened to a comment, as editors' live moderation stream tells it."""

    HELD = "HELD"
    REPORTED = "REPORTED"
    DECIDED = "DECIDED"
    DELETED = "DELETED"


class StoryKind(StrEnum):
    PERSONAL = "PERSONAL"
    EXPERT = "EXPERT"


class Role(StrEnum):
    """What a token may do: EDITOR edits, ADMIN also deletes posts, PREVIEW only reads."""

    EDITOR = "EDITOR"
    ADMIN = "ADMIN"
    PREVIEW = "PREVIEW"


class PostOrder(StrEnum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    MOST_LIKED = "MOST_LIKED"
    MOST_VIEWED = "MOST_VIEWED"
    TRENDING = "TRENDING"


class CommentOrder(StrEnum):
    """TOP: highest score first (ties: newest first); NEWEST; OLDEST (the default)."""

    TOP = "TOP"
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"


class VoteValue(StrEnum):
    """A reader's vote on a comment; NONE takes it back."""

    UP = "UP"
    DOWN = "DOWN"
    NONE = "NONE"


class RevisionAction(StrEnum):
    """What the change a revision records did to its post."""

    POST_EDITED = "POST_EDITED"
    STATUS_CHANGED = "STATUS_CHANGED"
    SECTION_ADDED = "SECTION_ADDED"
    SECTION_EDITED = "SECTION_EDITED"
    SECTION_MOVED = "SECTION_MOVED"
    SECTION_DELETED = "SECTION_DELETED"
    STORY_ADDED = "STORY_ADDED"
    STORY_EDITED = "STORY_EDITED"
    STORY_DELETED = "STORY_DELETED"
    RESTORED = "RESTORED"


class WebhookEventType(StrEnum):
    """What a webhook endpoint may subscribe to; the value is the event's `type` on the wire."""

    POST_PUBLISHED = "post.published"
    POST_UPDATED = "post.updated"
    POST_UNPUBLISHED = "post.unpublished"
    POST_DELETED = "post.deleted"
    COMMENT_CREATED = "comment.created"
    COMMENT_APPROVED = "comment.approved"
    COMMENT_REJECTED = "comment.rejected"
    COMMENT_DELETED = "comment.deleted"


class DeliveryStatus(StrEnum):
    """PENDING until the endpoint answers 2xx (DELIVERED) or the attempts run out (FAILED)."""

    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class ActivityInterval(StrEnum):
    """How a post's activity is bucketed: UTC days, weeks from Monday, calendar months."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


class ActivityMetric(StrEnum):
    """What editors rank posts by over a range of days."""

    VIEWS = "VIEWS"
    LIKES = "LIKES"
    COMMENTS = "COMMENTS"
    REACTIONS = "REACTIONS"
    BOT_VIEWS = "BOT_VIEWS"
