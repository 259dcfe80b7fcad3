"""Which user agents are crawlers: crawlerdetect's maintained patterns, answers remembered.

Matching one user agent against the patterns takes about half a millisecond, and the
same few user agents come back all day, so answers are kept (bounded).
"""

from __future__ import annotations

from functools import lru_cache

from crawlerdetect import CrawlerDetect

# Longer user agents are cut before matching, which bounds its cost (real ones are shorter).
MAX_USER_AGENT = 512
_DETECT = CrawlerDetect()


def is_bot(user_agent: str | None) -> bool:
    """Whether the user agent names a crawler, spider or tool; None (unknown) is not one."""
    if not user_agent:
        return False
    return _is_bot(user_agent[:MAX_USER_AGENT])


@lru_cache(maxsize=4096)
def _is_bot(user_agent: str) -> bool:
    return bool(_DETECT.isCrawler(user_agent))
