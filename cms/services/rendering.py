"""Markdown to safe HTML, done once at write time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypedDict

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# js-default: CommonMark with raw HTML off and only safe link protocols.
_markdown = MarkdownIt("js-default").enable("table").enable("strikethrough")

_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def _clean(html: str, *, user_generated: bool = False) -> str:
    return nh3.clean(
        html,
        tags=_TAGS - {"img"} if user_generated else _TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow ugc noopener" if user_generated else "noopener",
    ).strip()


def render_markdown(source: str, *, user_generated: bool = False) -> str:
    """Render Markdown and sanitise it; links in user text get `rel="nofollow ugc"`."""
    return _clean(_markdown.render(source), user_generated=user_generated)


@dataclass(frozen=True)
class RenderedBody:
    """A section body's HTML and where each of its top-level blocks begins.

    `starts` holds one `(line, offset)` per block (paragraph, list, heading, code, ...):
    how many non-empty body lines come before the block (the unit story positions
    count in) and where its HTML begins in `html`. Blocks are joined by one newline.
    """

    html: str
    starts: tuple[tuple[int, int], ...]


def _top_level_groups(tokens: list[Token]) -> list[tuple[int, list[Token]]]:
    """The tokens of each top-level block, with the source line it starts on."""
    groups: list[tuple[int, list[Token]]] = []
    for token in tokens:
        if token.level == 0 and token.nesting >= 0:
            groups.append((token.map[0] if token.map else 0, [token]))
        elif groups:
            groups[-1][1].append(token)
    return groups


def render_body(source: str) -> RenderedBody:
    """Render a section body block by block (the same HTML as `render_markdown`)."""
    env: dict[str, Any] = {}
    groups = _top_level_groups(_markdown.parse(source, env))
    lines = source.split("\n")
    filled_before = [0]
    for line in lines:
        filled_before.append(filled_before[-1] + (1 if line else 0))
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for first_line, tokens in groups:
        piece = _clean(_markdown.renderer.render(tokens, _markdown.options, env))
        if not piece:
            continue
        starts.append((filled_before[min(first_line, len(lines))], offset))
        pieces.append(piece)
        offset += len(piece) + 1
    return RenderedBody("\n".join(pieces), tuple(starts))


class SectionHtml(TypedDict):
    """The stored rendering of a section body (the Section model's columns)."""

    html: str
    block_starts: str


def section_html(body: str) -> SectionHtml:
    """`html` and `block_starts` (JSON) of a section body, for `Section.create(**...)`."""
    rendered = render_body(body)
    starts = json.dumps([list(s) for s in rendered.starts], separators=(",", ":"))
    return {"html": rendered.html, "block_starts": starts}
