"""Words of a quote as the statements code compares them: normalised, stemmed, stop words out.

Quotation marks, case, punctuation and the small differences of inflection ("regroup",
"regrouped", "regrouping") are ignored, so a partial quote's words are found in a fuller one.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
STOP_WORDS = frozenset(
    """a an and are as at be been being but by for from had has have he her his i if in into is
    it its of on or our s she so that the their them then there these they this those to was we
    were which will with would you your not no do does did said says say""".split()
)
_SUFFIXES = ("ing", "ed", "es", "s")


def text_words(text: str) -> list[str]:
    """Return the words of a text in order, case-folded, with apostrophes made plain."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return [w.replace("’", "'") for w in _WORD.findall(text)]


def word_stem(word: str) -> str:
    """Return a light stem: possessive, one inflection ending and a final e removed."""
    word = word.removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def text_terms(text: str) -> list[str]:
    """Return the stems of a text's content words, in order (stop words left out)."""
    return [word_stem(w) for w in text_words(text) if w not in STOP_WORDS]
