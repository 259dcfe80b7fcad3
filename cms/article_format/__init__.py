"""The plain-text article format: parse and render, pure (it imports nothing of the CMS)."""

from cms.article_format.article import (
    ArticleDraft,
    ArticleFormatError,
    CommentDraft,
    SectionDraft,
    StoryDraft,
    body_blocks,
    parse_article,
    render_article,
    render_section,
)
from cms.article_format.headers import Headers

__all__ = [
    "ArticleDraft",
    "ArticleFormatError",
    "CommentDraft",
    "Headers",
    "SectionDraft",
    "StoryDraft",
    "body_blocks",
    "parse_article",
    "render_article",
    "render_section",
]
