"""The card text chunks of a SillyTavern PNG card: read with bounded memory, written with pypng.

A card file comes from anywhere, so nothing in it is trusted: the file is read chunk by chunk
(image data is skipped, not loaded), only the `ccv3` chunk (Character Card V3) or else the `chara`
chunk (V2) is kept, compressed text is inflated with a cap (a 1 MB zip bomb must not take
gigabytes), and every malformed chunk is one error naming the file. Pillow would read the chunks
too, but its own cap (1 MB of text) is below what real cards with lorebooks carry.

Writing (`factory cards export --png`) does what SillyTavern does: the picture's own chunks are
copied byte for byte, its old card chunks dropped, and `chara` (V2) and `ccv3` (V3) tEXt chunks
put before IEND, so V2-only readers still find their card.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT = 8 * 2**20  # the chara chunk's base64 text, decompressed; real cards are far below it
_TEXT_KINDS = (b"tEXt", b"zTXt", b"iTXt")
_KEY_PEEK = 80  # PNG keywords are at most 79 bytes, plus their NUL
CARD_KEYS = (b"ccv3", b"chara")  # in order of preference: a V3 reader uses ccv3 when both are there


def png_text(path: Path, where: str) -> str:
    """The card JSON text in `path` (a PNG with a tEXt, zTXt or iTXt chunk keyed `ccv3` or `chara`)."""
    with path.open("rb") as fh:
        if fh.read(8) != PNG_SIGNATURE:
            raise ValueError(f"{where}: not a PNG file")
        found = _card_chunks(fh, where)
    key = next((k for k in CARD_KEYS if k in found), None)
    if key is None:
        raise ValueError(f"{where}: no `chara` or `ccv3` text chunk (not a character card PNG)")
    try:
        return base64.b64decode(found[key], validate=False).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"{where}: {key.decode()} chunk: not base64-encoded UTF-8 JSON") from None


def _card_chunks(fh: BinaryIO, where: str) -> dict[bytes, bytes]:
    """Each card chunk's text by key (the first of each key); stops early once it has ccv3."""
    found: dict[bytes, bytes] = {}
    while CARD_KEYS[0] not in found and (got := _chara_chunk(fh, where)) is not None:
        found.setdefault(*got)
    return found


def _chara_chunk(fh: BinaryIO, where: str) -> tuple[bytes, bytes] | None:
    """The next card chunk from here on: (key, its text)."""
    while len(head := fh.read(8)) == 8:
        length, kind = struct.unpack(">I4s", head)
        if kind == b"IEND":
            break
        if kind not in _TEXT_KINDS:
            fh.seek(length + 4, 1)  # image data and the CRC: skipped, never read
            continue
        peek = fh.read(min(length, _KEY_PEEK))
        key, sep, _ = peek.partition(b"\0")
        if key not in CARD_KEYS or not sep:
            fh.seek(length - len(peek) + 4, 1)
            continue
        if length > MAX_TEXT + _KEY_PEEK:
            raise ValueError(
                f"{where}: {kind.decode()} {key.decode()} chunk: {length} bytes, more than a card may "
                f"have ({MAX_TEXT // 2**20} MiB)"
            )
        body = peek + fh.read(length - len(peek))
        if len(body) < length:
            raise ValueError(f"{where}: {kind.decode()} {key.decode()} chunk: file cut short")
        fh.seek(4, 1)  # its CRC
        return key, _text(kind, body.partition(b"\0")[2], where, key.decode())
    return None


def _text(kind: bytes, rest: bytes, where: str, key: str = "chara") -> bytes:
    name = f"{where}: {kind.decode()} {key} chunk"
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


# -- writing -----------------------------------------------------------------------------------
PLACEHOLDER_SIZE = 256  # px: a plain square for cards that came with no picture


def placeholder_png(seed: str) -> bytes:
    """A plain square in a colour taken from `seed` (the card id), so synthetic cards tell apart."""
    h = zlib.crc32(seed.encode())
    rgb = (96 + (h & 0x7F), 96 + ((h >> 8) & 0x7F), 96 + ((h >> 16) & 0x7F))
    row = list(rgb) * PLACEHOLDER_SIZE
    buf = io.BytesIO()
    png.Writer(PLACEHOLDER_SIZE, PLACEHOLDER_SIZE, greyscale=False).write(buf, [row] * PLACEHOLDER_SIZE)
    return buf.getvalue()


def card_png(picture: bytes, cards: dict[str, str], where: str = "picture") -> bytes:
    """`picture` with its card chunks replaced by `cards` ({"chara": V2 JSON, "ccv3": V3 JSON}),
    each a tEXt chunk of base64 UTF-8 put before IEND; every other chunk kept as it was."""
    try:
        chunks = list(png.Reader(bytes=picture).chunks())
    except png.Error as exc:
        raise ValueError(f"{where}: not a PNG picture ({exc})") from None
    keys = {k.encode() for k in cards}
    kept = [
        (kind, data)
        for kind, data in chunks
        if not (kind in _TEXT_KINDS and data.partition(b"\0")[0] in keys | set(CARD_KEYS))
    ]
    text = [
        (b"tEXt", key.encode() + b"\0" + base64.b64encode(value.encode("utf-8")))
        for key, value in cards.items()
    ]
    buf = io.BytesIO()
    png.write_chunks(buf, kept[:-1] + text + kept[-1:])  # IEND last
    return buf.getvalue()
