"""A word-level diff of one outlet's version of a statement against the fullest version.

Words are compared ignoring case, quotation marks and punctuation around them, so "regroup"
matches "regroup," and “To” matches "to"; what is shown keeps each version's own printing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from archive.statements.text import word_stem

SAME, ADDED, DROPPED = "same", "added", "dropped"


@dataclass(frozen=True)
class DiffWord:
    """A run of words: in both versions, only in this one (added), or only in the fullest."""

    kind: str
    text: str


def _key(token: str) -> str:
    word = "".join(ch for ch in token.casefold() if ch.isalnum() or ch in "'’").replace("’", "'")
    return word_stem(word)


def words_diff(version: str, fullest: str) -> list[DiffWord]:
    """Return a version's words against the fullest one: kept, added, and the fullest's dropped.

    A partial quote shows the words of the fullest version around it as dropped, so a reader
    sees at once which part of the whole each outlet printed.
    """
    mine, theirs = version.split(), fullest.split()
    matcher = difflib.SequenceMatcher(
        a=[_key(t) for t in theirs], b=[_key(t) for t in mine], autojunk=False
    )
    runs: list[DiffWord] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(DiffWord(SAME, " ".join(mine[b1:b2])))
            continue
        if a2 > a1:
            runs.append(DiffWord(DROPPED, " ".join(theirs[a1:a2])))
        if b2 > b1:
            runs.append(DiffWord(ADDED, " ".join(mine[b1:b2])))
    return runs
