"""The moderation rules read comments as readers do: folded text, rendered links."""

from __future__ import annotations

import pytest

from cms.enums import CommentStatus
from cms.errors import Conflict
from cms.models import Comment
from cms.services.comment_text import folded, link_count
from cms.services.rendering import render_markdown
from cms.settings import Limits
from tests.factories import make_post
from tests.services.test_comments import add, runtime_with

BLOCKED = Limits(
    hold_first_comment=False, comment_rate="1000/minute", comment_blocklist=("casino", "free money")
)

EVASIONS = [
    "Try cas&#105;no tonight",  # an entity
    "Try cas**ino** tonight",  # Markdown emphasis inside the word
    "Try cas<b>ino</b> tonight",  # HTML tags inside the word
    "Try ｃａｓｉｎｏ tonight",  # fullwidth letters
    "Try c\u0430sino tonight",  # a Cyrillic а
    "Try c\u03b1sino tonight",  # a Greek α
    "Try cas\u200bino tonight",  # a zero-width space
    "Try cas\u2060ino tonight",  # a word joiner
    "Try cas\u00adino tonight",  # a soft hyphen
    "Try casi\u0301no tonight",  # a combining accent
    "Try c a s i n o tonight",  # spaced letters
    "Try c.a.s.i.n.o tonight",  # dotted letters
    "Get free  money now",  # double spaces
    "Get free\u00a0money now",  # a no-break space
    "Get free\nmoney now",  # a line break
    "Get FrEe MoNeY now",  # mixed case
]


@pytest.mark.parametrize("body", EVASIONS)
async def test_each_way_around_the_blocklist_is_held(db: str, body: str) -> None:
    post = await make_post()

    comment = await add(runtime_with(db, BLOCKED), post, body)

    assert comment.status == CommentStatus.PENDING


@pytest.mark.parametrize(
    "body",
    [
        "An occasional visit to the casa in October",
        "Cas in October, free of charge; money later",
        "Спасибо за статью",  # Cyrillic text that is no lookalike of a blocked word
        "I a m fine",
        "Freedom, money and time",
    ],
)
async def test_ordinary_comments_are_not_held(db: str, body: str) -> None:
    post = await make_post()

    comment = await add(runtime_with(db, BLOCKED), post, body)

    assert comment.status == CommentStatus.APPROVED


def test_the_folded_form_is_lowercase_latin_words() -> None:
    assert folded("Ｃａｓ**ｉｎｏ**\u00a0  c a s i n o, C\u0430f\u00e9!") == "casino casino cafe"
    assert folded("a b") == "a b"  # two single letters are not a spaced word


@pytest.mark.parametrize(
    "variant",
    ["great read", "Great read.", "Great\u00a0read", "  GREAT  READ!  ", "Great **read**"],
)
async def test_a_body_that_reads_the_same_is_a_duplicate(db: str, variant: str) -> None:
    post = await make_post()
    runtime = runtime_with(db)
    await add(runtime, post, "Great read", author="Ana")

    with pytest.raises(Conflict):
        await add(runtime, post, variant, author="Bob")

    assert await Comment.filter(post_id=post.id).values_list("body", flat=True) == ["Great read"]


async def test_a_different_body_is_not_a_duplicate(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db)
    await add(runtime, post, "Great read")

    other = await add(runtime, post, "Great reads")

    assert other.status == CommentStatus.APPROVED


@pytest.mark.parametrize(
    ("body", "links"),
    [
        ("[x](//a.example) and [y](//b.example)", 2),  # protocol-relative
        ("[x][1] and [y][2]\n\n[1]: http://a.example\n[2]: http://b.example", 2),  # references
        ("<http://a.example> and <https://b.example>", 2),  # autolinks
        ("[x](http://a.example) and https://b.example", 2),  # a link and a bare address
        ("See https://a.example", 1),
        ("[x](/a/b) is a link too", 1),
        ("mailto:me@a.example or www.a.example", 2),
        ("No links, only 1/2 and a//b", 0),
    ],
)
def test_links_are_counted_as_rendered(body: str, links: int) -> None:
    assert link_count(render_markdown(body, user_generated=True)) == links


@pytest.mark.parametrize(
    "body",
    [
        "[x](//a.example) and [y](//b.example)",
        "[x][1] and [y][2]\n\n[1]: http://a.example\n[2]: http://b.example",
        "<http://a.example> and <https://b.example>",
    ],
)
async def test_links_in_every_form_count_for_the_hold_links_rule(db: str, body: str) -> None:
    post = await make_post()

    comment = await add(runtime_with(db), post, body)

    assert comment.status == CommentStatus.PENDING
