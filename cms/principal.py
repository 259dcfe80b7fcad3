"""Who is acting: an anonymous visitor, or an editor, admin or preview behind an API token."""

from __future__ import annotations

from dataclasses import dataclass

from cms.enums import Role


@dataclass(frozen=True)
class Viewer:
    """The caller of a request or command; anonymous when `role` is None."""

    name: str | None = None
    role: Role | None = None
    token_id: int | None = None

    @property
    def is_editor(self) -> bool:
        """Behind a token: reads like an editor (drafts, scheduled, archived, every comment).

        True for PREVIEW tokens too; whether the viewer may change anything is `read_only`.
        """
        return self.role is not None

    @property
    def read_only(self) -> bool:
        """A PREVIEW token: reads like an editor and may run no mutation at all."""
        return self.role == Role.PREVIEW


ANONYMOUS = Viewer()
