"""Generated articles in the plain-text format: varied, deterministic, any number."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from cms.article_format import (
    ArticleDraft,
    CommentDraft,
    SectionDraft,
    StoryDraft,
    render_article,
)

WORDS = [
    "garden",
    "water",
    "light",
    "river",
    "city",
    "morning",
    "winter",
    "people",
    "doctor",
    "patient",
    "study",
    "sleep",
    "coffee",
    "bread",
    "music",
    "train",
    "mountain",
    "ocean",
    "history",
    "science",
    "health",
    "story",
    "family",
    "season",
    "market",
    "kitchen",
    "street",
    "book",
    "letter",
    "window",
    "bridge",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _section(rng: random.Random, index: int) -> SectionDraft:
    blocks = [_sentence(rng, rng.randint(12, 40)) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        items = [f"- {_sentence(rng, rng.randint(4, 10))}" for _ in range(rng.randint(2, 5))]
        blocks.append("\n".join(items))
    stories: tuple[StoryDraft, ...] = ()
    if rng.random() < 0.4:
        name = rng.choice(["Sarah", "Tom", "Maria", "Ken"])
        stories = (
            StoryDraft(
                kind="PERSONAL",
                name=name,
                descriptor="reader",
                lead=f"One reader, {name}, shares:",
                quote=_sentence(rng, 15),
                position=rng.randint(0, len(blocks)),
            ),
        )
    heading = None if index == 0 else " ".join(rng.sample(WORDS, 3)).title() + f" {index}"
    return SectionDraft(heading=heading, body="\n\n".join(blocks), stories=stories)


def article(n: int) -> str:
    """The n-th generated article (the same text for the same n)."""
    rng = random.Random(n)
    comments = tuple(
        CommentDraft(author=f"Reader {rng.randint(1, 500)}", body=_sentence(rng, 6))
        for _ in range(rng.randint(0, 5))
    )
    draft = ArticleDraft(
        title=f"{_sentence(rng, 5)[:-1]} number {n}",
        published_on=date(2015, 1, 1) + timedelta(days=n % 3650),
        like_count=rng.randint(0, 5000),
        view_count=rng.randint(0, 90000),
        sections=tuple(_section(rng, i) for i in range(rng.randint(2, 7))),
        comments=comments,
    )
    return render_article(draft)


def articles(count: int) -> Iterator[tuple[int, str]]:
    for n in range(count):
        yield n, article(n)
