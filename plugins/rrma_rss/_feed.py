"""Turning a feed's bytes into feedparser's result, safely, or saying why it is not a feed.

feedparser is tolerant, which is what a poller of hand-made feeds needs, but it never says
"this is not a feed": an HTML login page, an empty body and a truncated download all come
back as "0 entries" (or as some of them). And it expands internal DTD entities without
limit in its fallback parser, so that a 112 KB feed can become 400 MB. So, before feedparser
sees the bytes, this module:

1. re-encodes UTF-16 and UTF-32 documents to UTF-8, so the checks below work on bytes;
2. refuses an empty body, an HTML page, a JSON document and anything that is not XML;
3. removes the DOCTYPE, internal subset and entity declarations included (feedparser then
   has no entity to expand);
4. refuses a document whose root element is never closed (a truncated download).

After parsing it refuses a document feedparser does not recognise as RSS or Atom. A feed
that is well formed and has no entries is a legitimately empty feed.
"""

from __future__ import annotations

import codecs
import email.message
import re
from dataclasses import dataclass
from typing import Any

import feedparser

from rrma_core.errors import RrmaError

__all__ = ["NotAFeed", "ParsedFeed", "parse_feed", "prepare"]


class NotAFeed(RrmaError):
    """Raised when a source's body is not a complete RSS or Atom feed.

    An HTML page, an empty or truncated body, JSON, a document that is not XML or an XML
    document of another kind: the engine then fails the source and keeps its stored records.
    """


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
# Without a byte-order mark, the encoding shows in how "<?" (or "<") is spelled.
_UNMARKED: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_DECLARED_ENCODING = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_WHITESPACE = b" \t\r\n"
_NAME = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_DOCTYPE_TOKEN = re.compile(rb"""["'\[\]>]|<!--""")
_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_TRAILING_COMMENT = re.compile(rb"<!--(?:(?!<!--).)*?-->\s*$", re.DOTALL)
_HTML_ROOTS = {b"html", b"head", b"body"}
_LATIN_CHARSETS = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}


@dataclass
class ParsedFeed:
    """What feedparser made of a feed, and what was done to the bytes before.

    Attributes:
        data: feedparser's result (``data.feed``, ``data.entries``, ``data.version``...).
        root: The name of the document's root element (``rss``, ``feed``, ``rdf:RDF``).
        removed_doctype: Whether a DOCTYPE was removed before parsing.
        recovered: feedparser's complaint when it had to fall back to its tolerant parser
            (an unescaped ``&``, a stray tag), or ``None``.
    """

    data: Any
    root: str
    removed_doctype: bool
    recovered: str | None


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = email.message.Message()
    message["Content-Type"] = content_type
    value = message.get_param("charset")
    return value.strip().strip('"').lower() if isinstance(value, str) and value.strip() else None


def _to_utf8(content: bytes, encoding: str, url: str) -> bytes:
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as error:
        raise NotAFeed(f"{url} is not valid {encoding.upper()} ({error.reason})") from None
    text = text.lstrip("\ufeff")
    data = text.encode("utf-8")
    return _DECLARED_ENCODING.sub(rb"\1\2utf-8\2", data.lstrip(_WHITESPACE), count=1)


def _normalise_encoding(content: bytes, url: str) -> tuple[bytes, bool]:
    """The body as an ASCII-compatible byte string; True when it was re-encoded."""
    for mark, encoding in _BOMS:
        if content.startswith(mark):
            return _to_utf8(content[len(mark) :], encoding, url), True
    for start, encoding in _UNMARKED:
        if content.startswith(start):
            return _to_utf8(content, encoding, url), True
    if content.startswith(_UTF8_BOM):
        content = content[len(_UTF8_BOM) :]
    # White space before the XML declaration makes a document ill-formed (servers add it).
    return content.lstrip(_WHITESPACE), False


def _skip_space(content: bytes, pos: int) -> int:
    while pos < len(content) and content[pos] in _WHITESPACE:
        pos += 1
    return pos


def _doctype_end(content: bytes, start: int, url: str) -> int:
    """The index just after the DOCTYPE starting at ``start`` (its internal subset included)."""
    pos = start + len(b"<!DOCTYPE")
    in_subset = False
    while True:
        token = _DOCTYPE_TOKEN.search(content, pos)
        if token is None:
            raise NotAFeed(f"{url}: the DOCTYPE never ends (a truncated or malformed document)")
        found = token.group()
        if found in (b'"', b"'"):
            close = content.find(found, token.end())
            if close < 0:
                raise NotAFeed(f"{url}: a quoted string in the DOCTYPE never ends")
            pos = close + 1
        elif found == b"<!--":
            close = content.find(b"-->", token.end())
            if close < 0:
                raise NotAFeed(f"{url}: a comment in the DOCTYPE never ends")
            pos = close + 3
        elif found == b"[":
            in_subset, pos = True, token.end()
        elif found == b"]":
            in_subset, pos = False, token.end()
        elif not in_subset:  # ">"
            return token.end()
        else:
            pos = token.end()


