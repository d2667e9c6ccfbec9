"""What a digest says, before it is written: the items chosen, sorted, grouped and worded.

[`build_digest`][rrma_digest.build_digest] turns records into a
[`Digest`][rrma_digest.Digest]; the templates only lay it out, so that the HTML, Markdown and
text versions always hold the same items in the same order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from markupsafe import Markup

from rrma_core.exporters import ExportContext
from rrma_core.models import ActorRef, CallForProjects, Event, LocalizedText, Occurrence, Record
from rrma_core.models import Resource as ResourceRecord
from rrma_core.vocabularies import (
    AttendanceMode,
    CallStatus,
    EventKind,
    EventStatus,
    ResourceKind,
    get_vocabulary,
    timezone_of_region,
)
from rrma_digest._catalogue import Catalogue, catalogue
from rrma_digest._text import description_html, description_text, safe_url, short

if TYPE_CHECKING:
    from rrma_digest._exporter import DigestOptions

__all__ = [
    "CallItem",
    "Digest",
    "EventItem",
    "PlaceGroup",
    "ResourceItem",
    "WeekGroup",
    "build_digest",
]

#: Titles longer than this are cut (with "…"): a newsletter is not the place for a novel.
TITLE_LIMIT = 200
_NAMES_LIMIT = 200
_URGENT_DAYS = 7
_NEVER = float("inf")

_T = TypeVar("_T")


@dataclass
class Item:
    """What every item of a digest has.

    Attributes:
        id: The record's id.
        title: Its title in the digest's language, as plain text (cut at 200 characters).
        url: Its link (``http``, ``https`` or ``mailto`` only), if any.
        meta: One line under the title (deadline, place, kind...), plain text.
        details: Further lines ("Financement : ..."), plain text.
        status: What readers must know first ("Annulé", "Reporté"...), or ``None``.
        source_description: The description in the digest's language, as the source gave it
            (control characters removed, not yet sanitised).
        excerpt: How many characters of description to show (``None``: all of it).
    """

    id: str
    title: str
    url: str | None
    meta: str = ""
    details: list[str] = field(default_factory=list)
    status: str | None = None
    source_description: str = field(default="", repr=False)
    excerpt: int | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        """The lines under the title, in order (what the Markdown and text digests show)."""
        return [line for line in (self.meta, *self.details) if line]

    @functools.cached_property
    def summary(self) -> str:
        """The description as plain text: an excerpt, or whole with its paragraphs."""
        return description_text(self.source_description, self.excerpt)

    @functools.cached_property
    def description(self) -> Markup:
        """The description as HTML safe to print: escaped text or nh3-sanitised HTML."""
        return description_html(self.source_description, self.excerpt)


@dataclass
class CallItem(Item):
    """An open call for projects.

    Attributes:
        deadline: The deadline line ("Date limite : 29 janvier 2027" or "Sans date limite").
        closes: "clôture dans 63 jours", "clôture demain", "clôture aujourd'hui", or ``None``.
        days_left: Whole days to the deadline's day (0 on the day), ``None`` without one.
        urgent: Whether it closes within a week.
    """

    deadline: str = ""
    closes: str | None = None
    days_left: int | None = None
    urgent: bool = False


@dataclass
class EventItem(Item):
    """An upcoming event, at its next occurrence.

    Attributes:
        when: The next occurrence in words ("vendredi 27 novembre 2026, 18 h 30 – 21 h").
        cancelled: Whether it was cancelled.
        start: When its next occurrence starts (for templates that want their own format).
    """

    when: str = ""
    cancelled: bool = False
    start: date | datetime | None = None

    @property
    def lines(self) -> list[str]:
        """When, where, then the details."""
        return [line for line in (self.when, self.meta, *self.details) if line]


@dataclass
class ResourceItem(Item):
    """A new resource."""


@dataclass
class PlaceGroup:
    """The events of one week in one département (or online, or at a place not yet given).

    Attributes:
        code: The département's code; ``None`` for online events and unknown places.
        label: "Rhône (69)", "En ligne", "Lieu à préciser".
        events: Its events, by start.
    """

    code: str | None
    label: str
    events: list[EventItem] = field(default_factory=list)


@dataclass
class WeekGroup:
    """The events of one week (Monday to Sunday), by département.

    Attributes:
        monday: The week's first day.
        label: "Semaine du 30 novembre 2026".
        places: Its départements in code order, then online events, then unknown places.
    """

    monday: date
    label: str
    places: list[PlaceGroup] = field(default_factory=list)

    @property
    def events(self) -> list[EventItem]:
        """Every event of the week, département by département."""
        return [event for place in self.places for event in place.events]


@dataclass
class Digest:
    """Everything a digest says, worded in one language, ready for a template.

    Attributes:
        lang: The language (``"fr"`` or ``"en"``).
        title: "Lettre d'information — RESACOOP" (or the ``title`` option).
        date: The day it is prepared ("27 novembre 2026").
        intro: The ``intro`` option's paragraphs.
        calls: Open calls by closing date, those without a deadline last.
        weeks: Upcoming events by week, then département.
        resources: New resources, newest first.
        more_calls: "… et 3 autres appels à projets." when ``max_calls`` left some out.
        more_events: The same for events (``max_events``).
        more_resources: The same for resources (``max_resources``).
        footer: "Lettre préparée le 27 novembre 2026 avec rrma_core."
        t: The fixed strings of the language (headings...), by key.
    """

    lang: str
    title: str
    date: str
    intro: list[str]
    calls: list[CallItem]
    weeks: list[WeekGroup]
    resources: list[ResourceItem]
    more_calls: str | None
    more_events: str | None
    more_resources: str | None
    footer: str
    t: dict[str, str]

    @property
    def events(self) -> list[EventItem]:
        """Every event of the digest, in order."""
        return [event for week in self.weeks for event in week.events]

    @property
    def count(self) -> int:
        """How many items the digest holds."""
        return len(self.calls) + len(self.events) + len(self.resources)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to relay."""
        return self.count == 0


