"""The typed context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as StrawberryInfo

from cms.api.loaders import Loaders
from cms.errors import CMSError
from cms.principal import ANONYMOUS, Viewer

if TYPE_CHECKING:
    from cms.runtime import Runtime


@dataclass
class Context:
    """Who is asking, from where, and the request's loaders."""

    runtime: Runtime
    viewer: Viewer = ANONYMOUS
    client_ip: str = "unknown"
    # The User-Agent header as sent (None without one): crawlers' views are counted apart.
    user_agent: str | None = None
    request: Any = None
    response: Any = None
    # Set when the request carried a bad token: the request fails as UNAUTHENTICATED.
    auth_error: CMSError | None = None
    # The WebSocket `connection_init` payload (browsers cannot set headers there).
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.refresh_loaders()

    @property
    def schema_hidden(self) -> bool:
        """In production, anonymous callers get no introspection and no field suggestions."""
        return self.runtime.settings.production and not self.viewer.is_editor

    def forbid_caching(self) -> None:
        """This answer is for its caller only: kept by no cache (ours, a CDN's, a browser's)."""
        if self.response is not None:
            self.response.headers["Cache-Control"] = "no-store"

    def refresh_loaders(self) -> None:
        """New, empty loaders: a subscription's events must not read earlier answers."""
        self.loaders = Loaders(self.viewer, self.runtime.views)


Info = StrawberryInfo[Context, None]
