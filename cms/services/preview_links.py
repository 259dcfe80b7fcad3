"""Preview links: editors make, list and revoke them; anyone holding one reads its post.

A link shows one post as an editor sees it (drafts, scheduled and archived posts too)
until it expires or is revoked. Refusals: FORBIDDEN for a token that is forged, expired
or revoked; NOT_FOUND once its post is deleted (the link goes with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from tortoise import timezone

from cms.enums import Role
from cms.errors import Forbidden, InvalidInput, NotFound
from cms.models import Post, PreviewLink
from cms.principal import Viewer
from cms.services import posts
from cms.services.access import require_editor
from cms.services.pagination import Page, PageRequest, SortKey, paginate
from cms.services.preview_tokens import NOT_VALID, PreviewSigner
from cms.services.records import PostRecord

DEFAULT_EXPIRES_IN_S = 86_400
MIN_EXPIRES_IN_S = 60
MAX_EXPIRES_IN_S = 30 * 86_400
NEWEST_FIRST = SortKey(("created_at", "id"), descending=True, kinds=(datetime, int))
# Reads the one post of a link whatever its status, as an editor would.
_LINK_READER = Viewer(name="preview link", role=Role.PREVIEW)
_POST_GONE = "The post of this preview link was deleted."


@dataclass(frozen=True)
class IssuedLink:
    """A link with its token and the address of the frontend's preview page."""

    link: PreviewLink
    token: str
    url: str


@dataclass(frozen=True)
class PreviewLinks:
    """Signs tokens with `signer` and builds addresses from `url_template` (`{token}`)."""

    signer: PreviewSigner
    url_template: str

    def issued(self, link: PreviewLink) -> IssuedLink:
        token = self.signer.sign(link.id, link.post_id, link.expires_at)
        return IssuedLink(link, token, self.url_template.replace("{token}", quote(token)))

    async def create(
        self, viewer: Viewer, post_id: int, expires_in_s: int, now: datetime | None = None
    ) -> IssuedLink:
        """A new link to the post (any status), valid for `expires_in_s` seconds."""
        name = require_editor(viewer)
        if not MIN_EXPIRES_IN_S <= expires_in_s <= MAX_EXPIRES_IN_S:
            raise InvalidInput(
                f"`expiresIn` is in seconds, from {MIN_EXPIRES_IN_S} to {MAX_EXPIRES_IN_S:,} "
                f"(30 days); got {expires_in_s}.",
                field="expiresIn",
            )
        if not await Post.filter(id=post_id).exists():
            raise NotFound("No such post: check the `postId`.")
        start = (now or timezone.now()).replace(microsecond=0)
        link = await PreviewLink.create(
            post_id=post_id,
            created_by=name,
            created_at=start,
            expires_at=start + timedelta(seconds=expires_in_s),
        )
        return self.issued(link)

    async def list(self, viewer: Viewer, post_id: int, request: PageRequest) -> Page[IssuedLink]:
        """The post's links, newest first, expired and revoked ones included."""
        require_editor(viewer)  # a preview token must not hand out links that outlive it
        page = await paginate(
            PreviewLink.filter(post_id=post_id), NEWEST_FIRST, request, default=20
        )
        return Page(
            items=[self.issued(link) for link in page.items],
            cursors=page.cursors,
            has_next=page.has_next,
            has_previous=page.has_previous,
            count=page.count,
        )

    async def open(self, token: str, now: datetime | None = None) -> PostRecord:
        """The post a token shows; FORBIDDEN when forged, expired or revoked."""
        claims = self.signer.verify(token)
        if claims.expires_at <= (now or timezone.now()):
            raise Forbidden(
                f"This preview link expired at {claims.expires_at:%Y-%m-%d %H:%M} UTC: "
                "ask an editor for a new one."
            )
        link = await PreviewLink.get_or_none(id=claims.link_id)
        if link is None:
            raise NotFound(_POST_GONE)
        if link.post_id != claims.post_id:
            raise Forbidden(NOT_VALID)
        if link.revoked_at is not None:
            raise Forbidden("This preview link was revoked: ask an editor for a new one.")
        found = await posts.posts_by_ids(_LINK_READER, [claims.post_id])
        if claims.post_id not in found:
            raise NotFound(_POST_GONE)
        return found[claims.post_id]


async def revoke(viewer: Viewer, link_id: int, now: datetime | None = None) -> None:
    """Revokes the link from now on; revoking it again changes nothing."""
    require_editor(viewer)
    changed = await PreviewLink.filter(id=link_id, revoked_at=None).update(
        revoked_at=now or timezone.now()
    )
    if not changed and not await PreviewLink.filter(id=link_id).exists():
        raise NotFound("No such preview link: check the `id`.")
