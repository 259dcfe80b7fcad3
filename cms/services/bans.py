"""Bans: an author name or a client whose new comments are held (BANNED).

A client is kept as the keyed hash its comments carry (`Engagement.client_key`), never
as an address; with `CMS_SECRET_KEY` unset each process has its own key, so client
bans hold only in the process that made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import timezone
from tortoise.expressions import Q

from cms.errors import InvalidInput, NotFound
from cms.models import Ban, Comment
from cms.principal import Viewer
from cms.services import comment_text
from cms.services.access import require_editor
from cms.services.pagination import Page, PageRequest, SortKey, paginate
from cms.services.validation import storable

MAX_BAN_REASON = 200
# Comment.author's length.
MAX_AUTHOR = 80
MIN_EXPIRY_S = 60
MAX_EXPIRY_S = 10 * 365 * 24 * 3600
NEWEST_FIRST = SortKey(("created_at", "id"), descending=True, kinds=(datetime, int))


@dataclass(frozen=True)
class NewBan:
    author: str | None = None
    client_of_comment_id: int | None = None
    reason: str | None = None
    # Seconds from now; None: until lifted.
    expires_in_s: int | None = None


def author_key(author: str) -> str:
    """What author names are compared by: folded like the rules read text (case,
    accents, lookalike letters), so `ANA` and `Аna` (Cyrillic А) are one name."""
    return (comment_text.folded(author) or author.casefold().strip())[:MAX_AUTHOR]


def _author(author: str | None) -> str | None:
    if author is None:
        return None
    author = storable(author, "author").strip()
    if not 1 <= len(author) <= MAX_AUTHOR:
        raise InvalidInput(
            f"`author` must be 1–{MAX_AUTHOR} characters after trimming spaces.", field="author"
        )
    return author


def short_reason(reason: str | None, field: str = "reason") -> str:
    """A reason trimmed; BAD_USER_INPUT past MAX_BAN_REASON characters."""
    reason = storable(reason or "", field).strip()
    if len(reason) > MAX_BAN_REASON:
        raise InvalidInput(
            f"`{field}` is at most {MAX_BAN_REASON} characters: say it in a sentence.",
            field=field,
        )
    return reason


async def _client_of(comment_id: int | None) -> str | None:
    if comment_id is None:
        return None
    comment = await Comment.get_or_none(id=comment_id)
    if comment is None:
        raise NotFound("No comment has this id: check `clientOfCommentId`.")
    if not comment.client_key:
        raise InvalidInput(
            "This comment came from an imported article and has no client to ban; "
            "ban its author instead.",
            field="clientOfCommentId",
        )
    return comment.client_key


async def ban_commenter(viewer: Viewer, new: NewBan) -> Ban:
    """Hold new comments by this author name and/or from the client of a comment.

    Raises UNAUTHENTICATED/FORBIDDEN (editors only), BAD_USER_INPUT (nothing to ban,
    lengths, expiry) and NOT_FOUND (the comment).
    """
    editor = require_editor(viewer)
    author = _author(new.author)
    reason = short_reason(new.reason)
    if new.expires_in_s is not None and not MIN_EXPIRY_S <= new.expires_in_s <= MAX_EXPIRY_S:
        raise InvalidInput(
            f"`expiresIn` is in seconds, {MIN_EXPIRY_S} to {MAX_EXPIRY_S} (ten years); "
            "leave it out for a ban that lasts until it is lifted.",
            field="expiresIn",
        )
    client_key = await _client_of(new.client_of_comment_id)
    if author is None and client_key is None:
        raise InvalidInput(
            "Name what to ban: `author`, `clientOfCommentId`, or both.", field="author"
        )
    now = timezone.now()
    expires = now + timedelta(seconds=new.expires_in_s) if new.expires_in_s else None
    return await Ban.create(
        author=author,
        author_key=author_key(author) if author else None,
        client_key=client_key,
        reason=reason,
        created_by=editor[:MAX_AUTHOR],
        created_at=now,
        expires_at=expires,
    )


async def unban(viewer: Viewer, ban_id: int) -> None:
    """Lift a ban; NOT_FOUND when there is none with this id."""
    require_editor(viewer)
    if not await Ban.filter(id=ban_id).delete():
        raise NotFound("No ban has this id: it may have been lifted already.")


async def list_bans(viewer: Viewer, request: PageRequest) -> Page[Ban]:
    """Bans newest first, expired ones included (editors only)."""
    require_editor(viewer)
    return await paginate(Ban.all(), NEWEST_FIRST, request, 20)


async def is_banned(author: str, client_key: str, now: datetime | None = None) -> bool:
    """Whether a ban in force names this author or client."""
    now = now or timezone.now()
    names = Q(author_key=author_key(author)) | Q(client_key=client_key)
    in_force = Q(expires_at=None) | Q(expires_at__gt=now)
    return await Ban.filter(names, in_force).exists()
