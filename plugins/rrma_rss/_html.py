"""HTML from feeds: sanitised rich text, plain-text titles, and text to read.

Feed entries carry HTML (escaped in ``<description>``, raw in ``<content:encoded>`` or Atom
``type="html"``/``"xhtml"``). It is sanitised with `nh3 <https://nh3.readthedocs.io>`_,
keeping a small safe set of tags, and relative links are resolved against the entry's base
(``xml:base``, else the feed's final URL after redirects).
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import urljoin, urlsplit

import nh3

__all__ = [
    "ALLOWED_TAGS",
    "MAX_DEPTH",
    "absolute_http_url",
    "html_to_text",
    "plain_text_to_html",
    "plain_title",
    "sanitize",
]

#: The tags kept in descriptions; everything else is removed (its text is kept, except
#: inside ``script``, ``style`` and the like, whose content goes too).
ALLOWED_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h2", "h3", "h4", "blockquote"}
)
_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}  # no generic lang, title...
_URL_SCHEMES = {"http", "https", "mailto"}
_DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript", "svg"}

_BLOCK_BREAK = re.compile(r"<(?:br|/p|/h[2-4]|/blockquote|/ul|/ol|/li)\b[^>]*>", re.IGNORECASE)
_ITEM_START = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u202f\u2007\u2009]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_HAS_SPACE = re.compile(r"\s")
# Characters XML 1.0 forbids (NUL and other C0 controls but tab and newlines), and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
# Elements that open no level: void ones, and those whose end tag is optional (the next
# one closes them), so that "<p>a<p>b" does not count as nesting.
_FLAT = frozenset(
    {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "source"}
    | {"track", "wbr", "param", "p", "li", "dt", "dd", "option", "tr", "td", "th"}
)
#: Deeper HTML is read as plain text: html5ever (inside nh3) takes time quadratic in the
#: depth (100,000 nested <div> take 26 s), and real descriptions nest a few levels.
MAX_DEPTH = 100
_TAGS_BEFORE_CHECK = 500


def absolute_http_url(value: str | None, base: str) -> str | None:
    """``value`` resolved against ``base``, if the result is an http(s) URL with a host.

    Returns:
        The absolute URL, or ``None`` for anything else (``javascript:``, ``mailto:``,
        an empty or malformed value), which is then left out rather than guessed.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        url = value if value.startswith(("https://", "http://")) else urljoin(base, value)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    if len(url) > 4096 or _HAS_SPACE.search(url):
        return None
    return url


@functools.lru_cache(maxsize=64)
def _cleaner(base: str | None) -> nh3.Cleaner:
    if base is not None and absolute_http_url(base, base) is None:
        base = None
    relative: object = ("rewrite_with_base", base) if base else "deny"
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        url_relative=relative,  # type: ignore[arg-type]
        link_rel="noopener noreferrer",
    )


def sanitize(value: str, base: str | None) -> str:
    """``value`` (HTML) with only the allowed tags and ``a[href]``, links made absolute.

    Args:
        value: HTML from the feed.
        base: The URL relative links are resolved against (an http(s) URL); ``None``
            drops relative links.

    Returns:
        Safe HTML, stripped of surrounding white space (empty when nothing is left).
    """
    value = _CONTROL.sub("", value)
    if value.count("<") > _TAGS_BEFORE_CHECK and _too_deep(value):
        return plain_text_to_html(html.unescape(_ANY_TAG.sub(" ", value)))
    return _cleaner(base).clean(value).strip()


def _too_deep(value: str) -> bool:
    """Whether the tags of ``value`` nest more than ``MAX_DEPTH`` levels (an estimate)."""
    depth = 0
    for tag in _TAG.finditer(value):
        closing, name, self_closing = tag.groups()
        if self_closing or name.lower() in _FLAT:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_DEPTH:
                return True
    return False


_TITLE_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"})


def plain_text_to_html(value: str) -> str:
    """Plain text as HTML: escaped, blank lines making paragraphs, line breaks kept."""
    value = _CONTROL.sub("", value)
    paragraphs = [p.strip() for p in _BLANK_LINES.split(value.strip()) if p.strip()]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


def html_to_text(value: str) -> str:
    """The text of sanitised HTML, one line per paragraph, list items as ``• item`` lines.

    Meant for reading (deadlines, amounts...), not for display: runs of spaces become one,
    entities are decoded.
    """
    if "<" in value:
        value = _ITEM_START.sub("\n• ", value)
        value = _BLOCK_BREAK.sub("\n", value)
        value = _ANY_TAG.sub("", value)
    if "&" in value:
        value = html.unescape(value)
    lines = (line.strip() for line in _SPACES.sub(" ", value).split("\n"))
    return "\n".join(line for line in lines if line)


def plain_title(value: str) -> str:
    """A title as plain text: tags stripped, entities decoded, white space collapsed.

    Titles are often escaped twice (``&lt;b&gt;``); a second pass removes what the first
    one revealed.
    """
    for _ in range(2):
        if "<" in value:
            value = html.unescape(_TITLE_CLEANER.clean(value))
        elif "&" in value:
            value = html.unescape(value)  # may reveal tags, for the second pass
        else:
            break
    return " ".join(_CONTROL.sub("", value).split())
