"""The ``jsonld`` exporter: schema.org ``Event`` and ``Organization`` nodes for web sites."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import IO, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from rrma_core.connectors import Options
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Actor, ActorRef, Event, Person, Place, Record
from rrma_core.vocabularies import ActorType, AttendanceMode, EventStatus, get_vocabulary
from rrma_opendata._cells import iso_seconds, json_encode, labels_of
from rrma_opendata._columns import BATCH_SIZE, Env, sorted_occurrences
from rrma_opendata._text import clean, nothing_to_clean, safe_json

__all__ = ["JsonLdExporter", "JsonLdOptions", "Nodes", "actor_node", "event_nodes"]

SCHEMA = "https://schema.org/"

_STATUS = {
    EventStatus.SCHEDULED: "EventScheduled",
    EventStatus.FULL: "EventScheduled",  # still taking place; the offer says SoldOut
    EventStatus.CANCELLED: "EventCancelled",
    EventStatus.POSTPONED: "EventPostponed",
    EventStatus.MOVED_ONLINE: "EventMovedOnline",
}
_MODE = {
    AttendanceMode.OFFLINE: "OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: "OnlineEventAttendanceMode",
    AttendanceMode.MIXED: "MixedEventAttendanceMode",
}
#: The schema.org subtype of Organization of each actor type.
ORGANIZATION_TYPES = {
    ActorType.ASSOCIATION: "NGO",
    ActorType.OSIM: "NGO",
    ActorType.FOUNDATION: "NGO",
    ActorType.LOCAL_AUTHORITY: "GovernmentOrganization",
    ActorType.PUBLIC_BODY: "GovernmentOrganization",
    ActorType.SCHOOL: "EducationalOrganization",
    ActorType.UNIVERSITY: "CollegeOrUniversity",
    ActorType.ESS_ENTERPRISE: "Organization",
    ActorType.NETWORK: "Organization",
    ActorType.OTHER: "Organization",
}
_STATUS_URLS = {status: SCHEMA + name for status, name in _STATUS.items()}
_MODE_URLS = {mode: SCHEMA + name for mode, name in _MODE.items()}
_EDITION = re.compile(r"(?P<code>[a-z0-9-]+?)-(?P<year>\d{4})(?:-[0-9AB]{2,3})?")


class JsonLdOptions(Options):
    """Options of the ``jsonld`` exporter."""

    base_url: str = Field(
        default="urn:rrma:",
        description="What each node's `@id` starts with, followed by the record's id: the "
        "address of the network's pages (`https://reseau.example/fiche/`) makes them "
        "links. Default: `urn:rrma:`.",
        min_length=1,
        pattern=r"^(https?://\S+|urn:\S+)$",
    )


class Nodes:
    """What node builders share: ids, language, time zones, vocabularies' labels."""

    def __init__(self, env: Env, base_url: str) -> None:
        self.env = env
        self.base = base_url
        self.lang = env.lang
        self.regions = labels_of("regions", env.lang)
        self.countries = labels_of("countries", env.lang)
        self.sectors = labels_of("sectors", env.lang)
        self.audiences = labels_of("audiences", env.lang)
        self.campaigns = labels_of("campaigns", env.lang)
        self._series: dict[str, dict[str, Any]] = {}

    def id(self, record_id: str) -> str:
        """The ``@id`` of a record."""
        return self.base + record_id

    def text(self, value: str | None) -> str | None:
        """Text without control characters (``None`` stays ``None``)."""
        return None if value is None else clean(value)

    def address(self, place: Place) -> dict[str, Any] | None:
        """A ``PostalAddress``, when the place has an address."""
        address = place.address
        if address is None:
            return None
        node: dict[str, Any] = {"@type": "PostalAddress"}
        _put_text(node, "streetAddress", address.street)
        if address.postal_code:
            node["postalCode"] = address.postal_code
        _put_text(node, "addressLocality", address.city)
        if address.region:
            node["addressRegion"] = self.regions.get(address.region, address.region)
        node["addressCountry"] = address.country
        return node

    def place(self, place: Place, *, address: bool = True) -> dict[str, Any]:
        """A ``Place`` with its name, ``PostalAddress`` (unless told not) and coordinates."""
        node: dict[str, Any] = {"@type": "Place"}
        _put_text(node, "name", place.name)
        if address and (postal := self.address(place)) is not None:
            node["address"] = postal
        coordinates = place.coordinates
        if coordinates is not None:
            node["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": coordinates.lat,
                "longitude": coordinates.lon,
            }
        return node

    def organization(self, ref: ActorRef) -> dict[str, Any]:
        """An ``Organization`` for a reference: its ``@id`` when it is in the directory."""
        node: dict[str, Any] = {"@type": "Organization"}
        if ref.id:
            node["@id"] = self.base + ref.id
        _put_text(node, "name", ref.name)
        return node

    def series(self, edition: str) -> dict[str, Any]:
        """The ``EventSeries`` node of a campaign edition (worked out once per export)."""
        node = self._series.get(edition)
        if node is None:
            node = self._series[edition] = _series(edition, self)
        return dict(node)

    def zone(self, place: Place | None) -> tzinfo:
        """The venue's time zone (its département's), else the workspace's."""
        departement = place.departement if place is not None else None
        return _departement_zone(departement) or self.env.tz


