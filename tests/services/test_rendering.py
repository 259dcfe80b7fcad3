"""Markdown is rendered once at write time and nothing executable survives it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from cms.article_format import parse_article
from cms.services.rendering import render_body, render_markdown
from tests.seed_article import ALL_ARTICLES

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png" onerror="alert(1))',
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<<script>script>alert(1)<</script>/script>",
    "<details open ontoggle=alert(1)>",
    '[x](https://example.com "title" onmouseover=alert(1))',
    "`<script>alert(1)</script>`",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<object data=javascript:alert(1)>",
]

SAFE_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("user_generated", [False, True], ids=["section", "comment"])
def test_no_payload_survives_rendering(payload: str, user_generated: bool) -> None:
    html = render_markdown(f"Before {payload} after", user_generated=user_generated)

    for tag, attrs in elements(html):
        assert tag in SAFE_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in {"href", "src"}:
                assert (value or "").startswith(SAFE_SCHEMES), html


def test_markdown_still_renders_and_comment_links_are_nofollow() -> None:
    body = "**Bold**, a [link](https://example.com) and\n\n- one\n- two"

    section = render_markdown(body)
    comment = render_markdown(body, user_generated=True)

    assert "<strong>Bold</strong>" in section
    assert "<li>one</li>" in section
    assert '<a href="https://example.com" rel="noopener">link</a>' in section
    assert '<a href="https://example.com" rel="nofollow ugc noopener">link</a>' in comment


@pytest.mark.parametrize("path", ALL_ARTICLES, ids=lambda p: p.name)
def test_sections_render_block_by_block_to_the_same_html(path: Path) -> None:
    bodies = [s.body for s in parse_article(path.read_text(encoding="utf-8")).sections]

    for body in [*bodies, "```\ncode\n\nmore\n```\n\n> quoted\n\n[link][1]\n\n[1]: https://a.b"]:
        rendered = render_body(body)
        assert rendered.html == render_markdown(body)
        assert [rendered.html[offset - 1] for _, offset in rendered.starts[1:]] == ["\n"] * (
            len(rendered.starts) - 1
        )


def test_block_starts_count_the_body_lines_before_each_block() -> None:
    rendered = render_body("One\ntwo\n\n- a\n- b\n\n1. c\n\nLast")

    assert [line for line, _ in rendered.starts] == [0, 2, 4, 5]
    assert [rendered.html[o:].split("\n")[0] for _, o in rendered.starts] == [
        "<p>One",
        "<ul>",
        "<ol>",
        "<p>Last</p>",
    ]
