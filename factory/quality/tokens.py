"""Vectorised normalisation and tokenisation for the dataset-wide checks (dedup, patterns, diversity).

Chinese (and other CJK scripts) are tokenised by character, everything else by word. The work is
done on one code-point array per batch of texts with numpy, never a Python loop per token, because
the dedup benchmark pushes a million lines through here in seconds.
"""

from __future__ import annotations

import base64
import functools
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

U64 = np.uint64
_BATCH = 65536
_P = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_P_INV = pow(_P, -1, 2**64)
_WORD_TAG = U64(0x9E3779B97F4A7C15)
_MIX = U64(0xBF58476D1CE4E5B9)
_MIX2 = U64(0x94D049BB133111EB)


def splitmix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: spreads every input bit over the whole 64-bit word."""
    x = x ^ (x >> U64(30))
    x = x * _MIX
    x = x ^ (x >> U64(27))
    x = x * _MIX2
    return x ^ (x >> U64(31))


def normalize(text: str) -> str:
    """NFKC, lower case, punctuation and markup to single spaces: what 'the same text' means here."""
    return normalize_many([text])[0]


@functools.cache
def _word_table() -> np.ndarray:
    """word_char[cp]: letters, digits and marks of every script (built once, ~1 MB).

    Unpacked from `_PACKED` (~1 ms) where Python's Unicode version is the one it was made from;
    another version asks unicodedata about all 1.1 M code points (~0.3 s, once a process).
    """
    if unicodedata.unidata_version == _PACKED_VERSION:
        return unpack_table(_PACKED)
    return word_table_from_unicodedata()


def word_table_from_unicodedata() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    for cp in range(0x110000):
        if unicodedata.category(chr(cp))[0] in "LNM":
            table[cp] = True
    return table


def pack_table(table: np.ndarray) -> str:
    """The table as `_PACKED` holds it: packed bits, zlib, base64."""
    return base64.b64encode(zlib.compress(np.packbits(table).tobytes(), 9)).decode("ascii")


def unpack_table(packed: str) -> np.ndarray:
    bits = np.frombuffer(zlib.decompress(base64.b64decode(packed)), dtype=np.uint8)
    return np.unpackbits(bits, count=0x110000).astype(bool)


# `word_table_from_unicodedata()` for Unicode 14.0.0 (Python 3.11) as `pack_table` writes it;
# tests/quality/test_tokens.py checks it against unicodedata.
_PACKED_VERSION = "14.0.0"
_PACKED = (
    "eNrt201vG0UYwPHZJqqrCpQjHEBuJcQNqQckKrXgSnwAuFRcuaGqgmtQW2W3N/gOFTnwBTjRS8BLi6gEBx8bqQhvFKQg0coL"
    "KfE6Xs/DzOyrYztNigNp+f+kxB7v7M77enZnrZQloS8S2T8XPPPmJyJasr+nc1dClZw2Rx4zfPvE7yLdMjya2K879Wi+zcsl"
    "9zbw3Y4f2yNv2OxKVEu0pj+QtgzKHGzVt4X5p+lr2YuLFbsjraiZedk2+egPVkXaX3YGX3gvbkvnx+UNG/76p41bl64tmAMt"
    "j8xe7dud0c+B2hblL7v4tzuDWw0T31dvba5dfXlT7m6u3VQLprpl2DbbpTNcO/mria/7Lty34ZPb8mG23dbct0smfWkvi26Z"
    "nD3WZ3dlQc4pP8taZJoqtE13tSfylynRbiodGw6UCs0n77oqTHwZZpWZnFCZqkrKd6mr4EX3vnfgBl/Ta9lrESj6zloRY8tk"
    "NhGp94k09WWOBq5wVX/YlMCk4ZnimjRjU5df1dL+4wVT5lC9Wiu52PhSO0Kq3CCIJV5wwSTbP3b1FeX1F+eRtcuBOabn9tpT"
    "v4lJqxnvGQ9lWMm9vO6DvK5UbywnTy9N8/+Xi7Y1vWn3QrIdS3IhUWM635n8J1XOA3W29fjG6W+k07hTDp0jU1ZKoWV7yzwt"
    "jB3+ONiv5ZJmvFgbiyKe8mzH0jnXcSzv6dNvmD9fbiTVONQf1cZkr1Gef4vNF1WZrspeXZ8wccr3ypd5lB/AdIwfAAAAPBeS"
    "sZlt+uT42SV9frm654aivRj1pFX/aDV/je6H7gaDdSpVe+7H2Ds/9r7QS1Uu3LakvFHkue35TS6tTBwT1mVSkVKviLyjVlZW"
    "VHalLr2xO03Ww4lPAABHyJ7JdTN/CwDzWJ9IJyafSqtmQ9p698HEpuahjlzlJJ9iZrmLs/XUIrfDKbPpam1/ofpct1qt8+4I"
    "fTeJfWTynk4pb+SNz4sDdW6sehan1FdSRJV8bTS2i0jZSmZUzqblxqz6TbNZcVz+k2p23pPeI+lKd/1w7WPm53ZGb+JnFwjt"
    "qNg/bdvw6PMsW9q3/7xydethM89DuCe9paIddpb6Zp90wxRXFdcDKlsOM98xRXx7fZHmxTeH8qf0r6AejorXVl7+8IB9NbvS"
    "WA/Hj6+KCyvJGlkV10xaVTVkk0q9ot3P2C1BcX0ylCUX888yfnJdfvPdunrXBovHCZT+Rkb5GrYtbpg9L3G7O7h1s7GdJLPH"
    "VyR3w1p4NKPMRRcx1TXWXz/L4xe1Wewt9smPWGK9//iOpo/5yNPv7djcrMa1/ORN31qv4mqv2uv7yVbdp81c/9PZaEla2fj2"
    "q9xqV736DdsHRjau7gYHXYMvH0KYYFNL/qv1o3Dm+VXPzg8TtaP4RguOx/qhplXojXQhAM/k+Sdwk7jqbn72vnhe1JydzPyx"
    "a6ZyjXk/0ThZDj3984381atysK5Cnh/C/9kx7v/5lXrAORrAUejvHORMlN0ci9TS4c+W3LY5zPwzksTMJH+gVjDX/pXO5/5I"
    "417U3LIj+uLktvNT04735iWY3f/Ltavh69flfr9YB9ga2g2/7Lbah1qGa2e/Xexlxx1WP2dt5xu3a8to/3j85k8TJIvqlFJN"
    "X45V++/b9KZKVh9ETyhfYqr0zuFSnHav/7jRO7N/4DzIq636Jvs3yuJnafU/Hf9klF8MTPsGN5uv+L33z35w5fKVXu+adCVe"
    "7s7ve1cSzqFHODrDY3B+AAAAAAAAAIBnDvc3kQv22ZZSPXie8FQv8Ax8KbEA/jz8/iPl9y/AE0ScawAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADZF/UDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAID1N5WAblA="
)


def normalize_many(texts: Sequence[str]) -> list[str]:
    """`normalize` for many texts at once: one pass over the joined batch's code points."""
    if not texts:
        return []
    if len(texts) > _BATCH:  # batches keep the temporary arrays small and in cache
        return [t for lo in range(0, len(texts), _BATCH) for t in normalize_many(texts[lo : lo + _BATCH])]
    blob = "\n".join(t.replace("\n", " ") for t in texts)
    blob = unicodedata.normalize("NFKC", blob).lower()
    cp = np.frombuffer(blob.encode("utf-32-le"), dtype=np.uint32)
    word = _word_table()[cp]
    sep = cp == 10
    other = ~word & ~sep
    prev_other = np.r_[False, other[:-1]]
    next_other = np.r_[other[1:], False]
    first = np.flatnonzero(other & ~prev_other)
    last = np.flatnonzero(other & ~next_other)
    n = len(cp)
    between = (first > 0) & (last + 1 < n)  # a run of punctuation/space between two word chars
    between[between] = word[first[between] - 1] & word[last[between] + 1]
    keep = word | sep
    keep[first[between]] = True
    out = np.where(other, np.uint32(32), cp)[keep]
    return out.tobytes().decode("utf-32-le").split("\n")


