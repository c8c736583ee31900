"""Pick the sentences of a matched document that explain the match."""

from __future__ import annotations

import re
from collections.abc import Mapping

from nytte.similarity.analysis import CONCEPT_PREFIX, Analyzer, detect_language, normalise
from nytte.similarity.documents import Passage
from nytte.similarity.lexicon import STOP_WORDS

# A sentence ends at . ! ? or a line break; keeps its span in the original text.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD = re.compile(r"[^\W_]+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, whitespace trimmed."""
    spans = []
    for m in _SENTENCE.finditer(text):
        chunk = m.group()
        stripped = chunk.strip()
        if not stripped or not _WORD.search(stripped):
            continue
        start = m.start() + (len(chunk) - len(chunk.lstrip()))
        spans.append((start, start + len(stripped)))
    return spans


def _content_words(words: list[str]) -> list[str]:
    return [w for w in words if normalise(w) not in STOP_WORDS and len(w) > 1]


def best_passages(
    text: str,
    query_terms: Mapping[str, float],
    analyzer: Analyzer,
    limit: int = 2,
) -> tuple[Passage, ...]:
    """The ``limit`` sentences with the highest weight of query terms, best first.

    ``query_terms`` maps index terms to their weight in the query (idf-weighted
    by the caller). A term counts once per sentence; concept terms count but
    the highlighted words are those that carried any matching term.
    """
    lang = detect_language(normalise(w) for w in _WORD.findall(text))
    scored: list[tuple[float, int, Passage]] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        seen: dict[str, float] = {}
        words: list[str] = []
        for token in analyzer.tokens(sentence, lang):
            hit = False
            for term, _weight in token.terms:
                qw = query_terms.get(term)
                if qw is None:
                    continue
                hit = True
                if term.startswith(CONCEPT_PREFIX):
                    qw *= 0.5  # a synonym explains less than the same word
                seen[term] = max(seen.get(term, 0.0), qw)
            if not hit:
                continue
            # A theme phrase ("gikk bort") is shown as its words, so callers can
            # mark them one by one; its stop words ("på vent") are not marked.
            parts = _WORD.findall(token.surface)
            for word in parts if len(parts) == 1 else _content_words(parts):
                if word not in words:
                    words.append(word)
        if seen:
            score = sum(seen.values())
            scored.append((score, start, Passage(sentence, start, end, tuple(words))))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(p for _, _, p in scored[:limit])
