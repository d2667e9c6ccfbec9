"""Reading the text properties of a VEVENT: titles, HTML descriptions, places, organisers.

Everything here works on plain values (strings), so that it can be tested without a
calendar. What cannot be read with confidence is left empty, never guessed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import nh3

from rrma_core.vocabularies import get_vocabulary

__all__ = [
    "HtmlCleaner",
    "Location",
    "PlaceReader",
    "http_url",
    "language_of",
    "looks_like_html",
    "plain_text",
]

#: The tags a description may keep: a small, safe set.
ALLOWED_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h2", "h3", "h4", "blockquote"}
)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")
_SPACE = re.compile(r"\s")


def plain_text(value: str) -> str:
    """``value`` without HTML tags, entities decoded and white space collapsed.

    Example:
        >>> plain_text("<b>Ciné-débat</b> &laquo;&nbsp;Nourrir&nbsp;&raquo;")
        'Ciné-débat « Nourrir »'
    """
    if "<" in value or "&" in value:
        value = html.unescape(nh3.clean(value, tags=set()))
    return " ".join(value.split())


def looks_like_html(value: str) -> bool:
    """Whether ``value`` contains HTML tags (Mobilizon and some CMS put HTML in DESCRIPTION)."""
    return "<" in value and _TAG.search(value) is not None


class HtmlCleaner:
    """Sanitises HTML descriptions: a safe set of tags, ``http(s)`` and ``mailto`` links only,
    relative links resolved against ``base`` (the calendar's final URL) or dropped without one.
    """

    def __init__(self, base: str | None) -> None:
        self._cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            url_relative=("rewrite_with_base", base) if base else "deny",
        )

    def clean(self, value: str) -> str:
        """The sanitised HTML fragment (empty when nothing is left)."""
        return self._cleaner.clean(value).strip()


def language_of(tag: object, default: str = "fr") -> str:
    """The primary language subtag of a ``LANGUAGE`` parameter (``fr-FR`` gives ``fr``)."""
    if isinstance(tag, str):
        primary = tag.strip().split("-")[0]
        if _LANGUAGE.fullmatch(primary):
            return primary.lower()
    return default


def http_url(value: str, base: str | None = None) -> str | None:
    """``value`` as an absolute http(s) URL (resolved against ``base`` when relative), or
    ``None`` when it is not one."""
    value = value.strip()
    if not value or _SPACE.search(value):
        return None
    try:
        if base and not urlsplit(value).scheme:
            value = urljoin(base, value)
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # such as an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return None
    return value


# --- LOCATION --------------------------------------------------------------------------------

_POSTAL = re.compile(r"(?<![\d-])(\d{5})\s+(\S.*)$")
_STREET = re.compile(
    r"^(\d+\s*(bis|ter|quater|[a-d])?\b|(rue|avenue|av\.|boulevard|bd|place|chemin|allée|"
    r"allee|quai|impasse|route|cours|square|passage|esplanade|parvis|rond-point|faubourg|"
    r"lieu-dit|hameau)\b)",
    re.IGNORECASE,
)

_NUMBERED_STREET = re.compile(
    r"\b\d+\s*(bis|ter|quater)?\s+(rue|avenue|av\.|boulevard|bd|place|chemin|allée|allee|"
    r"quai|impasse|route|cours|square|passage|esplanade|parvis|rond-point|faubourg)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Location:
    """What a ``LOCATION`` text says, as far as it can be read."""

    name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class PlaceReader:
    """Reads ``LOCATION`` texts, with the country and région names of the current
    vocabularies (built once per calendar; repeated texts are read once).

    Example:
        >>> reader = PlaceReader()
        >>> reader.read("Salle des fêtes, 12 rue de la Paix, 69001 Lyon")
        Location(name='Salle des fêtes', street='12 rue de la Paix', postal_code='69001', city='Lyon', country=None)
        >>> reader.read("12 rue Mazenod 69003 Lyon Auvergne-Rhône-Alpes France")
        Location(name=None, street='12 rue Mazenod', postal_code='69003', city='Lyon', country='FR')
        >>> reader.read("Médiathèque de Vaise").name
        'Médiathèque de Vaise'
    """  # noqa: E501

    def __init__(self) -> None:
        self._countries: dict[str, str] = {}
        for term in get_vocabulary("countries"):
            for label in (term.code, *term.labels.values()):
                self._countries.setdefault(_fold(label), term.code)
        self._regions = {
            _fold(label) for term in get_vocabulary("regions") for label in term.labels.values()
        }
        self._cache: dict[str, Location] = {}

    def country(self, text: str) -> str | None:
        """The ISO code of the country named ``text`` (in French or English), if it is one."""
        return self._countries.get(_fold(text))

    def read(self, text: str) -> Location:
        """Read a ``LOCATION``: a venue name, a street, a postal code and a city when present.

        Two shapes are common: comma-separated (``Salle des fêtes, 12 rue de la Paix, 69001
        Lyon``) and Mobilizon's space-separated ``street postal-code city région country``.
        Without a 5-digit postal code followed by a city, the whole text is the venue's name.
        """
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = self._read(text)
        return found

    def _strip_suffixes(self, text: str) -> tuple[str, str | None]:
        """``text`` without a trailing country and région name, and the country found."""
        country: str | None = None
        words = text.split()
        changed = True
        while changed and len(words) > 1:
            changed = False
            for size in range(min(4, len(words) - 1), 0, -1):
                tail = _fold(" ".join(words[-size:]))
                if country is None and tail in self._countries:
                    country, words, changed = self._countries[tail], words[:-size], True
                    break
                if tail in self._regions:
                    words, changed = words[:-size], True
                    break
        return " ".join(words), country

    def _read(self, text: str) -> Location:
        text = " ".join(text.split())
        segments = [s.strip() for s in text.split(",") if s.strip()]
        found = None
        for index in range(len(segments) - 1, -1, -1):
            match = _POSTAL.search(segments[index])
            if match:
                found = index, match
                break
        if found is None:
            return Location(name=text or None)
        index, match = found
        prefix = segments[index][: match.start()].strip(" -")
        city, country = self._strip_suffixes(match.group(2).strip())
        for later in segments[index + 1 :]:
            country = self.country(later) or country
        before = segments[:index]
        street: str | None = None
        if prefix:
            # Mobilizon's "Salle Paul Garcin 8 place de la Croix-Rousse 69004 Lyon": a name,
            # then a street starting with its number.
            number = _NUMBERED_STREET.search(prefix)
            if number and number.start() > 0:
                before.append(prefix[: number.start()].strip())
                street = prefix[number.start() :]
            else:
                street = prefix
        elif before and _STREET.match(before[-1]):
            street = before.pop()
        return Location(
            name=", ".join(before) or None,
            street=street,
            postal_code=match.group(1),
            city=city or None,
            country=country,
        )
