"""What the demo article in cms/seeds/ holds, for the tests that check it lands whole."""

from pathlib import Path

SEED_PATH = Path(__file__).parents[1] / "cms" / "seeds" / "ketamine-therapy.txt"
SEED_SLUG = "ketamine-therapy-can-change-your-life-work-with-a-therapist-today"
SEED_TITLE = "Ketamine Therapy Can Change Your Life: Work With a Therapist Today"
SEED_HEADINGS = [
    None,
    "The Science Behind Ketamine Therapy",
    "The Process of Ketamine Therapy",
    "Benefits of Ketamine Therapy",
    "Addressing the Stigma",
    "Personal Stories of Transformation",
    "Conclusion",
]


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


# The demo article and the articles written for the parser's tests.
ALL_ARTICLES = [SEED_PATH, *sorted((Path(__file__).parent / "ingest" / "articles").glob("*.txt"))]
