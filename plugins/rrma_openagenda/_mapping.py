"""How one OpenAgenda v2 event becomes the dict of an rrma [`Event`][rrma_core.models.Event].

The mapping reads what the event says and nothing more: a field that cannot be read (an
INSEE code that is no commune, a latitude of ``NaN``, a ``javascript:`` link) is left out and
noted, while the rest of the event is kept. Only an event without a title or without a
readable timing cannot become a record: ``SkipEvent`` then names the field.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pydantic

from rrma_core.models import Address
from rrma_core.vocabularies import (
    AttendanceMode,
    EventStatus,
    departement_of_commune,
    get_vocabulary,
)
from rrma_openagenda._text import fold, html_text, http_url, plain_text, safe_html

__all__ = ["ATTENDANCE_MODES", "MAX_TIMINGS", "STATUSES", "EventMapper", "SkipEvent", "permalink"]

#: OpenAgenda's ``status`` codes. 2 ("reprogrammé": the timings changed) is scheduled at the
#: new timings, which the event carries.
STATUSES: dict[int, EventStatus] = {
    1: EventStatus.SCHEDULED,
    2: EventStatus.SCHEDULED,
    3: EventStatus.MOVED_ONLINE,
    4: EventStatus.POSTPONED,
    5: EventStatus.FULL,
    6: EventStatus.CANCELLED,
}
#: OpenAgenda's ``attendanceMode`` codes.
ATTENDANCE_MODES: dict[int, AttendanceMode] = {
    1: AttendanceMode.OFFLINE,
    2: AttendanceMode.ONLINE,
    3: AttendanceMode.MIXED,
}
#: OpenAgenda allows 800 timings per event; an event with more than this is refused.
MAX_TIMINGS = 1000
#: How many keywords of one event are kept.
MAX_KEYWORDS = 100

_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_SDG_KEYWORD = re.compile(r"\b(?:odd|sdg)\s*[-#n°]*\s*(\d{1,2})\b", re.I)
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 2199


class SkipEvent(Exception):
    """Raised when an event cannot become a record; the message names the field and why."""


def permalink(agenda: str, uid: str) -> str:
    """The public page of event ``uid`` of ``agenda`` on openagenda.com.

    It uses the numeric uids, which never change, rather than the slugs, which follow the
    titles; openagenda.com redirects it to the page at the current slug.
    """
    return f"https://openagenda.com/agendas/{agenda}/events/{uid}"


@dataclass
class EventMapper:
    """Turns OpenAgenda events of one agenda into ``Event`` dicts.

    Attributes:
        agenda: The agenda's uid (for the event pages' URLs).
        campaign_edition: The campaign edition every event belongs to, if any.
        campaign_keywords: Keyword → campaign edition; an event with one of these keywords
            (compared without case or accents) belongs to that edition instead.
    """

    agenda: str
    campaign_edition: str | None = None
    campaign_keywords: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._editions = {fold(k): v for k, v in self.campaign_keywords.items()}
        self._countries = get_vocabulary("countries")
        self._sectors = get_vocabulary("sectors")
        self._sdgs = get_vocabulary("sdg")
        self._kinds = get_vocabulary("event_kinds")

    def event(self, raw: Mapping[str, Any], uid: str) -> tuple[dict[str, Any], list[str]]:
        """The ``Event`` dict of ``raw`` (whose uid is ``uid``), and notes on what was left out.

        Raises:
            SkipEvent: when the event has no title, or no timing that can be read.
        """
        notes: list[str] = []
        page = permalink(self.agenda, uid)
        title = _plain_texts(raw.get("title"), "title", notes)
        if not title:
            raise SkipEvent("title: missing or empty in every language")
        location = raw.get("location")
        location = location if isinstance(location, Mapping) else {}
        zone = _zone(raw.get("timezone")) or _zone(location.get("timezone"))
        occurrences = _occurrences(raw.get("timings"), zone, notes)

        status = _coded(raw.get("status"), STATUSES, EventStatus.SCHEDULED, "status", notes)
        mode = _coded(
            raw.get("attendanceMode"),
            ATTENDANCE_MODES,
            AttendanceMode.OFFLINE,
            "attendanceMode",
            notes,
        )
        keywords = _keywords(raw.get("keywords"))
        data: dict[str, Any] = {
            "source_id": uid,
            "title": title,
            "occurrences": occurrences,
            "status": status.value,
            "attendance_mode": mode.value,
            "url": page,
        }
        description = _descriptions(raw.get("description"), raw.get("longDescription"), page)
        if description:
            data["description"] = description
        # An online-only event has no venue: OpenAgenda keeps no location for it.
        venue = self._place(location, notes) if mode != AttendanceMode.ONLINE else None
        if venue:
            data["venue"] = venue
        online = raw.get("onlineAccessLink")
        if online:
            data["online_url"] = http_url(online)
            if data["online_url"] is None:
                notes.append(f"onlineAccessLink = {_short(online)}: not an http(s) URL, left out")
        registration = _registration_url(raw.get("registration"))
        if registration:
            data["registration_url"] = registration
        if keywords:
            data["keywords"] = keywords
            data.update(self._from_keywords(keywords))
        if "campaign_edition" not in data and self.campaign_edition:
            data["campaign_edition"] = self.campaign_edition
        return {k: v for k, v in data.items() if v is not None}, notes

    # --- the venue ---------------------------------------------------------------------------

    def _place(self, location: Mapping[str, Any], notes: list[str]) -> dict[str, Any] | None:
        if not location:
            return None
        place: dict[str, Any] = {
            "name": plain_text(location.get("name")),
            "address": self._address(location, notes),
            "coordinates": _coordinates(location, notes),
        }
        place = {k: v for k, v in place.items() if v is not None}
        return place or None

    def _address(self, location: Mapping[str, Any], notes: list[str]) -> dict[str, Any] | None:
        country = "FR"
        given = location.get("countryCode")
        if isinstance(given, str) and given.strip():
            country = given.strip().upper()
            if country not in self._countries:
                notes.append(
                    f"location.countryCode = {_short(given)}: unknown country, address left out"
                )
                return None
        city = plain_text(location.get("city"))
        postal_code = commune = None
        if country == "FR":
            commune = _commune(location.get("insee"), notes)
            postal_code = _postal_code(location.get("postalCode"), notes)
        given_postal = location.get("postalCode")
        written = plain_text(str(given_postal)) if isinstance(given_postal, str | int) else None
        street = _street(plain_text(location.get("address")), written, city)
        if not (street or postal_code or city or commune):
            return None
        address = {
            "street": street,
            "postal_code": postal_code,
            "city": city,
            "commune": commune,
            "country": country,
        }
        address = {k: v for k, v in address.items() if v is not None}
        try:
            Address.model_validate(address)
        except pydantic.ValidationError as error:
            notes.append(f"location: address left out ({error.errors()[0]['msg']})")
            return None
        return address

    # --- keywords ----------------------------------------------------------------------------

    def _from_keywords(self, keywords: list[str]) -> dict[str, Any]:
        """Themes, SDGs, kind and campaign edition that the keywords name."""
        themes: list[str] = []
        sdgs: list[int] = []
        kind = edition = None
        for keyword in keywords:
            themes += [code for code in self._sectors.match(keyword) if code not in themes]
            numbers = [int(n) for n in _SDG_KEYWORD.findall(keyword) if 1 <= int(n) <= 17]
            numbers += [int(code) for code in self._sdgs.match(keyword)]
            sdgs += [n for n in numbers if n not in sdgs]
            named = self._kinds.normalize(keyword)
            if kind is None and named not in (None, "other"):
                kind = named
            if edition is None:
                edition = self._editions.get(fold(keyword))
        found: dict[str, Any] = {"themes": themes or None, "sdgs": sdgs or None}
        found["event_kind"] = kind
        found["campaign_edition"] = edition
        return {k: v for k, v in found.items() if v is not None}


# --- texts -----------------------------------------------------------------------------------


def _languages(value: Any, name: str, notes: list[str]) -> dict[str, Any]:
    """A language-keyed field as a dict; a plain string counts as French."""
    if isinstance(value, str):
        return {"fr": value}
    if not isinstance(value, Mapping):
        return {}
    found = {}
    for lang, text in value.items():
        tag = lang.strip().replace("_", "-") if isinstance(lang, str) else ""
        primary, _, rest = tag.partition("-")
        tag = primary.lower() + (f"-{rest}" if rest else "")
        if _LANGUAGE.fullmatch(tag):
            found[tag] = text
        elif text:
            notes.append(f"{name}: {_short(lang)} is not a language tag, that text left out")
    return found


def _plain_texts(value: Any, name: str, notes: list[str]) -> dict[str, str]:
    texts = {lang: plain_text(text) for lang, text in _languages(value, name, notes).items()}
    return {lang: text for lang, text in texts.items() if text}


def _descriptions(short: Any, long: Any, page: str) -> dict[str, str] | None:
    """Per language, the long description (safe HTML) when there is one, else the short.

    The short description (a plain-text lead of at most 200 characters) is put before the
    long one as its first paragraph, unless the long one already says it.
    """
    ignored: list[str] = []
    shorts = _plain_texts(short, "description", ignored)
    longs = {
        lang: text
        for lang, text in (
            (lang, safe_html(value, page))
            for lang, value in _languages(long, "longDescription", ignored).items()
        )
        if text
    }
    texts: dict[str, str] = {}
    for lang in [*shorts, *(lang for lang in longs if lang not in shorts)]:
        lead, body = shorts.get(lang), longs.get(lang)
        if body and lead and fold(lead) not in fold(html_text(body)):
            texts[lang] = f"<p>{html.escape(lead, quote=False)}</p>{body}"
        else:
            texts[lang] = body or lead or ""
    return {lang: text for lang, text in texts.items() if text} or None


def _keywords(value: Any) -> list[str]:
    """Every keyword in every language (French first), without repeats."""
    if isinstance(value, Mapping):
        groups = sorted(value.items(), key=lambda item: item[0] != "fr")
        lists: Iterable[Any] = [words for _, words in groups]
    elif isinstance(value, list):
        lists = [value]
    else:
        return []
    keywords: list[str] = []
    seen: set[str] = set()
    for words in lists:
        for word in words if isinstance(words, list) else [words]:
            text = plain_text(word)
            if text and fold(text) not in seen and len(keywords) < MAX_KEYWORDS:
                seen.add(fold(text))
                keywords.append(text)
    return keywords


# --- time ------------------------------------------------------------------------------------


def _zone(name: Any) -> tzinfo | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _instant(value: Any, zone: tzinfo | None) -> datetime | None:
    """An aware date-time read from OpenAgenda's ISO text (``2026-11-20T20:00:00+0100``)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        if zone is None:
            return None  # a local time without a zone is not an instant: never guessed
        moment = moment.replace(tzinfo=zone)
    if not _EARLIEST_YEAR <= moment.year <= _LATEST_YEAR:
        return None
    return moment


