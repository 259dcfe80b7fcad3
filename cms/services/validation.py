"""Bounds and shapes of what editors write; every failure names the input field."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from slugify import slugify

from cms.errors import InvalidInput

MAX_TITLE = 300
MAX_SLUG = 200
MAX_EXCERPT = 2_000
MAX_TAGS = 20
MAX_TAG = 64
MAX_HEADING = 300
MAX_BODY = 100_000
MAX_SECTIONS = 200
MAX_STORY_NAME = 200
MAX_DESCRIPTOR = 300
MAX_LEAD = 2_000
MAX_QUOTE = 10_000

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# NUL (PostgreSQL refuses it in text) and halves of surrogate pairs (no Unicode text
# holds them alone, and they cannot be encoded to store or send).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: str, field: str) -> str:
    """The text unchanged, or BAD_USER_INPUT naming `field` if it holds what no text may.

    Every free-text input passes here before anything is stored or compared, so both
    databases refuse the same input the same way.
    """
    found = _UNSTORABLE.search(value)
    if found is not None:
        what = (
            "a NUL character (\\u0000)"
            if found.group() == "\x00"
            else "half of a surrogate pair (not valid Unicode)"
        )
        raise InvalidInput(
            f"`{field}` contains {what} at character {found.start() + 1}: remove it.",
            field=field,
        )
    return value


def required_text(value: str | None, field: str, max_length: int) -> str:
    """Stripped text that must not be empty."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"`{field}` must not be empty.", field=field)
    return bounded_text(text, field, max_length)


def bounded_text(value: str, field: str, max_length: int) -> str:
    storable(value, field)
    if len(value) > max_length:
        raise InvalidInput(
            f"`{field}` is {len(value)} characters long; shorten it to at most {max_length}.",
            field=field,
        )
    return value


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """Stripped text, or None when absent or blank."""
    text = (value or "").strip()
    return bounded_text(text, field, max_length) if text else None


# Apostrophes join a word rather than split it: "Norway's" is `norways`, not `norway-s`.
_APOSTROPHES = [["'", ""], ["\u2019", ""], ["\u2018", ""], ["\u02bc", ""]]


def title_slug(title: str) -> str:
    """The one rule for the slug a title gives (lowercase ASCII words joined by hyphens,
    at most MAX_SLUG characters, cut at a word; empty when the title has no letters or
    digits): the editor's and the importer's."""
    return slugify(
        storable(title, "title"),
        max_length=MAX_SLUG,
        word_boundary=True,
        replacements=_APOSTROPHES,
    )


def slug_from_title(title: str) -> str:
    """What a title's slug is when the editor does not pick one."""
    slug = title_slug(title)
    if not slug:
        raise InvalidInput(
            "The title has no letters or digits to make a slug from: pass `slug` too.",
            field="slug",
        )
    return slug


def valid_slug(value: str, field: str = "slug") -> str:
    slug = storable(value, field).strip()
    if len(slug) > MAX_SLUG or not _SLUG.match(slug):
        raise InvalidInput(
            f"`{field}` must be 1-{MAX_SLUG} lowercase letters, digits and single hyphens "
            f"between them, e.g. {slugify(slug)[:MAX_SLUG] or 'my-first-post'!r}.",
            field=field,
        )
    return slug


def valid_tags(values: list[str], field: str = "tags") -> list[str]:
    """Lower-cased, stripped, de-duplicated tags in the order given."""
    tags: list[str] = []
    for value in values:
        tag = storable(value, field).strip().lower()
        if not tag:
            raise InvalidInput("A tag must not be empty.", field=field)
        if "," in tag:
            raise InvalidInput(f"A tag cannot contain a comma: {tag[:MAX_TAG]!r}.", field=field)
        if len(tag) > MAX_TAG:
            raise InvalidInput(
                f"A tag is at most {MAX_TAG} characters: {tag[:MAX_TAG]!r}… has {len(tag):,}.",
                field=field,
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"A post has at most {MAX_TAGS} tags; got {len(tags)}.", field=field)
    return tags


def aware(value: datetime) -> datetime:
    """A datetime with a time zone; one given without an offset is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def in_utc(value: datetime) -> datetime:
    """`value` (taken as UTC without an offset) in UTC; OverflowError when that falls
    outside the years 1 to 9999, which no datetime can hold and no database reads back."""
    return aware(value).astimezone(UTC)


def utc_time(value: datetime, field: str) -> datetime:
    """`value` in UTC, as it is stored; BAD_USER_INPUT outside the years 1 to 9999."""
    try:
        return in_utc(value)
    except OverflowError:
        raise InvalidInput(
            f"`{field}` must fall between the years 1 and 9999 in UTC; got "
            f"{value.isoformat()}: pass a time such as 2030-01-01T09:00:00Z.",
            field=field,
        ) from None
