"""Tokens: a clause as numbers, words and the few symbols the grammar reads ("@", "/", "x")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["num", "word", "at", "slash", "times", "other"]


@dataclass(frozen=True)
class Token:
    """One piece of a lower-cased clause."""

    kind: TokenKind
    text: str

    @property
    def value(self) -> float:
        """The number, reading a decimal comma as a point ("7,5" = 7.5)."""
        return float(self.text.replace(",", "."))

    @property
    def whole(self) -> bool:
        """True for a number written without a decimal part."""
        return self.kind == "num" and self.text.isdigit()


_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+|\S")
_SEPARATORS = frozenset('.,!?:;-–—"“”()[]{}=~_')
_SYMBOLS: dict[str, TokenKind] = {"@": "at", "/": "slash", "×": "times", "*": "times"}
# Pictographs, skin tones, variation selectors and joiners: decoration, not content.
_DECORATION = frozenset({"So", "Sk", "Mn", "Me", "Cf"})
_APOSTROPHES = re.compile(r"['‘’`]")


def tokenise(text: str) -> list[Token]:
    """The tokens of text; apostrophes, separators and decoration are dropped."""
    tokens: list[Token] = []
    for piece in _TOKEN_RE.findall(_APOSTROPHES.sub("", text.lower())):
        token = _classify(piece)
        if token is not None:
            tokens.append(token)
    return tokens


def _classify(piece: str) -> Token | None:
    if piece[0].isascii() and piece[0].isdigit():
        return Token("num", piece)
    if piece == "x":
        return Token("times", piece)
    if piece == "&":
        return Token("word", "and")
    if len(piece) > 1 or piece.isalpha():
        return Token("word", piece)
    if piece in _SYMBOLS:
        return Token(_SYMBOLS[piece], piece)
    if piece in _SEPARATORS or unicodedata.category(piece) in _DECORATION:
        return None
    return Token("other", piece)


def word_at(tokens: Sequence[Token], i: int) -> str | None:
    """The word at position i, or None when there is none (a number, a symbol, or past the end)."""
    return tokens[i].text if i < len(tokens) and tokens[i].kind == "word" else None


def is_num(tokens: Sequence[Token], i: int) -> bool:
    """True when position i holds a number."""
    return i < len(tokens) and tokens[i].kind == "num"


def word_set(text: str) -> frozenset[str]:
    """A vocabulary written as space-separated words."""
    return frozenset(text.split())
