"""The contract's enums, registered with Strawberry (which returns the same classes)."""

from typing import TypeAlias

import strawberry

from cms.enums import CommentStatus, PostOrder, PostStatus, Role, StoryKind

for _enum in (PostStatus, CommentStatus, StoryKind, PostOrder, Role):
    strawberry.enum(_enum)

PostStatusEnum: TypeAlias = PostStatus
CommentStatusEnum: TypeAlias = CommentStatus
StoryKindEnum: TypeAlias = StoryKind
PostOrderEnum: TypeAlias = PostOrder
RoleEnum: TypeAlias = Role