def is_cjk(cp: np.ndarray) -> np.ndarray:
    """Code points that are tokens on their own (Han, kana, hangul)."""
    return (
        ((cp >= 0x3400) & (cp <= 0x9FFF))
        | ((cp >= 0xF900) & (cp <= 0xFAFF))
        | (cp >= 0x20000)
        | ((cp >= 0x3040) & (cp <= 0x30FF))
        | ((cp >= 0xAC00) & (cp <= 0xD7AF))
    )


@dataclass
class Tokens:
    """Tokens of a batch of normalised texts, in text order.

    `owner[i]` is the text a token belongs to; `start`/`end` are offsets into that normalised text,
    so a pattern can be shown as the words it is made of.
    """

    texts: list[str]
    hashes: np.ndarray  # uint64
    owner: np.ndarray  # int64, non-decreasing
    start: np.ndarray  # int32
    end: np.ndarray  # int32

    @property
    def counts(self) -> np.ndarray:
        return np.bincount(self.owner, minlength=len(self.texts))

    def span(self, first: int, last: int) -> str:
        """The text covered by tokens first..last (inclusive) of one text."""
        return self.texts[int(self.owner[first])][int(self.start[first]) : int(self.end[last])]


def tokenize(texts: Sequence[str], normalized: bool = False) -> Tokens:
    """Tokenise a batch: one Han character or one word per token, with a 64-bit hash each."""
    norm = list(texts) if normalized else normalize_many(texts)
    empty = np.zeros(0, dtype=np.int64)
    if not norm:
        return Tokens(norm, empty.astype(U64), empty, empty.astype(np.int32), empty.astype(np.int32))
    blob = "\n".join(norm)
    cp = np.frombuffer(blob.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in norm), dtype=np.int64, count=len(norm))
    text_start = np.zeros(len(norm), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=text_start[1:])

    cjk = is_cjk(cp)
    word = ~cjk & (cp != 32) & (cp != 10)
    prev_word = np.zeros_like(word)
    prev_word[1:] = word[:-1]
    next_word = np.zeros_like(word)
    next_word[:-1] = word[1:]
    word_start = np.flatnonzero(word & ~prev_word)
    word_end = np.flatnonzero(word & ~next_word) + 1

    # rolling hash of each word from prefix sums: sum(cp[j] * P**j), rebased to the word's start
    powers = np.full(len(cp), _P, dtype=U64)
    powers[0] = 1
    np.cumprod(powers, out=powers)
    prefix = np.zeros(len(cp) + 1, dtype=U64)
    np.cumsum(cp.astype(U64) * powers, out=prefix[1:])
    inv = np.full(len(cp), _P_INV, dtype=U64)
    inv[0] = 1
    np.cumprod(inv, out=inv)
    word_hash = splitmix((prefix[word_end] - prefix[word_start]) * inv[word_start] ^ _WORD_TAG)

    cjk_pos = np.flatnonzero(cjk)
    cjk_hash = splitmix(cp[cjk_pos].astype(U64))
    starts = np.concatenate([word_start, cjk_pos])
    order = np.argsort(starts, kind="stable")
    starts = starts[order]
    ends = np.concatenate([word_end, cjk_pos + 1])[order]
    hashes = np.concatenate([word_hash, cjk_hash])[order]
    owner = np.searchsorted(text_start, starts, side="right") - 1
    local = text_start[owner]
    return Tokens(
        norm,
        hashes,
        owner.astype(np.int64),
        (starts - local).astype(np.int32),
        (ends - local).astype(np.int32),
    )


