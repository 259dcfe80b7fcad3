"""Field permissions: declared on the field, enforced before the resolver runs."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from cms.api.context import Info
from cms.errors import Unauthenticated


class IsEditor(BasePermission):
    message = "This needs an editor's API token: send `Authorization: Bearer <token>`."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if not info.context.viewer.is_editor:
            raise Unauthenticated(self.message)
        return True