@functools.cache
def _departement_zone(code: str | None) -> tzinfo | None:
    if code is None:
        return None
    term = get_vocabulary("departements").get(code)
    name = term.data.get("timezone") if term is not None else None
    try:
        return ZoneInfo(name) if isinstance(name, str) else None
    except ZoneInfoNotFoundError:
        return None


def _put(node: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != [] and value != "":
        node[key] = value


def _put_text(node: dict[str, Any], key: str, value: str | None) -> None:
    """``_put(node, key, clean(value))``, for text or ``None``, in one call."""
    if value:
        if not value.isprintable():  # what clean() looks at first
            value = clean(value)
        if value:
            node[key] = value


def _when(value: date | datetime, zone: tzinfo) -> str:
    if isinstance(value, datetime):
        return iso_seconds(value.astimezone(zone))
    return value.isoformat()


def event_nodes(event: Event, nodes: Nodes) -> list[dict[str, Any]]:
    """One schema.org ``Event`` per occurrence of ``event``.

    A single occurrence gets the event's ``@id``; each of several gets the ``@id`` followed
    by ``#`` and its start, so that it keeps its id when others are added.
    """
    lang = nodes.lang
    # What every occurrence's node shares: name and description (before the dates), then
    # the rest (after them).
    head: dict[str, Any] = {}
    title = event.title.root
    _put_text(head, "name", title.get(lang) or event.title.get(lang))  # LocalizedText.get
    if event.description is not None:
        text = event.description.root.get(lang) or event.description.get(lang)
        head["description"] = text if nothing_to_clean(text) else clean(text)  # long text
    status = event.status
    mode = AttendanceMode.ONLINE if status == EventStatus.MOVED_ONLINE else event.attendance_mode
    tail: dict[str, Any] = {
        "eventStatus": _STATUS_URLS.get(status, SCHEMA + "EventScheduled"),
        "eventAttendanceMode": _MODE_URLS[mode],
    }
    venue = event.venue
    place = nodes.place(venue) if venue is not None and mode != AttendanceMode.ONLINE else None
    online = event.online_url
    if online and mode != AttendanceMode.OFFLINE:
        virtual = {"@type": "VirtualLocation", "url": online}
        tail["location"] = virtual if place is None else [place, virtual]
    elif place is not None:
        tail["location"] = place
    if event.organisers:
        tail["organizer"] = [nodes.organization(ref) for ref in event.organisers]
    offer = _offer(event)
    if offer is not None:
        tail["offers"] = offer
    if event.price is not None and event.price.free:
        tail["isAccessibleForFree"] = True
    if event.audiences:
        audiences = nodes.audiences
        tail["audience"] = [
            {"@type": "Audience", "audienceType": audiences.get(a, a._value_)}  # a's code
            for a in event.audiences
        ]
    if event.keywords:
        tail["keywords"] = [k if k.isprintable() else clean(k) for k in event.keywords]
    if event.themes:
        sectors = nodes.sectors
        tail["about"] = [sectors.get(t, t) for t in event.themes]
    tail["inLanguage"] = "fr" if "fr" in title else next(iter(title))  # title.languages
    if event.url:
        tail["url"] = event.url
    if event.campaign_edition:
        tail["superEvent"] = nodes.series(event.campaign_edition)
    zone = nodes.zone(venue)
    base = nodes.base + event.id
    occurrences = event.occurrences
    if len(occurrences) == 1:
        occurrence = occurrences[0]
        node: dict[str, Any] = {"@type": "Event", "@id": base, **head}
        node["startDate"] = _when(occurrence.start, zone)
        if occurrence.end is not None:
            node["endDate"] = _when(occurrence.end, zone)
        node.update(tail)
        return [node]
    built = []
    for occurrence in sorted_occurrences(event):
        start = _when(occurrence.start, zone)
        node = {"@type": "Event", "@id": f"{base}#{start}", **head, "startDate": start}
        if occurrence.end is not None:
            node["endDate"] = _when(occurrence.end, zone)
        node.update(tail)
        built.append(node)
    return built


def _offer(event: Event) -> dict[str, Any] | None:
    price = event.price
    full = event.status == EventStatus.FULL
    if price is None and not event.registration_url and not full:
        return None
    offer: dict[str, Any] = {"@type": "Offer"}
    if price is not None:
        if price.amount is not None:
            offer["price"] = price.amount
            offer["priceCurrency"] = price.currency
        elif price.free:
            offer["price"] = 0
            offer["priceCurrency"] = price.currency
        _put_text(offer, "description", price.text)
    if event.registration_url:
        offer["url"] = event.registration_url
    if full:
        offer["availability"] = SCHEMA + "SoldOut"
    return offer if len(offer) > 1 else None


def _series(edition: str, nodes: Nodes) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "EventSeries", "@id": nodes.id(edition)}
    match = _EDITION.fullmatch(edition)
    if match and match["code"] in nodes.campaigns:
        node["name"] = f"{nodes.campaigns[match['code']]} {match['year']}"
    return node


