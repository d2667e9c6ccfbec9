"""The ``ics`` exporter: events as an RFC 5545 calendar that clients subscribe to or import."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import IO, Any, ClassVar

from icalendar import Calendar, vCategory, vDDDTypes, vDuration, vGeo, vInt, vText, vUri
from icalendar import Event as VEvent
from pydantic import ConfigDict, Field, field_validator

from rrma_agenda._text import clean_url, fold_key, one_line, plain_text, shorten
from rrma_agenda._zones import event_zone, in_zone, tzid_of, vtimezone, year_span
from rrma_core.connectors import Options
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Event, Occurrence, Place, Price, Record
from rrma_core.vocabularies import (
    AttendanceMode,
    EventKind,
    EventStatus,
    Vocabulary,
    get_vocabulary,
)

__all__ = ["IcsExporter", "IcsOptions"]

#: The longest title and description written (characters): a source's whole page in a
#: description makes calendars slow and some clients (Google: 8 KB) cut it anyway.
MAX_SUMMARY = 250
MAX_DESCRIPTION = 6000

#: The most categories and organisers written for one event.
_MAX_CATEGORIES = 40
_MAX_LISTED = 20
#: RFC 5545 INTEGER is 32 bits; SEQUENCE counts seconds from this day.
_MAX_SEQUENCE = 2**31 - 1
_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_END = b"END:VCALENDAR\r\n"
_HOSTNAME = re.compile(
    r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
)

#: The words of the description lines, by language.
_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "session": "Séance {n} sur {total}",
        "status": "Statut",
        "withdrawn": "Retiré de l'agenda",
        "organisers": "Organisé par",
        "audiences": "Public",
        "price": "Tarif",
        "free": "Gratuit",
        "registration": "Inscription",
        "online": "En ligne",
        "more": "Plus d'informations",
        "colon": "\u00a0: ",
    },
    "en": {
        "session": "Session {n} of {total}",
        "status": "Status",
        "withdrawn": "Withdrawn from the agenda",
        "organisers": "Organised by",
        "audiences": "Audience",
        "price": "Price",
        "free": "Free",
        "registration": "Registration",
        "online": "Online",
        "more": "More information",
        "colon": ": ",
    },
}


class IcsOptions(Options):
    """Options of the ``ics`` exporter."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    name: str | None = Field(
        default=None,
        description="The calendar's name shown by clients (X-WR-CALNAME); default: the "
        "workspace's name.",
    )
    description: str | None = Field(
        default=None, description="A description of the calendar (X-WR-CALDESC)."
    )
    domain: str | None = Field(
        default=None,
        description="The domain ending every UID (``<record id>-<n>@<domain>``): the network's "
        "own web domain once the calendar is published; default: the workspace's name as a "
        "``.rrma.invalid`` domain.",
    )
    refresh_hours: int | None = Field(
        default=None,
        ge=1,
        le=168,
        description="How often subscribed clients should fetch the calendar again "
        "(REFRESH-INTERVAL and X-PUBLISHED-TTL); default: the client's own setting.",
    )

    @field_validator("domain")
    @classmethod
    def _hostname(cls, value: str | None) -> str | None:
        if value is None:
            return None
        domain = value.strip().lower().rstrip(".")
        if not _HOSTNAME.fullmatch(domain):
            raise ValueError(f"{value!r} is not a domain name (such as resacoop.org)")
        return domain


@dataclass(frozen=True)
class _Entry:
    """One VEVENT to write: an occurrence of an event, with its place in the calendar."""

    key: tuple[datetime, str, int]
    event: Event
    occurrence: Occurrence
    number: int
    total: int
    zone: tzinfo


