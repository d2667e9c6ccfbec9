"""Making source texts safe to put in front of readers, in HTML, Markdown and plain text.

Source texts (titles, descriptions, names) are never trusted: control characters are removed,
HTML is sanitised with nh3 (or reduced to its text), links keep only ``http``, ``https`` and
``mailto`` URLs, and Markdown's special characters are escaped so that a ``<script>`` in a feed
stays text in every output.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup, escape

__all__ = [
    "MarkdownText",
    "clean",
    "description_html",
    "description_text",
    "md_escape",
    "md_url",
    "safe_url",
    "short",
]

# C0 controls but tab and newline, DEL, C1 controls, lone surrogates, and the non-characters
# U+FFFE/U+FFFF: none is allowed in XML or HTML, and surrogates cannot be encoded in UTF-8.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_TAG = re.compile(r"<[A-Za-z/!?]")
# Block-level ends that become line breaks when HTML is reduced to text.
_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/\s*(?:p|div|li|h[1-6]|blockquote|tr|ul|ol))\s*>", re.I)
_BLOCK_START = re.compile(r"<\s*(?:p|div|h[1-6]|blockquote|ul|ol)(?:\s[^>]*)?>", re.I)

_SCHEMES = frozenset({"http", "https", "mailto"})
# An http(s) URL with a plain host name and nothing odd in it (ASCII, no space or control).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?"
                        r"(?:[/?#][!#-~]*)?\Z", re.I)  # fmt: skip

_ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "blockquote"}
_LINK_STYLE = "color:#0b5cad;text-decoration:underline;"
_SANITISER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes={"a": {"href"}},
    url_schemes=set(_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
    # Inline styles that survive e-mail clients; a source's own style attributes are dropped.
    set_tag_attribute_values={
        "a": {"style": _LINK_STYLE},
        "p": {"style": "margin:0 0 8px 0;"},
        "ul": {"style": "margin:0 0 8px 0;padding-left:20px;"},
        "ol": {"style": "margin:0 0 8px 0;padding-left:20px;"},
        "blockquote": {"style": "margin:0 0 8px 0;padding-left:12px;border-left:3px solid #ccc;"},
    },
)
_STRIP_ALL = nh3.Cleaner(tags=set(), strip_comments=True)

# Markdown: the characters that start emphasis, code, links, raw HTML, entities, headings,
# tables and strike-through; escaped with a backslash, which CommonMark allows before any
# ASCII punctuation.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")
_MD_BULLET = re.compile(r"^(\s*)([-+=])(?=\s|$)", re.M)
_MD_NUMBER = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.M)
_MD_ANY = re.compile(r"[\\`*_\[\]<>#|~&!]|^\s*(?:[-+=]|\d+[.)])(?=\s|$)", re.M)


class MarkdownText(str):
    """A string already written as Markdown: the Markdown templates print it as it is."""

    __slots__ = ()


def clean(text: str | None) -> str:
    """``text`` without the characters no document may hold (controls, lone surrogates)."""
    if not text:
        return ""
    if text.isprintable():  # the usual case: no control character (nor line break)
        return text
    return _CONTROL.sub("", text)


def _truncate(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if not text[len(cut)].isspace():  # cut in the middle of a word: back to its start
        space = cut.rfind(" ")
        if space > limit * 0.6:
            cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def short(text: str | None, limit: int | None = None) -> str:
    """One line of plain text: controls removed, white space collapsed, cut at ``limit``."""
    if not text:
        return ""
    if text.isprintable() and "  " not in text:  # the usual case: nothing to clean
        return _truncate(text.strip(), limit)
    return _truncate(" ".join(clean(text).split()), limit)


def _as_text(text: str) -> str:
    """The readable text of ``text``, which may be HTML: tags dropped, entities decoded."""
    if _TAG.search(text) or "&" in text:
        text = _BLOCK_END.sub("\n\n", text)
        text = _BLOCK_START.sub("\n\n", text)
        text = html.unescape(_STRIP_ALL.clean(text))
        text = clean(text)  # an entity may have encoded a control character
    return text


def description_text(text: str | None, limit: int | None) -> str:
    """A description as plain text: an excerpt on one line, or (``limit=None``) whole, its
    paragraphs separated by blank lines."""
    if not text:
        return ""
    plain = _as_text(clean(text))
    if limit is not None:
        return short(plain, limit) if limit > 0 else ""
    paragraphs = (short(p) for p in _PARAGRAPHS.split(plain.replace("\r", "")))
    return "\n\n".join(p for p in paragraphs if p)


def description_html(text: str | None, limit: int | None) -> Markup:
    """A description for the HTML digest, safe to put in a page as it is.

    With a ``limit``, the escaped excerpt of its text. Without, the whole description: HTML
    sanitised with nh3 (a few formatting tags, ``http``/``https``/``mailto`` links, inline
    styles), plain text escaped with its paragraphs kept.
    """
    if not text:
        return Markup("")
    text = clean(text)
    if limit is not None:
        return escape(description_text(text, limit))
    if _TAG.search(text):
        return Markup(_SANITISER.clean(text).strip())  # sanitised just above
    paragraphs = description_text(text, None).split("\n\n")
    style = "margin:0 0 8px 0;"
    return Markup("").join(Markup('<p style="{}">{}</p>').format(style, p) for p in paragraphs)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an ``http``, ``https`` or ``mailto`` URL a reader may follow, else
    ``None`` (``javascript:``, ``data:``, relative or malformed URLs are dropped)."""
    if not url:
        return None
    if _PLAIN_URL.match(url):  # the usual case, without parsing
        return url
    url = url.strip()
    if _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        return None
    if scheme != "mailto" and not parts.hostname:
        return None
    return url


def md_escape(value: object) -> str:
    """``value`` as Markdown text that renders as itself (no emphasis, link, HTML...)."""
    text = str(value)
    if not _MD_ANY.search(text):  # the usual case: nothing to escape
        return text
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_BULLET.sub(r"\1\\\2", text)
    return _MD_NUMBER.sub(r"\1\\\2", text)


def md_url(url: str | None) -> MarkdownText:
    """A link destination for Markdown: ``<url>`` with ``<``, ``>`` and spaces encoded."""
    if not url:
        return MarkdownText("")
    encoded = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return MarkdownText(f"<{encoded}>")