def build_digest(records: Iterable[Record], ctx: ExportContext, options: DigestOptions) -> Digest:
    """Choose, sort, group and word the items of a digest.

    Args:
        records: Calls for projects, events and resources (other records are ignored, and
            so are withdrawn ones).
        ctx: The export's context: the language, the time zone, and ``now``, the moment
            "closes in N days" and "upcoming" are judged from (unless option ``on`` says
            otherwise).
        options: The digest's options.

    Returns:
        The digest, ready for [`render_digest`][rrma_digest.render_digest].
    """
    tz = ctx.timezone
    now = _moment(options.on if options.on is not None else ctx.now, tz)
    today = now.astimezone(tz).date()
    t = catalogue(ctx.lang)
    words = _Words(t, tz, options.excerpt)

    now_ts = now.timestamp()
    horizon = now_ts + 7 * 86400 * options.weeks
    oldest = today - timedelta(days=options.since_days)
    midnights = _Midnights(tz)
    calls: list[tuple[tuple[bool, float, str, str], CallForProjects]] = []
    events: list[tuple[tuple[float, str, str], Event, Occurrence, int, tzinfo, date]] = []
    resources: list[tuple[tuple[int, str, str], ResourceRecord, date]] = []
    for record in records:
        if record.withdrawn:
            continue
        if isinstance(record, CallForProjects):
            if record.status(now, tz=tz) != CallStatus.CLOSED:
                calls.append((_call_key(record, t.lang, midnights), record))
        elif isinstance(record, Event):
            occurrences = record.occurrences
            if len(occurrences) == 1:  # the usual case
                occurrence = occurrences[0]
                start, end = midnights.span(occurrence)
                if end <= now_ts:
                    continue
                more = 0
            else:
                coming = [(*midnights.span(o), o) for o in occurrences]
                coming = [c for c in coming if c[1] > now_ts]
                if not coming:
                    continue
                start, _, occurrence = min(coming, key=lambda c: c[0])
                more = len(coming) - 1
            if max(start, now_ts) >= horizon:
                continue
            zone = words.zone(record)
            if start <= now_ts:  # under way: shown from now on, in the current week
                start, day = now_ts, now.astimezone(zone).date()
            elif isinstance(occurrence.start, datetime):
                day = occurrence.start.astimezone(zone).date()
            else:
                day = occurrence.start
            key = (start, _fold(record.title, t.lang), record.id)
            events.append((key, record, occurrence, more, zone, day))
        elif isinstance(record, ResourceRecord):
            published = record.published_on or record.created_at.astimezone(tz).date()
            if oldest <= published <= today:
                key3 = (-published.toordinal(), _fold(record.title, t.lang), record.id)
                resources.append((key3, record, published))

    calls.sort(key=lambda entry: entry[0])
    events.sort(key=lambda entry: entry[0])
    resources.sort(key=lambda entry: entry[0])
    shown_calls = _first(calls, options.max_calls)
    shown_events = _first(events, options.max_events)
    shown_resources = _first(resources, options.max_resources)

    call_items = [words.call(record, today, now) for _, record in shown_calls]
    weeks = _group(
        [(day, record, words.event(record, occurrence, more, zone))
         for _, record, occurrence, more, zone, day in shown_events],
        words,
    )  # fmt: skip
    resource_items = [words.resource(record, day) for _, record, day in shown_resources]

    intro = [short(p) for p in (options.intro or "").replace("\r", "").split("\n\n")]
    return Digest(
        lang=t.lang,
        title=short(options.title, TITLE_LIMIT) or t("title", workspace=short(ctx.workspace)),
        date=t.day(today),
        intro=[p for p in intro if p],
        calls=call_items,
        weeks=weeks,
        resources=resource_items,
        more_calls=_more(t, "more_calls", len(calls) - len(shown_calls)),
        more_events=_more(t, "more_events", len(events) - len(shown_events)),
        more_resources=_more(t, "more_resources", len(resources) - len(shown_resources)),
        footer=t("generated", date=t.day(today)),
        t=dict(t.strings),
    )