def _occurrences(timings: Any, zone: tzinfo | None, notes: list[str]) -> list[dict[str, str]]:
    if not isinstance(timings, list) or not timings:
        raise SkipEvent("timings: no timing (the event has no date)")
    if len(timings) > MAX_TIMINGS:
        raise SkipEvent(f"timings: {len(timings)} timings, more than {MAX_TIMINGS}")
    occurrences: list[dict[str, str]] = []
    unreadable: list[str] = []
    for timing in timings:
        if not isinstance(timing, Mapping):
            unreadable.append(_short(timing))
            continue
        start = _instant(timing.get("begin"), zone)
        if start is None:
            unreadable.append(f"begin = {_short(timing.get('begin'))}")
            continue
        occurrence = {"start": start.isoformat()}
        end = _instant(timing.get("end"), zone)
        if end is None and timing.get("end") is not None:
            notes.append(f"timings: end = {_short(timing.get('end'))} unreadable, left out")
        elif end is not None and end < start:
            notes.append(f"timings: end {end.isoformat()} is before begin, left out")
        elif end is not None:
            occurrence["end"] = end.isoformat()
        if occurrence not in occurrences:
            occurrences.append(occurrence)
    if not occurrences:
        raise SkipEvent(
            f"timings: none of the {len(timings)} timings can be read (first: {unreadable[0]})"
        )
    if unreadable:
        notes.append(
            f"timings: {len(unreadable)} unreadable timing(s) left out (first: {unreadable[0]})"
        )
    return occurrences