class IcsExporter(Exporter[IcsOptions]):
    """Writes events as an iCalendar (RFC 5545) agenda, one VEVENT per occurrence.

    Each occurrence has the UID ``<record id>-<n>@<domain>`` (``n`` counting occurrences in
    date order from 1), so a client that reads the calendar again updates an event whose
    date, place or text changed instead of adding a copy. Times are written in the venue's
    zone with its VTIMEZONE; all-day occurrences as dates; cancelled (and, when exported,
    withdrawn) events as ``STATUS:CANCELLED``. ``DTSTAMP`` and ``LAST-MODIFIED`` are the
    record's ``updated_at``, so the same records always give the same bytes.

    Example:
        ```python
        ws.export("ics", "agenda.ics", records=ws.events(upcoming=True),
                  name="Agenda RESACOOP", domain="resacoop.org")
        ```
    """

    name: ClassVar[str] = "ics"
    media_type: ClassVar[str] = "text/calendar"
    extension: ClassVar[str] = ".ics"
    record_types: ClassVar[tuple[type[Record], ...]] = (Event,)
    Options = IcsOptions

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the calendar of ``records`` (events) to ``out``; return how many events.

        Time zones come first (RFC 5545 readers resolve a ``TZID`` against them), then one
        VEVENT per occurrence, soonest first, each written as soon as it is built.
        """
        events = _unique(records)
        primary = ctx.lang.split("-")[0].lower()
        lang = primary if primary in _WORDS else "fr"  # French, or English (en, en-GB...)
        entries = sorted(_entries(events, ctx.timezone), key=lambda e: e.key)
        domain = self.options.domain or _default_domain(ctx.workspace)

        out.write(self._calendar_head(ctx, lang).to_ical().removesuffix(_END))
        definitions = _vtimezones(entries)
        if not entries and (tzid := tzid_of(ctx.timezone)):
            # RFC 5545 wants at least one component: an empty agenda carries its zone.
            definitions = [vtimezone(tzid, *year_span([]))]
        for definition in definitions:
            out.write(definition)
        builder = _EventWriter(lang, domain)
        for entry in entries:
            out.write(builder.vevent(entry).to_ical())
        out.write(_END)
        return len(events)

    def _calendar_head(self, ctx: ExportContext, lang: str) -> Calendar:
        calendar = Calendar()
        calendar.add("version", "2.0")
        calendar.add("prodid", f"-//RRMA//rrma_core agenda//{lang.upper()}")
        calendar.add("calscale", "GREGORIAN")
        # Set as vText: ``add`` leaves NAME and X- properties unescaped (icalendar 7).
        name = vText(one_line(self.options.name or ctx.workspace) or "RRMA")
        calendar["NAME"] = calendar["X-WR-CALNAME"] = name
        if self.options.description:
            description = vText(plain_text(self.options.description))
            calendar["DESCRIPTION"] = calendar["X-WR-CALDESC"] = description
        zone = tzid_of(ctx.timezone)
        if zone:
            calendar["X-WR-TIMEZONE"] = vText(zone)
        if self.options.refresh_hours:
            interval = timedelta(hours=self.options.refresh_hours)
            calendar.add("refresh-interval", interval, parameters={"VALUE": "DURATION"})
            calendar["X-PUBLISHED-TTL"] = vDuration(interval)  # ``add`` writes "12:00:00"
        return calendar


def _default_domain(workspace: str) -> str:
    """``reseau-de-demonstration.rrma.invalid`` for "Réseau de démonstration".

    ``.invalid`` is reserved (RFC 6761): the UIDs can clash with no real domain's, and the
    workspace's name keeps two networks' UIDs apart.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold_key(workspace)).strip("-")[:63].strip("-")
    return f"{slug or 'rrma'}.rrma.invalid"


def _unique(records: Iterable[Record]) -> list[Event]:
    """The events among ``records``, each once (its latest version when given twice)."""
    events: dict[str, Event] = {}
    for record in records:
        if isinstance(record, Event):
            known = events.get(record.id)
            if known is None or record.updated_at > known.updated_at:
                events[record.id] = record
    return list(events.values())


def _entries(events: list[Event], default_zone: tzinfo) -> Iterator[_Entry]:
    for event in events:
        zone = event_zone(event, default_zone)
        occurrences = sorted(
            event.occurrences,
            key=lambda o: (_instant(o.start, zone), _instant(o.end or o.start, zone)),
        )
        total = len(occurrences)
        for number, occurrence in enumerate(occurrences, start=1):
            key = (_instant(occurrence.start, zone), event.id, number)
            yield _Entry(key, event, occurrence, number, total, zone)


