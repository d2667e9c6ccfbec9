"""Text hygiene shared by the open-data exporters: control characters, formulas, slugs."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "EXCEL_CELL_LIMIT",
    "FORMULA_STARTS",
    "clean",
    "neutralise",
    "nothing_to_clean",
    "safe_json",
    "slug",
    "truncate",
]

#: First characters that make a spreadsheet read a cell as a formula (CSV injection, OWASP),
#: with their full-width forms, which some spreadsheets convert on input.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_STARTS = frozenset(FORMULA_STARTS)

#: The most characters a cell of Excel (and LibreOffice Calc) holds.
EXCEL_CELL_LIMIT = 32_767

# C0 controls but tab and line feed, DEL, C1 controls, and lone surrogates (which UTF-8
# cannot encode).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: The same characters within Latin-1, as bytes.
_UNSAFE_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def clean(text: str) -> str:
    """``text`` without the characters no file format should carry.

    Line breaks become ``\\n``; other control characters and lone surrogates are dropped;
    tabs and every other character are kept.

    Example:
        >>> clean("Ligne 1\\r\\nLigne 2\\x00\\x1b[31m")
        'Ligne 1\\nLigne 2[31m'
    """
    if text.isprintable():  # the common case, checked in C
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", text)


def nothing_to_clean(text: str) -> bool:
    """Whether ``clean(text)`` is ``text``: no carriage return, no other control character
    but tab and line feed, no lone surrogate.

    For long text, or many texts joined: Latin-1 text (most French text) is checked as
    bytes, three to four times faster than ``str.isprintable`` (which also flags line feeds,
    tabs and no-break spaces, which ``clean`` keeps).

    Example:
        >>> nothing_to_clean("Ligne 1\\nLigne 2 « à »"), nothing_to_clean("a\\r\\nb")
        (True, False)
        >>> nothing_to_clean("5 € \\x00"), nothing_to_clean("5 €\\u2028")
        (False, True)
    """
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.isprintable() or _UNSAFE.search(text) is None
    return len(data.translate(None, _UNSAFE_BYTES)) == len(data)


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet runs as a formula: a leading apostrophe is added
    when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.

    Example:
        >>> neutralise('=HYPERLINK("http://x.example","clic")'), neutralise("Lyon")
        ('\\'=HYPERLINK("http://x.example","clic")', 'Lyon')
    """
    return "'" + text if text[:1] in _STARTS else text


def truncate(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis, when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (a data package's ``name``).

    Example:
        >>> slug("Réseau de démonstration — Auvergne-Rhône-Alpes")
        'reseau-de-demonstration-auvergne-rhone-alpes'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_DROP.sub("-", ascii_text.lower()).strip("-") or "rrma"


_JSON_HTML = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def safe_json(text: str) -> str:
    """JSON text that can sit inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the two JavaScript line separators are written as ``\\u`` escapes
    (which JSON allows anywhere in a string), so that a ``</script>`` in a description cannot
    close the element. Apply it to serialised JSON only: these characters never occur
    outside strings there.
    """
    for char, escape in _JSON_HTML:  # str.replace finds nothing fast; translate() is slow
        if char in text:
            text = text.replace(char, escape)
    return text
