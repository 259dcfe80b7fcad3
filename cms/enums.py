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
