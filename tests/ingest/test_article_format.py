"""Tests for the plain-text article reader and writer."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from cms.article_format import (
    ArticleDraft,
    ArticleFormatError,
    CommentDraft,
    Headers,
    SectionDraft,
    StoryDraft,
    body_blocks,
    parse_article,
    render_article,
)
from tests.seed_article import SEED_HEADINGS, SEED_PATH

ARTICLES = Path(__file__).parent / "articles"
# The demo article of seeds/ and the test articles written for the parser.
ARTICLE_FILES = [SEED_PATH, *sorted(ARTICLES.glob("*.txt"))]

HEADER = ["Title", "- September 13, 2019", "- 19 Likes", "- 430 Views"]


def read(name: str) -> str:
    """The text of a test article (the demo article by its file name)."""
    folder = SEED_PATH.parent if name == SEED_PATH.name else ARTICLES
    return (folder / name).read_text(encoding="utf-8")


def article(*body: str) -> ArticleDraft:
    """Parse a minimal article with these body lines and no comments."""
    return parse_article("\n".join([*HEADER, "- 0 Comments", *body, "0 Comments"]))


def story_of(line: str) -> StoryDraft | None:
    """The story parsed from one lead-section line, or None when it stayed a paragraph."""
    (section,) = article(line).sections
    return section.stories[0] if section.stories else None


def error_of(text: str) -> tuple[int, str]:
    """(line, reason) of the ArticleFormatError that parsing `text` raises."""
    with pytest.raises(ArticleFormatError) as caught:
        parse_article(text)
    return caught.value.line, caught.value.reason


# ------------------------------------------------------------------ round trip


def test_there_are_enough_test_articles() -> None:
    assert len(ARTICLE_FILES) >= 7
    seed = read("ketamine-therapy.txt")
    assert not seed.endswith("\n")
    assert all(mark in seed for mark in "“”’—")


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=lambda p: p.name)
def test_round_trip(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert render_article(parse_article(text)) == text.removesuffix("\n")


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=lambda p: p.name)
def test_trailing_newline_is_optional(path: Path) -> None:
    text = path.read_text(encoding="utf-8").removesuffix("\n")
    assert parse_article(text + "\n") == parse_article(text)
    assert not render_article(parse_article(text)).endswith("\n")


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=lambda p: p.name)
def test_render_then_parse_is_stable(path: Path) -> None:
    draft = parse_article(path.read_text(encoding="utf-8"))
    assert parse_article(render_article(draft)) == draft


# ------------------------------------------------------------------ the seed article


def test_seed_metadata_and_comments() -> None:
    draft = parse_article(read("ketamine-therapy.txt"))
    assert draft.title == "Ketamine Therapy Can Change Your Life: Work With a Therapist Today"
    assert draft.published_on == datetime.date(2019, 9, 13)
    assert (draft.like_count, draft.view_count) == (19, 430)
    assert draft.comments == (
        CommentDraft("Ava Nguyen", "mantap"),
        CommentDraft("Ava Nguyen", "oke"),
        CommentDraft("Ava Nguyen", "uuuu"),
    )


def test_seed_sections() -> None:
    sections = parse_article(read("ketamine-therapy.txt")).sections
    assert [s.heading for s in sections] == SEED_HEADINGS
    assert [len(body_blocks(s.body)) for s in sections] == [1, 2, 2, 5, 2, 1, 4]
    assert [len(s.stories) for s in sections] == [0, 1, 0, 0, 0, 1, 0]
    assert sections[0].body.startswith("In the quest for effective mental health treatments,")
    assert sections[6].body.endswith("discover the potential of this groundbreaking therapy today.")


def test_seed_benefits_list() -> None:
    benefits = parse_article(read("ketamine-therapy.txt")).sections[3]
    intro, *items = body_blocks(benefits.body)
    assert intro == (
        "The potential benefits of ketamine therapy extend beyond its rapid action. "
        "Here are some key advantages:"
    )
    assert [item.split(":")[0] for item in items] == [
        "- Rapid Relief",
        "- Effectiveness for Treatment-Resistant Conditions",
        "- Reduction in Suicidal Thoughts",
        "- Minimal Side Effects",
    ]
    assert benefits.body == intro + "\n\n" + "\n".join(items)


def test_seed_stories() -> None:
    sections = parse_article(read("ketamine-therapy.txt")).sections
    assert sections[1].stories == (
        StoryDraft(
            kind="EXPERT",
            name="Dr. John Krystal",
            descriptor="a leading researcher in ketamine therapy",
            lead="Dr. John Krystal, a leading researcher in ketamine therapy, explains,",
            quote="Ketamine is not just another antidepressant. It’s a whole new approach to "
            "treating depression and other mood disorders.",
            position=2,
        ),
    )
    (sarah,) = sections[5].stories
    assert (sarah.kind, sarah.name, sarah.descriptor, sarah.position) == (
        "PERSONAL",
        "Sarah",
        "patient",
        1,
    )
    assert sarah.lead == "One patient, Sarah, shares her journey:"
    assert sarah.quote.startswith("I had tried everything—medications, therapy")
    assert sarah.quote.endswith("It gave me back my life.")
    assert "Sarah" not in sections[5].body


# ------------------------------------------------------------------ other articles


def test_singular_counts_numbered_lists_and_question_headings() -> None:
    draft = parse_article(read("sourdough-starter.txt"))
    assert (draft.like_count, draft.view_count) == (1, 1)
    assert draft.comments == (CommentDraft("Marco", "Thanks, mine came back to life!"),)
    assert [s.heading for s in draft.sections] == [
        None,
        "What Is a Starter?",
        "Feeding Your Starter",
        "Daily Routine",
        "Is It Dead?",
        "Final Tips",
    ]
    empty = draft.sections[2]
    assert (empty.body, empty.stories) == ("", ())
    assert draft.sections[3].body == (
        "Once the starter is established, a simple daily routine keeps it healthy:\n\n"
        "1. Discard all but 50 grams of the starter.\n"
        "2. Add 50 grams of flour and 50 grams of lukewarm water.\n"
        "3. Stir well, cover loosely, and leave it at room temperature."
    )
    (lena,) = draft.sections[4].stories
    assert (lena.kind, lena.name, lena.descriptor, lena.position) == (
        "PERSONAL",
        "Lena Fischer",
        "a baker in Hamburg",
        3,
    )


def test_thousands_and_several_stories() -> None:
    draft = parse_article(read("city-cycling.txt"))
    assert (draft.like_count, draft.view_count, len(draft.comments)) == (2315, 12480, 4)
    people = [
        [(s.kind, s.name, s.descriptor, s.position) for s in section.stories]
        for section in draft.sections
    ]
    assert people == [
        [("PERSONAL", "Maria", "a veteran from Ohio", 1), ("PERSONAL", "Tom", None, 1)],
        [
            ("EXPERT", "Prof. Hannah Okafor", "an epidemiologist at the University of Leeds", 1),
            ("EXPERT", "Dr. Samuel Reyes", "who studies urban air quality", 2),
        ],
        [("PERSONAL", "Priya Shah", "commuter", 4), ("PERSONAL", "Jonas", "rider", 4)],
        [],
    ]
    assert draft.sections[0].stories[1].lead == "As Tom put it,"
    assert len(body_blocks(draft.sections[1].body)) == 2


def test_zero_comments() -> None:
    text = read("quiet-hours.txt")
    assert text.endswith("\n0 Comments\n")
    draft = parse_article(text)
    assert (draft.like_count, draft.comments) == (0, ())
    assert render_article(draft) == text.removesuffix("\n")
    assert all(not s.stories for s in draft.sections)  # "A product manager … told us:" names no one


def test_non_english_with_emoji() -> None:
    draft = parse_article(read("huerto-urbano.txt"))
    assert draft.title == "Cómo empezar un huerto urbano en el balcón 🌱"
    assert [s.heading for s in draft.sections] == [
        None,
        "¿Qué necesito?",
        "Luz y riego ☀️",
        "Lo que aprendí 💚",
    ]
    assert [(s.kind, s.name, s.descriptor) for s in draft.sections[2].stories] == [
        ("EXPERT", "Dr. Ana Ruiz", "agrónoma de la Universidad de Valencia"),
        ("PERSONAL", "Carmen", "vecina"),
    ]
    assert draft.comments[0] == CommentDraft("José", "¡Qué buena idea! 👏")


def test_article_without_lead_section() -> None:
    draft = parse_article(read("kyoto-breakfast.txt"))
    assert [s.heading for s in draft.sections] == ["おすすめの店", "旅のヒント ✨"]
    assert draft.sections[0].body == (
        "京都には、朝早くから開いている小さな食堂がたくさんあります。\n\n"
        "- 湯豆腐の定食\n- 焼き魚と味噌汁\n- 季節の漬物"
    )


def test_lookalike_stories_stay_paragraphs_and_lists_are_kept_apart() -> None:
    draft = parse_article(read("city-stargazing.txt"))
    assert all(not s.stories for s in draft.sections)
    assert [s.heading for s in draft.sections] == [
        None,
        "What You Can Still See",
        "Five Easy Targets",
        "Useful Apps and Maps",
    ]
    assert body_blocks(draft.sections[0].body)[1] == "Short answer: yes."
    targets = draft.sections[2].body.split("\n\n")
    assert (
        targets[0] == "- Jupiter and its four largest moons\n- Saturn’s rings\n- The Orion Nebula"
    )
    assert targets[1].startswith("1. Find a dark corner of a park.\n2. ")
    assert len(targets) == 4


# ------------------------------------------------------------------ heuristics


@pytest.mark.parametrize(
    ("line", "is_heading"),
    [
        ("Is It Safe?", True),
        ("The Science Behind Ketamine Therapy", True),
        ("Mi viaje 🌿", True),
        ("2019 in Review", True),
        ("What Are the Long Term Risks of Taking This Treatment Every Week?", False),
        ("Short answer: yes.", False),
        ("It works.", False),
        ("Results (2019)", False),
        ("Here are the steps:", False),
        ("First, second, third,", False),
        ("They called it “the cure”", False),
        ("¡Me cambió la vida! 💚", False),
        ("and then it stopped", False),
        ("- Rapid Relief", False),
        ("1. Rapid Relief", False),
        ("This line has far too many words to be a heading of any kind at all", False),
    ],
)
def test_heading_heuristic(line: str, is_heading: bool) -> None:
    sections = article("A lead paragraph.", line, "A paragraph.").sections
    assert [s.heading for s in sections] == ([None, line] if is_heading else [None])


@pytest.mark.parametrize(
    ("lead", "kind", "name", "descriptor"),
    [
        ("One patient, Sarah, shares her journey:", "PERSONAL", "Sarah", "patient"),
        (
            "Dr. John Krystal, a leading researcher in ketamine therapy, explains,",
            "EXPERT",
            "Dr. John Krystal",
            "a leading researcher in ketamine therapy",
        ),
        ("Maria, a veteran from Ohio, says:", "PERSONAL", "Maria", "a veteran from Ohio"),
        ("As Tom put it,", "PERSONAL", "Tom", None),
        ("According to Dr. Lee, a psychiatrist,", "EXPERT", "Dr. Lee", "a psychiatrist"),
        ("Sarah Jones says:", "PERSONAL", "Sarah Jones", None),
        ("Prof. Kim said:", "EXPERT", "Prof. Kim", None),
        ("Mark, a family therapist, says:", "EXPERT", "Mark", "a family therapist"),
        (
            "Jane Doe, a clinical psychologist, later recalled:",
            "EXPERT",
            "Jane Doe",
            "a clinical psychologist",
        ),
        (
            "Ana de la Cruz, a nurse in Madrid, Spain, says:",
            "PERSONAL",
            "Ana de la Cruz",
            "a nurse in Madrid, Spain",
        ),
        ("One of our readers, Priya, wrote in:", "PERSONAL", "Priya", "readers"),
        ("A longtime nurse, Maria Lopez, remembers:", "PERSONAL", "Maria Lopez", "longtime nurse"),
    ],
)
def test_story_attribution(lead: str, kind: str, name: str, descriptor: str | None) -> None:
    story = story_of(f"{lead} “It helped.”")
    assert story is not None
    assert (story.kind, story.name, story.descriptor) == (kind, name, descriptor)
    assert (story.lead, story.quote, story.position) == (lead, "It helped.", 0)


@pytest.mark.parametrize(
    "line",
    [
        "Experts say: “Start slowly.”",
        "He told me: “Start slowly.”",
        "The study concludes: “Start slowly.”",
        "A product manager told us: “Start slowly.”",
        "Ketamine users report: “Start slowly.”",
        "Ketamine, a dissociative anesthetic, was described as: “a reset button.”",
        "Sarah says “Start slowly.”",
        "Sarah says: “Start slowly.” Then she left.",
        "Sarah says: “Start slowly” and “Stop early.”",
        "“Start slowly,” says Sarah.",
        'Sarah says: "Start slowly."',
    ],
)
def test_lines_that_name_no_one_stay_paragraphs(line: str) -> None:
    assert story_of(line) is None
    assert article("A lead paragraph.", line).sections[0].body == "A lead paragraph.\n\n" + line


def test_story_positions_count_body_blocks_before_them() -> None:
    (section,) = article(
        "Sarah says: “One.”",
        "First paragraph.",
        "Tom says: “Two.”",
        "Ana says: “Three.”",
        "Second paragraph.",
        "Ben says: “Four.”",
    ).sections
    assert [(s.name, s.position) for s in section.stories] == [
        ("Sarah", 0),
        ("Tom", 1),
        ("Ana", 1),
        ("Ben", 2),
    ]
    assert section.body == "First paragraph.\n\nSecond paragraph."


def test_list_items_split_by_a_story_stay_one_list() -> None:
    (section,) = article("- one", "Sarah says: “Hi.”", "- two").sections
    assert section.body == "- one\n- two"
    assert section.stories[0].position == 1


# ------------------------------------------------------------------ rendering


def test_render_from_drafts() -> None:
    story = StoryDraft("PERSONAL", "Sarah", None, "Sarah says:", "Hi.", 7)
    draft = ArticleDraft(
        title="T",
        published_on=datetime.date(2024, 3, 5),
        like_count=1,
        view_count=1_234_567,
        sections=(
            SectionDraft(None, "Lead.", ()),
            SectionDraft("H", "- a\n- b\n\nEnd.", (story,)),
        ),
        comments=(CommentDraft("A", "hi"),),
    )
    assert render_article(draft) == "\n".join(
        [
            "T",
            "- March 5, 2024",
            "- 1 Like",
            "- 1,234,567 Views",
            "- 1 Comment",
            "Lead.",
            "H",
            "- a",
            "- b",
            "End.",
            "Sarah says: “Hi.”",  # a position past the end puts the story last
            "1 Comment",
            "A",
            "hi",
        ]
    )


def test_body_blocks() -> None:
    assert body_blocks("") == []
    assert body_blocks("A.\n\n- a\n- b\n\n1. c") == ["A.", "- a", "- b", "1. c"]


# ------------------------------------------------------------------ rejections

VALID = "\n".join(
    [*HEADER, "- 2 Comments", "Intro paragraph.", "2 Comments", "Ava", "mantap", "Ben", "oke"]
)


def with_line(number: int, line: str | None) -> str:
    """VALID with line `number` (1-based) replaced, or removed when `line` is None."""
    lines = VALID.split("\n")
    lines[number - 1 : number] = [] if line is None else [line]
    return "\n".join(lines)


def test_valid_base_parses() -> None:
    assert len(parse_article(VALID).comments) == 2


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "empty text: expected the title on line 1"),
        ("\n", 1, "empty text: expected the title on line 1"),
        (" \n" + VALID, 1, "no title: line 1 is blank"),
        (
            VALID.split("\n", 1)[1],
            1,
            'no title: expected the title, got "- September 13, 2019"',
        ),
        ("Title", 2, 'expected "- <Month> <D>, <YYYY>", got end of text'),
        (
            with_line(2, "- 13 September 2019"),
            2,
            'expected "- <Month> <D>, <YYYY>" (e.g. "- September 13, 2019"), '
            'got "- 13 September 2019"',
        ),
        (
            with_line(2, "- Septembre 13, 2019"),
            2,
            'expected "- <Month> <D>, <YYYY>" (e.g. "- September 13, 2019"), '
            'got "- Septembre 13, 2019"',
        ),
        (with_line(2, "- February 30, 2019"), 2, 'no such date: "- February 30, 2019"'),
        (
            with_line(2, "- September 03, 2019"),
            2,
            'expected "- September 3, 2019", got "- September 03, 2019"',
        ),
        ("\n".join(HEADER[:2]), 3, 'expected "- <N> Likes", got end of text'),
        (with_line(3, "- 19 Lykes"), 3, 'expected "- <N> Likes", got "- 19 Lykes"'),
        (with_line(3, "- 1 Likes"), 3, 'expected "- 1 Like", got "- 1 Likes"'),
        (with_line(3, "- 2315 Likes"), 3, 'expected "- 2,315 Likes", got "- 2315 Likes"'),
        (with_line(3, "- 2,31 Likes"), 3, 'expected "- <N> Likes", got "- 2,31 Likes"'),
        ("\n".join(HEADER[:3]), 4, 'expected "- <N> Views", got end of text'),
        (with_line(4, "430 Views"), 4, 'expected "- <N> Views", got "430 Views"'),
        ("\n".join(HEADER), 5, 'expected "- <N> Comments", got end of text'),
        (with_line(5, "- two Comments"), 5, 'expected "- <N> Comments", got "- two Comments"'),
        (
            with_line(5, "- 3 Comments"),
            7,
            'comment count mismatch: line 5 says "- 3 Comments" but the list says "2 Comments"',
        ),
        (
            with_line(7, "3 Comments").replace("- 2 Comments", "- 3 Comments"),
            7,
            'comment count mismatch: "3 Comments" but 2 comments are listed',
        ),
        (
            VALID + "\nCara\nuuuu",
            7,
            'comment count mismatch: "2 Comments" but 3 comments are listed',
        ),
        (with_line(11, None), 10, 'comment author "Ben" has no body line'),
        (
            with_line(7, None),
            6,
            'expected the comment list "2 Comments" and 2 author/body line pairs, '
            'got "Intro paragraph."',
        ),
        (
            "\n".join([*HEADER, "- 0 Comments", "Intro paragraph."]),
            6,
            'expected the comment list "0 Comments" and 0 author/body line pairs, '
            'got "Intro paragraph."',
        ),
        (
            "\n".join([*HEADER, "- 5 Comments", "Intro paragraph."]),
            7,
            'expected the comment list "5 Comments" and 5 author/body line pairs, got end of text',
        ),
        (
            "\n".join([*HEADER, "- 1 Comment", "1 Comments", "Ava", "mantap"]),
            6,
            'expected "1 Comment", got "1 Comments"',
        ),
        (
            with_line(6, "Intro paragraph.\n"),
            7,
            "blank line: the format has none (one block per line); remove it",
        ),
        (VALID + "\n\n", 12, "blank line: the format has none (one block per line); remove it"),
        (with_line(9, "   "), 9, "blank line: the format has none (one block per line); remove it"),
        (
            with_line(3, "- 19 Likes\r- 430 Views"),
            3,
            "carriage return without a line feed; end lines with LF",
        ),
    ],
)
def test_rejections(text: str, line: int, reason: str) -> None:
    assert error_of(text) == (line, reason)


def test_error_message_and_type() -> None:
    error = ArticleFormatError(3, 'expected "- <N> Likes", got "- 19 Lykes"')
    assert isinstance(error, ValueError)
    assert (error.line, error.reason) == (3, 'expected "- <N> Likes", got "- 19 Lykes"')
    assert str(error) == 'line 3: expected "- <N> Likes", got "- 19 Lykes"'


# ------------------------------------------------------------------ line endings


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=lambda p: p.name)
def test_windows_line_endings_and_a_byte_order_mark_read_as_the_same_article(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    windows = "\ufeff" + text.replace("\n", "\r\n")

    assert parse_article(windows) == parse_article(text)
    assert render_article(parse_article(windows)) == text.removesuffix("\n")


# ------------------------------------------------------------------ header lines

WITH_HEADERS = "\n".join(
    [
        "Title",
        "- Slug: kept-from-before",
        "- Status: Draft",
        "- Tags: health, therapy",
        "- Excerpt: Two lines,\\nthe second after a newline; a backslash: \\\\.",
        *HEADER[1:],
        "- 0 Comments",
        "Intro paragraph.",
        "0 Comments",
    ]
)


def test_header_lines_say_what_a_post_has_beyond_its_text() -> None:
    draft = parse_article(WITH_HEADERS)

    assert draft.headers == Headers(
        slug="kept-from-before",
        status="DRAFT",
        tags=("health", "therapy"),
        excerpt="Two lines,\nthe second after a newline; a backslash: \\.",
    )
    assert (draft.title, draft.like_count, draft.sections[0].body) == (
        "Title",
        19,
        "Intro paragraph.",
    )
    assert render_article(draft) == WITH_HEADERS


def test_an_article_without_header_lines_has_the_default_headers() -> None:
    assert parse_article(VALID).headers == Headers()


@pytest.mark.parametrize(
    ("line", "number", "reason"),
    [
        (
            "- Status: Gone",
            2,
            '"- Status: Gone": the status is one of Draft, Scheduled, Archived, Published',
        ),
        ("- Tags: a,,b", 2, '"- Tags: a,,b": an empty tag between commas'),
    ],
)
def test_a_bad_header_line_fails_with_its_line(line: str, number: int, reason: str) -> None:
    assert error_of(VALID.replace("Title\n", f"Title\n{line}\n", 1)) == (number, reason)


def test_header_lines_out_of_order_or_unknown_fail_with_their_line() -> None:
    swapped = VALID.replace("Title\n", "Title\n- Tags: a\n- Slug: b\n", 1)
    unknown = VALID.replace("Title\n", "Title\n- Slug: b\n- Colour: red\n", 1)

    assert error_of(swapped) == (
        3,
        '"- Slug:" out of place: header lines come once, Slug, Status, Tags, Excerpt',
    )
    assert error_of(unknown) == (
        3,
        'unknown header "- Colour:"; expected Slug, Status, Tags, Excerpt',
    )


def test_errors_after_header_lines_name_the_line_in_the_file() -> None:
    text = with_line(3, "- 19 Lykes").replace("Title\n", "Title\n- Slug: b\n", 1)

    assert error_of(text)[0] == 4


# ------------------------------------------------------------------ forcing a reading


def test_a_backslash_keeps_a_line_a_paragraph_and_a_hash_makes_it_a_heading() -> None:
    draft = article(
        "Intro paragraph.",
        "\\Thanks for reading",
        "\\Dr. Lee, a psychiatrist, explains, “This stays a paragraph.”",
        "# Is this a heading, really.",
        "Body.",
    )

    lead, headed = draft.sections
    assert (lead.heading, lead.stories) == (None, ())
    assert body_blocks(lead.body) == [
        "Intro paragraph.",
        "Thanks for reading",
        "Dr. Lee, a psychiatrist, explains, “This stays a paragraph.”",
    ]
    assert (headed.heading, headed.body) == ("Is this a heading, really.", "Body.")


def test_rendering_marks_the_lines_that_would_read_otherwise() -> None:
    draft = ArticleDraft(
        "Title",
        datetime.date(2019, 9, 13),
        19,
        430,
        (
            SectionDraft(None, "Lead.\n\nThanks for reading\n\n\\back", ()),
            SectionDraft("lower case heading.", "Body.", ()),
        ),
        (CommentDraft("Ava", "First line\nsecond line"),),
    )

    text = render_article(draft)

    assert text.split("\n")[5:] == [
        "Lead.",
        "\\Thanks for reading",
        "\\\\back",
        "# lower case heading.",
        "Body.",
        "1 Comment",
        "Ava",
        "First line\\nsecond line",
    ]
    assert parse_article(text) == draft
