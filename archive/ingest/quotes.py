"""Direct quotes and who said them.

Finds text in straight, curly or guillemet quotation marks in the body paragraphs, including a
quote left open at the end of a paragraph (it runs on into the next), and decides for each
whether it is a full sentence or a fragment inside one. The speaker comes from the same
sentence, in this order: an attribution after the quote ('," Pushilin said', '," said the
ministry', 'according to X'), a verb of saying before it ('X said that … "…"'), another quote
of the same sentence; a full quote with none continues the previous quote's speaker. "He" and
"she" are the person named last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.ingest.proposal import QuoteProposal
from archive.ingest.speakers import DocumentSpeakers
from archive.ingest.words import (
    ABBREVIATIONS,
    DETERMINERS,
    NP_CONNECTORS,
    PRONOUNS,
    SPEECH_VERBS,
    VERB_FILLERS,
    Token,
    is_org_word,
    is_title,
    tokenise,
)

_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“", "‘": "’"}
# ’ is also the apostrophe (the ministry’s): a single quote closes only before a non-letter.
_SINGLE_CLOSE = re.compile(r"’(?![^\W\d_])")
_SCARE_QUOTE_WORDS = 4


@dataclass
class Span:
    open: int  # index of the opening mark
    start: int  # first character inside
    end: int  # one past the last character inside
    close: int | None  # index of the closing mark, None if the quote runs on


def quote_spans(paragraph: str) -> list[Span]:
    """Return the quotations of a paragraph, in order; the last may be left open."""
    spans: list[Span] = []
    i = 0
    while i < len(paragraph):
        mark = paragraph[i]
        if mark in _PAIRS:
            closing = _PAIRS[mark]
            if mark == "‘":
                found = _SINGLE_CLOSE.search(paragraph, i + 1)
                j = found.start() if found else -1
            else:
                j = paragraph.find(closing, i + 1)
            if mark == "„" and j < 0:
                j = paragraph.find("”", i + 1)
            if j < 0:
                spans.append(Span(i, i + 1, len(paragraph), None))
                break
            spans.append(Span(i, i + 1, j, j))
            i = j + 1
            continue
        i += 1
    return [s for s in spans if any(ch.isalpha() for ch in paragraph[s.start : s.end])]


def _masked(paragraph: str, spans: list[Span]) -> str:
    """The paragraph with quoted words replaced by Q, so only the narration is read."""
    chars = list(paragraph)
    for span in spans:
        inner = paragraph[span.start : span.end].rstrip()
        keep_end = span.start + len(inner)
        last = keep_end - 1 if inner and inner[-1] in ".!?" else keep_end
        for k in range(span.start, last):
            chars[k] = "Q"
    return "".join(chars)


_BOUNDARY = re.compile(r"[.!?][\"”’»]?\s+(?=[A-Z\"“«\d])")


def sentence_bounds(masked: str) -> list[tuple[int, int]]:
    """Split narration into sentences, not after abbreviations such as U.K. or Sept."""
    bounds, start = [], 0
    for match in _BOUNDARY.finditer(masked):
        before = masked[start : match.start() + 1].split()
        last = before[-1] if before else ""
        word = last.rstrip('.!?"”’»').casefold()
        if last.endswith(".") and (word in ABBREVIATIONS or "." in word or len(word) == 1):
            continue
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(masked)))
    return bounds


@dataclass
class _Found:
    span: Span
    paragraph: int
    sentence: tuple[int, int]
    text: str
    partial: bool
    speaker: str | None = None
    confidence: float = 0.0


def quotes_find(paragraphs: list[str], speakers: DocumentSpeakers) -> list[QuoteProposal]:
    """Return every attributed quote in the body with its speaker's key in `speakers`."""
    found: list[_Found] = []
    previous_open = False
    previous_colon = None
    for number, paragraph in enumerate(paragraphs, start=1):
        spans = quote_spans(paragraph)
        masked = _masked(paragraph, spans)
        bounds = sentence_bounds(masked)
        _note_people(masked, number, speakers)
        local: list[_Found] = []
        for span in spans:
            sentence = next(b for b in bounds if b[0] <= span.open < b[1] or b == bounds[-1])
            text = paragraph[span.start : span.end].strip()
            left = masked[sentence[0] : span.open]
            partial = not (
                (not left.strip() or left.rstrip().endswith((":", ",")))
                and text[:1].isupper() | text[:1].isdigit()
            )
            item = _Found(span, number, sentence, text, partial)
            _attribute(item, masked, speakers)
            local.append(item)
        for item in local:
            if item.speaker is None:
                sibling = next(
                    (o for o in local if o.sentence == item.sentence and o.speaker), None
                )
                if sibling:
                    item.speaker, item.confidence = sibling.speaker, 0.7
        for k, item in enumerate(local):
            if item.speaker is None and not item.partial:
                if k > 0 and local[k - 1].speaker:
                    item.speaker, item.confidence = local[k - 1].speaker, 0.65
                elif k == 0 and (previous_open or previous_colon) and found:
                    carried = found[-1].speaker if previous_open else previous_colon
                    item.speaker, item.confidence = carried, 0.6
        found.extend(local)
        previous_open = bool(spans) and spans[-1].close is None
        previous_colon = _colon_speaker(masked, number, speakers)
    for k in range(len(found) - 2, -1, -1):
        # A quote running over paragraphs and attributed only at its end: '"…' / '"…," he said.'
        item, following = found[k], found[k + 1]
        if item.speaker is None and item.span.close is None and following.speaker:
            if following.paragraph == item.paragraph + 1:
                item.speaker, item.confidence = following.speaker, 0.6
    proposals = []
    for item in found:
        words = len(item.text.split())
        if item.speaker is None and item.partial and words <= _SCARE_QUOTE_WORDS:
            continue  # scare quotes: a term in quotation marks, not somebody's words
        proposals.append(
            QuoteProposal(
                text=item.text,
                speaker=item.speaker,
                speaker_slug=None,
                paragraph=item.paragraph,
                partial=item.partial,
                confidence=round(item.confidence if item.speaker else 0.2, 2),
                start=item.span.start,
                end=item.span.end,
            )
        )
    return proposals


