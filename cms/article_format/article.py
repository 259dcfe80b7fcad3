"""Read and write the plain-text article format (see docs/article-format.md).

Line 1 is the title, then optional header lines (`- Slug: ...`), the date/likes/views/
comments metadata, one body block per line, and last the comment list (`<N> Comments`
plus N author/body pairs). Blank lines are rejected and CRLF line endings read as LF:
the format has neither, which is what lets `render_article(parse_article(text))` give
back the same text. Pure: it knows nothing of the CMS that stores articles.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

from cms.article_format.headers import (
    HeaderError,
    Headers,
    escape_line,
    parse_headers,
    render_headers,
    unescape_line,
)


def _words(text: str) -> frozenset[str]:
    """The space-separated words of `text`, as a set."""
    return frozenset(text.split())


MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_DATE = re.compile(r"- (?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4})")
_COUNT = re.compile(r"(?P<n>\d{1,3}(?:,\d{3})*|\d+) (?P<word>[A-Za-z]+)")
_LIST_ITEM = re.compile(r"(?P<marker>- |\d+\. )\S")
_SENTENCE_END = ".,:;!…\"'”’»)]}。，、：；！」』）】》"
_STORY = re.compile(r"(?P<lead>[^“”]+[,:]) “(?P<quote>[^“”]+)”")
_INTRO = re.compile(r"[^\W\d_]\w*(?: [^\W\d_][\w-]*)+")
_PREFIX = re.compile(r"^(?:As|According to|In the words of)\s+")
_DETERMINER = re.compile(
    r"^(?:one of (?:our|the|my|his|her|their)|one|a|an|another|the|our|my|his|her|their"
    r"|this|that|una|uno|un|une|ein|eine)\s+",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_TITLES = _words("Dr. Dr Prof. Prof Professor Mr. Mrs. Ms. Mx. Sir Dame")
_EXPERT_TITLES = _words("Dr. Dr Prof. Prof Professor")
_PARTICLES = _words("van von de da del der di du la le bin al")
_NOT_NAMES = _words(
    "a an another as he her his i it its many most my one our she some that the their they this"
    " we you your critics doctors experts patients people researchers scientists studies study"
    " users readers parents officials others everyone"
)
_EXPERT_ROLES = _words(  # matched as word endings: "psychotherapist", "neurologist"
    "researcher psychiatrist doctor physician professor scientist expert therapist clinician"
    " specialist surgeon pharmacist ologist iatrist counselor counsellor nutritionist"
    " dietitian md m.d phd ph.d"
)
_SPEECH_VERBS = _words(  # also matched with -s, -d, -ed, -es
    "say explain share recall note add put write tell remember describe reflect admit insist"
    " observe comment recount emphasize emphasise stress point agree warn argue continue report"
    " confide sum offer answer state remark reveal confess laugh smile said told wrote admitted"
    " summed replied replies reply"
)
_ADVERBS = _words("also later once then still often simply now")
# A body line starting with this is a paragraph (the mark dropped), whatever it looks like.
PARAGRAPH_MARK = "\\"
# A body line starting with this is a heading (the mark dropped), whatever it looks like.
HEADING_MARK = "# "


class ArticleFormatError(ValueError):
    """The text cannot be read as an article; `line` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class StoryDraft:
    """A quotation attributed to a person, placed after `position` body blocks."""

    kind: str
    name: str
    descriptor: str | None
    lead: str
    quote: str
    position: int


@dataclass(frozen=True)
class SectionDraft:
    """A heading (None for the lead), its Markdown body and its stories."""

    heading: str | None
    body: str
    stories: tuple[StoryDraft, ...]


@dataclass(frozen=True)
class CommentDraft:
    """One listed comment."""

    author: str
    body: str


@dataclass(frozen=True)
class ArticleDraft:
    """A parsed article, ready to be stored or rendered back."""

    title: str
    published_on: datetime.date
    like_count: int
    view_count: int
    sections: tuple[SectionDraft, ...]
    comments: tuple[CommentDraft, ...]
    # The optional header lines; the defaults are what an article without them means.
    headers: Headers = field(default_factory=Headers)


def _count_line(n: int, word: str) -> str:
    """`19 Likes`, `1 Like`, `2,315 Views`."""
    return f"{n:,} {word if n == 1 else word + 's'}"


def _date_line(day: datetime.date) -> str:
    """`- September 13, 2019`."""
    return f"- {MONTHS[day.month - 1]} {day.day}, {day.year}"


