"""Who may write: the checks every editor service starts with."""

from __future__ import annotations

from cms.enums import Role
from cms.errors import Forbidden, Unauthenticated
from cms.principal import Viewer

NEEDS_EDITOR = "This needs an editor's API token: send `Authorization: Bearer <token>`."
READ_ONLY = (
    "This is a preview token: it reads drafts but changes nothing. Use an editor's token "
    "(`cms token create --role editor`); likes, views and comments need no token at all."
)


def refuse_read_only(viewer: Viewer) -> None:
    """FORBIDDEN for a preview token: it changes nothing, engagement included."""
    if viewer.read_only:
        raise Forbidden(READ_ONLY)


def require_editor(viewer: Viewer) -> str:
    """The editor's name, for revisions; UNAUTHENTICATED without a token, FORBIDDEN for a
    preview token."""
    if not viewer.is_editor:
        raise Unauthenticated(NEEDS_EDITOR)
    refuse_read_only(viewer)
    return viewer.name or "system"


DELETING_NEEDS_ADMIN = (
    "Deleting a post needs an admin token (`cms token create --role admin`); "
    "an editor can unpublish or archive it instead."
)


def require_admin(viewer: Viewer, refusal: str = DELETING_NEEDS_ADMIN) -> str:
    """Like `require_editor`, and FORBIDDEN (saying `refusal`) for an editor without the
    admin role."""
    name = require_editor(viewer)
    if viewer.role != Role.ADMIN:
        raise Forbidden(refusal)
    return name
