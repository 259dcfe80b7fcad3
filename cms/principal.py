"""Who is acting: an anonymous visitor or an editor behind an API token."""

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
        return self.role is not None


ANONYMOUS = Viewer()
