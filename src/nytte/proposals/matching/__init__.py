"""The bridge between the pure text matcher (``nytte.similarity``) and the database.

``texts`` says what is indexed of a row (text, kind, organisations and life events);
``index`` keeps one index per programme and process fresh against the database (and the
programme's confirmed links); ``store`` saves it under the data directory so workers load
rather than build it; ``suggest`` answers queries with bands, reasons and dismissals;
``across`` finds similar items in other programmes without telling what they are to those
who may not see them; ``published`` suggests published initiatives on the public form.
"""

from . import index as _index
from . import published as _published
from .across import CrossSuggestion, across, other_programmes
from .across import facilitators_of as across_facilitators
from .index import RECONCILE_SECONDS, fresh, index_for, link_pairs
from .published import PublicSuggestion, similar_published
from .suggest import Suggestion, Suggestions, dismissals_of, dismissed_ids, score_of, similar
from .texts import (
    EXCLUDED_STAGES,
    INITIATIVE,
    KINDS,
    MERGED,
    PROPOSAL,
    TEXT_FIELDS,
    Why,
    doc_id,
    document,
    document_text,
    mark,
    parse_target,
    signals_of,
    text_parts,
)


def reset() -> None:
    """Forget every index of this process (tests; after restoring a database)."""
    _index.reset()
    _published.reset()


__all__ = [
    "EXCLUDED_STAGES",
    "INITIATIVE",
    "KINDS",
    "MERGED",
    "PROPOSAL",
    "RECONCILE_SECONDS",
    "TEXT_FIELDS",
    "CrossSuggestion",
    "PublicSuggestion",
    "Suggestion",
    "Suggestions",
    "Why",
    "across",
    "across_facilitators",
    "dismissals_of",
    "dismissed_ids",
    "doc_id",
    "document",
    "document_text",
    "fresh",
    "index_for",
    "link_pairs",
    "mark",
    "other_programmes",
    "parse_target",
    "reset",
    "score_of",
    "signals_of",
    "similar",
    "similar_published",
    "text_parts",
]
