"""Tortoise models: one module per table family."""

from cms.enums import CommentStatus, PostStatus, Role, StoryKind
from cms.models.activity import PostActivity
from cms.models.comment import Comment
from cms.models.document import TrustedDocument
from cms.models.like import Like
from cms.models.moderation import Ban, CommentHold, CommentReport
from cms.models.post import Post, Tag
from cms.models.preview_link import PreviewLink
from cms.models.reaction import (
    CommentReaction,
    CommentReactionCount,
    PostReaction,
    PostReactionCount,
)
from cms.models.revision import Revision
from cms.models.section import Section
from cms.models.story import Story
from cms.models.token import ApiToken
from cms.models.vote import CommentVote
from cms.models.webhook import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiToken",
    "Ban",
    "Comment",
    "CommentHold",
    "CommentReaction",
    "CommentReactionCount",
    "CommentReport",
    "CommentStatus",
    "CommentVote",
    "Like",
    "Post",
    "PostActivity",
    "PostReaction",
    "PostReactionCount",
    "PostStatus",
    "PreviewLink",
    "Revision",
    "Role",
    "Section",
    "Story",
    "StoryKind",
    "Tag",
    "TrustedDocument",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
