"""Cell values as French organisers write them, read into model values and written back.

Each ``read_*`` function takes a cell (text, or what openpyxl gives for an XLSX cell: a
number, a ``datetime``, a ``time``...) and returns the model's value, or raises
[`CellError`][rrma_festival._values.CellError] with a reason in French naming the value.
Each ``write_*`` function is its inverse, so that a programme read then written back reads
the same.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import nh3
from pydantic import ValidationError

from rrma_core.models import Actor, Address
from rrma_core.vocabularies import (
    FRENCH_MONTH_NUMBERS,
    WEEKDAYS,
    departement_of_commune,
    get_vocabulary,
    region_of_departement,
    timezone_of_region,
)

__all__ = [
    "FORMULA_STARTS",
    "CellError",
    "ParsedList",
    "cell_text",
    "fold",
    "generic_email",
    "name_key",
    "neutralise",
    "plain_text",
    "read_actor_type",
    "read_audiences",
    "read_date",
    "read_insee",
    "read_kind",
    "read_postal_code",
    "read_price",
    "read_rna",
    "read_siret",
    "read_status",
    "read_times",
    "read_url",
    "rich_text",
    "split_list",
    "write_actor_type",
    "write_audiences",
    "write_date",
    "write_price",
    "write_status",
    "write_time",
    "zone_of",
]

#: Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a"}
_ALLOWED_TAGS |= {"h2", "h3", "h4", "blockquote"}

_WEEKDAYS = WEEKDAYS["fr"]
_MONTHS = {**FRENCH_MONTH_NUMBERS, "jan": 1, "sep": 9}
_DAY_ABBREVIATIONS = {"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}
_DATE_FORMATS = "12/11/2026, 12/11/26, jeudi 12 novembre 2026 ou 2026-11-12"


class CellError(ValueError):
    """A cell that cannot be read; its message (in French) names the value and why."""


def fold(text: str) -> str:
    """Lower case without accents: ``"Décembre"`` is ``"decembre"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> str:
    """Folded, punctuation turned into single spaces: ``"Tout-public !"`` is ``"tout public"``."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def name_key(name: str) -> str:
    """An organisation's name as compared: folded words joined by hyphens.

    Example:
        >>> name_key("  Artisans du Monde – LYON ")
        'artisans-du-monde-lyon'
    """
    return "-".join(_words(name).split())


# --- Text ------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text: trimmed, with a formula-neutralising apostrophe taken off.

    The exporter writes ``'=...`` for a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return (so that a spreadsheet does not run it as a formula); reading takes
    that apostrophe off again. Numbers are written without a useless ``.0``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return write_date(value.date()) + (
            f" {write_time(value.time())}" if value.time() != time() else ""
        )
    if isinstance(value, date):
        return write_date(value)
    if isinstance(value, time):
        return write_time(value)
    text = str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text.strip()


def neutralise(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet runs as a formula (see ``cell_text``)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain_text(text: str) -> str:
    """Text for a title or a name: tags stripped, entities decoded, spaces collapsed."""
    if "<" in text or "&" in text:
        text = html.unescape(nh3.clean(text, tags=set()))
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def rich_text(text: str, base_url: str | None = None) -> str:
    """Text for a description: HTML is sanitised (a small safe set of tags; relative links
    resolved against ``base_url``, or dropped without one); plain text keeps its lines."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not _TAG.search(text):
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))

    def resolve(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            scheme = urlsplit(value.strip()).scheme.lower()
            if scheme in {"http", "https", "mailto"}:
                return value.strip()
            if scheme or base_url is None:
                return None
            return urljoin(base_url, value.strip())
        return value

    return nh3.clean(
        text,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        attribute_filter=resolve,
    ).strip()


def split_list(text: str, separators: str = r"[;\n]") -> list[str]:
    """The non-empty items of a cell listing several, in order, without repeats."""
    items: list[str] = []
    for part in re.split(separators, text):
        cleaned = plain_text(part)
        if cleaned and cleaned not in items:
            items.append(cleaned)
    return items


# --- Dates and times -------------------------------------------------------------------------


def read_date(value: Any, *, year: int) -> tuple[date, time | None]:
    """A day as French people write it, with the time when the cell gives one too.

    ``year`` completes a date written without one (``"jeudi 12 novembre"``): the edition's.

    Example:
        >>> read_date("jeudi 12 novembre 2026", year=2026)
        (datetime.date(2026, 11, 12), None)
        >>> read_date("12/11/26 à 20h30", year=2026)
        (datetime.date(2026, 11, 12), datetime.time(20, 30))
    """
    if isinstance(value, datetime):
        moment = value.time().replace(tzinfo=None)
        return value.date(), (moment if moment != time() else None)
    if isinstance(value, date):
        return value, None
    if isinstance(value, time):
        raise CellError(f"'{write_time(value)}' est une heure, pas une date")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            f"{cell_text(value)} est un nombre, pas une date (mettez la cellule au format Date)"
        )
    text = cell_text(value)
    folded = " ".join(fold(text).replace(",", " ").split())
    clock: time | None = None
    # A time after the day: "12/11/2026 20:30", "jeudi 12 novembre à 20h".
    match = re.fullmatch(r"(.*?)\s*(?:\ba\s+|\s|t)(\d{1,2}\s*[h:]\s*\d{0,2})(?::00)?", folded)
    if match and re.search(r"\d", match.group(1)):
        folded = match.group(1).strip()
        clock = read_times(match.group(2))[0]
    day = _day_of(folded, text, year)
    # Midnight is what a spreadsheet shows for a day without a time.
    return day, (clock if clock != time() else None)