def body_blocks(body: str) -> list[str]:
    """The lines of a section body, in order (inverse of how the parser joins them)."""
    return [line for line in body.split("\n") if line]


def _heading_line(heading: str) -> str:
    """The heading as written: marked `# ` when it would not read as one on its own."""
    plain = _is_heading(heading) and not heading.startswith((PARAGRAPH_MARK, HEADING_MARK))
    return heading if plain else HEADING_MARK + heading


def _block_line(block: str) -> str:
    """A body block as written: marked `\\` when it would read as a heading or a story."""
    forced = block.startswith((PARAGRAPH_MARK, HEADING_MARK)) or (
        not _list_kind(block) and (_is_heading(block) or _parse_story(block, 0) is not None)
    )
    return PARAGRAPH_MARK + block if forced else block


def render_section(section: SectionDraft) -> list[str]:
    """The section's lines: heading, then body blocks with the stories put back in place."""
    blocks = body_blocks(section.body)
    lines = [] if section.heading is None else [_heading_line(section.heading)]
    for i in range(len(blocks) + 1):
        last = i == len(blocks)
        for story in section.stories:
            if story.position == i or (last and story.position > i):
                lines.append(f"{story.lead} “{story.quote}”")
        lines += [] if last else [_block_line(blocks[i])]
    return lines


def render_article(draft: ArticleDraft) -> str:
    """The article as text, without a trailing newline."""
    counts = [(draft.like_count, "Like"), (draft.view_count, "View")]
    counts.append((len(draft.comments), "Comment"))
    lines = [draft.title, *render_headers(draft.headers), _date_line(draft.published_on)]
    lines += [f"- {_count_line(n, word)}" for n, word in counts]
    for section in draft.sections:
        lines += render_section(section)
    lines.append(_count_line(len(draft.comments), "Comment"))
    for comment in draft.comments:
        lines += [comment.author, escape_line(comment.body)]
    return "\n".join(lines)