def ngrams(tok: Tokens, n: int, short: str = "skip") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes of every run of n tokens inside one text: (hash, owner, index of first token).

    short="unigrams": texts with fewer than n tokens contribute their tokens, so every non-empty
    text has at least one shingle (what MinHash needs); "skip" leaves them out (what counting needs).
    """
    h, owner = tok.hashes, tok.owner
    m = len(h) - n + 1
    if n <= 1 or m <= 0:
        idx = np.arange(len(h)) if n <= 1 or short == "unigrams" else np.zeros(0, dtype=np.int64)
        return h[idx], owner[idx], idx
    acc = h[:m].copy()
    for j in range(1, n):
        acc = splitmix(acc * _MIX + h[j : j + m])
    valid = owner[:m] == owner[n - 1 :]
    idx = np.flatnonzero(valid)
    grams, gowner = acc[idx], owner[idx]
    if short == "unigrams":
        counts = tok.counts
        short_tok = np.flatnonzero(counts[owner] < n)
        idx = np.concatenate([idx, short_tok])
        grams = np.concatenate([grams, h[short_tok]])
        gowner = np.concatenate([gowner, owner[short_tok]])
        order = np.argsort(gowner, kind="stable")
        idx, grams, gowner = idx[order], grams[order], gowner[order]
    return grams, gowner, idx