def _day_of(folded: str, text: str, year: int) -> date:
    weekday: int | None = None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:t00:00(?::00)?)?", folded)
    if match:
        parts = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    else:
        match = re.fullmatch(r"([a-z]+)\.?\s+(.*)", folded)
        if match and (match.group(1) in _WEEKDAYS or match.group(1) in _DAY_ABBREVIATIONS):
            name = match.group(1)
            weekday = _WEEKDAYS.index(name) if name in _WEEKDAYS else _DAY_ABBREVIATIONS[name]
            folded = match.group(2)
        numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?", folded)
        textual = re.fullmatch(r"(\d{1,2})(?:er)?\s+([a-z]+)\.?(?:\s+(\d{4}))?", folded)
        if numeric:
            day_text, month_text, year_text = numeric.groups()
            month = int(month_text)
        elif textual and textual.group(2) in _MONTHS:
            day_text, month_name, year_text = textual.groups()
            month = _MONTHS[month_name]
        else:
            raise CellError(f"'{text}' n'est pas une date (attendu : {_DATE_FORMATS})")
        full_year = year if year_text is None else int(year_text)
        if year_text is not None and len(year_text) == 2:
            full_year = 2000 + full_year
        parts = (full_year, month, int(day_text))
    try:
        day = date(*parts)
    except ValueError:
        raise CellError(f"'{text}' n'est pas une date") from None
    if weekday is not None and day.weekday() != weekday:
        raise CellError(
            f"le {write_date(day)} est un {_WEEKDAYS[day.weekday()]}, "
            f"pas un {_WEEKDAYS[weekday]} ('{text}')"
        )
    return day


def _one_time(text: str, shown: str) -> time:
    folded = fold(text).replace(" ", "")
    if folded == "midi":
        return time(12)
    folded = re.sub(r"(mn|min)$", "", folded)
    match = re.fullmatch(r"(\d{1,2})(?:[h:.](\d{2})?)?(?::(\d{2}))?", folded)
    if not match:
        raise CellError(f"'{shown}' n'est pas une heure (attendu : 20h, 20h30, 20:30)")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise CellError(f"'{shown}' n'est pas une heure")
    return time(hour, minute)


