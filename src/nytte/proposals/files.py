"""What a proposal's attachment must be beyond its signature: text files that are text,
and a stored name that keeps its extension however long the original."""

from __future__ import annotations

import codecs

from django.core.files.uploadedfile import UploadedFile

# Text files have no signature: their content must be text (no NUL bytes, no executable's
# or archive's header, and UTF-8 or Windows-1252 as exported by spreadsheets).
TEXT_SUFFIXES = frozenset({".txt", ".csv"})
BINARY_HEADS = (b"MZ", b"\x7fELF", b"PK\x03\x04", b"%PDF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
TEXT_SAMPLE_BYTES = 64 * 1024
MAX_NAME_LENGTH = 200  # Attachment.name's length


def is_text(upload: UploadedFile) -> bool:
    """Whether the file's first bytes are text: no NUL, no binary header, and UTF-8 (a
    character cut at the sample's end allowed) or Windows-1252."""
    sample = upload.read(TEXT_SAMPLE_BYTES)
    upload.seek(0)
    if b"\x00" in sample or sample.startswith(BINARY_HEADS):
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return True
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def attachment_name(name: str | None) -> str:
    """The file's name as stored, at most ``MAX_NAME_LENGTH`` characters: a long name is
    shortened before its extension, which is kept."""
    name = name or "file"
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        return name[:MAX_NAME_LENGTH]
    return stem[: MAX_NAME_LENGTH - len(suffix) - 1] + "." + suffix
