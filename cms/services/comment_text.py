"""What the moderation rules read of a comment: folded text, a fingerprint, its links.

Readers see the rendered HTML, so the rules read what it shows: links are counted in
it (`[x][1]` references, `<autolinks>` and `//host` links included), and words are
compared after folding away what makes two texts look alike but differ in code
points: entities, compatibility forms (fullwidth letters), invisible characters
(zero-width space, soft hyphen), accents, Cyrillic and Greek lookalikes, case,
markup inside words (`cas**ino**`), runs of spaced letters (`c a s i n o`) and
spacing.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable

# Cyrillic and Greek letters drawn like Latin ones (lowercase: text is case-folded first).
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "ѕ": "s", "т": "t",
        "у": "y", "х": "x", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l",
        # Greek
        "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
        # Latin letters without a dot or with a hook, drawn like plain ones
        "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i",
    }
)  # fmt: skip
# Characters that style a word without separating it (Markdown emphasis, code, escapes).
_MARKUP = re.compile(r"[*_~`\\]|</?[a-z][^>]*>")
_DROPPED = frozenset({"Mn", "Cf"})
_WORD = re.compile(r"[^\W_]+")
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|li|ul|ol|h[1-6]|blockquote|pre|table|thead|tbody|tr|th|td)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")
_ANCHOR = re.compile(r"<a\b[^>]*>.*?</a>", re.DOTALL)
# Bare addresses in what readers see; links are counted as rendered.
_ADDRESS = re.compile(r"(?<![\w/:])(?:https?://|//[\w-]+\.[\w.-]|www\.|mailto:)", re.IGNORECASE)


def _unescaped(text: str) -> str:
    # Entities encoded twice (`&amp;#105;`) are undone too, a few levels at most.
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _words(text: str) -> list[str]:
    """Words of the folded text, runs of three or more single letters joined into one."""
    words: list[str] = []
    run: list[str] = []
    for word in [*_WORD.findall(text), ""]:
        if len(word) == 1:
            run.append(word)
            continue
        words += ["".join(run)] if len(run) >= 3 else run
        run = []
        if word:
            words.append(word)
    return words


def folded(text: str) -> str:
    """The text as the rules compare it: lowercase Latin words separated by one space."""
    text = unicodedata.normalize("NFKC", _unescaped(text))
    # Decomposed, accents (Mn) and invisible formatting characters (Cf) drop out.
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) not in _DROPPED
    )
    text = _MARKUP.sub("", text.casefold().translate(_LOOKALIKES))
    return " ".join(_words(text))


def visible_text(rendered_html: str) -> str:
    """The text readers see in rendered HTML."""
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", rendered_html)))


def link_count(rendered_html: str) -> int:
    """Links as rendered, plus bare addresses in the text readers can copy."""
    anchors = rendered_html.count("<a ")
    outside = visible_text(_ANCHOR.sub(" ", rendered_html))
    return anchors + len(_ADDRESS.findall(outside))


def has_blocked_word(texts: Iterable[str], blocklist: Iterable[str]) -> bool:
    """A blocklisted word or phrase anywhere in the folded texts (also inside words)."""
    wanted = [f for f in (folded(word) for word in blocklist) if f]
    if not wanted:
        return False
    # Padded, so a phrase cannot match across the boundary of two texts.
    haystack = "\n".join(folded(text) for text in texts)
    return any(word in haystack for word in wanted)


def fingerprint(body: str) -> str:
    """Equal for bodies that read the same (case, punctuation, spacing, lookalikes)."""
    key = folded(body) or unicodedata.normalize("NFKC", body).strip()
    return hashlib.sha256(key.encode()).hexdigest()