def read_times(value: Any) -> tuple[time, time | None]:
    """A time (``20h``, ``20h30``, ``20:30``, ``20 h 30``, an Excel time), or a range written
    in one cell (``14h-16h``, ``de 14h à 16h``): the start, and the end when given.

    Example:
        >>> read_times("20 h 30")
        (datetime.time(20, 30), None)
        >>> read_times("de 14h à 16h")
        (datetime.time(14, 0), datetime.time(16, 0))
    """
    if isinstance(value, datetime):
        return value.time().replace(tzinfo=None, second=0, microsecond=0), None
    if isinstance(value, time):
        return value.replace(tzinfo=None, second=0, microsecond=0), None
    if isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        minutes = int(value.total_seconds()) // 60
        return time(minutes // 60, minutes % 60), None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 23:
        return time(value), None
    if not isinstance(value, str):
        raise CellError(
            f"{cell_text(value)} n'est pas une heure (mettez la cellule au format Heure)"
        )
    text = cell_text(value)
    folded = re.sub(r"^de\s+", "", fold(text).strip())
    parts = re.split(r"\s*(?:-|–|—|/|\ba\b|\bjusqu'?a\b)\s*", folded)
    if len(parts) == 2 and all(parts):
        return _one_time(parts[0], text), _one_time(parts[1], text)
    return _one_time(folded, text), None


def write_date(day: date) -> str:
    """``12/11/2026``."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def write_time(clock: time) -> str:
    """``20h`` or ``20h30``."""
    return f"{clock.hour}h" + (f"{clock.minute:02d}" if clock.minute else "")


def zone_of(commune: str | None, postal_code: str | None, default: tzinfo) -> tzinfo:
    """The time zone of a place: its région's (from the INSEE code, or an overseas postal
    code, whose first three digits are its département), else ``default``."""
    departement: str | None = None
    if commune:
        departement = departement_of_commune(commune)
    elif postal_code and postal_code[:3] in {"971", "972", "973", "974", "976"}:
        departement = postal_code[:3]
    if departement is None:
        return default
    return ZoneInfo(timezone_of_region(region_of_departement(departement)))


# --- Closed lists ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedList:
    """Codes read from a cell, and whether the codes say all the cell said."""

    codes: list[str]
    exact: bool


_AUDIENCES: dict[str, str] = {
    **dict.fromkeys(
        (
            "grand public",
            "tout public",
            "tous publics",
            "tout publics",
            "tous public",
            "public",
            "adultes",
            "familles",
            "famille",
            "public familial",
        ),
        "general-public",
    ),
    **dict.fromkeys(
        (
            "scolaire",
            "scolaires",
            "public scolaire",
            "publics scolaires",
            "eleves",
            "classes",
            "collegiens",
            "lyceens",
            "ecoliers",
        ),
        "school",
    ),
    **dict.fromkeys(
        (
            "professionnels",
            "professionnel",
            "professionnel le s",
            "public professionnel",
            "publics professionnels",
            "pros",
        ),
        "professionals",
    ),
}


def read_audiences(text: str) -> ParsedList:
    """Audiences from ``"Grand public, scolaires"``; ``exact`` is false when a part of the
    cell is not one of them or says more (``"Scolaires (lycées)"``)."""
    codes: list[str] = []
    exact = True
    for part in re.split(r"[,;/+\n]|\bet\b", fold(text)):
        key = _words(part)
        if not key:
            continue
        code = _AUDIENCES.get(key)
        if code is None:
            exact = False
            padded = f" {key} "
            # "Scolaires (lycées)" is school; "Jeune public" is not the general public.
            code = next(
                (c for k, c in _AUDIENCES.items() if k != "public" and f" {k} " in padded), None
            )
        if code is not None and code not in codes:
            codes.append(code)
    return ParsedList(codes, exact)


def write_audiences(codes: Iterable[str]) -> str:
    """``"Grand public, Public scolaire"``."""
    vocabulary = get_vocabulary("audiences")
    return ", ".join(vocabulary.label(code) for code in codes)


# Words of a type of animation, tried in order (folded, whole words).
_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("projection", "projections", "cine", "cinema", "film", "documentaire", "court metrage"),
        "projection-debat",
    ),
    (("scolaire", "scolaires", "en classe", "en milieu scolaire"), "school-activity"),
    (("village", "villages"), "marche-solidarites"),
    (("conference", "conferences", "table ronde", "debat", "debats", "colloque"), "conference"),
    (("atelier", "ateliers", "jeu", "jeux", "fresque"), "workshop"),
    (("formation",), "training-session"),
    (("rencontre", "rencontres", "cafe", "apero", "temoignage", "temoignages"), "rencontre"),
)


def read_kind(label: str) -> str:
    """The event kind a type of animation names (``"Ciné-débat"`` is a projection-débat);
    ``"other"`` when none does (an exhibition, a concert, a meal...).

    Example:
        >>> read_kind("Ciné-débat"), read_kind("Marché solidaire"), read_kind("Concert")
        ('projection-debat', 'marche-solidarites', 'other')
    """
    padded = f" {_words(label)} "
    # "marché" (a market) but not "marche" (a walk): the accent is the only difference.
    if re.search(r"\bmarché", label.casefold()):
        return "marche-solidarites"
    for words, kind in _KINDS:
        if any(f" {word} " in padded for word in words):
            return kind
    return "other"


_STATUSES: dict[str, str] = {
    **dict.fromkeys(
        (
            "",
            "programme",
            "programmee",
            "confirme",
            "confirmee",
            "maintenu",
            "maintenue",
            "prevu",
            "prevue",
        ),
        "scheduled",
    ),
    **dict.fromkeys(("annule", "annulee", "annulation"), "cancelled"),
    **dict.fromkeys(("reporte", "reportee", "report"), "postponed"),
    **dict.fromkeys(("complet", "complete", "plus de places"), "full"),
    **dict.fromkeys(
        ("en ligne", "passe en ligne", "passee en ligne", "deplace en ligne"), "moved-online"
    ),
}


def read_status(text: str) -> tuple[str, bool]:
    """The event status a cell names, and whether it names one (else ``"scheduled"``)."""
    code = _STATUSES.get(_words(text))
    return (code, True) if code is not None else ("scheduled", False)


def write_status(code: str) -> str:
    """The French label of a status; empty for a scheduled event."""
    return "" if code == "scheduled" else get_vocabulary("event_statuses").label(code)


_ACTOR_TYPES: dict[str, str] = {
    **dict.fromkeys(("asso", "associations", "association loi 1901"), "association"),
    **dict.fromkeys(
        (
            "collectivite",
            "collectivites",
            "mairie",
            "commune",
            "ville",
            "departement",
            "region",
            "conseil departemental",
            "conseil regional",
            "intercommunalite",
            "communaute de communes",
            "communaute d agglomeration",
            "metropole",
        ),
        "local-authority",
    ),
    **dict.fromkeys(("ecole", "college", "lycee", "lycee agricole"), "school"),
    **dict.fromkeys(("universite", "iut", "enseignement superieur"), "university"),
    **dict.fromkeys(
        ("entreprise de l ess", "entreprise ess", "ess", "scop", "scic", "cooperative"),
        "ess-enterprise",
    ),
    **dict.fromkeys(("etablissement public", "service de l etat"), "public-body"),
    **dict.fromkeys(("reseau", "reseaux"), "network"),
}


def read_actor_type(text: str) -> str:
    """The actor type a "type de structure" cell names; ``"other"`` when none (never guessed)."""
    if not text.strip():
        return "other"
    code = get_vocabulary("actor_types").normalize(text)
    return code or _ACTOR_TYPES.get(_words(text), "other")


def write_actor_type(code: str) -> str:
    """The French label of an actor type."""
    return get_vocabulary("actor_types").label(code)


# --- Prices, links, codes --------------------------------------------------------------------

_FREE = {
    "gratuit",
    "gratuite",
    "gratuits",
    "entree libre",
    "entree gratuite",
    "libre",
    "acces libre",
    "0",
    "0 €",
    "0 eur",
    "0 euro",
}


def read_price(value: Any) -> dict[str, Any] | None:
    """A [`Price`][rrma_core.models.Price] as a dict: the cell's words in ``text``, ``free``
    for "gratuit" or "entrée libre", ``amount`` for one amount ("5 €", "5,50 €", 5).

    Example:
        >>> read_price("5,50 €")
        {'text': '5,50 €', 'amount': 5.5}
        >>> read_price("Prix libre")
        {'text': 'Prix libre'}
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
        if amount < 0:
            raise CellError(f"{cell_text(value)} n'est pas un tarif")
        price: dict[str, Any] = {"text": write_price(amount)}
        if amount == 0:
            price["free"] = True
        else:
            price["amount"] = amount
        return price
    text = plain_text(cell_text(value))
    if not text:
        return None
    folded = " ".join(fold(text).replace("€", " € ").split())
    price = {"text": text}
    if folded in _FREE:
        price["free"] = True
        return price
    match = re.fullmatch(r"(\d{1,5})(?:[.,](\d{1,2}))?\s*(?:€|eur|euro|euros)?", folded)
    if match:
        amount = float(f"{match.group(1)}.{match.group(2) or 0}")
        if amount == 0:
            price["free"] = True
        else:
            price["amount"] = amount
    return price