def _instant(value: date | datetime, zone: tzinfo) -> datetime:
    """When ``value`` starts: itself, or a day's midnight in ``zone``."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), zone if tzid_of(zone) else UTC)


def _vtimezones(entries: list[_Entry]) -> list[bytes]:
    """The VTIMEZONE of every zone the timed entries use, by name, covering all their days."""
    timed = [e for e in entries if isinstance(e.occurrence.start, datetime)]
    tzids = sorted({tzid for entry in timed if (tzid := tzid_of(entry.zone))})
    if not tzids:
        return []
    days = [
        in_zone(value, entry.zone).date()
        for entry in timed
        for value in (entry.occurrence.start, entry.occurrence.end)
        if isinstance(value, datetime)
    ]
    first, last = year_span(days)
    return [vtimezone(tzid, first, last) for tzid in tzids]


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


class _EventWriter:
    """Builds the VEVENT of each occurrence, with what the occurrences of an event share."""

    def __init__(self, lang: str, domain: str) -> None:
        self.lang = lang
        self.domain = domain
        self.words = _WORDS[lang]
        self._pending: dict[str, _Shared] = {}

    def vevent(self, entry: _Entry) -> VEvent:
        """The VEVENT of one occurrence."""
        event = entry.event
        shared = self._shared_of(entry)
        vevent = VEvent()
        # Property objects are set directly (``add`` would look each type up again).
        vevent["UID"] = vText(f"{event.id}-{entry.number}@{self.domain}")
        for name, value in shared.properties:
            vevent[name] = value
        start, end = _times(entry.occurrence, entry.zone)
        vevent["DTSTART"] = vDDDTypes(start)
        if end is not None:
            vevent["DTEND"] = vDDDTypes(end)
        description = shared.description(self._session(entry))
        if description:
            vevent["DESCRIPTION"] = vText(description)
        return vevent

    def _session(self, entry: _Entry) -> str | None:
        if entry.total < 2:
            return None
        return self.words["session"].format(n=entry.number, total=entry.total) + "."

    def _shared_of(self, entry: _Entry) -> _Shared:
        if entry.total == 1:
            return _Shared.of(entry.event, self.lang, self.words)
        # Occurrences come in date order, so an event's last one is written last: what its
        # occurrences share is kept until then, and no longer.
        event_id = entry.event.id
        shared = self._pending.get(event_id)
        if shared is None:
            shared = self._pending[event_id] = _Shared.of(entry.event, self.lang, self.words)
        if entry.number == entry.total:
            del self._pending[event_id]
        return shared


def _times(occurrence: Occurrence, zone: tzinfo) -> tuple[date | datetime, date | datetime | None]:
    """DTSTART and DTEND: in the event's zone, or as days with an exclusive end."""
    start, end = occurrence.start, occurrence.end
    if isinstance(start, datetime):
        return in_zone(start, zone), in_zone(end, zone) if isinstance(end, datetime) else None
    # All day: DTEND is the day after the last day (RFC 5545's end is exclusive).
    last = end if isinstance(end, date) and not isinstance(end, datetime) else start
    return start, last + timedelta(days=1)


@dataclass(frozen=True)
class _Shared:
    """What every VEVENT of one event carries: its properties, and its description's parts."""

    properties: tuple[tuple[str, Any], ...]
    body: str
    details: tuple[str, ...]

    @classmethod
    def of(cls, event: Event, lang: str, words: dict[str, str]) -> _Shared:
        """The properties and texts of ``event`` in ``lang``."""
        summary = shorten(one_line(event.title.get(lang)), MAX_SUMMARY) or event.id
        updated = vDDDTypes(_utc(event.updated_at))
        properties: list[tuple[str, Any]] = [
            ("DTSTAMP", updated),
            ("CREATED", vDDDTypes(_utc(event.created_at))),
            ("LAST-MODIFIED", updated),
            ("SEQUENCE", vInt(_sequence(event))),
            ("SUMMARY", vText(summary)),
        ]
        location = _location(event, lang)
        if location:
            properties.append(("LOCATION", vText(location)))
        coordinates = event.venue.coordinates if event.venue else None
        if coordinates is not None:
            properties.append(("GEO", vGeo((coordinates.lat, coordinates.lon))))
        url = clean_url(event.url or event.registration_url)
        if url:
            properties.append(("URL", vUri(url)))
        categories = _categories(event, lang)
        if categories:
            properties.append(("CATEGORIES", vCategory(list(categories))))
        properties.extend(
            [("STATUS", vText(_status(event))), ("CLASS", _PUBLIC), ("TRANSP", _TRANSPARENT)]
        )
        body = plain_text(event.description.get(lang)) if event.description else ""
        return cls(tuple(properties), shorten(body, MAX_DESCRIPTION), _details(event, lang, words))

    def description(self, session: str | None) -> str:
        """The description of one occurrence: the text, then its session and the details."""
        lines = [session, *self.details] if session else self.details
        return "\n\n".join(p for p in (self.body, "\n".join(lines)) if p)


_PUBLIC = vText("PUBLIC")
_TRANSPARENT = vText("TRANSPARENT")


