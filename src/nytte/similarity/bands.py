"""Calibrated bands: what a score means to the facilitator.

A bare percentage invites reading 0.3 as "30 % the same". Scores are instead put in three
bands whose thresholds were fitted on the dev split of the evaluation set and checked on
the held-out split (benchmarks/similarity.py, docs/similarity.md):

* *likely the same thing* — at least 9 in 10 suggestions this high were related on dev;
* *possibly related* — worth a look; most proposals that match nothing stay below it;
* *weak* — shown only on request.

The bands read the score discounted by how many of the query's words the match rests on
(``Match.words``): a tempting near-miss usually shares one salient word with the query
("barnetrygd", "skattemeldingen") and the themes and organisation that come with it, and
scores as high as a related text told in other words; a related text shares several.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nytte.similarity.documents import Match


class Band(StrEnum):
    LIKELY = "likely"
    POSSIBLE = "possible"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class Bands:
    """Score thresholds: ``likely`` ≥ ``possible`` > 0, on the score discounted by
    :meth:`score` (``words`` 0: the plain score)."""

    likely: float
    possible: float
    #: A match resting on fewer query words than this (``Match.words``) counts as that
    #: share of its score: one word of four → a quarter. A query offering fewer words
    #: itself (``Match.query_words``, a short title) is held to its own number.
    words: float = 0.0

    def score(
        self, score: float, words: float | None = None, query_words: float | None = None
    ) -> float:
        """What the thresholds are compared with: ``score`` × min(1, ``words`` / n), n the
        smaller of ``self.words`` and ``query_words``; ``words`` None (not measured) leaves
        the score as it is."""
        need = self.words if query_words is None else min(self.words, query_words)
        if words is None or need <= 0:
            return score
        return score * min(1.0, words / need)

    def of(
        self, score: float, words: float | None = None, query_words: float | None = None
    ) -> Band:
        value = self.score(score, words, query_words)
        if value >= self.likely:
            return Band.LIKELY
        if value >= self.possible:
            return Band.POSSIBLE
        return Band.WEAK

    def of_match(self, match: Match) -> Band:
        return self.of(match.score, match.words, match.query_words)


#: Fitted on the dev split with the default index and signals, ``words`` chosen there too
#: (benchmarks/similarity_calibration.py, docs/similarity.md).
DEFAULT_BANDS = Bands(likely=0.71, possible=0.39, words=5.0)


def band_of(
    score: float,
    words: float | None = None,
    query_words: float | None = None,
    *,
    bands: Bands = DEFAULT_BANDS,
) -> Band:
    return bands.of(score, words, query_words)


def fit_bands(
    shown: Sequence[tuple[float, bool]],
    no_match_tops: Sequence[float],
    *,
    likely_precision: float = 0.9,
    quiet_share: float = 0.8,
    step: float = 0.01,
) -> Bands:
    """Thresholds from labelled suggestions.

    ``shown`` are (score, related) of the suggestions a list would show; ``no_match_tops``
    the best score of each proposal that matches nothing (scores as :meth:`Bands.score`
    gives them, for the ``words`` being fitted). *Likely* is the lowest threshold
    above which at least ``likely_precision`` of the shown suggestions are related (and
    stays so above it); *possibly related* the lowest that keeps at least ``quiet_share``
    of no-match proposals entirely below it, so as few true matches as possible fall to
    weak.
    """
    grid = [round(i * step, 4) for i in range(1, int(1 / step) + 1)]

    def precision(t: float) -> float | None:
        above = [related for score, related in shown if score >= t]
        return sum(above) / len(above) if above else None

    likely = 1.0
    for t in reversed(grid):  # walk down while precision holds
        p = precision(t)
        if p is None:
            continue
        if p < likely_precision:
            break
        likely = t
    possible = likely
    n = len(no_match_tops)
    for t in grid:
        if t > likely:
            break
        quiet = sum(top < t for top in no_match_tops) / n if n else 1.0
        if quiet >= quiet_share:
            possible = t
            break
    return Bands(likely=likely, possible=possible)