def _moment(value: date | datetime, tz: tzinfo) -> datetime:
    """An aware date-time: a day is its start, a naive time is in ``tz``."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time.min, tz)
    return value if value.utcoffset() is not None else value.replace(tzinfo=tz)


def _first(entries: list[_T], limit: int | None) -> list[_T]:
    return entries if limit is None else entries[:limit]


def _more(t: Catalogue, key: str, left_out: int) -> str | None:
    return t.plural(key, left_out) if left_out > 0 else None


def _fold(text: LocalizedText, lang: str) -> str:
    return text.get(lang).casefold()


class _Midnights:
    """Instants as POSIX timestamps (fast to compare), whole days judged in one zone."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._days: dict[date, float] = {}

    def midnight(self, day: date) -> float:
        """When ``day`` starts in the zone."""
        instant = self._days.get(day)
        if instant is None:
            instant = self._days[day] = datetime.combine(day, time.min, self.tz).timestamp()
        return instant

    def span(self, occurrence: Occurrence) -> tuple[float, float]:
        """When an occurrence starts and is over (the day after its last day, when all-day)."""
        start, end = occurrence.start, occurrence.end or occurrence.start
        if isinstance(start, datetime) and isinstance(end, datetime):
            return start.timestamp(), end.timestamp()
        first = start.date() if isinstance(start, datetime) else start
        last = end.date() if isinstance(end, datetime) else end
        return self.midnight(first), self.midnight(last + timedelta(days=1))


def _call_key(
    call: CallForProjects, lang: str, midnights: _Midnights
) -> tuple[bool, float, str, str]:
    deadline = call.deadline
    if deadline is None:
        instant = _NEVER
    elif isinstance(deadline, datetime):
        instant = deadline.timestamp()
    else:  # a date: open until the end of that day
        instant = midnights.midnight(deadline + timedelta(days=1)) - 1e-6
    return (deadline is None, instant, _fold(call.title, lang), call.id)


@functools.lru_cache(maxsize=32)
def _zone_of_region(region: str) -> ZoneInfo:
    return ZoneInfo(timezone_of_region(region))


def _departement_sort_key(code: str | None, online: bool) -> tuple[int, str]:
    if code is None:
        return (1, "") if online else (2, "")
    # INSEE order: 19, 2A, 2B, 21... 95, 971...
    return (0, code.replace("2A", "20A").replace("2B", "20B"))


def _group(events: Sequence[tuple[date, Event, EventItem]], words: _Words) -> list[WeekGroup]:
    """Events (in order) by week of their (local) day, then by département."""
    weeks: dict[date, dict[tuple[int, str], PlaceGroup]] = {}
    for day, record, item in events:
        monday = day - timedelta(days=day.weekday())
        code = record.departement
        online = code is None and record.attendance_mode != AttendanceMode.OFFLINE
        places = weeks.setdefault(monday, {})
        key = _departement_sort_key(code, online)
        if key not in places:
            places[key] = PlaceGroup(code, words.place_label(code, online))
        places[key].events.append(item)
    return [
        WeekGroup(
            monday,
            words.t("week", day=words.t.day(monday)),
            [places[key] for key in sorted(places)],
        )
        for monday, places in sorted(weeks.items())
    ]


