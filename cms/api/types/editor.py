"""The Editor type: who is behind a request's token (never the token itself)."""

from __future__ import annotations

import strawberry

from cms.api.types.enums import RoleEnum
from cms.principal import Viewer


@strawberry.type
class Editor:
    name: str
    role: RoleEnum

    @classmethod
    def from_viewer(cls, viewer: Viewer) -> Editor | None:
        if viewer.role is None:
            return None
        return cls(name=viewer.name or "", role=viewer.role)
