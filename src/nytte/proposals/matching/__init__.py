"""The bridge between the pure text matcher (``nytte.similarity``) and the database.

``texts`` says what is indexed of a row (text, kind, organisations and life events);
``index`` keeps one index per programme and process fresh against the database (and the
programme's confirmed links); ``store`` saves it under the data directory so workers load
rather than build it; ``suggest`` answers queries with bands, reasons and dismissals.
"""

from .index import RECONCILE_SECONDS, fresh, index_for, link_pairs, reset
from .suggest import Suggestion, Suggestions, dismissed_ids, score_of, similar
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

__all__ = [
    "EXCLUDED_STAGES",
    "INITIATIVE",
    "KINDS",
    "MERGED",
    "PROPOSAL",
    "RECONCILE_SECONDS",
    "TEXT_FIELDS",
    "Suggestion",
    "Suggestions",
    "Why",
    "dismissed_ids",
    "doc_id",
    "document",
    "document_text",
    "fresh",
    "index_for",
    "link_pairs",
    "mark",
    "parse_target",
    "reset",
    "score_of",
    "signals_of",
    "similar",
    "text_parts",
]