def write_price(amount: float) -> str:
    """``"5 €"``, ``"5,50 €"``."""
    if amount.is_integer():
        return f"{int(amount)} €"
    return f"{amount:.2f} €".replace(".", ",")


def read_url(value: Any) -> str:
    """An absolute http(s) link (``www.example.org`` alone is refused: its scheme is unknown)."""
    text = cell_text(value)
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise CellError(f"'{text}' n'est pas un lien http(s) complet")
    if any(c.isspace() for c in text):
        raise CellError(f"'{text}' contient des espaces : ce n'est pas un lien")
    return text


def _digits(value: Any, width: int, *, short_text: bool = False) -> str:
    """Digits of a code cell, with the leading zeros a spreadsheet drops put back: always for
    a number cell (1000 is the postal code 01000), and with ``short_text`` for a text one
    digit short (the same number, in a CSV that Excel wrote)."""
    text = cell_text(value).replace(" ", "").replace("\u00a0", "").replace(".", "")
    if text.isdigit() and len(text) < width and not isinstance(value, str):
        text = text.zfill(width)
    elif short_text and text.isdigit() and len(text) == width - 1:
        text = "0" + text
    return text


def read_postal_code(value: Any) -> str:
    """A postal code (5 digits; ``1000``, which a spreadsheet made of ``01000``, is put back)."""
    text = _digits(value, 5, short_text=True)
    try:
        Address(postal_code=text)
    except ValidationError:
        raise CellError(f"'{cell_text(value)}' n'est pas un code postal (5 chiffres)") from None
    return text