def prepare(content: bytes, *, url: str) -> tuple[bytes, str, bool, bool]:
    """Check the body of a feed and remove its DOCTYPE.

    Args:
        content: The body as fetched.
        url: The feed's URL, for messages.

    Returns:
        ``(bytes, root, removed_doctype, reencoded)``: the body to parse (UTF-8 when it was
        UTF-16 or UTF-32), the root element's name, whether a DOCTYPE was removed, and
        whether the body was re-encoded.

    Raises:
        NotAFeed: for an empty body, an HTML page, JSON, a document that is not XML, an
            unfinished DOCTYPE or prolog, or a root element that is never closed.
    """
    if not content.strip():
        raise NotAFeed(f"{url} returned an empty body, not an RSS or Atom feed")
    content, reencoded = _normalise_encoding(content, url)
    pos = _skip_space(content, 0)
    head = content[pos : pos + 512]
    if _HTML_START.match(head):
        raise NotAFeed(f"{url} returned an HTML page, not an RSS or Atom feed")
    if head[:1] in (b"{", b"["):
        raise NotAFeed(f"{url} returned JSON, not an RSS or Atom feed")
    removed = False
    while True:  # the prolog: declaration, comments, processing instructions, DOCTYPE
        pos = _skip_space(content, pos)
        if content.startswith(b"<?", pos):
            end = content.find(b"?>", pos)
            if end < 0:
                raise NotAFeed(f"{url}: the XML declaration never ends (truncated document)")
            pos = end + 2
        elif content.startswith(b"<!--", pos):
            end = content.find(b"-->", pos)
            if end < 0:
                raise NotAFeed(f"{url}: a comment never ends (truncated document)")
            pos = end + 3
        elif content[pos : pos + 9].upper() == b"<!DOCTYPE":
            end = _doctype_end(content, pos, url)
            if re.match(rb"<!DOCTYPE\s+html\b", content[pos:end], re.IGNORECASE):
                raise NotAFeed(f"{url} returned an HTML page, not an RSS or Atom feed")
            content = content[:pos] + content[end:]
            removed = True
        else:
            break
    root = _NAME.match(content, pos)
    if root is None:
        preview = content[pos : pos + 40].decode("utf-8", "replace")
        raise NotAFeed(f"{url} did not return XML (it starts with {preview!r})")
    name = root.group(1)
    if name.lower() in _HTML_ROOTS:
        raise NotAFeed(f"{url} returned an HTML page, not an RSS or Atom feed")
    start_tag_end = content.find(b">", root.end())
    self_closed = start_tag_end > 0 and content[start_tag_end - 1 : start_tag_end] == b"/"
    if not self_closed and not _closes(content, name):
        tag = name.decode("ascii", "replace")
        raise NotAFeed(
            f"{url}: the document does not end with </{tag}>, the end of its root element "
            "(a truncated download, or something appended after the feed)"
        )
    return content, name.decode("ascii", "replace"), removed, reencoded


def _closes(content: bytes, name: bytes) -> bool:
    """Whether the document ends with the closing tag of ``name`` (then only comments)."""
    tail = content[-4096:].rstrip(_WHITESPACE + b"\x00")
    while tail.endswith(b"-->"):
        comment = _TRAILING_COMMENT.search(tail)
        if comment is None:
            break
        tail = tail[: comment.start()].rstrip(_WHITESPACE)
    return re.search(rb"</" + re.escape(name) + rb"\s*>$", tail) is not None


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed's body with feedparser, after :func:`prepare`.

    feedparser parses the bytes only (it is never given a URL, so it fetches nothing), with
    its own HTML sanitising and link resolution turned off: descriptions are sanitised
    afterwards with nh3, which resolves relative links too.

    Args:
        content: The body as fetched.
        url: The final URL (after redirects), for messages.
        content_type: The ``Content-Type`` header, for its charset.

    Raises:
        NotAFeed: see :func:`prepare`; also when the document is XML but not RSS or Atom.
    """
    body, root, removed, reencoded = prepare(content, url=url)
    charset = None if reencoded else _charset(content_type)
    if charset in _LATIN_CHARSETS and not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # valid UTF-8 mislabelled by a server default: trust the bytes
            charset = None
    if charset is not None:
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
    # No Content-Location: feedparser would then resolve the base of every element (a third
    # of its time); links and xml:base are resolved afterwards, against the final URL.
    headers = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    data = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    version = data.get("version") or ""
    if not version and not data.get("entries"):
        raise NotAFeed(f"{url} is XML but not an RSS or Atom feed (its root element is <{root}>)")
    recovered = None
    if data.get("bozo"):
        problem = data.get("bozo_exception")
        kind = type(problem).__name__
        if kind not in {"CharacterEncodingOverride", "NonXMLContentType"}:
            recovered = f"{kind}: {problem}"
    if recovered and not data.get("entries"):
        raise NotAFeed(f"{url} is not well-formed XML and no entry could be read ({recovered})")
    return ParsedFeed(data=data, root=root, removed_doctype=removed, recovered=recovered)
