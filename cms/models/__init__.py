"""Tortoise models: one module per table family."""

from cms.enums import CommentStatus, PostStatus, Role, StoryKind
from cms.models.comment import Comment
from cms.models.document import TrustedDocument
from cms.models.like import Like
from cms.models.post import Post, Tag
from cms.models.revision import Revision
from cms.models.section import Section
from cms.models.story import Story
from cms.models.token import ApiToken

__all__ = [
    "ApiToken",
    "Comment",
    "CommentStatus",
    "Like",
    "Post",
    "PostStatus",
    "Revision",
    "Role",
    "Section",
    "Story",
    "StoryKind",
    "Tag",
    "TrustedDocument",
]
