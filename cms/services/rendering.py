"""Markdown to safe HTML, done once at write time."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# js-default: CommonMark with raw HTML off and only safe link protocols.
_markdown = MarkdownIt("js-default").enable("table").enable("strikethrough")

_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str, *, user_generated: bool = False) -> str:
    """Render Markdown and sanitise it; links in user text get `rel="nofollow ugc"`."""
    html = _markdown.render(source)
    return nh3.clean(
        html,
        tags=_TAGS - {"img"} if user_generated else _TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow ugc noopener" if user_generated else "noopener",
    ).strip()