def read_insee(value: Any) -> str:
    """An INSEE commune code (5 characters, ``2A``/``2B`` for Corsica)."""
    text = cell_text(value).upper()
    text = _digits(value, 5, short_text=True) if text.isdigit() else text
    try:
        Address(commune=text)
    except ValidationError:
        raise CellError(
            f"'{cell_text(value)}' n'est pas un code INSEE de commune "
            "(5 caractères, 2A ou 2B pour la Corse)"
        ) from None
    return text


def read_siret(value: Any) -> str:
    """A SIRET (14 digits with a valid key)."""
    text = _digits(value, 14)
    try:
        Actor(name="-", actor_type="other", siret=text)
    except ValidationError:
        raise CellError(f"'{cell_text(value)}' n'est pas un SIRET valable") from None
    return text


def read_rna(value: Any) -> str:
    """An RNA number (``W`` and 9 digits)."""
    text = cell_text(value).replace(" ", "").upper()
    try:
        Actor(name="-", actor_type="association", rna=text)
    except ValidationError:
        raise CellError(f"'{cell_text(value)}' n'est pas un numéro RNA (W + 9 chiffres)") from None
    return text


_GENERIC_MAILBOXES = {
    "accueil",
    "admin",
    "administration",
    "alimenterre",
    "animation",
    "asso",
    "association",
    "benevoles",
    "benevolat",
    "bibliotheque",
    "bonjour",
    "cinema",
    "com",
    "communication",
    "contact",
    "contacts",
    "coordination",
    "courrier",
    "direction",
    "ecsi",
    "equipe",
    "festisol",
    "festival",
    "hello",
    "info",
    "infos",
    "information",
    "informations",
    "inscription",
    "inscriptions",
    "mairie",
    "mediatheque",
    "presse",
    "programmation",
    "reservation",
    "reservations",
    "secretariat",
    "solidarite",
}
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def generic_email(text: str) -> str | None:
    """The cell's e-mail address if it is an organisation's generic one (``contact@``,
    ``info@``...): never a person's (``marie.dupont@``), never a phone number.

    Example:
        >>> generic_email("contact@terre-partage.fr / 04 78 00 00 00")
        'contact@terre-partage.fr'
        >>> generic_email("Marie Dupont, marie.dupont@terre-partage.fr") is None
        True
    """
    found = _EMAIL.findall(text)
    if len(found) != 1:
        return None
    address = found[0].lower()
    first = re.split(r"[._+-]", fold(address.split("@")[0]))[0]
    return address if first in _GENERIC_MAILBOXES else None