def actor_node(actor: Actor, nodes: Nodes) -> dict[str, Any]:
    """A schema.org ``Organization`` (or the subtype its actor type is) for ``actor``."""
    lang = nodes.lang
    node: dict[str, Any] = {
        "@type": ORGANIZATION_TYPES.get(actor.actor_type, "Organization"),
        "@id": nodes.id(actor.id),
        "name": clean(actor.name),
    }
    _put(node, "alternateName", nodes.text(actor.acronym))
    if actor.description is not None:
        node["description"] = clean(actor.description.get(lang))
    _put(node, "url", actor.website)
    _put(node, "email", nodes.text(actor.email))
    office = actor.head_office
    if office is not None:
        _put(node, "address", nodes.address(office))
        if office.coordinates is not None or office.name:
            node["location"] = nodes.place(office, address=False)  # the address is above
    identifiers = [
        {"@type": "PropertyValue", "propertyID": kind, "value": value}
        for kind, value in (("SIRET", actor.siret), ("SIREN", actor.siren), ("RNA", actor.rna))
        if value
    ]
    _put(node, "identifier", identifiers)
    _put(
        node,
        "areaServed",
        [
            {"@type": "Country", "name": nodes.countries.get(c, c), "identifier": c}
            for c in actor.countries
        ],
    )
    _put(node, "knowsAbout", [nodes.sectors.get(s, s) for s in actor.sectors])
    _put(node, "memberOf", [nodes.organization(ref) for ref in actor.memberships])
    if nodes.env.personal_data and actor.contacts:
        node["contactPoint"] = [_contact_point(p) for p in actor.contacts]
    return node


def _contact_point(person: Person) -> dict[str, Any]:
    point: dict[str, Any] = {"@type": "ContactPoint", "name": clean(person.name)}
    _put(point, "contactType", clean(person.role) if person.role else None)
    _put(point, "email", person.email)
    _put(point, "telephone", clean(person.phone) if person.phone else None)
    return point


class JsonLdExporter(Exporter[JsonLdOptions]):
    """Writes events and actors as one schema.org JSON-LD document.

    ``{"@context": "https://schema.org", "@graph": [...]}`` with one ``Event`` per
    occurrence of each event and one ``Organization`` (or ``NGO``,
    ``GovernmentOrganization``...) per actor, one node per line, in the records' order.
    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so the document can be pasted
    into a ``<script type="application/ld+json">`` element as it is.
    """

    name: ClassVar[str] = "jsonld"
    media_type: ClassVar[str] = "application/ld+json"
    extension: ClassVar[str] = ".jsonld"
    record_types: ClassVar[tuple[type[Record], ...]] = (Event, Actor)
    Options = JsonLdOptions

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the JSON-LD document to ``out``; return the number of records written."""
        nodes = Nodes(Env.of(ctx), self.options.base_url)
        out.write(b'{"@context": "https://schema.org", "@graph": [')
        count = 0
        separator = "\n"
        texts: list[str] = []  # the nodes' JSON, written a batch at a time
        for record in records:
            if isinstance(record, Event):
                texts += map(json_encode, event_nodes(record, nodes))
            elif isinstance(record, Actor):
                texts.append(json_encode(actor_node(record, nodes)))
            else:
                continue
            count += 1
            if len(texts) >= BATCH_SIZE:
                # safe_json() changes single characters, none of them in the separators.
                out.write((separator + safe_json(",\n".join(texts))).encode("utf-8"))
                separator, texts = ",\n", []
        if texts:
            out.write((separator + safe_json(",\n".join(texts))).encode("utf-8"))
        out.write(b"\n]}\n")
        return count