def _attribute(item: _Found, masked: str, speakers: DocumentSpeakers) -> None:
    start, end = item.sentence
    span = item.span
    left = tokenise(masked[start : span.open], start)
    right_from = (span.close + 1) if span.close is not None else span.end
    right = tokenise(masked[right_from:end], right_from) if span.close is not None else []
    order = ("forward", "backward") if not item.partial else ("backward", "forward")
    for direction in order:
        tokens = right if direction == "forward" else left
        phrase = _after(right) if direction == "forward" else _before(left, masked, start)
        if phrase:
            key = speakers.resolve_phrase(
                phrase, (item.paragraph, phrase[0].start), role=_apposition(tokens, phrase)
            )
            if key:
                item.speaker = key
                pronoun = len(phrase) == 1 and phrase[0].lower in PRONOUNS
                item.confidence = 0.75 if pronoun else 0.9
                return


def _apposition(tokens: list[Token], phrase: list[Token]) -> str | None:
    """The role printed after a name between commas: 'Carlo Cacciamani, director of …,'."""
    at = next((k for k, t in enumerate(tokens) if t is phrase[-1]), None)
    if at is None or at + 1 >= len(tokens) or tokens[at + 1].text != ",":
        return None
    words = []
    for token in tokens[at + 2 : at + 14]:
        if token.text in {",", ".", ";", "(", ")"} or token.is_placeholder:
            break
        words.append(token)
    if not words or not any(is_title(t) for t in words[:4]):
        return None
    if words[0].lower in DETERMINERS:
        words = words[1:]
    return " ".join(t.word for t in words) or None


def _after(tokens: list[Token]) -> list[Token] | None:
    """The speaker in '," X said', '," said X', or '… according to X'."""
    for k, token in enumerate(tokens[:-1]):
        if token.lower == "according" and tokens[k + 1].lower == "to":
            return _according_to(tokens[k + 2 :])
    words = list(tokens)
    while words and words[0].text in {",", "—", "–"}:
        words = words[1:]
    if not words:
        return None
    if words[0].lower in SPEECH_VERBS:
        return _np_forward(words[1:])
    subject: list[Token] = []
    skipping = False
    for token in words[:16]:
        if skipping:
            # An apposition between the name and its verb: 'X, the region's president, said'.
            skipping = token.text != ","
            continue
        if token.lower in SPEECH_VERBS and subject:
            subject = _drop_fillers(subject)
            return subject if _np_shaped(subject) else None
        if token.text == "," and subject:
            named = _named_in_apposition(words, words.index(token))
            if named:
                return named
            if subject[-1].capitalised:
                skipping = True
                continue
        if token.is_placeholder or not token.text[:1].isalnum():
            return None
        if _stop_word(token):
            return None
        subject.append(token)
    return None


def _named_in_apposition(words: list[Token], comma: int) -> list[Token] | None:
    """'one resident, Maria Georgiou, told …': the name between the commas speaks."""
    inner: list[Token] = []
    for k in range(comma + 1, min(comma + 6, len(words))):
        if words[k].text == ",":
            following = words[k + 1] if k + 1 < len(words) else None
            if following is not None and following.lower in SPEECH_VERBS and len(inner) >= 2:
                return inner if all(t.capitalised for t in inner) else None
            return None
        inner.append(words[k])
    return None


def _np_shaped(tokens: list[Token]) -> bool:
    """A subject phrase: lower-case words only as modifiers of a title or organisation noun."""
    for k, token in enumerate(tokens):
        if not _np_word(token) and not _modifier(tokens, k):
            return False
    return True


