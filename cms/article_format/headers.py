"""Optional header lines between the title and the date: what a post has beyond the text.

    - Slug: my-first-post          when the slug is not the one the title gives
    - Status: Draft                Draft, Scheduled or Archived; without it: published
    - Tags: health, therapy        lowercase, sorted, comma-separated
    - Excerpt: One line.           `\\n` for a newline, `\\\\` for a backslash

Each may be left out, and an article without any reads as it always did. When present
they come in this order, once each, so that rendering gives back the same lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STATUSES = ("Draft", "Scheduled", "Archived", "Published")
KEYS = ("Slug", "Status", "Tags", "Excerpt")
_HEADER = re.compile(r"- (?P<key>[A-Z][a-z]+): (?P<value>.*\S)")


class HeaderError(ValueError):
    """A header line that cannot be read; `index` is its 0-based line index."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


@dataclass(frozen=True)
class Headers:
    """What the header lines say; None and empty values mean the line was left out."""

    slug: str | None = None
    # Upper case (DRAFT, SCHEDULED, ARCHIVED, PUBLISHED), or None when not stated.
    status: str | None = None
    tags: tuple[str, ...] = ()
    excerpt: str = ""


def escape_line(text: str) -> str:
    """Multi-line text (an excerpt, a comment) on one line: `\\n` for a newline."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def unescape_line(line: str) -> str:
    """The inverse of `escape_line`: `\\n` is a newline, `\\\\` a backslash."""
    return re.sub(r"\\([\\n])", lambda m: "\n" if m[1] == "n" else "\\", line)


def render_headers(headers: Headers) -> list[str]:
    """The header lines, in their order, leaving out those with nothing to say."""
    lines = [f"- Slug: {headers.slug}"] if headers.slug else []
    if headers.status and headers.status != "PUBLISHED":
        lines.append(f"- Status: {headers.status.capitalize()}")
    if headers.tags:
        lines.append(f"- Tags: {', '.join(sorted(headers.tags))}")
    if headers.excerpt.strip():
        lines.append(f"- Excerpt: {escape_line(headers.excerpt)}")
    return lines


def _value(key: str, value: str, index: int) -> str | tuple[str, ...]:
    if key == "Status":
        if value not in STATUSES:
            choices = ", ".join(STATUSES)
            raise HeaderError(index, f'"- Status: {value}": the status is one of {choices}')
        return value.upper()
    if key == "Tags":
        tags = tuple(t.strip().lower() for t in value.split(","))
        if not all(tags):
            raise HeaderError(index, f'"- Tags: {value}": an empty tag between commas')
        return tags
    return unescape_line(value) if key == "Excerpt" else value


def parse_headers(lines: list[str]) -> tuple[Headers, int]:
    """The header lines after the title (`lines[0]`), and how many lines they take."""
    values: dict[str, str | tuple[str, ...]] = {}
    index = 1
    while index < len(lines) and (match := _HEADER.fullmatch(lines[index])):
        key = match["key"]
        if key not in KEYS:
            if not values:
                break  # not a header: the date line's own check explains what is wrong
            raise HeaderError(index, f'unknown header "- {key}:"; expected {", ".join(KEYS)}')
        if key in values or any(KEYS.index(k) > KEYS.index(key) for k in values):
            order = ", ".join(KEYS)
            raise HeaderError(index, f'"- {key}:" out of place: header lines come once, {order}')
        values[key] = _value(key, match["value"], index)
        index += 1
    headers = Headers(
        slug=str(values["Slug"]) if "Slug" in values else None,
        status=str(values["Status"]) if "Status" in values else None,
        tags=tuple(values.get("Tags", ())),
        excerpt=str(values.get("Excerpt", "")),
    )
    return headers, index - 1
