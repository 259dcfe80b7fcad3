"""Comments as events carry them: the public fields only (never the client key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cms.enums import CommentStatus
from cms.models import Comment
from cms.services.records import CommentRecord


def comment_message(comment: Comment) -> dict[str, Any]:
    """What subscribers receive: the comment's public fields (never its client key)."""
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": comment.author,
        "body": comment.body,
        "html": comment.html,
        "status": comment.status.value,
        "is_public": comment.is_public,
        "created_at": comment.created_at.isoformat(),
        "score": comment.score,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
    }


def published_comment(message: dict[str, Any]) -> CommentRecord:
    """A comment as an event carried it: the attributes `Comment.from_model` reads."""
    return CommentRecord(
        id=int(message["id"]),
        post_id=int(message["post_id"]),
        parent_id=message["parent_id"],
        depth=int(message["depth"]),
        author=message["author"],
        body=message["body"],
        html=message["html"],
        status=CommentStatus(message["status"]),
        created_at=datetime.fromisoformat(message["created_at"]),
        score=int(message.get("score", 0)),
        upvotes=int(message.get("upvotes", 0)),
        downvotes=int(message.get("downvotes", 0)),
    )
