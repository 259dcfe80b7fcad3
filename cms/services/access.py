"""Who may write: the one check every editor service starts with."""

from __future__ import annotations

from cms.errors import Unauthenticated
from cms.principal import Viewer

NEEDS_EDITOR = "This needs an editor's API token: send `Authorization: Bearer <token>`."


def require_editor(viewer: Viewer) -> str:
    """The editor's name, for revisions; UNAUTHENTICATED for anyone else."""
    if not viewer.is_editor:
        raise Unauthenticated(NEEDS_EDITOR)
    return viewer.name or "system"