def _split_lines(text: str) -> list[str]:
    """Lines of the text; rejects empty text, lone carriage returns, blank lines, no title.

    CRLF line endings read as LF and a leading byte order mark is dropped, so a file
    saved on Windows reads as the same article wherever it comes in.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise ArticleFormatError(line, "carriage return without a line feed; end lines with LF")
    if not text.strip():
        raise ArticleFormatError(1, "empty text: expected the title on line 1")
    lines = text.removesuffix("\n").split("\n")
    for number, content in enumerate(lines, 1):
        if not content.strip():
            blank = "blank line: the format has none (one block per line); remove it"
            raise ArticleFormatError(number, "no title: line 1 is blank" if number == 1 else blank)
    if lines[0].startswith("- "):
        raise ArticleFormatError(1, f'no title: expected the title, got "{lines[0]}"')
    return lines


def _meta_line(lines: list[str], index: int, expected: str) -> str:
    """The metadata line at `index` (0-based), or an error saying it is missing."""
    if index >= len(lines):
        raise ArticleFormatError(index + 1, f'expected "{expected}", got end of text')
    return lines[index]


def _parse_date(lines: list[str]) -> datetime.date:
    """Line 2: `- September 13, 2019`."""
    line = _meta_line(lines, 1, "- <Month> <D>, <YYYY>")
    match = _DATE.fullmatch(line)
    if not match or match["month"] not in MONTHS:
        expected = '"- <Month> <D>, <YYYY>" (e.g. "- September 13, 2019")'
        raise ArticleFormatError(2, f'expected {expected}, got "{line}"')
    try:
        month = MONTHS.index(match["month"]) + 1
        day = datetime.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        raise ArticleFormatError(2, f'no such date: "{line}"') from None
    if _date_line(day) != line:
        raise ArticleFormatError(2, f'expected "{_date_line(day)}", got "{line}"')
    return day


def _parse_count(line: str, word: str) -> int | None:
    """N from `N Word` or `N Words`, or None when `line` is not such a line."""
    match = _COUNT.fullmatch(line)
    if not match or match["word"] not in (word, word + "s"):
        return None
    return int(match["n"].replace(",", ""))


def _parse_meta_count(lines: list[str], index: int, word: str) -> int:
    """Lines 3-5: `- 19 Likes`, `- 1 View`, `- 2,315 Comments`."""
    line = _meta_line(lines, index, f"- <N> {word}s")
    n = _parse_count(line[2:], word) if line.startswith("- ") else None
    expected = f"- <N> {word}s" if n is None else f"- {_count_line(n, word)}"
    if n is None or expected != line:
        raise ArticleFormatError(index + 1, f'expected "{expected}", got "{line}"')
    return n


def _comment_list_error(lines: list[str], n: int) -> ArticleFormatError:
    """Explain why the last 2N+1 lines are not the `N Comments` list."""
    want = _count_line(n, "Comment")
    found = [i for i in range(5, len(lines)) if _parse_count(lines[i], "Comment") is not None]
    if not found:
        where = len(lines) - 2 * n  # 1-based line of the missing header
        where = where if where > 5 else len(lines) + 1
        got = f'"{lines[where - 1]}"' if where <= len(lines) else "end of text"
        reason = f'expected the comment list "{want}" and {n} author/body line pairs, got {got}'
        return ArticleFormatError(where, reason)
    header = found[-1]
    listed, pairs = _parse_count(lines[header], "Comment"), len(lines) - header - 1
    if listed != n:
        reason = f'line 5 says "- {want}" but the list says "{lines[header]}"'
    elif pairs % 2:
        return ArticleFormatError(len(lines), f'comment author "{lines[-1]}" has no body line')
    elif pairs // 2 == n:
        return ArticleFormatError(header + 1, f'expected "{want}", got "{lines[header]}"')
    else:
        reason = f'"{lines[header]}" but {pairs // 2} comments are listed'
    return ArticleFormatError(header + 1, f"comment count mismatch: {reason}")


def _parse_comments(lines: list[str], n: int) -> tuple[int, tuple[CommentDraft, ...]]:
    """Index of the comment list header, and the comments after it."""
    header = len(lines) - 2 * n - 1
    if header < 5 or lines[header] != _count_line(n, "Comment"):
        raise _comment_list_error(lines, n)
    pairs = lines[header + 1 :]
    return header, tuple(map(CommentDraft, pairs[::2], map(unescape_line, pairs[1::2])))


def _is_heading(line: str) -> bool:
    """A short line that does not read as a sentence (ending in `?` when very short)."""
    if _list_kind(line):
        return False
    core = line
    while core and unicodedata.category(core[-1])[0] in "SZCM":  # emoji, spaces, marks
        core = core[:-1]
    if not core or core[0].islower() or core[-1] in _SENTENCE_END:
        return False
    words = len(core.split())
    if core[-1] in "?？":
        return words <= 8 and len(core) <= 60
    return words <= 12 and len(core) <= 90


def _name(text: str) -> bool:
    """Whether `text` reads as a person's name (`Sarah`, `Dr. John Krystal`, `Ana de la Cruz`)."""
    words = text.split(" ")
    plain = words[1:] if words[0] in _TITLES else words
    if not 1 <= len(plain) <= 5 or plain[0].lower() in _NOT_NAMES:
        return False
    last = len(plain) - 1
    return all(
        (0 < i < last and word in _PARTICLES) or (_NAME_WORD.fullmatch(word) and word[0].isupper())
        for i, word in enumerate(plain)
    )


def _speaks(phrase: str) -> bool:
    """Whether a phrase starts with a speech verb (`says`), maybe after an adverb (`later`)."""
    words = phrase.lower().split()
    if len(words) > 1 and (words[0].endswith("ly") or words[0] in _ADVERBS):
        words = words[1:]
    return any(words[0] in (v, v + "s", v + "d", v + "ed", v + "es") for v in _SPEECH_VERBS)


def _leading_name(text: str) -> tuple[str, str] | None:
    """Split `Sarah Jones says` into (name, rest), rest starting with a small letter."""
    words = text.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        name, rest = " ".join(words[:cut]), " ".join(words[cut:])
        if rest[:1].islower() and _name(name):
            return name, rest
    return None