# --- places ----------------------------------------------------------------------------------


def _commune(value: Any, notes: list[str]) -> str | None:
    if value is None or value == "":
        return None
    code = str(value).strip().upper() if isinstance(value, str | int) else ""
    try:
        departement_of_commune(code)
    except ValueError:
        notes.append(f"location.insee = {_short(value)}: not an INSEE commune code, left out")
        return None
    return code


def _postal_code(value: Any, notes: list[str]) -> str | None:
    if value is None or value == "":
        return None
    code = re.sub(r"\s", "", str(value)) if isinstance(value, str | int) else ""
    if not re.fullmatch(r"\d{5}", code):
        notes.append(f"location.postalCode = {_short(value)}: not a postal code, left out")
        return None
    return code


def _street(address: str | None, postal_code: str | None, city: str | None) -> str | None:
    """The street part of OpenAgenda's one-line address ("12 rue X, 69001 Lyon, France")."""
    if not address:
        return None
    street = re.sub(r"[,\s]*\bFrance\s*$", "", address, flags=re.I)
    if postal_code:
        match = re.search(rf"[,\s]*\b{re.escape(postal_code)}\b(?P<rest>.*)$", street)
        rest = fold(match["rest"]).strip(" ,") if match else None
        if match and (not rest or (city and rest.startswith(fold(city)))):
            street = street[: match.start()]
    elif city and fold(street).endswith(fold(city)) and fold(street) != fold(city):
        street = re.sub(rf"[,\s]+{re.escape(city)}\s*$", "", street, flags=re.I)
    street = street.strip(" ,")
    if not street or (city and fold(street) == fold(city)):
        return None
    return street


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _coordinates(location: Mapping[str, Any], notes: list[str]) -> dict[str, float] | None:
    given_lat, given_lon = location.get("latitude"), location.get("longitude")
    if given_lat is None and given_lon is None:
        return None
    lat, lon = _number(given_lat), _number(given_lon)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        notes.append(
            f"location: coordinates ({_short(given_lat)}, {_short(given_lon)}) unreadable, left out"
        )
        return None
    if lat == 0 and lon == 0:  # the usual placeholder of an address never geocoded
        notes.append("location: coordinates (0, 0) are a placeholder, left out")
        return None
    return {"lat": lat, "lon": lon}


# --- the rest --------------------------------------------------------------------------------


def _coded(value: Any, codes: Mapping[int, Any], default: Any, name: str, notes: list[str]) -> Any:
    """The meaning of an OpenAgenda integer code; the default when absent or unknown."""
    if value is None:
        return default
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is not None and number in codes:
        return codes[number]
    notes.append(f"{name} = {_short(value)}: unknown code, read as {default.value}")
    return default


def _registration_url(value: Any) -> str | None:
    """The first registration link. E-mail addresses and phone numbers are not kept."""
    if not isinstance(value, list):
        return None
    for entry in value:
        if isinstance(entry, Mapping):
            if entry.get("type") == "link":
                url = http_url(entry.get("value"))
                if url:
                    return url
        elif isinstance(entry, str):  # the shape OpenAgenda accepts on writing
            url = http_url(entry)
            if url:
                return url
    return None


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
