"""Plain text for calendar clients: HTML turned into text, characters iCalendar forbids removed.

Calendar clients show ``SUMMARY``, ``LOCATION`` and ``DESCRIPTION`` as plain text, and RFC 5545
allows no control character in a ``TEXT`` value except the horizontal tab. Sources, though,
send HTML descriptions (OpenAgenda, WordPress agendas), stray control characters from
spreadsheets and word processors, and sometimes whole pages of text. These helpers make each
of them something a calendar can show.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from html import unescape

__all__ = ["clean_url", "fold_key", "one_line", "plain_text", "shorten"]

#: What RFC 5545 forbids in TEXT values (C0 controls but tab and line feed, DEL, C1 controls),
#: plus what UTF-8 cannot carry or readers choke on (lone surrogates, non-characters).
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_NEWLINES = re.compile("\r\n?|[\u0085\u2028]")
_LOOKS_LIKE_HTML = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9]*[\s/>]|/[A-Za-z]|!--)|&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I
)
_TAG_START = re.compile(r"<(?=[A-Za-z][A-Za-z0-9]*[\s/>]|/[A-Za-z]|!--)")
_PARAGRAPH_TAG = re.compile(r"<(?:br|p|div|li|h[1-6]|tr|pre|blockquote)\b", re.I)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")

#: Elements that start and end a paragraph.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main",
        "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
#: Elements whose content is never text for people.
_HIDDEN = frozenset(
    {"head", "iframe", "noscript", "object", "script", "style", "svg", "template", "title"}
)


def _clean(text: str) -> str:
    """``text`` with line breaks normalised to ``\\n`` and forbidden characters removed."""
    text = _NEWLINES.sub("\n", text).replace("\u2029", "\n\n")
    return _FORBIDDEN.sub("", text)


#: A comment, a declaration or processing instruction, or a tag with its attributes (quoted
#: values may hold ``>``). A ``<`` that starts none of these is text ("3 < 5", "<3").
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<[!?][^>]*>"
    r"|<(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>",
    re.S,
)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


def _html_to_text(html: str, *, keep_newlines: bool) -> str:
    """The text of an HTML fragment, with paragraphs, line breaks and list items.

    ``keep_newlines`` keeps the fragment's own line breaks, which HTML reads as spaces: for
    text with a few inline tags but no paragraph (as many sources write), and for a second
    pass whose breaks the first one made.

    A small tokenizer rather than ``html.parser``: several times faster on the thousands of
    descriptions of an agenda, and enough for what it keeps (text, block breaks, link
    targets). Script, style and similar elements are dropped with their content.
    """
    parts: list[str] = []
    links: list[tuple[str | None, int]] = []
    pre = 0
    position = 0
    length = len(html)
    while position < length:
        match = _TOKEN.search(html, position)
        stop = match.start() if match else length
        if stop > position:
            data = unescape(html[position:stop])
            parts.append(
                data if pre or keep_newlines else _SPACES.sub(" ", data.replace("\n", " "))
            )
        if match is None:
            break
        position = match.end()
        name = (match.group("name") or "").lower()
        if not name:
            continue  # a comment or a declaration
        closing = bool(match.group("end"))
        if name in _HIDDEN and not closing:
            # Raw text up to the element's end tag (or the end): never shown.
            end = re.compile(rf"</{re.escape(name)}\s*>", re.I).search(html, position)
            position = end.end() if end else length
        elif name == "br":
            parts.append("\n")
        elif name == "li":
            parts.append("" if closing else "\n• ")
        elif name in ("td", "th") and not closing:
            parts.append(" ")
        elif name in _BLOCKS:
            parts.append("\n\n")
            if name == "pre":
                pre = max(0, pre - 1) if closing else pre + 1
        elif name == "a" and not closing:
            href = _HREF.search(match.group("attrs"))
            target = unescape(next(g for g in href.groups() if g is not None)) if href else None
            links.append((target.strip() if target else None, len(parts)))
        elif name == "a" and links:
            target, first = links.pop()
            label = "".join(parts[first:])
            # A calendar shows no links: a web address the text does not show is added.
            if (
                target
                and target.lower().startswith(("http://", "https://"))
                and target not in label
            ):
                parts.append(f" ({target})")
    return "".join(parts)


def plain_text(text: str) -> str:
    """The text people should read: HTML turned into paragraphs, forbidden characters removed.

    Text that does not look like HTML is only cleaned: a ``<`` in "3 < 5" stays.

    Example:
        >>> plain_text("<p>Projection <b>suivie</b> d'un débat :</p><ul><li>Awa</li></ul>")
        "Projection suivie d'un débat :\\n\\n• Awa"
        >>> plain_text("Entrée libre\\x00\\r\\nSur réservation")
        'Entrée libre\\nSur réservation'
    """
    text = _clean(text)
    # Twice more at most: feeds often escape their HTML once more ("&lt;p&gt;"), and text
    # that still holds tags once decoded is not shown as tags to clients that render HTML.
    for round_ in range(3):
        if not _LOOKS_LIKE_HTML.search(text):
            break
        keep_newlines = round_ > 0 or not _PARAGRAPH_TAG.search(text)
        # Entities may have made control characters: cleaned again.
        text = _clean(_html_to_text(text, keep_newlines=keep_newlines))
    else:
        # Escaped more than twice: what still reads as a tag is broken ("< script>").
        text = _TAG_START.sub("< ", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    """``text`` as plain text on one line (for a title, a place, a category).

    Example:
        >>> one_line("Ciné-débat\\n« Le riz du delta »\\t")
        'Ciné-débat « Le riz du delta »'
    """
    if text.isprintable() and "<" not in text and "&" not in text and "  " not in text:
        return text.strip()  # the common case, already clean: no control, no tag, no entity
    return " ".join(plain_text(text).split())


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary, ending with "…".

    Example:
        >>> shorten("Rencontre régionale des acteurs", 20)
        'Rencontre régionale…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.\n") + "…"


def clean_url(url: str | None) -> str | None:
    """``url`` without the control characters a URL validated as http(s) may still hold.

    Example:
        >>> clean_url("https://example.org/a\\x00b")
        'https://example.org/ab'
    """
    if not url:
        return None
    return _FORBIDDEN.sub("", url) or None


def fold_key(text: str) -> str:
    """A key that ignores case and accents, to tell repeated categories apart.

    Example:
        >>> fold_key("Éducation") == fold_key("education")
        True
    """
    return _fold_short(text) if len(text) <= 256 else _fold(text)


@functools.lru_cache(maxsize=4096)
def _fold_short(text: str) -> str:
    return _fold(text)  # categories and places repeat from event to event


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