def _attribution(lead: str) -> tuple[str, str | None] | None:
    """(name, descriptor) of the person a story lead names, or None.

    Shapes: `One patient, Sarah, shares:` · `Dr. Lee, a psychiatrist, explains,` ·
    `According to Dr. Lee, a psychiatrist,` · `As Tom put it,` · `Sarah Jones says:`.
    """
    parts = lead[:-1].split(", ")
    first = _PREFIX.sub("", parts[0], count=1)
    prefixed = first != parts[0]
    verb = parts[-1] if len(parts) >= 3 and parts[-1][:1].islower() else None
    if len(parts) == 2 or verb:
        if _INTRO.fullmatch(parts[0]) and parts[0][1:].islower() and _name(parts[1]):
            return parts[1], _DETERMINER.sub("", parts[0], count=1)
        titled = first.split(" ")[0] in _TITLES
        if _name(first) and (prefixed or titled or (verb and _speaks(verb))):
            return first, ", ".join(parts[1:-1] if verb else parts[1:])
    if len(parts) == 1:
        split = (first, "") if prefixed and _name(first) else _leading_name(first)
        if split and (prefixed or _speaks(split[1])):
            return split[0], None
    return None


def _story_kind(name: str, descriptor: str | None) -> str:
    """EXPERT for a titled name or an expert descriptor, else PERSONAL."""
    words = [w.rstrip(".").removesuffix("s") for w in re.findall(r"[\w.]+", descriptor or "")]
    expert = any(w.lower().endswith(role) for w in words for role in _EXPERT_ROLES)
    return "EXPERT" if expert or name.split(" ")[0] in _EXPERT_TITLES else "PERSONAL"


def _parse_story(line: str, position: int) -> StoryDraft | None:
    """The story on this line, or None when the line is not one."""
    match = _STORY.fullmatch(line)
    person = _attribution(match["lead"]) if match else None
    if not match or not person:
        return None
    kind = _story_kind(*person)
    return StoryDraft(kind, *person, match["lead"], match["quote"], position)


def _list_kind(line: str) -> str | None:
    """`-` for a bullet, `1.` for a numbered item, None for other lines."""
    match = _LIST_ITEM.match(line)
    if not match:
        return None
    return "-" if match["marker"] == "- " else "1."


def _join_blocks(blocks: list[str]) -> str:
    """Markdown body: blocks apart by a blank line, items of one list on adjacent lines."""
    body = blocks[0] if blocks else ""
    for previous, block in pairwise(blocks):
        kind = _list_kind(block)
        body += ("\n" if kind and kind == _list_kind(previous) else "\n\n") + block
    return body


def _section(heading: str | None, lines: list[str]) -> SectionDraft:
    """One section: its story lines set apart, the other lines joined into the body."""
    blocks: list[str] = []
    stories: list[StoryDraft] = []
    for line in lines:
        if line.startswith(PARAGRAPH_MARK):
            blocks.append(line.removeprefix(PARAGRAPH_MARK))
            continue
        story = None if _list_kind(line) else _parse_story(line, len(blocks))
        if story:
            stories.append(story)
        else:
            blocks.append(line)
    return SectionDraft(heading, _join_blocks(blocks), tuple(stories))


def _heading_of(line: str) -> str | None:
    """The heading this body line starts, or None when it belongs to the current section."""
    if line.startswith(HEADING_MARK):
        return line.removeprefix(HEADING_MARK)
    return line if not line.startswith(PARAGRAPH_MARK) and _is_heading(line) else None


def _parse_sections(lines: list[str]) -> tuple[SectionDraft, ...]:
    """Group body lines into sections; each heading starts one, the lead has none."""
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in lines:
        heading = _heading_of(line)
        if heading is not None:
            groups.append((heading, []))
        else:
            groups[-1][1].append(line)
    return tuple(_section(h, body) for h, body in groups if h is not None or body)


def parse_article(text: str) -> ArticleDraft:
    """Read an article; raises ArticleFormatError with the line at fault."""
    lines = _split_lines(text)
    try:
        headers, skipped = parse_headers(lines)
    except HeaderError as error:
        raise ArticleFormatError(error.index + 1, error.reason) from None
    try:
        return _parse_body([lines[0], *lines[1 + skipped :]], headers)
    except ArticleFormatError as error:
        if error.line < 2 or not skipped:
            raise
        raise ArticleFormatError(error.line + skipped, error.reason) from None


def _parse_body(lines: list[str], headers: Headers) -> ArticleDraft:
    """The article from its lines without the header lines."""
    published_on = _parse_date(lines)
    likes = _parse_meta_count(lines, 2, "Like")
    views = _parse_meta_count(lines, 3, "View")
    n = _parse_meta_count(lines, 4, "Comment")
    header, comments = _parse_comments(lines, n)
    sections = _parse_sections(lines[5:header])
    return ArticleDraft(lines[0], published_on, likes, views, sections, comments, headers)
