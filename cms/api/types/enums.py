"""The contract's enums, registered with Strawberry (which returns the same classes)."""

from typing import TypeAlias

import strawberry

from cms.enums import (
    ActivityInterval,
    ActivityMetric,
    CommentOrder,
    CommentStatus,
    DeliveryStatus,
    HoldReason,
    ModerationEventKind,
    PostOrder,
    PostStatus,
    RevisionAction,
    Role,
    StoryKind,
    VoteValue,
    WebhookEventType,
)
from cms.services.revision_diffs import PartChange

for _enum in (PostStatus, CommentStatus, StoryKind, PostOrder, Role):
    strawberry.enum(_enum)
strawberry.enum(RevisionAction, name="RevisionAction")
strawberry.enum(HoldReason, description="Why a comment waits for an editor.")
strawberry.enum(
    ModerationEventKind,
    description="HELD: a comment now waits for an editor; REPORTED: a reader reported one; "
    "DECIDED: an editor changed its status; DELETED: an editor deleted it (and its replies).",
)
strawberry.enum(
    WebhookEventType,
    name="WebhookEvent",
    description="What a webhook is told of. The delivered JSON's `type` is the name in "
    "lower case with a dot: POST_PUBLISHED is `post.published`.",
)
strawberry.enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="PENDING until the endpoint answers 2xx (DELIVERED) or the attempts run "
    "out (FAILED).",
)
strawberry.enum(
    CommentOrder,
    name="CommentOrder",
    description="TOP: highest score first, ties newest first; NEWEST; OLDEST.",
)
strawberry.enum(VoteValue, name="VoteValue", description="UP, DOWN, or NONE to take a vote back.")
strawberry.enum(ActivityInterval, name="ActivityInterval")
strawberry.enum(ActivityMetric, name="ActivityMetric")
strawberry.enum(
    PartChange,
    name="DiffChange",
    description="How a section or story differs between two versions of a post.",
)

PostStatusEnum: TypeAlias = PostStatus
CommentStatusEnum: TypeAlias = CommentStatus
StoryKindEnum: TypeAlias = StoryKind
PostOrderEnum: TypeAlias = PostOrder
CommentOrderEnum: TypeAlias = CommentOrder
VoteValueEnum: TypeAlias = VoteValue
RoleEnum: TypeAlias = Role
RevisionActionEnum: TypeAlias = RevisionAction
DiffChangeEnum: TypeAlias = PartChange
WebhookEventEnum: TypeAlias = WebhookEventType
DeliveryStatusEnum: TypeAlias = DeliveryStatus
HoldReasonEnum: TypeAlias = HoldReason
ModerationEventKindEnum: TypeAlias = ModerationEventKind
ActivityIntervalEnum: TypeAlias = ActivityInterval
ActivityMetricEnum: TypeAlias = ActivityMetric
