"""Data-driven compound splitting for Norwegian.

Norwegian writes compounds as one word ("gjeldsordning", "innkrevingsløsning"),
so two texts about the same thing often share only the parts. The splitter
learns which stems exist from the corpus itself plus a small base lexicon and
splits a word where every part is a known stem, choosing the split with the
highest geometric mean of part frequencies (after Koehn & Knight, 2003). It
never guesses parts it has not seen, which keeps false splits rare.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable

from nytte.similarity.lexicon import BASE_LEXICON, STOP_WORDS

#: Linking letters between compound parts: arbeid-s-ledig, barn-e-hage.
_LINKERS: tuple[str, ...] = ("s", "e")


class CompoundSplitter:
    """Split words into known stems; the vocabulary is a frozen snapshot.

    The snapshot only changes through :meth:`learn`, so results are
    deterministic for a given vocabulary and can be cached by the analyzer.
    """

    def __init__(
        self,
        stem: Callable[[str], str],
        *,
        min_part: int = 3,
        min_count: int = 2,
        base_count: int = 3,
        max_parts: int = 3,
    ) -> None:
        self._stem = stem
        self.min_part = min_part
        self.min_count = min_count
        self.base_count = base_count
        self.max_parts = max_parts
        self._counts: Counter[str] = Counter()
        self._known: dict[str, int] = {}
        self._memo: dict[str, tuple[str, ...]] = {}
        self._parts: dict[str, tuple[str, int] | None] = {}
        self.learn(())

    @property
    def vocabulary_size(self) -> int:
        return len(self._known)

    def learn(self, words: Iterable[str], *, reset: bool = False) -> None:
        """Count corpus words (lower-cased surface forms) and refresh the snapshot."""
        stem = self._stem
        if reset:
            self._counts.clear()
        self._counts.update(stem(w) for w in words if len(w) >= self.min_part)
        known = {s: c for s, c in self._counts.items() if c >= self.min_count}
        for word in BASE_LEXICON:
            s = stem(word)
            known[s] = known.get(s, 0) + self.base_count
        self._known = known
        self._memo.clear()
        self._parts.clear()

    def is_known(self, word: str) -> bool:
        return self._stem(word) in self._known

    def split(self, word: str) -> tuple[str, ...]:
        """Return the stems of the parts of ``word``, or () if it is not a compound."""
        if len(word) < 2 * self.min_part + 1:
            return ()
        cached = self._memo.get(word)
        if cached is None:
            best = self._split(word, self.max_parts)
            cached = best[0] if best is not None else ()
            if len(self._memo) > 200_000:
                self._memo.clear()
            self._memo[word] = cached
        return cached

    def _part(self, piece: str) -> tuple[str, int] | None:
        """A single known part and its count (cached: called for every substring)."""
        hit = self._parts.get(piece, False)
        if hit is not False:
            return hit
        result: tuple[str, int] | None = None
        if len(piece) >= self.min_part and piece not in STOP_WORDS:
            s = self._stem(piece)
            count = self._known.get(s)
            if count is not None and len(s) >= self.min_part:
                result = (s, count)
        if len(self._parts) > 500_000:
            self._parts.clear()
        self._parts[piece] = result
        return result

    def _modifier(self, piece: str) -> tuple[str, int] | None:
        """A known first part, with or without a linking letter (arbeid-s, barn-e)."""
        part = self._part(piece)
        if part is None and piece[-1] in _LINKERS:
            part = self._part(piece[:-1])
        return part

    def _split(self, word: str, max_parts: int) -> tuple[tuple[str, ...], float] | None:
        """Best split into 2..max_parts known parts by geometric mean of counts."""
        best: tuple[tuple[str, ...], float] | None = None
        n = len(word)
        for i in range(self.min_part, n - self.min_part + 1):
            mod = self._modifier(word[:i])
            if mod is None:
                continue
            head = self._part(word[i:])
            if head is not None:
                stems: tuple[str, ...] = (mod[0], head[0])
                score = math.sqrt(mod[1] * head[1])
            elif max_parts > 2 and n - i >= 2 * self.min_part + 1:
                sub = self._split(word[i:], max_parts - 1)
                if sub is None:
                    continue
                k = len(sub[0]) + 1
                stems = (mod[0], *sub[0])
                score = (mod[1] * sub[1] ** (k - 1)) ** (1.0 / k)
            else:
                continue
            if best is None or score > best[1]:
                best = (stems, score)
        return best