class _Words:
    """Records worded as digest items, in one language (labels cached)."""

    def __init__(self, t: Catalogue, tz: tzinfo, excerpt: int | None) -> None:
        self.t = t
        self.tz = tz
        self.excerpt = excerpt
        self.lang = t.lang
        self._labels: dict[tuple[str, str], str] = {}
        self._spans: dict[tuple[date, int, int, int, int], str] = {}

    def label(self, vocabulary: str, code: str) -> str:
        """A vocabulary's label of ``code`` in the digest's language (the code if unknown)."""
        key = (vocabulary, code)
        if key not in self._labels:
            term = get_vocabulary(vocabulary).get(code)
            self._labels[key] = term.label(self.lang) if term else code
        return self._labels[key]

    def place_label(self, code: str | None, online: bool) -> str:
        """A place group's label: "Rhône (69)", "En ligne" or "Lieu à préciser"."""
        if code is None:
            return self.t("online") if online else self.t("unknown_place")
        return f"{self.label('departements', code)} ({code})"

    def zone(self, event: Event) -> tzinfo:
        """The zone of the event's venue (its région's), else the digest's."""
        region = event.region
        return _zone_of_region(region) if region else self.tz

    def text(self, value: LocalizedText | None, limit: int | None = None) -> str:
        """A multilingual text in the digest's language, on one line, cut at ``limit``."""
        return short(value.get(self.lang), limit) if value is not None else ""

    def names(self, actors: Sequence[ActorRef]) -> str:
        """The actors' names (those given), once each, cut at 200 characters."""
        if len(actors) == 1:
            return short(actors[0].name, _NAMES_LIMIT)
        names = [n for n in dict.fromkeys(short(a.name) for a in actors if a.name) if n]
        return short(", ".join(names), _NAMES_LIMIT)

    def source_description(self, value: LocalizedText | None) -> str:
        """A description in the digest's language, as the source wrote it."""
        return value.get(self.lang) if value is not None else ""

    def moment(self, value: date | datetime, zone: tzinfo) -> str:
        """A deadline in words: "29 janvier 2027", "12 mars 2027, 12 h"."""
        if isinstance(value, datetime):
            local = value.astimezone(zone)
            return self.t("at", day=self.t.day(local.date()), time=self.t.time(local))
        return self.t.day(value)

    # --- calls -------------------------------------------------------------------------------

    def call(self, call: CallForProjects, today: date, now: datetime) -> CallItem:
        """A call as a digest item: its deadline, the days left, funders and amount."""
        t = self.t
        days = call.days_left(today, tz=self.tz)
        if call.deadline is None:
            deadline, closes = t("no_deadline"), None
        else:
            deadline = t("deadline", date=self.moment(call.deadline, self.tz))
            closes = (
                t("closes_today") if days == 0
                else t("closes_tomorrow") if days == 1
                else t("closes_in", n=days)
            )  # fmt: skip
        details = []
        if call.status(now, tz=self.tz) == CallStatus.UPCOMING and call.opens_on is not None:
            details.append(t("opens", date=self.moment(call.opens_on, self.tz)))
        funders = self.names(call.funders)
        if funders:
            details.append(t("funders", names=funders))
        amount = self.amount(call)
        if amount:
            details.append(t("amount", amount=amount))
        return CallItem(
            id=call.id,
            title=self.text(call.title, TITLE_LIMIT),
            url=safe_url(call.url),
            meta=deadline if closes is None else f"{deadline} — {closes}",
            details=details,
            source_description=self.source_description(call.description),
            excerpt=self.excerpt,
            deadline=deadline,
            closes=closes,
            days_left=days,
            urgent=days is not None and days <= _URGENT_DAYS,
        )

    def amount(self, call: CallForProjects) -> str:
        """The amount in words: the funder's own words in French, else built from figures."""
        amount = call.amount
        if amount is None:
            return ""
        if amount.text and (self.lang == "fr" or (amount.min is None and amount.max is None)):
            return short(amount.text, _NAMES_LIMIT)
        t = self.t
        parts = []
        if amount.min is not None and amount.max is not None:
            low, high = t.money(amount.min, amount.currency), t.money(amount.max, amount.currency)
            parts.append(t("amount_range", min=low, max=high))
        elif amount.max is not None:
            parts.append(t("amount_max", max=t.money(amount.max, amount.currency)))
        elif amount.min is not None:
            parts.append(t("amount_min", min=t.money(amount.min, amount.currency)))
        if amount.rate is not None:
            parts.append(t("amount_rate", rate=t.number(amount.rate)))
        return ", ".join(parts)

    # --- events ------------------------------------------------------------------------------

    def when(self, occurrence: Occurrence, zone: tzinfo) -> str:
        """An occurrence in words, in the venue's time zone."""
        t = self.t
        start, end = occurrence.start, occurrence.end
        if isinstance(start, datetime) and isinstance(end, datetime):  # the usual case
            local_start, local_end = start.astimezone(zone), end.astimezone(zone)
            if local_end.date() == local_start.date():
                key = (local_start.date(), local_start.hour, local_start.minute,
                       local_end.hour, local_end.minute)  # fmt: skip
                text = self._spans.get(key)
                if text is None:
                    span = t("time_span", start=t.time(local_start), end=t.time(local_end))
                    day = t.day(local_start.date(), weekday=True)
                    text = self._spans[key] = t("at", day=day, time=span)
                return text
        if not isinstance(start, datetime):  # whole days
            last = end if end is not None and not isinstance(end, datetime) else start
            if last == start:
                return t.day(start, weekday=True)
            first = t.day(start, weekday=True, year=start.year != last.year)
            return t("range", start=first, end=t.day(last, weekday=True))
        local_start = start.astimezone(zone)
        day = t.day(local_start.date(), weekday=True)
        if not isinstance(end, datetime):
            return t("at", day=day, time=t.time(local_start))
        local_end = end.astimezone(zone)
        if local_end.date() == local_start.date():
            span = t("time_span", start=t.time(local_start), end=t.time(local_end))
            return t("at", day=day, time=span)
        return t(
            "range",
            start=t("at", day=day, time=t.time(local_start)),
            end=t("at", day=t.day(local_end.date(), weekday=True), time=t.time(local_end)),
        )

    def event(self, event: Event, occurrence: Occurrence, more: int, zone: tzinfo) -> EventItem:
        """An event as a digest item, at ``occurrence`` (``more`` dates to come after it),
        its times in ``zone``."""
        t = self.t
        when = self.when(occurrence, zone)
        if more:
            when = f"{when} ({t.plural('more_dates', more)})"
        venue = event.venue
        name = short(venue.name) if venue is not None else ""
        city = short(venue.address.city) if venue is not None and venue.address else ""
        meta = name if not city or city == name else f"{name}, {city}" if name else city
        if event.attendance_mode != AttendanceMode.OFFLINE:
            mode = self.label("attendance_modes", event.attendance_mode.value)
            meta = f"{meta} · {mode}" if meta else mode
        if event.event_kind != EventKind.OTHER:
            kind = self.label("event_kinds", event.event_kind.value)
            meta = f"{meta} · {kind}" if meta else kind
        details = []
        organisers = self.names(event.organisers)
        if organisers:
            details.append(t("organisers", names=organisers))
        status = event.status
        return EventItem(
            id=event.id,
            title=self.text(event.title, TITLE_LIMIT),
            url=safe_url(event.url)
            or safe_url(event.registration_url)
            or safe_url(event.online_url),
            meta=meta,
            details=details,
            source_description=self.source_description(event.description),
            excerpt=self.excerpt,
            when=when,
            status=None
            if status == EventStatus.SCHEDULED
            else self.label("event_statuses", status.value),
            cancelled=status == EventStatus.CANCELLED,
            start=occurrence.start,
        )

    # --- resources ---------------------------------------------------------------------------

    def resource(self, resource: ResourceRecord, day: date) -> ResourceItem:
        """A resource as a digest item; ``day`` is when it was published (or added)."""
        t = self.t
        meta = []
        if resource.resource_kind != ResourceKind.OTHER:
            meta.append(self.label("resource_kinds", resource.resource_kind.value))
        if resource.published_on is not None:
            meta.append(t("published", date=t.day(day)))
        authors = self.names(resource.authors)
        return ResourceItem(
            id=resource.id,
            title=self.text(resource.title, TITLE_LIMIT),
            url=safe_url(resource.url),
            meta=" · ".join(meta),
            details=[t("authors", names=authors)] if authors else [],
            source_description=self.source_description(resource.description),
            excerpt=self.excerpt,
        )
