"""Editors' live moderation stream: held comments, reports and decisions, on every
instance (published after commit through the broker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from cms.enums import ModerationEventKind
from cms.errors import Unauthenticated
from cms.models import Comment
from cms.principal import Viewer
from cms.services.access import NEEDS_EDITOR
from cms.services.comment_messages import comment_message, published_comment
from cms.services.events import Broker
from cms.services.records import CommentRecord

MODERATION_CHANNEL = "moderation"


@dataclass(frozen=True)
class ModerationNews:
    kind: ModerationEventKind
    comment: CommentRecord
    # The editor who decided (DECIDED), else None.
    by: str | None = None


async def publish_moderation(
    events: Broker, kind: ModerationEventKind, comment: Comment, by: str | None = None
) -> None:
    """Tell editors what happened to a comment; call after its transaction commits."""
    message = {"kind": kind.value, "by": by, "comment": comment_message(comment)}
    await events.publish(MODERATION_CHANNEL, message)


def require_reader(viewer: Viewer) -> None:
    """UNAUTHENTICATED without a token: the stream is for editors (previews may read it)."""
    if not viewer.is_editor:
        raise Unauthenticated(NEEDS_EDITOR)


async def watch_moderation(viewer: Viewer, events: Broker) -> AsyncIterator[ModerationNews]:
    """Every moderation event from now on, in the order published."""
    require_reader(viewer)
    async with events.subscribe(MODERATION_CHANNEL) as subscription:
        async for message in subscription:
            yield ModerationNews(
                kind=ModerationEventKind(message["kind"]),
                comment=published_comment(message["comment"]),
                by=message.get("by"),
            )
