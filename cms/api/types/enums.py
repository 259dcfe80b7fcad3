"""The contract's enums, registered with Strawberry (which returns the same classes)."""

from typing import TypeAlias

import strawberry

from cms.enums import CommentStatus, PostOrder, PostStatus, RevisionAction, Role, StoryKind
from cms.services.revision_diffs import PartChange

for _enum in (PostStatus, CommentStatus, StoryKind, PostOrder, Role):
    strawberry.enum(_enum)
strawberry.enum(RevisionAction, name="RevisionAction")
strawberry.enum(
    PartChange,
    name="DiffChange",
    description="How a section or story differs between two versions of a post.",
)

PostStatusEnum: TypeAlias = PostStatus
CommentStatusEnum: TypeAlias = CommentStatus
StoryKindEnum: TypeAlias = StoryKind
PostOrderEnum: TypeAlias = PostOrder
RoleEnum: TypeAlias = Role
RevisionActionEnum: TypeAlias = RevisionAction
DiffChangeEnum: TypeAlias = PartChange