def _details(event: Event, lang: str, words: dict[str, str]) -> tuple[str, ...]:
    """The description's lines after the text: status, organisers, audience, price, links."""
    colon = words["colon"]
    details: list[str] = []
    if event.withdrawn:
        details.append(f"{words['status']}{colon}{words['withdrawn']}")
    elif event.status != EventStatus.SCHEDULED:
        details.append(f"{words['status']}{colon}{_label('event_statuses', event.status, lang)}")
    organisers = [n for o in event.organisers if (n := shorten(one_line(str(o)), MAX_SUMMARY))]
    if organisers:
        listed = organisers[:_MAX_LISTED] + (["…"] if len(organisers) > _MAX_LISTED else [])
        details.append(f"{words['organisers']}{colon}{', '.join(listed)}")
    if event.audiences:
        audiences = [_label("audiences", a, lang) for a in event.audiences]
        details.append(f"{words['audiences']}{colon}{', '.join(audiences)}")
    price = _price(event.price, lang, words) if event.price else None
    if price:
        details.append(f"{words['price']}{colon}{price}")
    for word, url in (
        ("registration", event.registration_url),
        ("online", event.online_url),
        ("more", event.url),
    ):
        if cleaned := clean_url(url):
            details.append(f"{words[word]}{colon}{cleaned}")
    return tuple(details)


def _label(vocabulary: str, code: str, lang: str) -> str:
    """A code's label in ``lang`` on one line; the code itself when the vocabulary lacks it."""
    return _term_label(get_vocabulary(vocabulary), str(code), lang)


@functools.lru_cache(maxsize=4096)
def _term_label(vocabulary: Vocabulary, code: str, lang: str) -> str:
    # Vocabularies are immutable: a label looked up once is the same until the registry
    # (and so the Vocabulary object, part of the key) changes.
    term = vocabulary.get(code)
    return one_line(term.label(lang)) if term is not None else code


def _status(event: Event) -> str:
    if event.withdrawn or event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    if event.status == EventStatus.POSTPONED:
        return "TENTATIVE"
    return "CONFIRMED"


def _sequence(event: Event) -> int:
    """Whole seconds from 2020 to the record's last change.

    ``SEQUENCE`` must grow with every significant revision (RFC 5545). This one grows each
    time the record changes (the engine moves ``updated_at`` only when the content does),
    even when a workspace is rebuilt and its records created again; it is the same in every
    export of the same record, and fits RFC 5545's 32-bit INTEGER until 2088.
    """
    seconds = int((event.updated_at - _SEQUENCE_EPOCH).total_seconds())
    return max(0, min(seconds, _MAX_SEQUENCE))


def _location(event: Event, lang: str) -> str | None:
    """The venue's name and address on one line; the online link of an event held online."""
    online_url = clean_url(event.online_url)
    online = event.attendance_mode == AttendanceMode.ONLINE
    if online_url and (online or event.status == EventStatus.MOVED_ONLINE):
        return online_url
    if event.venue is None:
        return online_url
    return _place(event.venue, lang)


def _place(venue: Place, lang: str) -> str | None:
    parts = [venue.name or ""]
    address = venue.address
    if address is not None:
        parts.append(address.street or "")
        parts.append(" ".join(p for p in (address.postal_code, address.city) if p))
        if address.country != "FR":
            parts.append(_label("countries", address.country, lang))
    seen: set[str] = set()
    kept = []
    for part in (shorten(one_line(p), MAX_SUMMARY) for p in parts):
        if part and fold_key(part) not in seen:
            seen.add(fold_key(part))
            kept.append(part)
    return ", ".join(kept) or None


def _categories(event: Event, lang: str) -> tuple[str, ...]:
    """The kind of event, its themes' labels and the source's keywords, each once."""
    names = []
    if event.event_kind != EventKind.OTHER:
        names.append(_label("event_kinds", event.event_kind.value, lang))
    names.extend(_label("sectors", theme, lang) for theme in event.themes)
    names.extend(event.keywords)
    seen: set[str] = set()
    kept = []
    for name in (shorten(one_line(n), MAX_SUMMARY) for n in names):
        key = fold_key(name)
        if name and key not in seen:
            seen.add(key)
            kept.append(name)
    return tuple(kept[:_MAX_CATEGORIES])


def _price(price: Price, lang: str, words: dict[str, str]) -> str | None:
    if price.text:
        return one_line(price.text)
    if price.free:
        return words["free"]
    if price.amount is None:
        return None
    amount = f"{price.amount:.2f}".removesuffix(".00")
    if lang == "fr":
        amount = amount.replace(".", ",")
        return f"{amount}\u00a0€" if price.currency == "EUR" else f"{amount}\u00a0{price.currency}"
    return f"€{amount}" if price.currency == "EUR" else f"{price.currency} {amount}"
