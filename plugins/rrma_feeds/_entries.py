"""From records to feed entries: what an RSS item or an Atom entry says, whatever the format.

A call for projects gives its deadline, funders, amount, eligible applicants, area and
countries, then its description; an event gives its dates and times in the workspace's time
zone, its place, organisers, price and registration, then its description. Both carry their
vocabularies as categories (``urn:rrma:<facet>`` schemes) so that a reader can filter on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Final

from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects, Event, LocalizedText, Place, Record
from rrma_core.vocabularies import EventStatus, get_vocabulary
from rrma_feeds._i18n import (
    Words,
    format_amount,
    format_instant,
    format_money,
    format_short_day,
    format_span,
    words_for,
)
from rrma_feeds._options import FeedOptions
from rrma_feeds._text import escape_html, plain_title, rich_text

__all__ = ["SCHEME", "Category", "Entry", "EntryMaker", "EventFacts", "sort_key"]

#: The prefix of the category schemes (``urn:rrma:theme``, ``urn:rrma:funder``...) and of
#: the Atom entry ids (``urn:rrma:<record id>``).
SCHEME: Final = "urn:rrma:"
_NEVER: Final = datetime.max.replace(tzinfo=UTC)
_MAX_DATES: Final = 10  # occurrences listed in an event's description


@dataclass(frozen=True, slots=True)
class Category:
    """A category of an entry: a vocabulary code (``term``), its label, and its facet."""

    term: str
    label: str
    scheme: str


@dataclass(frozen=True, slots=True)
class EventFacts:
    """The machine-readable facts of an event entry (the RSS event module's elements)."""

    start: str
    end: str | None
    location: str | None
    organisers: str | None
    kind: str


@dataclass(slots=True)
class Entry:
    """One item of a feed, in plain text (title) and safe HTML (``html``).

    Attributes:
        id: The record's id (RSS ``guid``; the Atom id is ``urn:rrma:<id>``).
        title: The entry's title, plain text.
        link: The record's web page, when it has one.
        html: The description as sanitised HTML.
        published: When the record was published (a call's ``published_on``, else when the
            workspace first stored it).
        updated: When the record last changed in the workspace (for a call published
            later than that, its publication).
        categories: Its vocabularies, funders and deadline.
        point: ``(lat, lon)`` of an event's venue.
        event: The dates, place and organisers of an event.
    """

    id: str
    title: str
    link: str | None
    html: str
    published: datetime
    updated: datetime
    categories: list[Category] = field(default_factory=list)
    point: tuple[float, float] | None = None
    event: EventFacts | None = None


def _aware(value: datetime) -> datetime:
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _instant(value: date | datetime, tz: tzinfo, *, end_of_day: bool) -> datetime:
    if isinstance(value, datetime):
        return _aware(value)
    return datetime.combine(value, time.max if end_of_day else time.min, tz)


def sort_key(record: Record, tz: tzinfo) -> tuple[int, datetime, int, str]:
    """The order of a feed: by deadline (calls) or first start (events), undated last.

    A deadline given as a day counts as the end of that day in ``tz``, an all-day event as
    the start of its first day. Ties go calls first, then by id, so the order is total.
    """
    if isinstance(record, CallForProjects):
        if record.deadline is None:
            return (1, _NEVER, 0, record.id)
        return (0, _instant(record.deadline, tz, end_of_day=True), 0, record.id)
    if isinstance(record, Event):
        return (0, _instant(record.start, tz, end_of_day=False), 1, record.id)
    return (1, _NEVER, 2, record.id)


def _local_day(value: date | datetime, tz: tzinfo) -> date:
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _iso(value: date | datetime, tz: tzinfo) -> str:
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    return value.isoformat()


class _Labels:
    """Vocabulary labels in one language, looked up once per export.

    A code that the vocabulary does not know (a term a workspace plugin added, read outside
    that workspace) is shown as it is rather than failing the export.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, vocabulary: str, code: str) -> str:
        key = (vocabulary, code)
        label = self._cache.get(key)
        if label is None:
            try:
                term = get_vocabulary(vocabulary).get(code)
            except LookupError:  # UnknownVocabulary: a registry without it
                term = None
            label = term.label(self.lang) if term is not None else code
            self._cache[key] = label
        return label


class EntryMaker:
    """Turns calls and events into entries, in the export's language and time zone."""

    def __init__(self, ctx: ExportContext, options: FeedOptions) -> None:
        self.tz = ctx.timezone
        self.lang = ctx.lang
        self.words: Words = words_for(ctx.lang)
        self.labels = _Labels(self.words.lang)
        self.date_in_title = options.date_in_title
        self._categories_made: dict[tuple[str, str, str], Category] = {}
        self._heads: dict[str, str] = {}

    # --- shared pieces ---------------------------------------------------------------------

    def _title(self, text: LocalizedText) -> str:
        return plain_title(text.get(self.lang))

    def _field(self, key: str, value_html: str) -> str:
        """A paragraph ``<strong>Label :</strong> value`` (the label's words by ``key``)."""
        head = self._heads.get(key)
        if head is None:
            colon = "\u00a0:" if self.words.lang == "fr" else ":"
            head = self._heads[key] = f"<p><strong>{escape_html(self.words[key])}{colon}</strong> "
        return head + value_html + "</p>"

    def _link(self, url: str) -> str:
        return f'<a href="{escape_html(url, quote=True)}">{escape_html(url)}</a>'

    def _category(self, facet: str, vocabulary: str, code: str) -> Category:
        """The category of a vocabulary code (made once per export)."""
        key = (facet, vocabulary, code)
        category = self._categories_made.get(key)
        if category is None:
            label = self.labels(vocabulary, code)
            if vocabulary == "sdg":
                prefix, colon = ("ODD", "\u00a0:") if self.words.lang == "fr" else ("SDG", ":")
                label = f"{prefix} {code}{colon} {label}"
            elif vocabulary == "departements":
                label = f"{label} ({code})"
            category = self._categories_made[key] = Category(code, label, SCHEME + facet)
        return category

    def _categories(self, facet: str, vocabulary: str, codes: Iterable[str]) -> list[Category]:
        return [self._category(facet, vocabulary, code) for code in codes]

    def _sdgs(self, sdgs: Iterable[int]) -> list[Category]:
        return [self._category("sdg", "sdg", str(number)) for number in sdgs]

    def entry(self, record: Record) -> Entry:
        """The entry of a call for projects or an event."""
        if isinstance(record, CallForProjects):
            return self.call_entry(record)
        if isinstance(record, Event):
            return self.event_entry(record)
        raise TypeError(f"a feed holds calls for projects and events, not {type(record).__name__}")

    # --- calls -----------------------------------------------------------------------------

    def call_entry(self, call: CallForProjects) -> Entry:
        """A call: deadline in the title, then its terms, then its description."""
        words, tz, lang = self.words, self.tz, self.words.lang
        title = self._title(call.title)
        if self.date_in_title and call.deadline is not None:
            day = format_short_day(_local_day(call.deadline, tz), lang)
            title = words["title.deadline"].format(title=title, day=day)
        parts: list[str] = []
        if call.deadline is not None:
            deadline = escape_html(format_instant(call.deadline, tz, words))
            parts.append(self._field("deadline", deadline))
        else:
            parts.append(f"<p>{escape_html(words['no_deadline'])}</p>")
        if call.opens_on is not None:
            parts.append(
                self._field("opens", escape_html(format_instant(call.opens_on, tz, words)))
            )
        funders = [str(funder) for funder in call.funders]
        if funders:
            parts.append(self._field("funders", escape_html(", ".join(funders))))
        amount = call.amount
        if amount is not None:
            amount_text = amount.text or format_amount(
                amount.min, amount.max, amount.rate, amount.currency, words
            )
            if amount_text:
                parts.append(self._field("amount", escape_html(amount_text)))
        if call.eligible_actor_types:
            eligible = ", ".join(self.labels("actor_types", t) for t in call.eligible_actor_types)
            parts.append(self._field("eligible", escape_html(eligible)))
        perimeter = self._perimeter(call)
        if perimeter:
            parts.append(self._field("perimeter", escape_html(perimeter)))
        if call.countries:
            countries = ", ".join(self.labels("countries", c) for c in call.countries)
            parts.append(self._field("countries", escape_html(countries)))
        if call.description is not None:
            parts.append(rich_text(call.description.get(self.lang)))

        categories: list[Category] = []
        if call.deadline is not None:
            day = _local_day(call.deadline, tz).isoformat()
            categories.append(Category(day, day, SCHEME + "deadline"))
        categories.extend(Category(name, name, SCHEME + "funder") for name in funders if name)
        categories.extend(self._categories("eligible", "actor_types", call.eligible_actor_types))
        categories.extend(self._categories("theme", "sectors", call.themes))
        categories.extend(self._sdgs(call.sdgs))
        published_on = call.published_on if call.published_on is not None else call.created_at
        published = _instant(published_on, tz, end_of_day=False)
        return Entry(
            id=call.id,
            title=title,
            link=call.url,
            html="".join(parts),
            published=published,
            updated=max(_aware(call.updated_at), published),  # never before its publication
            categories=categories,
        )

    def _perimeter(self, call: CallForProjects) -> str | None:
        perimeter = call.perimeter
        if perimeter is None:
            return None
        if perimeter.text:
            return perimeter.text
        names: list[str] = []
        if perimeter.national:
            names.append(self.words["national"])
        names.extend(self.labels("regions", code) for code in perimeter.regions)
        names.extend(
            f"{self.labels('departements', code)} ({code})" for code in perimeter.departements
        )
        return ", ".join(names) or None

    # --- events ----------------------------------------------------------------------------

    def event_entry(self, event: Event) -> Entry:
        """An event: when (in the workspace's zone), where, who, then its description."""
        words, tz, lang = self.words, self.tz, self.words.lang
        title = self._title(event.title)
        occurrences = event.occurrences
        if len(occurrences) > 1:
            occurrences = sorted(occurrences, key=lambda o: (o.sort_key, o.end is None))
        start = occurrences[0].start
        if event.status != EventStatus.SCHEDULED:
            status = self.labels("event_statuses", event.status.value)
            title = words["title.status"].format(status=status, title=title)
        if self.date_in_title:
            day = format_short_day(_local_day(start, tz), lang)
            title = words["title.when"].format(title=title, day=day)

        parts: list[str] = []
        spans = [format_span(o.start, o.end, tz, words) for o in occurrences[:_MAX_DATES]]
        if len(spans) == 1:
            parts.append(self._field("when", escape_html(spans[0])))
        else:
            items = "".join(f"<li>{escape_html(span)}</li>" for span in spans)
            if len(occurrences) > _MAX_DATES:
                more = words["more_dates"].format(count=len(occurrences) - _MAX_DATES)
                items += f"<li>{escape_html(more)}</li>"
            parts.append(self._field("when", "") + f"<ul>{items}</ul>")
        if event.status != EventStatus.SCHEDULED:
            status = self.labels("event_statuses", event.status.value)
            parts.append(self._field("status", escape_html(status)))
        location = self._place(event.venue) if event.venue is not None else None
        if location:
            parts.append(self._field("where", escape_html(location)))
        if event.online_url:
            parts.append(self._field("online", self._link(event.online_url)))
        organisers = ", ".join(str(o) for o in event.organisers) or None
        if organisers:
            parts.append(self._field("organisers", escape_html(organisers)))
        price = self._price(event)
        if price:
            parts.append(self._field("price", escape_html(price)))
        if event.registration_url:
            parts.append(self._field("registration", self._link(event.registration_url)))
        kind_code = event.event_kind.value
        kind = self.labels("event_kinds", kind_code)
        if kind_code != "other":
            parts.append(self._field("kind", escape_html(kind)))
        if event.description is not None:
            parts.append(rich_text(event.description.get(self.lang)))

        categories: list[Category] = []
        if kind_code != "other":
            categories.append(self._category("event-kind", "event_kinds", kind_code))
        if event.campaign_edition:
            categories.append(self._edition(event.campaign_edition))
        departement = event.departement
        if departement:
            categories.append(self._category("departement", "departements", departement))
        categories.extend(self._categories("theme", "sectors", event.themes))
        categories.extend(self._sdgs(event.sdgs))

        coordinates = event.venue.coordinates if event.venue is not None else None
        end = event.end
        return Entry(
            id=event.id,
            title=title,
            link=event.url or event.registration_url or event.online_url,
            html="".join(parts),
            published=_aware(event.created_at),
            updated=_aware(event.updated_at),
            categories=categories,
            point=(coordinates.lat, coordinates.lon) if coordinates is not None else None,
            event=EventFacts(
                start=_iso(start, tz),
                end=_iso(end, tz) if end != start else None,
                location=location,
                organisers=organisers,
                kind=kind,
            ),
        )

    def _place(self, venue: Place) -> str | None:
        parts = [venue.name] if venue.name else []
        address = venue.address
        if address is not None:
            if address.street:
                parts.append(address.street)
            town = " ".join(p for p in (address.postal_code, address.city) if p)
            if town:
                parts.append(town)
            if address.country != "FR":
                parts.append(self.labels("countries", address.country))
        return ", ".join(parts) or None

    def _price(self, event: Event) -> str | None:
        price = event.price
        if price is None:
            return None
        if price.text:
            return price.text
        if price.free or price.amount == 0:
            return self.words["free"]
        if price.amount is not None:
            return format_money(price.amount, price.currency, self.words.lang)
        return None

    def _edition(self, edition: str) -> Category:
        """The category of a campaign edition, ``Festival ALIMENTERRE 2026``."""
        key = ("campaign", "campaigns", edition)
        made = self._categories_made.get(key)
        if made is not None:
            return made
        code, _, year = edition.rpartition("-")
        label = edition
        if code and year.isdigit():
            try:
                term = get_vocabulary("campaigns").get(code)
            except LookupError:  # UnknownVocabulary: a registry without it
                term = None
            if term is not None:
                label = f"{term.label(self.words.lang)} {year}"
        made = self._categories_made[key] = Category(edition, label, SCHEME + "campaign")
        return made
