"""The `chara` text chunk of a SillyTavern PNG card, read with bounded memory.

A card file comes from anywhere, so nothing in it is trusted: the file is read chunk by chunk
(image data is skipped, not loaded), only the `chara` chunk is kept, compressed text is inflated
with a cap (a 1 MB zip bomb must not take gigabytes), and every malformed chunk is one error
naming the file. Pillow would read the chunks too, but it is not a dependency of ours, and its own
cap (1 MB of text) is below what real cards with lorebooks carry.
"""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT = 8 * 2**20  # the chara chunk's base64 text, decompressed; real cards are far below it
_TEXT_KINDS = (b"tEXt", b"zTXt", b"iTXt")
_KEY_PEEK = 80  # PNG keywords are at most 79 bytes, plus their NUL


def png_text(path: Path, where: str) -> str:
    """The card JSON text in `path` (a PNG with a tEXt, zTXt or iTXt chunk keyed `chara`)."""
    with path.open("rb") as fh:
        if fh.read(8) != PNG_SIGNATURE:
            raise ValueError(f"{where}: not a PNG file")
        raw = _chara_chunk(fh, where)
    if raw is None:
        raise ValueError(f"{where}: no `chara` text chunk (not a character card PNG)")
    try:
        return base64.b64decode(raw, validate=False).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"{where}: chara chunk: not base64-encoded UTF-8 JSON") from None


def _chara_chunk(fh: BinaryIO, where: str) -> bytes | None:
    while len(head := fh.read(8)) == 8:
        length, kind = struct.unpack(">I4s", head)
        if kind == b"IEND":
            break
        if kind not in _TEXT_KINDS:
            fh.seek(length + 4, 1)  # image data and the CRC: skipped, never read
            continue
        peek = fh.read(min(length, _KEY_PEEK))
        key, sep, _ = peek.partition(b"\0")
        if key != b"chara" or not sep:
            fh.seek(length - len(peek) + 4, 1)
            continue
        if length > MAX_TEXT + _KEY_PEEK:
            raise ValueError(
                f"{where}: {kind.decode()} chara chunk: {length} bytes, more than a card may have "
                f"({MAX_TEXT // 2**20} MiB)"
            )
        body = peek + fh.read(length - len(peek))
        if len(body) < length:
            raise ValueError(f"{where}: {kind.decode()} chara chunk: file cut short")
        return _text(kind, body.partition(b"\0")[2], where)
    return None


def _text(kind: bytes, rest: bytes, where: str) -> bytes:
    name = f"{where}: {kind.decode()} chara chunk"
    if kind == b"tEXt":
        return rest
    if kind == b"zTXt":
        if not rest:
            raise ValueError(f"{name}: empty (no compression method)")
        return _inflate(rest[1:], name)
    if len(rest) < 2:  # iTXt: flag, method, language\0, translated keyword\0, text
        raise ValueError(f"{name}: too short (no compression flag)")
    compressed = rest[0]
    _lang, sep1, tail = rest[2:].partition(b"\0")
    _translated, sep2, text = tail.partition(b"\0")
    if not (sep1 and sep2):
        raise ValueError(f"{name}: malformed (language tag or translated keyword not terminated)")
    return _inflate(text, name) if compressed else text


def _inflate(data: bytes, name: str) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, MAX_TEXT + 1)
    except zlib.error as exc:
        raise ValueError(f"{name}: corrupt compressed data ({exc})") from None
    if len(out) > MAX_TEXT or d.unconsumed_tail:
        raise ValueError(f"{name}: more than {MAX_TEXT // 2**20} MiB once decompressed (refusing it)")
    if not d.eof:
        raise ValueError(f"{name}: compressed data cut short")
    return out
