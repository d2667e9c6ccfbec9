"""Text from OpenAgenda: plain text for titles and names, sanitised HTML for descriptions.

OpenAgenda's texts are written by event organisers. Titles, names and keywords are plain
text, but may still carry stray tags or HTML entities; long descriptions are Markdown, which
the API converts to HTML on request (``longDescriptionFormat=HTML``). Nothing here trusts
them: HTML keeps only a small safe set of tags, and every string loses the characters that
cannot be stored or exported (lone surrogates, control characters).
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urljoin, urlsplit

import nh3

__all__ = ["fold", "html_text", "http_url", "plain_text", "safe_html"]

#: The tags a description may keep, and the one attribute (``a[href]``).
SAFE_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h2", "h3", "h4", "blockquote"}
)
_SAFE_ATTRIBUTES = {"a": {"href"}}
#: Tags removed together with their content (the rest are unwrapped, keeping their text).
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})

# C0 and C1 controls except tab and newline, and lone surrogates (JSON "\ud800" decodes to
# one): neither can be stored as UTF-8 nor written to XML.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Tags after which visible text breaks: replaced by a space before tags are stripped.
_BREAKING_TAG = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr|/td|/th|/blockquote)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[a-zA-Z!][^>]*>")
_SPACES = re.compile(r"\s+")


def clean_chars(text: str) -> str:
    """``text`` without control characters and lone surrogates, carriage returns unified."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE_CHARS.sub("", text)


def plain_text(value: object) -> str | None:
    """A one-line plain text: tags stripped, entities decoded, white space collapsed.

    Returns ``None`` for anything that is not a string, or is empty once cleaned.
    """
    if not isinstance(value, str):
        return None
    text = _BREAKING_TAG.sub(" ", clean_chars(value))
    if "<" in text or "&" in text:
        text = html.unescape(nh3.clean(text, tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT))
    text = _SPACES.sub(" ", clean_chars(text)).strip()
    return text or None


def http_url(value: object, base: str | None = None) -> str | None:
    """``value`` as an absolute http(s) URL (resolved against ``base``), else ``None``."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url


def safe_html(value: object, base: str) -> str | None:
    """An HTML fragment reduced to :data:`SAFE_TAGS`, links made absolute against ``base``.

    Scripts, styles and frames are dropped with their content; ``on*`` attributes, styles,
    classes and links other than http(s) (``javascript:``, ``data:``, ``mailto:``) are
    removed. A text without any tag (the
    Markdown OpenAgenda stores, when a server ignores ``longDescriptionFormat=HTML``) is
    escaped and split into paragraphs at blank lines.

    Returns ``None`` when nothing visible is left.
    """
    if not isinstance(value, str):
        return None
    text = clean_chars(value).strip()
    if not text:
        return None
    if not _ANY_TAG.search(text):
        text = _paragraphs(text)

    def keep_link(tag: str, attribute: str, url: str) -> str | None:
        if tag == "a" and attribute == "href":
            return http_url(url, base)
        return url

    cleaned = nh3.clean(
        text,
        tags=set(SAFE_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes=_SAFE_ATTRIBUTES,
        attribute_filter=keep_link,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    ).strip()
    return cleaned if html_text(cleaned) else None


def html_text(fragment: str) -> str:
    """The visible text of an HTML fragment, on one line."""
    return plain_text(fragment) or ""


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "".join("<p>" + html.escape(b).replace("\n", "<br>") + "</p>" for b in blocks)


def fold(text: str) -> str:
    """``text`` compared loosely: lower case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip()
