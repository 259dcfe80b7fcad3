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
