"""What editors' live moderation stream carries."""

from __future__ import annotations

import strawberry

from cms.api.types.comment import Comment
from cms.api.types.enums import ModerationEventKindEnum
from cms.services.moderation_events import ModerationNews


@strawberry.type
class ModerationEvent:
    kind: ModerationEventKindEnum
    comment: Comment = strawberry.field(description="The comment as the event left it.")
    decided_by: str | None = strawberry.field(
        description="DECIDED and DELETED: the editor who did it; null otherwise."
    )

    @classmethod
    def from_news(cls, news: ModerationNews) -> ModerationEvent:
        return cls(kind=news.kind, comment=Comment.from_model(news.comment), decided_by=news.by)