def _modifier(tokens: list[Token], k: int) -> bool:
    """'transport' in "the transport ministry": a lower-case word right before a head noun."""
    following = tokens[k + 1 : k + 3]
    return not _stop_word(tokens[k]) and any(is_org_word(t) or is_title(t) for t in following)


_STOPS = frozenset(
    """that which who whom whose and but or nor was were is are be been being has have had
    when while after before as if because since than then it its their his her they we you
    i not no also there here this these those what where why how to with without by on in
    at from into over under""".split()
)


def _stop_word(token: Token) -> bool:
    return token.lower in _STOPS and not token.capitalised


def _according_to(tokens: list[Token]) -> list[Token] | None:
    """'according to X', or 'according to a statement from X'."""
    for k, token in enumerate(tokens[:5]):
        if token.lower in {"from", "by", "of"} and k > 0 and not tokens[k - 1].capitalised:
            return _np_forward(tokens[k + 1 :])
    return _np_forward(tokens)


def _np_forward(tokens: list[Token]) -> list[Token] | None:
    phrase = []
    for token in tokens:
        if token.is_placeholder or not _np_word(token):
            break
        phrase.append(token)
    if all(t.lower in DETERMINERS or t.lower in NP_CONNECTORS for t in phrase):
        return None
    return phrase


def _before(tokens: list[Token], masked: str, sentence_start: int) -> list[Token] | None:
    """The subject of the last verb of saying before the quote: 'X said that … "…"'."""
    for k, token in enumerate(tokens[:-1]):
        if token.lower == "according" and tokens[k + 1].lower == "to":
            named = _according_to(tokens[k + 2 :])
            if named:
                return named
    verb_at = None
    for k in range(len(tokens) - 1, -1, -1):
        if tokens[k].lower in SPEECH_VERBS:
            verb_at = k
            break
    if verb_at is None:
        return None
    k = verb_at - 1
    while k >= 0 and (tokens[k].lower in VERB_FILLERS or _adverb(tokens[k])):
        k -= 1
    if k >= 0 and tokens[k].text == ",":
        # 'X, director of the agency, said': step over the apposition to the name.
        opening = next(
            (j for j in range(k - 1, max(k - 14, -1), -1) if tokens[j].text == ","), None
        )
        if opening is not None and opening > 0 and tokens[opening - 1].capitalised:
            k = opening - 1
    phrase: list[Token] = []
    while k >= 0 and (_np_word(tokens[k]) or _modifier(tokens[:verb_at], k)):
        phrase.insert(0, tokens[k])
        k -= 1
    if not phrase and k >= 0 and tokens[k].lower in {"and", "but"}:
        # "X championed … and said …": the subject is the sentence's first noun phrase.
        return _np_forward(tokens)
    return phrase or None


def _np_word(token: Token) -> bool:
    """Whether a token can belong to a speaker's noun phrase."""
    if token.is_placeholder or not token.text[:1].isalnum():
        return False
    lower = token.lower
    if lower in SPEECH_VERBS:
        return False
    return (
        token.capitalised
        or lower in PRONOUNS
        or lower in DETERMINERS
        or lower in NP_CONNECTORS
        or is_title(token)
        or is_org_word(token)
        or lower in {"backed", "led", "based", "owned", "run", "separatist", "state"}
    )


def _drop_fillers(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[-1].lower in VERB_FILLERS or _adverb(tokens[-1])):
        tokens = tokens[:-1]
    return tokens


def _adverb(token: Token) -> bool:
    return token.lower.endswith("ly") and not token.capitalised and len(token.lower) > 4


def _note_people(masked: str, number: int, speakers: DocumentSpeakers) -> None:
    """Record people named with a title or as the subject of a verb, for later pronouns."""
    tokens = tokenise(masked)
    run: list[Token] = []
    for k, token in enumerate([*tokens, None]):
        if token is not None and (
            token.capitalised or (run and (token.lower == "of" or is_title(token)))
        ):
            if not token.is_placeholder:
                run.append(token)
                continue
        if run and not _after_according_to(tokens, k - len(run)):
            speakers.note_person(run, (number, run[0].start), subject=_verb_follows(tokens, k))
        run = []


def _after_according_to(tokens: list[Token], at: int) -> bool:
    before = tokens[max(0, at - 2) : at]
    return len(before) == 2 and before[0].lower == "according" and before[1].lower == "to"


def _verb_follows(tokens: list[Token], at: int) -> bool:
    for token in tokens[at : at + 4]:
        if token.lower in SPEECH_VERBS:
            return True
        if token.lower not in VERB_FILLERS and not _adverb(token):
            return False
    return False


def _colon_speaker(masked: str, number: int, speakers: DocumentSpeakers) -> str | None:
    """'X said:' closing a paragraph introduces a quote in the next one."""
    if not masked.rstrip().endswith(":"):
        return None
    tokens = tokenise(masked.rstrip()[:-1])
    phrase = _before(tokens, masked, 0) if tokens else None
    return speakers.resolve_phrase(phrase, (number, phrase[0].start)) if phrase else None
