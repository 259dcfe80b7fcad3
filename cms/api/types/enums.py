"""The contract's enums, registered with Strawberry."""

import strawberry

from cms.enums import CommentStatus, PostOrder, PostStatus, Role, StoryKind

PostStatusEnum = strawberry.enum(PostStatus)
CommentStatusEnum = strawberry.enum(CommentStatus)
StoryKindEnum = strawberry.enum(StoryKind)
PostOrderEnum = strawberry.enum(PostOrder)
RoleEnum = strawberry.enum(Role)
