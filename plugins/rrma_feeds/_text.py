"""Text made safe for XML 1.0 and for the HTML of entry descriptions.

XML 1.0 forbids most control characters (even as character references), the non-characters
U+FFFE and U+FFFF, and surrogates; a feed holding one is not XML at all and readers reject
the whole file. Every string written is escaped by [`xml_text`][] or [`xml_attr`][], and
every chunk of the document (the head, each entry) goes through [`clean`][] just before it
is written, so that no source text can break a feed.

Descriptions are HTML. A record's text is either plain text (most connectors) or HTML already
sanitised by the connector that read it (the ``rss`` connector); text that holds tags is
sanitised again here with nh3 (scripts, styles, event handlers and ``javascript:`` links go),
and plain text is escaped, blank lines making paragraphs.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import Any, Final, cast

import nh3

__all__ = [
    "ALLOWED_TAGS",
    "clean",
    "escape_html",
    "plain_title",
    "rich_text",
    "xml_attr",
    "xml_text",
]

#: Characters that XML 1.0 does not allow: C0 controls except tab, newline and carriage
#: return, surrogates (lone ones can reach a ``str``), and U+FFFE/U+FFFF.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEWLINES: Final = re.compile(r"\r\n?")
_TAG: Final = re.compile(r"<[A-Za-z/!?]")
_PARAGRAPHS: Final = re.compile(r"\n[ \t]*\n\s*")

#: The tags kept in a description that holds HTML; other tags are removed, and so is the
#: content of ``script``, ``style`` and the like.
ALLOWED_TAGS: Final = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h2", "h3", "h4", "blockquote"}
)
_ATTRIBUTES: Final = {"a": {"href", "title"}}
_URL_SCHEMES: Final = {"http", "https", "mailto"}
_DROPPED_WITH_CONTENT: Final = {
    "script",
    "style",
    "template",
    "iframe",
    "object",
    "noscript",
    "svg",
    "math",
    "title",
}


def _make_sanitizer() -> Callable[[str], str]:
    """nh3's reusable ``Cleaner`` (nh3 0.3+, three times faster), else ``nh3.clean``."""
    options: dict[str, Any] = {
        "tags": set(ALLOWED_TAGS),
        "attributes": _ATTRIBUTES,
        "url_schemes": _URL_SCHEMES,
        "clean_content_tags": _DROPPED_WITH_CONTENT,
    }
    cleaner = getattr(nh3, "Cleaner", None)
    if cleaner is not None:
        return cast("Callable[[str], str]", cleaner(**options).clean)
    return functools.partial(nh3.clean, **options)


_sanitize: Final = _make_sanitizer()
_strip_tags: Final = functools.partial(
    nh3.clean, tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT
)


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids, and with ``\\n`` line ends."""
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    return _NOT_XML.sub("", text)


def xml_text(text: str) -> str:
    """``text`` escaped for an XML element's content.

    Forbidden characters are not removed here but from each whole chunk of the document
    before it is written (one pass over an entry is cheaper than one per string; escaping
    cannot make a forbidden character, and removing one cannot make markup).
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:  # also keeps "]]>" out of the document
        text = text.replace(">", "&gt;")
    return text


def xml_attr(text: str) -> str:
    """``text`` escaped for a double-quoted XML attribute value (see [`xml_text`][])."""
    text = xml_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\n" in text or "\t" in text or "\r" in text:
        text = text.replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;")
    return text


def escape_html(text: str, *, quote: bool = False) -> str:
    """Plain text escaped for HTML (quotes too with ``quote``, for attributes).

    Forbidden characters are removed later, from the whole entry (see [`xml_text`][]).
    """
    if quote:
        return html.escape(text, quote=True)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def plain_title(text: str) -> str:
    """A title as plain text on one line, without tags.

    Titles are text, but some RSS readers render them as HTML: a tag in a source's title
    (``<script>``, ``<b>``) is removed, with the content of scripts and styles. Entities
    that would decode to a new tag are removed in turn; a ``<`` that starts no tag stays.
    """
    text = clean(text)
    for _ in range(3):
        if not _TAG.search(text):
            break
        text = html.unescape(_strip_tags(text))
    else:
        if _TAG.search(text):
            text = text.replace("<", "\u2039")  # still tags after three rounds: made inert
    return " ".join(text.split())


def rich_text(text: str) -> str:
    """A record's description as safe HTML.

    Text holding tags is sanitised with nh3 (keeping [`ALLOWED_TAGS`][] and ``http``,
    ``https`` and ``mailto`` links); plain text is escaped, each run of blank lines starting
    a paragraph and each single line break kept as ``<br>``.
    """
    text = clean(text).strip()
    if not text:
        return ""
    if _TAG.search(text):
        return _sanitize(text).strip()
    paragraphs = _PARAGRAPHS.split(text)
    return "".join(
        "<p>" + html.escape(paragraph.strip(), quote=False).replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )
