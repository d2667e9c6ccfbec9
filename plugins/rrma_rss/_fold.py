"""Folding text for reading: lower case, no accents, plain spaces, apostrophes and dashes."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold"]

_SPACE_LIKE = "\u00a0\u202f\u2007\u2009\u2002\u2003\u2004\u2005\u2006\u2008\u200a\t"
_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u0060"
_DASHES = "\u2013\u2014\u2212\u2010\u2011"
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _build_table() -> dict[str, str]:
    """One character for one character: Latin letters lose their accents (and case)."""
    table: dict[str, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        if len(base) == 1:
            table[char] = base
        elif len(char.lower()) == 1:
            table[char] = char.lower()  # Œ becomes œ: kept as one character
    for char in "ᵉʳᵈ":  # 1ᵉʳ, 2ᵈ
        table[char] = unicodedata.normalize("NFKD", char)
    table |= dict.fromkeys(_SPACE_LIKE, " ")
    table |= dict.fromkeys(_APOSTROPHES, "'")
    table |= dict.fromkeys(_DASHES, "-")
    return table


_TABLE = _build_table()


def _fold_run(match: re.Match[str]) -> str:
    return "".join([_TABLE.get(c, c) for c in match.group()])


def fold(text: str) -> str:
    """``text`` in lower case without accents, with plain spaces, apostrophes and dashes.

    The result has the same length as ``text``, so a match in it is also a slice of the
    original ("as written").

    Example:
        >>> fold("Clôture le 1ᵉʳ Février à 12\u202fh")
        'cloture le 1er fevrier a 12 h'
    """
    folded = _NON_ASCII.sub(_fold_run, text).lower() if not text.isascii() else text.lower()
    if len(folded) != len(text):  # a rare character whose lower case is longer (İ)
        folded = "".join(
            c if len(c.lower()) != 1 else c.lower() for c in _NON_ASCII.sub(_fold_run, text)
        )
    return folded
